#include "util/text_encoding.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace chainkg {
namespace {

using ::chainkg::testing::StatusIs;

TEST(TextEncodingTest, ValidUtf8IsReadAsIs) {
  ASSERT_OK_AND_ASSIGN(DecodedText text, DecodeText("东莞,441900\n"));
  EXPECT_EQ(text.encoding, TextEncoding::kUtf8);
  EXPECT_EQ(text.utf8, "东莞,441900\n");
}

TEST(TextEncodingTest, BomIsHonouredAndRemoved) {
  ASSERT_OK_AND_ASSIGN(DecodedText text, DecodeText("\xEF\xBB\xBFkey\n"));
  EXPECT_EQ(text.encoding, TextEncoding::kUtf8Bom);
  EXPECT_EQ(text.utf8, "key\n");
  // UTF-16LE "东" (U+4E1C) with a BOM.
  ASSERT_OK_AND_ASSIGN(DecodedText utf16,
                       DecodeText(std::string("\xFF\xFE\x1C\x4E", 4)));
  EXPECT_EQ(utf16.encoding, TextEncoding::kUtf16Le);
  EXPECT_EQ(utf16.utf8, "东");
}

TEST(TextEncodingTest, GbkBytesAreDecodedAsGb18030) {
  // "东莞（松山湖）" in GBK, as Excel on a Chinese Windows saves it.
  std::string gbk = "\xB6\xAB\xDD\xB8\xA3\xA8\xCB\xC9\xC9\xBD\xBA\xFE\xA3\xA9";
  ASSERT_OK_AND_ASSIGN(DecodedText text, DecodeText("name\n" + gbk + "\n"));
  EXPECT_EQ(text.encoding, TextEncoding::kGb18030);
  EXPECT_EQ(text.utf8, "name\n东莞（松山湖）\n");
}

TEST(TextEncodingTest, UndecodableBytesNameTheLine) {
  EXPECT_THAT(DecodeText("ok\nok\n\xB6\xAB\xFF\xFF\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("line 3")));
  EXPECT_THAT(DecodeText("\xEF\xBB\xBFok\n\xC0\xAF\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("line 2")));
}

}  // namespace
}  // namespace chainkg
