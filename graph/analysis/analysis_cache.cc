#include "graph/analysis/analysis_cache.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

#include "util/status_macros.h"
#include "util/thread_priority.h"

namespace chainkg::graph {
namespace {

// How often a waiting call asks whether it was cancelled.
constexpr absl::Duration kCancelPoll = absl::Milliseconds(5);
// Firms whose critical suppliers a new network answers in advance, because
// they were asked of the network it replaces.
constexpr size_t kCarriedFirms = 32;

std::string NetworkKey(const SupplyOptions& options) {
  return absl::StrCat(
      options.mode == SupplyMode::kCapability ? "capability" : "observed", "|",
      options.supplier_country, "|", options.supplier_region_prefix);
}

std::string FactsKey(const GapOptions& options) {
  return absl::StrCat(options.region_prefix, "|", options.home_country, "|",
                      options.as_of);
}

}  // namespace

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

struct AnalysisCache::Impl {
  // A supply network with the view it borrows and the critical suppliers
  // found on it.
  struct NetworkEntry {
    std::shared_ptr<const View> view;
    std::optional<SupplyNetwork> network;
    absl::Mutex mu;
    absl::flat_hash_map<
        uint32_t, std::shared_ptr<const std::vector<CriticalSuppliersResult>>>
        critical ABSL_GUARDED_BY(mu);
    absl::flat_hash_map<uint32_t, std::shared_ptr<const SupplyStructure>>
        structures ABSL_GUARDED_BY(mu);
    // Keys of firms asked about on the network this one replaced.
    std::vector<std::string> carried;
  };
  struct FactsEntry {
    std::shared_ptr<const View> view;
    std::optional<GapFirmFacts> facts;
  };
  // One kind of structure (one SupplyOptions, or one facts key) across
  // views: the newest built, and the build under way.
  template <typename Entry>
  struct Slot {
    std::shared_ptr<Entry> ready;
    std::shared_ptr<const View> building;  // null: no build under way
    std::shared_ptr<const View> wanted;    // the newest view asked for
    absl::Status failed;                   // of the last build
    uint64_t failed_sequence = 0;          // the view it failed on
    absl::Time used;
  };
  template <typename Entry>
  using Slots = absl::flat_hash_map<std::string, Slot<Entry>>;
  // Builds the entry on a view; previous is the slot's newest entry on an
  // older view, or null (a network carries over the questions asked of it).
  template <typename Entry>
  using BuildFn = std::function<absl::StatusOr<std::shared_ptr<Entry>>(
      const std::shared_ptr<const View>&,
      const std::shared_ptr<Entry>& previous, const AnalysisLimits&)>;

  explicit Impl(AnalysisCacheOptions o) : options(std::move(o)) {}

  template <typename Entry>
  absl::StatusOr<std::shared_ptr<Entry>> Get(
      Slots<Entry>& slots, size_t max_slots, const std::string& key,
      const std::shared_ptr<const View>& latest, uint64_t min_sequence,
      const AnalysisLimits& limits, BuildFn<Entry> build);
  template <typename Entry>
  void StartBuild(Slots<Entry>& slots, const std::string& key,
                  std::shared_ptr<const View> view, BuildFn<Entry> build)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  template <typename Entry>
  void Evict(Slots<Entry>& slots, size_t max_slots, const std::string& keep)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  absl::StatusOr<std::shared_ptr<NetworkEntry>> NetworkEntryFor(
      const std::shared_ptr<const View>& latest, const SupplyOptions& supply,
      uint64_t min_sequence, const AnalysisLimits& limits);
  absl::StatusOr<std::shared_ptr<FactsEntry>> FactsEntryFor(
      const std::shared_ptr<const View>& latest, const GapOptions& gap,
      uint64_t min_sequence, const AnalysisLimits& limits);
  // The facts on exactly this view: the kept ones when they are on it,
  // else built now (and kept when newer than those).
  std::shared_ptr<FactsEntry> FactsEntryOn(
      const std::shared_ptr<const View>& view, const GapOptions& gap);
  static std::shared_ptr<FactsEntry> BuildFacts(
      const std::shared_ptr<const View>& view, const GapOptions& gap);
  absl::StatusOr<std::shared_ptr<const std::vector<CriticalSuppliersResult>>>
  CriticalOf(NetworkEntry& entry, ViewIndex firm, const AnalysisLimits& limits);
  absl::StatusOr<std::shared_ptr<const SupplyStructure>> StructureOf(
      NetworkEntry& entry, ViewIndex firm, const AnalysisLimits& limits);
  void RunWorker();
  void Log(const std::string& line) const {
    if (options.log != nullptr) options.log(line);
  }

