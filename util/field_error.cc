#include "util/field_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace chainkg {

absl::Status FieldError(absl::StatusCode code, absl::string_view field,
                        absl::string_view reason) {
  absl::Status status(code, absl::StrCat(field, ": ", reason));
  status.SetPayload(kFieldPayloadUrl, absl::Cord(field));
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view reason) {
  return FieldError(absl::StatusCode::kInvalidArgument, field, reason);
}

absl::Status NestField(const absl::Status& status, absl::string_view parent) {
  if (status.ok()) return status;
  std::optional<std::string> field = FieldOf(status);
  if (!field.has_value()) {
    // Only errors about the request name a field; an I/O failure or a
    // corrupt record is not the parent field's fault.
    switch (status.code()) {
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kNotFound:
      case absl::StatusCode::kAlreadyExists:
      case absl::StatusCode::kFailedPrecondition:
      case absl::StatusCode::kOutOfRange:
        return FieldError(status.code(), parent, status.message());
      default:
        return status;
    }
  }
  std::string nested = absl::StrCat(parent, ".", *field);
  absl::Status out(status.code(), absl::StrCat(parent, ".", status.message()));
  out.SetPayload(kFieldPayloadUrl, absl::Cord(nested));
  return out;
}

std::optional<std::string> FieldOf(const absl::Status& status) {
  auto payload = status.GetPayload(kFieldPayloadUrl);  // absl::optional here
  if (!payload.has_value()) return std::nullopt;
  return std::string(*payload);
}

}  // namespace chainkg
