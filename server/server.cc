#include "server/server.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"

namespace chainkg::server {

absl::StatusOr<std::unique_ptr<ChainkgServer>> ChainkgServer::Start(
    const ServerOptions& options) {
  std::unique_ptr<ChainkgServer> server(new ChainkgServer());
  absl::StatusOr<std::unique_ptr<graph::Store>> store =
      graph::Store::Open(options.db_path, options.store);
  if (!store.ok()) return store.status();
  server->store_ = std::move(*store);
  server->graph_service_ = std::make_unique<GraphServiceImpl>(
      *server->store_, options.graph_service);
  server->views_ = std::make_unique<graph::ViewCache>(*server->store_);
  server->analysis_service_ = std::make_unique<AnalysisServiceImpl>(
      *server->store_, *server->views_, options.graph_service);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Without this, two servers could silently share one port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(server->graph_service_.get());
  builder.RegisterService(server->analysis_service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (address in use or not local?)"));
  }
  std::string host =
      options.listen_address.substr(0, options.listen_address.rfind(':'));
  server->address_ = absl::StrCat(host, ":", server->port_);
  server->view_warmer_ = std::thread([views = server->views_.get()] {
    // A failure here is reported again to the first query that needs the
    // view; nothing to do with it now.
    views->Current().IgnoreError();
  });
  return server;
}

ChainkgServer::~ChainkgServer() {
  Shutdown(absl::Seconds(5));
  Wait();
  if (view_warmer_.joinable()) view_warmer_.join();
}

void ChainkgServer::Shutdown(absl::Duration grace) {
  if (server_ != nullptr) {
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  }
}

void ChainkgServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace chainkg::server
