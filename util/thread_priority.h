// Scheduling priority of the calling thread, for background work that must
// not slow the calls being answered.
#pragma once

namespace chainkg {

// Lowers the calling thread's priority (Linux: nice +10 for this thread
// only). Best effort: nothing happens where the system refuses.
void LowerThisThreadsPriority();

}  // namespace chainkg
