#include "util/codes.h"

#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace chainkg {
namespace {

using ::chainkg::testing::StatusIs;

TEST(UsccTest, RealCodesPassTheCheckDigit) {
  for (const char* code : {"91310110666007217T", "91441900708017879M",
                           "914419006177625157", "91441900MA4WNG4C6H"}) {
    ASSERT_OK(ValidateUsccShape(code));
    EXPECT_TRUE(UsccCheckDigitOk(code)) << code;
  }
}

TEST(UsccTest, WrongCheckDigitIsWellShapedButFailsTheCheck) {
  ASSERT_OK(ValidateUsccShape("91350211M00013FA1N"));
  EXPECT_FALSE(UsccCheckDigitOk("91350211M00013FA1N"));
  EXPECT_EQ(UsccCheckCharacter("91441900708017879"), 'M');
}

TEST(UsccTest, MalformedCodesAreRejectedWithTheReason) {
  EXPECT_THAT(ValidateUsccShape("9144190070801787"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("18 characters")));
  // I, O, S, V and Z are not in the GB 32100-2015 alphabet.
  EXPECT_THAT(ValidateUsccShape("9144190070801787IM"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("character 17 'I'")));
  EXPECT_THAT(ValidateUsccShape("91A41900708017879M"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("region code")));
  // Excel's scientific notation of an all-digit code.
  EXPECT_THAT(ValidateUsccShape("9.14419E+17"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RegionCodeTest, AcceptsSixDigitCodesOnly) {
  EXPECT_OK(ValidateRegionCode("441900"));
  EXPECT_THAT(ValidateRegionCode("4419"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateRegionCode("00190A"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateRegionCode("001900"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_OK(ValidateRegionPrefix("44"));
  EXPECT_OK(ValidateRegionPrefix("4419"));
  EXPECT_THAT(ValidateRegionPrefix("4"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateRegionPrefix("4419001"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CountryCodeTest, AcceptsTwoUpperCaseLetters) {
  EXPECT_OK(ValidateCountryCode("CN"));
  EXPECT_OK(ValidateCountryCode("JP"));
  EXPECT_THAT(ValidateCountryCode("cn"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateCountryCode("CHN"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(IndustryCodeTest, AcceptsGbt4754ShapesWithOrWithoutSection) {
  for (const char* code : {"C", "C35", "C3562", "3562", "35"}) {
    EXPECT_OK(ValidateIndustryCode(code)) << code;
  }
  for (const char* code : {"", "Z35", "C35621", "3", "C3x"}) {
    EXPECT_THAT(ValidateIndustryCode(code),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << code;
  }
}

TEST(DateTest, AcceptsExistingIsoDatesOnly) {
  EXPECT_OK(ValidateDate("2024-02-29"));
  EXPECT_OK(ValidateDate("2023-12-31"));
  EXPECT_THAT(ValidateDate("2023-02-29"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("does not exist")));
  EXPECT_THAT(ValidateDate("1900-02-29"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateDate("2023/01/01"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateDate("2023-13-01"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace chainkg
