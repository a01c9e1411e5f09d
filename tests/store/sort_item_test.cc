#include "graph/store/sort_item.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace chainkg::graph::internal {
namespace {

// Random keys shaped like an import's (constant leading bytes, ids, some
// longer than the 24 head bytes and equal in them, some shorter, repeats
// with increasing order) come out of SortItemsInPlace in exactly the order
// std::sort gives them with SortsBefore.
TEST(SortItemTest, RadixSortMatchesTheComparisonSort) {
  std::mt19937_64 random(20261127);
  for (int round = 0; round < 20; ++round) {
    const int count = std::uniform_int_distribution<int>(0, 30000)(random);
    std::vector<std::string> keys;
    keys.reserve(count);
    for (int i = 0; i < count; ++i) {
      std::string key;
      switch (random() % 4) {
        case 0: {  // an edge key: kind byte, zero high bytes, ids
          key.push_back(static_cast<char>(1 + random() % 3));
          key.append(4, '\0');
          for (int j = 0; j < 3; ++j) {
            key.push_back(static_cast<char>(random() % (round % 3 ? 256 : 4)));
          }
          key.push_back(static_cast<char>(random() % 5));
          key.append(8, static_cast<char>(random() % 2));
          key.append(8, static_cast<char>(random() % 3));  // past the head
          break;
        }
        case 1:  // short, with bytes that sort against zero padding
          key.assign(random() % 6, static_cast<char>(random() % 2));
          break;
        case 2:  // a repeat of an earlier key
          key = keys.empty() ? std::string("k") : keys[random() % keys.size()];
          break;
        default:  // long keys equal in their first 24 bytes
          key = std::string(24, 'x') + std::to_string(random() % 50);
          break;
      }
      keys.push_back(std::move(key));
    }
    std::vector<SortItem> items;
    for (int i = 0; i < count; ++i) {
      items.push_back(MakeSortItem(keys[i], "", static_cast<uint32_t>(i)));
    }
    std::vector<SortItem> want = items;
    std::sort(want.begin(), want.end(), SortsBefore);
    SortItemsInPlace(items.data(), items.data() + items.size());
    ASSERT_EQ(items.size(), want.size());
    for (size_t i = 0; i < items.size(); ++i) {
      ASSERT_EQ(items[i].key(), want[i].key()) << "round " << round << " " << i;
      ASSERT_EQ(items[i].order, want[i].order) << "round " << round << " " << i;
    }
  }
}

TEST(SortItemTest, KeysSortBytewiseThenByOrder) {
  // MakeSortItem borrows the bytes: the keys outlive the items.
  const std::vector<std::string> keys = {
      "b", std::string("a\0", 2), "a",
      "b", std::string(30, 'z'),  std::string(29, 'z')};
  std::vector<SortItem> items;
  for (size_t i = 0; i < keys.size(); ++i) {
    items.push_back(MakeSortItem(keys[i], i >= 4 ? "v" : "",
                                 static_cast<uint32_t>(i), 0,
                                 /*deleted=*/i == 3));
  }
  SortItemsInPlace(items.data(), items.data() + items.size());
  std::vector<uint32_t> orders;
  for (const SortItem& item : items) orders.push_back(item.order);
  EXPECT_EQ(orders, (std::vector<uint32_t>{2, 1, 0, 3, 5, 4}));
  EXPECT_TRUE(items[3].deleted());
  EXPECT_EQ(items[3].value(), "");
  EXPECT_EQ(items[5].value(), "v");
}

}  // namespace
}  // namespace chainkg::graph::internal
