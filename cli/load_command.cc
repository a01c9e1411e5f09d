#include "cli/load_command.h"

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"

#include "graph/store/vertex_record.h"
#include "loaders/dataset.h"
#include "loaders/file_kind.h"
#include "loaders/load_issue.h"
#include "loaders/load_plan.h"
#include "loaders/record_file.h"
#include "util/status_macros.h"

namespace chainkg::cli {
namespace {

// The line after a load that says which sequence holds it, for analyses
// that must see it; empty when nothing was written.
std::string SequenceText(uint64_t sequence) {
  if (sequence == 0) return "";
  return absl::StrCat("  sequence ", sequence,
                      " (analyses see this load with --min-sequence ", sequence,
                      ")\n");
}

using loaders::FileKind;
using loaders::Issue;
using loaders::LoadSummary;
using loaders::ParsedRow;
using loaders::Severity;

constexpr int kMaxBatchesInFlight = 8;
constexpr int kMaxIssuesPrintedPerFile = 50;

// Rough row count for progress: the file's line count.
int64_t CountLines(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  char buffer[1 << 16];
  int64_t lines = 0;
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    lines += std::count(buffer, buffer + file.gcount(), '\n');
  }
  return lines;
}

// Prints progress: a rewritten line on a terminal, a plain line every ten
// seconds otherwise.
class Progress {
 public:
  Progress(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

  // total_rows 0: unknown (no ETA).
  void Start(const std::string& file, int64_t total_rows) {
    file_ = file;
    total_ = total_rows;
    start_ = absl::Now();
    last_ = absl::InfinitePast();
  }

  void Update(int64_t done_rows) {
    absl::Time now = absl::Now();
    absl::Duration interval =
        terminal_ ? absl::Milliseconds(200) : absl::Seconds(10);
    if (now - last_ < interval) return;
    last_ = now;
    double seconds = absl::ToDoubleSeconds(now - start_);
    double rate = seconds > 0 ? done_rows / seconds : 0;
    std::string line;
    if (total_ > 0) {
      std::string eta =
          rate > 0
              ? absl::StrFormat(
                    "%.0fs", std::max<double>(0, (total_ - done_rows) / rate))
              : "?";
      line = absl::StrFormat("%s: %d/%d rows, %.0f rows/s, ETA %s", file_,
                             done_rows, total_, rate, eta);
    } else {
      line =
          absl::StrFormat("%s: %d rows, %.0f rows/s", file_, done_rows, rate);
    }
    if (terminal_) {
      out_ << "\r" << line << "\x1b[K" << std::flush;
    } else if (seconds > 10) {
      out_ << line << "\n";
    }
  }

  void Done() {
    if (terminal_) out_ << "\r\x1b[K" << std::flush;
  }

 private:
  std::ostream& out_;
  bool terminal_;
  std::string file_;
  int64_t total_ = 0;
  absl::Time start_;
  absl::Time last_;
};

// One Ingest stream. Batches are written by the caller's thread and
// acknowledged on a reader thread, with at most kMaxBatchesInFlight
// unacknowledged, so throughput does not wait for each fsync. Thread-safe
// as used: Send/Drain/Finish from one thread.
class IngestSession {
 public:
  IngestSession(Context& context, bool all_or_nothing)
      : context_(context), all_or_nothing_(all_or_nothing) {
    stream_ = context_.graph->Ingest(&call_);
    reader_ = std::thread([this] { ReadAcks(); });
  }

  ~IngestSession() {
    if (reader_.joinable()) {
      call_.TryCancel();
      reader_.join();
    }
  }

  // Starts a new file: later rows are counted against summary.
  void StartFile(const std::string& file, FileKind kind, LoadSummary* summary) {
    file_ = file;
    kind_ = kind;
    summary_ = summary;
  }

