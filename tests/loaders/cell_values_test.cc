#include "loaders/cell_values.h"

#include <algorithm>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "chainkg/v1/model.pb.h"
#include "tests/testing/status_matchers.h"

namespace chainkg::loaders {
namespace {

using ::chainkg::testing::IsOkAndHolds;
using ::chainkg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CellValuesTest, EnumsAcceptShortFullAndChineseNames) {
  const auto* kind = v1::CredentialKind_descriptor();
  for (const char* text :
       {"little_giant", "LITTLE_GIANT", "CREDENTIAL_KIND_LITTLE_GIANT",
        "小巨人", " 专精特新小巨人 "}) {
    EXPECT_THAT(ParseEnumCell(kind, text),
                IsOkAndHolds(v1::CREDENTIAL_KIND_LITTLE_GIANT))
        << text;
  }
  EXPECT_THAT(ParseEnumCell(v1::Level_descriptor(), "省级"),
              IsOkAndHolds(v1::LEVEL_PROVINCIAL));
  EXPECT_THAT(
      ParseEnumCell(kind, "giant"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("little_giant")));
  EXPECT_THAT(ParseEnumCell(kind, "unspecified"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CellValuesTest, DatesFromExcelAreNormalized) {
  EXPECT_THAT(ParseDateCell("2023/7/1"),
              IsOkAndHolds(std::string("2023-07-01")));
  EXPECT_THAT(ParseDateCell("2023.12.31"),
              IsOkAndHolds(std::string("2023-12-31")));
  EXPECT_THAT(ParseDateCell("2023-02-30"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDateCell("7/1/2023"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// Dates already in YYYY-MM-DD are kept as they are; the result must be the
// one the general parse gives the same date written with slashes.
TEST(CellValuesTest, IsoDatesParseAsTheirSlashedForms) {
  for (const char* iso :
       {"2023-07-01", "2024-02-29", "2023-02-29", "2023-13-01", "2023-00-10",
        "2023-04-31", "0999-01-01", "1000-01-01", "2023-1a-01", "9999-12-31",
        "2000-02-29", "1900-02-29"}) {
    std::string slashed = iso;
    std::replace(slashed.begin(), slashed.end(), '-', '/');
    absl::StatusOr<std::string> want = ParseDateCell(slashed);
    absl::StatusOr<std::string> got = ParseDateCell(iso);
    EXPECT_EQ(got.ok(), want.ok()) << iso;
    if (got.ok() && want.ok()) {
      EXPECT_EQ(*got, *want) << iso;
    }
  }
  EXPECT_THAT(ParseDateCell(" 2023-07-01 "),
              IsOkAndHolds(std::string("2023-07-01")));
}

TEST(CellValuesTest, SharesAcceptPercentages) {
  EXPECT_THAT(ParseShareCell("0.35"), IsOkAndHolds(0.35));
  EXPECT_THAT(ParseShareCell("35%"), IsOkAndHolds(0.35));
  EXPECT_THAT(ParseShareCell("120%"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseShareCell("x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CellValuesTest, BooleansAndListsInSpreadsheetSpellings) {
  EXPECT_THAT(ParseBoolCell("是"), IsOkAndHolds(true));
  EXPECT_THAT(ParseBoolCell("No"), IsOkAndHolds(false));
  EXPECT_THAT(ParseBoolCell("maybe"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SplitListCell(" 甲；乙; ;丙 "), ElementsAre("甲", "乙", "丙"));
}

TEST(CellValuesTest, ExcelDamagedUsccsAreRecognized) {
  EXPECT_THAT(CheckExcelDamage("9.14419E+17"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scientific notation")));
  EXPECT_THAT(CheckExcelDamage("914419006177625000"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("15 significant digits")));
  EXPECT_THAT(
      CheckExcelDamage("9144190061776251"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("digits")));
  EXPECT_OK(CheckExcelDamage("914419006177625157"));
  EXPECT_OK(CheckExcelDamage("91441900MA4WNG4C6H"));
  EXPECT_OK(CheckExcelDamage("SSE:600373"));
}

}  // namespace
}  // namespace chainkg::loaders
