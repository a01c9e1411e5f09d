#include "loaders/datasets/chainkg_dataset.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
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

std::string DataDir() {
  return std::string(CHAINKG_SHARED_DATA_DIR) + "/chainkg";
}

// What one read of a dataset sent, in order.
struct Loaded {
  absl::Status status;
  DatasetReport report;
  std::vector<v1::Vertex> vertices;
  std::vector<v1::Edge> edges;
  // Rows in the order sent: true for a vertex row, false for an edge row.
  std::vector<bool> row_is_vertex;
  int64_t rows_not_one_record = 0;
};

Loaded Load(const std::string& dir) {
  Loaded loaded;
  loaded.status = ReadChainKgDataset(
      dir,
      [&loaded](ParsedRow&& row) {
        if (row.vertices.size() + row.edges.size() != 1) {
          ++loaded.rows_not_one_record;
        }
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
    if (!std::filesystem::exists(DataDir() + "/original/company.json")) {
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
// An independent reading of the files: plain text search on each line, no
// JSON parser, so a mistake in the adapter's parsing cannot hide here.
// ---------------------------------------------------------------------------

std::vector<std::string> Lines(const std::string& file) {
  std::ifstream in(DataDir() + "/" + file);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The raw text between the quotes of "name": "..." (escapes left as they
// are), or of an unquoted value up to the next ',' or '}'.
std::string RawField(const std::string& line, const std::string& name) {
  std::string label = "\"" + name + "\": ";
  size_t at = line.find(label);
  if (at == std::string::npos) return "";
  size_t begin = at + label.size();
  if (line[begin] != '"') {
    size_t end = line.find_first_of(",}", begin);
    return line.substr(begin, end - begin);
  }
  std::string out;
  for (size_t i = begin + 1; i < line.size() && line[i] != '"'; ++i) {
    if (line[i] == '\\') out.push_back(line[i++]);
    out.push_back(line[i]);
  }
  return out;
}

// Exchange by the A-share code ranges (60x/68x/90x Shanghai, 00x/20x/30x
// Shenzhen, 4xx/8xx Beijing), independent of the location field.
std::string KeyByCodeRange(const std::string& code) {
  char first = code[0];
  if (first == '6' || first == '9') return "SSE:" + code.substr(0, 6);
  if (first == '4' || first == '8') return "BSE:" + code.substr(0, 6);
  return "SZSE:" + code.substr(0, 6);
}

std::map<std::string, const v1::Vertex*> ByKey(const Loaded& data,
                                               v1::VertexKind kind) {
  std::map<std::string, const v1::Vertex*> out;
  for (const v1::Vertex& vertex : data.vertices) {
    if (graph::KindOf(vertex) == kind) out[graph::KeyOf(vertex)] = &vertex;
  }
  return out;
}

const v1::Edge* FindEdge(const Loaded& data, v1::EdgeKind kind,
                         const std::string& from, const std::string& to) {
  for (const v1::Edge& edge : data.edges) {
    if (edge.kind() == kind && edge.from().key() == from &&
        edge.to().key() == to) {
      return &edge;
    }
  }
  return nullptr;
}

int64_t CountEdges(const Loaded& data, v1::EdgeKind kind) {
  int64_t count = 0;
  for (const v1::Edge& edge : data.edges) count += edge.kind() == kind;
  return count;
}

const v1::Source& SourceOf(const v1::Vertex& vertex) {
  switch (vertex.record_case()) {
    case v1::Vertex::kFirm:
      return vertex.firm().source();
    case v1::Vertex::kIndustry:
      return vertex.industry().source();
    default:
      return vertex.product().source();
  }
}

// ---------------------------------------------------------------------------
// The real dataset
// ---------------------------------------------------------------------------

TEST(ChainKgDatasetTest, EveryCompanyBecomesAFirmKeyedByExchange) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::set<std::string> expected;
  for (const std::string& line : Lines("original/company.json")) {
    expected.insert(KeyByCodeRange(RawField(line, "code")));
  }
  EXPECT_EQ(expected.size(), 4586u);
  std::map<std::string, const v1::Vertex*> firms =
      ByKey(*data, v1::VERTEX_KIND_FIRM);
  int64_t from_company_json = 0;
  for (const auto& [key, vertex] : firms) {
    from_company_json += SourceOf(*vertex).file() == "original/company.json";
  }
  EXPECT_EQ(from_company_json, static_cast<int64_t>(expected.size()));
  for (const std::string& key : expected) {
    EXPECT_EQ(firms.count(key), 1u) << key;
  }
}

TEST(ChainKgDatasetTest, FirmIsNamedByItsFullnameWithTheShortNameAsAlias) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::map<std::string, const v1::Vertex*> firms =
      ByKey(*data, v1::VERTEX_KIND_FIRM);
  ASSERT_EQ(firms.count("SZSE:301079"), 1u);
  const v1::Firm& firm = firms["SZSE:301079"]->firm();
  EXPECT_EQ(firm.name(), "邵阳维克液压股份有限公司");
  EXPECT_THAT(firm.aliases(), ElementsAre("邵阳液压"));
  EXPECT_EQ(firm.country(), "CN");
  EXPECT_EQ(firm.region_code(), "");
  EXPECT_EQ(firm.source().dataset(), "ChainKnowledgeGraph");
  EXPECT_EQ(firm.source().file(), "original/company.json");
  EXPECT_EQ(firm.source().line(), 1);
}

TEST(ChainKgDatasetTest, ShiftedCompanyRowsAreRepairedOrNamedByShortName) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::map<std::string, const v1::Vertex*> firms =
      ByKey(*data, v1::VERTEX_KIND_FIRM);
  // Line 2221: 688078 龙软科技 with the fullname of 中国交通建设; nine later
  // lines repeat the code with other companies' fullnames.
  ASSERT_EQ(firms.count("SSE:688078"), 1u);
  EXPECT_EQ(firms["SSE:688078"]->firm().name(), "龙软科技");
  EXPECT_EQ(firms["SSE:688078"]->firm().source().line(), 2221);
  // Line 3439: the location is a date; the code suffix .SZ gives SZSE.
  ASSERT_EQ(firms.count("SZSE:300054"), 1u);
  EXPECT_EQ(firms["SZSE:300054"]->firm().name(), "湖北鼎龙控股股份有限公司");
  EXPECT_EQ(firms["SZSE:300054"]->firm().source().line(), 3439);
}

TEST(ChainKgDatasetTest, CompaniesOnlyInCompanyIndustryBecomeFirmsByShortName) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::set<std::string> in_company_json;
  for (const std::string& line : Lines("original/company.json")) {
    in_company_json.insert(KeyByCodeRange(RawField(line, "code")));
  }
  std::set<std::string> only_there;
  for (const std::string& line : Lines("original/company_industry.json")) {
    std::string key = KeyByCodeRange(RawField(line, "company_code"));
    if (in_company_json.count(key) == 0) only_there.insert(key);
  }
  std::set<std::string> added;
  for (const v1::Vertex& vertex : data->vertices) {
    if (vertex.has_firm() &&
        vertex.firm().source().file() == "original/company_industry.json") {
      added.insert(vertex.firm().key());
    }
  }
  EXPECT_EQ(added, only_there);
  EXPECT_EQ(added.size(), 103u);
  std::map<std::string, const v1::Vertex*> firms =
      ByKey(*data, v1::VERTEX_KIND_FIRM);
  ASSERT_EQ(firms.count("SSE:688981"), 1u);
  EXPECT_EQ(firms["SSE:688981"]->firm().name(), "中芯国际");
}

TEST(ChainKgDatasetTest, IndustriesAndParentsComeFromTheSwFiles) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::map<std::string, const v1::Vertex*> industries =
      ByKey(*data, v1::VERTEX_KIND_INDUSTRY);
  std::vector<std::string> lines = Lines("original/industry.json");
  EXPECT_EQ(industries.size(), lines.size());
  for (const std::string& line : lines) {
    std::string code = RawField(line, "code");
    ASSERT_EQ(industries.count(code), 1u) << code;
    EXPECT_EQ(industries[code]->industry().name(), RawField(line, "name"));
    EXPECT_EQ(industries[code]->industry().scheme(), "SW-2021");
  }
  std::vector<std::string> parents = Lines("original/industry_industry.json");
  EXPECT_EQ(CountEdges(*data, v1::EDGE_KIND_SUBINDUSTRY_OF),
            static_cast<int64_t>(parents.size()));
  for (const std::string& line : parents) {
    EXPECT_NE(FindEdge(*data, v1::EDGE_KIND_SUBINDUSTRY_OF,
                       RawField(line, "from_code"), RawField(line, "to_code")),
              nullptr)
        << line;
  }
}

TEST(ChainKgDatasetTest, EveryCompanyIndustryLineBecomesAnInIndustryEdge) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  EXPECT_EQ(
      CountEdges(*data, v1::EDGE_KIND_IN_INDUSTRY),
      static_cast<int64_t>(Lines("original/company_industry.json").size()));
  // Line 1: 600373.SH in 720902 大众出版, code and name agreeing.
  EXPECT_NE(FindEdge(*data, v1::EDGE_KIND_IN_INDUSTRY, "SSE:600373", "720902"),
            nullptr);
  // Line 1500: 000039.SZ in "640401 金属制品"; 640401 is not an SW-2021 code
  // and 金属制品 is 640108.
  EXPECT_NE(FindEdge(*data, v1::EDGE_KIND_IN_INDUSTRY, "SZSE:000039", "640108"),
            nullptr);
}

