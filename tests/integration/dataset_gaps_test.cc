// Gap classes on real data: the TIVAC dataset (../shared/data/tivac) goes
// through its adapter into a real store, the view is built from the store,
// and every chain's gap report is compared with an independent computation
// of the documented rules on the adapter's records.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "graph/analysis/gaps.h"
#include "graph/store/store.h"
#include "graph/store/vertex_record.h"
#include "graph/view/view.h"
#include "loaders/dataset.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

#ifndef CHAINKG_SHARED_DATA_DIR
#define CHAINKG_SHARED_DATA_DIR "/work/shared/data"
#endif

namespace chainkg {
namespace {

using graph::GapClass;

struct Records {
  std::vector<v1::Vertex> vertices;
  std::vector<v1::Edge> edges;
};

// The oracle's plain picture of the records, by natural key.
struct Plain {
  std::map<std::string, std::string> country;  // firm -> effective country
  std::map<std::string, bool> credentialed;    // firm -> any not revoked
  std::map<std::string, std::set<std::string>> chain_products;
  std::map<std::string, std::set<std::string>> makers;    // product -> firms
  std::map<std::string, std::set<std::string>> children;  // SUBCLASS_OF
};

Plain Picture(const Records& records) {
  Plain plain;
  for (const v1::Vertex& vertex : records.vertices) {
    if (!vertex.has_firm()) continue;
    const v1::Firm& firm = vertex.firm();
    plain.country[firm.key()] = firm.country().empty() ? "CN" : firm.country();
    for (const v1::Credential& credential : firm.credentials()) {
      if (credential.status() != v1::CREDENTIAL_STATUS_REVOKED) {
        plain.credentialed[firm.key()] = true;
      }
    }
  }
  for (const v1::Edge& edge : records.edges) {
    switch (edge.kind()) {
      case v1::EDGE_KIND_IN_CHAIN:
        plain.chain_products[edge.to().key()].insert(edge.from().key());
        break;
      case v1::EDGE_KIND_PRODUCES:
        plain.makers[edge.to().key()].insert(edge.from().key());
        break;
      case v1::EDGE_KIND_SUPPLIES:
        plain.makers[edge.supplies().product_key()].insert(edge.from().key());
        break;
      case v1::EDGE_KIND_SUBCLASS_OF:
        plain.children[edge.to().key()].insert(edge.from().key());
        break;
      default:
        break;
    }
  }
  return plain;
}

struct Expected {
  int64_t local = 0, foreign = 0, unknown = 0;
  std::set<GapClass> classes;
};

// The rules of docs/analysis.md for a whole-country region (no prefix) and
// no observed supplies to local buyers (TIVAC records none).
Expected Classify(const Plain& plain, const std::string& product,
                  const std::string& home) {
  std::set<std::string> variants = {product};
  std::vector<std::string> queue = {product};
  while (!queue.empty()) {
    std::string p = queue.back();
    queue.pop_back();
    auto it = plain.children.find(p);
    if (it == plain.children.end()) continue;
    for (const std::string& child : it->second) {
      if (variants.insert(child).second) queue.push_back(child);
    }
  }
  std::set<std::string> makers;
  for (const std::string& variant : variants) {
    auto it = plain.makers.find(variant);
    if (it != plain.makers.end())
      makers.insert(it->second.begin(), it->second.end());
  }
  Expected e;
  int64_t credentialed = 0;
  std::set<std::string> countries;
  for (const std::string& firm : makers) {
    const std::string& country = plain.country.at(firm);
    if (country == "ZZ") {
      ++e.unknown;
    } else if (country != home) {
      ++e.foreign;
      countries.insert(country);
    } else {
      ++e.local;
      if (plain.credentialed.count(firm)) ++credentialed;
    }
  }
  if (e.local == 0 && e.foreign > 0) e.classes.insert(GapClass::kChokepoint);
  if (e.local == 0) e.classes.insert(GapClass::kMissing);
  if (e.foreign + e.unknown > 0 && e.unknown == 0 && countries.size() == 1) {
    e.classes.insert(GapClass::kBreakRisk);
  }
  if (e.local >= 1 && (e.local == 1 || credentialed == 0)) {
    e.classes.insert(GapClass::kWeak);
  }
  return e;
}

class DatasetGapsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string dir = std::string(CHAINKG_SHARED_DATA_DIR) + "/tivac";
    if (!std::filesystem::exists(dir)) return;
    records_ = std::make_unique<Records>();
    absl::StatusOr<loaders::DatasetReport> report =
        loaders::ReadDataset("tivac", dir, [](loaders::ParsedRow&& row) {
          for (v1::Vertex& vertex : row.vertices) {
            records_->vertices.push_back(std::move(vertex));
          }
          for (v1::Edge& edge : row.edges) {
            records_->edges.push_back(std::move(edge));
          }
          return absl::OkStatus();
        });
    ASSERT_OK(report.status());
    dir_ = std::make_unique<testing::TempDir>();
    absl::StatusOr<std::unique_ptr<graph::Store>> store =
        graph::Store::Open(dir_->path() + "/db", graph::StoreOptions());
    ASSERT_OK(store.status());
    graph::WriteRequest vertices;
    vertices.vertices = records_->vertices;
    ASSERT_OK((*store)->Apply(vertices).status());
    graph::WriteRequest edges;
    edges.edges = records_->edges;
    ASSERT_OK((*store)->Apply(edges).status());
    absl::StatusOr<std::shared_ptr<const graph::View>> view =
        graph::View::Build(**store);
    ASSERT_OK(view.status());
    view_ = *view;
  }
  static void TearDownTestSuite() {
    view_.reset();
    records_.reset();
    dir_.reset();
  }
  void SetUp() override {
    if (view_ == nullptr) GTEST_SKIP() << "../shared/data/tivac is absent";
  }

