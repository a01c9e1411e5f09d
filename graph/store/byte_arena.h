// ByteArena: append-only storage for the keys and values a write or an
// import buffers, so that they cost one allocation per megabyte instead of
// one each. Internal to graph/store.
#pragma once

#include <cstddef>
#include <deque>
#include <string>

#include "absl/strings/string_view.h"

namespace chainkg::graph::internal {

// Bytes stay where they are until Clear() or the arena's destruction; the
// views Copy returns live that long. Not thread-safe.
class ByteArena {
 public:
  // Bytes are kept in blocks of block_bytes (more for a larger copy).
  explicit ByteArena(size_t block_bytes = size_t{1} << 20)
      : block_bytes_(block_bytes) {}
  ByteArena(const ByteArena&) = delete;
  ByteArena& operator=(const ByteArena&) = delete;

  // Copies bytes into the arena.
  absl::string_view Copy(absl::string_view bytes) {
    if (blocks_.empty() ||
        blocks_.back().capacity() - blocks_.back().size() < bytes.size()) {
      AddBlock(bytes.size());
    }
    Block& block = blocks_.back();
    size_t offset = block.size();
    block.append(bytes.data(), bytes.size());
    return absl::string_view(block.data() + offset, bytes.size());
  }

  // Frees every block; earlier views dangle.
  void Clear() { blocks_.clear(); }

 private:
  // Starts a block with room for at least min_bytes.
  void AddBlock(size_t min_bytes);

  using Block = std::string;

  // A block never grows past its reserved capacity, so the bytes in it
  // never move; a deque never moves the blocks.
  std::deque<Block> blocks_;
  size_t block_bytes_;
};

}  // namespace chainkg::graph::internal
