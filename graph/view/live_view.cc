#include "graph/view/live_view.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace chainkg::graph {
namespace {

// How long the thread waits for a write before it looks at stopping_.
constexpr absl::Duration kPoll = absl::Milliseconds(20);
// How often a waiting Get asks whether its call was cancelled.
constexpr absl::Duration kCancelPoll = absl::Milliseconds(5);
// Records written during a fold and not yet applied to it past which it is
// given up.
constexpr size_t kMaxRecordsDuringFold = 4'000'000;
// The most the journal may keep after growing.
constexpr size_t kMaxJournalBytes = size_t{4} << 30;

// The changes of several consecutive GraphChanges as one: for each vertex
// and edge the state the last left.
GraphChanges Merge(std::vector<GraphChanges> all) {
  if (all.size() == 1) return std::move(all.front());
  GraphChanges merged;
  merged.after = all.front().after;
  merged.sequence = all.back().sequence;
  merged.first_commit = all.front().first_commit;
  std::map<uint64_t, VertexChange> vertices;
  std::map<std::tuple<uint64_t, int, uint64_t, uint64_t>, EdgeChange> edges;
  for (GraphChanges& changes : all) {
    merged.writes += changes.writes;
    for (VertexChange& change : changes.vertices) {
      vertices[change.id.value()] = std::move(change);
    }
    for (EdgeChange& change : changes.edges) {
      edges[{change.from.value(), change.kind, change.to.value(),
             change.product.value()}] = std::move(change);
    }
  }
  for (auto& [id, change] : vertices) {
    merged.vertices.push_back(std::move(change));
  }
  for (auto& [key, change] : edges) merged.edges.push_back(std::move(change));
  return merged;
}

std::string Describe(const View& view) {
  return absl::StrCat(view.vertex_count(), " vertices, ", view.edge_count(),
                      " edges, ", view.MemoryBytes() >> 20, " MiB");
}

}  // namespace

LiveView::LiveView(Store& store, LiveViewOptions options)
    : store_(store),
      options_(std::move(options)),
      journal_bytes_(options_.journal_bytes) {
  // Before the first scan, so that every write after it is kept.
  store_.KeepChanges(journal_bytes_);
  thread_ = std::thread([this] { Run(); });
}

LiveView::~LiveView() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

bool LiveView::Stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void LiveView::Log(const std::string& line) const {
  if (options_.log != nullptr) options_.log(line);
}

std::shared_ptr<const View> LiveView::Latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

LiveView::Counters LiveView::counters() const {
  absl::MutexLock lock(&mu_);
  return counters_;
}

void LiveView::Publish(std::shared_ptr<const View> view) {
  absl::MutexLock lock(&mu_);
  latest_ = std::move(view);
  error_ = absl::OkStatus();
  ++counters_.published;
}

std::shared_ptr<const View> LiveView::Scan() {
  absl::Time start = absl::Now();
  absl::StatusOr<std::shared_ptr<const View>> built =
      View::Build(store_, [this] { return Stopping(); });
  if (!built.ok()) {
    if (!Stopping()) {
      Log(absl::StrCat("view: build failed: ", built.status().ToString()));
      absl::MutexLock lock(&mu_);
      error_ = built.status();
    }
    return nullptr;
  }
  Log(absl::StrCat("view: built at sequence ", (*built)->sequence(), " in ",
                   absl::FormatDuration(absl::Now() - start), " (",
                   Describe(**built), ")"));
  absl::MutexLock lock(&mu_);
  ++counters_.scans;
  return *built;
}

