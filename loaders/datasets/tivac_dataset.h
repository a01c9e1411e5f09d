// Adapter for TIVAC (Taiwan Industry VAlue Chain, ../shared/data/tivac): the
// 47 chains of the Taipei Exchange value-chain platform, with their segments,
// sub-categories and member companies, as chainkg records.
#pragma once

#include <string>

#include "absl/status/status.h"

#include "loaders/dataset.h"

namespace chainkg::loaders {

// Reads datasets/demo/individual_chains/*.json under dir (one pretty-printed
// JSON document per chain; file names "<code>_<name>.json") and checks
// the titles against datasets/demo/chain_names.json. The qa/*.jsonl files
// are not read: SOURCE.txt says they come from a newer database.
//
// Records, every one with Source{dataset "TIVAC", file relative to dir,
// line 0}:
// - Chain "TW-<code>" per file, name = title without the trailing "產業鏈",
//   category unspecified (TIVAC does not classify its chains).
// - Product "TW-<code>/<segment id>" per segment ("ic_link_..."), name =
//   the segment page's title (the chain-map label, which has "/" line-break
//   marks, becomes an alias when it differs), kind unspecified; IN_CHAIN to
//   the chain with the stage read from the group title ("上游*" upstream,
//   "中游*" midstream, "下游*" downstream, anything else unspecified) and
//   segment = the segment's name.
// - Product "TW-<code>/<sub-category id>" per titled sub-category, with
//   SUBCLASS_OF to its segment and IN_CHAIN like its segment. Companies of
//   an untitled sub-category are taken as companies of the segment.
// - Firm "TW:<stock code>" per Taiwan-listed company (country "TW", no
//   region code; name = the short name given, the only one TIVAC has).
// - Firm "EXT:<name>" per foreign company. TIVAC gives no country for them,
//   so country is "ZZ" (the CLDR "unknown region" code; an empty country
//   would mean CN): analyses must not read "ZZ" as one country. Names that
//   NormalizeName makes equal are one firm: the first spelling is the key
//   and name, the others aliases.
// - PRODUCES firm -> segment or sub-category product, once per pair.
// All vertices (chains, products, firms) are sent before any edge.
//
// Defects counted in report->defects (not errors): stage group without a
// title or not upstream/midstream/downstream, stage group or segment or
// sub-category without entries, untitled sub-category, company listed twice
// in one list, company without a name or with a stock code of odd shape,
// foreign firm without country, foreign firm spelled several ways, name
// with a private-use character, title missing from chain_names.json, and
// any record graph::CanonicalizeVertex / CanonicalizeEdge rejects (skipped,
// with the edges that name it).
//
// Errors: NOT_FOUND when the chain folder or its JSON files are missing;
// UNAVAILABLE when a file cannot be read; DATA_LOSS "<file>: ..." when a
// file is not JSON or has no "chains" list; any error sink returns,
// unchanged. Requires: report != nullptr.
absl::Status ReadTivacDataset(const std::string& dir, const RowSink& sink,
                              DatasetReport* report);

}  // namespace chainkg::loaders
