#include "loaders/datasets/ickg_dataset.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

#ifndef CHAINKG_SHARED_DATA_DIR
#define CHAINKG_SHARED_DATA_DIR "/work/shared/data"
#endif

namespace chainkg::loaders {
namespace {

using ::chainkg::testing::StatusIs;
using ::chainkg::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string DataDir() { return std::string(CHAINKG_SHARED_DATA_DIR) + "/ickg"; }

// What one read of a dataset sent, in order.
struct Loaded {
  absl::Status status;
  DatasetReport report;
  std::vector<v1::Vertex> vertices;
  std::vector<v1::Edge> edges;
  // Rows in the order sent: true for a vertex row, false for an edge row.
  std::vector<bool> row_is_vertex;
};

Loaded Load(const std::string& dir) {
  Loaded loaded;
  loaded.status = ReadIckgDataset(
      dir,
      [&loaded](ParsedRow&& row) {
        loaded.row_is_vertex.push_back(!row.vertices.empty());
        for (v1::Vertex& vertex : row.vertices) {
          loaded.vertices.push_back(std::move(vertex));
        }
        for (v1::Edge& edge : row.edges) {
          loaded.edges.push_back(std::move(edge));
        }
        return absl::OkStatus();
      },
      &loaded.report);
  return loaded;
}

// The real dataset, read once for all tests; nullptr when it is absent.
const Loaded* RealData() {
  static const Loaded* loaded = []() -> const Loaded* {
    if (!std::filesystem::exists(DataDir() + "/ICKG25/train.txt")) {
      return nullptr;
    }
    return new Loaded(Load(DataDir()));
  }();
  return loaded;
}

#define CHAINKG_REQUIRE_REAL_DATA(data)                              \
  const Loaded* data = RealData();                                   \
  if (data == nullptr) GTEST_SKIP() << DataDir() << " is not there"; \
  ASSERT_OK(data->status)

// ---------------------------------------------------------------------------
// An independent reading of the files, written the plain way.
// ---------------------------------------------------------------------------

struct Quadruple {
  std::string head, relation, tail, date;
};

std::vector<std::string> Lines(const std::string& file) {
  std::ifstream in(DataDir() + "/" + file);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// "name<TAB>id" lines, or "id,date" when id_first.
std::map<int, std::string> IdFile(const std::string& file, bool id_first) {
  std::map<int, std::string> out;
  for (const std::string& line : Lines(file)) {
    size_t at = id_first ? line.find(',') : line.rfind('\t');
    std::string id = id_first ? line.substr(0, at) : line.substr(at + 1);
    out[std::stoi(id)] = id_first ? line.substr(at + 1) : line.substr(0, at);
  }
  return out;
}

// Every quadruple of both parts, with names for ids.
const std::vector<Quadruple>& AllQuadruples() {
  static const auto* all = [] {
    auto* out = new std::vector<Quadruple>;
    for (std::string part : {"ICKG25", "ICKG-subset"}) {
      auto entities = IdFile(part + "/entity2id.txt", false);
      auto relations = IdFile(part + "/relation2id.txt", false);
      auto times = IdFile(part + "/time2id.txt", true);
      for (std::string split : {"train.txt", "valid.txt", "test.txt"}) {
        for (const std::string& line : Lines(part + "/" + split)) {
          std::istringstream fields(line);
          int head, relation, tail, time;
          fields >> head >> relation >> tail >> time;
          out->push_back({entities.at(head), relations.at(relation),
                          entities.at(tail), times.at(time)});
        }
      }
    }
    return out;
  }();
  return *all;
}

// The mapping of the header comment, restated: relation -> (edge kind,
// edge runs tail -> head).
const std::map<std::string, std::pair<v1::EdgeKind, bool>>& Mapped() {
  static const auto* mapped =
      new std::map<std::string, std::pair<v1::EdgeKind, bool>>{
          {"涉足行业", {v1::EDGE_KIND_IN_INDUSTRY, false}},
          {"归属于行业", {v1::EDGE_KIND_IN_INDUSTRY, false}},
          {"包含", {v1::EDGE_KIND_SUBINDUSTRY_OF, true}},
          {"供给", {v1::EDGE_KIND_SUPPLIES, false}},
          {"基于专利生产", {v1::EDGE_KIND_PRODUCES, false}}};
  return *mapped;
}

// Earliest date of each distinct (kind, from name, to name), self-loops
// left out.
std::map<std::tuple<int, std::string, std::string>, std::string>
ExpectedFacts() {
  std::map<std::tuple<int, std::string, std::string>, std::string> facts;
  for (const Quadruple& q : AllQuadruples()) {
    auto it = Mapped().find(q.relation);
    if (it == Mapped().end() || q.head == q.tail) continue;
    bool reversed = it->second.second;
    auto key =
        std::make_tuple(static_cast<int>(it->second.first),
                        reversed ? q.tail : q.head, reversed ? q.head : q.tail);
    auto [kept, added] = facts.emplace(key, q.date);
    if (!added && q.date < kept->second) kept->second = q.date;
  }
  return facts;
}

// The name of a vertex key: firm keys are "EXT:<name>".
std::string NameOfKey(const v1::VertexRef& ref) {
  return ref.kind() == v1::VERTEX_KIND_FIRM ? ref.key().substr(4) : ref.key();
}

// ---------------------------------------------------------------------------
// The real dataset
// ---------------------------------------------------------------------------

TEST(IckgDatasetTest, EveryDistinctFactBecomesOneEdgeWithItsEarliestDate) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  auto expected = ExpectedFacts();
  std::map<std::tuple<int, std::string, std::string>, std::string> sent;
  for (const v1::Edge& edge : data->edges) {
    auto key = std::make_tuple(static_cast<int>(edge.kind()),
                               NameOfKey(edge.from()), NameOfKey(edge.to()));
    EXPECT_TRUE(sent.emplace(key, edge.source().observed_on()).second)
        << edge.ShortDebugString();
  }
  EXPECT_EQ(sent.size(), expected.size());
  EXPECT_TRUE(sent == expected);
}

TEST(IckgDatasetTest, SupplyEdgesRunFromSupplierToBuyerSinceTheDate) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  int64_t supplies = 0;
  for (const v1::Edge& edge : data->edges) {
    if (edge.kind() != v1::EDGE_KIND_SUPPLIES) continue;
    ++supplies;
    EXPECT_EQ(edge.from().kind(), v1::VERTEX_KIND_FIRM);
    EXPECT_EQ(edge.to().kind(), v1::VERTEX_KIND_FIRM);
    EXPECT_EQ(edge.supplies().since(), edge.source().observed_on());
    EXPECT_EQ(edge.supplies().product_key(), "");
  }
  EXPECT_EQ(supplies, 1635);
  // ICKG-subset/train.txt:2369, the only statement of it:
  // 中芯国际 供给 京东方 on 2022-09-21.
  bool found = false;
  for (const v1::Edge& edge : data->edges) {
    if (edge.kind() == v1::EDGE_KIND_SUPPLIES &&
        edge.from().key() == "EXT:中芯国际" &&
        edge.to().key() == "EXT:京东方") {
      found = true;
      EXPECT_EQ(edge.supplies().since(), "2022-09-21");
    }
  }
  EXPECT_TRUE(found);
}

TEST(IckgDatasetTest, ContainedIndustryIsASubindustryOfTheContainer) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  // ICKG25: 医药生物行业 包含 医药商业.
  bool found = false;
  for (const v1::Edge& edge : data->edges) {
    found = found || (edge.kind() == v1::EDGE_KIND_SUBINDUSTRY_OF &&
                      edge.from().key() == "医药商业" &&
                      edge.to().key() == "医药生物行业");
  }
  EXPECT_TRUE(found);
}

