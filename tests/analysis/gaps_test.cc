// The gap report: a hand-checked chain with one product per rule of
// docs/analysis.md, and random graphs against an independent oracle that
// applies the rules to plain edge lists.
#include "graph/analysis/gaps.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace chainkg::graph {
namespace {

using ::chainkg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Builds a view from firms (with a place and credentials), products, one
// chain and edges, all by key.
class GapGraph {
 public:
  struct Credential {
    v1::CredentialKind kind;
    v1::Level level;
    std::string valid_to;
  };
  void Firm(const std::string& key, const std::string& region,
            const std::string& country = "CN",
            std::vector<Credential> credentials = {}) {
    v1::Vertex vertex;
    v1::Firm* firm = vertex.mutable_firm();
    firm->set_key(key);
    firm->set_name(key);
    firm->set_region_code(region);
    firm->set_country(country);
    for (const Credential& c : credentials) {
      v1::Credential* credential = firm->add_credentials();
      credential->set_kind(c.kind);
      credential->set_level(c.level);
      credential->set_valid_to(c.valid_to);
    }
    Add(v1::VERTEX_KIND_FIRM, key, vertex);
  }
  void Product(const std::string& key, bool in_chain = true,
               v1::Stage stage = v1::STAGE_UPSTREAM) {
    v1::Vertex vertex;
    vertex.mutable_product()->set_key(key);
    vertex.mutable_product()->set_name(key);
    Add(v1::VERTEX_KIND_PRODUCT, key, vertex);
    if (in_chain) {
      v1::Edge edge;
      edge.mutable_in_chain()->set_stage(stage);
      edge.mutable_in_chain()->set_segment("seg");
      Edge(v1::EDGE_KIND_IN_CHAIN, key, "T", edge);
    }
  }
  void Other(v1::VertexKind kind, const std::string& key) {
    v1::Vertex vertex;
    if (kind == v1::VERTEX_KIND_CONSORTIUM) {
      vertex.mutable_consortium()->set_key(key);
      vertex.mutable_consortium()->set_name(key);
    } else {
      vertex.mutable_project()->set_key(key);
      vertex.mutable_project()->set_name(key);
    }
    Add(kind, key, vertex);
  }
  void Produces(const std::string& firm, const std::string& product,
                v1::Maturity maturity = v1::MATURITY_MASS) {
    v1::Edge edge;
    edge.mutable_produces()->set_maturity(maturity);
    Edge(v1::EDGE_KIND_PRODUCES, firm, product, edge);
  }
  void Input(const std::string& input, const std::string& output) {
    v1::Edge edge;
    edge.mutable_input_to()->set_essential(true);
    Edge(v1::EDGE_KIND_INPUT_TO, input, output, edge);
  }
  void Subclass(const std::string& child, const std::string& parent) {
    Edge(v1::EDGE_KIND_SUBCLASS_OF, child, parent, v1::Edge());
  }
  void Supplies(const std::string& supplier, const std::string& buyer,
                const std::string& product, double share) {
    v1::Edge edge;
    edge.mutable_supplies()->set_product_key(product);
    edge.mutable_supplies()->set_share(share);
    Edge(v1::EDGE_KIND_SUPPLIES, supplier, buyer, edge, ids_.at(product));
  }
  void Plain(v1::EdgeKind kind, const std::string& from,
             const std::string& to) {
    Edge(kind, from, to, v1::Edge());
  }

  std::shared_ptr<const View> Build() {
    View::Builder builder;
    for (const auto& [id, vertex] : vertices_) {
      EXPECT_OK(builder.AddVertex(id, vertex));
    }
    for (const Pending& e : edges_) {
      EXPECT_OK(builder.AddEdge({e.from, e.kind, e.to, e.product, &e.record}));
    }
    return std::move(builder).Finish(7);
  }

  GapGraph() {
    v1::Vertex chain;
    chain.mutable_chain()->set_key("T");
    chain.mutable_chain()->set_name("T");
    Add(v1::VERTEX_KIND_CHAIN, "T", chain);
  }

