#include "graph/analysis/supply_network.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

#include "graph/analysis/dominators.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace {

uint64_t LineKey(ViewIndex firm, ViewIndex product) {
  return (static_cast<uint64_t>(firm.value()) << 32) | product.value();
}

bool SupplierAllowed(const View& view, ViewIndex firm,
                     const SupplyOptions& options) {
  if (!options.supplier_country.empty() &&
      view.country(firm) != options.supplier_country) {
    return false;
  }
  if (!options.supplier_region_prefix.empty() &&
      (view.country(firm) != "CN" ||
       !absl::StartsWith(view.region(firm), options.supplier_region_prefix))) {
    return false;
  }
  return true;
}

// p and every product that is (transitively) a SUBCLASS_OF p: a specific
// product stands in for its category as an input.
std::vector<ViewIndex> VariantsOf(const View& view, ViewIndex p) {
  std::vector<ViewIndex> variants = {p};
  for (size_t i = 0; i < variants.size(); ++i) {
    for (const Adjacent& child :
         view.In(v1::EDGE_KIND_SUBCLASS_OF, variants[i])) {
      if (std::find(variants.begin(), variants.end(), child.other) ==
          variants.end()) {
        variants.push_back(child.other);
      }
    }
  }
  return variants;
}

// Deadline and cancellation, polled every 256 steps: a step may touch a
// whole pool of suppliers (hundreds of lines in capability mode), and a
// call must stop within 50 ms of its deadline even on a slow build.
class Poll {
 public:
  Poll(const AnalysisLimits& limits, absl::string_view what)
      : limits_(limits), what_(what) {}
  absl::Status Tick() {
    if (--countdown_ > 0) return absl::OkStatus();
    countdown_ = 256;
    return Now();
  }
  absl::Status Now() const {
    if (absl::Now() > limits_.deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(what_, ": deadline exceeded"));
    }
    if (limits_.cancelled && limits_.cancelled()) {
      return absl::CancelledError(absl::StrCat(what_, ": cancelled"));
    }
    return absl::OkStatus();
  }

 private:
  const AnalysisLimits& limits_;
  absl::string_view what_;
  int64_t countdown_ = 1;
};