  // Sends one batch, waiting while too many are unacknowledged.
  absl::Status Send(loaders::RecordBatch&& batch) {
    v1::IngestRequest request;
    for (v1::Vertex& vertex : batch.vertices) {
      *request.add_vertices() = std::move(vertex);
    }
    for (v1::Edge& edge : batch.edges) *request.add_edges() = std::move(edge);
    int64_t id = next_batch_id_++;
    request.set_batch_id(id);
    request.set_all_or_nothing(all_or_nothing_);
    bool ended = false;
    {
      absl::MutexLock lock(&mu_);
      auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return in_flight_.size() < kMaxBatchesInFlight || stream_done_;
      };
      mu_.Await(absl::Condition(&room));
      ended = stream_done_;
      if (!ended) {
        in_flight_.push_back({id, file_, kind_, summary_,
                              std::move(batch.vertex_lines),
                              std::move(batch.edge_lines)});
      }
    }
    if (ended) return EndedEarly();
    if (!stream_->Write(request)) {
      // The stream broke; Finish() reports why.
      absl::MutexLock lock(&mu_);
      stream_done_ = true;
    }
    return absl::OkStatus();
  }

  // Waits until every batch sent is acknowledged.
  absl::Status Drain() {
    bool ended = false;
    {
      absl::MutexLock lock(&mu_);
      auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return in_flight_.empty() || stream_done_;
      };
      mu_.Await(absl::Condition(&drained));
      ended = !in_flight_.empty();
    }
    return ended ? EndedEarly() : absl::OkStatus();
  }

  // Ends the stream; the status of the whole RPC. Later calls return the
  // same status.
  absl::Status Finish() {
    if (finished_.has_value()) return *finished_;
    stream_->WritesDone();
    reader_.join();
    grpc::Status status = stream_->Finish();
    if (!status.ok()) {
      finished_ =
          absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                       status.error_message());
      return *finished_;
    }
    absl::MutexLock lock(&mu_);
    finished_ = in_flight_.empty()
                    ? absl::OkStatus()
                    : absl::UnavailableError(
                          "the server closed the stream before acknowledging "
                          "every batch");
    return *finished_;
  }

  // Issues found by the server, collected for printing by the caller.
  std::vector<Issue> TakeIssues() {
    absl::MutexLock lock(&mu_);
    std::vector<Issue> issues = std::move(server_issues_);
    server_issues_.clear();
    return issues;
  }

  int64_t acknowledged_rows() {
    absl::MutexLock lock(&mu_);
    return acknowledged_records_;
  }

  // The sequence of the last acknowledged batch (0: none yet).
  uint64_t last_sequence() {
    absl::MutexLock lock(&mu_);
    return last_sequence_;
  }

 private:
  struct Batch {
    int64_t id;
    std::string file;
    FileKind kind;
    LoadSummary* summary;
    std::vector<int64_t> vertex_lines;
    std::vector<int64_t> edge_lines;
  };

  // The status of a stream that ended before every batch was acknowledged:
  // the server's (a full disk is RESOURCE_EXHAUSTED, a bad batch
  // INVALID_ARGUMENT naming it), else UNAVAILABLE.
  absl::Status EndedEarly() {
    absl::Status status = Finish();
    return status.ok() ? absl::UnavailableError("the Ingest stream ended early")
                       : status;
  }

  void ReadAcks() {
    v1::IngestResponse response;
    while (stream_->Read(&response)) {
      absl::MutexLock lock(&mu_);
      if (in_flight_.empty() || in_flight_.front().id != response.batch_id()) {
        stream_done_ = true;  // protocol violation; Finish() will say
        return;
      }
      Batch batch = std::move(in_flight_.front());
      in_flight_.pop_front();
      batch.summary->created += response.created();
      batch.summary->updated += response.updated();
      batch.summary->unchanged += response.unchanged();
      acknowledged_records_ += static_cast<int64_t>(batch.vertex_lines.size() +
                                                    batch.edge_lines.size());
      last_sequence_ = std::max<uint64_t>(last_sequence_, response.sequence());
      for (const v1::IngestRejection& rejected : response.rejected()) {
        const std::vector<int64_t>& lines =
            rejected.edge() ? batch.edge_lines : batch.vertex_lines;
        int64_t line = rejected.index() >= 0 &&
                               rejected.index() < static_cast<int>(lines.size())
                           ? lines[rejected.index()]
                           : 0;
        Issue issue{batch.file, line,
                    loaders::ColumnOfField(batch.kind, rejected.field()),
                    rejected.reason(), Severity::kError};
        batch.summary->Count(issue);
        server_issues_.push_back(std::move(issue));
      }
    }
    absl::MutexLock lock(&mu_);
    stream_done_ = true;
  }

  Context& context_;
  const bool all_or_nothing_;
  grpc::ClientContext call_;
  std::unique_ptr<
      grpc::ClientReaderWriterInterface<v1::IngestRequest, v1::IngestResponse>>
      stream_;
  std::thread reader_;
  std::optional<absl::Status> finished_;  // once Finish ran

  // Owned by the writing thread.
  int64_t next_batch_id_ = 1;
  std::string file_;
  FileKind kind_ = FileKind::kFirms;
  LoadSummary* summary_ = nullptr;

  absl::Mutex mu_;
  std::deque<Batch> in_flight_ ABSL_GUARDED_BY(mu_);
  bool stream_done_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Issue> server_issues_ ABSL_GUARDED_BY(mu_);
  int64_t acknowledged_records_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
};

