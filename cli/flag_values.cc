#include "cli/flag_values.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

#include "cli/rpc_call.h"
#include "util/status_macros.h"

namespace chainkg::cli {

using google::protobuf::EnumDescriptor;

absl::StatusOr<int> ParseEnum(const EnumDescriptor* descriptor,
                              absl::string_view text, absl::string_view flag) {
  std::string upper = absl::AsciiStrToUpper(text);
  std::string prefix = descriptor->value(0)->name();
  prefix.resize(prefix.rfind("UNSPECIFIED"));
  for (const std::string& name : {upper, absl::StrCat(prefix, upper)}) {
    const auto* value = descriptor->FindValueByName(name);
    if (value != nullptr && value->number() != 0) return value->number();
  }
  std::vector<std::string> names;
  for (int i = 1; i < descriptor->value_count(); ++i) {
    names.push_back(absl::AsciiStrToLower(
        absl::StripPrefix(descriptor->value(i)->name(), prefix)));
  }
  return Usage(absl::StrCat(flag, ": unknown value \"", text, "\"; one of ",
                            absl::StrJoin(names, ", ")));
}

absl::StatusOr<v1::VertexKind> ParseKind(absl::string_view text) {
  CHAINKG_ASSIGN_OR_RETURN(
      int value, ParseEnum(v1::VertexKind_descriptor(), text, "KIND"));
  return static_cast<v1::VertexKind>(value);
}

absl::StatusOr<v1::CredentialKind> ParseCredential(absl::string_view text) {
  static const std::pair<const char*, v1::CredentialKind> kChinese[] = {
      {"链主", v1::CREDENTIAL_KIND_CHAIN_LEADER},
      {"单项冠军", v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION},
      {"小巨人", v1::CREDENTIAL_KIND_LITTLE_GIANT},
      {"专精特新", v1::CREDENTIAL_KIND_SPECIALIZED_SME},
      {"创新型中小企业", v1::CREDENTIAL_KIND_INNOVATIVE_SME},
      {"高新技术企业", v1::CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE},
      {"智能工厂", v1::CREDENTIAL_KIND_SMART_FACTORY}};
  for (const auto& [name, kind] : kChinese) {
    if (text == name) return kind;
  }
  CHAINKG_ASSIGN_OR_RETURN(int value, ParseEnum(v1::CredentialKind_descriptor(),
                                                text, "--credential"));
  return static_cast<v1::CredentialKind>(value);
}

absl::StatusOr<v1::Level> ParseLevel(absl::string_view text) {
  if (text == "国家级") return v1::LEVEL_NATIONAL;
  if (text == "省级") return v1::LEVEL_PROVINCIAL;
  if (text == "市级") return v1::LEVEL_MUNICIPAL;
  CHAINKG_ASSIGN_OR_RETURN(int value,
                           ParseEnum(v1::Level_descriptor(), text, "--level"));
  return static_cast<v1::Level>(value);
}

absl::StatusOr<int> Limit(const CommandLine& flags, bool file_format) {
  CHAINKG_ASSIGN_OR_RETURN(long long limit,
                           flags.GetInt("limit", file_format ? 0 : 100));
  if (limit < 0) return Usage("--limit must not be negative");
  return static_cast<int>(std::min<long long>(limit, 1 << 30));
}

absl::StatusOr<uint64_t> MinSequence(const CommandLine& flags) {
  CHAINKG_ASSIGN_OR_RETURN(long long sequence, flags.GetInt("min-sequence", 0));
  if (sequence < 0) return Usage("--min-sequence must not be negative");
  return static_cast<uint64_t>(sequence);
}

absl::StatusOr<v1::EdgeKind> ParseEdgeKind(absl::string_view text) {
  CHAINKG_ASSIGN_OR_RETURN(
      int value, ParseEnum(v1::EdgeKind_descriptor(), text, "--edge-kind"));
  return static_cast<v1::EdgeKind>(value);
}

}  // namespace chainkg::cli
