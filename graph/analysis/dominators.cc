#include "graph/analysis/dominators.h"

#include <algorithm>

namespace chainkg::graph {
namespace {

// Adjacency lists as CSR.
struct Adjacency {
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> targets;

  Adjacency(uint32_t n, absl::Span<const DirectedEdge> edges, bool reverse,
            bool both = false) {
    offsets.assign(n + 1, 0);
    for (const auto& [a, b] : edges) {
      ++offsets[(reverse ? b : a) + 1];
      if (both) ++offsets[(reverse ? a : b) + 1];
    }
    for (uint32_t v = 0; v < n; ++v) offsets[v + 1] += offsets[v];
    targets.resize(offsets[n]);
    std::vector<uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for (const auto& [a, b] : edges) {
      uint32_t from = reverse ? b : a, to = reverse ? a : b;
      targets[fill[from]++] = to;
      if (both) targets[fill[to]++] = from;
    }
  }
  absl::Span<const uint32_t> Of(uint32_t v) const {
    return absl::MakeConstSpan(targets.data() + offsets[v],
                               offsets[v + 1] - offsets[v]);
  }
};

}  // namespace

std::vector<int64_t> ImmediateDominators(uint32_t n,
                                         absl::Span<const DirectedEdge> edges,
                                         uint32_t root) {
  Adjacency out(n, edges, /*reverse=*/false);
  Adjacency in(n, edges, /*reverse=*/true);
  // Reverse postorder of a DFS from root (iterative).
  std::vector<int64_t> order_of(n, -1);
  std::vector<uint32_t> postorder;
  std::vector<bool> seen(n, false);
  std::vector<std::pair<uint32_t, uint32_t>> stack = {{root, 0}};
  seen[root] = true;
  while (!stack.empty()) {
    auto& [v, next] = stack.back();
    absl::Span<const uint32_t> succ = out.Of(v);
    if (next < succ.size()) {
      uint32_t w = succ[next++];
      if (!seen[w]) {
        seen[w] = true;
        stack.push_back({w, 0});
      }
    } else {
      postorder.push_back(v);
      stack.pop_back();
    }
  }
  for (size_t i = 0; i < postorder.size(); ++i) {
    order_of[postorder[i]] = static_cast<int64_t>(i);
  }
  std::vector<int64_t> idom(n, -1);
  idom[root] = root;
  auto intersect = [&](int64_t a, int64_t b) {
    while (a != b) {
      while (order_of[a] < order_of[b]) a = idom[a];
      while (order_of[b] < order_of[a]) b = idom[b];
    }
    return a;
  };
  for (bool changed = true; changed;) {
    changed = false;
    // Reverse postorder, root excluded.
    for (size_t i = postorder.size(); i-- > 0;) {
      uint32_t v = postorder[i];
      if (v == root) continue;
      int64_t new_idom = -1;
      for (uint32_t p : in.Of(v)) {
        if (idom[p] == -1) continue;  // unreachable or not yet processed
        new_idom = new_idom == -1 ? p : intersect(p, new_idom);
      }
      if (new_idom != idom[v]) {
        idom[v] = new_idom;
        changed = true;
      }
    }
  }
  return idom;
}

std::vector<uint32_t> ArticulationPoints(uint32_t n,
                                         absl::Span<const DirectedEdge> edges) {
  // Self-loops do not connect anything; parallel edges are harmless for
  // vertex cuts.
  std::vector<DirectedEdge> plain;
  for (const DirectedEdge& e : edges) {
    if (e.first != e.second) plain.push_back(e);
  }
  Adjacency adjacent(n, plain, /*reverse=*/false, /*both=*/true);
  std::vector<int64_t> discovered(n, -1), low(n, 0);
  std::vector<int64_t> parent(n, -1);
  std::vector<bool> cut(n, false);
  int64_t time = 0;
  for (uint32_t start = 0; start < n; ++start) {
    if (discovered[start] != -1) continue;
    int children_of_root = 0;
    std::vector<std::pair<uint32_t, uint32_t>> stack = {{start, 0}};
    discovered[start] = low[start] = time++;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      absl::Span<const uint32_t> around = adjacent.Of(v);
      if (next < around.size()) {
        uint32_t w = around[next++];
        if (discovered[w] == -1) {
          parent[w] = v;
          if (v == start) ++children_of_root;
          discovered[w] = low[w] = time++;
          stack.push_back({w, 0});
        } else if (static_cast<int64_t>(w) != parent[v]) {
          low[v] = std::min(low[v], discovered[w]);
        }
      } else {
        uint32_t done = v;
        stack.pop_back();
        if (!stack.empty()) {
          uint32_t up = stack.back().first;
          low[up] = std::min(low[up], low[done]);
          if (up != start && low[done] >= discovered[up]) cut[up] = true;
        }
      }
    }
    if (children_of_root > 1) cut[start] = true;
  }
  std::vector<uint32_t> points;
  for (uint32_t v = 0; v < n; ++v) {
    if (cut[v]) points.push_back(v);
  }
  return points;
}

std::vector<std::vector<uint32_t>> SourceComponents(
    uint32_t n, absl::Span<const DirectedEdge> edges) {
  // Kosaraju: finishing order on the graph, then components on the
  // reverse graph in decreasing finishing time.
  Adjacency out(n, edges, /*reverse=*/false);
  Adjacency in(n, edges, /*reverse=*/true);
  std::vector<bool> seen(n, false);
  std::vector<uint32_t> finished;
  for (uint32_t start = 0; start < n; ++start) {
    if (seen[start]) continue;
    std::vector<std::pair<uint32_t, uint32_t>> stack = {{start, 0}};
    seen[start] = true;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      absl::Span<const uint32_t> succ = out.Of(v);
      if (next < succ.size()) {
        uint32_t w = succ[next++];
        if (!seen[w]) {
          seen[w] = true;
          stack.push_back({w, 0});
        }
      } else {
        finished.push_back(v);
        stack.pop_back();
      }
    }
  }
  std::vector<int64_t> component(n, -1);
  int64_t count = 0;
  for (size_t i = finished.size(); i-- > 0;) {
    uint32_t start = finished[i];
    if (component[start] != -1) continue;
    std::vector<uint32_t> stack = {start};
    component[start] = count;
    while (!stack.empty()) {
      uint32_t v = stack.back();
      stack.pop_back();
      for (uint32_t w : in.Of(v)) {
        if (component[w] == -1) {
          component[w] = count;
          stack.push_back(w);
        }
      }
    }
    ++count;
  }
  std::vector<bool> entered(count, false);
  for (const auto& [a, b] : edges) {
    if (component[a] != component[b]) entered[component[b]] = true;
  }
  std::vector<std::vector<uint32_t>> members(count);
  for (uint32_t v = 0; v < n; ++v) members[component[v]].push_back(v);
  std::vector<std::vector<uint32_t>> sources;
  for (int64_t c = 0; c < count; ++c) {
    if (!entered[c]) sources.push_back(std::move(members[c]));
  }
  std::sort(sources.begin(), sources.end());
  return sources;
}

}  // namespace chainkg::graph
