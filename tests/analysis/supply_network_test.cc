// The AND/OR production model: hand-checked graphs (the DESIGN.md example,
// cycles, self-supply, missing producers) and random graphs against an
// independent brute-force oracle.
#include "graph/analysis/supply_network.h"

#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"

namespace chainkg::graph {
namespace {

using ::chainkg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

SupplyNetwork BuildNetwork(const View& view, const SupplyOptions& options) {
  absl::StatusOr<SupplyNetwork> network =
      SupplyNetwork::Build(view, options, AnalysisLimits());
  EXPECT_OK(network.status());
  return *std::move(network);
}

// Builds small views by key: firms and products are created on first use.
class GraphSpec {
 public:
  void Produces(const std::string& firm, const std::string& product) {
    Edge(v1::EDGE_KIND_PRODUCES, Firm(firm), Product(product), VertexId());
  }
  void Input(const std::string& input, const std::string& output,
             bool essential = true) {
    edges_.push_back({v1::EDGE_KIND_INPUT_TO, Product(input), Product(output),
                      VertexId(), essential});
  }
  void Subclass(const std::string& child, const std::string& parent) {
    Edge(v1::EDGE_KIND_SUBCLASS_OF, Product(child), Product(parent),
         VertexId());
  }
  void Supplies(const std::string& supplier, const std::string& buyer,
                const std::string& product) {
    Edge(v1::EDGE_KIND_SUPPLIES, Firm(supplier), Firm(buyer), Product(product));
  }
  VertexId Firm(const std::string& key, const std::string& country = "CN") {
    auto [it, inserted] = firms_.emplace(key, VertexId());
    if (inserted) {
      it->second = VertexId::Make(v1::VERTEX_KIND_FIRM, ++sequence_);
      countries_[key] = country;
    }
    return it->second;
  }
  VertexId Product(const std::string& key) {
    auto [it, inserted] = products_.emplace(key, VertexId());
    if (inserted) {
      it->second = VertexId::Make(v1::VERTEX_KIND_PRODUCT, ++sequence_);
    }
    return it->second;
  }

  std::shared_ptr<const View> Build() {
    View::Builder builder;
    for (const auto& [key, id] : firms_) {
      v1::Vertex firm = testing::MakeFirm(
          key, key, countries_[key] == "CN" ? "441900" : "", countries_[key]);
      EXPECT_OK(builder.AddVertex(id, firm));
    }
    for (const auto& [key, id] : products_) {
      EXPECT_OK(builder.AddVertex(id, testing::MakeProduct(key, key)));
    }
    for (const PendingEdge& e : edges_) {
      v1::Edge record;
      record.set_kind(e.kind);
      record.mutable_input_to()->set_essential(e.essential);
      EXPECT_OK(builder.AddEdge({e.from, e.kind, e.to, e.product, &record}));
    }
    return std::move(builder).Finish(1);
  }

