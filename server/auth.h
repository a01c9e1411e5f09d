// Who may call what: the roles reader, writer and admin, and bearer tokens
// read from a file in which only their SHA-256 hashes are stored
// (docs/operations.md). Every handler asks the Authorizer first.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace chainkg::server {

// Ordered: a role may do everything the roles below it may.
enum class Role { kReader = 1, kWriter = 2, kAdmin = 3 };

// "reader", "writer", "admin".
absl::string_view RoleName(Role role);

// The authenticated caller.
struct Principal {
  std::string name;
  Role role = Role::kReader;
};

// A new random token ("ckg_" and 64 hex digits, 256 bits from the OS).
std::string NewToken();
// The lower-case hex SHA-256 of a token, as stored in the token file.
std::string HashToken(absl::string_view token);

// Immutable after creation, so thread-safe.
class Authorizer {
 public:
  // Everyone is an admin named "local" (no token file: development on a
  // loopback address only; chainkg-server refuses other addresses).
  static Authorizer Open();
  // Reads a token file: lines "ROLE NAME SHA256HEX" ('#' starts a
  // comment). INVALID_ARGUMENT naming file:line for a bad line or a hash
  // given twice; NOT_FOUND / PERMISSION_DENIED when it cannot be read.
  static absl::StatusOr<Authorizer> FromFile(const std::string& path);

  bool open() const { return open_; }
  size_t token_count() const { return by_hash_.size(); }

  // The caller of context when its "authorization: Bearer TOKEN" metadata
  // names a known token whose role is at least `needed`. UNAUTHENTICATED
  // when the header is missing, malformed or the token unknown;
  // PERMISSION_DENIED when the role is too low. Messages name rpc.
  absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& context,
                                      Role needed, absl::string_view rpc) const;

 private:
  Authorizer() = default;

  bool open_ = false;
  absl::flat_hash_map<std::string, Principal> by_hash_;
};

}  // namespace chainkg::server
