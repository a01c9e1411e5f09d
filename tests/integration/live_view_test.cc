// The live view against the oracle of a view built from scratch: random
// writes (vertices and edges added, changed and deleted) on a real store,
// and after each one every analysis on the live view (a base plus a delta,
// or a folded one) gives the answer a fresh View::Build of the store gives
// at the same sequence. Also: read-your-writes, deadlines and cancellation
// while waiting, and the analysis cache's view choice.
#include "graph/view/live_view.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "graph/analysis/analysis_cache.h"
#include "graph/analysis/gaps.h"
#include "graph/analysis/stats.h"
#include "graph/analysis/substitutes.h"
#include "graph/analysis/supply_network.h"
#include "graph/analysis/traversal.h"
#include "graph/store/store.h"
#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace {

using ::chainkg::testing::MakeChain;
using ::chainkg::testing::MakeCredential;
using ::chainkg::testing::MakeEdge;
using ::chainkg::testing::MakeFirm;
using ::chainkg::testing::MakeProduct;
using ::chainkg::testing::Ref;
using ::chainkg::testing::TempDir;

constexpr absl::Duration kWait = absl::Seconds(30);

std::unique_ptr<Store> OpenStore(const TempDir& dir) {
  StoreOptions options;
  options.sync_writes = false;  // durability is not under test
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open(dir.Sub("db"), options);
  EXPECT_OK(store.status());
  return store.ok() ? *std::move(store) : nullptr;
}

// ---------------------------------------------------------------------------
// Canonical texts of what a view holds and what analyses answer, with keys
// instead of indexes, so that two views of one graph compare equal.
// ---------------------------------------------------------------------------

std::string KeyOf(const View& view, ViewIndex v) {
  return std::string(view.key(v));
}

std::string Keys(const View& view, const std::vector<ViewIndex>& vertices,
                 bool sorted) {
  std::vector<std::string> keys;
  for (ViewIndex v : vertices) keys.push_back(KeyOf(view, v));
  if (sorted) std::sort(keys.begin(), keys.end());
  return absl::StrJoin(keys, ",");
}

std::string AttributeText(const View& view, v1::EdgeKind kind,
                          uint32_t attribute) {
  if (kind == v1::EDGE_KIND_SUPPLIES) {
    return attribute == 0 ? "-" : KeyOf(view, ViewIndex(attribute - 1));
  }
  if (kind == v1::EDGE_KIND_IN_CHAIN) {
    return absl::StrCat(attribute & 3, "/", view.segment(attribute));
  }
  return absl::StrCat(attribute);
}

// Every live vertex (by key) with its texts, attributes, credentials,
// adjacency in both directions and supplies, in key order.
std::string Contents(const View& view) {
  std::map<std::string, std::string> by_key;
  size_t live = 0;
  for (uint32_t i = 0; i < view.vertex_count(); ++i) {
    ViewIndex v(i);
    if (view.kind(v) == v1::VERTEX_KIND_UNSPECIFIED) continue;
    ++live;
    View::Texts t = view.texts(v);
    std::string text =
        absl::StrCat(t.kind, "|", t.name, "|", t.country, "|", t.region, "|",
                     view.subkind(v), "|", view.key_core_technology(v), "|",
                     view.id(v).value(), "\n");
    EXPECT_EQ(view.Find(t.kind, t.key), v) << t.key;
    EXPECT_EQ(view.Find(view.id(v)), v) << t.key;
    for (const CredentialFact& c : view.credentials(v)) {
      absl::StrAppend(&text, "  cred ", c.kind, "/", c.level, "/", c.status,
                      "/", c.year, "/", c.valid_from, "/", c.valid_to, "\n");
    }
    for (int k = 1; k < v1::EdgeKind_ARRAYSIZE; ++k) {
      auto kind = static_cast<v1::EdgeKind>(k);
      for (bool out : {true, false}) {
        absl::Span<const Adjacent> list =
            out ? view.Out(kind, v) : view.In(kind, v);
        if (list.empty()) continue;
        absl::StrAppend(&text, "  ", out ? "out " : "in ", k, ":");
        for (const Adjacent& a : list) {
          absl::StrAppend(&text, " ", KeyOf(view, a.other), "=",
                          AttributeText(view, kind, a.attribute));
        }
        text += "\n";
      }
    }
    for (const SupplyFact& s : view.SuppliesOf(v)) {
      absl::StrAppend(&text, "  supply ", KeyOf(view, s.supplier), "->",
                      KeyOf(view, s.buyer), " ", s.share, "\n");
    }
    by_key[absl::StrCat(t.kind, ":", t.key)] = text;
  }
  std::string out = absl::StrCat(live, " vertices, ", view.edge_count(),
                                 " edges, sequence ", view.sequence(), "\n");
  for (const auto& [key, text] : by_key) absl::StrAppend(&out, key, " ", text);
  return out;
}

