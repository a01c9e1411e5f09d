#include "loaders/datasets/tivac_dataset.h"

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "tests/testing/status_matchers.h"

#ifndef CHAINKG_SHARED_DATA_DIR
#define CHAINKG_SHARED_DATA_DIR "/work/shared/data"
#endif

namespace chainkg::loaders {
namespace {

namespace fs = std::filesystem;
using ::chainkg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kChainFolder[] = "datasets/demo/individual_chains";

std::string TivacDir() {
  return std::string(CHAINKG_SHARED_DATA_DIR) + "/tivac";
}

// What one read of a dataset sent, in order.
struct Loaded {
  absl::Status status;
  DatasetReport report;
  std::vector<ParsedRow> rows;
  std::vector<v1::Vertex> vertices;
  std::vector<v1::Edge> edges;
};

Loaded Load(const std::string& dir) {
  Loaded loaded;
  loaded.status = ReadTivacDataset(
      dir,
      [&](ParsedRow&& row) {
        for (const v1::Vertex& vertex : row.vertices) {
          loaded.vertices.push_back(vertex);
        }
        for (const v1::Edge& edge : row.edges) loaded.edges.push_back(edge);
        loaded.rows.push_back(std::move(row));
        return absl::OkStatus();
      },
      &loaded.report);
  return loaded;
}

const v1::Vertex* FindVertex(const Loaded& loaded, v1::VertexKind kind,
                             const std::string& key) {
  for (const v1::Vertex& vertex : loaded.vertices) {
    if (graph::KindOf(vertex) == kind && graph::KeyOf(vertex) == key) {
      return &vertex;
    }
  }
  return nullptr;
}

std::vector<const v1::Edge*> EdgesFrom(const Loaded& loaded, v1::EdgeKind kind,
                                       const std::string& from_key) {
  std::vector<const v1::Edge*> found;
  for (const v1::Edge& edge : loaded.edges) {
    if (edge.kind() == kind && edge.from().key() == from_key) {
      found.push_back(&edge);
    }
  }
  return found;
}

// The IN_CHAIN properties of a product (the default ones if it has none;
// the tests that use this check elsewhere that there is exactly one).
const v1::InChainProps& InChainOf(const Loaded& loaded,
                                  const std::string& product_key) {
  std::vector<const v1::Edge*> edges =
      EdgesFrom(loaded, v1::EDGE_KIND_IN_CHAIN, product_key);
  return edges.empty() ? v1::InChainProps::default_instance()
                       : edges[0]->in_chain();
}

bool HasEdge(const Loaded& loaded, v1::EdgeKind kind,
             const std::string& from_key, const std::string& to_key) {
  for (const v1::Edge* edge : EdgesFrom(loaded, kind, from_key)) {
    if (edge->to().key() == to_key) return true;
  }
  return false;
}

int CountVertices(const Loaded& loaded, v1::VertexKind kind,
                  const std::string& key_part) {
  int count = 0;
  for (const v1::Vertex& vertex : loaded.vertices) {
    if (graph::KindOf(vertex) == kind &&
        absl::StrContains(graph::KeyOf(vertex), key_part)) {
      ++count;
    }
  }
  return count;
}

// Counts taken straight from the JSON text by searching for its fixed
// spellings, sharing nothing with the adapter (no JSON parser, no
// NormalizeName).
struct RawCounts {
  int files = 0;
  int segments = 0;               // "id": "ic_link_..."
  int sub_categories = 0;         // "id": "sc_company_..."
  int titled_sub_categories = 0;  // ... followed by a non-empty title
  std::set<std::string> stock_codes;
  std::set<std::string> foreign_names;         // exact spellings
  std::set<std::string> foreign_names_folded;  // brackets and spaces folded
};

// Full-width brackets to ASCII and no spaces: the only ways the foreign
// names of TIVAC differ for one firm ("Services（K-SAT）" and
// "Services (K-SAT)", "Solar Frontier  K.K"; found by hand).
std::string FoldSpelling(std::string name) {
  for (auto [wide, narrow] :
       {std::pair<std::string, std::string>{"（", "("}, {"）", ")"}}) {
    for (size_t at; (at = name.find(wide)) != std::string::npos;) {
      name.replace(at, wide.size(), narrow);
    }
  }
  name.erase(std::remove(name.begin(), name.end(), ' '), name.end());
  return name;
}

// The quoted string that starts right after `marker` at or after `from`
// ("" when there is none); *end is set past it.
std::string QuotedAfter(const std::string& text, const std::string& marker,
                        size_t from, size_t* end) {
  size_t at = text.find(marker, from);
  if (at == std::string::npos) {
    *end = std::string::npos;
    return "";
  }
  size_t begin = at + marker.size();
  *end = text.find('"', begin);
  return text.substr(begin, *end - begin);
}

RawCounts CountRaw(const std::string& dir) {
  RawCounts counts;
  for (const auto& entry : fs::directory_iterator(dir + "/" + kChainFolder)) {
    if (entry.path().extension() != ".json") continue;
    ++counts.files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    size_t at = 0;
    while ((at = text.find("\"id\": \"ic_link_", at)) != std::string::npos) {
      ++counts.segments;
      ++at;
    }
    // A sub-category object is {"id": "sc_company_...", "title": "...", ...}.
    for (at = text.find("\"id\": \"sc_company_"); at != std::string::npos;
         at = text.find("\"id\": \"sc_company_", at + 1)) {
      ++counts.sub_categories;
      size_t end;
      if (!QuotedAfter(text, "\"title\": \"", at, &end).empty()) {
        ++counts.titled_sub_categories;
      }
    }
    for (at = text.find("stk_code="); at != std::string::npos;
         at = text.find("stk_code=", at + 1)) {
      size_t begin = at + std::string("stk_code=").size();
      size_t end = begin;
      while (end < text.size() &&
             std::isalnum(static_cast<unsigned char>(text[end]))) {
        ++end;
      }
      counts.stock_codes.insert(text.substr(begin, end - begin));
    }
    // A company object is {"name": "...", "url": "...", "is_foreign": true}:
    // the name is the last one before the flag.
    for (at = text.find("\"is_foreign\": true"); at != std::string::npos;
         at = text.find("\"is_foreign\": true", at + 1)) {
      size_t name_at = text.rfind("\"name\": \"", at);
      size_t end;
      std::string name = QuotedAfter(text, "\"name\": \"", name_at, &end);
      counts.foreign_names.insert(name);
      counts.foreign_names_folded.insert(FoldSpelling(name));
    }
  }
  return counts;
}

// The real dataset, read once for the suite (it is the same for every test).
class TivacDatasetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(TivacDir() + "/" + kChainFolder)) return;
    loaded_ = std::make_unique<const Loaded>(Load(TivacDir()));
    raw_ = std::make_unique<const RawCounts>(CountRaw(TivacDir()));
  }
  static void TearDownTestSuite() {
    loaded_.reset();
    raw_.reset();
  }
  void SetUp() override {
    if (loaded_ == nullptr) {
      GTEST_SKIP() << TivacDir() << " is absent";
    }
    ASSERT_OK(loaded_->status);
  }

  static inline std::unique_ptr<const Loaded> loaded_;
  static inline std::unique_ptr<const RawCounts> raw_;
};