TEST(IckgDatasetTest, VerticesAreTheEndsOfLoadedFactsOfTheirRolesKind) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::set<std::pair<int, std::string>> ends;
  for (const auto& [fact, date] : ExpectedFacts()) {
    auto [kind, from, to] = fact;
    switch (kind) {
      case v1::EDGE_KIND_IN_INDUSTRY:
        ends.emplace(v1::VERTEX_KIND_FIRM, from);
        ends.emplace(v1::VERTEX_KIND_INDUSTRY, to);
        break;
      case v1::EDGE_KIND_SUBINDUSTRY_OF:
        ends.emplace(v1::VERTEX_KIND_INDUSTRY, from);
        ends.emplace(v1::VERTEX_KIND_INDUSTRY, to);
        break;
      case v1::EDGE_KIND_SUPPLIES:
        ends.emplace(v1::VERTEX_KIND_FIRM, from);
        ends.emplace(v1::VERTEX_KIND_FIRM, to);
        break;
      default:
        ends.emplace(v1::VERTEX_KIND_FIRM, from);
        ends.emplace(v1::VERTEX_KIND_PRODUCT, to);
    }
  }
  std::set<std::pair<int, std::string>> sent;
  for (const v1::Vertex& vertex : data->vertices) {
    v1::VertexKind kind = graph::KindOf(vertex);
    EXPECT_TRUE(sent.emplace(kind, graph::NameOf(vertex)).second);
    if (vertex.has_firm()) {
      EXPECT_EQ(vertex.firm().key(), "EXT:" + vertex.firm().name());
      EXPECT_EQ(vertex.firm().country(), "CN");
    }
    if (vertex.has_industry()) {
      EXPECT_EQ(vertex.industry().key(), vertex.industry().name());
      EXPECT_EQ(vertex.industry().scheme(), "ICKG");
    }
  }
  EXPECT_TRUE(sent == ends);
  // 中航工业 is a firm (涉足行业 head, ICKG25/train.txt:23178) and an
  // industry (包含 head, 归属于行业 tail).
  EXPECT_EQ(sent.count({v1::VERTEX_KIND_FIRM, "中航工业"}), 1u);
  EXPECT_EQ(sent.count({v1::VERTEX_KIND_INDUSTRY, "中航工业"}), 1u);
}

