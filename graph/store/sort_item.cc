#include "graph/store/sort_item.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace chainkg::graph::internal {
namespace {

// Below this many items a range is left to std::sort.
constexpr ptrdiff_t kRadixMinItems = 64;
constexpr int kHeadBytes = 8 * kHeadWords;

// Byte d (0 = most significant) of the head.
inline unsigned HeadByte(const SortItem& item, int d) {
  return static_cast<unsigned>(item.head[d / 8] >> (56 - 8 * (d % 8))) & 0xFF;
}

void RadixSort(SortItem* begin, SortItem* end, int d) {
  while (true) {
    if (end - begin < kRadixMinItems || d == kHeadBytes) {
      std::sort(begin, end, SortsBefore);
      return;
    }
    std::array<ptrdiff_t, 256> counts{};
    for (const SortItem* item = begin; item != end; ++item) {
      ++counts[HeadByte(*item, d)];
    }
    // All in one bucket (a constant byte, such as the high bytes of ids):
    // on to the next byte without moving anything.
    if (counts[HeadByte(*begin, d)] == end - begin) {
      ++d;
      continue;
    }
    // Bucket b holds [starts[b], starts[b + 1]); next[b] is its first
    // place not yet known to hold a b item.
    std::array<ptrdiff_t, 257> starts;
    starts[0] = 0;
    for (int b = 0; b < 256; ++b) starts[b + 1] = starts[b] + counts[b];
    std::array<ptrdiff_t, 256> next;
    std::copy(starts.begin(), starts.end() - 1, next.begin());
    for (int b = 0; b < 256; ++b) {
      while (next[b] < starts[b + 1]) {
        SortItem item = begin[next[b]];
        unsigned k = HeadByte(item, d);
        while (k != static_cast<unsigned>(b)) {
          std::swap(item, begin[next[k]++]);
          k = HeadByte(item, d);
        }
        begin[next[b]++] = item;
      }
    }
    for (int b = 0; b < 256; ++b) {
      if (counts[b] > 1) {
        RadixSort(begin + starts[b], begin + starts[b + 1], d + 1);
      }
    }
    return;
  }
}

}  // namespace

SortItem MakeSortItem(absl::string_view key, absl::string_view value,
                      uint32_t order, uint32_t apply, bool deleted) {
  unsigned char bytes[kHeadBytes] = {};
  std::memcpy(bytes, key.data(), std::min(key.size(), sizeof(bytes)));
  SortItem item{
      {},
      key.data(),
      value.data(),
      static_cast<uint32_t>(key.size()),
      deleted ? SortItem::kDeleted : static_cast<uint32_t>(value.size()),
      order,
      apply};
  for (size_t i = 0; i < sizeof(bytes); ++i) {
    item.head[i / 8] = (item.head[i / 8] << 8) | bytes[i];
  }
  return item;
}

// Zero padding keeps the words' order consistent with the bytes': where
// the words differ, a padded byte stands for a key that ended there, which
// sorts first as it does bytewise.
bool SortsBefore(const SortItem& a, const SortItem& b) {
  for (int i = 0; i < kHeadWords; ++i) {
    if (a.head[i] != b.head[i]) return a.head[i] < b.head[i];
  }
  if (a.key() != b.key()) return a.key() < b.key();
  return a.order < b.order;
}

void SortItemsInPlace(SortItem* begin, SortItem* end) {
  RadixSort(begin, end, 0);
}

}  // namespace chainkg::graph::internal
