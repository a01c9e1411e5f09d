#include "cli/large_answer_memory.h"

#include <malloc.h>

namespace chainkg::cli {
namespace {

// glibc's largest mmap threshold (larger blocks are always mapped apart).
constexpr int kLargestHeapBlock = 32 << 20;
// How much the heap grows by when it grows: address space only, pages are
// backed when first touched.
constexpr int kGrowthBytes = 64 << 20;

}  // namespace

void PrepareHeapForLargeAnswers() {
#if defined(__GLIBC__)
  // Blocks up to kLargestHeapBlock come from the heap (brk) and go back to
  // it when freed; the heap is not trimmed, and grows kGrowthBytes at a
  // time. A failure leaves glibc's defaults, which only cost speed.
  mallopt(M_MMAP_THRESHOLD, kLargestHeapBlock);
  mallopt(M_TRIM_THRESHOLD, 4 * kGrowthBytes);
  mallopt(M_TOP_PAD, kGrowthBytes);
#endif
}

}  // namespace chainkg::cli
