#include "graph/analysis/traversal.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace chainkg::graph {
namespace {

constexpr int kMaxDepth = 64;
// Edges between two polls of the clock and the cancel flag: a few
// microseconds of work, so a deadline is noticed well within 1 ms.
constexpr int64_t kPollEdges = 4096;

absl::Status CheckKinds(const std::vector<v1::EdgeKind>& kinds) {
  for (v1::EdgeKind kind : kinds) {
    if (kind == v1::EDGE_KIND_UNSPECIFIED || !v1::EdgeKind_IsValid(kind)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "edge_kinds: ", static_cast<int>(kind), " is not an edge kind"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckBudget(const TraversalBudget& budget) {
  if (budget.max_depth < 1 || budget.max_depth > kMaxDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_depth: must be within 1..", kMaxDepth));
  }
  if (budget.max_visited < 1) {
    return absl::InvalidArgumentError("max_visited: must be positive");
  }
  if (budget.max_results < 1) {
    return absl::InvalidArgumentError("max_results: must be positive");
  }
  return absl::OkStatus();
}

// Deadline and cancellation, polled every kPollEdges edges.
class Poller {
 public:
  explicit Poller(const TraversalBudget& budget) : budget_(budget) {}
  // Call once per edge (and once per vertex, so that vertices without
  // edges count too); cheap except every kPollEdges-th call.
  absl::Status Tick() {
    if (--countdown_ > 0) return absl::OkStatus();
    countdown_ = kPollEdges;
    if (absl::Now() > budget_.deadline) {
      return absl::DeadlineExceededError(
          "traversal: deadline exceeded; lower the depth or narrow the edge "
          "kinds");
    }
    if (budget_.cancelled && budget_.cancelled()) {
      return absl::CancelledError("traversal: cancelled");
    }
    return absl::OkStatus();
  }

 private:
  const TraversalBudget& budget_;
  int64_t countdown_ = 0;  // poll on the first edge
};

bool Reported(const View& view, ViewIndex v, const TraversalOptions& options) {
  bool filtered = !options.region_prefix.empty() || !options.country.empty() ||
                  options.credential != v1::CREDENTIAL_KIND_UNSPECIFIED;
  if (!filtered) return true;
  if (view.kind(v) != v1::VERTEX_KIND_FIRM) return false;
  if (!options.country.empty() && view.country(v) != options.country) {
    return false;
  }
  if (!options.region_prefix.empty() &&
      (view.country(v) != "CN" ||
       !absl::StartsWith(view.region(v), options.region_prefix))) {
    return false;
  }
  if (options.credential != v1::CREDENTIAL_KIND_UNSPECIFIED) {
    bool holds = false;
    for (const CredentialFact& credential : view.credentials(v)) {
      holds = holds || (credential.kind == options.credential &&
                        InForce(credential, options.as_of));
    }
    if (!holds) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<TraversalResult> Traverse(const View& view, ViewIndex start,
                                         const TraversalOptions& options) {
  const TraversalBudget& budget = options.budget;
  absl::Status valid = CheckBudget(budget);
  if (!valid.ok()) return valid;
  std::vector<v1::EdgeKind> kinds = options.edge_kinds;
  if (kinds.empty()) kinds = {v1::EDGE_KIND_SUPPLIES, v1::EDGE_KIND_INPUT_TO};
  valid = CheckKinds(kinds);
  if (!valid.ok()) return valid;
  if (start.value() >= view.vertex_count()) {
    return absl::InvalidArgumentError("start: not a vertex of the view");
  }

  TraversalResult result;
  result.visited = 1;
  result.visits.push_back({start, 0});
  // One bit per vertex for the check made on every edge: 8 vertices per
  // byte stay in cache. Everything else the walk keeps is per vertex
  // reached (visits, hits, the frontier carrying each vertex's visit and
  // hit), so that a parent's hit is known without a per-vertex array of
  // the view's size.
  std::vector<uint64_t> seen((view.vertex_count() + 63) / 64, 0);
  seen[start.value() / 64] |= uint64_t{1} << (start.value() % 64);
  Poller poller(budget);
  struct Reached {
    ViewIndex vertex;
    uint32_t visit;
    int64_t hit;
  };
  std::vector<Reached> frontier = {{start, 0, TraversalHit::kStart}};
  std::vector<Reached> next;
  const bool upstream = options.direction == FlowDirection::kUpstream;
  size_t delivered = 0;  // hits given to options.sink
  // The adjacency of a frontier vertex is two dependent cache misses away:
  // its offsets, then its entries. Asking for them a few vertices ahead in
  // one loop came too late (the loop waited on most entries). So the
  // frontier goes in chunks: a first pass only finds each vertex's entries
  // (loads independent of each other, which the CPU overlaps, offsets
  // prefetched further ahead) and asks for them; the second pass reads
  // them, in the same order as a plain loop would.
  constexpr size_t kChunk = 128;                  // frontier vertices
  constexpr size_t kAhead = 32;                   // frontier vertices
  std::vector<absl::Span<const Adjacent>> spans;  // per chunk vertex, kind
  spans.reserve(kChunk * kinds.size());
  for (int depth = 1; depth <= budget.max_depth && !frontier.empty(); ++depth) {
    next.clear();
    for (size_t chunk = 0; chunk < frontier.size(); chunk += kChunk) {
      const size_t chunk_end = std::min(frontier.size(), chunk + kChunk);
      spans.clear();
      for (size_t f = chunk; f < chunk_end; ++f) {
        if (f + kAhead < frontier.size()) {
          for (v1::EdgeKind kind : kinds) {
            upstream ? view.PrefetchIn(kind, frontier[f + kAhead].vertex)
                     : view.PrefetchOut(kind, frontier[f + kAhead].vertex);
          }
        }
        for (v1::EdgeKind kind : kinds) {
          absl::Span<const Adjacent> edges =
              upstream ? view.In(kind, frontier[f].vertex)
                       : view.Out(kind, frontier[f].vertex);
          if (!edges.empty()) __builtin_prefetch(edges.data());
          spans.push_back(edges);
        }
      }
      size_t span = 0;
      for (size_t f = chunk; f < chunk_end; ++f) {
        const Reached from = frontier[f];
        const ViewIndex v = from.vertex;
        for (v1::EdgeKind kind : kinds) {
          absl::Span<const Adjacent> edges = spans[span++];
          absl::Status polled = poller.Tick();
          if (!polled.ok()) return polled;
          for (const Adjacent& edge : edges) {
            polled = poller.Tick();
            if (!polled.ok()) return polled;
            const uint32_t other = edge.other.value();
            uint64_t& word = seen[other / 64];
            const uint64_t bit = uint64_t{1} << (other % 64);
            if ((word & bit) != 0) continue;
            word |= bit;
            if (++result.visited > budget.max_visited) {
              return absl::ResourceExhaustedError(absl::StrCat(
                  "traversal: max_visited (", budget.max_visited,
                  " vertices) reached at depth ", depth,
                  "; lower the depth, narrow the edge kinds or raise "
                  "max_visited"));
            }
            const auto visit = static_cast<uint32_t>(result.visits.size());
            result.visits.push_back({edge.other, from.visit});
            int64_t hit = TraversalHit::kNotAHit;
            if (Reported(view, edge.other, options)) {
              hit = static_cast<int64_t>(result.hits.size());
              if (hit >= budget.max_results) {
                return absl::ResourceExhaustedError(absl::StrCat(
                    "traversal: max_results (", budget.max_results,
                    " rows) reached at depth ", depth,
                    "; add filters, lower the depth or raise max_results"));
              }
              result.hits.push_back(
                  {edge.other, depth, v, kind, from.hit, visit});
              if (options.sink &&
                  result.hits.size() - delivered >= options.sink_rows) {
                if (!options.sink(result, delivered, result.hits.size())) {
                  return absl::CancelledError("traversal: cancelled");
                }
                delivered = result.hits.size();
              }
            }
            next.push_back({edge.other, visit, hit});
          }
        }
      }
    }
    std::swap(frontier, next);
  }
  if (options.sink && delivered < result.hits.size() &&
      !options.sink(result, delivered, result.hits.size())) {
    return absl::CancelledError("traversal: cancelled");
  }
  return result;
}

std::vector<ViewIndex> PathTo(const TraversalResult& result,
                              const TraversalHit& hit) {
  std::vector<ViewIndex> path;
  uint32_t visit = hit.visit;
  for (; visit != 0; visit = result.visits[visit].parent) {
    path.push_back(result.visits[visit].vertex);
  }
  path.push_back(result.visits[0].vertex);
  std::reverse(path.begin(), path.end());
  return path;
}

absl::StatusOr<std::optional<Path>> ShortestPath(const View& view,
                                                 ViewIndex from, ViewIndex to,
                                                 const PathOptions& options) {
  const TraversalBudget& budget = options.budget;
  if (budget.max_depth < 1 || budget.max_depth > kMaxDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_depth: must be within 1..", kMaxDepth));
  }
  if (budget.max_visited < 1) {
    return absl::InvalidArgumentError("max_visited: must be positive");
  }
  std::vector<v1::EdgeKind> kinds = options.edge_kinds;
  if (kinds.empty()) kinds = {v1::EDGE_KIND_SUPPLIES};
  absl::Status valid = CheckKinds(kinds);
  if (!valid.ok()) return valid;
  if (from.value() >= view.vertex_count() ||
      to.value() >= view.vertex_count()) {
    return absl::InvalidArgumentError("from/to: not a vertex of the view");
  }
  struct Step {
    uint32_t parent = UINT32_MAX;
    v1::EdgeKind kind = v1::EDGE_KIND_UNSPECIFIED;
    bool reversed = false;
  };
  // Sparse: a path query usually touches a small part of the graph.
  absl::flat_hash_map<uint32_t, Step> steps;
  steps[from.value()] = {from.value(), v1::EDGE_KIND_UNSPECIFIED, false};
  Poller poller(budget);
  std::vector<ViewIndex> frontier = {from};
  std::vector<ViewIndex> next;
  bool found = from == to;
  for (int depth = 1; depth <= budget.max_depth && !frontier.empty() && !found;
       ++depth) {
    next.clear();
    for (ViewIndex v : frontier) {
      for (v1::EdgeKind kind : kinds) {
        for (bool reversed : {false, true}) {
          if (reversed && !options.undirected) continue;
          absl::Span<const Adjacent> edges =
              reversed ? view.In(kind, v) : view.Out(kind, v);
          absl::Status polled = poller.Tick();
          if (!polled.ok()) return polled;
          for (const Adjacent& edge : edges) {
            polled = poller.Tick();
            if (!polled.ok()) return polled;
            auto [it, inserted] = steps.try_emplace(
                edge.other.value(), Step{v.value(), kind, reversed});
            if (!inserted) continue;
            if (static_cast<int64_t>(steps.size()) > budget.max_visited) {
              return absl::ResourceExhaustedError(absl::StrCat(
                  "shortest path: max_visited (", budget.max_visited,
                  " vertices) reached at depth ", depth,
                  "; lower max_depth or raise max_visited"));
            }
            if (edge.other == to) found = true;
            next.push_back(edge.other);
          }
        }
      }
    }
    std::swap(frontier, next);
  }
  if (!found) return std::optional<Path>();
  Path path;
  for (uint32_t v = to.value(); v != from.value();) {
    const Step& step = steps.at(v);
    path.vertices.push_back(ViewIndex(v));
    path.steps.push_back(step.kind);
    path.reversed.push_back(step.reversed);
    v = step.parent;
  }
  path.vertices.push_back(from);
  std::reverse(path.vertices.begin(), path.vertices.end());
  std::reverse(path.steps.begin(), path.steps.end());
  std::reverse(path.reversed.begin(), path.reversed.end());
  return std::optional<Path>(std::move(path));
}

}  // namespace chainkg::graph
