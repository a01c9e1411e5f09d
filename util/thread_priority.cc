#include "util/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace chainkg {

void LowerThisThreadsPriority() {
  // On Linux a thread's nice value is its own: PRIO_PROCESS with a thread
  // id sets it for that thread alone. A refusal changes nothing, so the
  // result is not looked at.
  const auto thread_id = static_cast<id_t>(syscall(SYS_gettid));
  (void)setpriority(PRIO_PROCESS, thread_id, 10);
}

}  // namespace chainkg
