// The one translation of absl::Status into grpc::Status (STYLE.md §3).
#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace chainkg::server {

// Same canonical code; the message as is, except that INTERNAL and
// DATA_LOSS get a short fixed message (the details are logged to stderr by
// this function, with rpc_name). A field path carried by the status
// (util/field_error.h) becomes a chainkg.v1.ErrorDetail in the standard
// grpc-status-details-bin trailer (a google.rpc.Status).
grpc::Status ToGrpcStatus(const absl::Status& status,
                          absl::string_view rpc_name);

}  // namespace chainkg::server
