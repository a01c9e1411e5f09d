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
#include <time.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
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

// CPU time used by a thread (user and system), zero if unknown.
absl::Duration ThreadCpu(pthread_t thread) {
  clockid_t clock;
  timespec time;
  if (pthread_getcpuclockid(thread, &clock) != 0 ||
      clock_gettime(clock, &time) != 0) {
    return absl::ZeroDuration();
  }
  return absl::DurationFromTimespec(time);
}
// How far reading may run ahead of applying, in records: a few batches.
// Further ahead, the parsed records are no longer in the CPU's caches when
// they are applied, which costs more than the waits it saves.
constexpr size_t kMaxQueuedRecords = 8192;
// Batches queued from which the reading thread checks its own batches
// rather than leave them to the apply thread, which is then the busier.
constexpr size_t kCheckAhead = 4;

// One batch of one file, with where its results go.
struct Job {
  RecordBatch batch;  // rows as built, checked by CheckBatch before applying
  std::string file;
  FileKind kind;
  LoadSummary* summary;          // of the file; read after Drain()
  std::vector<Issue>* rejected;  // of the file; read after Drain()
  std::vector<Issue> issues;     // found checking the batch
};

// Checks and applies batches in order on a second thread while the caller
// reads the next ones: the two cores of a small machine each do part of
// the work. Checking a batch (CheckBatch) is done by whichever thread
// would otherwise wait: the apply thread checks the batches it reaches
// unchecked, and the caller, when the queue is full, checks queued ones
// instead of waiting. Submit and Drain are called from one thread.
class ApplyPipeline {
 public:
  explicit ApplyPipeline(graph::BulkImporter& importer) : importer_(importer) {
    thread_ = std::thread([this] { Run(); });
  }

