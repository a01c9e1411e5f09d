#include "util/throttled_check.h"

#include "gtest/gtest.h"

namespace chainkg {
namespace {

TEST(ThrottledCheckTest, AsksAtMostOncePerInterval) {
  absl::Time clock = absl::UnixEpoch();
  int asked = 0;
  std::function<bool()> check = ThrottledCheck(
      [&asked] {
        ++asked;
        return false;
      },
      absl::Milliseconds(1), [&clock] { return clock; });
  EXPECT_FALSE(check());  // the first call asks
  EXPECT_EQ(asked, 1);
  for (int i = 0; i < 9; ++i) {
    clock += absl::Microseconds(100);
    EXPECT_FALSE(check());
  }
  EXPECT_EQ(asked, 1);  // 0.9 ms after the first
  clock += absl::Microseconds(100);
  EXPECT_FALSE(check());
  EXPECT_EQ(asked, 2);  // 1 ms after
  clock += absl::Seconds(5);
  EXPECT_FALSE(check());
  EXPECT_EQ(asked, 3);
}

TEST(ThrottledCheckTest, NoticesAYesWithinOneIntervalAndKeepsIt) {
  absl::Time clock = absl::UnixEpoch();
  bool cancelled = false;
  int asked = 0;
  std::function<bool()> check = ThrottledCheck(
      [&] {
        ++asked;
        return cancelled;
      },
      absl::Milliseconds(1), [&clock] { return clock; });
  EXPECT_FALSE(check());
  cancelled = true;
  clock += absl::Microseconds(500);
  EXPECT_FALSE(check());  // not asked yet
  clock += absl::Microseconds(500);
  EXPECT_TRUE(check());
  cancelled = false;  // never asked again: the answer stays
  EXPECT_TRUE(check());
  clock += absl::Seconds(1);
  EXPECT_TRUE(check());
  EXPECT_EQ(asked, 2);
}

TEST(ThrottledCheckTest, UsesTheRealClockByDefault) {
  int asked = 0;
  std::function<bool()> check = ThrottledCheck(
      [&asked] {
        ++asked;
        return false;
      },
      absl::Hours(1));
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(check());
  EXPECT_EQ(asked, 1);
}

}  // namespace
}  // namespace chainkg
