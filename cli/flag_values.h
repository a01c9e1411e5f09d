// Parsing of flag values more than one verb takes: enum names (English
// or Chinese), --limit.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

#include "chainkg/v1/model.pb.h"
#include "util/command_line.h"

namespace chainkg::cli {

// Parses an enum value from a lower-case short name ("little_giant"), the
// full name ("CREDENTIAL_KIND_LITTLE_GIANT") or the short upper-case name.
// A usage error naming flag and the accepted values otherwise.
absl::StatusOr<int> ParseEnum(
    const google::protobuf::EnumDescriptor* descriptor, absl::string_view text,
    absl::string_view flag);

absl::StatusOr<v1::VertexKind> ParseKind(absl::string_view text);
// Also the Chinese names (链主, 单项冠军, ...).
absl::StatusOr<v1::CredentialKind> ParseCredential(absl::string_view text);
// Also 国家级, 省级, 市级.
absl::StatusOr<v1::Level> ParseLevel(absl::string_view text);
absl::StatusOr<v1::EdgeKind> ParseEdgeKind(absl::string_view text);

// --limit N (0 = no limit). Without the flag: 100 rows for a table on a
// terminal, no limit for a file format (csv, json), so that a file holds
// every row unless asked otherwise.
absl::StatusOr<int> Limit(const CommandLine& flags, bool file_format);

// --min-sequence N (default 0: the newest view, without waiting): the
// sequence a write printed, for an analysis that must see it.
absl::StatusOr<uint64_t> MinSequence(const CommandLine& flags);

}  // namespace chainkg::cli
