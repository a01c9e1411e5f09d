#include "util/huge_page_allocator.h"

#include <sys/mman.h>

namespace chainkg {

void* MapHugePages(size_t bytes) {
  void* block = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) return nullptr;
  // A hint: without THP (or with it off) the block keeps 4 KiB pages.
  madvise(block, bytes, MADV_HUGEPAGE);
  return block;
}

void UnmapHugePages(void* block, size_t bytes) { munmap(block, bytes); }

}  // namespace chainkg
