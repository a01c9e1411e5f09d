// Names of GB/T 2260 region codes, as a planner reads them, from the
// National Bureau of Statistics' 2022 table compiled into the program
// (util/regions/, see its SOURCE.txt).
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace chainkg {

// The display name of a region code or prefix of 2, 4 or 6 digits, from the
// province down, each level once: "44" 广东省, "4419" and "441900" 广东省
// 东莞市, "440106" 广东省 广州市 天河区, "110101" 北京市 东城区 (the
// placeholder levels 市辖区 and 县 are left out). An unknown 6-digit code
// falls back to its city, then its province; an unknown province, or
// anything that is not 2, 4 or 6 digits, gives "".
std::string RegionName(absl::string_view code);

// "4419 (广东省 东莞市)", or "99 (not a GB/T 2260 region code)" when the
// table knows no region under the prefix: for messages.
std::string DescribeRegion(absl::string_view prefix);

// Whether the table knows the prefix's province (and its city, for 4 or 6
// digits): a prefix such as "99" or "4499" names no region at all.
bool IsKnownRegionPrefix(absl::string_view prefix);

}  // namespace chainkg