 private:
  struct PendingEdge {
    v1::EdgeKind kind;
    VertexId from;
    VertexId to;
    VertexId product;
    bool essential = false;
  };
  void Edge(v1::EdgeKind kind, VertexId from, VertexId to, VertexId product) {
    edges_.push_back({kind, from, to, product, false});
  }
  uint64_t sequence_ = 0;
  std::map<std::string, VertexId> firms_;
  std::map<std::string, std::string> countries_;
  std::map<std::string, VertexId> products_;
  std::vector<PendingEdge> edges_;
};

std::vector<std::string> Keys(const View& view,
                              const std::vector<ViewIndex>& indexes) {
  std::vector<std::string> keys;
  for (ViewIndex v : indexes) keys.emplace_back(view.key(v));
  return keys;
}

LineIndex LineOf(const SupplyNetwork& network, const std::string& firm,
                 const std::string& product) {
  const View& view = network.view();
  ViewIndex f = *view.Find(v1::VERTEX_KIND_FIRM, firm);
  for (LineIndex l : network.LinesOf(f)) {
    if (view.key(network.line(l).product) == product) return l;
  }
  ADD_FAILURE() << "no line " << firm << " / " << product;
  return 0;
}

// DESIGN.md §2: F needs p1 and p2; only C makes p1, only D makes p2; C
// needs p0, made by A and by B (two variants of p0); A and D need raw, made
// only by R1; B needs raw2, made only by R2.
GraphSpec DesignExample() {
  GraphSpec g;
  g.Produces("F", "f");
  g.Produces("C", "p1");
  g.Produces("D", "p2");
  g.Produces("A", "p0-a");
  g.Produces("B", "p0-b");
  g.Subclass("p0-a", "p0");
  g.Subclass("p0-b", "p0");
  g.Produces("R1", "raw");
  g.Produces("R2", "raw2");
  g.Input("p1", "f");
  g.Input("p2", "f");
  g.Input("p0", "p1");
  g.Input("raw", "p0-a");
  g.Input("raw", "p2");
  g.Input("raw2", "p0-b");
  return g;
}

TEST(SupplyNetworkTest, DesignExampleCriticalSuppliersAreCDAndR1) {
  GraphSpec g = DesignExample();
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork network =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  ASSERT_OK_AND_ASSIGN(
      CriticalSuppliersResult result,
      network.CriticalSuppliers(LineOf(network, "F", "f"), AnalysisLimits()));
  EXPECT_TRUE(result.works);
  EXPECT_THAT(Keys(*view, result.critical_firms),
              UnorderedElementsAreArray({"C", "D", "R1"}));
  ASSERT_EQ(result.inputs.size(), 2u);
  for (const InputRedundancy& input : result.inputs) {
    EXPECT_EQ(input.working_firms, 1) << view->key(input.product);
  }
}

TEST(SupplyNetworkTest, ObservedModeFollowsRecordedSupplies) {
  GraphSpec g = DesignExample();
  // F buys p1 from C and p2 from D; C buys p0 from A and B; A and D buy
  // raw from R1; B buys raw2 from R2.
  g.Supplies("C", "F", "p1");
  g.Supplies("D", "F", "p2");
  g.Supplies("A", "C", "p0-a");
  g.Supplies("B", "C", "p0-b");
  g.Supplies("R1", "A", "raw");
  g.Supplies("R1", "D", "raw");
  g.Supplies("R2", "B", "raw2");
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork network = BuildNetwork(*view, SupplyOptions());
  ASSERT_OK_AND_ASSIGN(
      CriticalSuppliersResult result,
      network.CriticalSuppliers(LineOf(network, "F", "f"), AnalysisLimits()));
  EXPECT_THAT(Keys(*view, result.critical_firms),
              UnorderedElementsAreArray({"C", "D", "R1"}));
  // Without a recorded supplier, C's line cannot get p0: a gap, reported
  // as such and not as a criticality.
  GraphSpec gap = DesignExample();
  gap.Supplies("C", "F", "p1");
  gap.Supplies("D", "F", "p2");
  std::shared_ptr<const View> gap_view = gap.Build();
  SupplyNetwork gap_network = BuildNetwork(*gap_view, SupplyOptions());
  ASSERT_OK_AND_ASSIGN(CriticalSuppliersResult stopped,
                       gap_network.CriticalSuppliers(
                           LineOf(gap_network, "C", "p1"), AnalysisLimits()));
  EXPECT_FALSE(stopped.works);
  EXPECT_THAT(Keys(*gap_view, stopped.unsupplied_inputs), ElementsAre("p0"));
  EXPECT_THAT(stopped.critical_firms, IsEmpty());
}

TEST(SupplyNetworkTest, SupplyNamingACategoryUsesTheFormsTheSupplierMakes) {
  // As observed data often records it: C buys "p0", not p0-a or p0-b. A's
  // p0 still needs raw, so R1 stays critical; an implied line (A, p0) with
  // no inputs would have hidden that. A is C's only supplier here.
  GraphSpec g = DesignExample();
  g.Supplies("C", "F", "p1");
  g.Supplies("D", "F", "p2");
  g.Supplies("A", "C", "p0");
  g.Supplies("R1", "A", "raw");
  g.Supplies("R1", "D", "raw");
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork network = BuildNetwork(*view, SupplyOptions());
  ASSERT_OK_AND_ASSIGN(
      CriticalSuppliersResult result,
      network.CriticalSuppliers(LineOf(network, "C", "p1"), AnalysisLimits()));
  EXPECT_THAT(Keys(*view, result.critical_firms),
              UnorderedElementsAreArray({"A", "R1"}));
  // A supplier that makes the product in no recorded form still counts,
  // through an implied line.
  GraphSpec implied;
  implied.Produces("BUYER", "out");
  implied.Input("in", "out");
  implied.Supplies("TRADER", "BUYER", "in");
  std::shared_ptr<const View> implied_view = implied.Build();
  SupplyNetwork implied_network = BuildNetwork(*implied_view, SupplyOptions());
  ASSERT_OK_AND_ASSIGN(
      CriticalSuppliersResult trader,
      implied_network.CriticalSuppliers(LineOf(implied_network, "BUYER", "out"),
                                        AnalysisLimits()));
  EXPECT_THAT(Keys(*implied_view, trader.critical_firms),
              ElementsAre("TRADER"));
}

TEST(SupplyNetworkTest, ImpactListsWhatItHits) {
  GraphSpec g = DesignExample();
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork network =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  std::vector<ViewIndex> removed = {*view->Find(v1::VERTEX_KIND_FIRM, "R1")};
  ASSERT_OK_AND_ASSIGN(ImpactResult impact,
                       network.Impact(removed, AnalysisLimits()));
  ImpactSummary summary = network.Summarize(impact, removed);
  EXPECT_EQ(summary.lines_stopped, 4);
  EXPECT_EQ(summary.firms_hit.size(), 3u);  // A, D, F; R1 itself excluded
  EXPECT_THAT(Keys(*view, summary.products_lost),
              UnorderedElementsAreArray({"f", "p2", "p0-a", "raw"}));
  // No LEADS edges in this graph: nobody is a chain leader.
  EXPECT_THAT(summary.leaders_hit, IsEmpty());
}

TEST(SupplyNetworkTest, ClosedLoopKeepsWorkingUntilAMemberIsRemoved) {
  GraphSpec g;
  // X needs y, Y needs x: each the other's only supplier, no outside source.
  g.Produces("X", "x");
  g.Produces("Y", "y");
  g.Input("y", "x");
  g.Input("x", "y");
  g.Produces("T", "t");
  g.Input("x", "t");
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork network =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  std::vector<bool> works = network.Working({});
  EXPECT_TRUE(works[LineOf(network, "X", "x")]);
  EXPECT_TRUE(works[LineOf(network, "Y", "y")]);
  ASSERT_OK_AND_ASSIGN(
      CriticalSuppliersResult result,
      network.CriticalSuppliers(LineOf(network, "T", "t"), AnalysisLimits()));
  EXPECT_THAT(Keys(*view, result.critical_firms),
              UnorderedElementsAreArray({"X", "Y"}));
}

TEST(SupplyNetworkTest, AFirmMakingItsOwnInputSuppliesItself) {
  GraphSpec g;
  g.Produces("V", "car");
  g.Produces("V", "battery");  // vertical integration
  g.Produces("W", "battery");
  g.Input("battery", "car");
  g.Produces("L", "lithium");
  g.Input("lithium", "battery");
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork network =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  ASSERT_OK_AND_ASSIGN(
      CriticalSuppliersResult result,
      network.CriticalSuppliers(LineOf(network, "V", "car"), AnalysisLimits()));
  ASSERT_EQ(result.inputs.size(), 1u);
  EXPECT_TRUE(result.inputs[0].self_supplied);
  EXPECT_EQ(result.inputs[0].working_firms, 2);
  // Two battery makers, but both need lithium from L alone.
  EXPECT_THAT(Keys(*view, result.critical_firms), ElementsAre("L"));
}

TEST(SupplyNetworkTest, CapabilityModeCanRequireDomesticSuppliers) {
  GraphSpec g;
  g.Firm("JP1", "JP");
  g.Produces("JP1", "resist");
  g.Produces("CN1", "resist");
  g.Produces("FAB", "chip");
  g.Input("resist", "chip");
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork anywhere =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  SupplyNetwork domestic =
      BuildNetwork(*view, {SupplyMode::kCapability, "CN", ""});
  ASSERT_OK_AND_ASSIGN(CriticalSuppliersResult open,
                       anywhere.CriticalSuppliers(
                           LineOf(anywhere, "FAB", "chip"), AnalysisLimits()));
  EXPECT_THAT(open.critical_firms, IsEmpty());
  ASSERT_OK_AND_ASSIGN(CriticalSuppliersResult closed,
                       domestic.CriticalSuppliers(
                           LineOf(domestic, "FAB", "chip"), AnalysisLimits()));
  EXPECT_THAT(Keys(*view, closed.critical_firms), ElementsAre("CN1"));
}

TEST(SupplyNetworkTest, CandidateBudgetIsNamedWhenExceeded) {
  GraphSpec g = DesignExample();
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork network =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  AnalysisLimits limits;
  limits.max_candidates = 2;
  EXPECT_THAT(network.CriticalSuppliers(LineOf(network, "F", "f"), limits),
              testing::StatusIs(absl::StatusCode::kResourceExhausted,
                                ::testing::HasSubstr("max_candidates")));
}

// The oracle: the greatest fixpoint by plain iteration from "everything
// works", computed from the view alone, for capability mode (inputs met by
// any maker of the product or of a subclass).
std::vector<bool> OracleWorking(
    const View& view, const std::set<uint32_t>& removed,
    std::vector<std::pair<uint32_t, uint32_t>>* lines_out) {
  std::vector<std::pair<uint32_t, uint32_t>> lines;  // (firm, product)
  for (uint32_t v = 0; v < view.vertex_count(); ++v) {
    if (view.kind(ViewIndex(v)) != v1::VERTEX_KIND_FIRM) continue;
    for (const Adjacent& made :
         view.Out(v1::EDGE_KIND_PRODUCES, ViewIndex(v))) {
      lines.emplace_back(v, made.other.value());
    }
  }
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  auto variants = [&](uint32_t p) {
    std::set<uint32_t> out = {p};
    bool grew = true;
    while (grew) {
      grew = false;
      for (uint32_t q : std::set<uint32_t>(out)) {
        for (const Adjacent& c :
             view.In(v1::EDGE_KIND_SUBCLASS_OF, ViewIndex(q))) {
          grew |= out.insert(c.other.value()).second;
        }
      }
    }
    return out;
  };
  std::vector<bool> works(lines.size(), true);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (removed.count(lines[i].first)) works[i] = false;
  }
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (!works[i]) continue;
      for (const Adjacent& input :
           view.In(v1::EDGE_KIND_INPUT_TO, ViewIndex(lines[i].second))) {
        if (input.attribute == 0) continue;
        std::set<uint32_t> ok_products = variants(input.other.value());
        bool supplied = false;
        for (size_t j = 0; j < lines.size() && !supplied; ++j) {
          supplied = works[j] && ok_products.count(lines[j].second);
        }
        if (!supplied) {
          works[i] = false;
          changed = true;
          break;
        }
      }
    }
  }
  *lines_out = lines;
  return works;
}

