// What the verbs of the CLI share when they make a call: a client context
// with the deadline, the mapping of a failed RPC to a Status, and the
// parsing of flags more than one verb takes.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

#include "chainkg/v1/analysis_service.pb.h"
#include "cli/commands.h"

namespace chainkg::cli {

// INVALID_ARGUMENT with message and a pointer to --help.
absl::Status Usage(absl::string_view message);

// Maps a failed RPC to an absl::Status with the same code; UNAVAILABLE
// names the server address.
absl::Status FromRpc(const grpc::Status& status, const Context& context);

// A client context whose deadline is context.timeout from now.
std::unique_ptr<grpc::ClientContext> CallContext(const Context& context);

// "observed" or "capability"; a usage error otherwise.
absl::StatusOr<v1::SupplyMode> ParseSupplyMode(absl::string_view mode);

}  // namespace chainkg::cli