TEST(ChainKgDatasetTest, ProductNamesAreCleanedToMatchTheRelationFiles) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::map<std::string, const v1::Vertex*> products =
      ByKey(*data, v1::VERTEX_KIND_PRODUCT);
  // One name of product.json becomes a duplicate when cleaned ("外套类\x7f"),
  // and one product is only in product_product.jsonl (北极虾).
  EXPECT_EQ(products.size(), Lines("original/product.json").size() - 1 + 1);
  for (const auto& [key, vertex] : products) {
    EXPECT_EQ(key.find('\\'), std::string::npos) << key;
    for (char c : key) {
      EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << key;
    }
    EXPECT_EQ(vertex->product().name(), key);
  }
  for (const char* cleaned :
       {"光纤复合 架空地线", "维生素A系 列", "钢铁/不锈钢立柱", "上装类",
        "小 大肠", "\"经公司登记机关核准"}) {
    EXPECT_EQ(products.count(cleaned), 1u) << cleaned;
  }
  ASSERT_EQ(products.count("北极虾"), 1u);
  EXPECT_EQ(products["北极虾"]->product().source().file(),
            "reconstructed/product_product.jsonl");
}

TEST(ChainKgDatasetTest, ProducesEdgeForEachCompanyProductPairWithValidShare) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::set<std::pair<std::string, std::string>> pairs;
  int64_t out_of_range = 0;
  for (const std::string& line : Lines("reconstructed/company_product.jsonl")) {
    pairs.emplace(RawField(line, "company_code"),
                  RawField(line, "product_name"));
    double weight = std::strtod(RawField(line, "rel_weight").c_str(), nullptr);
    out_of_range += weight < 0 || weight > 1;
  }
  EXPECT_EQ(CountEdges(*data, v1::EDGE_KIND_PRODUCES),
            static_cast<int64_t>(pairs.size()));
  EXPECT_EQ(data->report.defects.counts().at(
                "company_product.jsonl: rel_weight outside [0, 1] "
                "(revenue_share unset)"),
            out_of_range);
  const v1::Edge* first =
      FindEdge(*data, v1::EDGE_KIND_PRODUCES, "SSE:688268", "特种气体");
  ASSERT_NE(first, nullptr);
  EXPECT_DOUBLE_EQ(first->produces().revenue_share(), 0.510725);
  EXPECT_EQ(first->source().line(), 1);
  for (const v1::Edge& edge : data->edges) {
    if (edge.kind() != v1::EDGE_KIND_PRODUCES) continue;
    EXPECT_GE(edge.produces().revenue_share(), 0.0);
    EXPECT_LE(edge.produces().revenue_share(), 1.0);
  }
}

