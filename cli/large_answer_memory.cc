#include "cli/large_answer_memory.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace chainkg::cli {
namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
// glibc's largest mmap threshold (larger blocks are always mapped apart).
constexpr int kLargestHeapBlock = 32 << 20;
// How much the heap grows by when it grows: address space only, pages are
// backed when first touched.
constexpr int kGrowthBytes = 64 << 20;

}  // namespace

void PrepareHeapForLargeAnswers() {
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  // Blocks up to kLargestHeapBlock come from the heap (brk) and go back to
  // it when freed; the heap is not trimmed, and grows kGrowthBytes at a
  // time.
  if (mallopt(M_MMAP_THRESHOLD, kLargestHeapBlock) != 1 ||
      mallopt(M_TRIM_THRESHOLD, 4 * kGrowthBytes) != 1 ||
      mallopt(M_TOP_PAD, kGrowthBytes) != 1) {
    return;
  }
  const auto before = reinterpret_cast<uintptr_t>(sbrk(0));
  // Grows the heap now, then frees the block: the space stays at the top of
  // the heap, where later blocks are carved from. The block is never
  // written, so none of it is backed yet. (volatile: the compiler may not
  // drop the pair.)
  void* volatile block = std::malloc(kLargestHeapBlock / 2);
  const auto after = reinterpret_cast<uintptr_t>(sbrk(0));
  std::free(block);
  const uintptr_t begin = (before + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = after & ~(kHugePage - 1);
  if (before == static_cast<uintptr_t>(-1) || end <= begin) return;
  // A hint: an error (no THP support) leaves ordinary pages.
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

}  // namespace chainkg::cli
