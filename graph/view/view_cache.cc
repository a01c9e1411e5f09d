#include "graph/view/view_cache.h"

namespace chainkg::graph {

absl::StatusOr<std::shared_ptr<const View>> ViewCache::Current() {
  uint64_t latest = store_.LatestSequence();
  {
    absl::MutexLock lock(&mu_);
    if (view_ != nullptr && view_->sequence() >= latest) return view_;
  }
  absl::MutexLock build_lock(&build_mu_);
  {
    // Another caller may have rebuilt it while this one waited.
    absl::MutexLock lock(&mu_);
    if (view_ != nullptr && view_->sequence() >= latest) return view_;
  }
  absl::StatusOr<std::shared_ptr<const View>> built = View::Build(store_);
  if (!built.ok()) return built.status();
  absl::MutexLock lock(&mu_);
  view_ = *built;
  return view_;
}

}  // namespace chainkg::graph
