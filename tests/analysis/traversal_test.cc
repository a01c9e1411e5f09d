// Traversal and shortest path: random graphs against a plain BFS over edge
// lists, filters, every budget, the deadline and cancellation.
#include "graph/analysis/traversal.h"

#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace chainkg::graph {
namespace {

using ::chainkg::testing::StatusIs;
using ::testing::HasSubstr;

struct Edge {
  v1::EdgeKind kind;
  uint32_t from;
  uint32_t to;
};

// firms 0..firms-1 (every third in Japan, every second local), then
// products.
std::shared_ptr<const View> BuildView(int firms, int products,
                                      const std::vector<Edge>& edges) {
  View::Builder builder;
  for (int i = 0; i < firms + products; ++i) {
    v1::Vertex vertex;
    if (i < firms) {
      v1::Firm* firm = vertex.mutable_firm();
      firm->set_key(absl::StrCat("f", i));
      firm->set_name(firm->key());
      firm->set_country(i % 3 == 0 ? "JP" : "CN");
      firm->set_region_code(i % 3 == 0 ? "" : i % 2 ? "441900" : "440300");
      if (i % 5 == 0) {
        firm->add_credentials()->set_kind(v1::CREDENTIAL_KIND_LITTLE_GIANT);
      }
      EXPECT_OK(builder.AddVertex(VertexId::Make(v1::VERTEX_KIND_FIRM, i + 1),
                                  vertex));
    } else {
      vertex.mutable_product()->set_key(absl::StrCat("p", i));
      vertex.mutable_product()->set_name(vertex.product().key());
      EXPECT_OK(builder.AddVertex(
          VertexId::Make(v1::VERTEX_KIND_PRODUCT, i + 1), vertex));
    }
  }
  auto id = [firms](uint32_t i) {
    return VertexId::Make(i < static_cast<uint32_t>(firms)
                              ? v1::VERTEX_KIND_FIRM
                              : v1::VERTEX_KIND_PRODUCT,
                          i + 1);
  };
  for (const Edge& e : edges) {
    v1::Edge record;
    record.set_kind(e.kind);
    EXPECT_OK(
        builder.AddEdge({id(e.from), e.kind, id(e.to), VertexId(), &record}));
  }
  return std::move(builder).Finish(3);
}

// Random firms-to-firms SUPPLIES, products-to-products INPUT_TO, firms-to-
// products PRODUCES, with self-loops and parallel edges.
std::vector<Edge> RandomEdges(std::mt19937& random, int firms, int products,
                              int count) {
  std::vector<Edge> edges;
  for (int i = 0; i < count; ++i) {
    uint32_t f1 = random() % firms, f2 = random() % firms;
    uint32_t p1 = firms + random() % products, p2 = firms + random() % products;
    switch (random() % 3) {
      case 0:
        edges.push_back({v1::EDGE_KIND_SUPPLIES, f1, f2});
        break;
      case 1:
        edges.push_back({v1::EDGE_KIND_INPUT_TO, p1, p2});
        break;
      default:
        edges.push_back({v1::EDGE_KIND_PRODUCES, f1, p1});
        break;
    }
  }
  return edges;
}

// The oracle: BFS distances over the edge list, upstream = reversed edges.
std::map<uint32_t, int> Distances(const std::vector<Edge>& edges,
                                  const std::set<v1::EdgeKind>& kinds,
                                  uint32_t start, bool upstream, int max_depth,
                                  bool undirected = false) {
  std::map<uint32_t, int> distance = {{start, 0}};
  std::vector<uint32_t> frontier = {start};
  for (int depth = 1; depth <= max_depth; ++depth) {
    std::vector<uint32_t> next;
    for (uint32_t v : frontier) {
      for (const Edge& e : edges) {
        if (!kinds.count(e.kind)) continue;
        std::vector<uint32_t> reached;
        if ((upstream ? e.to : e.from) == v) {
          reached.push_back(upstream ? e.from : e.to);
        }
        if (undirected && (upstream ? e.from : e.to) == v) {
          reached.push_back(upstream ? e.to : e.from);
        }
        for (uint32_t w : reached) {
          if (distance.emplace(w, depth).second) next.push_back(w);
        }
      }
    }
    frontier = next;
  }
  return distance;
}

TEST(TraversalTest, RandomGraphsMatchPlainBreadthFirstSearch) {
  std::mt19937 random(4419);
  for (int round = 0; round < 60; ++round) {
    int firms = 5 + random() % 30, products = 3 + random() % 20;
    std::vector<Edge> edges =
        RandomEdges(random, firms, products, random() % 150);
    std::shared_ptr<const View> view = BuildView(firms, products, edges);
    TraversalOptions options;
    options.direction =
        round % 2 ? FlowDirection::kUpstream : FlowDirection::kDownstream;
    options.budget.max_depth = 1 + random() % 6;
    std::set<v1::EdgeKind> kinds = {v1::EDGE_KIND_SUPPLIES,
                                    v1::EDGE_KIND_INPUT_TO};
    if (round % 3 == 0) {
      options.edge_kinds = {v1::EDGE_KIND_SUPPLIES, v1::EDGE_KIND_INPUT_TO,
                            v1::EDGE_KIND_PRODUCES};
      kinds.insert(v1::EDGE_KIND_PRODUCES);
    }
    uint32_t start = random() % (firms + products);
    absl::StatusOr<TraversalResult> result =
        Traverse(*view, ViewIndex(start), options);
    ASSERT_OK(result.status());
    std::map<uint32_t, int> expected = Distances(
        edges, kinds, start, options.direction == FlowDirection::kUpstream,
        options.budget.max_depth);
    expected.erase(start);
    std::map<uint32_t, int> got;
    int last_depth = 0;
    for (size_t i = 0; i < result->hits.size(); ++i) {
      const TraversalHit& hit = result->hits[i];
      got[hit.vertex.value()] = hit.depth;
      EXPECT_GE(hit.depth, last_depth) << "BFS order";
      last_depth = hit.depth;
      // The path is a real walk of hit.depth steps, ending parent -> hit.
      std::vector<ViewIndex> path = PathTo(*result, hit);
      ASSERT_EQ(path.size(), static_cast<size_t>(hit.depth) + 1);
      EXPECT_EQ(path.front().value(), start);
      EXPECT_EQ(path.back(), hit.vertex);
      EXPECT_EQ(path[path.size() - 2], hit.parent);
      // Without filters every vertex reached is a hit: the parent is the
      // start or an earlier hit.
      if (hit.parent.value() == start) {
        EXPECT_EQ(hit.parent_hit, TraversalHit::kStart);
      } else {
        ASSERT_GE(hit.parent_hit, 0);
        ASSERT_LT(hit.parent_hit, static_cast<int64_t>(i));
        EXPECT_EQ(result->hits[hit.parent_hit].vertex, hit.parent);
      }
    }
    EXPECT_EQ(got, expected) << "round " << round;
    EXPECT_EQ(result->visited, static_cast<int64_t>(expected.size()) + 1);

    // A sink gets the same rows while the walk goes on: consecutive ranges
    // of at least sink_rows (but the last), each as the walk then had it,
    // with the paths already known.
    TraversalOptions sinking = options;
    sinking.sink_rows = 1 + random() % 5;
    std::vector<TraversalHit> delivered;
    size_t calls = 0;
    sinking.sink = [&](const TraversalResult& so_far, size_t from, size_t to) {
      ++calls;
      EXPECT_EQ(from, delivered.size());
      EXPECT_LT(from, to);
      EXPECT_LE(to, so_far.hits.size());
      for (size_t i = from; i < to; ++i) {
        delivered.push_back(so_far.hits[i]);
        EXPECT_EQ(PathTo(so_far, so_far.hits[i]),
                  PathTo(*result, result->hits[i]));
      }
      return true;
    };
    absl::StatusOr<TraversalResult> sunk =
        Traverse(*view, ViewIndex(start), sinking);
    ASSERT_OK(sunk.status());
    ASSERT_EQ(delivered.size(), result->hits.size()) << "round " << round;
    for (size_t i = 0; i < delivered.size(); ++i) {
      EXPECT_EQ(delivered[i].vertex, result->hits[i].vertex);
      EXPECT_EQ(delivered[i].depth, result->hits[i].depth);
      EXPECT_EQ(delivered[i].parent_hit, result->hits[i].parent_hit);
    }
    EXPECT_LE(calls, result->hits.size() / sinking.sink_rows + 1);

    // Shortest path to every vertex (directed, along the edges) has the
    // oracle's length.
    PathOptions path_options;
    path_options.edge_kinds.assign(kinds.begin(), kinds.end());
    path_options.undirected = round % 4 == 0;
    path_options.budget.max_depth = 8;
    std::map<uint32_t, int> distance = Distances(
        edges, kinds, start, /*upstream=*/false, 8, path_options.undirected);
    for (uint32_t to = 0; to < static_cast<uint32_t>(firms + products); ++to) {
      absl::StatusOr<std::optional<Path>> path =
          ShortestPath(*view, ViewIndex(start), ViewIndex(to), path_options);
      ASSERT_OK(path.status());
      auto it = distance.find(to);
      ASSERT_EQ(path->has_value(), it != distance.end()) << start << "->" << to;
      if (!path->has_value()) continue;
      EXPECT_EQ(static_cast<int>((*path)->steps.size()), it->second);
      for (size_t i = 0; i < (*path)->steps.size(); ++i) {
        ViewIndex a = (*path)->vertices[i], b = (*path)->vertices[i + 1];
        if ((*path)->reversed[i]) std::swap(a, b);
        bool edge_exists = false;
        for (const Adjacent& e : view->Out((*path)->steps[i], a)) {
          edge_exists = edge_exists || e.other == b;
        }
        EXPECT_TRUE(edge_exists) << "step " << i << " is not an edge";
      }
    }
  }
}

TEST(TraversalTest, FiltersChooseReportedFirmsButTheWalkGoesThrough) {
  // f1 (CN 441900) <- f3 (JP) <- f5 (CN 441900, little giant).
  std::vector<Edge> edges = {{v1::EDGE_KIND_SUPPLIES, 3, 1},
                             {v1::EDGE_KIND_SUPPLIES, 5, 3}};
  std::shared_ptr<const View> view = BuildView(6, 0, edges);
  TraversalOptions options;
  options.region_prefix = "4419";
  absl::StatusOr<TraversalResult> result =
      Traverse(*view, ViewIndex(1), options);
  ASSERT_OK(result.status());
  ASSERT_EQ(result->hits.size(), 1u);
  EXPECT_EQ(view->key(result->hits[0].vertex), "f5");
  EXPECT_EQ(result->hits[0].depth, 2);
  // Reached through f3, which is not reported: no parent hit, but the path
  // goes through it.
  EXPECT_EQ(result->hits[0].parent, ViewIndex(3));
  EXPECT_EQ(result->hits[0].parent_hit, TraversalHit::kNotAHit);
  EXPECT_EQ(PathTo(*result, result->hits[0]),
            std::vector<ViewIndex>({ViewIndex(1), ViewIndex(3), ViewIndex(5)}));
  EXPECT_EQ(result->visited, 3);
  options.region_prefix = "";
  options.country = "JP";
  result = Traverse(*view, ViewIndex(1), options);
  ASSERT_OK(result.status());
  ASSERT_EQ(result->hits.size(), 1u);
  EXPECT_EQ(view->key(result->hits[0].vertex), "f3");
  EXPECT_EQ(result->hits[0].parent_hit, TraversalHit::kStart);
  options.country = "";
  options.credential = v1::CREDENTIAL_KIND_LITTLE_GIANT;
  result = Traverse(*view, ViewIndex(1), options);
  ASSERT_OK(result.status());
  ASSERT_EQ(result->hits.size(), 1u);
  EXPECT_EQ(view->key(result->hits[0].vertex), "f5");
}

TEST(TraversalTest, ParentHitsNameTheReportedParentOrSayThereIsNone) {
  std::mt19937 random(2330);
  for (int round = 0; round < 40; ++round) {
    int firms = 5 + random() % 40, products = 3 + random() % 10;
    std::vector<Edge> edges =
        RandomEdges(random, firms, products, random() % 200);
    std::shared_ptr<const View> view = BuildView(firms, products, edges);
    TraversalOptions options;
    options.direction =
        round % 2 ? FlowDirection::kUpstream : FlowDirection::kDownstream;
    options.budget.max_depth = 1 + random() % 8;
    options.region_prefix = round % 3 == 0 ? "4419" : "";
    options.country = round % 3 == 1 ? "JP" : "";
    const auto start = ViewIndex(random() % firms);
    absl::StatusOr<TraversalResult> result = Traverse(*view, start, options);
    ASSERT_OK(result.status());
    std::map<uint32_t, int64_t> hit_of;
    for (size_t i = 0; i < result->hits.size(); ++i) {
      const TraversalHit& hit = result->hits[i];
      auto parent = hit_of.find(hit.parent.value());
      if (hit.parent == start) {
        EXPECT_EQ(hit.parent_hit, TraversalHit::kStart);
      } else if (parent != hit_of.end()) {
        EXPECT_EQ(hit.parent_hit, parent->second) << "round " << round;
      } else {
        EXPECT_EQ(hit.parent_hit, TraversalHit::kNotAHit) << "round " << round;
      }
      hit_of[hit.vertex.value()] = static_cast<int64_t>(i);
      std::vector<ViewIndex> path = PathTo(*result, hit);
      ASSERT_EQ(path.size(), static_cast<size_t>(hit.depth) + 1);
      EXPECT_EQ(path.front(), start);
      EXPECT_EQ(path[path.size() - 2], hit.parent);
    }
    EXPECT_EQ(result->visits.size(), static_cast<size_t>(result->visited));
    EXPECT_EQ(result->visits[0].vertex, start);
  }
}

// A supernode: vertex 0 supplies every other firm, each of which supplies
// the next `fanout` firms.
std::shared_ptr<const View> Supernode(int firms, int fanout) {
  std::vector<Edge> edges;
  for (int i = 1; i < firms; ++i) {
    edges.push_back({v1::EDGE_KIND_SUPPLIES, 0, static_cast<uint32_t>(i)});
    for (int k = 1; k <= fanout; ++k) {
      edges.push_back({v1::EDGE_KIND_SUPPLIES, static_cast<uint32_t>(i),
                       static_cast<uint32_t>(1 + (i + k) % (firms - 1))});
    }
  }
  return BuildView(firms, 0, edges);
}

TEST(TraversalTest, BudgetsEndTheWalkWithResourceExhaustedNamingThem) {
  std::shared_ptr<const View> view = Supernode(2000, 3);
  TraversalOptions options;
  options.direction = FlowDirection::kDownstream;
  options.budget.max_visited = 100;
  EXPECT_THAT(Traverse(*view, ViewIndex(0), options).status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_visited (100 vertices)")));
  options.budget.max_visited = 1'000'000;
  options.budget.max_results = 10;
  EXPECT_THAT(Traverse(*view, ViewIndex(0), options).status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_results (10 rows)")));
  options.budget.max_depth = 65;
  EXPECT_THAT(
      Traverse(*view, ViewIndex(0), options).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_depth")));
  PathOptions path;
  path.budget.max_visited = 10;
  EXPECT_THAT(
      ShortestPath(*view, ViewIndex(5), ViewIndex(0), path).status(),
      StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_visited")));
}

// Rows are visited in order with their own texts, across the batches the
// helper prefetches in, and the visit stops when asked to.
TEST(TraversalTest, ForEachHitTextsVisitsEveryRowInOrderUntilStopped) {
  std::shared_ptr<const View> view = Supernode(2000, 3);
  TraversalOptions options;
  options.direction = FlowDirection::kDownstream;
  options.budget.max_depth = 5;
  ASSERT_OK_AND_ASSIGN(TraversalResult result,
                       Traverse(*view, ViewIndex(0), options));
  ASSERT_EQ(result.hits.size(), 1999u);
  size_t visited = 0;
  EXPECT_TRUE(
      ForEachHitTexts(*view, result.hits,
                      [&](const TraversalHit& hit, const View::Texts& texts) {
                        EXPECT_EQ(&hit, &result.hits[visited]);
                        EXPECT_EQ(texts.key, view->key(hit.vertex));
                        EXPECT_EQ(texts.name, view->name(hit.vertex));
                        EXPECT_EQ(texts.country, view->country(hit.vertex));
                        EXPECT_EQ(texts.region, view->region(hit.vertex));
                        ++visited;
                        return true;
                      }));
  EXPECT_EQ(visited, result.hits.size());
  visited = 0;
  EXPECT_FALSE(ForEachHitTexts(*view, result.hits,
                               [&](const TraversalHit&, const View::Texts&) {
                                 return ++visited < 300;
                               }));
  EXPECT_EQ(visited, 300u);
  EXPECT_TRUE(ForEachHitTexts(
      *view, absl::Span<const TraversalHit>(),
      [](const TraversalHit&, const View::Texts&) { return false; }));
}

// A sink that refuses stops the walk (CANCELLED); a budget hit after rows
// were delivered is still the call's answer.
TEST(TraversalTest, SinkCanStopTheWalkAndBudgetsStillEndIt) {
  std::shared_ptr<const View> view = Supernode(2000, 3);
  TraversalOptions options;
  options.direction = FlowDirection::kDownstream;
  options.sink_rows = 4;
  int calls = 0;
  options.sink = [&](const TraversalResult&, size_t, size_t) {
    return ++calls < 2;
  };
  EXPECT_THAT(Traverse(*view, ViewIndex(0), options).status(),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(calls, 2);

  size_t rows = 0;
  options.sink = [&](const TraversalResult&, size_t from, size_t to) {
    rows += to - from;
    return true;
  };
  options.budget.max_results = 10;
  EXPECT_THAT(Traverse(*view, ViewIndex(0), options).status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_results (10 rows)")));
  EXPECT_EQ(rows, 8u);
}

TEST(TraversalTest, CancellationEndsTheWalk) {
  std::shared_ptr<const View> view = Supernode(2000, 3);
  TraversalOptions options;
  options.direction = FlowDirection::kDownstream;
  options.budget.cancelled = [] { return true; };
  EXPECT_THAT(Traverse(*view, ViewIndex(0), options).status(),
              StatusIs(absl::StatusCode::kCancelled));
}

// The deadline and the cancel flag are polled every few thousand edges,
// so a walk notices either within a millisecond or so of work: on a
// 20-hop walk from a supernode, the longest stretch between two polls is
// short, and a deadline that has passed ends the walk with
// DEADLINE_EXCEEDED.
TEST(TraversalTest, DeadlineAndCancellationArePolledThroughoutALongWalk) {
  std::shared_ptr<const View> view = Supernode(20'000, 20);
  TraversalOptions options;
  options.direction = FlowDirection::kDownstream;
  options.budget.max_depth = 20;
  std::vector<absl::Time> polls;
  options.budget.cancelled = [&polls] {
    polls.push_back(absl::Now());
    return false;
  };
  absl::Time start = absl::Now();
  absl::StatusOr<TraversalResult> result =
      Traverse(*view, ViewIndex(0), options);
  absl::Time end = absl::Now();
  ASSERT_OK(result.status());
  EXPECT_EQ(result->visited, 20'000);
  ASSERT_GT(polls.size(), 50u);  // 420,000 edges
  absl::Duration longest = polls.front() - start;
  for (size_t i = 1; i < polls.size(); ++i) {
    longest = std::max(longest, polls[i] - polls[i - 1]);
  }
  longest = std::max(longest, end - polls.back());
  EXPECT_LT(longest, absl::Milliseconds(20));

  options.budget.cancelled = nullptr;
  options.budget.deadline = absl::Now() - absl::Milliseconds(1);
  EXPECT_THAT(Traverse(*view, ViewIndex(0), options).status(),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  PathOptions path;
  path.budget.deadline = options.budget.deadline;
  EXPECT_THAT(ShortestPath(*view, ViewIndex(0), ViewIndex(7), path).status(),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

}  // namespace
}  // namespace chainkg::graph