  ~ApplyPipeline() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    thread_.join();
  }

  ApplyPipeline(const ApplyPipeline&) = delete;
  ApplyPipeline& operator=(const ApplyPipeline&) = delete;

  // Queues a job, waiting while the queue is full (and meanwhile checking
  // queued jobs the apply thread has not reached); then checks it right
  // away when kCheckAhead jobs are queued. Returns the first error the
  // apply thread met, if any (then nothing more is applied).
  absl::Status Submit(Job job) {
    // Applied batches, freed on this thread, where their records were
    // allocated, after the lock is released: the apply thread only applies.
    std::vector<RecordBatch> spent;
    absl::MutexLock lock(&mu_);
    spent.swap(spent_);
    while (error_.ok() && !queue_.empty() &&
           queued_records_ >= kMaxQueuedRecords) {
      // The newest unchecked job: the farthest from the apply thread.
      auto unchecked = std::find_if(
          queue_.rbegin(), queue_.rend(), [](const Queued& queued) {
            return queued.state == Queued::State::kUnchecked;
          });
      if (unchecked == queue_.rend()) {
        auto room_or_error = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return queue_.empty() || queued_records_ < kMaxQueuedRecords ||
                 !error_.ok();
        };
        absl::Time waiting_since = absl::Now();
        mu_.Await(absl::Condition(&room_or_error));
        submit_wait_ += absl::Now() - waiting_since;
        continue;
      }
      CheckQueued(*unchecked);
    }
    if (!error_.ok()) return error_;
    size_t records = job.batch.size();
    queued_records_ += records;
    queue_.push_back({std::move(job), Queued::State::kUnchecked, records});
    ++submitted_;
    if (queue_.size() >= kCheckAhead) CheckQueued(queue_.back());
    return absl::OkStatus();
  }

  // Jobs submitted, and jobs applied (a job skipped after an error is not):
  // the first n jobs are applied once finished_jobs() >= n.
  int64_t submitted_jobs() const { return submitted_; }
  int64_t finished_jobs() {
    absl::MutexLock lock(&mu_);
    return finished_;
  }

  // How long Submit waited for room in the queue, and the apply thread for
  // a job: where the pipeline's time goes. Call after Drain().
  absl::Duration submit_wait() const { return submit_wait_; }
  absl::Duration apply_wait() {
    absl::MutexLock lock(&mu_);
    return apply_wait_;
  }
  // CPU time the apply thread has used so far.
  absl::Duration apply_cpu() { return ThreadCpu(thread_.native_handle()); }

  // Waits until every queued job is applied.
  absl::Status Drain() {
    absl::MutexLock lock(&mu_);
    // Idle even after an error: queued jobs point at the caller's summary,
    // which must not go out of scope while a job could still touch it.
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return queue_.empty() && !busy_;
    };
    mu_.Await(absl::Condition(&idle));
    return error_;
  }

 private:
  struct Queued {
    Job job;
    enum class State { kUnchecked, kChecking, kChecked } state;
    size_t records;  // as queued, for queued_records_
  };

  static void Check(Job& job) {
    job.issues = CheckBatch(job.kind, job.file, &job.batch);
  }

  // Checks a queued job on the caller's thread, without the lock: a deque
  // keeps the job in place while others are pushed and popped, and the
  // apply thread leaves a job being checked alone.
  void CheckQueued(Queued& queued) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    queued.state = Queued::State::kChecking;
    mu_.Unlock();
    Check(queued.job);
    mu_.Lock();
    queued.state = Queued::State::kChecked;
  }

  void Run() {
    while (true) {
      Job job;
      bool check;
      {
        absl::MutexLock lock(&mu_);
        // The next job, unless Submit is still checking it.
        auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return queue_.empty()
                     ? done_
                     : queue_.front().state != Queued::State::kChecking;
        };
        absl::Time waiting_since = absl::Now();
        mu_.Await(absl::Condition(&ready));
        apply_wait_ += absl::Now() - waiting_since;
        if (queue_.empty()) return;  // done
        job = std::move(queue_.front().job);
        check = queue_.front().state == Queued::State::kUnchecked;
        queued_records_ -= queue_.front().records;
        queue_.pop_front();
        if (!error_.ok()) continue;  // after an error nothing more applies
        busy_ = true;
      }
      if (check) Check(job);
      absl::Status status = Apply(job);
      absl::MutexLock lock(&mu_);
      busy_ = false;
      if (status.ok()) ++finished_;
      spent_.push_back(std::move(job.batch));
      if (!status.ok() && error_.ok()) error_ = status;
    }
  }

  absl::Status Apply(Job& job) {
    graph::WriteRequest request;
    request.vertices = std::move(job.batch.vertices);
    request.edges = std::move(job.batch.edges);
    request.on_invalid = graph::FailurePolicy::kSkipInvalid;
    // CheckBatch checked and canonicalized every record left in the batch.
    request.records = graph::RecordForm::kCanonical;
    absl::StatusOr<graph::WriteResult> applied =
        importer_.ApplyAndReturnRecords(request);
    // Back to the batch, to be freed by the reading thread (Submit).
    job.batch.vertices = std::move(request.vertices);
    job.batch.edges = std::move(request.edges);
    if (!applied.ok()) {
      // Named after its file: it surfaces while a later file may be read.
      return absl::Status(
          applied.status().code(),
          absl::StrCat(job.file, ": ", applied.status().message()));
    }
    graph::WriteResult& result = *applied;
    job.rejected->insert(job.rejected->end(),
                         std::make_move_iterator(job.issues.begin()),
                         std::make_move_iterator(job.issues.end()));
    job.summary->created += result.created;
    job.summary->updated += result.updated;
    job.summary->unchanged += result.unchanged;
    for (const graph::Rejected& record : result.rejected) {
      const std::vector<int64_t>& lines =
          record.edge ? job.batch.edge_lines : job.batch.vertex_lines;
      std::string field = FieldOf(record.status).value_or("");
      std::string prefix =
          absl::StrCat(record.edge ? "edges[" : "vertices[", record.index, "]");
      std::string reason(record.status.message());
      if (reason.compare(0, field.size() + 2, field + ": ") == 0) {
        reason = reason.substr(field.size() + 2);
      }
      field = field.size() > prefix.size() + 1 ? field.substr(prefix.size() + 1)
                                               : "";
      job.rejected->push_back({job.file, lines[record.index],
                               ColumnOfField(job.kind, field), reason,
                               Severity::kError});
    }
    return absl::OkStatus();
  }

  graph::BulkImporter& importer_;
  std::thread thread_;
  absl::Mutex mu_;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  size_t queued_records_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<RecordBatch> spent_ ABSL_GUARDED_BY(mu_);  // applied batches
  int64_t submitted_ = 0;  // the caller's thread only
  int64_t finished_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration submit_wait_;                      // the caller's thread
  absl::Duration apply_wait_ ABSL_GUARDED_BY(mu_);  // the apply thread
};

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
  // Reading runs ahead of applying, across files: a file's summary is
  // printed once its last batch is applied.
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
    int64_t finished = pipeline.finished_jobs();
    while (reported < states.size() && states[reported].jobs_end <= finished) {
      report(states[reported++]);
    }
  }
  CHAINKG_RETURN_IF_ERROR(pipeline.Drain());
  while (reported < states.size()) report(states[reported++]);
  absl::Time parsed = absl::Now();
  absl::Duration reading_cpu = ThreadCpu(pthread_self());
  absl::Duration applying_cpu = pipeline.apply_cpu();
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
