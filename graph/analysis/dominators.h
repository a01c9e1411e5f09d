// Classic graph measures on small dense graphs (vertices 0..n-1): the
// immediate dominators of a flow graph (Cooper, Harvey and Kennedy, "A
// Simple, Fast Dominance Algorithm", 2001) and the articulation points of
// its undirected version (Hopcroft and Tarjan, iteratively). Critical
// suppliers report them as auxiliary measures; they are cross-checked
// against networkx (tests/analysis/networkx_crosscheck.py).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/types/span.h"

namespace chainkg::graph {

using DirectedEdge = std::pair<uint32_t, uint32_t>;

// idom[v] for every vertex reachable from root (idom[root] == root); -1
// for the others. Parallel edges and self-loops are allowed.
std::vector<int64_t> ImmediateDominators(uint32_t n,
                                         absl::Span<const DirectedEdge> edges,
                                         uint32_t root);

// The vertices whose removal disconnects their connected component of the
// undirected graph, sorted.
std::vector<uint32_t> ArticulationPoints(uint32_t n,
                                         absl::Span<const DirectedEdge> edges);

// The strongly connected components with no edge entering them from
// outside (every vertex is reachable from one of them): one list each,
// sorted, in order of their smallest vertex.
std::vector<std::vector<uint32_t>> SourceComponents(
    uint32_t n, absl::Span<const DirectedEdge> edges);

}  // namespace chainkg::graph
