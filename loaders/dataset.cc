#include "loaders/dataset.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

#include "loaders/datasets/chainkg_dataset.h"
#include "loaders/datasets/ickg_dataset.h"
#include "loaders/datasets/tivac_dataset.h"
#include "loaders/datasets/willems_dataset.h"

namespace chainkg::loaders {

void DefectCounter::Add(const std::string& kind, const std::string& example) {
  ++counts_[kind];
  std::vector<std::string>& kept = examples_[kind];
  if (kept.size() < 3) kept.push_back(example);
}

int64_t DefectCounter::total() const {
  int64_t total = 0;
  for (const auto& [kind, count] : counts_) total += count;
  return total;
}

std::string DefectCounter::Format() const {
  std::vector<std::pair<int64_t, std::string>> sorted;
  for (const auto& [kind, count] : counts_) sorted.emplace_back(count, kind);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out;
  for (const auto& [count, kind] : sorted) {
    absl::StrAppend(&out, "  ", count, "  ", kind, "  e.g. ",
                    absl::StrJoin(examples_.at(kind), "; "), "\n");
  }
  return out;
}

std::vector<std::string> DatasetNames() {
  return {"chainkg", "tivac", "willems2008", "ickg"};
}

absl::StatusOr<DatasetReport> ReadDataset(absl::string_view name,
                                          const std::string& dir,
                                          const RowSink& sink) {
  DatasetReport report;
  report.name = std::string(name);
  absl::Status status;
  if (name == "chainkg") {
    status = ReadChainKgDataset(dir, sink, &report);
  } else if (name == "tivac") {
    status = ReadTivacDataset(dir, sink, &report);
  } else if (name == "willems2008") {
    status = ReadWillemsDataset(dir, sink, &report);
  } else if (name == "ickg") {
    status = ReadIckgDataset(dir, sink, &report);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown dataset \"", name, "\"; one of ",
                     absl::StrJoin(DatasetNames(), ", ")));
  }
  if (!status.ok()) return status;
  return report;
}

}  // namespace chainkg::loaders