  const AnalysisCacheOptions options;
  std::atomic<bool> stopping{false};
  absl::Mutex mu;
  Slots<NetworkEntry> networks ABSL_GUARDED_BY(mu);
  Slots<FactsEntry> facts ABSL_GUARDED_BY(mu);
  std::deque<std::function<void()>> tasks ABSL_GUARDED_BY(mu);
  int64_t builds ABSL_GUARDED_BY(mu) = 0;
  std::thread worker;
};

template <typename Entry>
void AnalysisCache::Impl::Evict(Slots<Entry>& slots, size_t max_slots,
                                const std::string& keep) {
  while (slots.size() > max_slots) {
    auto oldest = slots.end();
    for (auto it = slots.begin(); it != slots.end(); ++it) {
      if (it->first == keep || it->second.building != nullptr) continue;
      if (oldest == slots.end() || it->second.used < oldest->second.used) {
        oldest = it;
      }
    }
    if (oldest == slots.end()) return;  // all busy: over the bound a while
    slots.erase(oldest);
  }
}

template <typename Entry>
void AnalysisCache::Impl::StartBuild(Slots<Entry>& slots,
                                     const std::string& key,
                                     std::shared_ptr<const View> view,
                                     BuildFn<Entry> build) {
  Slot<Entry>& starting = slots[key];
  starting.building = view;
  tasks.push_back([this, &slots, key, view, build, previous = starting.ready] {
    AnalysisLimits limits;
    limits.cancelled = [this] { return stopping.load(); };
    limits.max_network_entries = options.max_network_entries;
    absl::Time start = absl::Now();
    absl::StatusOr<std::shared_ptr<Entry>> built =
        build(view, previous, limits);
    absl::Duration took = absl::Now() - start;
    if (stopping.load()) return;
    Log(absl::StrCat(
        "analysis: ", key, " on sequence ", view->sequence(),
        built.ok() ? " built in " : " failed after ",
        absl::FormatDuration(took),
        built.ok() ? "" : absl::StrCat(": ", built.status().ToString())));
    absl::MutexLock lock(&mu);
    ++builds;
    auto it = slots.find(key);
    if (it == slots.end()) return;  // evicted meanwhile
    Slot<Entry>& slot = it->second;
    slot.building = nullptr;
    if (built.ok()) {
      if (slot.ready == nullptr ||
          slot.ready->view->sequence() < view->sequence()) {
        slot.ready = *built;
      }
      slot.failed = absl::OkStatus();
    } else {
      slot.failed = built.status();
      slot.failed_sequence = view->sequence();
    }
    if (slot.wanted != nullptr && slot.wanted->sequence() > view->sequence()) {
      StartBuild(slots, key, slot.wanted, build);
    } else {
      slot.wanted = nullptr;  // do not keep that view alive for nothing
    }
    if constexpr (std::is_same_v<Entry, NetworkEntry>) {
      if (built.ok() && !(*built)->carried.empty()) {
        // Answered ahead of the callers, best effort: an answer that fails
        // (a cone past max_candidates) is the caller's to meet.
        tasks.push_back([this, entry = *built, limits] {
          for (const std::string& firm_key : entry->carried) {
            std::optional<ViewIndex> firm =
                entry->view->Find(v1::VERTEX_KIND_FIRM, firm_key);
            if (!firm.has_value() || stopping.load()) continue;
            CriticalOf(*entry, *firm, limits).status().IgnoreError();
          }
        });
      }
    }
  });
}

template <typename Entry>
absl::StatusOr<std::shared_ptr<Entry>> AnalysisCache::Impl::Get(
    Slots<Entry>& slots, size_t max_slots, const std::string& key,
    const std::shared_ptr<const View>& latest, uint64_t min_sequence,
    const AnalysisLimits& limits, BuildFn<Entry> build) {
  const uint64_t wanted_sequence = latest->sequence();
  if (wanted_sequence < min_sequence) {
    return absl::FailedPreconditionError(absl::StrCat(
        "analysis cache: asked for sequence ", min_sequence, " with a view at ",
        wanted_sequence, " (get the view first)"));
  }
  {
    absl::MutexLock lock(&mu);
    Slot<Entry>& slot = slots[key];
    slot.used = absl::Now();
    const bool stale =
        slot.ready == nullptr || slot.ready->view->sequence() < wanted_sequence;
    const bool failed_here =
        !slot.failed.ok() && slot.failed_sequence >= wanted_sequence;
    if (stale && !failed_here) {
      if (slot.building == nullptr) {
        StartBuild(slots, key, latest, build);
      } else if (slot.building->sequence() < wanted_sequence &&
                 (slot.wanted == nullptr ||
                  slot.wanted->sequence() < wanted_sequence)) {
        slot.wanted = latest;  // built when the build under way ends
      }
    }
    Evict(slots, max_slots, key);
  }
  // Slots may move while the lock is released: look the slot up each time.
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (stopping.load()) return true;
    auto it = slots.find(key);
    if (it == slots.end()) return true;
    const Slot<Entry>& slot = it->second;
    return (slot.ready != nullptr &&
            slot.ready->view->sequence() >= min_sequence) ||
           (!slot.failed.ok() && slot.failed_sequence >= wanted_sequence);
  };
  while (true) {
    {
      absl::MutexLock lock(&mu);
      mu.AwaitWithDeadline(
          absl::Condition(&done),
          std::min(limits.deadline, absl::Now() + kCancelPoll));
      if (stopping.load())
        return absl::UnavailableError("the server is stopping");
      auto it = slots.find(key);
      if (it == slots.end()) {
        return absl::UnavailableError(
            "too many different analyses at once: try again");
      }
      const Slot<Entry>& slot = it->second;
      if (slot.ready != nullptr &&
          slot.ready->view->sequence() >= min_sequence) {
        return slot.ready;
      }
      if (!slot.failed.ok() && slot.failed_sequence >= wanted_sequence) {
        return slot.failed;
      }
      if (absl::Now() >= limits.deadline) {
        return absl::DeadlineExceededError(absl::StrCat(
            "deadline passed while ", key, " is built on sequence ",
            wanted_sequence, " (kept for the next call)"));
      }
    }
    if (limits.cancelled != nullptr && limits.cancelled()) {
      return absl::CancelledError(absl::StrCat(
          "cancelled while ", key, " is built (kept for the next call)"));
    }
  }
}

