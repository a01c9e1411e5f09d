#include "loaders/cell_values.h"

#include <cmath>
#include <map>
#include <memory>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"

#include "util/codes.h"

namespace chainkg::loaders {
namespace {

// Chinese labels by full enum value name (docs/formats.md).
const std::map<std::string, std::vector<std::string>>& ChineseLabels() {
  static const auto* labels =
      new std::map<std::string, std::vector<std::string>>{
          {"CREDENTIAL_KIND_CHAIN_LEADER", {"链主", "链主企业"}},
          {"CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION",
           {"单项冠军", "制造业单项冠军"}},
          {"CREDENTIAL_KIND_LITTLE_GIANT",
           {"小巨人", "专精特新小巨人", "专精特新“小巨人”"}},
          {"CREDENTIAL_KIND_SPECIALIZED_SME", {"专精特新", "专精特新中小企业"}},
          {"CREDENTIAL_KIND_INNOVATIVE_SME", {"创新型中小企业"}},
          {"CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE", {"高新技术企业", "高企"}},
          {"CREDENTIAL_KIND_SMART_FACTORY", {"智能工厂"}},
          {"LEVEL_NATIONAL", {"国家级", "国家"}},
          {"LEVEL_PROVINCIAL", {"省级", "省"}},
          {"LEVEL_MUNICIPAL", {"市级", "市"}},
          {"CREDENTIAL_STATUS_PUBLICIZED", {"公示"}},
          {"CREDENTIAL_STATUS_GRANTED", {"认定", "已认定"}},
          {"CREDENTIAL_STATUS_REREVIEWED", {"复核通过"}},
          {"CREDENTIAL_STATUS_REVOKED", {"撤销", "已撤销", "复核未通过"}},
          {"PRODUCT_KIND_MATERIAL", {"材料"}},
          {"PRODUCT_KIND_COMPONENT", {"零部件", "部件"}},
          {"PRODUCT_KIND_EQUIPMENT", {"装备", "设备"}},
          {"PRODUCT_KIND_PRODUCT", {"产品"}},
          {"PRODUCT_KIND_TECHNOLOGY", {"技术"}},
          {"PRODUCT_KIND_SERVICE", {"服务"}},
          {"CHAIN_CATEGORY_TRADITIONAL", {"传统产业"}},
          {"CHAIN_CATEGORY_EMERGING", {"新兴产业", "战略性新兴产业"}},
          {"CHAIN_CATEGORY_FUTURE", {"未来产业"}},
          {"PLATFORM_TYPE_BIG_SCIENCE_FACILITY", {"大科学装置"}},
          {"PLATFORM_TYPE_NEW_RD_INSTITUTE", {"新型研发机构"}},
          {"PLATFORM_TYPE_KEY_LAB", {"重点实验室"}},
          {"PLATFORM_TYPE_ENGINEERING_CENTRE", {"工程技术研究中心"}},
          {"PLATFORM_TYPE_UNIVERSITY", {"高校", "大学"}},
          {"PLATFORM_TYPE_HOSPITAL", {"医院"}},
          {"PROJECT_TYPE_MAJOR_SCIENCE_TECH", {"重大科技项目"}},
          {"PROJECT_TYPE_OPEN_COMPETITION", {"揭榜挂帅"}},
          {"PROJECT_TYPE_CHAIN_INTEGRATION", {"链条式集成攻关"}},
          {"MATURITY_RD", {"研发"}},
          {"MATURITY_PILOT", {"中试"}},
          {"MATURITY_MASS", {"量产"}},
          {"STAGE_UPSTREAM", {"上游"}},
          {"STAGE_MIDSTREAM", {"中游"}},
          {"STAGE_DOWNSTREAM", {"下游"}},
          {"MEMBER_ROLE_LEAD", {"牵头", "牵头单位"}},
          {"MEMBER_ROLE_MEMBER", {"成员", "成员单位"}},
      };
  return *labels;
}

std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  std::string prefix = type->value(0)->name();
  size_t cut = prefix.rfind("UNSPECIFIED");
  if (cut != std::string::npos) prefix.resize(cut);
  return prefix;
}

// The short names of type's values in lower case ("little_giant"), as
// docs/formats.md writes them and most files have them: a cell spelled so
// needs no trimming, case folding or descriptor search. Built once per
// type; thread-safe. Each thread keeps the tables it has used: they never
// change once built, and a lock per cell was ~5% of an import's reading
// thread.
const absl::flat_hash_map<std::string, int>& LowerCaseNames(
    const google::protobuf::EnumDescriptor* type) {
  using Table = absl::flat_hash_map<std::string, int>;
  thread_local absl::flat_hash_map<const google::protobuf::EnumDescriptor*,
                                   const Table*>
      used;
  auto known = used.find(type);
  if (known != used.end()) return *known->second;
  ABSL_CONST_INIT static absl::Mutex mu(absl::kConstInit);
  static auto* tables =
      new absl::flat_hash_map<const google::protobuf::EnumDescriptor*,
                              std::unique_ptr<const Table>>();
  absl::MutexLock lock(&mu);
  auto& table = (*tables)[type];
  if (table == nullptr) {
    auto names = std::make_unique<Table>();
    std::string prefix = EnumPrefix(type);
    for (int i = 1; i < type->value_count(); ++i) {
      names->emplace(absl::AsciiStrToLower(
                         absl::StripPrefix(type->value(i)->name(), prefix)),
                     type->value(i)->number());
    }
    table = std::move(names);
  }
  used.emplace(type, table.get());
  return *table;  // never changes once built; the map owns it for good
}

}  // namespace

