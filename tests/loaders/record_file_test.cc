#include "loaders/record_file.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace chainkg::loaders {
namespace {

using ::chainkg::testing::StatusIs;
using ::chainkg::testing::TempDir;
using ::testing::HasSubstr;

struct Loaded {
  RecordFileResult result;
  std::vector<ParsedRow> rows;
};

absl::StatusOr<Loaded> Load(const std::string& path,
                            std::optional<FileKind> kind = std::nullopt) {
  Loaded loaded;
  RecordFileOptions options;
  options.kind = kind;
  absl::StatusOr<RecordFileResult> result =
      ReadRecordFile(path, options, [&](ParsedRow&& row) {
        loaded.rows.push_back(std::move(row));
        return absl::OkStatus();
      });
  if (!result.ok()) return result.status();
  loaded.result = std::move(*result);
  return loaded;
}

std::string Write(const TempDir& dir, const std::string& name,
                  const std::string& text) {
  std::string path = dir.Sub(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::vector<std::string> Format(const std::vector<Issue>& issues) {
  std::vector<std::string> lines;
  for (const Issue& issue : issues) lines.push_back(FormatIssue(issue));
  return lines;
}

TEST(RecordFileTest, GbkExcelExportLoadsGoodRowsAndNamesBadOnes) {
  ASSERT_OK_AND_ASSIGN(Loaded loaded, Load(std::string(CHAINKG_TEST_DATA_DIR) +
                                           "/excel/firms_gbk.csv"));
  EXPECT_EQ(loaded.result.encoding, TextEncoding::kGb18030);
  EXPECT_EQ(loaded.result.rows, 5);
  ASSERT_EQ(loaded.rows.size(), 3u);
  const v1::Firm& first = loaded.rows[0].vertices[0].firm();
  EXPECT_EQ(first.name(), "东莞市精密隔膜材料有限公司（松山湖）");
  EXPECT_EQ(first.former_names_size(), 2);
  EXPECT_EQ(first.source().file(), "firms_gbk.csv");
  EXPECT_EQ(first.source().line(), 2);
  EXPECT_THAT(
      Format(loaded.result.issues),
      ::testing::ElementsAre(
          HasSubstr("firms_gbk.csv:1: 备注: unknown column"),
          HasSubstr("firms_gbk.csv:3: key: \"9.14419E+17\" is a USCC that "
                    "Excel turned into scientific notation"),
          HasSubstr("firms_gbk.csv:4: key: USCC \"91350211M00013FA1N\" fails"),
          HasSubstr("firms_gbk.csv:5: region_code: region code must be six "
                    "digits")));
}

TEST(RecordFileTest, CredentialRowsBecomePartialFirms) {
  TempDir dir;
  std::string path =
      Write(dir, "credentials.csv",
            "firm_key,kind,level,year,valid_from,status\n"
            "91441900708017879M,小巨人,国家级,2021,2021/7/1,认定\n"
            "91441900708017879M,giant,national,2021,,\n");
  ASSERT_OK_AND_ASSIGN(Loaded loaded, Load(path));
  ASSERT_EQ(loaded.rows.size(), 1u);
  const v1::Firm& firm = loaded.rows[0].vertices[0].firm();
  EXPECT_EQ(firm.name(), "");
  ASSERT_EQ(firm.credentials_size(), 1);
  EXPECT_EQ(firm.credentials(0).kind(), v1::CREDENTIAL_KIND_LITTLE_GIANT);
  EXPECT_EQ(firm.credentials(0).valid_from(), "2021-07-01");
  EXPECT_EQ(firm.credentials(0).status(), v1::CREDENTIAL_STATUS_GRANTED);
  ASSERT_EQ(loaded.result.issues.size(), 1u);
  EXPECT_THAT(FormatIssue(loaded.result.issues[0]),
              HasSubstr("credentials.csv:3: kind: unknown value \"giant\""));
}

TEST(RecordFileTest, EdgeRowsImplyEndpointKindsAndCheckThem) {
  TempDir dir;
  std::string path =
      Write(dir, "edges.csv",
            "kind,from_key,to_key,product_key,share,essential,from_kind\n"
            "supplies,EXT:A,EXT:B,cell,40%,,\n"
            "input_to,cathode,cell,,,是,\n"
            "leads,EXT:A,NEV,,,,\n"
            "produces,cell,EXT:A,,,,product\n");
  ASSERT_OK_AND_ASSIGN(Loaded loaded, Load(path));
  ASSERT_EQ(loaded.rows.size(), 2u);
  const v1::Edge& supplies = loaded.rows[0].edges[0];
  EXPECT_EQ(supplies.from().kind(), v1::VERTEX_KIND_FIRM);
  EXPECT_EQ(supplies.supplies().product_key(), "cell");
  EXPECT_DOUBLE_EQ(supplies.supplies().share(), 0.4);
  EXPECT_TRUE(loaded.rows[1].edges[0].input_to().essential());
  EXPECT_THAT(
      Format(loaded.result.issues),
      ::testing::ElementsAre(
          HasSubstr("edges.csv:4: from_kind: required for this edge kind"),
          HasSubstr("edges.csv:5: kind: PRODUCES cannot link product -> "
                    "product")));
}

TEST(RecordFileTest, FileLevelProblemsFailTheWholeFile) {
  TempDir dir;
  EXPECT_THAT(
      Load(Write(dir, "firms.csv", "name,region_code\nx,441900\n")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("firms.csv:1: missing required column \"key\"")));
  EXPECT_THAT(
      Load(Write(dir, "stuff.csv", "key,name\n")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("use --as KIND")));
  EXPECT_THAT(Load(Write(dir, "firms.xlsx", "PK")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown file type")));
  EXPECT_THAT(Load(dir.Sub("firms-missing.csv")),
              StatusIs(absl::StatusCode::kNotFound));
  // --as overrides the name.
  ASSERT_OK_AND_ASSIGN(Loaded forced, Load(Write(dir, "stuff2.csv",
                                                 "key,name\nNEV,新能源汽车\n"),
                                           FileKind::kChains));
  EXPECT_TRUE(forced.rows[0].vertices[0].has_chain());
}

TEST(RecordFileTest, FixtureJsonlLoadsWithoutIssues) {
  std::string fixture = std::string(CHAINKG_TEST_DATA_DIR) + "/fixture/";
  int64_t records = 0;
  for (const char* name :
       {"firms.jsonl", "products.jsonl", "chains.jsonl", "consortia.jsonl",
        "platforms.jsonl", "industries.jsonl", "projects.jsonl",
        "edges.jsonl"}) {
    ASSERT_OK_AND_ASSIGN(Loaded loaded, Load(fixture + name));
    EXPECT_TRUE(loaded.result.issues.empty())
        << name << ": "
        << ::testing::PrintToString(Format(loaded.result.issues));
    for (const ParsedRow& row : loaded.rows) {
      records += row.vertices.size() + row.edges.size();
    }
  }
  EXPECT_EQ(records, 52);
}

TEST(RecordFileTest, DocumentedExamplesLoadWithoutIssues) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(CHAINKG_EXAMPLES_DIR)) {
    ++files;
    ASSERT_OK_AND_ASSIGN(Loaded loaded, Load(entry.path().string()));
    EXPECT_TRUE(loaded.result.issues.empty())
        << entry.path() << ": "
        << ::testing::PrintToString(Format(loaded.result.issues));
    EXPECT_EQ(static_cast<int64_t>(loaded.rows.size()), loaded.result.rows)
        << entry.path();
  }
  EXPECT_EQ(files, 10) << "docs/examples has one file per kind";
}

TEST(RecordFileTest, FieldPathsMapToInputColumns) {
  EXPECT_EQ(ColumnOfField(FileKind::kEdges, "to"), "to_key");
  EXPECT_EQ(ColumnOfField(FileKind::kEdges, "from.key"), "from_key");
  EXPECT_EQ(ColumnOfField(FileKind::kEdges, "supplies.share"), "share");
  EXPECT_EQ(ColumnOfField(FileKind::kCredentials, "firm.name"), "firm_key");
  EXPECT_EQ(ColumnOfField(FileKind::kFirms, "firm.credentials[0].valid_to"),
            "valid_to");
  EXPECT_EQ(ColumnOfField(FileKind::kChainProducts, "to"), "chain_key");
}

}  // namespace
}  // namespace chainkg::loaders