  // Compares every chain's report with the oracle; returns rows per class.
  std::map<GapClass, int64_t> CompareAll(const std::string& home) {
    Plain plain = Picture(*records_);
    std::map<GapClass, int64_t> totals;
    int chains = 0;
    for (const auto& [chain_key, products] : plain.chain_products) {
      graph::GapOptions options;
      options.home_country = home;
      std::optional<graph::ViewIndex> chain =
          view_->Find(v1::VERTEX_KIND_CHAIN, chain_key);
      EXPECT_TRUE(chain.has_value()) << chain_key;
      if (!chain.has_value()) continue;
      absl::StatusOr<graph::GapReport> report =
          graph::Gaps(*view_, *chain, options);
      EXPECT_OK(report.status());
      if (!report.ok()) continue;
      ++chains;
      EXPECT_EQ(report->rows.size(), products.size()) << chain_key;
      for (const graph::GapRow& row : report->rows) {
        const std::string key(view_->key(row.product));
        SCOPED_TRACE(absl::StrCat(chain_key, " ", key));
        Expected e = Classify(plain, key, home);
        EXPECT_EQ(row.local_producers, e.local);
        EXPECT_EQ(row.domestic_producers, 0);
        EXPECT_EQ(row.foreign_producers, e.foreign);
        EXPECT_EQ(row.unknown_country_producers, e.unknown);
        EXPECT_EQ(std::set<GapClass>(row.classes.begin(), row.classes.end()),
                  e.classes);
        ++totals[row.gap_class];
      }
    }
    EXPECT_EQ(chains, 47);  // docs/datasets.md
    return totals;
  }

  static inline std::unique_ptr<Records> records_;
  static inline std::unique_ptr<testing::TempDir> dir_;
  static inline std::shared_ptr<const graph::View> view_;
};

TEST_F(DatasetGapsTest, TivacGapClassesMatchIndependentCount) {
  std::map<GapClass, int64_t> totals = CompareAll("TW");
  // TIVAC's foreign firms have no country: never a chokepoint.
  EXPECT_EQ(totals[GapClass::kChokepoint], 0);
  EXPECT_GT(totals[GapClass::kMissing] + totals[GapClass::kWeak], 0);
  std::cout << "TIVAC, home TW: CHOKEPOINT " << totals[GapClass::kChokepoint]
            << ", MISSING " << totals[GapClass::kMissing] << ", BREAK_RISK "
            << totals[GapClass::kBreakRisk] << ", WEAK "
            << totals[GapClass::kWeak] << ", COVERED "
            << totals[GapClass::kCovered] << "\n";
}

