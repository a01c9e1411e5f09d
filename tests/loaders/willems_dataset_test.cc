#include "loaders/datasets/willems_dataset.h"

#include <stdlib.h>

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
#include "absl/strings/str_split.h"
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
using ::testing::HasSubstr;

std::string WillemsDir() {
  return std::string(CHAINKG_SHARED_DATA_DIR) + "/willems2008";
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
  loaded.status = ReadWillemsDataset(
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

const v1::Edge* FindEdge(const Loaded& loaded, v1::EdgeKind kind,
                         const std::string& from_key,
                         const std::string& to_key) {
  for (const v1::Edge& edge : loaded.edges) {
    if (edge.kind() == kind && edge.from().key() == from_key &&
        edge.to().key() == to_key) {
      return &edge;
    }
  }
  return nullptr;
}

// Counts taken from the CSV text by splitting lines on commas (the files
// have no quotes), sharing nothing with the adapter's CSV reader.
struct RawCounts {
  int files = 0;
  int stages = 0;
  int arc_rows = 0;
  std::set<std::string> arcs;                  // "NN from to", distinct
  std::map<std::string, int> classifications;  // as written, e.g. "Parts"
};

RawCounts CountRaw(const std::string& dir) {
  RawCounts counts;
  for (const auto& entry : fs::directory_iterator(dir + "/csv")) {
    if (entry.path().extension() != ".csv") continue;
    ++counts.files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string line;
    std::getline(in, line);  // "\xEF\xBB\xBF/chain,,,"
    std::getline(in, line);
    std::vector<std::string> header = absl::StrSplit(line, ',');
    std::map<std::string, size_t> column;
    for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
    size_t from = column.at("/arcs/arc/@from");
    size_t to = column.at("/arcs/arc/@to");
    size_t name = column.at("/stages/stage/@stageName");
    size_t classification = column.at("/stages/stage/@stageClassification");
    while (std::getline(in, line)) {
      std::vector<std::string> cells = absl::StrSplit(line, ',');
      if (!cells[from].empty()) {
        ++counts.arc_rows;
        counts.arcs.insert(absl::StrCat(entry.path().stem().string(), " ",
                                        cells[from], " ", cells[to]));
      }
      if (!cells[name].empty()) {
        ++counts.stages;
        ++counts.classifications[cells[classification]];
      }
    }
  }
  return counts;
}

// The real dataset, read once for the suite (it is the same for every test).
class WillemsDatasetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(WillemsDir() + "/csv")) return;
    loaded_ = std::make_unique<const Loaded>(Load(WillemsDir()));
    raw_ = std::make_unique<const RawCounts>(CountRaw(WillemsDir()));
  }
  static void TearDownTestSuite() {
    loaded_.reset();
    raw_.reset();
  }
  void SetUp() override {
    if (loaded_ == nullptr) {
      GTEST_SKIP() << WillemsDir() << " is absent";
    }
    ASSERT_OK(loaded_->status);
  }

  static inline std::unique_ptr<const Loaded> loaded_;
  static inline std::unique_ptr<const RawCounts> raw_;
};

