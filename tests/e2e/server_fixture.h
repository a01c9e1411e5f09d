// A real ChainkgServer on a free loopback port with a fresh database, and a
// GraphService stub connected to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

#include "chainkg/v1/graph_service.grpc.pb.h"
#include "server/server.h"
#include "tests/testing/temp_dir.h"

namespace chainkg::testing {

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  // (Re)starts the server on the fixture's database, on a free loopback
  // port, with the other options as given.
  void StartServer(server::ServerOptions options = server::ServerOptions()) {
    options.db_path = dir_.Sub("db");
    options.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
        server::ChainkgServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    ASSERT_TRUE(channel_->WaitForConnected(std::chrono::system_clock::now() +
                                           std::chrono::seconds(10)));
    stub_ = v1::GraphService::NewStub(channel_);
  }

  void StopServer() {
    stub_.reset();
    channel_.reset();
    server_.reset();
  }

  // The sequence of the latest committed write (a listing's snapshot).
  uint64_t LatestSequence() {
    v1::ListVerticesRequest request;
    request.set_kind(v1::VERTEX_KIND_FIRM);
    request.set_page_size(1);
    v1::ListVerticesResponse response;
    grpc::Status status = stub_->ListVertices(Call().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.sequence();
  }

  std::unique_ptr<grpc::ClientContext> Call() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    return context;
  }

  TempDir dir_;
  std::unique_ptr<server::ChainkgServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::GraphService::Stub> stub_;
};

}  // namespace chainkg::testing