std::vector<ViewIndex> LiveOfKind(const View& view, v1::VertexKind kind) {
  std::vector<ViewIndex> out;
  for (uint32_t i = 0; i < view.vertex_count(); ++i) {
    if (view.kind(ViewIndex(i)) == kind) out.push_back(ViewIndex(i));
  }
  std::sort(out.begin(), out.end(), [&view](ViewIndex a, ViewIndex b) {
    return view.key(a) < view.key(b);
  });
  return out;
}

std::string TraversalText(const View& view, ViewIndex start,
                          FlowDirection direction) {
  TraversalOptions options;
  options.direction = direction;
  options.edge_kinds = {v1::EDGE_KIND_SUPPLIES, v1::EDGE_KIND_INPUT_TO,
                        v1::EDGE_KIND_PRODUCES};
  options.budget.max_depth = 6;
  absl::StatusOr<TraversalResult> result = Traverse(view, start, options);
  if (!result.ok()) return result.status().ToString();
  std::string out;
  for (const TraversalHit& hit : result->hits) {
    absl::StrAppend(&out, KeyOf(view, hit.vertex), "@", hit.depth, "<",
                    KeyOf(view, hit.parent), "/", hit.via, " ");
  }
  return absl::StrCat(out, "visited ", result->visited);
}

std::string PathText(const View& view, ViewIndex from, ViewIndex to) {
  PathOptions options;
  options.edge_kinds = {v1::EDGE_KIND_SUPPLIES, v1::EDGE_KIND_PRODUCES,
                        v1::EDGE_KIND_INPUT_TO};
  options.undirected = true;
  absl::StatusOr<std::optional<Path>> path =
      ShortestPath(view, from, to, options);
  if (!path.ok()) return path.status().ToString();
  if (!path->has_value()) return "none";
  return Keys(view, (*path)->vertices, false);
}

std::string StatsText(const View& view, const std::string& region) {
  StatsQuery query;
  query.region_prefix = region;
  absl::StatusOr<GraphStats> computed = ComputeStats(view, query);
  if (!computed.ok()) return computed.status().ToString();
  const GraphStats& stats = *computed;
  std::string out = absl::StrCat("firms ", stats.firms, "\n");
  for (const auto& c : stats.credentials) {
    absl::StrAppend(&out, c.kind, "/", c.level, "=", c.firms, " ");
  }
  for (const auto& [region_code, firms] : stats.regions) {
    absl::StrAppend(&out, region_code, "=", firms, " ");
  }
  for (const auto& chain : stats.chains) {
    absl::StrAppend(&out, "\n", KeyOf(view, chain.chain), " ", chain.products,
                    " ", chain.products_made_in_region, " ",
                    chain.producers_in_region, " ",
                    Keys(view, chain.leaders, true));
  }
  return out;
}

std::string CriticalText(const SupplyNetwork& network, ViewIndex firm) {
  const View& view = network.view();
  absl::StatusOr<std::vector<CriticalSuppliersResult>> lines =
      network.CriticalSuppliersOfFirm(firm, AnalysisLimits());
  if (!lines.ok()) return lines.status().ToString();
  std::string out;
  for (const CriticalSuppliersResult& line : *lines) {
    absl::StrAppend(&out, KeyOf(view, network.line(line.line).product), " ",
                    line.works, " [", Keys(view, line.critical_firms, true),
                    "] unsupplied [", Keys(view, line.unsupplied_inputs, true),
                    "]");
    for (const InputRedundancy& input : line.inputs) {
      absl::StrAppend(&out, " ", KeyOf(view, input.product), ":",
                      input.working_lines, "/", input.working_firms, "/",
                      input.self_supplied);
    }
    out += "\n";
  }
  absl::StatusOr<SupplyStructure> structure =
      network.Structure(firm, AnalysisLimits());
  if (!structure.ok()) return structure.status().ToString();
  absl::StrAppend(&out, "cone ", structure->cone_firms, " dom [",
                  Keys(view, structure->dominators, false), "] art [",
                  Keys(view, structure->articulation_points, true), "]");
  return out;
}