TEST(SupplyNetworkTest, ImpactCountsOnlyLinesThatWorkedBefore) {
  GraphSpec g = DesignExample();
  g.Produces("Z", "z");
  g.Input("nobody-makes-this", "z");  // Z never works: not an impact
  g.Input("raw", "z");
  std::shared_ptr<const View> view = g.Build();
  SupplyNetwork network =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  ASSERT_OK_AND_ASSIGN(ImpactResult impact,
                       network.Impact({*view->Find(v1::VERTEX_KIND_FIRM, "R1")},
                                      AnalysisLimits()));
  std::map<std::string, int> depth_of;
  for (const ImpactResult::StoppedLine& stopped : impact.stopped) {
    depth_of[std::string(view->key(network.line(stopped.line).firm))] =
        stopped.depth;
  }
  // R1 (0) stops A and D (1); D stops F (2); C survives through B.
  EXPECT_EQ(depth_of, (std::map<std::string, int>{
                          {"R1", 0}, {"A", 1}, {"D", 1}, {"F", 2}}));
  EXPECT_EQ(impact.max_depth, 2);
}

TEST(SupplyNetworkTest, RandomGraphsMatchTheBruteForceOracle) {
  std::mt19937 random(4242);
  for (int round = 0; round < 200; ++round) {
    GraphSpec g;
    int firms = 3 + static_cast<int>(random() % 8);
    int products = 3 + static_cast<int>(random() % 8);
    auto firm = [](int i) { return absl::StrCat("f", i); };
    auto product = [](int i) { return absl::StrCat("p", i); };
    for (int i = 0; i < firms; ++i) g.Firm(firm(i));
    for (int i = 0; i < products; ++i) g.Product(product(i));
    int makes = firms + static_cast<int>(random() % (2 * firms));
    for (int i = 0; i < makes; ++i) {
      g.Produces(firm(random() % firms), product(random() % products));
    }
    // Cycles and self-loops are allowed on purpose.
    int inputs = static_cast<int>(random() % (2 * products));
    for (int i = 0; i < inputs; ++i) {
      g.Input(product(random() % products), product(random() % products),
              random() % 4 != 0);
    }
    if (random() % 2) g.Subclass(product(0), product(1));
    std::shared_ptr<const View> view = g.Build();
    SupplyNetwork network =
        BuildNetwork(*view, {SupplyMode::kCapability, "", ""});

    std::vector<std::pair<uint32_t, uint32_t>> oracle_lines;
    std::vector<bool> base = OracleWorking(*view, {}, &oracle_lines);
    ASSERT_EQ(oracle_lines.size(), network.line_count());
    std::vector<bool> ours = network.Working({});
    for (LineIndex l = 0; l < network.line_count(); ++l) {
      ASSERT_EQ(network.line(l).firm.value(), oracle_lines[l].first);
      ASSERT_EQ(ours[l], base[l]) << "round " << round << " line " << l;
    }
    for (LineIndex target = 0; target < network.line_count(); ++target) {
      ASSERT_OK_AND_ASSIGN(CriticalSuppliersResult result,
                           network.CriticalSuppliers(target, AnalysisLimits()));
      std::set<uint32_t> expected;
      if (base[target]) {
        for (uint32_t x = 0; x < view->vertex_count(); ++x) {
          if (view->kind(ViewIndex(x)) != v1::VERTEX_KIND_FIRM ||
              x == oracle_lines[target].first) {
            continue;
          }
          std::vector<std::pair<uint32_t, uint32_t>> ignored;
          if (!OracleWorking(*view, {x}, &ignored)[target]) expected.insert(x);
        }
      }
      std::set<uint32_t> actual;
      for (ViewIndex x : result.critical_firms) actual.insert(x.value());
      ASSERT_EQ(actual, expected) << "round " << round << " target " << target;
      ASSERT_EQ(result.works, static_cast<bool>(base[target]));
    }
    // Impact of removing two random firms: exactly the lines that worked
    // and stop.
    std::set<uint32_t> removed_set;
    std::vector<ViewIndex> removed;
    for (int k = 0; k < 2; ++k) {
      ViewIndex x = *view->Find(v1::VERTEX_KIND_FIRM, firm(random() % firms));
      if (removed_set.insert(x.value()).second) removed.push_back(x);
    }
    std::vector<std::pair<uint32_t, uint32_t>> ignored;
    std::vector<bool> after = OracleWorking(*view, removed_set, &ignored);
    std::set<LineIndex> expected_stopped;
    for (LineIndex l = 0; l < network.line_count(); ++l) {
      if (base[l] && !after[l]) expected_stopped.insert(l);
    }
    ASSERT_OK_AND_ASSIGN(ImpactResult impact,
                         network.Impact(removed, AnalysisLimits()));
    std::set<LineIndex> actual_stopped;
    for (const ImpactResult::StoppedLine& s : impact.stopped) {
      actual_stopped.insert(s.line);
    }
    ASSERT_EQ(actual_stopped, expected_stopped) << "round " << round;
  }
}