TEST_F(TivacDatasetTest, EveryChainFileBecomesAChainNamedByItsTitle) {
  EXPECT_EQ(raw_->files, 47);
  EXPECT_EQ(loaded_->report.records.at("chain"), raw_->files);
  const v1::Vertex* cement =
      FindVertex(*loaded_, v1::VERTEX_KIND_CHAIN, "TW-1000");
  ASSERT_NE(cement, nullptr);
  EXPECT_EQ(cement->chain().name(), "水泥");
  EXPECT_EQ(cement->chain().category(), v1::CHAIN_CATEGORY_UNSPECIFIED);
  // The one file name with a space.
  const v1::Vertex* led =
      FindVertex(*loaded_, v1::VERTEX_KIND_CHAIN, "TW-A200");
  ASSERT_NE(led, nullptr);
  EXPECT_EQ(led->chain().name(), "LED照明產業");
  EXPECT_EQ(led->chain().source().file(),
            std::string(kChainFolder) + "/A200_LED 照明.json");
  EXPECT_EQ(led->chain().source().dataset(), "TIVAC");
}

TEST_F(TivacDatasetTest, EveryChainSegmentBecomesAProductInItsChain) {
  EXPECT_EQ(raw_->segments, 456);
  EXPECT_EQ(CountVertices(*loaded_, v1::VERTEX_KIND_PRODUCT, "/ic_link_"),
            raw_->segments);
  // Every product, segment or sub-category, is in exactly the chain its key
  // is scoped by.
  for (const v1::Vertex& vertex : loaded_->vertices) {
    if (!vertex.has_product()) continue;
    const std::string& key = vertex.product().key();
    std::vector<const v1::Edge*> in_chain =
        EdgesFrom(*loaded_, v1::EDGE_KIND_IN_CHAIN, key);
    ASSERT_EQ(in_chain.size(), 1u) << key;
    EXPECT_EQ(in_chain[0]->to().key(), key.substr(0, key.find('/'))) << key;
  }
  EXPECT_EQ(loaded_->report.records.at("IN_CHAIN"),
            loaded_->report.records.at("product"));

  const v1::Vertex* limestone =
      FindVertex(*loaded_, v1::VERTEX_KIND_PRODUCT, "TW-1000/ic_link_1100");
  ASSERT_NE(limestone, nullptr);
  EXPECT_EQ(limestone->product().name(), "石灰石");
  const v1::InChainProps& limestone_in =
      InChainOf(*loaded_, "TW-1000/ic_link_1100");
  EXPECT_EQ(limestone_in.stage(), v1::STAGE_UPSTREAM);
  EXPECT_EQ(limestone_in.segment(), "石灰石");

  // The segment page's title is the name; the map label, with its "/"
  // line break, an alias.
  const v1::Vertex* cell =
      FindVertex(*loaded_, v1::VERTEX_KIND_PRODUCT, "TW-A100/ic_link_A130");
  ASSERT_NE(cell, nullptr);
  EXPECT_EQ(cell->product().name(), "太陽能電池");
  EXPECT_THAT(cell->product().aliases(), ElementsAre("太陽能/電池"));
  EXPECT_EQ(InChainOf(*loaded_, "TW-A100/ic_link_A130").stage(),
            v1::STAGE_MIDSTREAM);

  // "上游設備製造業" is upstream; 區塊鏈's "應用服務" column has no stage.
  EXPECT_EQ(InChainOf(*loaded_, "TW-AB20/ic_link_AB21").stage(),
            v1::STAGE_UPSTREAM);
  EXPECT_EQ(InChainOf(*loaded_, "TW-5100/ic_link_5110").stage(),
            v1::STAGE_UNSPECIFIED);
}

