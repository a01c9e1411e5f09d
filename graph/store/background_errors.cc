#include "graph/store/background_errors.h"

#include "absl/time/clock.h"

#include "graph/store/rocksdb_status.h"

namespace chainkg::graph::internal {

BackgroundErrorListener::BackgroundErrorListener(absl::Duration retry_interval)
    : retry_interval_(retry_interval) {}

void BackgroundErrorListener::OnBackgroundError(
    rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status* error) {
  // Soft errors (a failed compaction) let writes go on.
  if (error->severity() < rocksdb::Status::Severity::kHardError) return;
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  error_ = *error;
  ++errors_;
}

void BackgroundErrorListener::OnErrorRecoveryBegin(
    rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status error,
    bool* auto_recovery) {
  // Only the full-disk recovery waits for a memtable's worth of space;
  // RocksDB's retries of other I/O errors stay on.
  if (error.IsNoSpace()) *auto_recovery = false;
}

void BackgroundErrorListener::OnErrorRecoveryEnd(
    const rocksdb::BackgroundErrorRecoveryInfo& info) {
  if (!info.new_bg_error.ok()) return;
  absl::MutexLock lock(&mu_);
  stopped_ = false;
}

absl::Status BackgroundErrorListener::ResumeIfStopped(rocksdb::DB& db) {
  uint64_t errors_before = 0;
  {
    absl::MutexLock lock(&mu_);
    if (!stopped_) return absl::OkStatus();
    absl::Time now = absl::Now();
    if (now - last_attempt_ < retry_interval_) {
      return FromRocksDb(error_, "writes stopped");
    }
    last_attempt_ = now;
    errors_before = errors_;
  }
  // Not under mu_: DB::Resume() calls back into this listener.
  rocksdb::Status resumed = db.Resume();
  absl::MutexLock lock(&mu_);
  if (resumed.ok()) {
    // An error that came after the resume stops writes again.
    if (errors_ == errors_before) stopped_ = false;
    return stopped_ ? FromRocksDb(error_, "writes stopped") : absl::OkStatus();
  }
  // Busy: RocksDB's own recovery of a retryable error is under way.
  if (!resumed.IsBusy()) error_ = resumed;
  return FromRocksDb(error_, "writes stopped");
}

}  // namespace chainkg::graph::internal