void LiveView::Run() {
  std::shared_ptr<const View> view;
  // The base replaced by the last fold or scan: once no query holds it,
  // its memory goes back to the system (glibc keeps freed blocks of a
  // large heap otherwise, and the RSS would grow with every fold).
  std::optional<std::weak_ptr<const View>> replaced;
  // A fold runs on a thread of its own, so that writes keep reaching the
  // published view meanwhile. The changes applied since the view it folds
  // are queued for it: the folding thread applies them to the folded view
  // (publishing never waits for that), and the applying thread the last few
  // before it publishes the folded view.
  struct Fold {
    std::thread thread;
    std::atomic<bool> cancel{false};
    absl::Time start;
    View::DeltaSize delta;
    absl::Mutex mu;
    bool done ABSL_GUARDED_BY(mu) = false;
    absl::StatusOr<std::shared_ptr<const View>> result ABSL_GUARDED_BY(mu);
    std::vector<GraphChanges> since ABSL_GUARDED_BY(mu);
    size_t since_records ABSL_GUARDED_BY(mu) = 0;
  };
  std::unique_ptr<Fold> fold;
  auto end_fold = [&fold] {
    if (fold == nullptr) return;
    fold->cancel = true;  // a no-op when it is done
    if (fold->thread.joinable()) fold->thread.join();
    fold = nullptr;
  };
  while (!Stopping()) {
    if (replaced.has_value() && replaced->expired()) {
      malloc_trim(0);
      replaced.reset();
    }
    if (view == nullptr) {
      end_fold();
      view = Scan();
      if (view == nullptr) {
        // Try again later; a failure is kept for callers meanwhile.
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
        continue;
      }
      if (std::shared_ptr<const View> old = Latest(); old != nullptr) {
        replaced = old;
      }
      Publish(view);
      continue;
    }
    if (fold != nullptr) {
      bool done = false;
      absl::StatusOr<std::shared_ptr<const View>> folded;
      std::vector<GraphChanges> rest;
      {
        absl::MutexLock lock(&fold->mu);
        done = fold->done;
        if (done) {
          folded = std::move(fold->result);
          rest = std::move(fold->since);
        }
      }
      if (done) {
        // The folded view, brought up to the published one.
        if (folded.ok() && !rest.empty()) {
          folded = (*folded)->Apply(Merge(std::move(rest)));
        }
        if (folded.ok()) {
          replaced = view;
          view = *std::move(folded);
          Log(absl::StrCat(
              "view: folded ", fold->delta.vertices, " changed vertices in ",
              absl::FormatDuration(absl::Now() - fold->start), " (",
              Describe(*view), "), at sequence ", view->sequence()));
          Publish(view);
          absl::MutexLock lock(&mu_);
          ++counters_.compactions;
        } else if (!Stopping()) {
          Log(absl::StrCat("view: fold failed: ", folded.status().ToString()));
        }
        end_fold();
      }
    }
    absl::StatusOr<GraphChanges> changes =
        store_.ChangesSince(view->sequence(), absl::Now() + kPoll);
    if (changes.ok() && changes->writes == 0) continue;
    absl::StatusOr<std::shared_ptr<const View>> next =
        changes.ok()
            ? view->Apply(*changes)
            : absl::StatusOr<std::shared_ptr<const View>>(changes.status());
    if (!next.ok()) {
      // The changes cannot be applied (dropped while the view was behind,
      // or not matching it): read the whole store again, while queries go
      // on with the published view.
      Log(absl::StrCat("view: rebuilding from the store: ",
                       next.status().ToString()));
      if (next.status().code() == absl::StatusCode::kOutOfRange &&
          journal_bytes_ < kMaxJournalBytes) {
        // More was written during the last scan than the journal kept:
        // keep more, or the next scan would miss the same way.
        journal_bytes_ = std::min(kMaxJournalBytes, journal_bytes_ * 2);
        store_.KeepChanges(journal_bytes_);
      }
      view = nullptr;
      continue;
    }
    view = *std::move(next);
    Publish(view);
    {
      absl::MutexLock lock(&mu_);
      first_commits_.emplace_back(changes->after, changes->first_commit);
      while (first_commits_.size() > kFirstCommits) first_commits_.pop_front();
    }
    if (fold != nullptr) {
      bool give_up = false;
      {
        absl::MutexLock lock(&fold->mu);
        fold->since_records += changes->vertices.size() + changes->edges.size();
        fold->since.push_back(*std::move(changes));
        give_up = fold->since_records > kMaxRecordsDuringFold;
      }
      if (give_up) {
        // Writes come faster than the fold takes them in: give it up, and
        // fold again later from a newer view.
        Log("view: a fold was given up (more writes came during it than "
            "it saves)");
        end_fold();
      }
      continue;
    }
    View::DeltaSize delta = view->delta_size();
    size_t base = view->base_vertex_count() + view->base_edge_count();
    if (delta.vertices + delta.entries >
        std::max<size_t>(options_.compact_min_entries,
                         static_cast<size_t>(options_.compact_fraction *
                                             static_cast<double>(base)))) {
      fold = std::make_unique<Fold>();
      fold->start = absl::Now();
      fold->delta = delta;
      Fold* f = fold.get();
      fold->thread = std::thread([this, f, folding = view] {
        auto stop = [this, f] { return f->cancel.load() || Stopping(); };
        absl::StatusOr<std::shared_ptr<const View>> result =
            folding->Compact(stop);
        // Take in the writes made meanwhile while that converges (each
        // round shorter than the last); the rest, however much, goes to
        // the publishing thread, so that a fold always ends even when
        // writes come faster than this thread applies them.
        size_t last_round = SIZE_MAX;
        while (result.ok() && !stop()) {
          std::vector<GraphChanges> since;
          {
            absl::MutexLock lock(&f->mu);
            if (f->since.empty() ||
                f->since_records < options_.fold_hand_over_records ||
                f->since_records >= last_round) {
              break;
            }
            last_round = f->since_records;
            since = std::move(f->since);
            f->since.clear();
            f->since_records = 0;
          }
          result = (*result)->Apply(Merge(std::move(since)));
        }
        absl::MutexLock lock(&f->mu);
        f->result = std::move(result);
        f->done = true;
      });
    }
  }
  end_fold();
}