TEST_F(TivacDatasetTest, TitledSubCategoriesAreProductsUnderTheirSegment) {
  EXPECT_EQ(raw_->sub_categories, 103);
  EXPECT_EQ(raw_->titled_sub_categories, 86);
  EXPECT_EQ(CountVertices(*loaded_, v1::VERTEX_KIND_PRODUCT, "/sc_company_"),
            raw_->titled_sub_categories);
  EXPECT_EQ(loaded_->report.records.at("product"),
            raw_->segments + raw_->titled_sub_categories);
  EXPECT_EQ(loaded_->report.records.at("SUBCLASS_OF"),
            raw_->titled_sub_categories);
  for (const v1::Edge& edge : loaded_->edges) {
    if (edge.kind() != v1::EDGE_KIND_SUBCLASS_OF) continue;
    EXPECT_THAT(edge.from().key(), HasSubstr("/sc_company_"));
    EXPECT_THAT(edge.to().key(), HasSubstr("/ic_link_"));
    const std::string& from = edge.from().key();
    EXPECT_TRUE(
        absl::StartsWith(edge.to().key(), from.substr(0, from.find('/') + 1)))
        << from << " -> " << edge.to().key();
  }
  const v1::Vertex* antenna =
      FindVertex(*loaded_, v1::VERTEX_KIND_PRODUCT, "TW-4100/sc_company_4111");
  ASSERT_NE(antenna, nullptr);
  EXPECT_EQ(antenna->product().name(), "天線/射頻基頻");
  EXPECT_TRUE(HasEdge(*loaded_, v1::EDGE_KIND_SUBCLASS_OF,
                      "TW-4100/sc_company_4111", "TW-4100/ic_link_4110"));
  const v1::InChainProps& antenna_in =
      InChainOf(*loaded_, "TW-4100/sc_company_4111");
  EXPECT_EQ(antenna_in.stage(), v1::STAGE_UPSTREAM);
  EXPECT_EQ(antenna_in.segment(), "零組件/材料");
}