TEST(ChainKgDatasetTest, UpstreamMaterialIsAnInputToItsProduct) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  std::set<std::pair<std::string, std::string>> inputs, subclasses;
  for (const std::string& line : Lines("reconstructed/product_product.jsonl")) {
    std::string from = RawField(line, "from_entity");
    std::string to = RawField(line, "to_entity");
    std::string rel = RawField(line, "rel");
    if (from == to) continue;
    if (rel == "上游材料") inputs.emplace(to, from);
    if (rel == "下游产品") inputs.emplace(from, to);
    if (rel == "产品小类") subclasses.emplace(to, from);
  }
  EXPECT_EQ(CountEdges(*data, v1::EDGE_KIND_INPUT_TO),
            static_cast<int64_t>(inputs.size()));
  EXPECT_EQ(CountEdges(*data, v1::EDGE_KIND_SUBCLASS_OF),
            static_cast<int64_t>(subclasses.size()));
  // Line 1: 红豆薏米仁汤 上游材料 冰糖.
  const v1::Edge* sugar =
      FindEdge(*data, v1::EDGE_KIND_INPUT_TO, "冰糖", "红豆薏米仁汤");
  ASSERT_NE(sugar, nullptr);
  EXPECT_TRUE(sugar->has_input_to());
  EXPECT_FALSE(sugar->input_to().essential());
  // 木糖 下游产品 木糖醇: xylitol is made from xylose.
  EXPECT_NE(FindEdge(*data, v1::EDGE_KIND_INPUT_TO, "木糖", "木糖醇"), nullptr);
  // 包装容器 产品小类 纸包装容器: a paper container is a kind of container.
  EXPECT_NE(
      FindEdge(*data, v1::EDGE_KIND_SUBCLASS_OF, "纸包装容器", "包装容器"),
      nullptr);
}

