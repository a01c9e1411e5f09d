// Adapter for Willems (2008), "Real-world multi-echelon supply chains used
// for inventory optimization" (../shared/data/willems2008): 38 anonymized
// company supply chains, stages and material-flow arcs, as chainkg records.
#pragma once

#include <string>

#include "absl/status/status.h"

#include "loaders/dataset.h"

namespace chainkg::loaders {

// Reads csv/*.csv under dir: CSV exports of the original XML, one chain per
// file ("01.csv" .. "38.csv", UTF-8 with a BOM), a "/chain" line, then a
// header of XPath-like columns, then sparse rows that hold either an arc
// (/arcs/arc/@from, @to) or a stage (/stages/stage/@stageName,
// @stageClassification, costs and times).
//
// Records, every one with Source{dataset "Willems 2008", file "csv/NN.csv",
// line = the CSV row (the first data row for the chain)}:
// - Chain "W08-NN", name "Willems 2008 chain NN", followed by
//   " (<SIC description>)" when the file has a real one (the published
//   files carry the placeholder "SIC Description"); category unspecified.
// - Product "W08-NN/<stageName>" per stage (stage names are only unique
//   within a chain), name = stageName, kind and IN_CHAIN stage from the
//   classification: Part -> component, upstream; Manuf -> product,
//   midstream; Dist and Trans -> service, downstream; Retail -> product,
//   downstream. IN_CHAIN.segment is the classification ("Part", ...).
//   Costs, demand and lead times have no place in the model and are dropped.
// - INPUT_TO "W08-NN/<from>" -> "W08-NN/<to>" per arc, essential: in
//   Willems' model a stage needs every one of its upstream stages (the
//   bill of materials is AND, not a choice among suppliers).
// All vertices are sent before any edge.
//
// Defects counted in report->defects (not errors): a file without the
// "/chain" line or with rows of another width, a row with neither or both
// of an arc and a stage, a stage defined twice (first kept), a stage without
// or with an unknown classification (kind and stage unspecified), the
// classification "Parts" (read as Part), an arc with an empty end, a
// self-arc, a duplicate arc, an arc naming an undefined stage (all four
// skipped: an invented stage would be an input nobody makes), a stage on
// no arc, and any record graph::CanonicalizeVertex / CanonicalizeEdge
// rejects (skipped, with the edges that name it).
//
// Errors: NOT_FOUND when csv/ or its .csv files are missing; UNAVAILABLE
// when a file cannot be read; DATA_LOSS "<file>: ..." when a file is not
// such an export (broken CSV quoting, no header naming the stage and arc
// columns); any error sink returns, unchanged. Requires: report != nullptr.
absl::Status ReadWillemsDataset(const std::string& dir, const RowSink& sink,
                                DatasetReport* report);

}  // namespace chainkg::loaders
