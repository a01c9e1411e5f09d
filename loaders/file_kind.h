// FileKind: which records an input file holds, from its name or `--as`.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chainkg::loaders {

enum class FileKind {
  kFirms,
  kCredentials,
  kProducts,
  kChains,
  kChainProducts,
  kEdges,
  kConsortia,
  kPlatforms,
  kIndustries,
  kProjects,
};

// "firms", "credentials", ... as in docs/formats.md.
absl::string_view FileKindName(FileKind kind);

// Parses a kind name. INVALID_ARGUMENT lists the names.
absl::StatusOr<FileKind> ParseFileKind(absl::string_view name);

// The kind a path's base name announces ("firms-2024.csv" -> kFirms).
// INVALID_ARGUMENT when it announces none.
absl::StatusOr<FileKind> FileKindFromPath(absl::string_view path);

}  // namespace chainkg::loaders
