#include "util/region_names.h"

#include "gtest/gtest.h"

namespace chainkg {
namespace {

TEST(RegionNameTest, NamesEachLevelFromTheProvinceDown) {
  EXPECT_EQ(RegionName("44"), "广东省");
  EXPECT_EQ(RegionName("4401"), "广东省 广州市");
  EXPECT_EQ(RegionName("440106"), "广东省 广州市 天河区");
}

TEST(RegionNameTest, ACityWithoutCountiesIsNamedOnce) {
  // Dongguan's firms carry 441900, whose table name repeats the city's.
  EXPECT_EQ(RegionName("4419"), "广东省 东莞市");
  EXPECT_EQ(RegionName("441900"), "广东省 东莞市");
}

TEST(RegionNameTest, PlaceholderLevelsAreLeftOut) {
  EXPECT_EQ(RegionName("1101"), "北京市");  // 市辖区
  EXPECT_EQ(RegionName("110101"), "北京市 东城区");
}

TEST(RegionNameTest, AnUnknownCodeFallsBackToWhatIsKnown) {
  EXPECT_EQ(RegionName("441999"), "广东省 东莞市");  // no such county
  EXPECT_EQ(RegionName("449999"), "广东省");         // no such city
  EXPECT_EQ(RegionName("99"), "");
  EXPECT_EQ(RegionName("990101"), "");
  EXPECT_EQ(RegionName("441"), "");
  EXPECT_EQ(RegionName("44x9"), "");
  EXPECT_EQ(RegionName(""), "");
}

TEST(RegionNameTest, KnownPrefixesNameAProvinceAndCity) {
  EXPECT_TRUE(IsKnownRegionPrefix("44"));
  EXPECT_TRUE(IsKnownRegionPrefix("4419"));
  EXPECT_TRUE(IsKnownRegionPrefix("441900"));
  EXPECT_TRUE(IsKnownRegionPrefix("441"));
  EXPECT_FALSE(IsKnownRegionPrefix("99"));
  EXPECT_FALSE(IsKnownRegionPrefix("4499"));
  EXPECT_FALSE(IsKnownRegionPrefix("4"));
}

}  // namespace
}  // namespace chainkg