TEST(ChainKgDatasetTest, VerticesComeBeforeEdgesAndEdgesNameSentVertices) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  EXPECT_EQ(data->rows_not_one_record, 0);
  size_t first_edge = 0;
  while (first_edge < data->row_is_vertex.size() &&
         data->row_is_vertex[first_edge]) {
    ++first_edge;
  }
  for (size_t i = first_edge; i < data->row_is_vertex.size(); ++i) {
    ASSERT_FALSE(data->row_is_vertex[i]) << "vertex row " << i;
  }
  std::set<std::pair<int, std::string>> sent;
  for (const v1::Vertex& vertex : data->vertices) {
    EXPECT_TRUE(
        sent.emplace(graph::KindOf(vertex), graph::KeyOf(vertex)).second)
        << "vertex sent twice: " << graph::KeyOf(vertex);
  }
  for (const v1::Edge& edge : data->edges) {
    EXPECT_EQ(sent.count({edge.from().kind(), edge.from().key()}), 1u)
        << edge.ShortDebugString();
    EXPECT_EQ(sent.count({edge.to().kind(), edge.to().key()}), 1u)
        << edge.ShortDebugString();
  }
}

TEST(ChainKgDatasetTest, EveryRecordIsCanonicalAndCarriesItsSource) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  const std::set<std::string> files = {"original/company.json",
                                       "original/company_industry.json",
                                       "original/industry.json",
                                       "original/industry_industry.json",
                                       "original/product.json",
                                       "reconstructed/company_product.jsonl",
                                       "reconstructed/product_product.jsonl"};
  for (const v1::Vertex& vertex : data->vertices) {
    v1::Vertex copy = vertex;
    ASSERT_TRUE(graph::CanonicalizeVertex(&copy).ok()) << copy.DebugString();
    EXPECT_EQ(copy.SerializeAsString(), vertex.SerializeAsString());
    const v1::Source& source = SourceOf(vertex);
    EXPECT_EQ(source.dataset(), "ChainKnowledgeGraph");
    EXPECT_EQ(files.count(source.file()), 1u) << source.file();
    EXPECT_GE(source.line(), 1);
  }
  for (const v1::Edge& edge : data->edges) {
    v1::Edge copy = edge;
    ASSERT_TRUE(graph::CanonicalizeEdge(&copy).ok()) << copy.DebugString();
    EXPECT_EQ(copy.SerializeAsString(), edge.SerializeAsString());
    EXPECT_EQ(edge.source().dataset(), "ChainKnowledgeGraph");
    EXPECT_EQ(files.count(edge.source().file()), 1u) << edge.source().file();
    EXPECT_GE(edge.source().line(), 1);
  }
}

