// SupplyNetwork: the AND/OR production model of DESIGN.md §2 over a View,
// and the critical suppliers of a production line.
//
// A production line (f, q) is firm f making product q (a PRODUCES edge). A
// line works iff f is not removed and every essential input p of q
// (INPUT_TO p -> q with essential set: AND) has at least one working
// supplier line (s, p) (OR). Supplier lines of (f, q) for p:
//   - observed mode: the lines (s, p) of the firms s with a SUPPLIES s -> f
//     edge naming product p, plus f's own line (f, p) if f makes p
//     (vertical integration);
//   - capability mode: every line (s, p), optionally only of firms in one
//     country or under one region prefix, plus f's own line.
// An input p is also met by any product that is (transitively) a
// SUBCLASS_OF p: a specific product stands in for its category. A SUPPLIES
// s -> f of p implies that s makes p even without a PRODUCES edge: the line
// (s, p) is added. Working is the greatest fixpoint:
// everything works unless forced to stop, so a closed loop of mutual
// suppliers keeps working until one of its members is removed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

#include "graph/view/view.h"

namespace chainkg::graph {

enum class SupplyMode { kObserved, kCapability };

struct SupplyOptions {
  SupplyMode mode = SupplyMode::kObserved;
  // Capability mode only: suppliers must be in this country ("CN") and/or
  // under this GB/T 2260 prefix; empty: anywhere. Own lines always count.
  std::string supplier_country;
  std::string supplier_region_prefix;
};

// Dense index of a production line in one SupplyNetwork.
using LineIndex = uint32_t;

struct ProductionLine {
  ViewIndex firm;
  ViewIndex product;
};

// Limits of one analysis call.
struct AnalysisLimits {
  absl::Time deadline = absl::InfiniteFuture();
  // Polled with the deadline; true ends the call with CANCELLED.
  std::function<bool()> cancelled;
  // Firms whose removal is tried: those of the target's upstream cone that
  // are the only working supplier firm of some input there.
  int64_t max_candidates = 1'000'000;
  // Lines, slots and supplier entries a supply network may hold.
  int64_t max_network_entries = 200'000'000;
};

// Why one essential input of a target line is or is not at risk.
struct InputRedundancy {
  ViewIndex product;
  // Working supplier lines of the input, and the distinct firms running
  // them (the target's own firm included when it makes the input itself).
  int working_lines = 0;
  int working_firms = 0;
  bool self_supplied = false;
};

struct CriticalSuppliersResult {
  LineIndex line = 0;
  // False when the line does not work even with nothing removed (an input
  // nobody supplies): a gap, not a criticality; critical_firms is empty.
  bool works = false;
  // Essential inputs of the line's product with no working supplier line
  // (none at all, or all stopped further upstream): why it does not work.
  std::vector<ViewIndex> unsupplied_inputs;
  // Firms x != the line's firm whose removal stops the line, by index.
  std::vector<ViewIndex> critical_firms;
  std::vector<InputRedundancy> inputs;
  int64_t candidates_tried = 0;
};

// What removing firms does, from the world as it is: lines that worked
// before and stop after (lines already stopped are not counted).
struct ImpactResult {
  struct StoppedLine {
    LineIndex line;
    // 0: a line of a removed firm; d + 1: stopped because a supplier line
    // at depth d stopped.
    int depth = 0;
  };
  std::vector<StoppedLine> stopped;  // by depth, then line
  int max_depth = 0;
  int64_t lines_working_before = 0;
};

// An impact, summed up for people: who and what is hit.
struct ImpactSummary {
  int64_t lines_stopped = 0;
  int max_depth = 0;
  // Firms with at least one stopped line, removed ones excluded, each with
  // the smallest depth of its stopped lines.
  std::vector<std::pair<ViewIndex, int>> firms_hit;
  // Products made before and by no working line after.
  std::vector<ViewIndex> products_lost;
  // Chains with a lost product (IN_CHAIN), and the firms (removed ones
  // included) that LEAD a chain and have a stopped line.
  std::vector<ViewIndex> chains_hit;
  std::vector<ViewIndex> leaders_hit;
  // Firms hit per region code (or country abroad), most first.
  std::vector<std::pair<std::string, int64_t>> firms_hit_by_region;
  // Firms hit per credential tier: distinct firms holding a credential of
  // that (kind, level) not revoked, in (kind, level) order; firms with none
  // under (UNSPECIFIED, UNSPECIFIED).
  struct TierCount {
    v1::CredentialKind kind = v1::CREDENTIAL_KIND_UNSPECIFIED;
    v1::Level level = v1::LEVEL_UNSPECIFIED;
    int64_t firms = 0;
  };
  std::vector<TierCount> firms_hit_by_tier;
};

// The firms a removal names: those of a country, or of a GB/T 2260 prefix
// (country CN), in index order.
std::vector<ViewIndex> FirmsIn(const View& view, absl::string_view country,
                               absl::string_view region_prefix);

// Classic measures of a firm's plain supply graph (firm s -> firm b when a
// line of s is a supplier line of a line of b, over the upstream cone of
// b's lines), for comparison with the AND/OR answer: they ignore AND.
struct SupplyStructure {
  // Firms in the upstream cone (the target excluded).
  int64_t cone_firms = 0;
  // Firms on every path into the target from the cone's sources (its
  // strongly connected components with no supplier from outside), nearest
  // first: the dominator chain of the target.
  std::vector<ViewIndex> dominators;
  // Firms whose removal disconnects the cone's undirected graph.
  std::vector<ViewIndex> articulation_points;
};

// Thread-compatible: build once per view and options; const methods may
// run concurrently. Borrows the view, which must outlive it.
class SupplyNetwork {
 public:
  // RESOURCE_EXHAUSTED (max_network_entries) when the network would be too
  // big; DEADLINE_EXCEEDED / CANCELLED from limits.
  static absl::StatusOr<SupplyNetwork> Build(const View& view,
                                             const SupplyOptions& options,
                                             const AnalysisLimits& limits);

