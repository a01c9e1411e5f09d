// ThrottledCheck: asks a costly yes/no question (has this call been
// cancelled?) at most once per interval, for loops that poll it often.
#pragma once

#include <functional>

#include "absl/time/time.h"

namespace chainkg {

// Wraps check so that calling the result asks check at most once per
// interval and otherwise answers false; once check has answered true, the
// result answers true without asking again. A question that turns true is
// so noticed at most one interval late (plus the time to the next call).
// now: the clock (absl::Now when empty). The result is not thread-safe
// (call it from one thread at a time) and owns copies of check and now.
std::function<bool()> ThrottledCheck(std::function<bool()> check,
                                     absl::Duration interval,
                                     std::function<absl::Time()> now = {});

}  // namespace chainkg
