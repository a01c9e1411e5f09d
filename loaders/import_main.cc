// chainkg-import: builds a new chainkg database offline from loader input
// files (docs/formats.md), much faster than streaming them to a server:
//
//   chainkg-import --db DIR FILE|DIR... [--as KIND] [--batch-size N]
//
// The records go through the same rules and the same batches as
// `chainkg load`, so the database is identical to the one a server would
// build from the same files; it is written as sorted SST files and
// ingested. DIR must not hold a database yet.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

#include "graph/store/bulk_importer.h"
#include "loaders/load_issue.h"
#include "loaders/load_plan.h"
#include "loaders/record_file.h"
#include "util/command_line.h"
#include "util/field_error.h"
#include "util/status_macros.h"

namespace chainkg::loaders {
namespace {

constexpr char kUsage[] =
    R"(usage: chainkg-import --db DIR FILE|DIR... [options]

Builds a new chainkg database in DIR from CSV/JSONL files (docs/formats.md),
with the same validation and the same result as `chainkg load`, as sorted SST
files ingested in one step. No server may have DIR open; DIR must not hold a
database yet. Directories are read for .csv/.jsonl files; vertices load
before credentials and edges.

options:
  --as KIND        file kind when the file name does not say it
  --batch-size N   records per batch, as chainkg load (default 1000)
  --help           this text
)";

constexpr int kMaxIssuesPrintedPerFile = 50;

absl::Status Run(const CommandLine& flags) {
  std::string db = flags.Get("db", "");
  if (db.empty()) {
    return absl::InvalidArgumentError("--db DIR is required (see --help)");
  }
  if (flags.positional().empty()) {
    return absl::InvalidArgumentError("no input files (see --help)");
  }
  CHAINKG_ASSIGN_OR_RETURN(long long batch_size,
                           flags.GetInt("batch-size", 1000));
  if (batch_size < 1 || batch_size > 10000) {
    return absl::InvalidArgumentError("--batch-size must be 1..10000");
  }
  std::optional<FileKind> forced;
  if (flags.Has("as")) {
    CHAINKG_ASSIGN_OR_RETURN(forced, ParseFileKind(flags.Get("as", "")));
  }
  CHAINKG_ASSIGN_OR_RETURN(std::vector<InputFile> files,
                           PlanInputs(flags.positional(), forced));
  CHAINKG_ASSIGN_OR_RETURN(std::unique_ptr<graph::BulkImporter> importer,
                           graph::BulkImporter::Create(db));
  absl::Time start = absl::Now();
  LoadSummary total;
  for (const InputFile& input : files) {
    std::string name = std::filesystem::path(input.path).filename().string();
    LoadSummary summary;
    std::vector<Issue> rejected;
    RowBatcher batcher(
        static_cast<int>(batch_size), [&](RecordBatch&& batch) -> absl::Status {
          graph::WriteRequest request;
          request.vertices = std::move(batch.vertices);
          request.edges = std::move(batch.edges);
          request.on_invalid = graph::FailurePolicy::kSkipInvalid;
          CHAINKG_ASSIGN_OR_RETURN(graph::WriteResult result,
                                   importer->Apply(std::move(request)));
          summary.created += result.created;
          summary.updated += result.updated;
          summary.unchanged += result.unchanged;
          for (const graph::Rejected& record : result.rejected) {
            const std::vector<int64_t>& lines =
                record.edge ? batch.edge_lines : batch.vertex_lines;
            std::string field = FieldOf(record.status).value_or("");
            std::string prefix = absl::StrCat(
                record.edge ? "edges[" : "vertices[", record.index, "]");
            std::string reason(record.status.message());
            if (reason.compare(0, field.size() + 2, field + ": ") == 0) {
              reason = reason.substr(field.size() + 2);
            }
            field = field.size() > prefix.size() + 1
                        ? field.substr(prefix.size() + 1)
                        : "";
            rejected.push_back({name, lines[record.index],
                                ColumnOfField(input.kind, field), reason,
                                Severity::kError});
          }
          return absl::OkStatus();
        });
    RecordFileOptions options;
    options.kind = input.kind;
    CHAINKG_ASSIGN_OR_RETURN(
        RecordFileResult result,
        ReadRecordFile(input.path, options, [&](ParsedRow&& row) {
          return batcher.Add(std::move(row));
        }));
    CHAINKG_RETURN_IF_ERROR(batcher.Flush());
    std::vector<Issue> issues = result.issues;
    issues.insert(issues.end(), rejected.begin(), rejected.end());
    std::stable_sort(
        issues.begin(), issues.end(),
        [](const Issue& a, const Issue& b) { return a.line < b.line; });
    int printed = 0;
    for (const Issue& issue : issues) {
      summary.Count(issue);
      if (printed++ < kMaxIssuesPrintedPerFile) {
        std::cerr << FormatIssue(issue) << "\n";
      }
    }
    if (printed > kMaxIssuesPrintedPerFile) {
      std::cerr << name << ": " << printed - kMaxIssuesPrintedPerFile
                << " more problems not shown\n";
    }
    summary.rows_read = result.rows;
    std::cout << name << " (" << TextEncodingName(result.encoding) << ", "
              << FileKindName(input.kind) << "): " << summary.Format();
    total.rows_read += summary.rows_read;
    total.created += summary.created;
    total.updated += summary.updated;
    total.unchanged += summary.unchanged;
    total.warnings += summary.warnings;
    total.errors += summary.errors;
  }
  absl::Time parsed = absl::Now();
  CHAINKG_ASSIGN_OR_RETURN(graph::ImportResult imported, importer->Finish());
  absl::Duration elapsed = absl::Now() - start;
  std::cout << "total: " << total.Format();
  std::cout << absl::StrFormat(
      "imported into %s: %d keys, %.1f MiB of SST, %.1f s (%.1f s reading "
      "and applying, %.1f s writing); %.0f records/s\n",
      db, imported.keys, imported.sst_bytes / 1048576.0,
      absl::ToDoubleSeconds(elapsed), absl::ToDoubleSeconds(parsed - start),
      absl::ToDoubleSeconds(elapsed - (parsed - start)),
      (total.created + total.updated + total.unchanged) /
          std::max(absl::ToDoubleSeconds(elapsed), 1e-9));
  if (total.errors > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(total.errors, " rows were not loaded"));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace chainkg::loaders

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<chainkg::CommandLine> flags = chainkg::CommandLine::Parse(
      args, {{"db"}, {"as"}, {"batch-size"}, {"help", false}});
  if (!flags.ok()) {
    std::cerr << "chainkg-import: " << flags.status().message()
              << " (see --help)\n";
    return 2;
  }
  if (flags->Has("help")) {
    std::cout << chainkg::loaders::kUsage;
    return 0;
  }
  absl::Status status = chainkg::loaders::Run(*flags);
  if (!status.ok()) {
    std::cerr << "chainkg-import: " << absl::StatusCodeToString(status.code())
              << ": " << status.message() << "\n";
    return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}
