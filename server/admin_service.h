// AdminService: the gRPC face of backups (checkpoints confined to the
// configured backup directory) and checksum verification. Admin role only.
#pragma once

#include <string>

#include "chainkg/v1/admin_service.grpc.pb.h"
#include "graph/store/store.h"
#include "server/auth.h"

namespace chainkg::server {

// The file system path for a checkpoint named `name` under root: root/name
// when name is a plain name ([A-Za-z0-9._-]+, not "." or "..") and nothing
// exists at that path yet (not even a dangling symlink), and root is an
// existing directory. INVALID_ARGUMENT naming the field "name" otherwise
// (paths, "..", NUL bytes, other characters); ALREADY_EXISTS when taken;
// FAILED_PRECONDITION when root is empty or not a directory.
absl::StatusOr<std::string> ConfinedPath(const std::string& root,
                                         absl::string_view name);

// Thread-safe (the Store is); borrows the store and the authorizer.
class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  AdminServiceImpl(graph::Store& store, const Authorizer& auth,
                   std::string backup_dir);

  grpc::Status Checkpoint(grpc::ServerContext* context,
                          const v1::CheckpointRequest* request,
                          v1::CheckpointResponse* response) override;
  grpc::Status VerifyChecksums(grpc::ServerContext* context,
                               const v1::VerifyChecksumsRequest* request,
                               v1::VerifyChecksumsResponse* response) override;
  grpc::Status ListAudit(grpc::ServerContext* context,
                         const v1::ListAuditRequest* request,
                         v1::ListAuditResponse* response) override;

 private:
  graph::Store& store_;
  const Authorizer& auth_;
  const std::string backup_dir_;
};

}  // namespace chainkg::server
