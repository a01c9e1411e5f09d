#include "server/admin_service.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

#include "server/grpc_status.h"
#include "util/field_error.h"

namespace chainkg::server {

absl::StatusOr<std::string> ConfinedPath(const std::string& root,
                                         absl::string_view name) {
  if (root.empty()) {
    return absl::FailedPreconditionError(
        "the server was started without --backup-dir");
  }
  if (name.empty() || name == "." || name == ".." || name.size() > 200) {
    return InvalidField("name", "must be a plain name of 1 to 200 characters");
  }
  for (char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!plain) {
      return InvalidField(
          "name", c == '\0' ? std::string("contains a NUL byte")
                  : c == '/'
                      ? std::string("must be a name, not a path")
                      : absl::StrCat("character '", std::string(1, c),
                                     "' is not allowed (A-Z a-z 0-9 . _ -)"));
    }
  }
  std::error_code error;
  std::filesystem::path base = std::filesystem::canonical(root, error);
  if (error || !std::filesystem::is_directory(base, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--backup-dir ", root, " is not a directory"));
  }
  std::filesystem::path target = base / std::string(name);
  // symlink_status: a symlink planted at the name is "taken", not followed.
  if (std::filesystem::symlink_status(target, error).type() !=
      std::filesystem::file_type::not_found) {
    return absl::AlreadyExistsError(
        absl::StrCat("checkpoint \"", name, "\" already exists"));
  }
  return target.string();
}

AdminServiceImpl::AdminServiceImpl(graph::Store& store, const Authorizer& auth,
                                   std::string backup_dir)
    : store_(store), auth_(auth), backup_dir_(std::move(backup_dir)) {}

grpc::Status AdminServiceImpl::Checkpoint(grpc::ServerContext* context,
                                          const v1::CheckpointRequest* request,
                                          v1::CheckpointResponse* response) {
  constexpr absl::string_view kRpc = "Checkpoint";
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kAdmin, kRpc);
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), kRpc);
  }
  absl::StatusOr<std::string> path = ConfinedPath(backup_dir_, request->name());
  if (!path.ok()) return ToGrpcStatus(path.status(), kRpc);
  absl::StatusOr<uint64_t> sequence = store_.Checkpoint(*path);
  if (!sequence.ok()) return ToGrpcStatus(sequence.status(), kRpc);
  int64_t bytes = 0;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(*path, error)) {
    if (entry.is_regular_file(error)) {
      bytes += static_cast<int64_t>(entry.file_size(error));
    }
  }
  response->set_path(*path);
  response->set_sequence(*sequence);
  response->set_bytes(bytes);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::VerifyChecksums(
    grpc::ServerContext* context, const v1::VerifyChecksumsRequest* /*request*/,
    v1::VerifyChecksumsResponse* response) {
  constexpr absl::string_view kRpc = "VerifyChecksums";
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kAdmin, kRpc);
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), kRpc);
  }
  absl::Status status = store_.VerifyChecksums();
  if (!status.ok()) return ToGrpcStatus(status, kRpc);
  response->set_ok(true);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListAudit(grpc::ServerContext* context,
                                         const v1::ListAuditRequest* request,
                                         v1::ListAuditResponse* response) {
  constexpr absl::string_view kRpc = "ListAudit";
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kAdmin, kRpc);
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), kRpc);
  }
  if (request->limit() < 0 || request->limit() > 10000) {
    return ToGrpcStatus(InvalidField("limit", "must be within 0..10000"), kRpc);
  }
  absl::StatusOr<std::vector<v1::AuditRecord>> records =
      store_.ListAudit(request->limit() == 0 ? 100 : request->limit());
  if (!records.ok()) return ToGrpcStatus(records.status(), kRpc);
  for (v1::AuditRecord& record : *records) {
    *response->add_records() = std::move(record);
  }
  return grpc::Status::OK;
}

}  // namespace chainkg::server
