// The shared fixture graph (tests/data/fixture) loaded into a real store:
// every record passes validation, every edge finds its endpoints, and the
// indexes answer the questions the fixture was written for.
#include <fstream>
#include <set>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

#include "graph/store/store.h"
#include "graph/view/view.h"
#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace chainkg::graph {
namespace {

using ::chainkg::testing::Ref;
using ::testing::ElementsAre;

// Parses one JSON object per line into messages of type T.
template <typename T>
std::vector<T> ReadJsonLines(const std::string& name) {
  std::ifstream file(std::string(CHAINKG_FIXTURE_DIR) + "/" + name);
  EXPECT_TRUE(file.good()) << name;
  std::vector<T> records;
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    if (line.empty()) continue;
    T record;
    auto status = google::protobuf::util::JsonStringToMessage(line, &record);
    EXPECT_TRUE(status.ok()) << name << ":" << number << ": " << status;
    records.push_back(std::move(record));
  }
  return records;
}

template <typename Record>
std::vector<v1::Vertex> AsVertices(const std::vector<Record>& records,
                                   Record* (v1::Vertex::*mutable_record)()) {
  std::vector<v1::Vertex> vertices;
  for (const Record& record : records) {
    v1::Vertex vertex;
    *(vertex.*mutable_record)() = record;
    vertices.push_back(std::move(vertex));
  }
  return vertices;
}

TEST(FixtureTest, LoadsCompletelyAndAnswersIndexQueries) {
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store,
                       Store::Open(dir.Sub("db"), StoreOptions()));
  std::vector<v1::Vertex> vertices;
  auto add = [&vertices](std::vector<v1::Vertex> more) {
    vertices.insert(vertices.end(), more.begin(), more.end());
  };
  add(AsVertices(ReadJsonLines<v1::Firm>("firms.jsonl"),
                 &v1::Vertex::mutable_firm));
  add(AsVertices(ReadJsonLines<v1::Product>("products.jsonl"),
                 &v1::Vertex::mutable_product));
  add(AsVertices(ReadJsonLines<v1::Chain>("chains.jsonl"),
                 &v1::Vertex::mutable_chain));
  add(AsVertices(ReadJsonLines<v1::Consortium>("consortia.jsonl"),
                 &v1::Vertex::mutable_consortium));
  add(AsVertices(ReadJsonLines<v1::Platform>("platforms.jsonl"),
                 &v1::Vertex::mutable_platform));
  add(AsVertices(ReadJsonLines<v1::Industry>("industries.jsonl"),
                 &v1::Vertex::mutable_industry));
  add(AsVertices(ReadJsonLines<v1::Project>("projects.jsonl"),
                 &v1::Vertex::mutable_project));
  ASSERT_OK_AND_ASSIGN(WriteResult written,
                       store->UpsertVertices(vertices, UpsertMode::kMerge));
  EXPECT_EQ(written.created, 23);
  EXPECT_TRUE(written.warnings.empty());

  std::vector<v1::Edge> edges = ReadJsonLines<v1::Edge>("edges.jsonl");
  std::set<v1::EdgeKind> kinds;
  for (const v1::Edge& edge : edges) kinds.insert(edge.kind());
  EXPECT_EQ(kinds.size(), 11u) << "the fixture has one edge of every kind";
  ASSERT_OK_AND_ASSIGN(WriteResult linked, store->UpsertEdges(edges));
  EXPECT_EQ(linked.created, static_cast<int>(edges.size()));

  ASSERT_OK_AND_ASSIGN(ConsistencyReport report, store->CheckConsistency());
  EXPECT_EQ(report.problem_count, 0);
  EXPECT_EQ(report.vertices, 23);
  EXPECT_EQ(report.edges, static_cast<int64_t>(edges.size()));

  // The revoked single-item champion does not count; the other does.
  SearchQuery champions;
  champions.credential_kind = v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION;
  ASSERT_OK_AND_ASSIGN(
      VertexPage page,
      store->SearchVertices(champions, PageRequest(), ScanLimits()));
  ASSERT_EQ(page.vertices.size(), 1u);
  EXPECT_EQ(page.vertices[0].firm().key(), "91310110666007217T");

  // The foreign servo maker is found by its Chinese former name.
  SearchQuery nidec;
  nidec.text = "日本电产";
  nidec.country = "JP";
  ASSERT_OK_AND_ASSIGN(
      page, store->SearchVertices(nidec, PageRequest(), ScanLimits()));
  ASSERT_EQ(page.vertices.size(), 1u);

  // Two essential inputs of the battery cell.
  ASSERT_OK_AND_ASSIGN(
      EdgePage inputs,
      store->ListEdges(Ref(v1::VERTEX_KIND_PRODUCT, "cell"), Direction::kIn,
                       v1::EDGE_KIND_INPUT_TO, PageRequest(), ScanLimits()));
  std::vector<std::string> from;
  for (const v1::Edge& edge : inputs.edges) from.push_back(edge.from().key());
  EXPECT_THAT(from, ElementsAre("cathode", "separator"));

  // The in-memory view of the same snapshot holds the same graph.
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const View> view, View::Build(*store));
  EXPECT_EQ(view->vertex_count(), 23u);
  EXPECT_EQ(view->edge_count(), edges.size());
  EXPECT_EQ(view->sequence(), store->LatestSequence());
  std::optional<ViewIndex> cell = view->Find(v1::VERTEX_KIND_PRODUCT, "cell");
  ASSERT_TRUE(cell.has_value());
  std::vector<std::string> view_inputs;
  for (const Adjacent& input : view->In(v1::EDGE_KIND_INPUT_TO, *cell)) {
    view_inputs.emplace_back(view->key(input.other));
    EXPECT_EQ(input.attribute, 1u) << "both inputs are essential";
  }
  EXPECT_THAT(view_inputs, ElementsAre("cathode", "separator"));
  std::optional<ViewIndex> buyer =
      view->Find(v1::VERTEX_KIND_FIRM, "91441900708017879M");
  ASSERT_TRUE(buyer.has_value());
  int supplies_with_product = 0;
  for (const Adjacent& supplier : view->In(v1::EDGE_KIND_SUPPLIES, *buyer)) {
    if (supplier.attribute != 0) ++supplies_with_product;
  }
  EXPECT_EQ(supplies_with_product, 2);
  EXPECT_EQ(view->country(*view->Find(v1::VERTEX_KIND_FIRM, "EXT:Nidec")),
            "JP");
}

}  // namespace
}  // namespace chainkg::graph
