#include "server/auth.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace chainkg::server {
namespace {

constexpr absl::string_view kTokenPrefix = "ckg_";

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "?";
}

std::string NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // OpenSSL seeds from the OS; failing here means the machine cannot
    // produce randomness at all, and no token may be made from less.
    std::abort();
  }
  return absl::StrCat(
      kTokenPrefix, absl::BytesToHexString(absl::string_view(
                        reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

std::string HashToken(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

Authorizer Authorizer::Open() {
  Authorizer authorizer;
  authorizer.open_ = true;
  return authorizer;
}

absl::StatusOr<Authorizer> Authorizer::FromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read token file"));
  }
  Authorizer authorizer;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view text = absl::StripAsciiWhitespace(
        absl::string_view(line).substr(0, line.find('#')));
    if (text.empty()) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", number, ": ", why, " (expected \"ROLE NAME SHA256HEX\")"));
    };
    if (fields.size() != 3) return bad("three fields needed");
    Principal principal;
    if (fields[0] == "reader") {
      principal.role = Role::kReader;
    } else if (fields[0] == "writer") {
      principal.role = Role::kWriter;
    } else if (fields[0] == "admin") {
      principal.role = Role::kAdmin;
    } else {
      return bad(absl::StrCat("unknown role \"", fields[0],
                              "\" (reader, writer or admin)"));
    }
    principal.name = std::string(fields[1]);
    if (fields[2].size() != 64 || !IsLowerHex(fields[2])) {
      return bad("the hash must be 64 lower-case hex digits");
    }
    if (!authorizer.by_hash_.emplace(std::string(fields[2]), principal)
             .second) {
      return bad("this token hash is listed twice");
    }
  }
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat(path, ": read failed"));
  }
  return authorizer;
}

absl::StatusOr<Principal> Authorizer::Authorize(
    const grpc::ServerContextBase& context, Role needed,
    absl::string_view rpc) const {
  if (open_) return Principal{"local", Role::kAdmin};
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        absl::StrCat(rpc,
                     ": no bearer token (send \"authorization: Bearer "
                     "TOKEN\"; chainkg --token or $CHAINKG_TOKEN)"));
  }
  absl::string_view header(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&header, "Bearer ") ||
      !absl::StartsWith(header, kTokenPrefix)) {
    return absl::UnauthenticatedError(
        absl::StrCat(rpc,
                     ": malformed authorization header (expected "
                     "\"Bearer ckg_...\")"));
  }
  auto found = by_hash_.find(HashToken(header));
  if (found == by_hash_.end()) {
    return absl::UnauthenticatedError(absl::StrCat(rpc, ": unknown token"));
  }
  const Principal& principal = found->second;
  if (principal.role < needed) {
    return absl::PermissionDeniedError(
        absl::StrCat(rpc, ": needs the ", RoleName(needed), " role; ",
                     principal.name, " is a ", RoleName(principal.role)));
  }
  return principal;
}

}  // namespace chainkg::server
