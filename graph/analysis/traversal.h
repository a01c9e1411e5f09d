// Traversal over a View: breadth-first upstream / downstream closure from a
// vertex by depth and edge kinds, with filters on the firms reported, and
// the shortest path between two vertices. Both run under budgets (depth,
// visited vertices, result rows), the deadline and a cancellation check.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

#include "graph/view/view.h"

namespace chainkg::graph {

// Upstream follows edges against their direction (towards suppliers,
// inputs and makers: In), downstream along it (Out).
enum class FlowDirection { kUpstream, kDownstream };

struct TraversalBudget {
  int max_depth = 3;
  // Vertices reached (the start included) before RESOURCE_EXHAUSTED.
  int64_t max_visited = 1'000'000;
  // Rows reported before RESOURCE_EXHAUSTED.
  int64_t max_results = 100'000;
  absl::Time deadline = absl::InfiniteFuture();
  // Polled every few thousand edges; true ends the call with CANCELLED.
  std::function<bool()> cancelled;
};

struct TraversalResult;

// Takes the walk's rows while it goes on, so that they can be sent before
// the walk ends: hits[from, to) of so_far, each call going on where the
// one before ended. so_far is the walk up to now (hits and visits): keep
// no reference into it past the call. Returns false to stop the walk
// (Traverse then returns CANCELLED).
using TraversalSink =
    std::function<bool(const TraversalResult& so_far, size_t from, size_t to)>;

struct TraversalOptions {
  FlowDirection direction = FlowDirection::kUpstream;
  // Empty: SUPPLIES and INPUT_TO (firms to firms, products to products).
  std::vector<v1::EdgeKind> edge_kinds;
  // Filters on what is reported (the walk goes through every vertex): when
  // any is set only firms that pass are reported. region_prefix implies
  // the firm is in CN; credential counts when in force on as_of (0: not
  // revoked).
  std::string region_prefix;
  std::string country;
  v1::CredentialKind credential = v1::CREDENTIAL_KIND_UNSPECIFIED;
  DateNumber as_of = 0;
  TraversalBudget budget;
  // When set, called each time sink_rows more rows are known and, before
  // Traverse returns OK, with the rows left if there are any (so not at
  // all for a walk without rows). An error (a budget, the
  // deadline) can then come after rows were delivered. 16k rows (about
  // five 256 KiB messages) at a time: the national 163k-row walk ended
  // 13-16% sooner end to end with 1k or 16k, the 705k-row closure the same
  // (bench/README.md); fewer, longer turns of walking and writing.
  TraversalSink sink;
  size_t sink_rows = 16384;
};

// One vertex reached: its BFS depth (1 = a neighbour of the start) and the
// vertex it was first reached from, over which kind of edge.
struct TraversalHit {
  // parent_hit when the parent is the start, or a vertex the filters left
  // out.
  static constexpr int64_t kStart = -1;
  static constexpr int64_t kNotAHit = -2;

  ViewIndex vertex;
  int depth = 0;
  ViewIndex parent;
  v1::EdgeKind via = v1::EDGE_KIND_UNSPECIFIED;
  // The parent's index in TraversalResult::hits (always an earlier hit),
  // or kStart, or kNotAHit.
  int64_t parent_hit = kNotAHit;
  // Its index in TraversalResult::visits.
  uint32_t visit = 0;
};

// Every vertex the walk reached, the start first (visits[0]), in BFS order;
// parent is the index of the visit it was first reached from (the start:
// 0). What PathTo follows, also through vertices the filters left out.
struct TraversalVisit {
  ViewIndex vertex;
  uint32_t parent = 0;
};

// Holds nothing per vertex of the view, only per vertex reached: the cost
// of a walk follows the size of its answer, not of the view.
struct TraversalResult {
  // Reported vertices in BFS order (by depth); the start is not included.
  std::vector<TraversalHit> hits;
  int64_t visited = 0;
  std::vector<TraversalVisit> visits;
};

// The vertices reachable from start within the budget. INVALID_ARGUMENT
// for a depth outside 1..64 or an edge kind that is not one; RESOURCE_
// EXHAUSTED naming max_visited or max_results; DEADLINE_EXCEEDED;
// CANCELLED.
absl::StatusOr<TraversalResult> Traverse(const View& view, ViewIndex start,
                                         const TraversalOptions& options);

// Calls row(hit, texts) for each of hits in order, with its vertex's texts
// (View::texts), until row returns false; returns whether every hit was
// visited. For writing a walk's rows out: a row's texts are two dependent
// cache misses away (where the record is, then the record), and asking for
// them a few rows ahead in one loop came too late, so the hits go in
// batches whose first pass only asks for each row's record (independent
// loads the CPU overlaps) and whose second pass calls row.
template <typename RowFn>
bool ForEachHitTexts(const View& view, absl::Span<const TraversalHit> hits,
                     RowFn&& row) {
  constexpr size_t kBatch = 128;  // hits
  constexpr size_t kAhead = 32;   // hits
  for (size_t begin = 0; begin < hits.size(); begin += kBatch) {
    const size_t end = std::min(hits.size(), begin + kBatch);
    for (size_t i = begin; i < end; ++i) {
      if (i + kAhead < hits.size()) {
        view.PrefetchTextsOffset(hits[i + kAhead].vertex);
      }
      view.PrefetchTexts(hits[i].vertex);
    }
    for (size_t i = begin; i < end; ++i) {
      if (!row(hits[i], view.texts(hits[i].vertex))) return false;
    }
  }
  return true;
}

// The vertices from the start to hit's vertex (both included), following
// parents. Requires: hit is one of result.hits.
std::vector<ViewIndex> PathTo(const TraversalResult& result,
                              const TraversalHit& hit);

struct PathOptions {
  // Followed along their direction; empty: SUPPLIES.
  std::vector<v1::EdgeKind> edge_kinds;
  // Also follow the kinds against their direction.
  bool undirected = false;
  TraversalBudget budget;  // max_results unused
};

// A path: vertices (both ends included) and, per step i from vertices[i]
// to vertices[i + 1], the edge kind and whether the edge points the other
// way (vertices[i + 1] -> vertices[i]; undirected search only).
struct Path {
  std::vector<ViewIndex> vertices;
  std::vector<v1::EdgeKind> steps;
  std::vector<bool> reversed;
};

// A shortest path from `from` to `to`, or nullopt when none exists within
// max_depth steps. Errors as Traverse.
absl::StatusOr<std::optional<Path>> ShortestPath(const View& view,
                                                 ViewIndex from, ViewIndex to,
                                                 const PathOptions& options);

}  // namespace chainkg::graph
