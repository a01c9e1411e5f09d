#include "cli/large_answer_memory.h"

#include <cstring>
#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace chainkg::cli {
namespace {

// The setup only changes where memory comes from: blocks of every size are
// still usable and freed, and a second call changes nothing.
TEST(LargeAnswerMemoryTest, HeapStaysUsableForBlocksOfEverySize) {
  PrepareHeapForLargeAnswers();
  PrepareHeapForLargeAnswers();
  for (size_t size : {size_t{16}, size_t{4096}, size_t{1} << 20,
                      size_t{24} << 20, size_t{40} << 20}) {
    std::vector<char> block(size, 'x');
    block.back() = 'y';
    EXPECT_EQ(block.front(), 'x');
    EXPECT_EQ(block.back(), 'y');
  }
  std::vector<std::unique_ptr<char[]>> many;
  for (int i = 0; i < 1000; ++i) {
    many.push_back(std::make_unique<char[]>(64 << 10));
    std::memset(many.back().get(), i & 0xff, 64 << 10);
  }
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(many[i][(64 << 10) - 1], static_cast<char>(i & 0xff));
  }
}

}  // namespace
}  // namespace chainkg::cli