TEST(IckgDatasetTest, RelationsWithoutAnEdgeKindAreCountedPerQuadruple) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::map<std::string, int64_t> expected;
  for (const Quadruple& q : AllQuadruples()) {
    if (Mapped().count(q.relation) == 0) {
      ++expected["relation " + q.relation + " has no edge kind (skipped)"];
    }
  }
  EXPECT_EQ(expected.size(), 8u);
  for (const auto& [kind, count] : expected) {
    ASSERT_EQ(data->report.defects.counts().count(kind), 1u) << kind;
    EXPECT_EQ(data->report.defects.counts().at(kind), count) << kind;
  }
}

TEST(IckgDatasetTest, VerticesComeBeforeEdgesAndEdgesNameSentVertices) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  size_t first_edge = 0;
  while (first_edge < data->row_is_vertex.size() &&
         data->row_is_vertex[first_edge]) {
    ++first_edge;
  }
  EXPECT_EQ(first_edge, data->vertices.size());
  for (size_t i = first_edge; i < data->row_is_vertex.size(); ++i) {
    ASSERT_FALSE(data->row_is_vertex[i]) << "vertex row " << i;
  }
  std::set<std::pair<int, std::string>> sent;
  for (const v1::Vertex& vertex : data->vertices) {
    sent.emplace(graph::KindOf(vertex), graph::KeyOf(vertex));
  }
  for (const v1::Edge& edge : data->edges) {
    EXPECT_EQ(sent.count({edge.from().kind(), edge.from().key()}), 1u)
        << edge.ShortDebugString();
    EXPECT_EQ(sent.count({edge.to().kind(), edge.to().key()}), 1u)
        << edge.ShortDebugString();
  }
}

