// SupplyNetworkCache: the supply networks built on the current view, one
// per SupplyOptions, so that repeated questions on an unchanged graph skip
// the O(graph) build.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

#include "graph/analysis/supply_network.h"
#include "graph/view/view.h"

namespace chainkg::graph {

// Thread-safe. Holds at most `capacity` networks, all of one view: a newer
// view evicts the networks of older ones. A returned network keeps its
// view alive for as long as it is held.
class SupplyNetworkCache {
 public:
  explicit SupplyNetworkCache(size_t capacity = 3) : capacity_(capacity) {}
  SupplyNetworkCache(const SupplyNetworkCache&) = delete;
  SupplyNetworkCache& operator=(const SupplyNetworkCache&) = delete;

  // The network of view for options, built (outside the lock, under
  // limits) when not cached. Errors of SupplyNetwork::Build; a failed
  // build is not cached.
  absl::StatusOr<std::shared_ptr<const SupplyNetwork>> Get(
      std::shared_ptr<const View> view, const SupplyOptions& options,
      const AnalysisLimits& limits);

  // SupplyNetwork::CriticalSuppliersOfFirm on the network of view for
  // options, computed (outside the lock, under limits) once per network and
  // firm: the answer depends on nothing else. Errors of Get and of the
  // computation, which are not cached.
  absl::StatusOr<std::shared_ptr<const std::vector<CriticalSuppliersResult>>>
  CriticalSuppliersOfFirm(std::shared_ptr<const View> view,
                          const SupplyOptions& options, ViewIndex firm,
                          const AnalysisLimits& limits);

 private:
  // Firms whose critical suppliers are kept per network (a few KiB each).
  static constexpr size_t kMaxCriticalFirms = 256;
  struct Entry {
    const View* view;
    SupplyOptions options;
    std::shared_ptr<const SupplyNetwork> network;
    absl::flat_hash_map<
        uint32_t, std::shared_ptr<const std::vector<CriticalSuppliersResult>>>
        critical;
  };
  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<Entry> entries_ ABSL_GUARDED_BY(mu_);  // most recent first
};

}  // namespace chainkg::graph
