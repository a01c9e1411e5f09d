// SortItem: one key-value write of the offline importer (BulkImporter),
// laid out to be sorted where it lies, and SortItemsInPlace, its sort.
// Internal to graph/store.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "absl/strings/string_view.h"

namespace chainkg::graph::internal {

// A key-value write with the key's first 24 bytes as three big-endian
// words (zero-padded): most comparisons are decided by the words, without
// reaching the key bytes (24 bytes cover an edge key's from, kind and to,
// where 16 left most edges of one vertex tied). order ranks the writes of
// one key (the last one wins); apply numbers the write call that made it.
// The bytes are borrowed: they must outlive the item.
inline constexpr int kHeadWords = 3;
struct SortItem {
  // value_size of a Delete.
  static constexpr uint32_t kDeleted = std::numeric_limits<uint32_t>::max();

  uint64_t head[kHeadWords];
  const char* key_data;
  const char* value_data;
  uint32_t key_size;
  uint32_t value_size;
  uint32_t order;
  uint32_t apply;

  absl::string_view key() const {
    return absl::string_view(key_data, key_size);
  }
  absl::string_view value() const {
    return deleted() ? absl::string_view()
                     : absl::string_view(value_data, value_size);
  }
  bool deleted() const { return value_size == kDeleted; }
};
static_assert(sizeof(SortItem) == 56, "a write is 56 bytes");

// Sorted in place (SortItemsInPlace). Plain pages: huge pages
// (MADV_HUGEPAGE) for the importer's logs, maps and arena made it slower
// on this VM once memory freed a second before had gone back to the host
// (bench/README.md, session 8).
using SortItems = std::vector<SortItem>;

// Requires: key and value shorter than 4 GiB.
SortItem MakeSortItem(absl::string_view key, absl::string_view value,
                      uint32_t order = 0, uint32_t apply = 0,
                      bool deleted = false);

// Byte order of the keys, then order.
bool SortsBefore(const SortItem& a, const SortItem& b);

// Sorts items by SortsBefore: a most-significant-byte radix sort over the
// head words (American flag sort, in place), std::sort for small ranges
// and for items whose heads are equal. About twice as fast as std::sort
// on an import's tens of millions of writes, whose keys start with a few
// constant bytes (vertex kind, high bytes of ids).
void SortItemsInPlace(SortItem* begin, SortItem* end);

}  // namespace chainkg::graph::internal