absl::Status CheckSize(size_t size, absl::string_view what,
                       const AnalysisLimits& limits) {
  if (size > static_cast<size_t>(limits.max_network_entries) ||
      size >= UINT32_MAX) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "max_network_entries: the supply network needs more than ",
        std::min<int64_t>(limits.max_network_entries, UINT32_MAX - 1), " ",
        what));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SupplyNetwork> SupplyNetwork::Build(
    const View& view, const SupplyOptions& options,
    const AnalysisLimits& limits) {
  SupplyNetwork network;
  network.view_ = &view;
  size_t n = view.vertex_count();
  Poll poll(limits, "supply network");

  // Lines: every PRODUCES edge, plus the lines SUPPLIES edges imply.
  std::vector<uint64_t> keys;
  for (uint32_t v = 0; v < n; ++v) {
    CHAINKG_RETURN_IF_ERROR(poll.Tick());
    ViewIndex firm(v);
    if (view.kind(firm) != v1::VERTEX_KIND_FIRM) continue;
    absl::flat_hash_set<uint32_t> made_here;
    for (const Adjacent& made : view.Out(v1::EDGE_KIND_PRODUCES, firm)) {
      keys.push_back(LineKey(firm, made.other));
      made_here.insert(made.other.value());
    }
    for (const Adjacent& supplied : view.Out(v1::EDGE_KIND_SUPPLIES, firm)) {
      if (supplied.attribute == 0) continue;
      // A supply naming a category the supplier makes a variant of is
      // served by those lines (with their own inputs); only a product the
      // supplier makes in no form gets an implied line.
      bool makes_a_form = false;
      for (ViewIndex variant :
           VariantsOf(view, ViewIndex(supplied.attribute - 1))) {
        makes_a_form = makes_a_form || made_here.contains(variant.value());
      }
      if (!makes_a_form) {
        keys.push_back(LineKey(firm, ViewIndex(supplied.attribute - 1)));
      }
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  CHAINKG_RETURN_IF_ERROR(CheckSize(keys.size(), "production lines", limits));
  absl::flat_hash_map<uint64_t, LineIndex> line_of;
  line_of.reserve(keys.size());
  network.firm_offsets_.assign(n + 1, 0);
  for (uint64_t key : keys) {
    ViewIndex firm(static_cast<uint32_t>(key >> 32));
    ViewIndex product(static_cast<uint32_t>(key & 0xffffffffu));
    line_of.emplace(key, static_cast<LineIndex>(network.lines_.size()));
    network.lines_.push_back({firm, product});
    ++network.firm_offsets_[firm.value() + 1];
  }
  for (size_t v = 0; v < n; ++v) {
    network.firm_offsets_[v + 1] += network.firm_offsets_[v];
  }
  // Lines are sorted by (firm, product): each firm's lines are contiguous.
  network.firm_lines_.resize(network.lines_.size());
  for (LineIndex l = 0; l < network.lines_.size(); ++l) {
    network.firm_lines_[l] = l;
  }
  auto find_line = [&line_of](ViewIndex firm,
                              ViewIndex product) -> std::optional<LineIndex> {
    auto it = line_of.find(LineKey(firm, product));
    if (it == line_of.end()) return std::nullopt;
    return it->second;
  };
  // Capability mode: one shared pool per input product (every allowed
  // line of the product or a variant), so a product needed by many lines
  // is listed once, not once per line that needs it.
  absl::flat_hash_map<uint32_t, std::vector<LineIndex>> lines_of_product;
  absl::flat_hash_map<uint32_t, uint32_t> pool_of_product;
  if (options.mode == SupplyMode::kCapability) {
    for (LineIndex l = 0; l < network.lines_.size(); ++l) {
      lines_of_product[network.lines_[l].product.value()].push_back(l);
    }
  }
  network.pool_offsets_.push_back(0);
  auto add_pool = [&network](std::vector<LineIndex>& members) {
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    if (members.empty()) return kNoPool;
    network.pool_lines_.insert(network.pool_lines_.end(), members.begin(),
                               members.end());
    network.pool_offsets_.push_back(
        static_cast<uint32_t>(network.pool_lines_.size()));
    return static_cast<uint32_t>(network.pool_offsets_.size() - 2);
  };

  // Slots: one per (line, essential input): the line's own lines of the
  // input, and a pool of supplier lines.
  network.line_slots_.reserve(network.lines_.size() + 1);
  std::vector<LineIndex> members;
  for (LineIndex l = 0; l < network.lines_.size(); ++l) {
    CHAINKG_RETURN_IF_ERROR(poll.Tick());
    network.line_slots_.push_back(static_cast<uint32_t>(network.slots_.size()));
    const ProductionLine& line = network.lines_[l];
    for (const Adjacent& input :
         view.In(v1::EDGE_KIND_INPUT_TO, line.product)) {
      if (input.attribute == 0) continue;  // not essential
      ViewIndex p = input.other;
      std::vector<ViewIndex> variants = VariantsOf(view, p);
      Slot slot{l, p, kNoPool, static_cast<uint32_t>(network.own_lines_.size()),
                0};
      for (ViewIndex variant : variants) {
        if (std::optional<LineIndex> own = find_line(line.firm, variant)) {
          network.own_lines_.push_back(*own);
        }
      }
      slot.own_end = static_cast<uint32_t>(network.own_lines_.size());
      if (options.mode == SupplyMode::kObserved) {
        members.clear();
        for (const Adjacent& supply :
             view.In(v1::EDGE_KIND_SUPPLIES, line.firm)) {
          if (supply.attribute == 0) continue;
          ViewIndex supplied(supply.attribute - 1);
          if (std::find(variants.begin(), variants.end(), supplied) ==
              variants.end()) {
            continue;
          }
          // The supplier serves the input with whichever forms of the
          // supplied product it makes (or its implied line).
          for (ViewIndex form : VariantsOf(view, supplied)) {
            if (std::optional<LineIndex> theirs =
                    find_line(supply.other, form)) {
              members.push_back(*theirs);
            }
          }
        }
        slot.pool = add_pool(members);
      } else {
        auto [it, inserted] = pool_of_product.try_emplace(p.value(), kNoPool);
        if (inserted) {
          members.clear();
          for (ViewIndex variant : variants) {
            auto found = lines_of_product.find(variant.value());
            if (found == lines_of_product.end()) continue;
            for (LineIndex candidate : found->second) {
              if (SupplierAllowed(view, network.lines_[candidate].firm,
                                  options)) {
                members.push_back(candidate);
              }
            }
          }
          it->second = add_pool(members);
        }
        slot.pool = it->second;
      }
      network.slots_.push_back(slot);
    }
    CHAINKG_RETURN_IF_ERROR(CheckSize(network.slots_.size() +
                                          network.pool_lines_.size() +
                                          network.own_lines_.size(),
                                      "supply network entries", limits));
  }
  network.line_slots_.push_back(static_cast<uint32_t>(network.slots_.size()));

  // Reverse indexes as CSR: the pools each line is in, the slots each pool
  // feeds, the slots each line is an own line of.
  auto csr = [](size_t rows, size_t entries, auto for_each_pair,
                std::vector<uint32_t>& offsets, std::vector<uint32_t>& out) {
    offsets.assign(rows + 1, 0);
    for_each_pair([&](uint32_t row, uint32_t) { ++offsets[row + 1]; });
    for (size_t r = 0; r < rows; ++r) offsets[r + 1] += offsets[r];
    out.resize(entries);
    std::vector<uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for_each_pair(
        [&](uint32_t row, uint32_t value) { out[fill[row]++] = value; });
  };
  size_t pools = network.pool_offsets_.size() - 1;
  csr(
      network.lines_.size(), network.pool_lines_.size(),
      [&](auto emit) {
        for (uint32_t p = 0; p < pools; ++p) {
          for (uint32_t i = network.pool_offsets_[p];
               i < network.pool_offsets_[p + 1]; ++i) {
            emit(network.pool_lines_[i], p);
          }
        }
      },
      network.line_pool_offsets_, network.line_pools_);
  size_t pooled_slots = 0;
  for (const Slot& slot : network.slots_) {
    pooled_slots += slot.pool != kNoPool ? 1 : 0;
  }
  csr(
      pools, pooled_slots,
      [&](auto emit) {
        for (uint32_t s = 0; s < network.slots_.size(); ++s) {
          if (network.slots_[s].pool != kNoPool)
            emit(network.slots_[s].pool, s);
        }
      },
      network.pool_slot_offsets_, network.pool_slots_);
  csr(
      network.lines_.size(), network.own_lines_.size(),
      [&](auto emit) {
        for (uint32_t s = 0; s < network.slots_.size(); ++s) {
          const Slot& slot = network.slots_[s];
          for (uint32_t i = slot.own_begin; i < slot.own_end; ++i) {
            emit(network.own_lines_[i], s);
          }
        }
      },
      network.line_own_offsets_, network.line_own_slots_);
  CHAINKG_ASSIGN_OR_RETURN(network.working_, network.BaseState({}, limits));
  return network;
}

std::vector<LineIndex> SupplyNetwork::LinesOf(ViewIndex firm) const {
  std::vector<LineIndex> out;
  for (uint32_t i = firm_offsets_[firm.value()];
       i < firm_offsets_[firm.value() + 1]; ++i) {
    out.push_back(firm_lines_[i]);
  }
  return out;
}

bool SupplyNetwork::SlotAlive(const State& state, uint32_t s) const {
  const Slot& slot = slots_[s];
  return state.own_count[s] > 0 ||
         (slot.pool != kNoPool && state.pool_count[slot.pool] > 0);
}

template <typename Fn>
void SupplyNetwork::ForEachSupplier(uint32_t s, Fn fn) const {
  const Slot& slot = slots_[s];
  for (uint32_t i = slot.own_begin; i < slot.own_end; ++i) fn(own_lines_[i]);
  if (slot.pool == kNoPool) return;
  for (uint32_t i = pool_offsets_[slot.pool]; i < pool_offsets_[slot.pool + 1];
       ++i) {
    fn(pool_lines_[i]);
  }
}

template <typename Fn>
void SupplyNetwork::Withdraw(LineIndex l, State& state, Fn lost) const {
  for (uint32_t i = line_pool_offsets_[l]; i < line_pool_offsets_[l + 1]; ++i) {
    uint32_t pool = line_pools_[i];
    if (--state.pool_count[pool] != 0) continue;
    for (uint32_t k = pool_slot_offsets_[pool];
         k < pool_slot_offsets_[pool + 1]; ++k) {
      uint32_t s = pool_slots_[k];
      if (state.own_count[s] == 0) lost(slots_[s].line);
    }
  }
  for (uint32_t i = line_own_offsets_[l]; i < line_own_offsets_[l + 1]; ++i) {
    uint32_t s = line_own_slots_[i];
    --state.own_count[s];
    if (!SlotAlive(state, s)) lost(slots_[s].line);
  }
}

void SupplyNetwork::Restore(LineIndex l, State& state) const {
  state.works[l] = true;
  for (uint32_t i = line_pool_offsets_[l]; i < line_pool_offsets_[l + 1]; ++i) {
    ++state.pool_count[line_pools_[i]];
  }
  for (uint32_t i = line_own_offsets_[l]; i < line_own_offsets_[l + 1]; ++i) {
    ++state.own_count[line_own_slots_[i]];
  }
}

absl::Status SupplyNetwork::Propagate(std::vector<LineIndex> stopped,
                                      State& state,
                                      std::vector<LineIndex>* changed,
                                      const AnalysisLimits& limits) const {
  // Each line stops at most once, and each stop withdraws it from its pools
  // and own slots once: O(lines + entries) over all calls from one state.
  Poll poll(limits, "supply propagation");
  while (!stopped.empty()) {
    CHAINKG_RETURN_IF_ERROR(poll.Tick());
    LineIndex l = stopped.back();
    stopped.pop_back();
    if (!state.works[l]) continue;
    state.works[l] = false;
    if (changed != nullptr) changed->push_back(l);
    Withdraw(l, state, [&](LineIndex lost) {
      if (state.works[lost]) stopped.push_back(lost);
    });
  }
  return absl::OkStatus();
}

absl::StatusOr<SupplyNetwork::State> SupplyNetwork::BaseState(
    absl::Span<const ViewIndex> removed, const AnalysisLimits& limits) const {
  State state;
  state.pool_count.resize(pool_offsets_.size() - 1);
  for (size_t p = 0; p + 1 < pool_offsets_.size(); ++p) {
    state.pool_count[p] =
        static_cast<int32_t>(pool_offsets_[p + 1] - pool_offsets_[p]);
  }
  state.own_count.resize(slots_.size());
  for (size_t s = 0; s < slots_.size(); ++s) {
    state.own_count[s] =
        static_cast<int32_t>(slots_[s].own_end - slots_[s].own_begin);
  }
  state.works.assign(lines_.size(), true);
  std::vector<LineIndex> stopped;
  for (ViewIndex firm : removed) {
    for (LineIndex l : LinesOf(firm)) stopped.push_back(l);
  }
  for (uint32_t s = 0; s < slots_.size(); ++s) {
    if (!SlotAlive(state, s)) stopped.push_back(slots_[s].line);
  }
  CHAINKG_RETURN_IF_ERROR(
      Propagate(std::move(stopped), state, nullptr, limits));
  return state;
}

std::vector<bool> SupplyNetwork::Working(
    absl::Span<const ViewIndex> removed) const {
  if (removed.empty()) return working_.works;
  absl::StatusOr<State> state = BaseState(removed, AnalysisLimits());
  // Without a deadline or a cancel check, BaseState cannot fail.
  assert(state.ok());
  return state->works;
}

absl::StatusOr<CriticalSuppliersResult> SupplyNetwork::CriticalSuppliers(
    LineIndex target, const AnalysisLimits& limits) const {
  if (target >= lines_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", target, " does not exist"));
  }
  State state = working_;
  return CriticalSuppliersIn(target, state, limits);
}

absl::StatusOr<CriticalSuppliersResult> SupplyNetwork::CriticalSuppliersIn(
    LineIndex target, State& state, const AnalysisLimits& limits) const {
  CriticalSuppliersResult result;
  result.line = target;
  ViewIndex target_firm = lines_[target].firm;
  for (uint32_t s = line_slots_[target]; s < line_slots_[target + 1]; ++s) {
    InputRedundancy redundancy;
    redundancy.product = slots_[s].input;
    absl::flat_hash_set<uint32_t> lines;
    absl::flat_hash_set<uint32_t> firms;
    ForEachSupplier(s, [&](LineIndex supplier) {
      if (!state.works[supplier] || !lines.insert(supplier).second) return;
      firms.insert(lines_[supplier].firm.value());
      if (lines_[supplier].firm == target_firm) redundancy.self_supplied = true;
    });
    redundancy.working_lines = static_cast<int>(lines.size());
    redundancy.working_firms = static_cast<int>(firms.size());
    if (redundancy.working_lines == 0) {
      result.unsupplied_inputs.push_back(slots_[s].input);
    }
    result.inputs.push_back(redundancy);
  }
  result.works = state.works[target];
  if (!result.works) return result;

  // The upstream cone: working lines that (transitively) supply the target.
  // Only their firms can stop it, and only a firm whose lines are all the
  // working lines of some pool of the cone: removing any other firm stops
  // its own lines and nothing more, since every pool keeps a working line
  // (and a slot's own lines are its line's firm's). Each pool is walked
  // once, however many slots share it.
  Poll poll(limits, "critical suppliers");
  std::vector<bool> in_cone(lines_.size(), false);
  std::vector<bool> pool_seen(pool_offsets_.size() - 1, false);
  std::vector<LineIndex> frontier = {target};
  in_cone[target] = true;
  absl::flat_hash_set<uint32_t> candidate_set;
  auto reach = [&](LineIndex supplier) {
    if (!state.works[supplier] || in_cone[supplier]) return;
    in_cone[supplier] = true;
    frontier.push_back(supplier);
  };
  while (!frontier.empty()) {
    CHAINKG_RETURN_IF_ERROR(poll.Tick());
    LineIndex l = frontier.back();
    frontier.pop_back();
    for (uint32_t s = line_slots_[l]; s < line_slots_[l + 1]; ++s) {
      const Slot& slot = slots_[s];
      for (uint32_t i = slot.own_begin; i < slot.own_end; ++i) {
        reach(own_lines_[i]);
      }
      if (slot.pool == kNoPool || pool_seen[slot.pool]) continue;
      pool_seen[slot.pool] = true;
      // The one firm of the pool's working lines, if there is one.
      constexpr uint32_t kNone = UINT32_MAX;
      constexpr uint32_t kSeveral = UINT32_MAX - 1;
      uint32_t sole = kNone;
      for (uint32_t i = pool_offsets_[slot.pool];
           i < pool_offsets_[slot.pool + 1]; ++i) {
        LineIndex supplier = pool_lines_[i];
        if (!state.works[supplier]) continue;
        uint32_t firm = lines_[supplier].firm.value();
        sole = sole == kNone || sole == firm ? firm : kSeveral;
        reach(supplier);
      }
      if (sole != kNone && sole != kSeveral && sole != target_firm.value()) {
        candidate_set.insert(sole);
      }
    }
  }
  std::vector<uint32_t> candidates(candidate_set.begin(), candidate_set.end());
  std::sort(candidates.begin(), candidates.end());
  if (static_cast<int64_t>(candidates.size()) > limits.max_candidates) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "max_candidates: the upstream cone has ", candidates.size(),
        " firms that are the only working supplier of an input, the limit is ",
        limits.max_candidates));
  }

  // Remove each candidate alone, propagate from the unremoved fixpoint,
  // check the target, undo: cost proportional to what the removal stops.
  std::vector<LineIndex> changed;
  for (uint32_t firm : candidates) {
    absl::Status polled = poll.Now();
    if (!polled.ok()) {
      return absl::Status(
          polled.code(),
          absl::StrCat(polled.message(), " after ", result.candidates_tried,
                       " of ", candidates.size(), " candidate suppliers"));
    }
    ++result.candidates_tried;
    changed.clear();
    absl::Status propagated =
        Propagate(LinesOf(ViewIndex(firm)), state, &changed, limits);
    if (!propagated.ok()) {
      return absl::Status(
          propagated.code(),
          absl::StrCat(propagated.message(), " after ", result.candidates_tried,
                       " of ", candidates.size(), " candidate suppliers"));
    }
    if (!state.works[target]) result.critical_firms.push_back(ViewIndex(firm));
    for (auto it = changed.rbegin(); it != changed.rend(); ++it) {
      Restore(*it, state);
    }
  }
  return result;
}

