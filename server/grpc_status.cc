#include "server/grpc_status.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "chainkg/v1/error.pb.h"
#include "util/field_error.h"

namespace chainkg::server {

grpc::Status ToGrpcStatus(const absl::Status& status,
                          absl::string_view rpc_name) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC share the canonical code numbering (0..16).
  auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  std::string message(status.message());
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kDataLoss) {
    std::cerr << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ ", absl::Now(),
                                  absl::UTCTimeZone())
              << rpc_name << ": " << status.ToString() << std::endl;
    message = status.code() == absl::StatusCode::kInternal
                  ? "internal error; the server log has the details"
                  : "stored data is corrupt; the server log has the details";
  }
  v1::RpcStatus details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  std::optional<std::string> field = FieldOf(status);
  bool server_side = status.code() == absl::StatusCode::kInternal ||
                     status.code() == absl::StatusCode::kDataLoss;
  if (field.has_value() && !server_side) {
    v1::ErrorDetail detail;
    detail.set_field(*field);
    std::string reason(status.message());
    std::string prefix = absl::StrCat(*field, ": ");
    if (reason.compare(0, prefix.size(), prefix) == 0) {
      reason = reason.substr(prefix.size());
    }
    detail.set_reason(reason);
    details.add_details()->PackFrom(detail);
  }
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace chainkg::server