std::string ImpactText(const SupplyNetwork& network,
                       const std::vector<ViewIndex>& removed_in) {
  const View& view = network.view();
  std::vector<ViewIndex> removed = removed_in;
  std::sort(removed.begin(), removed.end());
  absl::StatusOr<ImpactResult> impact =
      network.Impact(removed, AnalysisLimits());
  if (!impact.ok()) return impact.status().ToString();
  ImpactSummary summary = network.Summarize(*impact, removed);
  std::vector<std::string> hit;
  for (const auto& [firm, depth] : summary.firms_hit) {
    hit.push_back(absl::StrCat(KeyOf(view, firm), "@", depth));
  }
  std::sort(hit.begin(), hit.end());
  std::string out =
      absl::StrCat(summary.lines_stopped, " lines, depth ", summary.max_depth,
                   ", hit [", absl::StrJoin(hit, ","), "] lost [",
                   Keys(view, summary.products_lost, true), "] chains [",
                   Keys(view, summary.chains_hit, true), "] leaders [",
                   Keys(view, summary.leaders_hit, true), "] before ",
                   impact->lines_working_before);
  for (const auto& [region, firms] : summary.firms_hit_by_region) {
    absl::StrAppend(&out, " ", region, "=", firms);
  }
  for (const auto& tier : summary.firms_hit_by_tier) {
    absl::StrAppend(&out, " ", tier.kind, "/", tier.level, "=", tier.firms);
  }
  return out;
}

std::string GapsText(const View& view, ViewIndex chain,
                     const std::string& region, SupplyMode mode) {
  GapOptions options;
  options.region_prefix = region;
  options.supply.mode = mode;
  absl::StatusOr<GapReport> report = Gaps(view, chain, options);
  if (!report.ok()) return report.status().ToString();
  std::string out = absl::StrCat(
      "leaders [", Keys(view, report->local_leaders, false), "]\n");
  for (const GapRow& row : report->rows) {
    absl::StrAppend(
        &out, KeyOf(view, row.product), " ", row.stage, " ", row.segment, " ",
        row.local_producers, "/", row.domestic_producers, "/",
        row.foreign_producers, "/", row.unknown_country_producers, " cred ",
        row.local_credentialed, " users ", row.local_users, " class ",
        static_cast<int>(row.gap_class), " ", absl::StrJoin(row.evidence, "; "),
        " share ", row.outside_share.value_or(-1), " hhi ",
        row.hhi.value_or(-1), " countries ",
        absl::StrJoin(row.foreign_countries, ","), " local [",
        Keys(view, row.local_producer_list, false), "] working [",
        Keys(view, row.working_on, false), "] candidates");
    for (const GapCandidate& c : row.candidates) {
      absl::StrAppend(&out, " ", KeyOf(view, c.firm), ":", c.reason);
    }
    for (const ForeignCriticalSupplier& f : row.foreign_critical) {
      absl::StrAppend(&out, " critical ", KeyOf(view, f.firm), "<",
                      KeyOf(view, f.leader));
    }
    out += "\n";
  }
  absl::StrAppend(&out, "counts ", absl::StrJoin(report->class_counts, ","));
  for (const GapReport::Link& link : report->links) {
    absl::StrAppend(&out, " ", KeyOf(view, link.from), ">",
                    KeyOf(view, link.to), link.essential ? "!" : "");
  }
  return out;
}

std::string SubstitutesText(const View& view, ViewIndex firm,
                            ViewIndex product) {
  absl::StatusOr<SubstitutesResult> result =
      Substitutes(view, firm, product, SubstituteOptions());
  if (!result.ok()) return result.status().ToString();
  std::string out = absl::StrCat(result->makes_it, result->uses_it, " [",
                                 Keys(view, result->current_suppliers, false),
                                 "] ", result->total);
  for (const Substitute& s : result->substitutes) {
    absl::StrAppend(&out, " ", KeyOf(view, s.firm), ":", s.reason);
  }
  return out;
}