// ChainKnowledgeGraph has no chains: gap reports of products and their
// inputs (two levels) on the 20 products with the most inputs, from a view
// built straight from the adapter's records, against the same rules.
TEST(ChainKgGapsTest, ProductGapClassesMatchIndependentCount) {
  std::string dir = std::string(CHAINKG_SHARED_DATA_DIR) + "/chainkg";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is absent";
  Records records;
  absl::StatusOr<loaders::DatasetReport> report = loaders::ReadDataset(
      "chainkg", dir, [&records](loaders::ParsedRow&& row) {
        for (v1::Vertex& vertex : row.vertices) {
          records.vertices.push_back(std::move(vertex));
        }
        for (v1::Edge& edge : row.edges)
          records.edges.push_back(std::move(edge));
        return absl::OkStatus();
      });
  ASSERT_OK(report.status());
  graph::View::Builder builder;
  std::map<std::pair<int, std::string>, graph::VertexId> ids;
  uint64_t sequence = 0;
  for (const v1::Vertex& vertex : records.vertices) {
    v1::VertexKind kind = graph::KindOf(vertex);
    graph::VertexId id = graph::VertexId::Make(kind, ++sequence);
    ids[{kind, graph::KeyOf(vertex)}] = id;
    ASSERT_OK(builder.AddVertex(id, vertex));
  }
  std::map<std::string, std::set<std::string>> inputs;  // product -> inputs
  for (const v1::Edge& edge : records.edges) {
    graph::VertexId product;
    if (edge.kind() == v1::EDGE_KIND_SUPPLIES &&
        !edge.supplies().product_key().empty()) {
      product =
          ids.at({v1::VERTEX_KIND_PRODUCT, edge.supplies().product_key()});
    }
    ASSERT_OK(builder.AddEdge(
        {ids.at({edge.from().kind(), edge.from().key()}), edge.kind(),
         ids.at({edge.to().kind(), edge.to().key()}), product, &edge}));
    if (edge.kind() == v1::EDGE_KIND_INPUT_TO) {
      inputs[edge.to().key()].insert(edge.from().key());
    }
  }
  std::shared_ptr<const graph::View> view = std::move(builder).Finish(1);
  Plain plain = Picture(records);
  std::vector<std::pair<size_t, std::string>> by_inputs;
  for (const auto& [product, in] : inputs) {
    by_inputs.emplace_back(in.size(), product);
  }
  std::sort(by_inputs.rbegin(), by_inputs.rend());
  ASSERT_GE(by_inputs.size(), 20u);
  std::map<GapClass, int64_t> totals;
  for (size_t i = 0; i < 20; ++i) {
    const std::string& root = by_inputs[i].second;
    // The oracle's rows: the product and its inputs, two levels up.
    std::set<std::string> rows = {root};
    std::set<std::string> frontier = {root};
    for (int level = 1; level <= 2; ++level) {
      std::set<std::string> next;
      for (const std::string& p : frontier) {
        auto it = inputs.find(p);
        if (it == inputs.end()) continue;
        for (const std::string& input : it->second) {
          if (rows.insert(input).second) next.insert(input);
        }
      }
      frontier = next;
    }
    graph::GapOptions options;
    options.upstream_depth = 2;
    absl::StatusOr<graph::GapReport> gaps =
        graph::Gaps(*view, *view->Find(v1::VERTEX_KIND_PRODUCT, root), options);
    ASSERT_OK(gaps.status());
    EXPECT_EQ(gaps->rows.size(), rows.size()) << root;
    for (const graph::GapRow& row : gaps->rows) {
      const std::string key(view->key(row.product));
      SCOPED_TRACE(absl::StrCat(root, " / ", key));
      EXPECT_TRUE(rows.count(key));
      Expected e = Classify(plain, key, "CN");
      EXPECT_EQ(row.local_producers, e.local);
      EXPECT_EQ(row.foreign_producers, e.foreign);
      EXPECT_EQ(std::set<GapClass>(row.classes.begin(), row.classes.end()),
                e.classes);
      ++totals[row.gap_class];
    }
  }
  EXPECT_GT(totals[GapClass::kMissing] + totals[GapClass::kWeak], 0);
  std::cout << "ChainKnowledgeGraph, 20 products and their inputs: MISSING "
            << totals[GapClass::kMissing] << ", WEAK "
            << totals[GapClass::kWeak] << ", COVERED "
            << totals[GapClass::kCovered] << "\n";
}

}  // namespace
}  // namespace chainkg
