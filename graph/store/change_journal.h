// ChangeJournal: the vertex and out-edge keys of recently committed writes,
// kept in memory for Store::ChangesSince. Internal to graph/store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#include "graph/store/graph_changes.h"

namespace chainkg::graph::internal {

// The keys one write set in the vertex and out_edge families, with their
// values (nullopt: deleted).
struct JournalWrite {
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  absl::Time committed;
  std::vector<std::pair<std::string, std::optional<std::string>>> vertices;
  std::vector<std::pair<std::string, std::optional<std::string>>> edges;
  size_t bytes = 0;  // what it holds, for the bound
};

// Thread-safe. Records nothing until Start; then keeps every recorded write
// until a Take after it, or until more than max_bytes wait, when the oldest
// are dropped (and a Take that needs them fails).
class ChangeJournal {
 public:
  ChangeJournal() = default;
  ChangeJournal(const ChangeJournal&) = delete;
  ChangeJournal& operator=(const ChangeJournal&) = delete;

  // Starts recording (again) with this bound. Writes committed before the
  // call may or may not be recorded.
  void Start(size_t max_bytes);
  bool started() const;

  // Called by the commit thread, in commit order, once a write is durable.
  void Record(JournalWrite write);

  // Drops the writes up to `after` (the caller has them), then returns the
  // later ones merged, waiting until wait_until for one when there are
  // none yet. OUT_OF_RANGE when a write after `after` was dropped, or
  // recording started after it: the caller must rebuild from a scan.
  // FAILED_PRECONDITION before Start. DATA_LOSS for a key or record that
  // does not parse.
  absl::StatusOr<GraphChanges> Take(uint64_t after, absl::Time wait_until);

  // When the oldest recorded write after `after` was committed;
  // InfinitePast when there is none.
  absl::Time FirstCommitAfter(uint64_t after) const;

 private:
  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  size_t max_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  // The last sequence of a write that was dropped or not recorded: Take
  // cannot serve `after` below it.
  uint64_t complete_after_ ABSL_GUARDED_BY(mu_) = 0;
  // Shared with a Take that merges them outside the lock, so that the
  // commit thread's Record never waits for a copy.
  std::deque<std::shared_ptr<const JournalWrite>> writes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace chainkg::graph::internal
