// Adapter for ChainKnowledgeGraph (liuhuanyong, ../shared/data/chainkg): the
// A-share listed firms, SW-2021 industries, products and product upstream
// relations of 2021, as chainkg records.
#pragma once

#include <string>

#include "absl/status/status.h"

#include "loaders/dataset.h"

namespace chainkg::loaders {

// Reads original/{company,industry,product,company_industry,
// industry_industry,industry_up}.json and reconstructed/{company_product,
// product_product}.jsonl under dir (one JSON object per line). The
// from_sovlookup_sql/ dump is not read: the reconstructed files come from it.
//
// Records, every one with Source{dataset "ChainKnowledgeGraph", file
// relative to dir ("original/company.json"), line = 1-based line}:
// - Firm "<SSE|SZSE|BSE>:<6 digits>" per company.json code (上海/深圳/北京证券
//   交易所; codes come as "600373" or "600373.SH"), name = fullname, aliases
//   = [short name] when it differs from the name, country "CN", no region
//   code (the dataset has none).
//   The first line of a code wins. When the fullname is empty, or shares no
//   CJK ideograph with the short name (a row whose fullname belongs to
//   another company, e.g. 688078 龙软科技 / 中国建设银行股份有限公司), the
//   short name is the name. A location that is not an exchange is replaced
//   by the exchange of the code suffix when there is one.
// - Firm per company_industry.json code missing from company.json, named
//   by the short name given there (company_name).
// - Industry per industry.json code, scheme "SW-2021"; SUBINDUSTRY_OF from
//   each industry_industry.json line (from_code -> to_code, 上级行业).
// - Product per product.json name, key = name. Names with control
//   characters (newline, tab, DEL, backspace) are cleaned: each such
//   character becomes a space, runs of spaces one, and the ends are trimmed.
//   The 16 product.json names that are JSON-escaped twice ("维生素A系\n列"
//   with a backslash) are decoded once more first, "\\" as "/" (how the
//   relation files spell them), so that they match the relation files.
//   A product named only in a relation file is added (before any edge).
// - IN_INDUSTRY firm -> industry per company_industry.json line. When its
//   industry_code is unknown or names another industry, but industry_name
//   is an industry.json name, the industry is taken by name (the file mixes
//   in codes of another SW edition: 640401 金属制品 is 640108 here).
// - PRODUCES firm -> product per company_product.jsonl line ("688268.SH"),
//   revenue_share = rel_weight when in [0, 1], else unset. Many weights are
//   the placeholder 0.001 (product taken from the business scope) and the
//   shares of one firm can add up to more than 1 (several breakdowns).
// - product_product.jsonl: 上游材料 (to_entity is a raw material of
//   from_entity) -> INPUT_TO to -> from; 下游产品 (to_entity is made from
//   from_entity) -> INPUT_TO from -> to; 产品小类 (to_entity is a kind of
//   from_entity) -> SUBCLASS_OF to -> from. input_to.essential is left false:
//   the data does not say whether an input is essential.
// - industry_up.json (industry-level upstream counts) has no edge kind and
//   is not loaded; that is one defect per line.
// All vertices are sent before any edge; an edge identity stated twice is
// sent once (the first line).
//
// Defects counted in report->defects, with kinds prefixed by the file name
// (not errors): lines that are not JSON objects or lack a field; company
// codes that are malformed or repeated; locations that are not exchanges;
// times that are not dates (the listing time is not loaded); empty or
// unrelated fullnames; lower-case exchange suffixes; firms only in
// company_industry.json; industry codes resolved by name or kept with
// another name; names escaped twice or with control characters; duplicate
// products; rel_weight outside [0, 1]; companies unknown to both company
// files (edge skipped); products only in a relation file; self-loops and
// unknown rel values (skipped); repeated edges; every record that
// graph::CanonicalizeVertex / CanonicalizeEdge rejects (skipped, with the
// edges that name it).
//
// Errors: NOT_FOUND when a file is missing; UNAVAILABLE when one cannot be
// read; DATA_LOSS "<file>: ..." when no line of a non-empty file is a JSON
// object; any error sink returns, unchanged (records before it were sent).
// Requires: report != nullptr.
absl::Status ReadChainKgDataset(const std::string& dir, const RowSink& sink,
                                DatasetReport* report);

}  // namespace chainkg::loaders
