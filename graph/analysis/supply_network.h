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
  // Lines whose removal is tried (the upstream cone of the target).
  int64_t max_candidates = 1'000'000;
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
  static SupplyNetwork Build(const View& view, const SupplyOptions& options);

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
  SupplyStructure Structure(ViewIndex firm) const;

  // CriticalSuppliers for every line of a firm, in product order. Errors as
  // CriticalSuppliers; limits apply to each line.
  absl::StatusOr<std::vector<CriticalSuppliersResult>> CriticalSuppliersOfFirm(
      ViewIndex firm, const AnalysisLimits& limits) const;

 private:
  struct Slot {
    LineIndex line;            // the line that needs the input
    ViewIndex input;           // the essential input product
    uint32_t suppliers_begin;  // into slot_suppliers_
    uint32_t suppliers_end;
  };

  // Propagates stops from `stopped` lines over the supporter lists,
  // updating counts and works; returns the lines it stopped (for undo).
  void Propagate(std::vector<LineIndex> stopped, std::vector<int>& counts,
                 std::vector<bool>& works,
                 std::vector<LineIndex>* changed) const;
  void BaseState(absl::Span<const ViewIndex> removed, std::vector<int>& counts,
                 std::vector<bool>& works) const;

  const View* view_ = nullptr;
  std::vector<ProductionLine> lines_;
  // Lines of each firm: firm_lines_[firm_offsets_[f] .. firm_offsets_[f+1]).
  std::vector<uint32_t> firm_offsets_;
  std::vector<LineIndex> firm_lines_;
  // Essential-input slots of each line: line_slots_[l] .. line_slots_[l+1].
  std::vector<uint32_t> line_slots_;
  std::vector<Slot> slots_;
  std::vector<LineIndex> slot_suppliers_;
  // Slots each line supports: supports_[support_offsets_[l] .. [l+1]).
  std::vector<uint32_t> support_offsets_;
  std::vector<uint32_t> supports_;
};

}  // namespace chainkg::graph