TEST(IckgDatasetTest, EveryRecordIsCanonicalAndCarriesItsSource) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  for (const v1::Vertex& vertex : data->vertices) {
    v1::Vertex copy = vertex;
    ASSERT_TRUE(graph::CanonicalizeVertex(&copy).ok()) << copy.DebugString();
    EXPECT_EQ(copy.SerializeAsString(), vertex.SerializeAsString());
    const v1::Source& source = vertex.has_firm() ? vertex.firm().source()
                               : vertex.has_industry()
                                   ? vertex.industry().source()
                                   : vertex.product().source();
    EXPECT_EQ(source.dataset(), "ICKG");
    EXPECT_THAT(source.file(), ::testing::AnyOf("ICKG25/entity2id.txt",
                                                "ICKG-subset/entity2id.txt"));
    EXPECT_GE(source.line(), 1);
  }
  const std::set<std::string> files = {
      "ICKG25/train.txt",      "ICKG25/valid.txt",      "ICKG25/test.txt",
      "ICKG-subset/train.txt", "ICKG-subset/valid.txt", "ICKG-subset/test.txt"};
  for (const v1::Edge& edge : data->edges) {
    v1::Edge copy = edge;
    ASSERT_TRUE(graph::CanonicalizeEdge(&copy).ok()) << copy.DebugString();
    EXPECT_EQ(copy.SerializeAsString(), edge.SerializeAsString());
    EXPECT_EQ(edge.source().dataset(), "ICKG");
    EXPECT_EQ(files.count(edge.source().file()), 1u) << edge.source().file();
    EXPECT_GE(edge.source().line(), 1);
    EXPECT_EQ(edge.source().observed_on().size(), 10u);
  }
}

TEST(IckgDatasetTest, ReportCountsTheRecordsSentByKind) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::map<std::string, int64_t> counted;
  for (const v1::Vertex& vertex : data->vertices) {
    ++counted[std::string(graph::KindName(graph::KindOf(vertex)))];
  }
  for (const v1::Edge& edge : data->edges) {
    ++counted[v1::EdgeKind_Name(edge.kind()).substr(10)];
  }
  EXPECT_EQ(data->report.records, counted);
  EXPECT_EQ(data->report.records,
            (std::map<std::string, int64_t>{{"firm", 19979},
                                            {"industry", 10477},
                                            {"product", 137},
                                            {"IN_INDUSTRY", 36314},
                                            {"SUBINDUSTRY_OF", 2417},
                                            {"SUPPLIES", 1635},
                                            {"PRODUCES", 158}}));
}

TEST(IckgDatasetTest, DefectCountsAreThoseFoundByHand) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  const std::map<std::string, int64_t> expected = {
      // Quadruples of relations with no edge kind (ICKG25 + ICKG-subset).
      {"relation 持有专利 has no edge kind (skipped)", 19906 + 16},
      {"relation 合作 has no edge kind (skipped)", 4607 + 1602},
      {"relation 竞争 has no edge kind (skipped)", 1826 + 1141},
      {"relation 母公司/控股 has no edge kind (skipped)", 2301 + 223},
      {"relation 投资 has no edge kind (skipped)", 1622 + 314},
      {"relation 上游于 has no edge kind (skipped)", 1173 + 727},
      {"relation 并购 has no edge kind (skipped)", 470 + 25},
      {"relation 合资 has no edge kind (skipped)", 251 + 42},
      // 半导体 包含 半导体 (twice), 电子器件行业 包含 电子器件行业, ...
      {"relation 包含 from an entity to itself (skipped)", 4},
      {"relation 归属于行业 from an entity to itself (skipped)", 1},
      // 44,304 quadruples of mapped relations, 5 self-loops, 40,524
      // distinct facts.
      {"fact stated more than once (earliest date kept)", 3775},
      {"ICKG25/entity2id.txt: name listed under several ids (merged)", 177},
      // stat.txt says 242 times (time2id.txt has ids 0..242) and 13
      // relations for the subset (relation2id.txt lists 12).
      {"ICKG25/stat.txt: count disagrees with time2id.txt", 1},
      {"ICKG-subset/stat.txt: count disagrees with relation2id.txt", 1},
      {"entity used as firm and industry (one vertex of each kind)", 98},
      {"entity used as product and industry (one vertex of each kind)", 9},
      {"entity used as firm and product (one vertex of each kind)", 5},
      {"entity used as firm and product and industry (one vertex of each "
       "kind)",
       1},
      // Distinct names of both entity2id.txt files (60,691 + 101 only in
      // the subset) less the 30,479 that are an end of a loaded fact.
      {"entity in no loaded fact (not loaded)", 30313},
  };
  EXPECT_EQ(data->report.defects.counts(), expected)
      << data->report.defects.Format();
}

