#include "util/region_names.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace chainkg {
namespace region_table {
extern const char kProvinces[];
extern const char kCities[];
extern const char kAreas[];
}  // namespace region_table

namespace {

// code -> name, for the three levels.
const absl::flat_hash_map<std::string, std::string>& Names() {
  static const auto* names = [] {
    auto* table = new absl::flat_hash_map<std::string, std::string>();
    for (const char* csv : {region_table::kProvinces, region_table::kCities,
                            region_table::kAreas}) {
      bool header = true;
      for (absl::string_view line : absl::StrSplit(csv, '\n')) {
        line = absl::StripTrailingAsciiWhitespace(line);
        if (line.empty()) continue;
        if (header) {
          header = false;
          continue;
        }
        std::vector<absl::string_view> cells = absl::StrSplit(line, ',');
        if (cells.size() < 2) continue;
        absl::string_view name = cells[1];
        absl::ConsumePrefix(&name, "\"");
        absl::ConsumeSuffix(&name, "\"");
        (*table)[std::string(cells[0])] = std::string(name);
      }
    }
    return table;
  }();
  return *names;
}

// 市辖区, 县 and the like stand for no place a planner names.
bool IsPlaceholder(absl::string_view name) {
  return name == "市辖区" || name == "县" ||
         absl::EndsWith(name, "直辖县级行政区划");
}

bool AllDigits(absl::string_view code) {
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !code.empty();
}

const std::string* Find(absl::string_view code) {
  const auto& names = Names();
  auto it = names.find(code);
  return it == names.end() ? nullptr : &it->second;
}

}  // namespace

std::string RegionName(absl::string_view code) {
  if (!AllDigits(code) ||
      (code.size() != 2 && code.size() != 4 && code.size() != 6)) {
    return "";
  }
  const std::string* province = Find(code.substr(0, 2));
  if (province == nullptr) return "";
  std::string name = *province;
  std::string last = *province;
  for (size_t digits : {size_t{4}, size_t{6}}) {
    if (code.size() < digits) break;
    const std::string* level = Find(code.substr(0, digits));
    if (level == nullptr || IsPlaceholder(*level) || *level == last) continue;
    absl::StrAppend(&name, " ", *level);
    last = *level;
  }
  return name;
}

std::string DescribeRegion(absl::string_view prefix) {
  if (!IsKnownRegionPrefix(prefix)) {
    return absl::StrCat(prefix, " (not a GB/T 2260 region code)");
  }
  std::string name = RegionName(prefix.substr(0, prefix.size() >= 4 ? 4 : 2));
  if (prefix.size() == 6) name = RegionName(prefix);
  return absl::StrCat(prefix, " (", name, ")");
}

bool IsKnownRegionPrefix(absl::string_view prefix) {
  if (!AllDigits(prefix) || prefix.size() < 2) return false;
  if (Find(prefix.substr(0, 2)) == nullptr) return false;
  return prefix.size() < 4 || Find(prefix.substr(0, 4)) != nullptr;
}

}  // namespace chainkg
