// BackgroundErrorListener: follows the background errors that make RocksDB
// stop accepting writes (a full disk, an I/O error) and resumes writing when
// asked. Internal to graph/store.
//
// RocksDB recovers from a full disk by itself only once the free space
// exceeds a whole memtable (64 MiB by default), and refuses DB::Resume()
// while it waits: on a small disk writes never resumed. This listener turns
// that recovery off; Store calls ResumeIfStopped before each write instead.
#pragma once

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/listener.h"

namespace chainkg::graph::internal {

// Thread-safe. Shared (shared_ptr) by the rocksdb::Options that register
// it and the Store that calls ResumeIfStopped.
class BackgroundErrorListener final : public rocksdb::EventListener {
 public:
  // retry_interval: the least time between two DB::Resume() attempts.
  explicit BackgroundErrorListener(absl::Duration retry_interval);

  // RocksDB callbacks; they run with RocksDB's DB mutex held and only
  // record what happened.
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                         rocksdb::Status* error) override;
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason reason,
                            rocksdb::Status error,
                            bool* auto_recovery) override;
  void OnErrorRecoveryEnd(
      const rocksdb::BackgroundErrorRecoveryInfo& info) override;

  // OK when writes are not stopped, or were and DB::Resume() succeeded
  // (it flushes the memtables, which needs disk space). Otherwise the error
  // that stopped them, "writes stopped: <rocksdb error>", with the code
  // FromRocksDb gives it: RESOURCE_EXHAUSTED for a full disk, UNAVAILABLE
  // for other I/O errors. No new attempt is made within retry_interval of
  // the last one. Requires: db is the database this listens to; calls are
  // serialized by the caller (Store's write lock).
  absl::Status ResumeIfStopped(rocksdb::DB& db);

 private:
  const absl::Duration retry_interval_;
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t errors_ ABSL_GUARDED_BY(mu_) = 0;  // hard errors seen so far
  rocksdb::Status error_ ABSL_GUARDED_BY(mu_);
  absl::Time last_attempt_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace chainkg::graph::internal
