// ViewCache: the current View of a Store, rebuilt when the store has moved
// on, without blocking the queries still running on the previous view.
#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

#include "graph/store/store.h"
#include "graph/view/view.h"

namespace chainkg::graph {

// Thread-safe. Borrows the store, which must outlive it.
class ViewCache {
 public:
  explicit ViewCache(const Store& store) : store_(store) {}

  // The view of the latest committed write: the cached one if the store has
  // not changed since it was built, else a new one (one rebuild at a time;
  // callers meanwhile wait, queries holding the old view keep it). Errors
  // of View::Build.
  absl::StatusOr<std::shared_ptr<const View>> Current();

 private:
  const Store& store_;
  absl::Mutex build_mu_;  // serializes rebuilds
  absl::Mutex mu_;
  // Shared with every query using it; each keeps it alive until done.
  std::shared_ptr<const View> view_ ABSL_GUARDED_BY(mu_);
};

}  // namespace chainkg::graph
