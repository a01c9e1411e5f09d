#include "graph/store/byte_arena.h"

#include <algorithm>

namespace chainkg::graph::internal {

void ByteArena::AddBlock(size_t min_bytes) {
  blocks_.emplace_back().reserve(std::max(block_bytes_, min_bytes));
}

}  // namespace chainkg::graph::internal