// Every analysis on `live` and on `fresh` (the same graph), key by key.
void ExpectSameAnswers(const View& live, const View& fresh,
                       const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_EQ(live.sequence(), fresh.sequence());
  ASSERT_EQ(Contents(live), Contents(fresh));
  std::vector<ViewIndex> firms = LiveOfKind(fresh, v1::VERTEX_KIND_FIRM);
  std::vector<ViewIndex> products = LiveOfKind(fresh, v1::VERTEX_KIND_PRODUCT);
  std::vector<ViewIndex> chains = LiveOfKind(fresh, v1::VERTEX_KIND_CHAIN);
  auto in_live = [&](ViewIndex v) {
    return *live.Find(fresh.kind(v), fresh.key(v));
  };
  for (const char* region : {"", "4419", "44"}) {
    EXPECT_EQ(StatsText(live, region), StatsText(fresh, region)) << region;
  }
  for (size_t i = 0; i < firms.size(); i += 3) {
    for (FlowDirection d :
         {FlowDirection::kUpstream, FlowDirection::kDownstream}) {
      EXPECT_EQ(TraversalText(live, in_live(firms[i]), d),
                TraversalText(fresh, firms[i], d));
    }
    ViewIndex other = firms[(i * 7 + 1) % firms.size()];
    EXPECT_EQ(PathText(live, in_live(firms[i]), in_live(other)),
              PathText(fresh, firms[i], other));
  }
  for (size_t i = 0; i < products.size(); i += 2) {
    EXPECT_EQ(
        TraversalText(live, in_live(products[i]), FlowDirection::kUpstream),
        TraversalText(fresh, products[i], FlowDirection::kUpstream));
    if (!firms.empty()) {
      ViewIndex firm = firms[i % firms.size()];
      EXPECT_EQ(SubstitutesText(live, in_live(firm), in_live(products[i])),
                SubstitutesText(fresh, firm, products[i]));
    }
  }
  for (SupplyMode mode : {SupplyMode::kObserved, SupplyMode::kCapability}) {
    SupplyOptions supply;
    supply.mode = mode;
    absl::StatusOr<SupplyNetwork> live_network =
        SupplyNetwork::Build(live, supply, AnalysisLimits());
    absl::StatusOr<SupplyNetwork> fresh_network =
        SupplyNetwork::Build(fresh, supply, AnalysisLimits());
    ASSERT_OK(live_network.status());
    ASSERT_OK(fresh_network.status());
    for (ViewIndex firm : firms) {
      EXPECT_EQ(CriticalText(*live_network, in_live(firm)),
                CriticalText(*fresh_network, firm))
          << fresh.key(firm);
    }
    for (const char* region : {"4419", "3205"}) {
      std::vector<ViewIndex> live_removed = FirmsIn(live, "", region);
      std::vector<ViewIndex> fresh_removed = FirmsIn(fresh, "", region);
      EXPECT_EQ(ImpactText(*live_network, live_removed),
                ImpactText(*fresh_network, fresh_removed))
          << region;
    }
    for (size_t i = 0; i < firms.size(); i += 4) {
      EXPECT_EQ(ImpactText(*live_network, {in_live(firms[i])}),
                ImpactText(*fresh_network, {firms[i]}));
    }
    for (ViewIndex chain : chains) {
      for (const char* region : {"4419", ""}) {
        EXPECT_EQ(GapsText(live, in_live(chain), region, mode),
                  GapsText(fresh, chain, region, mode))
            << fresh.key(chain) << " in " << region;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Random writes.
// ---------------------------------------------------------------------------

class RandomGraph {
 public:
  explicit RandomGraph(uint32_t seed) : rng_(seed) {}

  std::string FirmKey(int i) const { return absl::StrCat("EXT:F", i); }
  std::string ProductKey(int i) const { return absl::StrCat("p", i); }

  v1::Vertex RandomFirm(int i) {
    static const char* const kRegions[] = {"441900", "441901", "440300",
                                           "320500", "110000"};
    static const char* const kCountries[] = {"", "", "", "JP", "DE", "US"};
    std::string country = kCountries[Pick(6)];
    v1::Vertex firm =
        MakeFirm(FirmKey(i), absl::StrCat("企业", i, "号", Pick(3)),
                 country.empty() ? kRegions[Pick(5)] : "", country);
    int credentials = Pick(3);
    for (int c = 0; c < credentials; ++c) {
      *firm.mutable_firm()->add_credentials() =
          MakeCredential(static_cast<v1::CredentialKind>(1 + Pick(6)),
                         static_cast<v1::Level>(1 + Pick(3)), 2018 + Pick(6));
    }
    return firm;
  }

  v1::Vertex RandomProduct(int i) {
    v1::Vertex product = MakeProduct(ProductKey(i), absl::StrCat("产品", i));
    product.mutable_product()->set_key_core_technology(Pick(4) == 0);
    product.mutable_product()->set_kind(
        static_cast<v1::ProductKind>(1 + Pick(4)));
    return product;
  }

  v1::Edge RandomEdge() {
    switch (Pick(6)) {
      case 0:
      case 1: {  // PRODUCES
        v1::Edge edge =
            MakeEdge(v1::EDGE_KIND_PRODUCES, FirmRef(), ProductRef());
        edge.mutable_produces()->set_maturity(
            static_cast<v1::Maturity>(1 + Pick(3)));
        return edge;
      }
      case 2: {  // INPUT_TO, towards higher numbers mostly (few loops)
        int a = Pick(products_), b = Pick(products_);
        if (a > b && Pick(5) != 0) std::swap(a, b);
        v1::Edge edge = MakeEdge(v1::EDGE_KIND_INPUT_TO,
                                 Ref(v1::VERTEX_KIND_PRODUCT, ProductKey(a)),
                                 Ref(v1::VERTEX_KIND_PRODUCT, ProductKey(b)));
        edge.mutable_input_to()->set_essential(Pick(4) != 0);
        return edge;
      }
      case 3:
      case 4: {  // SUPPLIES, mostly naming a product
        v1::Edge edge = MakeEdge(v1::EDGE_KIND_SUPPLIES, FirmRef(), FirmRef());
        if (Pick(5) != 0) {
          edge.mutable_supplies()->set_product_key(ProductKey(Pick(products_)));
        }
        edge.mutable_supplies()->set_share(0.1 * Pick(11));
        return edge;
      }
      default: {  // IN_CHAIN or LEADS
        if (Pick(3) == 0) {
          return MakeEdge(v1::EDGE_KIND_LEADS, FirmRef(), ChainRef());
        }
        v1::Edge edge =
            MakeEdge(v1::EDGE_KIND_IN_CHAIN, ProductRef(), ChainRef());
        edge.mutable_in_chain()->set_stage(static_cast<v1::Stage>(1 + Pick(3)));
        static const char* const kSegments[] = {"", "材料", "部件", "整机"};
        edge.mutable_in_chain()->set_segment(kSegments[Pick(4)]);
        return edge;
      }
    }
  }

  // The first graph: firms, products, chains and edges in one write each.
  void Seed(Store& store, int firms, int products) {
    firms_ = firms;
    products_ = products;
    std::vector<v1::Vertex> vertices;
    for (int i = 0; i < firms; ++i) vertices.push_back(RandomFirm(i));
    for (int i = 0; i < products; ++i) vertices.push_back(RandomProduct(i));
    vertices.push_back(MakeChain("NEV", "新能源汽车"));
    vertices.push_back(MakeChain("EIT", "电子信息"));
    ASSERT_OK(store.UpsertVertices(vertices, UpsertMode::kReplace).status());
    std::vector<v1::Edge> edges;
    for (int i = 0; i < firms * 4; ++i) edges.push_back(RandomEdge());
    ASSERT_OK(store.UpsertEdges(edges).status());
  }

  // One random write; returns its sequence.
  absl::StatusOr<uint64_t> Write(Store& store) {
    absl::StatusOr<WriteResult> result;
    switch (Pick(8)) {
      case 0: {  // a new firm with edges
        int i = firms_++;
        CHAINKG_RETURN_IF_ERROR(
            store.UpsertVertices({RandomFirm(i)}, UpsertMode::kReplace)
                .status());
        std::vector<v1::Edge> edges;
        for (int e = 0; e < 3; ++e) {
          v1::Edge edge = RandomEdge();
          if (edge.from().kind() == v1::VERTEX_KIND_FIRM) {
            edge.mutable_from()->set_key(FirmKey(i));
          }
          edges.push_back(edge);
        }
        result = store.UpsertEdges(edges);
        break;
      }
      case 1:  // a new product
        result = store.UpsertVertices({RandomProduct(products_++)},
                                      UpsertMode::kReplace);
        break;
      case 2:  // a firm changes (region, country, credentials, name)
        result = store.UpsertVertices({RandomFirm(Pick(firms_))},
                                      UpsertMode::kReplace);
        break;
      case 3: {  // a vertex goes, with its edges
        v1::VertexRef ref = Pick(3) == 0 ? ProductRef() : FirmRef();
        result = store.DeleteVertices({ref});
        break;
      }
      case 4: {  // edges go
        std::vector<v1::Edge> edges;
        for (int e = 0; e < 4; ++e) edges.push_back(RandomEdge());
        result = store.DeleteEdges(edges);
        break;
      }
      default: {  // edges come or change
        std::vector<v1::Edge> edges;
        int count = 1 + Pick(6);
        for (int e = 0; e < count; ++e) edges.push_back(RandomEdge());
        result = store.UpsertEdges(edges);
        break;
      }
    }
    // An edge naming a deleted vertex is refused (NOT_FOUND): a write
    // that changed nothing, which is fine here.
    if (result.status().code() == absl::StatusCode::kNotFound) {
      return store.LatestSequence();
    }
    CHAINKG_RETURN_IF_ERROR(result.status());
    return result->sequence;
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % n); }
  v1::VertexRef FirmRef() {
    return Ref(v1::VERTEX_KIND_FIRM, FirmKey(Pick(firms_)));
  }
  v1::VertexRef ProductRef() {
    return Ref(v1::VERTEX_KIND_PRODUCT, ProductKey(Pick(products_)));
  }
  v1::VertexRef ChainRef() {
    return Ref(v1::VERTEX_KIND_CHAIN, Pick(2) == 0 ? "NEV" : "EIT");
  }

  std::mt19937 rng_;
  int firms_ = 0;
  int products_ = 0;
};

struct FoldCase {
  const char* name;
  size_t compact_min_entries;
};

void PrintTo(const FoldCase& fold, std::ostream* out) { *out << fold.name; }

class LiveViewOracleTest : public ::testing::TestWithParam<FoldCase> {};

TEST_P(LiveViewOracleTest, EveryAnalysisMatchesAViewBuiltFromScratch) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    TempDir dir;
    std::unique_ptr<Store> store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    RandomGraph graph(seed);
    graph.Seed(*store, 24, 16);
    LiveViewOptions options;
    options.compact_min_entries = GetParam().compact_min_entries;
    options.compact_fraction = 0;
    // Writes made during a fold are applied to it by the folding thread
    // whenever there are any, and by the publishing thread when they come
    // after the fold thread's last look: both paths run.
    options.fold_hand_over_records = 0;
    LiveView live(*store, options);
    for (int step = 0; step < 25; ++step) {
      ASSERT_OK_AND_ASSIGN(uint64_t sequence, graph.Write(*store));
      ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> view,
                           live.Get(sequence, absl::Now() + kWait, nullptr));
      ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> fresh,
                           View::Build(*store));
      if (view->sequence() != fresh->sequence()) {
        // The live view moved on meanwhile? Only this test writes.
        FAIL() << "view " << view->sequence() << " vs store "
               << fresh->sequence();
      }
      ExpectSameAnswers(*view, *fresh, absl::StrCat("step ", step));
      if (HasFatalFailure() || ::testing::Test::HasFailure()) return;
    }
    LiveView::Counters counters = live.counters();
    EXPECT_EQ(counters.scans, 1) << "no rebuild from the store was needed";
    if (GetParam().compact_min_entries == 0) {
      // Folds run on a thread of their own (the published view carries on
      // meanwhile); one at least ends, and its view, with the writes made
      // during it applied again, is the newest.
      absl::Time until = absl::Now() + kWait;
      while (live.counters().compactions == 0 && absl::Now() < until) {
        absl::SleepFor(absl::Milliseconds(5));
      }
      EXPECT_GT(live.counters().compactions, 0);
      ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> folded_latest,
                           live.Get(0, absl::Now() + kWait, nullptr));
      ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> fresh,
                           View::Build(*store));
      ExpectSameAnswers(*folded_latest, *fresh, "after the last fold");
    } else {
      EXPECT_EQ(counters.compactions, 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Folding, LiveViewOracleTest,
                         ::testing::Values(FoldCase{"DeltaOnly",
                                                    size_t{1} << 40},
                                           FoldCase{"FoldEveryWrite", 0}),
                         [](const ::testing::TestParamInfo<FoldCase>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------------------
// Waiting, deadlines, the analysis cache.
// ---------------------------------------------------------------------------

TEST(LiveViewTest, WritesMadeDuringFoldsAreAllInTheFoldedViews) {
  // A base large enough that a fold takes a while, and writes in a burst,
  // never waiting for the view: they land while folds run, and the folding
  // thread applies them to the folded view (fold_hand_over_records = 0).
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  RandomGraph graph(7);
  graph.Seed(*store, 20000, 300);
  LiveViewOptions options;
  options.compact_min_entries = 0;
  options.compact_fraction = 0;
  options.fold_hand_over_records = 0;
  LiveView live(*store, options);
  ASSERT_OK(live.Get(0, absl::Now() + kWait, nullptr).status());
  uint64_t last = 0;
  for (int step = 0; step < 400; ++step) {
    ASSERT_OK_AND_ASSIGN(last, graph.Write(*store));
  }
  absl::Time until = absl::Now() + kWait;
  while (live.counters().compactions == 0 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_GT(live.counters().compactions, 0);
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> view,
                       live.Get(last, absl::Now() + kWait, nullptr));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> fresh, View::Build(*store));
  ASSERT_EQ(view->sequence(), fresh->sequence());
  // Every vertex, edge and attribute (the analyses on equal contents are
  // compared by the oracle test above).
  EXPECT_EQ(Contents(*view), Contents(*fresh));
}

TEST(LiveViewTest, MinSequenceAheadOfEveryWriteIsOutOfRange) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  LiveView live(*store, LiveViewOptions());
  EXPECT_THAT(
      live.Get(store->LatestSequence() + 5, absl::Now() + kWait, nullptr)
          .status(),
      ::chainkg::testing::StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(LiveViewTest, AWriteIsSeenByTheNextCallThatAsksForIt) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  LiveView live(*store, LiveViewOptions());
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> first,
                       live.Get(0, absl::Now() + kWait, nullptr));
  EXPECT_EQ(first->vertex_count(), 0u);
  ASSERT_OK_AND_ASSIGN(WriteResult written,
                       store->UpsertVertices({MakeFirm("EXT:甲", "甲公司")},
                                             UpsertMode::kMerge));
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const View> view,
      live.Get(written.sequence, absl::Now() + kWait, nullptr));
  EXPECT_GE(view->sequence(), written.sequence);
  ASSERT_TRUE(view->Find(v1::VERTEX_KIND_FIRM, "EXT:甲").has_value());
  EXPECT_EQ(live.LagOf(*view).behind, absl::ZeroDuration());
  EXPECT_EQ(live.LagOf(*view).latest_sequence, store->LatestSequence());
  // The first view does not change: queries on it see the graph as it was.
  EXPECT_FALSE(first->Find(v1::VERTEX_KIND_FIRM, "EXT:甲").has_value());
}