absl::StatusOr<std::vector<CriticalSuppliersResult>>
SupplyNetwork::CriticalSuppliersOfFirm(ViewIndex firm,
                                       const AnalysisLimits& limits) const {
  std::vector<CriticalSuppliersResult> results;
  // One base fixpoint for all lines: each line's trials restore it.
  State state = working_;
  for (LineIndex line : LinesOf(firm)) {
    absl::StatusOr<CriticalSuppliersResult> result =
        CriticalSuppliersIn(line, state, limits);
    if (!result.ok()) return result.status();
    results.push_back(std::move(*result));
  }
  return results;
}

absl::StatusOr<ImpactResult> SupplyNetwork::Impact(
    absl::Span<const ViewIndex> removed, const AnalysisLimits& limits) const {
  State state = working_;
  ImpactResult result;
  for (bool w : state.works) result.lines_working_before += w ? 1 : 0;
  // Breadth-first by depth: a line stopped at depth d stops the lines that
  // lose their last working supplier at depth d + 1.
  std::vector<LineIndex> level;
  for (ViewIndex firm : removed) {
    for (LineIndex l : LinesOf(firm)) {
      if (state.works[l]) {
        state.works[l] = false;
        level.push_back(l);
      }
    }
  }
  std::sort(level.begin(), level.end());
  level.erase(std::unique(level.begin(), level.end()), level.end());
  Poll poll(limits, "impact");
  int depth = 0;
  while (!level.empty()) {
    std::vector<LineIndex> next;
    for (LineIndex l : level) {
      absl::Status polled = poll.Tick();
      if (!polled.ok()) {
        return absl::Status(
            polled.code(),
            absl::StrCat(polled.message(), " at propagation depth ", depth,
                         " after ", result.stopped.size(), " stopped lines"));
      }
      result.stopped.push_back({l, depth});
      Withdraw(l, state, [&](LineIndex lost) {
        if (state.works[lost]) {
          state.works[lost] = false;
          next.push_back(lost);
        }
      });
    }
    std::sort(next.begin(), next.end());
    result.max_depth = depth;
    level = std::move(next);
    ++depth;
  }
  return result;
}