void AnalysisCache::Impl::RunWorker() {
  // Builds are for later calls: the calls being answered now come first.
  LowerThisThreadsPriority();
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return !tasks.empty() || stopping.load();
  };
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu, absl::Condition(&ready));
      if (stopping.load()) return;
      task = std::move(tasks.front());
      tasks.pop_front();
    }
    task();
  }
}

// ---------------------------------------------------------------------------
// AnalysisCache
// ---------------------------------------------------------------------------

AnalysisCache::AnalysisCache(AnalysisCacheOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->worker = std::thread([impl = impl_.get()] { impl->RunWorker(); });
}

AnalysisCache::~AnalysisCache() {
  {
    absl::MutexLock lock(&impl_->mu);
    impl_->stopping = true;
  }
  impl_->worker.join();
}

int64_t AnalysisCache::builds() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->builds;
}

absl::StatusOr<std::shared_ptr<AnalysisCache::Impl::NetworkEntry>>
AnalysisCache::Impl::NetworkEntryFor(const std::shared_ptr<const View>& latest,
                                     const SupplyOptions& supply,
                                     uint64_t min_sequence,
                                     const AnalysisLimits& limits) {
  return Get<NetworkEntry>(
      networks, options.max_networks, NetworkKey(supply), latest, min_sequence,
      limits,
      [supply](const std::shared_ptr<const View>& view,
               const std::shared_ptr<NetworkEntry>& previous,
               const AnalysisLimits& build_limits)
          -> absl::StatusOr<std::shared_ptr<NetworkEntry>> {
        auto built = std::make_shared<NetworkEntry>();
        built->view = view;
        CHAINKG_ASSIGN_OR_RETURN(
            SupplyNetwork network,
            SupplyNetwork::Build(*view, supply, build_limits));
        built->network.emplace(std::move(network));
        // The firms asked about on the older network (chain leaders for gap
        // reports, mostly) will be asked again: StartBuild has them
        // answered once the network is kept.
        if (previous != nullptr) {
          absl::MutexLock lock(&previous->mu);
          for (const auto& [firm, lines] : previous->critical) {
            if (built->carried.size() >= kCarriedFirms) break;
            built->carried.emplace_back(previous->view->key(ViewIndex(firm)));
          }
        }
        return built;
      });
}

