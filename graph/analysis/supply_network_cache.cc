#include "graph/analysis/supply_network_cache.h"

#include <utility>

namespace chainkg::graph {
namespace {

bool Same(const SupplyOptions& a, const SupplyOptions& b) {
  return a.mode == b.mode && a.supplier_country == b.supplier_country &&
         a.supplier_region_prefix == b.supplier_region_prefix;
}

// A network together with the view it borrows.
struct Holder {
  std::shared_ptr<const View> view;
  SupplyNetwork network;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const SupplyNetwork>> SupplyNetworkCache::Get(
    std::shared_ptr<const View> view, const SupplyOptions& options,
    const AnalysisLimits& limits) {
  {
    absl::MutexLock lock(&mu_);
    for (const Entry& entry : entries_) {
      if (entry.view == view.get() && Same(entry.options, options)) {
        return entry.network;
      }
    }
  }
  // Two callers may build the same network at once; the second insert
  // simply replaces the first. Cheaper than holding the lock for seconds.
  absl::StatusOr<SupplyNetwork> built =
      SupplyNetwork::Build(*view, options, limits);
  if (!built.ok()) return built.status();
  auto holder = std::make_shared<Holder>(Holder{view, *std::move(built)});
  std::shared_ptr<const SupplyNetwork> network(holder, &holder->network);
  absl::MutexLock lock(&mu_);
  // The cache serves the view of the latest build: networks of other
  // views are dropped (views only move forward), as is an older network
  // for the same options.
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->view != view.get() || Same(it->options, options)
             ? entries_.erase(it)
             : it + 1;
  }
  entries_.push_front({view.get(), options, network, {}});
  while (entries_.size() > capacity_) entries_.pop_back();
  return network;
}

absl::StatusOr<std::shared_ptr<const std::vector<CriticalSuppliersResult>>>
SupplyNetworkCache::CriticalSuppliersOfFirm(std::shared_ptr<const View> view,
                                            const SupplyOptions& options,
                                            ViewIndex firm,
                                            const AnalysisLimits& limits) {
  absl::StatusOr<std::shared_ptr<const SupplyNetwork>> network =
      Get(view, options, limits);
  if (!network.ok()) return network.status();
  {
    absl::MutexLock lock(&mu_);
    for (const Entry& entry : entries_) {
      if (entry.network != *network) continue;
      auto found = entry.critical.find(firm.value());
      if (found != entry.critical.end()) return found->second;
    }
  }
  absl::StatusOr<std::vector<CriticalSuppliersResult>> computed =
      (*network)->CriticalSuppliersOfFirm(firm, limits);
  if (!computed.ok()) return computed.status();
  auto results = std::make_shared<const std::vector<CriticalSuppliersResult>>(
      *std::move(computed));
  absl::MutexLock lock(&mu_);
  for (Entry& entry : entries_) {
    if (entry.network != *network) continue;
    if (entry.critical.size() >= kMaxCriticalFirms) entry.critical.clear();
    entry.critical[firm.value()] = results;
  }
  return results;
}

}  // namespace chainkg::graph