absl::StatusOr<std::shared_ptr<const View>> LiveView::Get(
    uint64_t min_sequence, absl::Time deadline,
    const std::function<bool()>& cancelled) const {
  uint64_t latest_write = store_.LatestSequence();
  if (min_sequence > latest_write) {
    return absl::OutOfRangeError(absl::StrCat(
        "min_sequence ", min_sequence,
        " is ahead of the latest write (sequence ", latest_write, ")"));
  }
  auto ready = [this, min_sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ ||
           (latest_ != nullptr && latest_->sequence() >= min_sequence) ||
           (latest_ == nullptr && !error_.ok());
  };
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithDeadline(
              absl::Condition(&ready),
              std::min(deadline, absl::Now() + kCancelPoll))) {
        if (latest_ != nullptr && latest_->sequence() >= min_sequence) {
          return latest_;
        }
        if (stopping_) return absl::UnavailableError("the server is stopping");
        return error_;
      }
    }
    if (absl::Now() >= deadline) {
      std::shared_ptr<const View> latest = Latest();
      return absl::DeadlineExceededError(
          latest == nullptr
              ? std::string("deadline passed while the first view of the "
                            "graph is built")
              : absl::StrCat("deadline passed waiting for sequence ",
                             min_sequence, " (the view is at ",
                             latest->sequence(), ")"));
    }
    if (cancelled != nullptr && cancelled()) {
      return absl::CancelledError("cancelled while waiting for the view");
    }
  }
}

ViewLag LiveView::LagOf(const View& view) const {
  ViewLag lag;
  lag.latest_sequence = store_.LatestSequence();
  if (lag.latest_sequence > view.sequence()) {
    absl::Time first = absl::InfinitePast();
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [after, commit] : first_commits_) {
        if (after == view.sequence()) first = commit;
      }
    }
    if (first == absl::InfinitePast()) {
      first = store_.FirstCommitAfter(view.sequence());
    }
    if (first != absl::InfinitePast()) {
      lag.behind = std::max(absl::ZeroDuration(), absl::Now() - first);
    }
  }
  return lag;
}

}  // namespace chainkg::graph
