#include "graph/store/byte_arena.h"

#include <algorithm>

namespace chainkg::graph::internal {
namespace {

constexpr size_t kBlockBytes = size_t{1} << 20;

}  // namespace

void ByteArena::AddBlock(size_t min_bytes) {
  blocks_.emplace_back().reserve(std::max(kBlockBytes, min_bytes));
}

}  // namespace chainkg::graph::internal
