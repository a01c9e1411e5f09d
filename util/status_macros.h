// CHAINKG_RETURN_IF_ERROR and CHAINKG_ASSIGN_OR_RETURN: early return on a
// non-OK absl::Status / absl::StatusOr. Abseil 20220623 has no such macros;
// the prefix avoids a clash with later versions.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CHAINKG_STATUS_CONCAT_INNER_(a, b) a##b
#define CHAINKG_STATUS_CONCAT_(a, b) CHAINKG_STATUS_CONCAT_INNER_(a, b)

// Evaluates expr (an absl::Status); returns it from the enclosing function
// when it is not OK.
#define CHAINKG_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status chainkg_status_ = (expr);           \
    if (!chainkg_status_.ok()) return chainkg_status_; \
  } while (0)

// Evaluates rexpr (an absl::StatusOr<T>); on error returns its status, else
// moves the value into lhs, which may be a declaration ("auto x").
#define CHAINKG_ASSIGN_OR_RETURN(lhs, rexpr) \
  CHAINKG_ASSIGN_OR_RETURN_IMPL_(            \
      CHAINKG_STATUS_CONCAT_(chainkg_statusor_, __LINE__), lhs, rexpr)

#define CHAINKG_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

namespace chainkg {

// Returns status with context prepended to its message ("context: message"),
// keeping its code. OK stays OK.
absl::Status Annotate(const absl::Status& status, absl::string_view context);

}  // namespace chainkg
