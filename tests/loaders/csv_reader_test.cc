#include "loaders/csv_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace chainkg::loaders {
namespace {

using ::chainkg::testing::StatusIs;
using ::testing::ElementsAre;

std::vector<CsvRow> ReadAll(absl::string_view text) {
  CsvReader reader(text);
  std::vector<CsvRow> rows;
  CsvRow row;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&row);
    EXPECT_OK(more);
    if (!more.ok() || !*more) break;
    rows.push_back(row);
  }
  return rows;
}

TEST(CsvReaderTest, ReadsQuotedCellsAcrossLinesWithLineNumbers) {
  std::vector<CsvRow> rows =
      ReadAll("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",z\nlast,");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_THAT(rows[1].cells, ElementsAre("x, y", "say \"hi\""));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_THAT(rows[2].cells, ElementsAre("two\nlines", "z"));
  EXPECT_EQ(rows[2].line, 4);
  EXPECT_THAT(rows[3].cells, ElementsAre("last", ""));
  EXPECT_EQ(rows[3].line, 6);
}

TEST(CsvReaderTest, BrokenQuotingIsAnErrorWithItsLine) {
  CsvReader unterminated("a\n\"open,b\n");
  CsvRow row;
  ASSERT_OK(unterminated.Next(&row));
  EXPECT_THAT(unterminated.Next(&row),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("line 2")));
  CsvReader stray("ab\"c\n");
  EXPECT_THAT(stray.Next(&row), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace chainkg::loaders
