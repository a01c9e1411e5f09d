#include "server/server.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"

namespace chainkg::server {
namespace {

// "127.0.0.1:N", "localhost:N", "[::1]:N".
bool IsLoopback(const std::string& address) {
  std::string host = address.substr(0, address.rfind(':'));
  return host == "localhost" || absl::StartsWith(host, "127.") ||
         host == "[::1]";
}

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view what) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, ": cannot read it"));
  }
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    if (!options.tls_client_ca_file.empty()) {
      return absl::FailedPreconditionError(
          "--tls-client-ca needs --tls-cert and --tls-key");
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return absl::FailedPreconditionError(
        "TLS needs both --tls-cert and --tls-key");
  }
  grpc::SslServerCredentialsOptions ssl;
  absl::StatusOr<std::string> cert =
      ReadPem(options.tls_cert_file, "--tls-cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(options.tls_key_file, "--tls-key");
  if (!key.ok()) return key.status();
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!options.tls_client_ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPem(options.tls_client_ca_file, "--tls-client-ca");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// Counts the calls the server is handling: gRPC creates one interceptor per
// call and destroys it when the call is done.
class CallCounter
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallCounter(std::shared_ptr<std::atomic<int64_t>> count)
      : count_(std::move(count)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* /*info*/) override {
    return new Counted(count_);
  }

 private:
  class Counted : public grpc::experimental::Interceptor {
   public:
    explicit Counted(std::shared_ptr<std::atomic<int64_t>> count)
        : count_(std::move(count)) {
      count_->fetch_add(1);
    }
    ~Counted() override { count_->fetch_sub(1); }
    void Intercept(
        grpc::experimental::InterceptorBatchMethods* methods) override {
      methods->Proceed();
    }

   private:
    std::shared_ptr<std::atomic<int64_t>> count_;
  };

  std::shared_ptr<std::atomic<int64_t>> count_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ChainkgServer>> ChainkgServer::Start(
    const ServerOptions& options) {
  std::unique_ptr<ChainkgServer> server(new ChainkgServer());
  if (options.tokens_file.empty()) {
    for (const std::string& address :
         {options.listen_address, options.http.listen_address}) {
      if (!address.empty() && !IsLoopback(address)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "refusing to serve ", address,
            " without --tokens: anyone who can reach it could change the "
            "graph (docs/operations.md)"));
      }
    }
    server->auth_ = std::make_unique<Authorizer>(Authorizer::Open());
  } else {
    absl::StatusOr<Authorizer> auth = Authorizer::FromFile(options.tokens_file);
    if (!auth.ok()) return auth.status();
    server->auth_ = std::make_unique<Authorizer>(*std::move(auth));
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      Credentials(options);
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<std::unique_ptr<graph::Store>> store =
      graph::Store::Open(options.db_path, options.store);
  if (!store.ok()) return store.status();
  server->store_ = std::move(*store);
  if (!server->store_->recovery_note().empty()) {
    std::cerr << "chainkg-server: recovered " << options.db_path << ": "
              << server->store_->recovery_note() << std::endl;
  }
  server->graph_service_ = std::make_unique<GraphServiceImpl>(
      *server->store_, *server->auth_, options.graph_service);
  // The live view starts building the first view at once, so the first
  // analysis does not wait for it; the log says when it is ready.
  graph::LiveViewOptions view_options;
  view_options.log = [](const std::string& line) {
    std::cerr << "chainkg-server: " << line << std::endl;
  };
  server->views_ =
      std::make_unique<graph::LiveView>(*server->store_, view_options);
  graph::AnalysisCacheOptions cache_options;
  cache_options.log = view_options.log;
  server->analyses_ = std::make_unique<graph::AnalysisCache>(cache_options);
  server->admin_service_ = std::make_unique<AdminServiceImpl>(
      *server->store_, *server->auth_, options.backup_dir);
  server->analysis_service_ = std::make_unique<AnalysisServiceImpl>(
      *server->views_, *server->analyses_, *server->auth_,
      options.graph_service);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Without this, two servers could silently share one port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE,
                             options.max_metadata_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      options.min_ping_interval_ms);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES,
                             options.max_ping_strikes);
  builder.AddListeningPort(options.listen_address, *credentials,
                           &server->port_);
  builder.RegisterService(server->graph_service_.get());
  builder.RegisterService(server->analysis_service_.get());
  builder.RegisterService(server->admin_service_.get());
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(std::make_unique<CallCounter>(server->calls_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (address in use or not local?)"));
  }
  std::string host =
      options.listen_address.substr(0, options.listen_address.rfind(':'));
  server->address_ = absl::StrCat(host, ":", server->port_);
  if (!options.http.listen_address.empty()) {
    // HTTP calls go through the same services, on the server's own
    // in-process channel (no socket, no second copy of any rule).
    HttpGatewayOptions http_options = options.http;
    http_options.loopback_hosts_only = options.tokens_file.empty();
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(options.max_send_message_bytes);
    args.SetMaxSendMessageSize(options.max_receive_message_bytes);
    absl::StatusOr<std::unique_ptr<HttpGateway>> http = HttpGateway::Start(
        http_options, server->server_->InProcessChannel(args));
    if (!http.ok()) return http.status();
    server->http_ = std::move(*http);
  }
  return server;
}

ChainkgServer::~ChainkgServer() {
  Shutdown(absl::Seconds(5));
  Wait();
}

void ChainkgServer::Shutdown(absl::Duration grace) {
  if (server_ == nullptr) return;
  // The HTTP gateway stops taking requests at once; those it is handling
  // are gRPC calls, which the gRPC shutdown below lets finish or cancels.
  std::thread http_stopper([this] {
    if (http_ != nullptr) http_->Stop();
  });
  // gRPC's shutdown also waits for every client connection to close, idle
  // ones included, until the grace has passed. Once no call is in flight
  // (seen twice, 20 ms apart, so that a call being started is not cut),
  // close the connections at once instead.
  std::atomic<bool> done{false};
  absl::Time deadline = absl::Now() + grace;
  std::thread closer([&] {
    int idle_polls = 0;
    while (!done.load() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
      idle_polls = calls_->load() == 0 ? idle_polls + 1 : 0;
      if (idle_polls == 2) {
        grpc_server_cancel_all_calls(server_->c_server());
        return;
      }
    }
  });
  server_->Shutdown(absl::ToChronoTime(deadline));
  done.store(true);
  closer.join();
  http_stopper.join();
}

void ChainkgServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace chainkg::server