TEST(LiveViewTest, AWaitEndsAtItsDeadlineOrWhenCancelledAndTheBuildGoesOn) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  // The log line of the first build comes before the view is published:
  // holding it holds the view back.
  absl::Notification release;
  LiveViewOptions options;
  options.log = [&release](const std::string&) {
    release.WaitForNotification();
  };
  LiveView live(*store, options);
  absl::Time start = absl::Now();
  EXPECT_THAT(
      live.Get(0, start + absl::Milliseconds(50), nullptr).status(),
      ::chainkg::testing::StatusIs(absl::StatusCode::kDeadlineExceeded));
  absl::Duration waited = absl::Now() - start;
  EXPECT_GE(waited, absl::Milliseconds(50));
  // Within 50 ms of it, with room for a loaded test machine.
  EXPECT_LT(waited, absl::Milliseconds(50 + 150));
  std::atomic<int> asked{0};
  start = absl::Now();
  EXPECT_THAT(
      live.Get(0, absl::Now() + kWait, [&asked] { return ++asked >= 3; })
          .status(),
      ::chainkg::testing::StatusIs(absl::StatusCode::kCancelled));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_EQ(live.Latest(), nullptr);
  release.Notify();
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> view,
                       live.Get(0, absl::Now() + kWait, nullptr));
  EXPECT_EQ(live.counters().scans, 1) << "the build the callers gave up on";
}