TEST_F(TivacDatasetTest, ListedCompaniesAreOneFirmPerStockCode) {
  EXPECT_EQ(raw_->stock_codes.size(), 2366u);
  EXPECT_EQ(CountVertices(*loaded_, v1::VERTEX_KIND_FIRM, "TW:"),
            static_cast<int>(raw_->stock_codes.size()));
  const v1::Vertex* tcc = FindVertex(*loaded_, v1::VERTEX_KIND_FIRM, "TW:1101");
  ASSERT_NE(tcc, nullptr);
  EXPECT_EQ(tcc->firm().name(), "台泥");
  EXPECT_EQ(tcc->firm().country(), "TW");
  EXPECT_EQ(tcc->firm().region_code(), "");
  EXPECT_EQ(tcc->firm().aliases_size(), 0);
}

TEST_F(TivacDatasetTest,
       ForeignCompaniesAreOneFirmPerSpellingWithUnknownCountry) {
  EXPECT_EQ(raw_->foreign_names.size(), 895u);
  EXPECT_EQ(raw_->foreign_names_folded.size(), 889u);
  EXPECT_EQ(CountVertices(*loaded_, v1::VERTEX_KIND_FIRM, "EXT:"),
            static_cast<int>(raw_->foreign_names_folded.size()));
  EXPECT_EQ(loaded_->report.records.at("firm"),
            static_cast<int64_t>(raw_->stock_codes.size() +
                                 raw_->foreign_names_folded.size()));
  for (const v1::Vertex& vertex : loaded_->vertices) {
    if (vertex.has_firm() && absl::StartsWith(vertex.firm().key(), "EXT:")) {
      EXPECT_EQ(vertex.firm().country(), "ZZ") << vertex.firm().key();
    }
  }
  // First met with ASCII brackets (4100_太空衛星科技.json), later also with
  // full-width ones.
  const v1::Vertex* ksat =
      FindVertex(*loaded_, v1::VERTEX_KIND_FIRM,
                 "EXT:Kongsberg Satellite Services (K-SAT)");
  ASSERT_NE(ksat, nullptr);
  EXPECT_THAT(ksat->firm().aliases(),
              ElementsAre("Kongsberg Satellite Services（K-SAT）"));
}

