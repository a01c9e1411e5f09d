// Adapter for ICKG (Industrial Chain Knowledge Graph, WayneYin9, ../shared/
// data/ickg): dated firm / industry / product facts extracted by a language
// model from Chinese news and patents, as chainkg records.
#pragma once

#include <string>

#include "absl/status/status.h"

#include "loaders/dataset.h"

namespace chainkg::loaders {

// Reads both staged parts under dir, ICKG25/ (2025-01-01..2025-09-02, 60,868
// entities) and ICKG-subset/ (2015..2025, 2,000 entities), each as
// entity2id.txt ("name\tid"), relation2id.txt, time2id.txt ("id,date"),
// stat.txt and the quadruples "head\trelation\ttail\ttime" (ids) of
// train.txt, valid.txt and test.txt. The full ICKG is not staged, so the
// two parts are read as one graph, ICKG25 first: the subset adds facts of
// 2015..2024, and for 4,744 facts both state it often has an earlier 2025
// date. expert_validation/ is not read (a sample for evaluation).
//
// ICKG has no entity types: an entity's vertex kind comes from the
// relation it appears in, so one name can give two vertices of different
// kinds (e.g. 中航工业 as a firm and as an industry). Entities are merged
// by name across ids and parts; every record has Source{dataset "ICKG",
// file relative to dir, 1-based line}, edges with observed_on = the fact's
// date:
// - 涉足行业 / 归属于行业 (head is in / belongs to industry tail):
//   IN_INDUSTRY Firm(head) -> Industry(tail).
// - 包含 (head contains tail): SUBINDUSTRY_OF Industry(tail) -> Industry(head).
// - 供给 (head supplies tail): SUPPLIES Firm(head) -> Firm(tail), since =
//   the date, no product, share or confidence (the data has none).
// - 基于专利生产 (head makes tail from its patents): PRODUCES Firm(head) ->
//   Product(tail), maturity and revenue share unset.
// - No edge kind, skipped: 上游于 (the ends are industries in four cases of
//   five, e.g. 钢铁行业 上游于 装备制造业, while INPUT_TO links products),
//   持有专利 (patents are not vertices), and the firm-to-firm relations
//   合作, 竞争, 投资, 并购, 母公司/控股, 合资.
// Firm keys are "EXT:<name>" (ICKG gives no registry code), country "CN"
// because ICKG gives none; foreign firms (英伟达, Symantec) are thus marked
// CN, so foreign-dependence analyses must not rely on ICKG firms. Industry
// keys are the names, scheme "ICKG". Only entities that are an end of a
// loaded fact become vertices (the source is their first entity2id.txt
// line); all vertices are sent before any edge.
//
// A fact (edge identity) stated several times, across splits, dates, parts
// or relations (涉足行业 and 归属于行业 both give IN_INDUSTRY), is sent once,
// with its earliest date and that quadruple's source.
//
// Defects counted in report->defects (not errors): malformed lines and
// unknown ids (skipped), stat.txt counts that disagree with the files, a
// name listed under several ids (merged), relations with no edge kind and
// self-loops (skipped), times that are not dates (fact kept undated),
// repeated facts, entities used as two vertex kinds, entities in no loaded
// fact, and every record that graph::CanonicalizeVertex / CanonicalizeEdge
// rejects (skipped, with the edges that name it).
//
// Errors: NOT_FOUND when a file is missing; UNAVAILABLE when one cannot be
// read; DATA_LOSS "<file>: ..." when no line of a non-empty file has the
// expected shape; any error sink returns, unchanged (records before it were
// sent). Requires: report != nullptr.
absl::Status ReadIckgDataset(const std::string& dir, const RowSink& sink,
                             DatasetReport* report);

}  // namespace chainkg::loaders
