// HttpGateway: the HTTP/JSON face of chainkg-server (DESIGN.md §5,
// docs/api.md "HTTP/JSON").
//
//   POST /api/<package.Service>/<Method>   every unary RPC of GraphService,
//        AnalysisService and AdminService: the request's proto3 JSON in the
//        body (empty: {}), the response's proto3 JSON as the answer, field
//        names as in the .proto.
//   POST /api/chainkg.v1.AnalysisService/Traverse   newline-delimited JSON,
//        one TraverseResponse per line; an error after the first line
//        comes as a last line {"error": {...}}.
//   GET  /healthz                          200 "SERVING" while it serves.
//   GET  /                                 the console's files, when a
//        folder is given.
//
// Calls go through the gRPC server's own in-process channel, so the
// services' authorization (the Authorization: Bearer header), deadlines
// (the X-Timeout-Ms header or the timeout_ms query parameter), limits and
// canonical codes are exactly those of gRPC. A browser's cross-site request
// cannot write: /api/ takes only Content-Type application/json (415
// otherwise, which a plain HTML form cannot send), and a request from
// another Origin than the gateway's own (or --http-allow-origin) is refused
// with 403. An error answers
// {"code": "NOT_FOUND", "message": ..., "field": ..., "details": [...]}
// with the HTTP status of the code (HttpStatusOf).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace httplib {
class Server;
}  // namespace httplib

namespace chainkg::server {

struct HttpGatewayOptions {
  // host:port; port 0 picks a free port (see HttpGateway::port()).
  std::string listen_address;
  // Bodies larger than this are refused with 413.
  size_t max_body_bytes = size_t{16} << 20;
  // A client that sends nothing for this long is disconnected (a stop also
  // waits for such a client up to this long).
  absl::Duration read_timeout = absl::Seconds(10);
  // An idle keep-alive connection is closed after this long (and a stop
  // waits for it at most this long).
  absl::Duration keep_alive_timeout = absl::Seconds(2);
  // Requests handled at once; more wait for a thread.
  int threads = 16;
  // Empty: no CORS headers, and a request whose Origin is not the
  // gateway's own is refused (403). Otherwise one more origin allowed to
  // call the API from a browser.
  std::string allow_origin;
  // Open access (no tokens): only requests whose Host is a loopback name
  // or address are served, so that a web page cannot reach the API
  // through a DNS name that it points at 127.0.0.1 (DNS rebinding).
  bool loopback_hosts_only = false;
  // The console's built files (web/dist), served at "/"; empty: none.
  std::string web_root;
};

// The HTTP status a canonical gRPC code maps to (google.rpc.Code's
// mapping: INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED
// 403, NOT_FOUND 404, ALREADY_EXISTS 409, RESOURCE_EXHAUSTED 429,
// CANCELLED 499, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, ...).
int HttpStatusOf(int grpc_code);

// A running HTTP listener. Thread-safe.
class HttpGateway {
 public:
  // Binds the address and serves calls through channel (an in-process
  // channel of the gRPC server, which must outlive the gateway).
  // UNAVAILABLE when the address cannot be bound; NOT_FOUND when web_root
  // is given and is not a folder.
  static absl::StatusOr<std::unique_ptr<HttpGateway>> Start(
      const HttpGatewayOptions& options,
      std::shared_ptr<grpc::Channel> channel);

  // Stops (see Stop).
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  int port() const { return port_; }
  // "host:port" as bound.
  const std::string& address() const { return address_; }

  // Stops accepting connections and waits for the requests being handled.
  // Idempotent.
  void Stop();

 private:
  class Handlers;
  HttpGateway() = default;

  std::mutex stop_mu_;
  std::unique_ptr<Handlers> handlers_;
  std::unique_ptr<httplib::Server> http_;
  std::thread listener_;
  int port_ = 0;
  std::string address_;
};

}  // namespace chainkg::server