std::string RefKey(const v1::VertexRef& ref) {
  return absl::StrCat(static_cast<int>(ref.kind()), ":", ref.key());
}

// --strict, before sending anything of a file: the vertices it names that
// neither the file, earlier files of this load nor the database define.
absl::Status FindDanglingReferences(
    Context& context, const std::string& file, FileKind kind,
    const std::vector<std::pair<int64_t, v1::VertexRef>>& references,
    const std::set<std::string>& defined, std::vector<Issue>* issues) {
  std::vector<std::pair<int64_t, v1::VertexRef>> unknown;
  std::set<std::string> asked;
  for (const auto& [line, ref] : references) {
    if (defined.count(RefKey(ref)) == 0) unknown.emplace_back(line, ref);
  }
  std::set<std::string> missing;
  for (size_t start = 0; start < unknown.size(); start += 1000) {
    v1::BatchGetVerticesRequest request;
    for (size_t i = start; i < std::min(unknown.size(), start + 1000); ++i) {
      if (asked.insert(RefKey(unknown[i].second)).second) {
        *request.add_refs() = unknown[i].second;
      }
    }
    if (request.refs_size() == 0) continue;
    v1::BatchGetVerticesResponse response;
    grpc::ClientContext call;
    call.set_deadline(absl::ToChronoTime(absl::Now() + context.timeout));
    grpc::Status status =
        context.graph->BatchGetVertices(&call, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    for (const v1::VertexRef& ref : response.missing()) {
      missing.insert(RefKey(ref));
    }
  }
  for (const auto& [line, ref] : unknown) {
    if (missing.count(RefKey(ref)) == 0) continue;
    std::string column = kind == FileKind::kCredentials ? "firm_key" : "";
    issues->push_back(
        {file, line, column,
         absl::StrCat("dangling reference: no ", graph::KindName(ref.kind()),
                      " \"", ref.key(), "\" in the database or this load"),
         Severity::kError});
  }
  return absl::OkStatus();
}

void PrintIssues(const std::vector<Issue>& issues, int* printed,
                 std::ostream& err) {
  for (const Issue& issue : issues) {
    if ((*printed)++ < kMaxIssuesPrintedPerFile) {
      err << loaders::FormatIssue(issue) << "\n";
    }
  }
}

}  // namespace

