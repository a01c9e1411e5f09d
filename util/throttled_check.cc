#include "util/throttled_check.h"

#include <utility>

#include "absl/time/clock.h"

namespace chainkg {

std::function<bool()> ThrottledCheck(std::function<bool()> check,
                                     absl::Duration interval,
                                     std::function<absl::Time()> now) {
  if (!now) now = [] { return absl::Now(); };
  return [check = std::move(check), interval, now = std::move(now),
          next = absl::InfinitePast(), answer = false]() mutable {
    if (answer) return true;
    const absl::Time time = now();
    if (time < next) return false;
    next = time + interval;
    answer = check();
    return answer;
  };
}

}  // namespace chainkg
