#include "cli/rpc_call.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace chainkg::cli {

absl::Status Usage(absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(message, " (chainkg --help for usage)"));
}

absl::Status FromRpc(const grpc::Status& status, const Context& context) {
  if (status.ok()) return absl::OkStatus();
  std::string message = status.error_message();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    message = absl::StrCat("cannot reach chainkg-server at ",
                           context.server_address, ": ", message);
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      message);
}

std::unique_ptr<grpc::ClientContext> CallContext(const Context& context) {
  auto call = std::make_unique<grpc::ClientContext>();
  call->set_deadline(absl::ToChronoTime(absl::Now() + context.timeout));
  return call;
}

absl::StatusOr<v1::SupplyMode> ParseSupplyMode(absl::string_view mode) {
  if (mode == "observed") return v1::SUPPLY_MODE_OBSERVED;
  if (mode == "capability") return v1::SUPPLY_MODE_CAPABILITY;
  return Usage("--mode must be observed or capability");
}

}  // namespace chainkg::cli
