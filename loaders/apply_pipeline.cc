#include "loaders/apply_pipeline.h"

#include <time.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

#include "loaders/record_file.h"
#include "util/field_error.h"

namespace chainkg::loaders {

absl::Duration ThreadCpu(pthread_t thread) {
  clockid_t clock;
  timespec time;
  if (pthread_getcpuclockid(thread, &clock) != 0 ||
      clock_gettime(clock, &time) != 0) {
    return absl::ZeroDuration();
  }
  return absl::DurationFromTimespec(time);
}

ApplyPipeline::ApplyPipeline(graph::BulkImporter& importer)
    : importer_(importer) {
  thread_ = std::thread([this] { Run(); });
}

ApplyPipeline::~ApplyPipeline() {
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
  }
  thread_.join();
}

absl::Status ApplyPipeline::Submit(Job job) {
  // Applied batches, freed on this thread, where their records were
  // allocated, after the lock is released: the apply thread only applies.
  std::vector<RecordBatch> spent;
  absl::MutexLock lock(&mu_);
  spent.swap(spent_);
  while (error_.ok() && !queue_.empty() &&
         queued_records_ >= kMaxQueuedRecords) {
    // The newest unchecked job: the farthest from the apply thread.
    auto unchecked =
        std::find_if(queue_.rbegin(), queue_.rend(), [](const Queued& queued) {
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

absl::Status ApplyPipeline::Drain() {
  absl::MutexLock lock(&mu_);
  // Idle even after an error: queued jobs point at the caller's summary,
  // which must not go out of scope while a job could still touch it.
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.empty() && !busy_;
  };
  mu_.Await(absl::Condition(&idle));
  return error_;
}

int64_t ApplyPipeline::finished_jobs() {
  absl::MutexLock lock(&mu_);
  return finished_;
}

absl::Duration ApplyPipeline::apply_wait() {
  absl::MutexLock lock(&mu_);
  return apply_wait_;
}

absl::Duration ApplyPipeline::apply_cpu() {
  return ThreadCpu(thread_.native_handle());
}

void ApplyPipeline::Check(Job& job) {
  job.issues = CheckBatch(job.kind, job.file, &job.batch);
}

void ApplyPipeline::CheckQueued(Queued& queued) {
  queued.state = Queued::State::kChecking;
  mu_.Unlock();
  Check(queued.job);
  mu_.Lock();
  queued.state = Queued::State::kChecked;
}

void ApplyPipeline::Run() {
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
    applied_.push_back(job.summary);  // Apply calls the importer once
    if (status.ok()) ++finished_;
    spent_.push_back(std::move(job.batch));
    if (!status.ok() && error_.ok()) error_ = status;
  }
}

absl::Status ApplyPipeline::Recount(
    const std::vector<graph::EdgeRecount>& recounts) {
  absl::MutexLock lock(&mu_);
  for (const graph::EdgeRecount& recount : recounts) {
    if (recount.apply < 0 ||
        recount.apply >= static_cast<int64_t>(applied_.size())) {
      return absl::InternalError(absl::StrCat(
          "recount of import call ", recount.apply, " of ", applied_.size()));
    }
    LoadSummary* summary = applied_[recount.apply];
    summary->created -= recount.updated + recount.unchanged;
    summary->updated += recount.updated;
    summary->unchanged += recount.unchanged;
  }
  return absl::OkStatus();
}

absl::Status ApplyPipeline::Apply(Job& job) {
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
    field =
        field.size() > prefix.size() + 1 ? field.substr(prefix.size() + 1) : "";
    job.rejected->push_back({job.file, lines[record.index],
                             ColumnOfField(job.kind, field), reason,
                             Severity::kError});
  }
  return absl::OkStatus();
}

}  // namespace chainkg::loaders
