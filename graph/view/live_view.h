// LiveView: the newest View of a Store, kept current by a background thread
// that applies each committed write to the last view as a delta
// (View::Apply) and folds the delta into a new base when it grows
// (View::Compact). Queries never wait for that work unless they ask for a
// sequence the published view has not reached (read-your-writes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#include "graph/store/store.h"
#include "graph/view/view.h"

namespace chainkg::graph {

struct LiveViewOptions {
  // Changes of committed writes the store keeps for the view at most; past
  // it (the view fell that far behind) the view is built again by a scan.
  size_t journal_bytes = size_t{512} << 20;
  // Fold the delta into a new base once it holds more than this share of
  // the base's vertices plus edges (and at least compact_min_entries).
  double compact_fraction = 0.02;
  size_t compact_min_entries = 4096;
  // The writes made during a fold are applied to the folded view by the
  // folding thread while fewer are left after each round, until fewer than
  // this many records are left; the rest by the thread that publishes it
  // (which publishes nothing meanwhile).
  size_t fold_hand_over_records = 20'000;
  // Receives one line per event worth an operator's log: a view built or
  // folded (with its time and size), a failure. May be empty. Called from
  // the background thread.
  std::function<void(const std::string&)> log;
};

// How far a view is behind its store.
struct ViewLag {
  uint64_t latest_sequence = 0;  // the store's latest committed write
  // Since the oldest write the view does not hold was committed; zero when
  // the view holds every write.
  absl::Duration behind = absl::ZeroDuration();
};

// Thread-safe. Borrows the store, which must outlive it. Owns a background
// thread, and a second one while it folds, joined by the destructor, which
// stops a build or fold in progress within a pass over 65,536 vertices.
class LiveView {
 public:
  // Starts following the store: builds the first view in the background.
  LiveView(Store& store, LiveViewOptions options);
  ~LiveView();
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  // The newest published view; null until the first is built.
  std::shared_ptr<const View> Latest() const;

  // The newest published view, once one with sequence >= min_sequence is
  // published (0: any view). Waits until deadline, asking cancelled (may be
  // empty) every few milliseconds. DEADLINE_EXCEEDED / CANCELLED when the
  // wait ends first (the work goes on for later callers); OUT_OF_RANGE when
  // no write has that sequence yet; the last build error when the view
  // cannot be built.
  absl::StatusOr<std::shared_ptr<const View>> Get(
      uint64_t min_sequence, absl::Time deadline,
      const std::function<bool()>& cancelled) const;

  // How far view is behind the store now.
  ViewLag LagOf(const View& view) const;

  // Figures for reports: how many views were published, built by a scan
  // and folded.
  struct Counters {
    int64_t published = 0;
    int64_t scans = 0;
    int64_t compactions = 0;
  };
  Counters counters() const;

 private:
  void Run();
  // Builds a view from a scan of the store; null when stopped or failed.
  std::shared_ptr<const View> Scan();
  void Publish(std::shared_ptr<const View> view);
  void Log(const std::string& line) const;
  bool Stopping() const;

  Store& store_;
  const LiveViewOptions options_;
  size_t journal_bytes_;  // the Run thread's; grows when a scan falls behind
  mutable absl::Mutex mu_;
  std::shared_ptr<const View> latest_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);  // of the last failed build
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Counters counters_ ABSL_GUARDED_BY(mu_);
  // For the last views applied from changes: the sequence each applied
  // changes after, and when the first of those writes was committed (how
  // long a view at that sequence has been behind).
  static constexpr size_t kFirstCommits = 1024;
  std::deque<std::pair<uint64_t, absl::Time>> first_commits_
      ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace chainkg::graph
