#include "util/command_line.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace chainkg {
namespace {

using ::chainkg::testing::StatusIs;
using ::testing::ElementsAre;

const std::vector<FlagSpec> kSpecs = {
    {"server"}, {"limit"}, {"replace", false}};

TEST(CommandLineTest, FlagsAndPositionalsMayInterleave) {
  ASSERT_OK_AND_ASSIGN(CommandLine line,
                       CommandLine::Parse({"firm", "--server", "h:1", "search",
                                           "--limit=5", "东莞", "--replace"},
                                          kSpecs));
  EXPECT_THAT(line.positional(), ElementsAre("firm", "search", "东莞"));
  EXPECT_EQ(line.Get("server", ""), "h:1");
  EXPECT_THAT(line.GetInt("limit", 0), ::chainkg::testing::IsOkAndHolds(5));
  EXPECT_TRUE(line.Has("replace"));
}

TEST(CommandLineTest, UnknownFlagsAndMissingValuesAreErrors) {
  EXPECT_THAT(CommandLine::Parse({"--bogus"}, kSpecs),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("--bogus")));
  EXPECT_THAT(CommandLine::Parse({"--server"}, kSpecs),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("needs a value")));
  EXPECT_THAT(CommandLine::Parse({"--replace=yes"}, kSpecs),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CommandLineTest, DoubleDashEndsFlags) {
  ASSERT_OK_AND_ASSIGN(CommandLine line,
                       CommandLine::Parse({"--", "--limit"}, kSpecs));
  EXPECT_THAT(line.positional(), ElementsAre("--limit"));
}

TEST(CommandLineTest, NonIntegerValueNamesTheFlag) {
  ASSERT_OK_AND_ASSIGN(CommandLine line,
                       CommandLine::Parse({"--limit", "ten"}, kSpecs));
  EXPECT_THAT(line.GetInt("limit", 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("--limit")));
}

}  // namespace
}  // namespace chainkg