TEST(SupplyNetworkTest, BuildHonoursTheSizeBudgetAndCancellation) {
  std::shared_ptr<const View> view = DesignExample().Build();
  AnalysisLimits small;
  small.max_network_entries = 3;
  EXPECT_THAT(SupplyNetwork::Build(*view, SupplyOptions(), small).status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_network_entries")));
  AnalysisLimits cancelled;
  cancelled.cancelled = [] { return true; };
  EXPECT_THAT(SupplyNetwork::Build(*view, SupplyOptions(), cancelled).status(),
              StatusIs(absl::StatusCode::kCancelled));
  SupplyNetwork network =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  ViewIndex f = *view->Find(v1::VERTEX_KIND_FIRM, "F");
  EXPECT_THAT(network.CriticalSuppliersOfFirm(f, cancelled).status(),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_THAT(network.Impact({f}, cancelled).status(),
              StatusIs(absl::StatusCode::kCancelled));
}

}  // namespace
// The calls that can run long ask for cancellation (and the deadline)
// every few thousand steps all through, the propagation of one removal
// included: a layered chain where one source feeds everything, so that
// removing it stops every line in one long propagation. Issue #15: a call
// stops within 50 ms of its deadline or cancellation.
TEST(SupplyNetworkTest, CancellationIsPolledThroughoutLongCalls) {
  GraphSpec spec;
  constexpr int kLayers = 160, kFirmsPerLayer = 160;
  spec.Produces("R", "p0");
  for (int layer = 1; layer <= kLayers; ++layer) {
    std::string product = absl::StrCat("p", layer);
    spec.Input(absl::StrCat("p", layer - 1), product);
    for (int f = 0; f < kFirmsPerLayer; ++f) {
      spec.Produces(absl::StrCat("F", layer, "_", f), product);
    }
  }
  spec.Produces("T", "top");
  spec.Input(absl::StrCat("p", kLayers), "top");
  std::shared_ptr<const View> view = spec.Build();
  SupplyNetwork network =
      BuildNetwork(*view, {SupplyMode::kCapability, "", ""});
  ViewIndex target = *view->Find(v1::VERTEX_KIND_FIRM, "T");
  ViewIndex source = *view->Find(v1::VERTEX_KIND_FIRM, "R");
  std::vector<absl::Time> polls;
  AnalysisLimits watched;
  watched.cancelled = [&polls] {
    polls.push_back(absl::Now());
    return false;
  };
  auto longest_gap = [&](absl::Time start, absl::Time end) {
    absl::Duration longest = absl::ZeroDuration();
    absl::Time last = start;
    for (absl::Time poll : polls) {
      longest = std::max(longest, poll - last);
      last = poll;
    }
    return std::max(longest, end - last);
  };
  absl::Time start = absl::Now();
  ASSERT_OK_AND_ASSIGN(std::vector<CriticalSuppliersResult> lines,
                       network.CriticalSuppliersOfFirm(target, watched));
  absl::Time end = absl::Now();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(Keys(*view, lines[0].critical_firms), ElementsAre("R"));
  EXPECT_GT(polls.size(), 10u);
  EXPECT_LT(longest_gap(start, end), absl::Milliseconds(50));
  polls.clear();
  start = absl::Now();
  ASSERT_OK_AND_ASSIGN(ImpactResult impact, network.Impact({source}, watched));
  end = absl::Now();
  EXPECT_EQ(impact.stopped.size(), 1u + kLayers * kFirmsPerLayer + 1u);
  EXPECT_GT(polls.size(), 0u);
  EXPECT_LT(longest_gap(start, end), absl::Milliseconds(50));
  // Cancelled at the first poll: every call ends with CANCELLED.
  AnalysisLimits cancelled;
  cancelled.cancelled = [] { return true; };
  EXPECT_THAT(network.CriticalSuppliersOfFirm(target, cancelled).status(),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_THAT(network.Impact({source}, cancelled).status(),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_THAT(
      SupplyNetwork::Build(*view, {SupplyMode::kCapability, "", ""}, cancelled)
          .status(),
      StatusIs(absl::StatusCode::kCancelled));
}

}  // namespace chainkg::graph
