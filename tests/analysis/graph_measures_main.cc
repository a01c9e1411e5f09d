// graph_measures: reads a directed graph ("n root" then one "from to" per
// line) on stdin and prints what graph/analysis/dominators.h computes, one
// fact per line, for tests/analysis/networkx_crosscheck.py:
//   idom V D        immediate dominator of every vertex reachable from root
//   cut V           articulation points of the undirected graph
//   source V1 V2..  source strongly connected components
#include <iostream>
#include <vector>

#include "graph/analysis/dominators.h"

int main() {
  uint32_t n = 0, root = 0;
  if (!(std::cin >> n >> root) || (n > 0 && root >= n)) {
    std::cerr << "graph_measures: expected \"n root\" with root < n\n";
    return 2;
  }
  std::vector<chainkg::graph::DirectedEdge> edges;
  uint32_t from = 0, to = 0;
  while (std::cin >> from >> to) {
    if (from >= n || to >= n) {
      std::cerr << "graph_measures: edge " << from << " " << to
                << " out of range\n";
      return 2;
    }
    edges.emplace_back(from, to);
  }
  std::vector<int64_t> idom =
      chainkg::graph::ImmediateDominators(n, edges, root);
  for (uint32_t v = 0; v < n; ++v) {
    if (idom[v] >= 0) std::cout << "idom " << v << " " << idom[v] << "\n";
  }
  for (uint32_t v : chainkg::graph::ArticulationPoints(n, edges)) {
    std::cout << "cut " << v << "\n";
  }
  for (const auto& component : chainkg::graph::SourceComponents(n, edges)) {
    std::cout << "source";
    for (uint32_t v : component) std::cout << " " << v;
    std::cout << "\n";
  }
  return 0;
}