namespace {

// `chainkg load dataset NAME DIR`: a third-party dataset through its
// adapter, streamed like files.
absl::Status LoadDataset(const std::string& name, const std::string& dir,
                         int batch_size, Context& context) {
  IngestSession session(context, /*all_or_nothing=*/false);
  LoadSummary summary;
  session.StartFile(name, FileKind::kEdges, &summary);
  loaders::RowBatcher batcher(batch_size,
                              [&session](loaders::RecordBatch&& batch) {
                                return session.Send(std::move(batch));
                              });
  Progress progress(*context.err,
                    isatty(STDERR_FILENO) == 1 && context.err == &std::cerr);
  progress.Start(name, 0);
  int64_t rows = 0;
  absl::StatusOr<loaders::DatasetReport> report =
      loaders::ReadDataset(name, dir, [&](ParsedRow&& row) -> absl::Status {
        progress.Update(++rows);
        return batcher.Add(std::move(row));
      });
  if (!report.ok()) {
    progress.Done();
    return report.status();
  }
  CHAINKG_RETURN_IF_ERROR(batcher.Flush());
  absl::Status drained = session.Drain();
  progress.Done();
  CHAINKG_RETURN_IF_ERROR(session.Finish());
  CHAINKG_RETURN_IF_ERROR(drained);
  std::vector<Issue> rejected = session.TakeIssues();
  int printed = 0;
  PrintIssues(rejected, &printed, *context.err);
  summary.rows_read = rows;
  *context.out << "dataset " << name << " from " << dir << "\n  records:";
  for (const auto& [kind, count] : report->records) {
    *context.out << " " << kind << " " << count;
  }
  *context.out << "\n  loaded: " << summary.Format()
               << SequenceText(session.last_sequence());
  *context.out << "  defects in the source data (" << report->defects.total()
               << "):\n"
               << report->defects.Format();
  if (summary.errors > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(summary.errors, " records were refused by the server"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunLoad(const CommandLine& flags, Context& context) {
  std::vector<std::string> args(flags.positional().begin() + 1,
                                flags.positional().end());
  if (args.empty()) {
    return absl::InvalidArgumentError(
        "usage: chainkg load FILE|DIR... [--as KIND] [--strict] "
        "(chainkg --help for usage)");
  }
  CHAINKG_ASSIGN_OR_RETURN(long long batch_size,
                           flags.GetInt("batch-size", 1000));
  if (batch_size < 1 || batch_size > 10000) {
    return absl::InvalidArgumentError(
        "--batch-size must be 1..10000 (chainkg --help for usage)");
  }
  if (args[0] == "dataset") {
    if (args.size() != 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("usage: chainkg load dataset NAME DIR, NAME one of ",
                       absl::StrJoin(loaders::DatasetNames(), ", "),
                       " (chainkg --help for usage)"));
    }
    return LoadDataset(args[1], args[2], static_cast<int>(batch_size), context);
  }
  bool strict = flags.Has("strict");
  std::optional<FileKind> forced;
  if (flags.Has("as")) {
    CHAINKG_ASSIGN_OR_RETURN(forced,
                             loaders::ParseFileKind(flags.Get("as", "")));
  }
  CHAINKG_ASSIGN_OR_RETURN(std::vector<loaders::InputFile> files,
                           loaders::PlanInputs(args, forced));
  if (files.empty()) return absl::NotFoundError("no input files found");

  Progress progress(*context.err,
                    isatty(STDERR_FILENO) == 1 && context.err == &std::cerr);
  IngestSession session(context, /*all_or_nothing=*/strict);
  // Rows are checked once cut into batches (CheckBatch), as chainkg-import
  // does, so that both apply the same batches: within a batch vertices go
  // before edges, so where a batch ends decides which edges find a vertex
  // defined further down the file.
  std::string file_name;
  FileKind file_kind = FileKind::kFirms;
  std::vector<Issue> checked_issues;  // of the file being sent
  loaders::RowBatcher batcher(
      static_cast<int>(batch_size),
      [&](loaders::RecordBatch&& batch) -> absl::Status {
        std::vector<Issue> found =
            loaders::CheckBatch(file_kind, file_name, &batch);
        checked_issues.insert(checked_issues.end(), found.begin(), found.end());
        if (batch.size() == 0) return absl::OkStatus();  // all rows refused
        return session.Send(std::move(batch));
      });
  LoadSummary total;
  std::set<std::string> defined;  // vertices defined by loaded files
  int64_t failed_files = 0;
  for (const loaders::InputFile& input : files) {
    LoadSummary summary;
    int printed = 0;
    loaders::RecordFileOptions options;
    options.kind = input.kind;
    std::string name = std::filesystem::path(input.path).filename().string();

    if (strict) {
      // First pass: every row must parse, and every reference resolve,
      // before anything of this file is sent.
      std::vector<std::pair<int64_t, v1::VertexRef>> references;
      std::set<std::string> defined_here;
      absl::StatusOr<loaders::RecordFileResult> checked =
          loaders::ReadRecordFile(
              input.path, options, [&](ParsedRow&& row) -> absl::Status {
                for (const v1::Vertex& vertex : row.vertices) {
                  v1::VertexRef ref = graph::RefOf(vertex);
                  if (input.kind == FileKind::kCredentials) {
                    references.emplace_back(row.line, ref);
                  } else {
                    defined_here.insert(RefKey(ref));
                  }
                }
                for (const v1::Edge& edge : row.edges) {
                  references.emplace_back(row.line, edge.from());
                  references.emplace_back(row.line, edge.to());
                  if (edge.has_supplies() &&
                      !edge.supplies().product_key().empty()) {
                    v1::VertexRef product;
                    product.set_kind(v1::VERTEX_KIND_PRODUCT);
                    product.set_key(edge.supplies().product_key());
                    references.emplace_back(row.line, product);
                  }
                }
                return absl::OkStatus();
              });
      if (!checked.ok()) return checked.status();
      std::vector<Issue> issues = checked->issues;
      defined.insert(defined_here.begin(), defined_here.end());
      CHAINKG_RETURN_IF_ERROR(FindDanglingReferences(
          context, name, input.kind, references, defined, &issues));
      bool any_error = false;
      for (const Issue& issue : issues) {
        summary.Count(issue);
        any_error = any_error || issue.severity == Severity::kError;
      }
      PrintIssues(issues, &printed, *context.err);
      if (any_error) {
        summary.rows_read = checked->rows;
        *context.out << name << ": not loaded (--strict): " << summary.Format();
        ++failed_files;
        for (const std::string& ref : defined_here) defined.erase(ref);
        total.errors += summary.errors;
        total.rows_read += summary.rows_read;
        continue;
      }
      summary = LoadSummary();
      printed = 0;
    }

    progress.Start(name, CountLines(input.path));
    session.StartFile(name, input.kind, &summary);
    file_name = name;
    file_kind = input.kind;
    checked_issues.clear();
    options.check_rows = false;  // the batcher's CheckBatch checks them
    int64_t sent_rows = 0;
    absl::StatusOr<loaders::RecordFileResult> result = loaders::ReadRecordFile(
        input.path, options, [&](ParsedRow&& row) -> absl::Status {
          ++sent_rows;
          progress.Update(sent_rows);
          return batcher.Add(std::move(row));
        });
    if (!result.ok()) {
      progress.Done();
      return result.status();
    }
    CHAINKG_RETURN_IF_ERROR(batcher.Flush());
    // Acknowledgements of this file before its summary.
    absl::Status drained = session.Drain();
    progress.Done();
    if (!drained.ok()) return session.Finish();
    std::vector<Issue> issues = result->issues;
    issues.insert(issues.end(), checked_issues.begin(), checked_issues.end());
    std::vector<Issue> rejected = session.TakeIssues();
    for (const Issue& issue : issues) summary.Count(issue);
    issues.insert(issues.end(), rejected.begin(), rejected.end());
    std::stable_sort(
        issues.begin(), issues.end(),
        [](const Issue& a, const Issue& b) { return a.line < b.line; });
    PrintIssues(issues, &printed, *context.err);
    if (printed > kMaxIssuesPrintedPerFile) {
      *context.err << name << ": " << printed - kMaxIssuesPrintedPerFile
                   << " more problems not shown\n";
    }
    summary.rows_read = result->rows;
    *context.out << name << " (" << TextEncodingName(result->encoding) << ", "
                 << loaders::FileKindName(input.kind)
                 << "): " << summary.Format();
    total.rows_read += summary.rows_read;
    total.created += summary.created;
    total.updated += summary.updated;
    total.unchanged += summary.unchanged;
    total.warnings += summary.warnings;
    total.errors += summary.errors;
    for (const auto& [reason, count] : summary.by_reason) {
      total.by_reason[reason] += count;
    }
  }
  CHAINKG_RETURN_IF_ERROR(session.Finish());
  if (files.size() > 1) *context.out << "total: " << total.Format();
  *context.out << SequenceText(session.last_sequence());
  if (total.errors > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        total.errors, " rows were not loaded",
        failed_files > 0
            ? absl::StrCat(" (", failed_files, " files refused by --strict)")
            : ""));
  }
  return absl::OkStatus();
}

}  // namespace chainkg::cli