TEST(ChainKgDatasetTest, ReportCountsTheRecordsSentByKind) {
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
            (std::map<std::string, int64_t>{{"firm", 4689},
                                            {"industry", 511},
                                            {"product", 95559},
                                            {"IN_INDUSTRY", 4430},
                                            {"SUBINDUSTRY_OF", 480},
                                            {"PRODUCES", 53207},
                                            {"INPUT_TO", 56735},
                                            {"SUBCLASS_OF", 52936}}));
}

TEST(ChainKgDatasetTest, DefectCountsAreThoseFoundByHand) {
  CHAINKG_REQUIRE_REAL_DATA(data);
  // Counted by hand from the files (see the comments of chainkg_dataset.h).
  const std::map<std::string, int64_t> expected = {
      // 52 codes repeated, 688078 ten times and 688080 nine times.
      {"company.json: duplicate company code (first kept)", 68},
      // 81 times that repeat the exchange name, 5 that are "-".
      {"company.json: time is not a date (time not loaded)", 86},
      // Line 3439: location "2010-02-11", code 300054.SZ.
      {"company.json: location is not an exchange (exchange taken from the "
       "code suffix)",
       1},
      // 9 renamed firms (江南嘉捷 / 三六零...) and 5 rows carrying another
      // company's fullname (688078, 688080, 688086, 300818...).
      {"company.json: fullname shares no character with the short name "
       "(short name used as the name)",
       14},
      {"company_industry.json: company only in company_industry (firm "
       "added, short name as the name)",
       103},
      // 168 lines with codes unknown to industry.json, 28 whose code names
      // another industry (水泥制造 610102, 玻璃制造 610202, ...).
      {"company_industry.json: industry code disagrees with industry.json "
       "(matched by name)",
       196},
      // 其他能源设备Ⅲ (630306) and 其他建材Ⅲ (610303), 16 lines each.
      {"company_industry.json: industry name differs from industry.json "
       "(code kept)",
       32},
      {"company_industry.json: lower-case exchange suffix (accepted)", 1},
      {"product.json: name escaped twice (decoded)", 16},
      // 3 names ending in DEL, 6 with "\n" and 1 with "\b" once decoded.
      {"product.json: name with control characters (replaced by a space)", 10},
      {"product.json: duplicate product name (first kept)", 1},
      {"company_product.jsonl: product name with control characters "
       "(replaced by a space)",
       9},
      {"company_product.jsonl: rel_weight outside [0, 1] (revenue_share "
       "unset)",
       811},
      {"company_product.jsonl: duplicate PRODUCES edge (first kept)", 578},
      {"product_product.jsonl: product name with control characters "
       "(replaced by a space)",
       1},
      {"product_product.jsonl: product only in product_product (vertex "
       "added)",
       1},
      // 104 上游材料, 3 下游产品 and 1 产品小类 lines name one product twice.
      {"product_product.jsonl: self-loop (skipped)", 108},
      // 下游产品 lines restating an 上游材料 line.
      {"product_product.jsonl: duplicate INPUT_TO edge (first kept)", 374},
      {"industry_up.json not loaded: industry-level upstream counts have no "
       "edge kind",
       335},
  };
  EXPECT_EQ(data->report.defects.counts(), expected)
      << data->report.defects.Format();
  EXPECT_EQ(data->report.defects.counts().at(
                "industry_up.json not loaded: industry-level upstream "
                "counts have no edge kind"),
            static_cast<int64_t>(Lines("original/industry_up.json").size()));
}

// ---------------------------------------------------------------------------
// Small datasets written by the test
// ---------------------------------------------------------------------------

void WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

