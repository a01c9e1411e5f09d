#include "cli/output.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/records.h"
#include "util/text_normalize.h"

namespace chainkg::cli {
namespace {

using ::chainkg::testing::MakeCredential;
using ::chainkg::testing::MakeFirm;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(OutputTest, TableColumnsAlignByDisplayWidth) {
  std::vector<v1::Vertex> firms = {MakeFirm("EXT:A", "东莞市甲科技有限公司"),
                                   MakeFirm("EXT:BB", "Foo Ltd", "", "JP")};
  std::ostringstream out;
  WriteTable(VertexRows(firms, /*for_table=*/true), out);
  std::istringstream lines(out.str());
  std::string line;
  // The region column starts at the same display column on the header and
  // on the row whose name is Chinese.
  std::vector<int> region_columns;
  while (std::getline(lines, line)) {
    size_t at = line.find("441900");
    if (at == std::string::npos) at = line.find("region_code");
    if (at != std::string::npos) {
      region_columns.push_back(DisplayWidth(line.substr(0, at)));
    }
  }
  ASSERT_GE(region_columns.size(), 2u);
  for (int column : region_columns) EXPECT_EQ(column, region_columns[0]);
}

TEST(OutputTest, CsvStartsWithBomAndQuotesWhereNeeded) {
  v1::Vertex firm = MakeFirm("EXT:A", "甲,\"乙\"公司");
  *firm.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_LITTLE_GIANT, v1::LEVEL_NATIONAL, 2021);
  std::ostringstream out;
  WriteCsv(VertexRows({firm}, /*for_table=*/false), out);
  EXPECT_THAT(out.str(), StartsWith("\xEF\xBB\xBFkey,name,"));
  EXPECT_THAT(out.str(), HasSubstr("\"甲,\"\"乙\"\"公司\""));
  EXPECT_THAT(out.str(), HasSubstr("little_giant|national|2021"));
}

// Every position of a special byte, in the sixteen- and eight-byte blocks
// and in the tail, next to UTF-8 bytes (all >= 0x80), against the plain
// rule.
TEST(OutputTest, CsvCellIsQuotedExactlyWhenItHoldsASpecialByte) {
  const std::string base = "东莞市甲科技ab有限公司xyz0123456789";  // 45 bytes
  for (char special : {',', '"', '\r', '\n'}) {
    for (size_t at = 0; at <= base.size(); ++at) {
      std::string cell = base;
      cell.insert(at, 1, special);
      std::string out;
      AppendCsvCell(cell, &out);
      std::string expected = "\"";
      // A CR first is also a formula guard (see the test below).
      if (cell[0] == '\r') expected.push_back('\'');
      for (char c : cell) {
        if (c == '"') expected.push_back('"');
        expected.push_back(c);
      }
      expected.push_back('"');
      EXPECT_EQ(out, expected)
          << "byte " << static_cast<int>(special) << " at " << at;
    }
  }
  for (const std::string& plain :
       {std::string(), base, std::string("441900"), std::string("a;b|c\t")}) {
    std::string out;
    AppendCsvCell(plain, &out);
    EXPECT_EQ(out, plain);
  }
}

// Issue 16: what a spreadsheet would evaluate is shown as text, and long or
// zero-led digit codes keep every digit.
TEST(OutputTest, CsvGuardsFormulasAndDigitCodes) {
  struct Case {
    std::string cell;
    std::string csv;
  };
  for (const Case& c : std::vector<Case>{
           {"=HYPERLINK(\"http://x\",\"y\")",
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
           {"+86 769", "\"'+86 769\""},
           {"-1", "\"'-1\""},
           {"@SUM(A1)", "\"'@SUM(A1)\""},
           {"\tx", "\"'\tx\""},
           {"914419008118813448", "\"=\"\"914419008118813448\"\"\""},
           {"012345", "\"=\"\"012345\"\"\""},
           // Left alone: short numbers, region codes, mixed codes, a dash
           // inside a cell.
           {"0", "0"},
           {"236", "236"},
           {"441900", "441900"},
           {"91441900708017879M", "91441900708017879M"},
           {"锂电-隔膜", "锂电-隔膜"},
       }) {
    std::string out;
    AppendCsvCell(c.cell, &out);
    EXPECT_EQ(out, c.csv) << c.cell;
    bool guarded = out.rfind("\"'", 0) == 0 || out.rfind("\"=", 0) == 0;
    EXPECT_EQ(CsvCellNeedsGuard(c.cell), guarded) << c.cell;
  }
}

// Every length (the byte loop, overlapping words, overlapping blocks) and
// every position of each special byte.
TEST(OutputTest, CsvNeedsQuotesFindsASpecialByteAtAnyPositionOfAnyLength) {
  for (size_t size = 0; size <= 50; ++size) {
    const std::string plain(size, 'a');
    EXPECT_FALSE(CsvNeedsQuotes(plain)) << size;
    for (char special : {',', '"', '\r', '\n'}) {
      for (size_t at = 0; at < size; ++at) {
        std::string cell = plain;
        cell[at] = special;
        EXPECT_TRUE(CsvNeedsQuotes(cell))
            << "byte " << static_cast<int>(special) << " at " << at << " of "
            << size;
      }
    }
  }
}

TEST(OutputTest, TableSummarizesCredentialsInChinese) {
  v1::Vertex firm = MakeFirm("EXT:A", "甲");
  *firm.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_LITTLE_GIANT, v1::LEVEL_NATIONAL, 2021);
  std::ostringstream out;
  WriteTable(VertexRows({firm}, /*for_table=*/true), out);
  EXPECT_THAT(out.str(), HasSubstr("小巨人(国家级,2021)"));
}

TEST(OutputTest, EdgeRowsShowBothEndsAndProperties) {
  v1::Edge edge = ::chainkg::testing::MakeEdge(
      v1::EDGE_KIND_SUPPLIES,
      ::chainkg::testing::Ref(v1::VERTEX_KIND_FIRM, "EXT:A"),
      ::chainkg::testing::Ref(v1::VERTEX_KIND_FIRM, "EXT:B"));
  edge.mutable_supplies()->set_product_key("电芯");
  edge.mutable_supplies()->set_share(0.4);
  Rows rows = EdgeRows({edge}, /*for_table=*/false);
  ASSERT_EQ(rows.cells.size(), 1u);
  EXPECT_EQ(rows.cells[0][0], "supplies");
  EXPECT_EQ(rows.cells[0][2], "EXT:A");
  EXPECT_EQ(rows.cells[0][4], "EXT:B");
  EXPECT_THAT(rows.cells[0][5], HasSubstr("product_key=电芯"));
  EXPECT_THAT(rows.cells[0][5], HasSubstr("share=0.4"));
}

}  // namespace
}  // namespace chainkg::cli
