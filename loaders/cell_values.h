// Parsing of single CSV cells into typed values, with the spellings
// planners' spreadsheets use (docs/formats.md, "Cell conventions").
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace chainkg::loaders {

// An enum value from its short English name ("little_giant", any case), its
// full proto name ("CREDENTIAL_KIND_LITTLE_GIANT") or its Chinese label
// ("小巨人"). INVALID_ARGUMENT lists the accepted short names.
absl::StatusOr<int> ParseEnumCell(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view text);

// true/false, 1/0, yes/no, y/n, 是/否 (any case).
absl::StatusOr<bool> ParseBoolCell(absl::string_view text);

// YYYY-MM-DD, or YYYY/M/D and YYYY.M.D as Excel writes them; returns the
// normalized YYYY-MM-DD of an existing date.
absl::StatusOr<std::string> ParseDateCell(absl::string_view text);

// A share or confidence in [0, 1]; "35%" means 0.35.
absl::StatusOr<double> ParseShareCell(absl::string_view text);

absl::StatusOr<int> ParseIntCell(absl::string_view text);

// Items separated by ";" or "；", trimmed, empty items dropped.
std::vector<std::string> SplitListCell(absl::string_view text);

// INVALID_ARGUMENT when a firm key looks like an all-digit USCC that Excel
// damaged: scientific notation ("9.14419E+17") or rounded to 15 significant
// digits (18 digits ending in "000" whose check digit fails).
absl::Status CheckExcelDamage(absl::string_view key);

}  // namespace chainkg::loaders