std::shared_ptr<AnalysisCache::Impl::FactsEntry>
AnalysisCache::Impl::BuildFacts(const std::shared_ptr<const View>& view,
                                const GapOptions& gap) {
  auto built = std::make_shared<FactsEntry>();
  built->view = view;
  built->facts.emplace(GapFirmFacts::Build(*view, gap));
  return built;
}

absl::StatusOr<std::shared_ptr<AnalysisCache::Impl::FactsEntry>>
AnalysisCache::Impl::FactsEntryFor(const std::shared_ptr<const View>& latest,
                                   const GapOptions& gap, uint64_t min_sequence,
                                   const AnalysisLimits& limits) {
  bool none = false;
  {
    absl::MutexLock lock(&mu);
    auto it = facts.find(FactsKey(gap));
    none = it == facts.end() || it->second.ready == nullptr;
  }
  // None kept for this region yet: one pass over the vertices, in the
  // caller, rather than behind the network builds queued on the worker.
  if (none) return FactsEntryOn(latest, gap);
  GapOptions key_options;
  key_options.region_prefix = gap.region_prefix;
  key_options.home_country = gap.home_country;
  key_options.as_of = gap.as_of;
  return Get<FactsEntry>(
      facts, options.max_firm_facts, FactsKey(gap), latest, min_sequence,
      limits,
      [key_options](const std::shared_ptr<const View>& view,
                    const std::shared_ptr<FactsEntry>&, const AnalysisLimits&)
          -> absl::StatusOr<std::shared_ptr<FactsEntry>> {
        return BuildFacts(view, key_options);
      });
}

std::shared_ptr<AnalysisCache::Impl::FactsEntry>
AnalysisCache::Impl::FactsEntryOn(const std::shared_ptr<const View>& view,
                                  const GapOptions& gap) {
  const std::string key = FactsKey(gap);
  {
    absl::MutexLock lock(&mu);
    auto it = facts.find(key);
    if (it != facts.end() && it->second.ready != nullptr &&
        it->second.ready->view == view) {
      return it->second.ready;
    }
  }
  // One pass over the vertices, done by the caller: cheaper than waiting
  // behind a network build on the worker.
  std::shared_ptr<FactsEntry> built = BuildFacts(view, gap);
  absl::MutexLock lock(&mu);
  Slot<FactsEntry>& slot = facts[key];
  slot.used = absl::Now();
  if (slot.ready == nullptr ||
      slot.ready->view->sequence() < view->sequence()) {
    slot.ready = built;
  }
  Evict(facts, options.max_firm_facts, key);
  return built;
}

absl::StatusOr<std::shared_ptr<const std::vector<CriticalSuppliersResult>>>
AnalysisCache::Impl::CriticalOf(NetworkEntry& entry, ViewIndex firm,
                                const AnalysisLimits& limits) {
  {
    absl::MutexLock lock(&entry.mu);
    auto it = entry.critical.find(firm.value());
    if (it != entry.critical.end()) return it->second;
  }
  // Computed by the caller under its limits: an answer given up at the
  // deadline or on cancellation stops at once and is not kept.
  CHAINKG_ASSIGN_OR_RETURN(
      std::vector<CriticalSuppliersResult> computed,
      entry.network->CriticalSuppliersOfFirm(firm, limits));
  auto lines = std::make_shared<const std::vector<CriticalSuppliersResult>>(
      std::move(computed));
  absl::MutexLock lock(&entry.mu);
  if (entry.critical.size() >= options.max_critical_firms) {
    entry.critical.clear();
  }
  entry.critical[firm.value()] = lines;
  return lines;
}