TEST_F(TivacDatasetTest, CompaniesProduceTheirSegmentOrSubCategory) {
  // Distinct (firm, segment or titled sub-category) pairs, counted by hand
  // with a separate Python pass over the JSON.
  EXPECT_EQ(loaded_->report.records.at("PRODUCES"), 8888);
  EXPECT_TRUE(HasEdge(*loaded_, v1::EDGE_KIND_PRODUCES, "TW:1101",
                      "TW-1000/ic_link_1100"));
  EXPECT_TRUE(HasEdge(*loaded_, v1::EDGE_KIND_PRODUCES, "TW:2308",
                      "TW-4100/sc_company_4111"));
  EXPECT_TRUE(HasEdge(*loaded_, v1::EDGE_KIND_PRODUCES, "EXT:亞德諾半導體",
                      "TW-4100/sc_company_4111"));
  // 線上遊戲業's sub-categories have no title: their members make the
  // segment itself.
  EXPECT_TRUE(HasEdge(*loaded_, v1::EDGE_KIND_PRODUCES, "TW:4994",
                      "TW-B000/ic_link_B300"));
}

TEST_F(TivacDatasetTest, VerticesComeFirstAndEveryEdgeNamesAVertexSentBefore) {
  std::set<std::pair<int, std::string>> sent;
  bool edges_started = false;
  for (const ParsedRow& row : loaded_->rows) {
    for (const v1::Vertex& vertex : row.vertices) {
      EXPECT_FALSE(edges_started) << graph::KeyOf(vertex);
      EXPECT_TRUE(
          sent.emplace(graph::KindOf(vertex), graph::KeyOf(vertex)).second)
          << "sent twice: " << graph::KeyOf(vertex);
    }
    for (const v1::Edge& edge : row.edges) {
      edges_started = true;
      EXPECT_EQ(sent.count({edge.from().kind(), edge.from().key()}), 1u)
          << edge.from().key();
      EXPECT_EQ(sent.count({edge.to().kind(), edge.to().key()}), 1u)
          << edge.to().key();
    }
  }
  EXPECT_TRUE(edges_started);
}

TEST_F(TivacDatasetTest, EveryRecordIsCanonicalAndNamesItsSource) {
  std::set<std::string> edge_ids;
  for (const v1::Vertex& vertex : loaded_->vertices) {
    v1::Vertex again = vertex;
    ASSERT_OK(graph::CanonicalizeVertex(&again).status());
    EXPECT_EQ(again.SerializeAsString(), vertex.SerializeAsString())
        << graph::KeyOf(vertex);
  }
  for (const v1::Edge& edge : loaded_->edges) {
    v1::Edge again = edge;
    ASSERT_OK(graph::CanonicalizeEdge(&again));
    EXPECT_EQ(edge.source().dataset(), "TIVAC");
    EXPECT_TRUE(absl::StartsWith(edge.source().file(), kChainFolder))
        << edge.source().file();
    EXPECT_TRUE(edge_ids
                    .insert(absl::StrCat(edge.kind(), " ", edge.from().key(),
                                         " ", edge.to().key()))
                    .second)
        << "edge sent twice: " << edge.from().key() << " -> "
        << edge.to().key();
  }
  const v1::Vertex* firm =
      FindVertex(*loaded_, v1::VERTEX_KIND_FIRM, "TW:1101");
  ASSERT_NE(firm, nullptr);
  EXPECT_EQ(firm->firm().source().dataset(), "TIVAC");
  EXPECT_EQ(firm->firm().source().file(),
            std::string(kChainFolder) + "/1000_水泥.json");
  EXPECT_EQ(firm->firm().source().line(), 0);
}

TEST_F(TivacDatasetTest, ReportCountsEveryRecordSent) {
  std::map<std::string, int64_t> counted;
  for (const v1::Vertex& vertex : loaded_->vertices) {
    ++counted[std::string(graph::KindName(graph::KindOf(vertex)))];
  }
  for (const v1::Edge& edge : loaded_->edges) {
    ++counted[v1::EdgeKind_Name(edge.kind()).substr(10)];  // "EDGE_KIND_"
  }
  EXPECT_EQ(loaded_->report.records, counted);
}