TEST(AnalysisCacheTest, ACallTakesTheNewestNetworkReadyAndTheNextCatchesUp) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  RandomGraph graph(7);
  graph.Seed(*store, 20, 10);
  LiveView live(*store, LiveViewOptions());
  AnalysisCache cache;
  SupplyOptions observed;
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const View> v1,
      live.Get(store->LatestSequence(), absl::Now() + kWait, nullptr));
  AnalysisLimits limits;
  limits.deadline = absl::Now() + kWait;
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const SupplyNetwork> first,
                       cache.Network(v1, observed, 0, limits));
  EXPECT_EQ(&first->view(), v1.get());
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const SupplyNetwork> again,
                       cache.Network(v1, observed, 0, limits));
  EXPECT_EQ(first.get(), again.get()) << "built once per view and options";

  ASSERT_OK_AND_ASSIGN(uint64_t sequence, graph.Write(*store));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> v2,
                       live.Get(sequence, absl::Now() + kWait, nullptr));
  ASSERT_NE(v1.get(), v2.get());
  // Without min_sequence the call may take the older network (it does not
  // wait); with it, it gets one on the newer view.
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const SupplyNetwork> any,
                       cache.Network(v2, observed, 0, limits));
  EXPECT_TRUE(&any->view() == v1.get() || &any->view() == v2.get());
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const SupplyNetwork> newer,
                       cache.Network(v2, observed, v2->sequence(), limits));
  EXPECT_EQ(&newer->view(), v2.get());
  // A network held by a caller keeps its own view.
  EXPECT_EQ(first->view().sequence(), v1->sequence());
}

