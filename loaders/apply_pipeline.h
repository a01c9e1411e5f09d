// ApplyPipeline: chainkg-import's second thread. The reading thread builds
// batches of records from the input files; the pipeline checks them
// (CheckBatch) and applies them to a graph::BulkImporter in order, while
// the next ones are read.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#include "graph/store/bulk_importer.h"
#include "loaders/file_kind.h"
#include "loaders/load_issue.h"
#include "loaders/load_plan.h"

namespace chainkg::loaders {

// CPU time used by a thread (user and system), zero if unknown.
absl::Duration ThreadCpu(pthread_t thread);

// One batch of one file, with where its results go.
struct Job {
  RecordBatch batch;  // rows as built, checked by CheckBatch before applying
  std::string file;   // the input's base name, for issues and errors
  FileKind kind;
  // Of the file: the applied records' counts and the rows the importer
  // rejected (file:line issues) are added to them. Read them after Drain;
  // they must outlive it.
  LoadSummary* summary;
  std::vector<Issue>* rejected;
  std::vector<Issue> issues;  // found checking the batch
};

// Checks and applies batches in order on a second thread while the caller
// reads the next ones: the two cores of a small machine each do part of
// the work. Checking a batch (CheckBatch) is done by whichever thread
// would otherwise wait: the apply thread checks the batches it reaches
// unchecked, and the caller, when the queue is full, checks queued ones
// instead of waiting. The caller's thread also frees the applied batches,
// where their records were allocated. Submit, Drain and the accessors are
// called from one thread (not thread-safe otherwise); the importer is used
// by the pipeline's thread only, until the pipeline is destroyed.
class ApplyPipeline {
 public:
  explicit ApplyPipeline(graph::BulkImporter& importer);
  // Waits for the queued jobs, then stops the thread.
  ~ApplyPipeline();

  ApplyPipeline(const ApplyPipeline&) = delete;
  ApplyPipeline& operator=(const ApplyPipeline&) = delete;

  // Queues a job, waiting while the queue is full (and meanwhile checking
  // queued jobs the apply thread has not reached); then checks it right
  // away when kCheckAhead jobs are queued. Returns the first error the
  // apply thread met, if any (then nothing more is applied), with the
  // failing job's file name in front.
  absl::Status Submit(Job job);

  // Waits until every queued job is applied, or skipped after an error;
  // returns the first error.
  absl::Status Drain();

  // Moves the counts that the importer's Finish recounted
  // (graph::ImportResult::recounts) in the summaries of the jobs whose
  // Apply calls they name. Call after Drain, when every call to the
  // importer was this pipeline's. INTERNAL if a recount names a call the
  // pipeline did not make.
  absl::Status Recount(const std::vector<graph::EdgeRecount>& recounts);

  // Jobs submitted, and jobs applied (a job skipped after an error is not):
  // the first n jobs are applied once finished_jobs() >= n.
  int64_t submitted_jobs() const { return submitted_; }
  int64_t finished_jobs();

  // How long Submit waited for room in the queue, and the apply thread for
  // a job: where the pipeline's time goes. Call after Drain().
  absl::Duration submit_wait() const { return submit_wait_; }
  absl::Duration apply_wait();
  // CPU time the apply thread has used so far.
  absl::Duration apply_cpu();

  // How far reading may run ahead of applying, in records: a few batches.
  // Further ahead, the parsed records are no longer in the CPU's caches
  // when they are applied, which costs more than the waits it saves.
  static constexpr size_t kMaxQueuedRecords = 8192;
  // Batches queued from which the reading thread checks its own batches
  // rather than leave them to the apply thread, which is then the busier.
  static constexpr size_t kCheckAhead = 4;

 private:
  struct Queued {
    Job job;
    enum class State { kUnchecked, kChecking, kChecked } state;
    size_t records;  // as queued, for queued_records_
  };

  static void Check(Job& job);
  // Checks a queued job on the caller's thread, without the lock: a deque
  // keeps the job in place while others are pushed and popped, and the
  // apply thread leaves a job being checked alone.
  void CheckQueued(Queued& queued) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Run();
  absl::Status Apply(Job& job);

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
  // The summary of each call to the importer, in call order.
  std::vector<LoadSummary*> applied_ ABSL_GUARDED_BY(mu_);
  absl::Duration submit_wait_;                      // the caller's thread
  absl::Duration apply_wait_ ABSL_GUARDED_BY(mu_);  // the apply thread
};

}  // namespace chainkg::loaders
