// The CLI's channel to chainkg-server: plaintext or TLS (optionally with a
// client certificate, for mutual TLS), and every call carrying the bearer
// token when one is given.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace chainkg::cli {

struct ChannelOptions {
  std::string address;
  // "ckg_..." or empty (no authorization header).
  std::string token;
  // PEM files. tls_ca set: TLS, the server's certificate must chain to it.
  // tls_cert and tls_key: the client certificate for mutual TLS.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  int max_receive_message_bytes = 64 << 20;
};

// INVALID_ARGUMENT for a client certificate without TLS or without its
// key, or a PEM file that cannot be read (named).
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(
    const ChannelOptions& options);

}  // namespace chainkg::cli