TEST(AnalysisCacheTest, AWaitThatGivesUpLeavesTheBuildToTheNextCaller) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  RandomGraph graph(8);
  graph.Seed(*store, 30, 12);
  LiveView live(*store, LiveViewOptions());
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const View> view,
      live.Get(store->LatestSequence(), absl::Now() + kWait, nullptr));
  // The build's log line comes before the network is kept: holding it
  // keeps the build unfinished while the first caller waits.
  absl::Notification release;
  AnalysisCacheOptions options;
  options.log = [&release](const std::string&) {
    release.WaitForNotification();
  };
  AnalysisCache cache(options);
  SupplyOptions capability;
  capability.mode = SupplyMode::kCapability;
  AnalysisLimits impatient;
  impatient.deadline = absl::Now() + absl::Milliseconds(30);
  EXPECT_THAT(
      cache.Network(view, capability, 0, impatient).status(),
      ::chainkg::testing::StatusIs(absl::StatusCode::kDeadlineExceeded));
  AnalysisLimits cancelled;
  cancelled.deadline = absl::Now() + kWait;
  cancelled.cancelled = [] { return true; };
  EXPECT_THAT(cache.Network(view, capability, 0, cancelled).status(),
              ::chainkg::testing::StatusIs(absl::StatusCode::kCancelled));
  release.Notify();
  AnalysisLimits patient;
  patient.deadline = absl::Now() + kWait;
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const SupplyNetwork> network,
                       cache.Network(view, capability, 0, patient));
  EXPECT_EQ(&network->view(), view.get());
  EXPECT_EQ(cache.builds(), 1) << "the build the first caller started";
}