// One firm, industry and product, and one line per relation file.
void WriteTinyDataset(const TempDir& dir) {
  WriteFile(
      dir.Sub("original/company.json"),
      "{\"name\": \"邵阳液压\", \"fullname\": \"邵阳维克液压股份有限公司\", "
      "\"code\": \"301079\", \"location\": \"深圳证券交易所\", "
      "\"time\": \"2021-10-19\"}\n");
  WriteFile(dir.Sub("original/industry.json"),
            "{\"code\": \"110000\", \"name\": \"农林牧渔\"}\n");
  WriteFile(dir.Sub("original/product.json"), "{\"name\": \"冰糖\"}\n");
  WriteFile(dir.Sub("original/company_industry.json"),
            "{\"company_code\": \"301079.SZ\", \"industry_code\": \"110000\", "
            "\"industry_name\": \"农林牧渔\", \"company_name\": \"邵阳液压\", "
            "\"rel\": \"所属行业\"}");
  WriteFile(dir.Sub("original/industry_industry.json"), "");
  WriteFile(dir.Sub("original/industry_up.json"), "");
  WriteFile(dir.Sub("reconstructed/company_product.jsonl"),
            "{\"company_code\": \"301079.SZ\", \"product_name\": \"冰糖\", "
            "\"rel_weight\": 1.5, \"rel\": \"主营产品\"}\n");
  WriteFile(dir.Sub("reconstructed/product_product.jsonl"),
            "{\"from_entity\": \"红豆薏米仁汤\", \"rel\": \"上游材料\", "
            "\"to_entity\": \"冰糖\"}\n");
}

TEST(ChainKgDatasetTest, TinyDatasetSendsVerticesThenEdges) {
  TempDir dir;
  WriteTinyDataset(dir);
  Loaded loaded = Load(dir.path());
  ASSERT_OK(loaded.status);
  EXPECT_THAT(loaded.row_is_vertex,
              ElementsAre(true, true, true, true, false, false, false));
  EXPECT_EQ(loaded.report.records,
            (std::map<std::string, int64_t>{{"firm", 1},
                                            {"industry", 1},
                                            {"product", 2},
                                            {"IN_INDUSTRY", 1},
                                            {"PRODUCES", 1},
                                            {"INPUT_TO", 1}}));
  ASSERT_EQ(loaded.edges.size(), 3u);
  EXPECT_EQ(loaded.edges[1].from().key(), "SZSE:301079");
  EXPECT_FALSE(loaded.edges[1].has_produces());  // 1.5 is not a share
  EXPECT_EQ(loaded.edges[2].from().key(), "冰糖");
  EXPECT_EQ(loaded.edges[2].to().key(), "红豆薏米仁汤");
  EXPECT_EQ(loaded.report.defects.total(), 2) << loaded.report.defects.Format();
}

TEST(ChainKgDatasetTest, SinkErrorIsReturnedUnchanged) {
  TempDir dir;
  WriteTinyDataset(dir);
  DatasetReport report;
  int calls = 0;
  absl::Status status = ReadChainKgDataset(
      dir.path(),
      [&calls](ParsedRow&&) {
        return ++calls == 2 ? absl::ResourceExhaustedError("sink is full")
                            : absl::OkStatus();
      },
      &report);
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kResourceExhausted, "sink is full"));
  EXPECT_EQ(calls, 2);
}

TEST(ChainKgDatasetTest, MissingFileIsNotFound) {
  TempDir dir;
  DatasetReport report;
  EXPECT_THAT(ReadChainKgDataset(
                  dir.Sub("absent"),
                  [](ParsedRow&&) { return absl::OkStatus(); }, &report),
              StatusIs(absl::StatusCode::kNotFound,
                       ::testing::HasSubstr("company.json")));
}

TEST(ChainKgDatasetTest, FileWithoutJsonLinesIsDataLoss) {
  TempDir dir;
  WriteTinyDataset(dir);
  WriteFile(dir.Sub("original/product.json"), "name,kind\n冰糖,material\n");
  DatasetReport report;
  int calls = 0;
  EXPECT_THAT(ReadChainKgDataset(
                  dir.path(),
                  [&calls](ParsedRow&&) {
                    ++calls;
                    return absl::OkStatus();
                  },
                  &report),
              StatusIs(absl::StatusCode::kDataLoss,
                       ::testing::HasSubstr("original/product.json")));
  EXPECT_EQ(calls, 0);  // nothing is sent before every file is read
}

}  // namespace
}  // namespace chainkg::loaders