TEST_F(WillemsDatasetTest, EveryFileBecomesAChain) {
  EXPECT_EQ(raw_->files, 38);
  EXPECT_EQ(loaded_->report.records.at("chain"), raw_->files);
  const v1::Vertex* first =
      FindVertex(*loaded_, v1::VERTEX_KIND_CHAIN, "W08-01");
  ASSERT_NE(first, nullptr);
  // The published files are anonymized: no SIC description to add.
  EXPECT_EQ(first->chain().name(), "Willems 2008 chain 01");
  EXPECT_EQ(first->chain().category(), v1::CHAIN_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(first->chain().source().dataset(), "Willems 2008");
  EXPECT_EQ(first->chain().source().file(), "csv/01.csv");
  EXPECT_EQ(first->chain().source().line(), 3);
  EXPECT_NE(FindVertex(*loaded_, v1::VERTEX_KIND_CHAIN, "W08-38"), nullptr);
}

TEST_F(WillemsDatasetTest, EveryStageBecomesAProductInItsChain) {
  EXPECT_EQ(raw_->stages, 15872);
  EXPECT_EQ(loaded_->report.records.at("product"), raw_->stages);
  EXPECT_EQ(loaded_->report.records.at("IN_CHAIN"), raw_->stages);

  std::map<std::string, int> in_chain_of;  // product key -> IN_CHAIN edges
  std::map<v1::Stage, int> by_stage;
  for (const v1::Edge& edge : loaded_->edges) {
    if (edge.kind() != v1::EDGE_KIND_IN_CHAIN) continue;
    const std::string& key = edge.from().key();
    ++in_chain_of[key];
    ++by_stage[edge.in_chain().stage()];
    EXPECT_EQ(edge.to().key(), key.substr(0, key.find('/'))) << key;
  }
  for (const v1::Vertex& vertex : loaded_->vertices) {
    if (vertex.has_product()) {
      EXPECT_EQ(in_chain_of[vertex.product().key()], 1)
          << vertex.product().key();
    }
  }
  const std::map<std::string, int>& raw = raw_->classifications;
  auto count = [&raw](const char* classification) {
    auto it = raw.find(classification);
    return it == raw.end() ? 0 : it->second;
  };
  EXPECT_EQ(by_stage[v1::STAGE_UPSTREAM], count("Part") + count("Parts"));
  EXPECT_EQ(by_stage[v1::STAGE_MIDSTREAM], count("Manuf"));
  EXPECT_EQ(by_stage[v1::STAGE_DOWNSTREAM],
            count("Dist") + count("Trans") + count("Retail"));
  EXPECT_EQ(by_stage[v1::STAGE_UNSPECIFIED], 0);

  const v1::Vertex* part =
      FindVertex(*loaded_, v1::VERTEX_KIND_PRODUCT, "W08-01/Part_0001");
  ASSERT_NE(part, nullptr);
  EXPECT_EQ(part->product().name(), "Part_0001");
  EXPECT_EQ(part->product().kind(), v1::PRODUCT_KIND_COMPONENT);
  EXPECT_EQ(part->product().source().file(), "csv/01.csv");
  EXPECT_EQ(part->product().source().line(), 15);
  const v1::Edge* part_in =
      FindEdge(*loaded_, v1::EDGE_KIND_IN_CHAIN, "W08-01/Part_0001", "W08-01");
  ASSERT_NE(part_in, nullptr);
  EXPECT_EQ(part_in->in_chain().stage(), v1::STAGE_UPSTREAM);
  EXPECT_EQ(part_in->in_chain().segment(), "Part");

  const v1::Vertex* retail =
      FindVertex(*loaded_, v1::VERTEX_KIND_PRODUCT, "W08-01/Retail_0001");
  ASSERT_NE(retail, nullptr);
  EXPECT_EQ(retail->product().kind(), v1::PRODUCT_KIND_PRODUCT);
  const v1::Vertex* trans =
      FindVertex(*loaded_, v1::VERTEX_KIND_PRODUCT, "W08-02/Trans_0001");
  ASSERT_NE(trans, nullptr);
  EXPECT_EQ(trans->product().kind(), v1::PRODUCT_KIND_SERVICE);
  // Chain 19 writes "Parts".
  const v1::Vertex* parts =
      FindVertex(*loaded_, v1::VERTEX_KIND_PRODUCT, "W08-19/Part_0001");
  ASSERT_NE(parts, nullptr);
  EXPECT_EQ(parts->product().kind(), v1::PRODUCT_KIND_COMPONENT);
}

TEST_F(WillemsDatasetTest, EveryArcBecomesAnEssentialInput) {
  EXPECT_EQ(raw_->arc_rows, 43589);
  // No arc is repeated within a file.
  EXPECT_EQ(static_cast<int>(raw_->arcs.size()), raw_->arc_rows);
  EXPECT_EQ(loaded_->report.records.at("INPUT_TO"),
            static_cast<int64_t>(raw_->arcs.size()));
  for (const v1::Edge& edge : loaded_->edges) {
    if (edge.kind() != v1::EDGE_KIND_INPUT_TO) continue;
    ASSERT_TRUE(edge.has_input_to());
    EXPECT_TRUE(edge.input_to().essential());
    const std::string& from = edge.from().key();
    EXPECT_TRUE(
        absl::StartsWith(edge.to().key(), from.substr(0, from.find('/') + 1)))
        << "arc across chains: " << from << " -> " << edge.to().key();
  }
  const v1::Edge* arc = FindEdge(*loaded_, v1::EDGE_KIND_INPUT_TO,
                                 "W08-01/Part_0001", "W08-01/Manuf_0001");
  ASSERT_NE(arc, nullptr);
  EXPECT_EQ(arc->source().file(), "csv/01.csv");
  EXPECT_EQ(arc->source().line(), 7);
  // Arcs run from supplier to customer, never the other way.
  EXPECT_EQ(FindEdge(*loaded_, v1::EDGE_KIND_INPUT_TO, "W08-01/Manuf_0001",
                     "W08-01/Part_0001"),
            nullptr);
}

TEST_F(WillemsDatasetTest,
       VerticesComeFirstAndEveryEdgeNamesAVertexSentBefore) {
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

TEST_F(WillemsDatasetTest, EveryRecordIsCanonicalAndNamesItsRow) {
  for (const v1::Vertex& vertex : loaded_->vertices) {
    v1::Vertex again = vertex;
    ASSERT_OK(graph::CanonicalizeVertex(&again).status());
    EXPECT_EQ(again.SerializeAsString(), vertex.SerializeAsString())
        << graph::KeyOf(vertex);
  }
  for (const ParsedRow& row : loaded_->rows) {
    for (const v1::Edge& edge : row.edges) {
      v1::Edge again = edge;
      ASSERT_OK(graph::CanonicalizeEdge(&again));
      EXPECT_EQ(edge.source().dataset(), "Willems 2008");
      EXPECT_TRUE(absl::StartsWith(edge.source().file(), "csv/"))
          << edge.source().file();
      EXPECT_GT(edge.source().line(), 2);  // below the /chain line and header
      EXPECT_EQ(row.line, edge.source().line());
    }
  }
}

TEST_F(WillemsDatasetTest, ReportCountsEveryRecordSent) {
  std::map<std::string, int64_t> counted;
  for (const v1::Vertex& vertex : loaded_->vertices) {
    ++counted[std::string(graph::KindName(graph::KindOf(vertex)))];
  }
  for (const v1::Edge& edge : loaded_->edges) {
    ++counted[v1::EdgeKind_Name(edge.kind()).substr(10)];  // "EDGE_KIND_"
  }
  EXPECT_EQ(loaded_->report.records, counted);
}

TEST_F(WillemsDatasetTest, DefectsFoundByHandAreCounted) {
  // The only defect of the published files: chain 19 writes "Parts" for
  // its 43 Part stages. No undefined, duplicate or self arcs, no stage
  // without a classification.
  EXPECT_EQ(raw_->classifications.at("Parts"), 43);
  const std::map<std::string, int64_t> expected = {
      {"stage classification \"Parts\" (read as Part)", 43},
  };
  EXPECT_EQ(loaded_->report.defects.counts(), expected)
      << loaded_->report.defects.Format();
}

// A dataset folder of hand-written files in a fresh temporary directory,
// removed at the end of the test.
class ScratchWillems {
 public:
  ScratchWillems() {
    std::string pattern = ::testing::TempDir() + "willems_test_XXXXXX";
    root_ = mkdtemp(pattern.data());
    fs::create_directories(root_ + "/csv");
  }
  ~ScratchWillems() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  ScratchWillems(const ScratchWillems&) = delete;
  ScratchWillems& operator=(const ScratchWillems&) = delete;

  void WriteCsv(const std::string& file_name, const std::string& text) {
    std::ofstream(root_ + "/csv/" + file_name, std::ios::binary) << text;
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

constexpr char kHeader[] =
    "/@company,/@sicDescription,/arcs/arc/@from,/arcs/arc/@to,"
    "/stages/stage/@stageClassification,/stages/stage/@stageName\n";

TEST(ReadWillemsDatasetTest, MissingFolderIsNotFound) {
  ScratchWillems scratch;
  DatasetReport report;
  EXPECT_THAT(ReadWillemsDataset(
                  scratch.root() + "/nowhere",
                  [](ParsedRow&&) { return absl::OkStatus(); }, &report),
              StatusIs(absl::StatusCode::kNotFound));
  // csv/ exists but is empty.
  EXPECT_THAT(ReadWillemsDataset(
                  scratch.root(), [](ParsedRow&&) { return absl::OkStatus(); },
                  &report),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(ReadWillemsDatasetTest, FileThatIsNotAChainExportIsDataLoss) {
  ScratchWillems scratch;
  scratch.WriteCsv("01.csv", "name,kind\nx,y\n");
  EXPECT_THAT(Load(scratch.root()).status,
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("csv/01.csv: not a Willems chain export")));

  ScratchWillems broken;
  broken.WriteCsv("01.csv",
                  absl::StrCat("/chain\n", kHeader, "1,\"unclosed,,,Part,P\n"));
  EXPECT_THAT(Load(broken.root()).status,
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("csv/01.csv: ")));
}

TEST(ReadWillemsDatasetTest, SinkErrorStopsTheReadUnchanged) {
  ScratchWillems scratch;
  scratch.WriteCsv("01.csv",
                   absl::StrCat("/chain\n", kHeader, "1,,,,Part,P\n"));
  DatasetReport report;
  EXPECT_THAT(
      ReadWillemsDataset(
          scratch.root(),
          [](ParsedRow&&) { return absl::ResourceExhaustedError("full"); },
          &report),
      StatusIs(absl::StatusCode::kResourceExhausted, "full"));
}

// The defect rules on a chain small enough to check by eye. Bad arcs are
// skipped rather than inventing stages nobody defined.
TEST(ReadWillemsDatasetTest, SmallChainMapsAsDocumented) {
  ScratchWillems scratch;
  scratch.WriteCsv("07.csv",
                   absl::StrCat("\xEF\xBB\xBF/chain,,,,,\n", kHeader,
                                "7,Pumps,P,M\n"   // line 3
                                "7,,P,M\n"        // duplicate
                                "7,,M,M\n"        // self-arc
                                "7,,P,Ghost\n"    // undefined stage
                                "7,,M,R\n"        // line 7
                                "7,,,,Manuf,M\n"  // line 8
                                "7,,,,Part,P\n"   // line 9
                                "7,,,,Part,P\n"   // defined twice
                                "7,,,,,R\n"       // no classification
                                "7,,,,Spare,S\n"  // unknown, on no arc
                                "7,,,,,\n"));     // nothing
  Loaded loaded = Load(scratch.root());
  ASSERT_OK(loaded.status);
  EXPECT_EQ(
      loaded.report.records,
      (std::map<std::string, int64_t>{
          {"chain", 1}, {"product", 4}, {"IN_CHAIN", 4}, {"INPUT_TO", 2}}));
  const v1::Vertex* chain = FindVertex(loaded, v1::VERTEX_KIND_CHAIN, "W08-07");
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->chain().name(), "Willems 2008 chain 07 (Pumps)");
  const v1::Edge* arc =
      FindEdge(loaded, v1::EDGE_KIND_INPUT_TO, "W08-07/M", "W08-07/R");
  ASSERT_NE(arc, nullptr);
  EXPECT_EQ(arc->source().line(), 7);
  const v1::Vertex* unclassified =
      FindVertex(loaded, v1::VERTEX_KIND_PRODUCT, "W08-07/R");
  ASSERT_NE(unclassified, nullptr);
  EXPECT_EQ(unclassified->product().kind(), v1::PRODUCT_KIND_UNSPECIFIED);
  EXPECT_EQ(FindEdge(loaded, v1::EDGE_KIND_IN_CHAIN, "W08-07/R", "W08-07")
                ->in_chain()
                .stage(),
            v1::STAGE_UNSPECIFIED);

  const std::map<std::string, int64_t> expected_defects = {
      {"duplicate arc (skipped)", 1},
      {"self-arc (skipped)", 1},
      {"arc naming an undefined stage (skipped)", 1},
      {"stage defined twice (first kept)", 1},
      {"stage without classification", 1},
      {"unknown stage classification", 1},
      {"stage on no arc", 1},
      {"row with neither an arc nor a stage (skipped)", 1},
      {"rows narrower or wider than the header", 1},
  };
  EXPECT_EQ(loaded.report.defects.counts(), expected_defects)
      << loaded.report.defects.Format();
}

}  // namespace
}  // namespace chainkg::loaders