 private:
  struct Pending {
    VertexId from;
    v1::EdgeKind kind;
    VertexId to;
    VertexId product;
    v1::Edge record;
  };
  void Add(v1::VertexKind kind, const std::string& key,
           const v1::Vertex& vertex) {
    VertexId id = VertexId::Make(kind, ++sequence_);
    ids_[key] = id;
    vertices_.emplace_back(id, vertex);
  }
  void Edge(v1::EdgeKind kind, const std::string& from, const std::string& to,
            v1::Edge record, VertexId product = VertexId()) {
    record.set_kind(kind);
    edges_.push_back({ids_.at(from), kind, ids_.at(to), product, record});
  }

  uint64_t sequence_ = 0;
  std::map<std::string, VertexId> ids_;
  std::vector<std::pair<VertexId, v1::Vertex>> vertices_;
  std::vector<Pending> edges_;
};

const GapRow& RowOf(const View& view, const GapReport& report,
                    const std::string& key) {
  for (const GapRow& row : report.rows) {
    if (view.key(row.product) == key) return row;
  }
  ADD_FAILURE() << "no row for " << key;
  static const GapRow kNone;
  return kNone;
}

GapReport Report(const View& view, GapOptions options = {}) {
  if (options.region_prefix.empty()) options.region_prefix = "4419";
  absl::StatusOr<GapReport> report =
      Gaps(view, *view.Find(v1::VERTEX_KIND_CHAIN, "T"), options);
  EXPECT_OK(report.status());
  return report.ok() ? *std::move(report) : GapReport();
}

const GapGraph::Credential kGiant = {v1::CREDENTIAL_KIND_LITTLE_GIANT,
                                     v1::LEVEL_NATIONAL, ""};

// One product per rule; firms L* are local (441900), D* domestic elsewhere
// (440300), J* in Japan, U* in the US, Z* of unknown country.
GapGraph HandChecked() {
  GapGraph g;
  g.Firm("L1", "441900", "CN", {kGiant});
  g.Firm("L2", "441901", "CN", {kGiant});
  g.Firm("L3", "441900");  // no credential
  g.Firm("LEXP", "441900", "CN",
         {{v1::CREDENTIAL_KIND_SPECIALIZED_SME, v1::LEVEL_PROVINCIAL,
           "2020-12-31"}});
  g.Firm("D1", "440300", "CN",
         {{v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION, v1::LEVEL_NATIONAL, ""}});
  g.Firm("D2", "440300");
  g.Firm("J1", "", "JP");
  g.Firm("J2", "", "JP");
  g.Firm("U1", "", "US");
  g.Firm("Z1", "", "ZZ");
  for (const char* p :
       {"missing", "choke", "choke_covered", "weak_one", "covered", "break",
        "hhi", "none", "unknown_only", "category", "expired", "final"}) {
    g.Product(p);
  }
  g.Product("variant", /*in_chain=*/false);
  // MISSING: made only elsewhere in CN (D1 best candidate, then D2).
  g.Produces("D2", "missing");
  g.Produces("D1", "missing", v1::MATURITY_PILOT);
  g.Input("missing", "final");
  // CHOKEPOINT: made only abroad (two countries); covered: same in one
  // country, with a consortium and a project on it.
  g.Produces("J1", "choke");
  g.Produces("U1", "choke");
  g.Produces("J2", "choke_covered");
  g.Other(v1::VERTEX_KIND_CONSORTIUM, "C");
  g.Other(v1::VERTEX_KIND_PROJECT, "P");
  g.Plain(v1::EDGE_KIND_SUPPORTS, "C", "choke_covered");
  g.Plain(v1::EDGE_KIND_TARGETS, "P", "choke_covered");
  // WEAK: one local producer without a credential.
  g.Produces("L3", "weak_one");
  // COVERED: two credentialed local producers.
  g.Produces("L1", "covered");
  g.Produces("L2", "covered");
  // BREAK_RISK: local producers, but local buyers get 70% from outside.
  g.Produces("L1", "break");
  g.Produces("L2", "break");
  g.Produces("D1", "break");
  g.Supplies("D1", "L3", "break", 0.7);
  g.Supplies("L1", "L3", "break", 0.3);
  // WEAK by concentration: all local, 90/10.
  g.Produces("L1", "hhi");
  g.Produces("L2", "hhi");
  g.Supplies("L1", "L3", "hhi", 0.9);
  g.Supplies("L2", "L3", "hhi", 0.1);
  // No producer anywhere; only a producer of unknown country.
  g.Produces("Z1", "unknown_only");
  // A category met by a local variant: not missing.
  g.Produces("L1", "variant");
  g.Produces("L2", "variant");
  g.Subclass("variant", "category");
  // A credential that expired: COVERED without as_of, WEAK as of 2024.
  g.Produces("LEXP", "expired");
  g.Produces("L1", "expired");
  // Local users of "missing": L1 makes final (downstream of it).
  g.Produces("L1", "final");
  g.Produces("L2", "final");
  return g;
}

TEST(GapsTest, HandCheckedChainGetsOneClassPerRule) {
  std::shared_ptr<const View> view = HandChecked().Build();
  GapReport report = Report(*view);
  ASSERT_EQ(report.rows.size(), 12u);

  const GapRow& missing = RowOf(*view, report, "missing");
  EXPECT_EQ(missing.gap_class, GapClass::kMissing);
  EXPECT_EQ(missing.local_producers, 0);
  EXPECT_EQ(missing.domestic_producers, 2);
  EXPECT_EQ(missing.local_users, 2);  // L1 and L2 make "final"
  ASSERT_EQ(missing.candidates.size(), 2u);
  EXPECT_EQ(view->key(missing.candidates[0].firm), "D1");  // the champion
  EXPECT_THAT(missing.candidates[0].reason, HasSubstr("单项冠军"));
  EXPECT_TRUE(missing.candidates[0].domestic);

  const GapRow& choke = RowOf(*view, report, "choke");
  EXPECT_EQ(choke.gap_class, GapClass::kChokepoint);
  EXPECT_THAT(choke.classes,
              ElementsAre(GapClass::kChokepoint, GapClass::kMissing));
  EXPECT_THAT(choke.foreign_countries, ElementsAre("JP", "US"));

  const GapRow& covered_choke = RowOf(*view, report, "choke_covered");
  EXPECT_THAT(covered_choke.classes,
              ElementsAre(GapClass::kChokepoint, GapClass::kMissing,
                          GapClass::kBreakRisk));  // all outside in JP
  EXPECT_EQ(covered_choke.working_on.size(), 2u);

  const GapRow& weak = RowOf(*view, report, "weak_one");
  EXPECT_EQ(weak.gap_class, GapClass::kWeak);
  EXPECT_EQ(weak.evidence.size(), 2u);  // only one, and no credential

  EXPECT_EQ(RowOf(*view, report, "covered").gap_class, GapClass::kCovered);

  const GapRow& broken = RowOf(*view, report, "break");
  EXPECT_EQ(broken.gap_class, GapClass::kBreakRisk);
  ASSERT_TRUE(broken.outside_share.has_value());
  EXPECT_NEAR(*broken.outside_share, 0.7, 1e-6);

  const GapRow& hhi = RowOf(*view, report, "hhi");
  EXPECT_EQ(hhi.gap_class, GapClass::kWeak);
  ASSERT_TRUE(hhi.hhi.has_value());
  EXPECT_NEAR(*hhi.hhi, 0.81 + 0.01, 1e-6);
  EXPECT_NEAR(*hhi.outside_share, 0.0, 1e-9);

  const GapRow& none = RowOf(*view, report, "none");
  EXPECT_EQ(none.gap_class, GapClass::kMissing);
  EXPECT_THAT(none.evidence, ElementsAre("尚无任何生产企业的记录"));

  // A producer of unknown country is neither domestic nor foreign.
  const GapRow& unknown = RowOf(*view, report, "unknown_only");
  EXPECT_THAT(unknown.classes, ElementsAre(GapClass::kMissing));
  EXPECT_EQ(unknown.unknown_country_producers, 1);

  EXPECT_EQ(RowOf(*view, report, "category").gap_class, GapClass::kCovered);
  EXPECT_EQ(RowOf(*view, report, "category").local_producers, 2);
  EXPECT_EQ(RowOf(*view, report, "expired").gap_class, GapClass::kCovered);

  // Order: chokepoints, the uncovered one first; then missing ones.
  EXPECT_EQ(view->key(report.rows[0].product), "choke");
  EXPECT_EQ(view->key(report.rows[1].product), "choke_covered");
  EXPECT_EQ(report.rows[2].gap_class, GapClass::kMissing);
  EXPECT_EQ(report.class_counts[static_cast<int>(GapClass::kChokepoint)], 2);
  EXPECT_EQ(report.class_counts[static_cast<int>(GapClass::kMissing)], 3);
  ASSERT_EQ(report.links.size(), 1u);  // missing -> final
}

TEST(GapsTest, CredentialsCountOnlyWhileInForceOnAsOf) {
  std::shared_ptr<const View> view = HandChecked().Build();
  GapOptions options;
  options.as_of = 20240101;
  GapReport report = Report(*view, options);
  const GapRow& expired = RowOf(*view, report, "expired");
  EXPECT_EQ(expired.gap_class, GapClass::kCovered);  // L1 still counts
  EXPECT_EQ(expired.local_credentialed, 1);
  options.as_of = 20200101;
  EXPECT_EQ(RowOf(*view, Report(*view, options), "expired").local_credentialed,
            2);
}

TEST(GapsTest, ThresholdsAreParameters) {
  std::shared_ptr<const View> view = HandChecked().Build();
  GapOptions options;
  options.outside_share_threshold = 0.8;
  options.hhi_threshold = 0.9;
  GapReport report = Report(*view, options);
  EXPECT_EQ(RowOf(*view, report, "break").gap_class, GapClass::kCovered);
  EXPECT_EQ(RowOf(*view, report, "hhi").gap_class, GapClass::kCovered);
}

TEST(GapsTest, WholeCountryIsLocalWithoutRegion) {
  std::shared_ptr<const View> view = HandChecked().Build();
  GapOptions options;
  options.region_prefix = "";
  absl::StatusOr<GapReport> report =
      Gaps(*view, *view->Find(v1::VERTEX_KIND_CHAIN, "T"), options);
  ASSERT_OK(report.status());
  const GapRow& missing = RowOf(*view, *report, "missing");
  EXPECT_EQ(missing.local_producers, 2);
  EXPECT_EQ(missing.domestic_producers, 0);
}

TEST(GapsTest, ForeignCriticalSupplierOfLocalLeaderMakesChokepoint) {
  GapGraph g;
  g.Firm("LEADER", "441900", "CN", {kGiant});
  g.Firm("L2", "441900", "CN", {kGiant});
  g.Firm("D1", "440300", "CN", {kGiant});
  g.Firm("K", "", "US");
  g.Product("car", true, v1::STAGE_DOWNSTREAM);
  g.Product("chip");
  g.Input("chip", "car");
  g.Produces("LEADER", "car");
  g.Produces("L2", "car");
  g.Produces("D1", "chip");
  g.Produces("L2", "chip");
  g.Produces("K", "chip");
  g.Plain(v1::EDGE_KIND_LEADS, "LEADER", "T");
  // The leader buys its chips from K only: K is critical in observed mode.
  g.Supplies("K", "LEADER", "chip", 1.0);
  std::shared_ptr<const View> view = g.Build();
  GapReport report = Report(*view);
  ASSERT_EQ(report.local_leaders.size(), 1u);
  const GapRow& chip = RowOf(*view, report, "chip");
  EXPECT_EQ(chip.gap_class, GapClass::kChokepoint);
  ASSERT_EQ(chip.foreign_critical.size(), 1u);
  EXPECT_EQ(view->key(chip.foreign_critical[0].firm), "K");
  EXPECT_THAT(chip.evidence[0], HasSubstr("的关键供应商"));
  // English on request (issue 16).
  GapOptions english;
  english.language = Language::kEnglish;
  GapReport in_english = Report(*view, english);
  EXPECT_THAT(RowOf(*view, in_english, "chip").evidence[0],
              HasSubstr("is a critical supplier of local chain leader"));
  // In capability mode the other chip makers stand in: no chokepoint.
  GapOptions capability;
  capability.supply.mode = SupplyMode::kCapability;
  EXPECT_NE(RowOf(*view, Report(*view, capability), "chip").gap_class,
            GapClass::kChokepoint);
}

TEST(GapsTest, RejectsVertexThatIsNotAChainAndBadThresholds) {
  std::shared_ptr<const View> view = HandChecked().Build();
  EXPECT_EQ(
      Gaps(*view, *view->Find(v1::VERTEX_KIND_FIRM, "L1"), {}).status().code(),
      absl::StatusCode::kInvalidArgument);
  GapOptions options;
  options.hhi_threshold = 1.5;
  EXPECT_EQ(Gaps(*view, *view->Find(v1::VERTEX_KIND_CHAIN, "T"), options)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GapsTest, PastDeadlineIsDeadlineExceeded) {
  std::shared_ptr<const View> view = HandChecked().Build();
  GapOptions options;
  options.limits.deadline = absl::InfinitePast();
  EXPECT_EQ(Gaps(*view, *view->Find(v1::VERTEX_KIND_CHAIN, "T"), options)
                .status()
                .code(),
            absl::StatusCode::kDeadlineExceeded);
}

// The oracle: the rules of docs/analysis.md applied to plain edge lists.
struct OracleRow {
  int64_t local = 0, domestic = 0, foreign = 0, unknown = 0;
  int64_t credentialed = 0, users = 0;
  std::set<GapClass> classes;
};

// Two reports with the same rows, field by field (doubles exactly).
void ExpectSameReport(const View& view, const GapReport& a,
                      const GapReport& b) {
  ASSERT_EQ(a.rows.size(), b.rows.size());
  EXPECT_EQ(a.class_counts, b.class_counts);
  for (size_t i = 0; i < a.rows.size(); ++i) {
    const GapRow& x = a.rows[i];
    const GapRow& y = b.rows[i];
    SCOPED_TRACE(view.key(x.product));
    EXPECT_EQ(x.product, y.product);
    EXPECT_EQ(x.local_producers, y.local_producers);
    EXPECT_EQ(x.domestic_producers, y.domestic_producers);
    EXPECT_EQ(x.foreign_producers, y.foreign_producers);
    EXPECT_EQ(x.unknown_country_producers, y.unknown_country_producers);
    EXPECT_EQ(x.local_credentialed, y.local_credentialed);
    EXPECT_EQ(x.local_users, y.local_users);
    EXPECT_EQ(x.outside_share, y.outside_share);
    EXPECT_EQ(x.hhi, y.hhi);
    EXPECT_EQ(x.classes, y.classes);
    EXPECT_EQ(x.evidence, y.evidence);
    EXPECT_EQ(x.local_producer_list, y.local_producer_list);
    ASSERT_EQ(x.candidates.size(), y.candidates.size());
    for (size_t c = 0; c < x.candidates.size(); ++c) {
      EXPECT_EQ(x.candidates[c].firm, y.candidates[c].firm);
      EXPECT_EQ(x.candidates[c].reason, y.candidates[c].reason);
    }
  }
}

TEST(GapsTest, RandomGraphsMatchIndependentOracle) {
  std::mt19937 random(20261126);
  const std::vector<std::pair<std::string, std::string>> places = {
      {"441900", "CN"}, {"441900", "CN"}, {"440300", "CN"},
      {"", "JP"},       {"", "US"},       {"", "ZZ"}};
  for (int round = 0; round < 40; ++round) {
    GapGraph g;
    int firms = 6 + random() % 10;
    int products = 4 + random() % 8;
    std::vector<std::string> place_of(firms), country_of(firms);
    std::vector<bool> credentialed(firms);
    for (int f = 0; f < firms; ++f) {
      const auto& [region, country] = places[random() % places.size()];
      place_of[f] = region;
      country_of[f] = country;
      credentialed[f] = random() % 2 == 0;
      g.Firm(absl::StrCat("f", f), region, country,
             credentialed[f] ? std::vector<GapGraph::Credential>{kGiant}
                             : std::vector<GapGraph::Credential>{});
    }
    std::vector<bool> in_chain(products);
    for (int p = 0; p < products; ++p) {
      in_chain[p] = random() % 3 != 0;
      g.Product(absl::StrCat("p", p), in_chain[p]);
    }
    std::set<std::pair<int, int>> produces, input, subclass;
    struct Supply {
      int supplier, buyer, product;
      double share;
    };
    std::vector<Supply> supplies;
    for (int i = 0; i < firms * 2; ++i) {
      produces.insert({static_cast<int>(random() % firms),
                       static_cast<int>(random() % products)});
    }
    for (int i = 0; i < products; ++i) {
      int a = random() % products, b = random() % products;
      if (a != b) input.insert({a, b});
      int child = random() % products, parent = random() % products;
      if (child > parent && random() % 3 == 0) subclass.insert({child, parent});
    }
    bool shares = random() % 2 == 0;
    for (int i = 0; i < firms; ++i) {
      supplies.push_back({static_cast<int>(random() % firms),
                          static_cast<int>(random() % firms),
                          static_cast<int>(random() % products),
                          shares ? 0.1 * (1 + random() % 9) : 0.0});
    }
    for (auto [f, p] : produces) {
      g.Produces(absl::StrCat("f", f), absl::StrCat("p", p));
    }
    for (auto [a, b] : input)
      g.Input(absl::StrCat("p", a), absl::StrCat("p", b));
    for (auto [c, p] : subclass) {
      g.Subclass(absl::StrCat("p", c), absl::StrCat("p", p));
    }
    for (const Supply& s : supplies) {
      g.Supplies(absl::StrCat("f", s.supplier), absl::StrCat("f", s.buyer),
                 absl::StrCat("p", s.product), s.share);
    }
    std::shared_ptr<const View> view = g.Build();
    if (std::count(place_of.begin(), place_of.end(), "441900") == 0) {
      // No firm in the region: an error naming it, not a report of gaps
      // everywhere (issue 16), with or without kept facts.
      GapOptions options;
      options.region_prefix = "4419";
      EXPECT_THAT(Gaps(*view, *view->Find(v1::VERTEX_KIND_CHAIN, "T"), options),
                  StatusIs(absl::StatusCode::kNotFound,
                           HasSubstr("no firm of the graph is in 4419")));
      GapFirmFacts facts = GapFirmFacts::Build(*view, options);
      options.firm_facts = &facts;
      EXPECT_THAT(Gaps(*view, *view->Find(v1::VERTEX_KIND_CHAIN, "T"), options),
                  StatusIs(absl::StatusCode::kNotFound));
      continue;
    }
    GapReport report = Report(*view);
    // Firm facts kept per view, as the server does, give the same report;
    // facts for another region are not used.
    GapOptions kept;
    kept.region_prefix = "4419";
    GapFirmFacts facts = GapFirmFacts::Build(*view, kept);
    kept.firm_facts = &facts;
    ExpectSameReport(*view, report, Report(*view, kept));
    GapOptions other_region;
    other_region.region_prefix = "4403";
    GapFirmFacts elsewhere = GapFirmFacts::Build(*view, other_region);
    EXPECT_FALSE(elsewhere.Fits(*view, kept));
    kept.firm_facts = &elsewhere;
    ExpectSameReport(*view, report, Report(*view, kept));

    auto local = [&](int f) {
      return country_of[f] == "CN" && absl::StartsWith(place_of[f], "4419");
    };
    for (int p = 0; p < products; ++p) {
      if (!in_chain[p]) continue;
      // Variants: p and its SUBCLASS_OF descendants.
      std::set<int> variants = {p};
      for (bool grew = true; grew;) {
        grew = false;
        for (auto [c, parent] : subclass) {
          if (variants.count(parent) && variants.insert(c).second) grew = true;
        }
      }
      std::set<int> makers;
      for (auto [f, q] : produces) {
        if (variants.count(q)) makers.insert(f);
      }
      for (const Supply& s : supplies) {
        if (variants.count(s.product)) makers.insert(s.supplier);
      }
      OracleRow o;
      std::set<std::string> foreign_countries;
      for (int f : makers) {
        if (country_of[f] == "ZZ") {
          ++o.unknown;
        } else if (country_of[f] != "CN") {
          ++o.foreign;
          foreign_countries.insert(country_of[f]);
        } else if (local(f)) {
          ++o.local;
          if (credentialed[f]) ++o.credentialed;
        } else {
          ++o.domestic;
        }
      }
      // Downstream products over INPUT_TO and SUBCLASS_OF (child to
      // parent), then their local makers.
      std::set<int> downstream = {p};
      for (bool grew = true; grew;) {
        grew = false;
        for (const auto* edges : {&input, &subclass}) {
          for (auto [a, b] : *edges) {
            if (downstream.count(a) && downstream.insert(b).second) grew = true;
          }
        }
      }
      std::set<int> users;
      for (auto [f, q] : produces) {
        if (q != p && downstream.count(q) && local(f)) users.insert(f);
      }
      o.users = static_cast<int64_t>(users.size());
      double total = 0, outside = 0;
      std::map<int, double> by_supplier;
      bool any = false;
      for (const Supply& s : supplies) {
        if (!variants.count(s.product) || !local(s.buyer)) continue;
        double w = shares ? s.share : 1.0;
        any = true;
        total += w;
        if (!local(s.supplier)) outside += w;
        by_supplier[s.supplier] += w;
      }
      double hhi = 0;
      for (auto [s, w] : by_supplier) hhi += (w / total) * (w / total);
      if (o.local + o.domestic == 0 && o.foreign > 0) {
        o.classes.insert(GapClass::kChokepoint);
      }
      if (o.local == 0) o.classes.insert(GapClass::kMissing);
      if ((any && outside / total >= 0.5) ||
          (o.domestic + o.foreign + o.unknown > 0 && o.domestic == 0 &&
           o.unknown == 0 && foreign_countries.size() == 1)) {
        o.classes.insert(GapClass::kBreakRisk);
      }
      if (o.local >= 1 &&
          (o.local == 1 || o.credentialed == 0 || (any && hhi >= 0.25))) {
        o.classes.insert(GapClass::kWeak);
      }

      SCOPED_TRACE(absl::StrCat("round ", round, " product p", p));
      const GapRow& row = RowOf(*view, report, absl::StrCat("p", p));
      EXPECT_EQ(row.local_producers, o.local);
      EXPECT_EQ(row.domestic_producers, o.domestic);
      EXPECT_EQ(row.foreign_producers, o.foreign);
      EXPECT_EQ(row.unknown_country_producers, o.unknown);
      EXPECT_EQ(row.local_credentialed, o.credentialed);
      EXPECT_EQ(row.local_users, o.users);
      EXPECT_EQ(std::set<GapClass>(row.classes.begin(), row.classes.end()),
                o.classes);
      EXPECT_EQ(row.gap_class,
                o.classes.empty() ? GapClass::kCovered : *o.classes.begin());
      EXPECT_EQ(row.hhi.has_value(), any);
      if (any) {
        EXPECT_NEAR(*row.hhi, hhi, 1e-5);
      }
      // Candidates: makers outside the region, at most five.
      EXPECT_EQ(row.candidates.size(),
                std::min<size_t>(5, makers.size() - o.local));
      for (const GapCandidate& candidate : row.candidates) {
        EXPECT_NE(view->region(candidate.firm).rfind("4419", 0), 0u);
      }
    }
  }
}

}  // namespace
}  // namespace chainkg::graph
