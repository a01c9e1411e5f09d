// HugePageAllocator: a standard allocator whose large blocks are mapped
// for transparent huge pages, for arrays a program reads at random over
// gigabytes (hash tables, sort arrays, byte arenas).
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace chainkg {

// Blocks of at least kHugePageMinBytes.
inline constexpr size_t kHugePageMinBytes = size_t{2} << 20;

// Maps bytes (>= kHugePageMinBytes) of zeroed memory and asks the kernel to
// back it with transparent huge pages (madvise MADV_HUGEPAGE; a hint, which
// kernels without THP ignore). nullptr when the mapping fails.
void* MapHugePages(size_t bytes);
// Unmaps a block of MapHugePages(bytes).
void UnmapHugePages(void* block, size_t bytes);

// Blocks under kHugePageMinBytes come from std::allocator; larger ones from
// MapHugePages, one mapping each: at national scale the importer's tables
// miss the TLB on nearly every random access with 4 KiB pages. Throws
// std::bad_alloc when memory runs out, as std::allocator does (the
// allocator contract; our code catches none). Stateless and thread-safe.
template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    if (n * sizeof(T) < kHugePageMinBytes) {
      return std::allocator<T>().allocate(n);
    }
    void* block = MapHugePages(n * sizeof(T));
    if (block == nullptr) throw std::bad_alloc();
    return static_cast<T*>(block);
  }
  void deallocate(T* block, size_t n) {
    if (n * sizeof(T) < kHugePageMinBytes) {
      std::allocator<T>().deallocate(block, n);
    } else {
      UnmapHugePages(block, n * sizeof(T));
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
  template <typename U>
  bool operator!=(const HugePageAllocator<U>&) const {
    return false;
  }
};

}  // namespace chainkg