  const View& view() const { return *view_; }
  size_t line_count() const { return lines_.size(); }
  const ProductionLine& line(LineIndex l) const { return lines_[l]; }
  // The lines of a firm (what it makes), in product order.
  std::vector<LineIndex> LinesOf(ViewIndex firm) const;

  // The greatest fixpoint with the given firms removed: works[l] per line.
  std::vector<bool> Working(absl::Span<const ViewIndex> removed) const;

  // crit(line): the firms whose removal alone stops it, found by trying
  // each firm of the line's upstream cone with incremental propagation
  // from the unremoved fixpoint. DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED
  // (naming the limit) past limits.
  absl::StatusOr<CriticalSuppliersResult> CriticalSuppliers(
      LineIndex line, const AnalysisLimits& limits) const;

  // Removes the given firms and propagates stops to the fixpoint.
  // DEADLINE_EXCEEDED past limits.deadline.
  absl::StatusOr<ImpactResult> Impact(absl::Span<const ViewIndex> removed,
                                      const AnalysisLimits& limits) const;

  // Sums an Impact up; removed is the set passed to Impact.
  ImpactSummary Summarize(const ImpactResult& impact,
                          absl::Span<const ViewIndex> removed) const;

  // The plain supply graph's dominators and articulation points for firm.
  // In capability mode the cone's edges are every maker of every input:
  // DEADLINE_EXCEEDED / CANCELLED from limits.
  absl::StatusOr<SupplyStructure> Structure(ViewIndex firm,
                                            const AnalysisLimits& limits) const;

  // CriticalSuppliers for every line of a firm, in product order. Errors as
  // CriticalSuppliers; limits apply to each line.
  absl::StatusOr<std::vector<CriticalSuppliersResult>> CriticalSuppliersOfFirm(
      ViewIndex firm, const AnalysisLimits& limits) const;

 private:
  static constexpr uint32_t kNoPool = UINT32_MAX;
  // One essential input of a line: met by the line's firm's own lines of
  // it (own_lines_[own_begin .. own_end)) or by any line of its pool.
  struct Slot {
    LineIndex line;
    ViewIndex input;
    uint32_t pool;  // kNoPool: no supplier beyond the own lines
    uint32_t own_begin;
    uint32_t own_end;
  };
  // Working lines per pool and per slot's own lines, and works[l].
  struct State {
    std::vector<int32_t> pool_count;
    std::vector<int32_t> own_count;
    std::vector<bool> works;
  };

  // The greatest fixpoint with the given firms removed. DEADLINE_EXCEEDED
  // / CANCELLED from limits.
  absl::StatusOr<State> BaseState(absl::Span<const ViewIndex> removed,
                                  const AnalysisLimits& limits) const;
  bool SlotAlive(const State& state, uint32_t slot) const;
  template <typename Fn>
  void ForEachSupplier(uint32_t slot, Fn fn) const;
  // Takes stopped line l out of its pools and own slots, calling lost(m)
  // for each line m with a slot that has no working supplier left.
  template <typename Fn>
  void Withdraw(LineIndex l, State& state, Fn lost) const;
  void Restore(LineIndex l, State& state) const;
  // Stops the given lines and what they starve, to the fixpoint; appends
  // the lines it stopped to changed (for Restore). DEADLINE_EXCEEDED /
  // CANCELLED from limits, asked every few thousand lines: state is then
  // half-propagated, for the caller to drop.
  absl::Status Propagate(std::vector<LineIndex> stopped, State& state,
                         std::vector<LineIndex>* changed,
                         const AnalysisLimits& limits) const;
  absl::StatusOr<CriticalSuppliersResult> CriticalSuppliersIn(
      LineIndex target, State& state, const AnalysisLimits& limits) const;

  const View* view_ = nullptr;
  // The fixpoint with nothing removed, found once by Build: every question
  // starts from it (a copy costs far less than finding it again).
  State working_;
  std::vector<ProductionLine> lines_;
  // Lines of each firm: firm_lines_[firm_offsets_[f] .. firm_offsets_[f+1]).
  std::vector<uint32_t> firm_offsets_;
  std::vector<LineIndex> firm_lines_;
  // Slots of each line: slots_[line_slots_[l] .. line_slots_[l + 1]).
  std::vector<uint32_t> line_slots_;
  std::vector<Slot> slots_;
  std::vector<LineIndex> own_lines_;
  // Pools: pool_lines_[pool_offsets_[p] .. pool_offsets_[p + 1]). Observed
  // mode: one per slot (the recorded suppliers' lines); capability mode:
  // one per input product, shared by every slot that needs it.
  std::vector<uint32_t> pool_offsets_;
  std::vector<LineIndex> pool_lines_;
  // Reverse indexes (CSR): pools of a line, slots of a pool, slots a line
  // is an own line of.
  std::vector<uint32_t> line_pool_offsets_;
  std::vector<uint32_t> line_pools_;
  std::vector<uint32_t> pool_slot_offsets_;
  std::vector<uint32_t> pool_slots_;
  std::vector<uint32_t> line_own_offsets_;
  std::vector<uint32_t> line_own_slots_;
};

}  // namespace chainkg::graph