TEST_F(TivacDatasetTest, DefectsFoundByHandAreCounted) {
  const std::map<std::string, int64_t> expected = {
      // One per distinct foreign firm: TIVAC gives no country.
      {"foreign firm without country", 889},
      // 895 spellings, 889 firms (found by hand: full-width brackets,
      // doubled spaces).
      {"foreign firm spelled several ways", 6},
      {"company listed twice in one segment", 67},
      // 區塊鏈, 金融科技, 人工智慧, 資通訊安全, 大數據, 休閒娛樂, 軟體服務,
      // 交通運輸及航運, 金融, 油電燃氣, 其他, 文化創意 name their columns.
      {"stage group not upstream/midstream/downstream", 50},
      // 體驗科技's three columns.
      {"stage group without title (stage unspecified)", 3},
      // 智慧電網 上游發電; 被動元件, 連接器, 印刷電路板 下游.
      {"stage group without segments", 4},
      // 金融科技's links to the 5100..5600 chains.
      {"segment without detailed data (no companies)", 5},
      {"segment without companies", 6},
      {"sub-category without title (companies kept on segment)", 17},
      {"sub-category without companies", 6},
      // TW:7596 "\uE05E嘉健康", a Big5 vendor glyph.
      {"name with a private-use character", 1},
  };
  EXPECT_EQ(loaded_->report.defects.counts(), expected)
      << loaded_->report.defects.Format();
}

// A dataset folder of hand-written files in a fresh temporary directory,
// removed at the end of the test.
class ScratchTivac {
 public:
  ScratchTivac() {
    std::string pattern = ::testing::TempDir() + "tivac_test_XXXXXX";
    root_ = mkdtemp(pattern.data());
    fs::create_directories(root_ + "/" + kChainFolder);
  }
  ~ScratchTivac() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  ScratchTivac(const ScratchTivac&) = delete;
  ScratchTivac& operator=(const ScratchTivac&) = delete;