absl::StatusOr<std::shared_ptr<const SupplyStructure>>
AnalysisCache::Impl::StructureOf(NetworkEntry& entry, ViewIndex firm,
                                 const AnalysisLimits& limits) {
  {
    absl::MutexLock lock(&entry.mu);
    auto it = entry.structures.find(firm.value());
    if (it != entry.structures.end()) return it->second;
  }
  // As CriticalOf: in the caller, under its limits (in capability mode the
  // cone's edges are every maker of every input: seconds on a national
  // graph, so worth keeping).
  CHAINKG_ASSIGN_OR_RETURN(SupplyStructure computed,
                           entry.network->Structure(firm, limits));
  auto structure = std::make_shared<const SupplyStructure>(std::move(computed));
  absl::MutexLock lock(&entry.mu);
  if (entry.structures.size() >= options.max_critical_firms) {
    entry.structures.clear();
  }
  entry.structures[firm.value()] = structure;
  return structure;
}

absl::StatusOr<std::shared_ptr<const SupplyNetwork>> AnalysisCache::Network(
    const std::shared_ptr<const View>& latest, const SupplyOptions& options,
    uint64_t min_sequence, const AnalysisLimits& limits) {
  CHAINKG_ASSIGN_OR_RETURN(
      std::shared_ptr<Impl::NetworkEntry> entry,
      impl_->NetworkEntryFor(latest, options, min_sequence, limits));
  return std::shared_ptr<const SupplyNetwork>(entry, &*entry->network);
}

absl::StatusOr<CriticalAnswer> AnalysisCache::CriticalSuppliers(
    const std::shared_ptr<const View>& latest, const SupplyOptions& options,
    absl::string_view firm_key, uint64_t min_sequence,
    const AnalysisLimits& limits) {
  CHAINKG_ASSIGN_OR_RETURN(
      std::shared_ptr<Impl::NetworkEntry> entry,
      impl_->NetworkEntryFor(latest, options, min_sequence, limits));
  std::optional<ViewIndex> firm =
      entry->view->Find(v1::VERTEX_KIND_FIRM, firm_key);
  if (!firm.has_value()) {
    return absl::NotFoundError(absl::StrCat("no firm \"", firm_key, "\""));
  }
  CHAINKG_ASSIGN_OR_RETURN(auto lines,
                           impl_->CriticalOf(*entry, *firm, limits));
  CHAINKG_ASSIGN_OR_RETURN(auto structure,
                           impl_->StructureOf(*entry, *firm, limits));
  return CriticalAnswer{
      std::shared_ptr<const SupplyNetwork>(entry, &*entry->network), *firm,
      std::move(lines), std::move(structure)};
}

absl::StatusOr<GapAnswer> AnalysisCache::Gaps(
    const std::shared_ptr<const View>& latest, v1::VertexKind kind,
    absl::string_view key, GapOptions options, uint64_t min_sequence) {
  CHAINKG_ASSIGN_OR_RETURN(
      std::shared_ptr<Impl::FactsEntry> facts,
      impl_->FactsEntryFor(latest, options, min_sequence, options.limits));
  std::shared_ptr<const View> view = facts->view;
  auto find = [&]() -> absl::StatusOr<ViewIndex> {
    std::optional<ViewIndex> target = view->Find(kind, key);
    if (!target.has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "no ", kind == v1::VERTEX_KIND_PRODUCT ? "product" : "chain", " \"",
          key, "\""));
    }
    return *target;
  };
  CHAINKG_ASSIGN_OR_RETURN(ViewIndex target, find());
  std::shared_ptr<Impl::NetworkEntry> network;
  if (!LocalLeaders(*view, target, options).empty()) {
    // The leaders' critical suppliers need the network; the facts follow
    // its view, as they are quick to build.
    CHAINKG_ASSIGN_OR_RETURN(
        network, impl_->NetworkEntryFor(latest, options.supply, min_sequence,
                                        options.limits));
    if (network->view != view) {
      view = network->view;
      facts = impl_->FactsEntryOn(view, options);
      CHAINKG_ASSIGN_OR_RETURN(target, find());
    }
    options.supply_network = &*network->network;
    options.leader_critical_suppliers = [this, &network,
                                         &options](ViewIndex leader) {
      return impl_->CriticalOf(*network, leader, options.limits);
    };
  }
  options.firm_facts = &*facts->facts;
  CHAINKG_ASSIGN_OR_RETURN(GapReport report,
                           graph::Gaps(*view, target, options));
  return GapAnswer{std::move(view), target, std::move(report)};
}

}  // namespace chainkg::graph