TEST(AnalysisCacheTest, GapsAndCriticalSuppliersAnswerOnOneView) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  RandomGraph graph(9);
  graph.Seed(*store, 30, 12);
  LiveView live(*store, LiveViewOptions());
  AnalysisCache cache;
  for (int step = 0; step < 5; ++step) {
    ASSERT_OK_AND_ASSIGN(uint64_t sequence, graph.Write(*store));
    ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> view,
                         live.Get(sequence, absl::Now() + kWait, nullptr));
    GapOptions options;
    options.region_prefix = "4419";
    options.limits.deadline = absl::Now() + kWait;
    ASSERT_OK_AND_ASSIGN(
        GapAnswer answer,
        cache.Gaps(view, v1::VERTEX_KIND_CHAIN, "NEV", options, sequence));
    EXPECT_EQ(answer.view->sequence(), view->sequence());
    EXPECT_EQ(
        GapsText(*answer.view, answer.target, "4419", SupplyMode::kObserved),
        GapsText(*view, *view->Find(v1::VERTEX_KIND_CHAIN, "NEV"), "4419",
                 SupplyMode::kObserved));
    for (ViewIndex firm : LiveOfKind(*view, v1::VERTEX_KIND_FIRM)) {
      ASSERT_OK_AND_ASSIGN(
          CriticalAnswer critical,
          cache.CriticalSuppliers(view, SupplyOptions(), view->key(firm),
                                  sequence, options.limits));
      EXPECT_EQ(&critical.network->view(), view.get());
      EXPECT_EQ(critical.firm, firm);
    }
  }
  EXPECT_THAT(cache
                  .CriticalSuppliers(live.Latest(), SupplyOptions(),
                                     "EXT:nobody", 0, AnalysisLimits())
                  .status(),
              ::chainkg::testing::StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace chainkg::graph
