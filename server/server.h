// ChainkgServer: opens the Store and serves GraphService, AnalysisService,
// AdminService, the standard health service and server reflection (v1alpha)
// on one gRPC server, and, when asked, the same services as HTTP/JSON
// (server/http_gateway.h). Used by chainkg-server's main and by the
// end-to-end tests.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

#include "graph/analysis/analysis_cache.h"
#include "graph/store/store.h"
#include "graph/view/live_view.h"
#include "server/admin_service.h"
#include "server/analysis_service.h"
#include "server/graph_service.h"
#include "server/http_gateway.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace chainkg::server {

struct ServerOptions {
  std::string db_path;
  // host:port; port 0 picks a free port (see ChainkgServer::port()).
  std::string listen_address = "127.0.0.1:50051";
  graph::StoreOptions store;
  // Bearer tokens (server/auth.h); empty: open access, loopback only.
  std::string tokens_file;
  // TLS: PEM server certificate chain and key; with client_ca, clients
  // must present a certificate it signed (mutual TLS). Empty: plaintext.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Where AdminService.Checkpoint writes (each checkpoint a directory in
  // it); empty: checkpoints are refused.
  std::string backup_dir;
  GraphServiceOptions graph_service;
  int max_receive_message_bytes = 64 << 20;
  int max_send_message_bytes = 64 << 20;
  // Request headers (metadata) larger than this are refused.
  int max_metadata_bytes = 16 << 10;
  // Concurrent calls (streams) per client connection.
  int max_concurrent_streams = 100;
  // Keepalive enforcement: a client pinging more often than this without
  // sending data gets a strike; max_ping_strikes strikes close its
  // connection (GOAWAY too_many_pings).
  int min_ping_interval_ms = 60'000;
  int max_ping_strikes = 2;
  // The HTTP/JSON gateway and console; off when http.listen_address is
  // empty. Like the gRPC address, it must be loopback without tokens.
  HttpGatewayOptions http;
};

// A running server. Thread-safe. Destroying it shuts the gRPC server down
// (waiting for in-flight calls up to a short grace period) and then closes
// the database.
class ChainkgServer {
 public:
  // Opens the database and starts serving. Errors from Store::Open and
  // Authorizer::FromFile keep their codes; FAILED_PRECONDITION for open
  // access (no token file) on an address that is not loopback, or a TLS
  // file that cannot be read; UNAVAILABLE when the address cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<ChainkgServer>> Start(
      const ServerOptions& options);

  ~ChainkgServer();
  ChainkgServer(const ChainkgServer&) = delete;
  ChainkgServer& operator=(const ChainkgServer&) = delete;

  // The bound port.
  int port() const { return port_; }
  // "host:port" as bound.
  const std::string& address() const { return address_; }
  // The HTTP gateway's "host:port" as bound; empty when it is off.
  std::string http_address() const {
    return http_ == nullptr ? std::string() : http_->address();
  }

  // Stops accepting calls, lets in-flight calls finish until grace has
  // passed, then cancels the rest. Returns as soon as no call is in flight:
  // idle client connections are closed, not waited for. Idempotent.
  void Shutdown(absl::Duration grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  ChainkgServer() = default;

  // Destroyed in reverse order: the HTTP gateway and the gRPC server first
  // (Shutdown stops both), then the services,
  // the analysis cache and the live view (stopping their threads), the
  // store last.
  std::unique_ptr<graph::Store> store_;
  std::unique_ptr<Authorizer> auth_;
  std::unique_ptr<graph::LiveView> views_;
  std::unique_ptr<graph::AnalysisCache> analyses_;
  std::unique_ptr<GraphServiceImpl> graph_service_;
  std::unique_ptr<AnalysisServiceImpl> analysis_service_;
  std::unique_ptr<AdminServiceImpl> admin_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HttpGateway> http_;
  // Calls being handled (counted by an interceptor).
  std::shared_ptr<std::atomic<int64_t>> calls_ =
      std::make_shared<std::atomic<int64_t>>(0);
  int port_ = 0;
  std::string address_;
};

}  // namespace chainkg::server
