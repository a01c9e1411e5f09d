// What a load reads and in which order, and how its rows are cut into
// batches: shared by `chainkg load` (streaming to a server) and
// `chainkg-import` (offline), so both apply the same records in the same
// order and build identical databases (the import checks rows after
// cutting them into batches, CheckBatch, so its batches may hold fewer
// records).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

#include "chainkg/v1/model.pb.h"
#include "loaders/file_kind.h"
#include "loaders/record_file.h"

namespace chainkg::loaders {

struct InputFile {
  std::string path;
  FileKind kind = FileKind::kFirms;
};

// The files named by args, directories expanded to the .csv/.jsonl/.json/
// .ndjson files in them (sorted by name), each with its kind (forced, or
// from its name), ordered so that vertices load before the credentials and
// edges that name them (firms, products, chains, industries, consortia,
// platforms, projects, credentials, chain_products, edges; stable within a
// kind). NOT_FOUND for a missing path; INVALID_ARGUMENT when a name does
// not say its kind.
absl::StatusOr<std::vector<InputFile>> PlanInputs(
    const std::vector<std::string>& args, std::optional<FileKind> forced_kind);

// Records of consecutive rows, vertices and edges apart, with the input
// line of each record.
struct RecordBatch {
  std::vector<v1::Vertex> vertices;
  std::vector<int64_t> vertex_lines;
  std::vector<v1::Edge> edges;
  std::vector<int64_t> edge_lines;

  size_t size() const { return vertices.size() + edges.size(); }
};

// Checks every row of batch (CheckRow), from the lines of its records,
// as ReadRecordFile does unless told not to: canonicalizes the records,
// removes those of rows with an error, and returns the rows' issues in
// line order. file is the input's base name, for the issues.
std::vector<Issue> CheckBatch(FileKind kind, const std::string& file,
                              RecordBatch* batch);

// Cuts rows into batches of at least batch_size records (a row is never
// split), handing each full batch to flush. Call Flush() at the end of a
// file: batches never span files. Not thread-safe.
class RowBatcher {
 public:
  using FlushFn = std::function<absl::Status(RecordBatch&&)>;
  RowBatcher(int batch_size, FlushFn flush)
      : batch_size_(batch_size), flush_(std::move(flush)) {}

  absl::Status Add(ParsedRow&& row);
  // Hands over the pending records, if any.
  absl::Status Flush();

 private:
  const size_t batch_size_;
  FlushFn flush_;
  RecordBatch pending_;
};

}  // namespace chainkg::loaders