absl::StatusOr<int> ParseEnumCell(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view text) {
  const absl::flat_hash_map<std::string, int>& lower = LowerCaseNames(type);
  auto exact = lower.find(text);
  if (exact != lower.end()) return exact->second;
  std::string trimmed(absl::StripAsciiWhitespace(text));
  std::string upper = absl::AsciiStrToUpper(trimmed);
  std::string prefix = EnumPrefix(type);
  for (const std::string& name : {upper, absl::StrCat(prefix, upper)}) {
    const auto* value = type->FindValueByName(name);
    if (value != nullptr && value->number() != 0) return value->number();
  }
  for (int i = 1; i < type->value_count(); ++i) {
    auto labels = ChineseLabels().find(type->value(i)->name());
    if (labels == ChineseLabels().end()) continue;
    for (const std::string& label : labels->second) {
      if (trimmed == label) return type->value(i)->number();
    }
  }
  std::vector<std::string> names;
  for (int i = 1; i < type->value_count(); ++i) {
    names.push_back(absl::AsciiStrToLower(
        absl::StripPrefix(type->value(i)->name(), prefix)));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown value \"", text, "\"; one of ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<bool> ParseBoolCell(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "y" ||
      lower == "是") {
    return true;
  }
  if (lower == "false" || lower == "0" || lower == "no" || lower == "n" ||
      lower == "否") {
    return false;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("not a yes/no value: \"", text, "\""));
}

absl::StatusOr<std::string> ParseDateCell(absl::string_view text) {
  absl::string_view stripped = absl::StripAsciiWhitespace(text);
  // Most dates come as YYYY-MM-DD already (a supply survey has millions):
  // such a date is kept as it is once it exists. A year with a leading
  // zero takes the general path, which refuses it.
  if (stripped.size() == 10 && stripped[4] == '-' && stripped[7] == '-' &&
      stripped[0] != '0' && ValidateDate(stripped).ok()) {
    return std::string(stripped);
  }
  std::string trimmed(stripped);
  char separator = 0;
  for (char c : {'-', '/', '.'}) {
    if (trimmed.find(c) != std::string::npos) separator = c;
  }
  std::vector<std::string> parts;
  if (separator != 0) parts = absl::StrSplit(trimmed, separator);
  int year = 0, month = 0, day = 0;
  if (parts.size() != 3 || parts[0].size() != 4 ||
      !absl::SimpleAtoi(parts[0], &year) || parts[1].empty() ||
      parts[1].size() > 2 || !absl::SimpleAtoi(parts[1], &month) ||
      parts[2].empty() || parts[2].size() > 2 ||
      !absl::SimpleAtoi(parts[2], &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a date (YYYY-MM-DD): \"", text, "\""));
  }
  std::string normalized = absl::StrCat(year, "-", month < 10 ? "0" : "", month,
                                        "-", day < 10 ? "0" : "", day);
  absl::Status valid = ValidateDate(normalized);
  if (!valid.ok()) return valid;
  return normalized;
}

absl::StatusOr<double> ParseShareCell(absl::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  bool percent =
      absl::ConsumeSuffix(&trimmed, "%") || absl::ConsumeSuffix(&trimmed, "％");
  double value = 0;
  if (!absl::SimpleAtod(trimmed, &value) || std::isnan(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a number: \"", text, "\""));
  }
  if (percent) value /= 100;
  if (value < 0 || value > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be in [0, 1] (or 0% to 100%), got \"", text, "\""));
  }
  return value;
}

absl::StatusOr<int> ParseIntCell(absl::string_view text) {
  int value = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a whole number: \"", text, "\""));
  }
  return value;
}

std::vector<std::string> SplitListCell(absl::string_view text) {
  std::string unified = absl::StrReplaceAll(text, {{"；", ";"}});
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(unified, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

absl::Status CheckExcelDamage(absl::string_view key) {
  std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(key));
  // Scientific notation: 9.14419E+17, 9.14419006E17.
  size_t e = upper.find("E+");
  if (e == std::string::npos) e = upper.find('E');
  if (e != std::string::npos && e > 0) {
    double value = 0;
    if (absl::SimpleAtod(upper, &value) && value > 1e14) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", key,
                       "\" is a USCC that Excel turned into scientific "
                       "notation; format the column as text and export again"));
    }
  }
  bool all_digits = !upper.empty();
  for (char c : upper) all_digits = all_digits && absl::ascii_isdigit(c);
  if (all_digits && upper.size() == 18 && absl::EndsWith(upper, "000") &&
      !UsccCheckDigitOk(upper)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", key,
                     "\" looks like a USCC that Excel rounded to 15 "
                     "significant digits; format the column as text and export "
                     "again"));
  }
  if (all_digits && upper.size() >= 15 && upper.size() < 18) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", key, "\" has ", upper.size(),
        " digits: a USCC has 18 (Excel may have dropped digits; format the "
        "column as text)"));
  }
  return absl::OkStatus();
}

}  // namespace chainkg::loaders