std::vector<ViewIndex> FirmsIn(const View& view, absl::string_view country,
                               absl::string_view region_prefix) {
  std::vector<ViewIndex> firms;
  for (uint32_t v = 0; v < view.vertex_count(); ++v) {
    ViewIndex firm(v);
    if (view.kind(firm) != v1::VERTEX_KIND_FIRM) continue;
    if (!country.empty() && view.country(firm) != country) continue;
    if (!region_prefix.empty() &&
        (view.country(firm) != "CN" ||
         !absl::StartsWith(view.region(firm), region_prefix))) {
      continue;
    }
    firms.push_back(firm);
  }
  return firms;
}

ImpactSummary SupplyNetwork::Summarize(
    const ImpactResult& impact, absl::Span<const ViewIndex> removed) const {
  const View& view = *view_;
  ImpactSummary summary;
  summary.lines_stopped = static_cast<int64_t>(impact.stopped.size());
  summary.max_depth = impact.max_depth;
  absl::flat_hash_set<uint32_t> removed_set;
  for (ViewIndex firm : removed) removed_set.insert(firm.value());
  absl::flat_hash_map<uint32_t, int> firm_depth;
  std::vector<bool> stopped(lines_.size(), false);
  for (const ImpactResult::StoppedLine& s : impact.stopped) {
    stopped[s.line] = true;
    uint32_t firm = lines_[s.line].firm.value();
    if (removed_set.contains(firm)) continue;
    auto [it, inserted] = firm_depth.emplace(firm, s.depth);
    if (!inserted) it->second = std::min(it->second, s.depth);
  }
  for (const auto& [firm, depth] : firm_depth) {
    summary.firms_hit.emplace_back(ViewIndex(firm), depth);
  }
  std::sort(summary.firms_hit.begin(), summary.firms_hit.end(),
            [](const auto& a, const auto& b) {
              return a.second != b.second ? a.second < b.second
                                          : a.first < b.first;
            });
  // Products: made by some working line before, by none after.
  std::vector<bool> works_before = Working({});
  absl::flat_hash_map<uint32_t, std::pair<int, int>> made;  // before, after
  for (LineIndex l = 0; l < lines_.size(); ++l) {
    if (!works_before[l]) continue;
    auto& counts = made[lines_[l].product.value()];
    ++counts.first;
    if (!stopped[l]) ++counts.second;
  }
  absl::flat_hash_set<uint32_t> chains;
  for (const auto& [product, counts] : made) {
    if (counts.second > 0) continue;
    summary.products_lost.push_back(ViewIndex(product));
    for (const Adjacent& chain :
         view.Out(v1::EDGE_KIND_IN_CHAIN, ViewIndex(product))) {
      chains.insert(chain.other.value());
    }
  }
  std::sort(summary.products_lost.begin(), summary.products_lost.end());
  for (uint32_t chain : chains) summary.chains_hit.push_back(ViewIndex(chain));
  std::sort(summary.chains_hit.begin(), summary.chains_hit.end());
  absl::flat_hash_set<uint32_t> firms_with_stops;
  for (const ImpactResult::StoppedLine& s : impact.stopped) {
    firms_with_stops.insert(lines_[s.line].firm.value());
  }
  for (uint32_t firm : firms_with_stops) {
    for (const Adjacent& led : view.Out(v1::EDGE_KIND_LEADS, ViewIndex(firm))) {
      if (view.kind(led.other) == v1::VERTEX_KIND_CHAIN) {
        summary.leaders_hit.push_back(ViewIndex(firm));
        break;
      }
    }
  }
  std::sort(summary.leaders_hit.begin(), summary.leaders_hit.end());
  absl::flat_hash_map<std::string, int64_t> by_region;
  for (const auto& [firm, depth] : summary.firms_hit) {
    const absl::string_view region = view.region(firm);
    ++by_region[region.empty() ? view.country(firm) : region];
  }
  for (const auto& [region, count] : by_region) {
    summary.firms_hit_by_region.emplace_back(region, count);
  }
  std::sort(
      summary.firms_hit_by_region.begin(), summary.firms_hit_by_region.end(),
      [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
  std::map<std::pair<int, int>, int64_t> by_tier;
  for (const auto& [firm, depth] : summary.firms_hit) {
    std::set<std::pair<int, int>> held;
    for (const CredentialFact& credential : view.credentials(firm)) {
      if (InForce(credential, 0))
        held.insert({credential.kind, credential.level});
    }
    if (held.empty()) held.insert({0, 0});
    for (const auto& tier : held) ++by_tier[tier];
  }
  for (const auto& [tier, count] : by_tier) {
    summary.firms_hit_by_tier.push_back(
        {static_cast<v1::CredentialKind>(tier.first),
         static_cast<v1::Level>(tier.second), count});
  }
  return summary;
}

absl::StatusOr<SupplyStructure> SupplyNetwork::Structure(
    ViewIndex firm, const AnalysisLimits& limits) const {
  Poll poll(limits, "supply structure");
  // Cone firms get dense numbers; the target is 0.
  absl::flat_hash_map<uint32_t, uint32_t> number = {{firm.value(), 0}};
  std::vector<ViewIndex> firms = {firm};
  auto number_of = [&](ViewIndex f) {
    auto [it, inserted] =
        number.try_emplace(f.value(), static_cast<uint32_t>(firms.size()));
    if (inserted) firms.push_back(f);
    return it->second;
  };
  std::vector<bool> seen(lines_.size(), false);
  std::vector<LineIndex> frontier = LinesOf(firm);
  for (LineIndex l : frontier) seen[l] = true;
  std::vector<DirectedEdge> edges;
  // A pool (capability mode: every maker of an input) gives the same edges
  // to every line of one buyer firm that needs the input: walk it once per
  // buyer. The deadline is asked every 256 suppliers walked.
  absl::flat_hash_set<uint64_t> walked;
  absl::Status polled;
  auto visit = [&](LineIndex supplier, uint32_t buyer) {
    if (!polled.ok()) return;
    polled = poll.Tick();
    uint32_t from = number_of(lines_[supplier].firm);
    if (from != buyer) edges.push_back({from, buyer});
    if (!seen[supplier]) {
      seen[supplier] = true;
      frontier.push_back(supplier);
    }
  };
  while (!frontier.empty() && polled.ok()) {
    LineIndex l = frontier.back();
    frontier.pop_back();
    uint32_t buyer = number_of(lines_[l].firm);
    for (uint32_t s = line_slots_[l]; s < line_slots_[l + 1]; ++s) {
      const Slot& slot = slots_[s];
      for (uint32_t i = slot.own_begin; i < slot.own_end; ++i) {
        visit(own_lines_[i], buyer);
      }
      if (slot.pool == kNoPool ||
          !walked.insert(uint64_t{buyer} << 32 | slot.pool).second) {
        continue;
      }
      for (uint32_t i = pool_offsets_[slot.pool];
           i < pool_offsets_[slot.pool + 1]; ++i) {
        visit(pool_lines_[i], buyer);
      }
    }
  }
  CHAINKG_RETURN_IF_ERROR(polled);
  CHAINKG_RETURN_IF_ERROR(poll.Now());
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  CHAINKG_RETURN_IF_ERROR(poll.Now());
  auto n = static_cast<uint32_t>(firms.size());
  SupplyStructure structure;
  structure.cone_firms = n - 1;
  // A virtual source (number n) feeds every source component.
  std::vector<DirectedEdge> flow = edges;
  for (const std::vector<uint32_t>& component : SourceComponents(n, edges)) {
    for (uint32_t v : component) flow.push_back({n, v});
  }
  std::vector<int64_t> idom = ImmediateDominators(n + 1, flow, n);
  for (int64_t v = idom[0]; v != -1 && v != n; v = idom[v]) {
    structure.dominators.push_back(firms[v]);
  }
  for (uint32_t v : ArticulationPoints(n, edges)) {
    if (v != 0) structure.articulation_points.push_back(firms[v]);
  }
  std::sort(structure.articulation_points.begin(),
            structure.articulation_points.end());
  return structure;
}

}  // namespace chainkg::graph
