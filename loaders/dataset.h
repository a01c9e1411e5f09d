// Adapters for the real third-party datasets in ../shared/data (see each
// SOURCE.txt): they read a dataset's own files and emit chainkg records,
// counting every defect they meet instead of hiding it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "loaders/record_file.h"

namespace chainkg::loaders {

// Defects met while reading a dataset, by kind ("duplicate company code",
// "product name with a newline", ...), each with up to three examples.
// Not thread-safe.
class DefectCounter {
 public:
  // Counts one defect of `kind`; `example` (file:line or a value) is kept
  // for the first three of each kind.
  void Add(const std::string& kind, const std::string& example);

  int64_t total() const;
  const std::map<std::string, int64_t>& counts() const { return counts_; }
  const std::map<std::string, std::vector<std::string>>& examples() const {
    return examples_;
  }
  // Lines "  <count>  <kind>  e.g. <examples>", most frequent first.
  std::string Format() const;

 private:
  std::map<std::string, int64_t> counts_;
  std::map<std::string, std::vector<std::string>> examples_;
};

// What reading a dataset produced.
struct DatasetReport {
  std::string name;
  // Records emitted, by kind name ("firm", "product", "IN_CHAIN", ...).
  std::map<std::string, int64_t> records;
  DefectCounter defects;
};

// Receives the records of a dataset. A dataset emits every vertex before
// any edge that names it (all vertices first, then all edges), so a caller
// may send rows in order, in batches. Each ParsedRow's records carry a
// source (dataset name, file, line). Vertices are canonical and pass
// graph::CanonicalizeVertex; edges pass graph::CanonicalizeEdge.
using RowSink = std::function<absl::Status(ParsedRow&&)>;

// The dataset names: "chainkg", "tivac", "willems2008", "ickg".
std::vector<std::string> DatasetNames();

// Reads dataset `name` from directory dir (the dataset's folder in
// ../shared/data, e.g. ../shared/data/tivac). INVALID_ARGUMENT for an
// unknown name; NOT_FOUND / UNAVAILABLE when its files are missing or
// unreadable; DATA_LOSS when a file is not in the dataset's format at all.
// Row-level defects are counted in the report, not errors.
absl::StatusOr<DatasetReport> ReadDataset(absl::string_view name,
                                          const std::string& dir,
                                          const RowSink& sink);

}  // namespace chainkg::loaders
