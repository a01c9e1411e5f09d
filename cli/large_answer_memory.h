// How the CLI's heap is set up before a call whose answer may be large (a
// traversal of 100k+ rows arrives and is decoded in fresh memory).
#pragma once

namespace chainkg::cli {

// Keeps memory the process frees for reuse (no trimming of the heap, no
// separate mapping for large blocks), reserves address space for the heap
// in one step and asks the kernel to back it with transparent huge pages,
// as glibc's glibc.malloc.hugetlb=1 tunable does. A large answer then
// faults its memory in 2 MiB at a time instead of 4 KiB (at national scale
// a 163k-row answer took ~5,000 page faults, a fifth of the CLI's CPU).
// Only the calling process is affected, and only its speed: where the
// system does not do huge pages, or the heap cannot grow in place, nothing
// changes. Call once, early, on the main thread. Not thread-safe.
void PrepareHeapForLargeAnswers();

}  // namespace chainkg::cli
