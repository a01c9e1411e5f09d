#include "util/text_normalize.h"

#include "gtest/gtest.h"

namespace chainkg {
namespace {

TEST(NormalizeNameTest, FullWidthAndHalfWidthFormsMatch) {
  EXPECT_EQ(NormalizeName("ＡＢＣ科技１２３"), NormalizeName("abc科技123"));
  EXPECT_EQ(NormalizeName("ＡＢＣ科技１２３"), "abc科技123");
}

TEST(NormalizeNameTest, AllBracketFormsBecomeAsciiParentheses) {
  std::string expected = "广东拓斯达科技(东莞)有限公司";
  EXPECT_EQ(NormalizeName("广东拓斯达科技（东莞）有限公司"), expected);
  EXPECT_EQ(NormalizeName("广东拓斯达科技(东莞)有限公司"), expected);
  EXPECT_EQ(NormalizeName("广东拓斯达科技【东莞】有限公司"), expected);
  EXPECT_EQ(NormalizeName("广东拓斯达科技〔东莞〕有限公司"), expected);
  EXPECT_EQ(NormalizeName("广东拓斯达科技［东莞］有限公司"), expected);
}

TEST(NormalizeNameTest, SpacesAndZeroWidthCharactersAreRemoved) {
  EXPECT_EQ(NormalizeName(" 玖龙 纸业\u3000(控股)\t"), "玖龙纸业(控股)");
  EXPECT_EQ(NormalizeName("玖\u200b龙\u200d纸\ufeff业"), "玖龙纸业");
}

// Found by fuzz/text_encoding_fuzzer (issue 5): NFKC turns the spacing
// cedilla U+00B8 into a space and U+0327; once the space was dropped the
// mark stayed uncomposed, so the result normalized to something else again.
TEST(NormalizeNameTest, MarksLeftByADroppedSpaceAreComposed) {
  EXPECT_EQ(NormalizeName("k\u00b8"), "\u0137");  // k with cedilla
  EXPECT_EQ(NormalizeName(NormalizeName("k\u00b8")), NormalizeName("k\u00b8"));
}

TEST(NormalizeNameTest, LetterCaseDoesNotMatter) {
  EXPECT_EQ(NormalizeName("TSMC Ltd."), NormalizeName("tsmc ltd."));
}

TEST(NormalizeNameTest, InvalidUtf8IsDropped) {
  EXPECT_EQ(NormalizeName("ab\xff\xfe"
                          "c"),
            "abc");
  EXPECT_TRUE(IsValidUtf8(NormalizeName("\xe4\xb8")));
}

TEST(Utf8Test, DetectsMalformedSequences) {
  EXPECT_TRUE(IsValidUtf8("东莞 abc"));
  EXPECT_FALSE(IsValidUtf8("\xe4\xb8"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));  // overlong "/"
}

TEST(DisplayWidthTest, WideCharactersTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("东莞"), 4);
  EXPECT_EQ(DisplayWidth("（东莞）"), 8);
  EXPECT_EQ(DisplayWidth("a\u200bb"), 2);
}

}  // namespace
}  // namespace chainkg