// ---------------------------------------------------------------------------
// Small datasets written by the test
// ---------------------------------------------------------------------------

void WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

// Both parts, with one supply fact stated in ICKG25 on 2025-03-02 and in
// the subset on 2019-05-06, and one competitor fact.
void WriteTinyDataset(const TempDir& dir) {
  for (std::string part : {"ICKG25", "ICKG-subset"}) {
    WriteFile(dir.Sub(part + "/entity2id.txt"), "宁德时代\t0\n比亚迪\t1\n");
    WriteFile(dir.Sub(part + "/relation2id.txt"), "供给\t0\n竞争\t1\n");
    WriteFile(dir.Sub(part + "/stat.txt"), "2 2 1");
    WriteFile(dir.Sub(part + "/valid.txt"), "");
    WriteFile(dir.Sub(part + "/test.txt"), "");
  }
  WriteFile(dir.Sub("ICKG25/time2id.txt"), "0,2025-03-02\n");
  WriteFile(dir.Sub("ICKG-subset/time2id.txt"), "0,2019-05-06\n");
  WriteFile(dir.Sub("ICKG25/train.txt"), "0\t0\t1\t0\n0\t1\t1\t0\n");
  WriteFile(dir.Sub("ICKG-subset/train.txt"), "0\t0\t1\t0\n");
}

TEST(IckgDatasetTest, TinyDatasetKeepsTheEarliestStatementOfAFact) {
  TempDir dir;
  WriteTinyDataset(dir);
  Loaded loaded = Load(dir.path());
  ASSERT_OK(loaded.status);
  EXPECT_THAT(loaded.row_is_vertex, ElementsAre(true, true, false));
  ASSERT_EQ(loaded.edges.size(), 1u);
  const v1::Edge& edge = loaded.edges[0];
  EXPECT_EQ(edge.from().key(), "EXT:宁德时代");
  EXPECT_EQ(edge.to().key(), "EXT:比亚迪");
  EXPECT_EQ(edge.supplies().since(), "2019-05-06");
  EXPECT_EQ(edge.source().file(), "ICKG-subset/train.txt");
  EXPECT_EQ(edge.source().line(), 1);
  EXPECT_EQ(loaded.report.defects.counts(),
            (std::map<std::string, int64_t>{
                {"relation 竞争 has no edge kind (skipped)", 1},
                {"fact stated more than once (earliest date kept)", 1}}));
}

TEST(IckgDatasetTest, SinkErrorIsReturnedUnchanged) {
  TempDir dir;
  WriteTinyDataset(dir);
  DatasetReport report;
  int calls = 0;
  absl::Status status = ReadIckgDataset(
      dir.path(),
      [&calls](ParsedRow&&) {
        return ++calls == 3 ? absl::ResourceExhaustedError("sink is full")
                            : absl::OkStatus();
      },
      &report);
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kResourceExhausted, "sink is full"));
  EXPECT_EQ(calls, 3);
}

TEST(IckgDatasetTest, MissingFileIsNotFound) {
  TempDir dir;
  DatasetReport report;
  EXPECT_THAT(
      ReadIckgDataset(
          dir.Sub("absent"), [](ParsedRow&&) { return absl::OkStatus(); },
          &report),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("entity2id.txt")));
}

TEST(IckgDatasetTest, QuadrupleFileWithoutQuadruplesIsDataLoss) {
  TempDir dir;
  WriteTinyDataset(dir);
  WriteFile(dir.Sub("ICKG-subset/train.txt"), "head,relation,tail,time\n");
  DatasetReport report;
  EXPECT_THAT(
      ReadIckgDataset(
          dir.path(), [](ParsedRow&&) { return absl::OkStatus(); }, &report),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("ICKG-subset/train.txt")));
}

}  // namespace
}  // namespace chainkg::loaders
