// Errors that name the request field or input row they concern. The field
// path travels as an absl::Status payload so the server can put it into the
// RPC's error details, and is also the start of the message.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace chainkg {

// Payload type URL under which the field path is stored.
inline constexpr char kFieldPayloadUrl[] = "chainkg/field";

// Returns an error of `code` whose message is "<field>: <reason>" and whose
// field payload is `field`.
absl::Status FieldError(absl::StatusCode code, absl::string_view field,
                        absl::string_view reason);

// INVALID_ARGUMENT shorthand for FieldError.
absl::Status InvalidField(absl::string_view field, absl::string_view reason);

// Nests a field error under a parent path: field "firm.key" under
// "vertices[3]" becomes "vertices[3].firm.key", and the message gets the
// same prefix. A status without a field gets parent as its field when its
// code is about the request (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS,
// FAILED_PRECONDITION, OUT_OF_RANGE); other errors (I/O, corruption,
// deadlines) pass unchanged. OK stays OK.
absl::Status NestField(const absl::Status& status, absl::string_view parent);

// The field path of a status, if it has one.
std::optional<std::string> FieldOf(const absl::Status& status);

}  // namespace chainkg
