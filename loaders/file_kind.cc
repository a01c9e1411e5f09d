#include "loaders/file_kind.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace chainkg::loaders {
namespace {

// chain_products before chains: the longer name wins.
const std::vector<std::pair<absl::string_view, FileKind>>& Kinds() {
  static const auto* kinds =
      new std::vector<std::pair<absl::string_view, FileKind>>{
          {"chain_products", FileKind::kChainProducts},
          {"credentials", FileKind::kCredentials},
          {"consortia", FileKind::kConsortia},
          {"industries", FileKind::kIndustries},
          {"platforms", FileKind::kPlatforms},
          {"products", FileKind::kProducts},
          {"projects", FileKind::kProjects},
          {"chains", FileKind::kChains},
          {"firms", FileKind::kFirms},
          {"edges", FileKind::kEdges},
      };
  return *kinds;
}

std::string KindList() {
  std::vector<std::string> names;
  for (const auto& [name, kind] : Kinds()) names.emplace_back(name);
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::string_view FileKindName(FileKind kind) {
  for (const auto& [name, k] : Kinds()) {
    if (k == kind) return name;
  }
  return "?";
}

absl::StatusOr<FileKind> ParseFileKind(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  for (const auto& [kind_name, kind] : Kinds()) {
    if (lower == kind_name) return kind;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown file kind \"", name, "\"; one of ", KindList()));
}

absl::StatusOr<FileKind> FileKindFromPath(absl::string_view path) {
  size_t slash = path.rfind('/');
  std::string base = absl::AsciiStrToLower(
      slash == absl::string_view::npos ? path : path.substr(slash + 1));
  for (const auto& [kind_name, kind] : Kinds()) {
    if (!absl::StartsWith(base, kind_name)) continue;
    if (base.size() == kind_name.size()) return kind;
    char next = base[kind_name.size()];
    if (next == '.' || next == '-' || next == '_') return kind;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path,
      ": the file name does not say what it holds (it should start "
      "with one of ",
      KindList(), "); use --as KIND"));
}

}  // namespace chainkg::loaders
