// Substitutes: nearest first, then credential, maturity and proven supply;
// the firm itself and its current suppliers apart; variants count.
#include "graph/analysis/substitutes.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace chainkg::graph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SmallGraph {
 public:
  void Firm(const std::string& key, const std::string& region,
            const std::string& country = "CN",
            v1::CredentialKind credential = v1::CREDENTIAL_KIND_UNSPECIFIED) {
    v1::Vertex vertex;
    v1::Firm* firm = vertex.mutable_firm();
    firm->set_key(key);
    firm->set_name(key);
    firm->set_region_code(region);
    firm->set_country(country);
    if (credential != v1::CREDENTIAL_KIND_UNSPECIFIED) {
      firm->add_credentials()->set_kind(credential);
    }
    Add(v1::VERTEX_KIND_FIRM, key, vertex);
  }
  void Product(const std::string& key) {
    v1::Vertex vertex;
    vertex.mutable_product()->set_key(key);
    vertex.mutable_product()->set_name(key);
    Add(v1::VERTEX_KIND_PRODUCT, key, vertex);
  }
  void Edge(v1::EdgeKind kind, const std::string& from, const std::string& to,
            v1::Edge record = v1::Edge(), const std::string& product = "") {
    record.set_kind(kind);
    edges_.push_back({ids_.at(from), kind, ids_.at(to),
                      product.empty() ? VertexId() : ids_.at(product), record});
  }
  void Produces(const std::string& firm, const std::string& product,
                v1::Maturity maturity = v1::MATURITY_MASS) {
    v1::Edge record;
    record.mutable_produces()->set_maturity(maturity);
    Edge(v1::EDGE_KIND_PRODUCES, firm, product, record);
  }
  void Supplies(const std::string& supplier, const std::string& buyer,
                const std::string& product) {
    v1::Edge record;
    record.mutable_supplies()->set_product_key(product);
    Edge(v1::EDGE_KIND_SUPPLIES, supplier, buyer, record, product);
  }
  std::shared_ptr<const View> Build() {
    View::Builder builder;
    for (const auto& [id, vertex] : vertices_) {
      EXPECT_OK(builder.AddVertex(id, vertex));
    }
    for (const Pending& e : edges_) {
      EXPECT_OK(builder.AddEdge({e.from, e.kind, e.to, e.product, &e.record}));
    }
    return std::move(builder).Finish(1);
  }

 private:
  struct Pending {
    VertexId from;
    v1::EdgeKind kind;
    VertexId to;
    VertexId product;
    v1::Edge record;
  };
  void Add(v1::VertexKind kind, const std::string& key, v1::Vertex vertex) {
    VertexId id = VertexId::Make(kind, ++sequence_);
    ids_[key] = id;
    vertices_.emplace_back(id, std::move(vertex));
  }
  uint64_t sequence_ = 0;
  std::map<std::string, VertexId> ids_;
  std::vector<std::pair<VertexId, v1::Vertex>> vertices_;
  std::vector<Pending> edges_;
};

TEST(SubstitutesTest, NearestFirstThenCredentialMaturityAndProvenSupply) {
  SmallGraph g;
  g.Firm("F", "441900");
  g.Firm("CUR", "441900");  // current supplier: listed apart
  g.Firm("CITY_PILOT", "441901", "CN");
  g.Firm("CITY_MASS", "441902", "CN");
  g.Firm("CITY_GIANT", "441903", "CN", v1::CREDENTIAL_KIND_LITTLE_GIANT);
  g.Firm("PROVINCE", "440300", "CN", v1::CREDENTIAL_KIND_CHAIN_LEADER);
  g.Firm("COUNTRY", "310115");
  g.Firm("ABROAD", "", "JP", v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION);
  g.Firm("UNKNOWN", "", "ZZ");
  g.Firm("VARIANT_MAKER", "441904");
  g.Firm("BUYER", "120000");
  g.Product("out");
  g.Product("in");
  g.Product("in-special");
  g.Produces("F", "out");
  g.Edge(v1::EDGE_KIND_INPUT_TO, "in", "out");
  g.Edge(v1::EDGE_KIND_SUBCLASS_OF, "in-special", "in");
  g.Produces("CUR", "in");
  g.Supplies("CUR", "F", "in");
  g.Produces("CITY_PILOT", "in", v1::MATURITY_PILOT);
  g.Produces("CITY_MASS", "in");
  g.Produces("CITY_GIANT", "in", v1::MATURITY_RD);
  g.Produces("PROVINCE", "in");
  g.Produces("COUNTRY", "in");
  g.Supplies("COUNTRY", "BUYER", "in");  // proven, not a PRODUCES maker twice
  g.Produces("ABROAD", "in");
  g.Supplies("UNKNOWN", "BUYER", "in");  // known from supply only
  g.Produces("VARIANT_MAKER", "in-special", v1::MATURITY_PILOT);
  std::shared_ptr<const View> view = g.Build();

  absl::StatusOr<SubstitutesResult> result =
      Substitutes(*view, *view->Find(v1::VERTEX_KIND_FIRM, "F"),
                  *view->Find(v1::VERTEX_KIND_PRODUCT, "in"), {});
  ASSERT_OK(result.status());
  EXPECT_TRUE(result->uses_it);
  EXPECT_FALSE(result->makes_it);
  ASSERT_EQ(result->current_suppliers.size(), 1u);
  EXPECT_EQ(view->key(result->current_suppliers[0]), "CUR");
  std::vector<std::string> order;
  for (const Substitute& s : result->substitutes) {
    order.emplace_back(view->key(s.firm));
  }
  EXPECT_THAT(order, ElementsAre("CITY_GIANT", "CITY_MASS", "CITY_PILOT",
                                 "VARIANT_MAKER", "PROVINCE", "COUNTRY",
                                 "ABROAD", "UNKNOWN"));
  EXPECT_EQ(result->total, 8);
  EXPECT_EQ(result->substitutes[0].proximity, Proximity::kSameCity);
  EXPECT_THAT(result->substitutes[0].reason, HasSubstr("小巨人"));
  EXPECT_EQ(result->substitutes[5].customers, 1);  // COUNTRY
  EXPECT_THAT(result->substitutes[7].reason, HasSubstr("仅据已观测的供货关系"));
  // English on request (issue 16).
  SubstituteOptions english;
  english.language = Language::kEnglish;
  absl::StatusOr<SubstitutesResult> in_english =
      Substitutes(*view, *view->Find(v1::VERTEX_KIND_FIRM, "F"),
                  *view->Find(v1::VERTEX_KIND_PRODUCT, "in"), english);
  ASSERT_OK(in_english.status());
  EXPECT_THAT(in_english->substitutes[7].reason,
              HasSubstr("known from observed supply only"));

  SubstituteOptions two;
  two.max_results = 2;
  result = Substitutes(*view, *view->Find(v1::VERTEX_KIND_FIRM, "F"),
                       *view->Find(v1::VERTEX_KIND_PRODUCT, "in"), two);
  ASSERT_OK(result.status());
  EXPECT_EQ(result->substitutes.size(), 2u);
  EXPECT_EQ(result->total, 8);
}

TEST(SubstitutesTest, RejectsSwappedKinds) {
  SmallGraph g;
  g.Firm("F", "441900");
  g.Product("p");
  std::shared_ptr<const View> view = g.Build();
  ViewIndex firm = *view->Find(v1::VERTEX_KIND_FIRM, "F");
  ViewIndex product = *view->Find(v1::VERTEX_KIND_PRODUCT, "p");
  EXPECT_EQ(Substitutes(*view, product, firm, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace chainkg::graph
