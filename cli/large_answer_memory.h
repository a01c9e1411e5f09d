// How the CLI's heap is set up before a call whose answer may be large (a
// traversal of 100k+ rows arrives and is decoded in fresh memory).
#pragma once

namespace chainkg::cli {

// Keeps memory the process frees for reuse: no trimming of the heap, and no
// separate mapping (unmapped again on free) for blocks up to 32 MiB, so a
// large answer's buffers are faulted in once, not once per message. The
// heap is not asked for transparent huge pages: on virtual machines that
// report free memory to the host (free page reporting), a huge page first
// touched a second or more after memory was freed cost 1.3-2.3 ms per MiB
// against 0.33-0.5 ms with 4 KiB pages, and the 163k-row national walk's
// CLI spent 41 ms of system time with the hint against 17 ms without, in
// calls a second apart (bench/README.md). Only the calling process is
// affected, and only its speed. Call once, early, on the main thread. Not
// thread-safe.
void PrepareHeapForLargeAnswers();

}  // namespace chainkg::cli