  void WriteChain(const std::string& file_name, const std::string& text) {
    std::ofstream(root_ + "/" + kChainFolder + "/" + file_name,
                  std::ios::binary)
        << text;
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

TEST(ReadTivacDatasetTest, MissingFolderIsNotFound) {
  ScratchTivac scratch;
  DatasetReport report;
  EXPECT_THAT(ReadTivacDataset(
                  scratch.root() + "/nowhere",
                  [](ParsedRow&&) { return absl::OkStatus(); }, &report),
              StatusIs(absl::StatusCode::kNotFound));
  // The folder exists but holds no chain.
  EXPECT_THAT(ReadTivacDataset(
                  scratch.root(), [](ParsedRow&&) { return absl::OkStatus(); },
                  &report),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(ReadTivacDatasetTest, FileThatIsNotAChainIsDataLoss) {
  ScratchTivac scratch;
  scratch.WriteChain("1000_x.json", "title: not json\n");
  Loaded loaded = Load(scratch.root());
  EXPECT_THAT(loaded.status, StatusIs(absl::StatusCode::kDataLoss,
                                      HasSubstr("1000_x.json: not JSON")));

  ScratchTivac other;
  other.WriteChain("1000_x.json", R"({"title": "x產業鏈"})");
  EXPECT_THAT(
      Load(other.root()).status,
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no \"chains\" list")));
}

TEST(ReadTivacDatasetTest, SinkErrorStopsTheReadUnchanged) {
  ScratchTivac scratch;
  scratch.WriteChain("1000_x.json", R"({"title": "x產業鏈", "chains": []})");
  DatasetReport report;
  EXPECT_THAT(
      ReadTivacDataset(
          scratch.root(),
          [](ParsedRow&&) { return absl::ResourceExhaustedError("full"); },
          &report),
      StatusIs(absl::StatusCode::kResourceExhausted, "full"));
}

// The mapping rules on a chain small enough to check by eye: sub-category
// routing, untitled sub-categories, duplicates within a list, one foreign
// firm under two spellings, a stock code of odd shape, a column without a
// stage.
TEST(ReadTivacDatasetTest, SmallChainMapsAsDocumented) {
  ScratchTivac scratch;
  scratch.WriteChain("Z100_測試.json", R"json({
  "title": "測試產業鏈",
  "chains": [
    {"title": "上游", "companies": [
      {"id": "ic_link_Z110", "text": "材/料", "detailed_data": {
        "title": "材料", "categories": [], "total_count": "共3家",
        "companies": [
          {"name": "甲", "url": "company_basic.php?stk_code=1111", "is_foreign": false},
          {"name": "甲", "url": "company_basic.php?stk_code=1111", "is_foreign": false},
          {"name": "Acme（US）", "url": "http://acme.example/", "is_foreign": true}
        ]}}]},
    {"title": "應用", "companies": [
      {"id": "ic_link_Z120", "text": "服務", "detailed_data": {
        "title": "服務", "categories": [],
        "companies": [
          {"name": "乙", "url": "company_basic.php?stk_code=00878", "is_foreign": false,
           "subcategory_id": "sc_company_Z121"}
        ],
        "subcategories": [
          {"id": "sc_company_Z121", "title": "顧問", "companies": [
            {"name": "乙", "url": "company_basic.php?stk_code=00878", "is_foreign": false}]},
          {"id": "sc_company_Z122", "title": "", "companies": [
            {"name": "Acme (US)", "url": "http://acme.example/", "is_foreign": true}]}
        ]}}]}
  ]
})json");
  Loaded loaded = Load(scratch.root());
  ASSERT_OK(loaded.status);
  EXPECT_EQ(loaded.report.records,
            (std::map<std::string, int64_t>{{"chain", 1},
                                            {"product", 3},
                                            {"firm", 3},
                                            {"IN_CHAIN", 3},
                                            {"SUBCLASS_OF", 1},
                                            {"PRODUCES", 4}}));
  const v1::Vertex* material =
      FindVertex(loaded, v1::VERTEX_KIND_PRODUCT, "TW-Z100/ic_link_Z110");
  ASSERT_NE(material, nullptr);
  EXPECT_EQ(material->product().name(), "材料");
  EXPECT_THAT(material->product().aliases(), ElementsAre("材/料"));

  const v1::Vertex* acme =
      FindVertex(loaded, v1::VERTEX_KIND_FIRM, "EXT:Acme（US）");
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->firm().country(), "ZZ");
  EXPECT_THAT(acme->firm().aliases(), ElementsAre("Acme (US)"));
  EXPECT_TRUE(HasEdge(loaded, v1::EDGE_KIND_PRODUCES, "EXT:Acme（US）",
                      "TW-Z100/ic_link_Z110"));
  // Untitled sub-category: its member makes the segment.
  EXPECT_TRUE(HasEdge(loaded, v1::EDGE_KIND_PRODUCES, "EXT:Acme（US）",
                      "TW-Z100/ic_link_Z120"));
  // The segment list's entry with a subcategory_id belongs to it, so 乙 is
  // listed once, on the sub-category.
  EXPECT_TRUE(HasEdge(loaded, v1::EDGE_KIND_PRODUCES, "TW:00878",
                      "TW-Z100/sc_company_Z121"));
  EXPECT_FALSE(HasEdge(loaded, v1::EDGE_KIND_PRODUCES, "TW:00878",
                       "TW-Z100/ic_link_Z120"));
  EXPECT_EQ(InChainOf(loaded, "TW-Z100/sc_company_Z121").segment(), "服務");

  const std::map<std::string, int64_t> expected_defects = {
      {"company listed twice in one segment", 1},
      {"foreign firm spelled several ways", 1},
      {"foreign firm without country", 1},
      {"stage group not upstream/midstream/downstream", 1},
      {"stock code of odd shape (kept)", 2},  // once per listing
      {"sub-category without title (companies kept on segment)", 1},
      // The chain is not in a chain_names.json (there is none here).
      {"chain_names.json missing", 1},
  };
  EXPECT_EQ(loaded.report.defects.counts(), expected_defects)
      << loaded.report.defects.Format();
}

}  // namespace
}  // namespace chainkg::loaders
