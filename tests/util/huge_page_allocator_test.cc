#include "util/huge_page_allocator.h"

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"

namespace chainkg {
namespace {

// Small blocks come from std::allocator, large ones from their own
// mapping; both hold what is written, across growth (reallocation copies
// from one kind of block to the other) and release.
TEST(HugePageAllocatorTest, VectorsKeepTheirContentsAcrossBothKindsOfBlock) {
  std::vector<uint64_t, HugePageAllocator<uint64_t>> values;
  constexpr size_t kCount = 3 * kHugePageMinBytes / sizeof(uint64_t);
  for (size_t i = 0; i < kCount; ++i) values.push_back(i * 7);
  for (size_t i = 0; i < kCount; i += 4099) ASSERT_EQ(values[i], i * 7);
  EXPECT_EQ(std::accumulate(values.begin(), values.end(), uint64_t{0}),
            7 * (kCount - 1) * kCount / 2);
  values.resize(10);
  values.shrink_to_fit();  // back to a small block
  EXPECT_EQ(values[9], 63u);
}

TEST(HugePageAllocatorTest, MapHugePagesGivesZeroedWritableMemory) {
  const size_t bytes = kHugePageMinBytes + 12345;
  auto* block = static_cast<unsigned char*>(MapHugePages(bytes));
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block[0], 0);
  EXPECT_EQ(block[bytes - 1], 0);
  block[bytes - 1] = 0xAB;
  EXPECT_EQ(block[bytes - 1], 0xAB);
  UnmapHugePages(block, bytes);
}

TEST(HugePageAllocatorTest, HashMapsGrowAndFindTheirKeys) {
  absl::flat_hash_map<uint64_t, std::string, absl::Hash<uint64_t>,
                      std::equal_to<uint64_t>,
                      HugePageAllocator<std::pair<const uint64_t, std::string>>>
      map;
  for (uint64_t i = 0; i < 200000; ++i) map[i * 31] = std::to_string(i);
  ASSERT_EQ(map.size(), 200000u);
  EXPECT_EQ(map.at(31 * 199999), "199999");
  EXPECT_EQ(map.count(5), 0u);
}

}  // namespace
}  // namespace chainkg
