// chainkg-import: builds a new chainkg database offline from loader input
// files (docs/formats.md), much faster than streaming them to a server:
//
//   chainkg-import --db DIR FILE|DIR... [--as KIND] [--batch-size N]
//
// The records go through the same rules and the same batches as
// `chainkg load`, so the database is identical to the one a server would
// build from the same files; it is written as sorted SST files and
// ingested. DIR must not hold a database yet.
#include <pthread.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

#include "graph/store/bulk_importer.h"
#include "loaders/apply_pipeline.h"
#include "loaders/load_issue.h"
#include "loaders/load_plan.h"
#include "loaders/record_file.h"
#include "util/command_line.h"
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

// About how many lines the file at path has: counted in its first MiB and
// scaled to its size (records have similar sizes within a file). 0 when it
// cannot be read; the reading proper reports that.
int64_t EstimateLines(const std::string& path) {
  constexpr size_t kSampleBytes = 1 << 20;
  std::ifstream file(path, std::ios::binary);
  std::string sample(kSampleBytes, '\0');
  file.read(sample.data(), sample.size());
  sample.resize(static_cast<size_t>(file.gcount()));
  if (sample.empty()) return 0;
  int64_t lines = std::count(sample.begin(), sample.end(), '\n') + 1;
  std::error_code error;
  uintmax_t size = std::filesystem::file_size(path, error);
  if (error || size <= sample.size()) return lines;
  return static_cast<int64_t>(static_cast<double>(lines) * size /
                              sample.size());
}

// Tells the importer about how many vertices and edges the files hold.
void SizeImporter(const std::vector<InputFile>& files,
                  graph::BulkImporter& importer) {
  int64_t vertices = 0, edges = 0;
  for (const InputFile& input : files) {
    switch (input.kind) {
      case FileKind::kCredentials:  // merged into firms already counted
        break;
      case FileKind::kEdges:
      case FileKind::kChainProducts:
        edges += EstimateLines(input.path);
        break;
      default:
        vertices += EstimateLines(input.path);
    }
  }
  importer.ExpectRecords(vertices, edges);
}

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
  SizeImporter(files, *importer);
  // Per file: what it yields, kept until its batches are applied. Declared
  // before the pipeline, whose thread may touch them until it is joined.
  struct FileState {
    std::string name;
    FileKind kind;
    RecordFileResult read;
    LoadSummary summary;
    std::vector<Issue> rejected;
    int64_t jobs_end = 0;  // submitted jobs once the file was read
  };
  std::deque<FileState> states;
  LoadSummary total;
  // Prints a file's issues and summary, once its batches are applied.
  auto report = [&](FileState& state) {
    std::vector<Issue> issues = state.read.issues;
    issues.insert(issues.end(), state.rejected.begin(), state.rejected.end());
    std::stable_sort(
        issues.begin(), issues.end(),
        [](const Issue& a, const Issue& b) { return a.line < b.line; });
    int printed = 0;
    for (const Issue& issue : issues) {
      state.summary.Count(issue);
      if (printed++ < kMaxIssuesPrintedPerFile) {
        std::cerr << FormatIssue(issue) << "\n";
      }
    }
    if (printed > kMaxIssuesPrintedPerFile) {
      std::cerr << state.name << ": " << printed - kMaxIssuesPrintedPerFile
                << " more problems not shown\n";
    }
    LoadSummary& summary = state.summary;
    summary.rows_read = state.read.rows;
    std::cout << state.name << " (" << TextEncodingName(state.read.encoding)
              << ", " << FileKindName(state.kind) << "): " << summary.Format();
    total.rows_read += summary.rows_read;
    total.created += summary.created;
    total.updated += summary.updated;
    total.unchanged += summary.unchanged;
    total.warnings += summary.warnings;
    total.errors += summary.errors;
  };
  size_t reported = 0;
  ApplyPipeline pipeline(*importer);
  // Reading runs ahead of applying, across files. The summaries are
  // printed at the end: repeated edges are counted when the importer
  // sorts them (graph::ImportResult::recounts).
  for (const InputFile& input : files) {
    FileState& state = states.emplace_back();
    state.name = std::filesystem::path(input.path).filename().string();
    state.kind = input.kind;
    RowBatcher batcher(static_cast<int>(batch_size),
                       [&](RecordBatch&& batch) -> absl::Status {
                         return pipeline.Submit({std::move(batch),
                                                 state.name,
                                                 input.kind,
                                                 &state.summary,
                                                 &state.rejected,
                                                 {}});
                       });
    RecordFileOptions options;
    options.kind = input.kind;
    options.check_rows = false;  // the pipeline checks the batches
    absl::StatusOr<RecordFileResult> read = ReadRecordFile(
        input.path, options,
        [&](ParsedRow&& row) { return batcher.Add(std::move(row)); });
    absl::Status read_status = read.ok() ? batcher.Flush() : read.status();
    if (!read_status.ok()) {
      // The files before this one are reported as far as they were applied.
      pipeline.Drain().IgnoreError();  // read_status is the error to report
      int64_t finished = pipeline.finished_jobs();
      while (reported + 1 < states.size() &&
             states[reported].jobs_end <= finished) {
        report(states[reported++]);
      }
      return read_status;
    }
    state.read = *std::move(read);
    state.jobs_end = pipeline.submitted_jobs();
  }
  CHAINKG_RETURN_IF_ERROR(pipeline.Drain());
  absl::Time parsed = absl::Now();
  absl::Duration reading_cpu = ThreadCpu(pthread_self());
  absl::Duration applying_cpu = pipeline.apply_cpu();
  absl::StatusOr<graph::ImportResult> finished = importer->Finish();
  if (finished.ok()) {
    CHAINKG_RETURN_IF_ERROR(pipeline.Recount(finished->recounts));
  }
  while (reported < states.size()) report(states[reported++]);
  CHAINKG_RETURN_IF_ERROR(finished.status());
  const graph::ImportResult& imported = *finished;
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
  std::cout << absl::StrFormat(
      "threads: reading %.1f s CPU, waited %.1f s for applying; applying "
      "%.1f s CPU, waited %.1f s for reading\n",
      absl::ToDoubleSeconds(reading_cpu),
      absl::ToDoubleSeconds(pipeline.submit_wait()),
      absl::ToDoubleSeconds(applying_cpu),
      absl::ToDoubleSeconds(pipeline.apply_wait()));
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
