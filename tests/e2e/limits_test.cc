// Transport limits of a real server: an oversized message, an oversized
// header, a client that pings too often, and a stream the client cancels
// mid-batch; after each the server keeps serving others. Shutdown: idle
// connections are not waited for, in-flight calls are.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

#include "chainkg/v1/graph_service.grpc.pb.h"
#include "server/server.h"
#include "tests/testing/temp_dir.h"

namespace chainkg {
namespace {

using ::testing::AnyOf;

v1::Vertex Firm(const std::string& key) {
  v1::Vertex vertex;
  vertex.mutable_firm()->set_key(key);
  vertex.mutable_firm()->set_name(key);
  return vertex;
}

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions options;
    options.db_path = dir_.Sub("db");
    options.listen_address = "127.0.0.1:0";
    options.max_receive_message_bytes = 1 << 20;
    options.max_metadata_bytes = 8 << 10;
    absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
        server::ChainkgServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
    stub_ = Connect();
  }

  std::unique_ptr<v1::GraphService::Stub> Connect(
      const grpc::ChannelArguments& args = grpc::ChannelArguments()) {
    auto channel = grpc::CreateCustomChannel(
        server_->address(), grpc::InsecureChannelCredentials(), args);
    EXPECT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() +
                                          std::chrono::seconds(10)));
    return v1::GraphService::NewStub(channel);
  }

  std::unique_ptr<grpc::ClientContext> Call() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    return context;
  }

  // The server still answers a plain call on a fresh connection. (A
  // channel of its own subchannel pool: channels with equal arguments
  // otherwise share the connection the server may just have closed.)
  void ExpectStillServing() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    std::unique_ptr<v1::GraphService::Stub> fresh = Connect(args);
    v1::UpsertVerticesRequest request;
    *request.add_vertices() = Firm(absl::StrCat("EXT:alive-", ++alive_));
    v1::UpsertVerticesResponse response;
    auto context = Call();
    context->set_wait_for_ready(true);
    grpc::Status status =
        fresh->UpsertVertices(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  testing::TempDir dir_;
  std::unique_ptr<server::ChainkgServer> server_;
  std::unique_ptr<v1::GraphService::Stub> stub_;
  int alive_ = 0;
};

TEST_F(LimitsTest, OversizedMessageIsRefusedWithResourceExhausted) {
  v1::UpsertVerticesRequest request;
  v1::Vertex firm = Firm("EXT:big");
  firm.mutable_firm()->set_name(std::string(2 << 20, 'x'));
  *request.add_vertices() = firm;
  v1::UpsertVerticesResponse response;
  grpc::Status status = stub_->UpsertVertices(Call().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  ExpectStillServing();
}

TEST_F(LimitsTest, OversizedHeaderIsRefused) {
  auto context = Call();
  context->AddMetadata("x-padding", std::string(64 << 10, 'h'));
  v1::GetVertexRequest request;
  request.mutable_ref()->set_kind(v1::VERTEX_KIND_FIRM);
  request.mutable_ref()->set_key("EXT:x");
  v1::GetVertexResponse response;
  grpc::Status status = stub_->GetVertex(context.get(), request, &response);
  EXPECT_THAT(status.error_code(),
              AnyOf(grpc::StatusCode::RESOURCE_EXHAUSTED,
                    grpc::StatusCode::INTERNAL, grpc::StatusCode::UNAVAILABLE))
      << status.error_message();
  ExpectStillServing();
}

TEST_F(LimitsTest, TooFrequentPingerLosesItsConnection) {
  // Pings every 10 ms with no data; the server allows one per minute and
  // closes the connection after two strikes (GOAWAY too_many_pings).
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  std::unique_ptr<v1::GraphService::Stub> pinger = Connect(args);
  // A long-lived stream that sends nothing while the client pings.
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(20));
  auto stream = pinger->Ingest(context.get());
  v1::IngestResponse response;
  bool got = stream->Read(&response);  // blocks until the server hangs up
  EXPECT_FALSE(got);
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  ExpectStillServing();
}

TEST_F(LimitsTest, CancelledStreamLeavesWholeBatchesOnly) {
  auto context = std::make_unique<grpc::ClientContext>();
  auto stream = stub_->Ingest(context.get());
  constexpr int kBatch = 50;
  for (int batch = 0; batch < 3; ++batch) {
    v1::IngestRequest request;
    for (int i = 0; i < kBatch; ++i) {
      *request.add_vertices() = Firm(absl::StrCat("EXT:b", batch, "-", i));
    }
    ASSERT_TRUE(stream->Write(request));
    if (batch < 2) {
      v1::IngestResponse ack;
      ASSERT_TRUE(stream->Read(&ack));
    }
  }
  context->TryCancel();  // the third batch may or may not have landed
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // Every batch is all or nothing; the two acknowledged ones are there.
  for (int batch = 0; batch < 3; ++batch) {
    int found = 0;
    for (int i = 0; i < kBatch; ++i) {
      v1::GetVertexRequest get;
      get.mutable_ref()->set_kind(v1::VERTEX_KIND_FIRM);
      get.mutable_ref()->set_key(absl::StrCat("EXT:b", batch, "-", i));
      v1::GetVertexResponse got;
      if (stub_->GetVertex(Call().get(), get, &got).ok()) ++found;
    }
    EXPECT_TRUE(found == 0 || found == kBatch)
        << "batch " << batch << ": " << found << " of " << kBatch;
    if (batch < 2) {
      EXPECT_EQ(found, kBatch) << "acknowledged batch " << batch;
    }
  }
  ExpectStillServing();
}

// A TCP connection to the server's port that sends nothing: a client that
// connected and went idle (or never finished its handshake).
class IdleSocket {
 public:
  explicit IdleSocket(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address),
                         sizeof(address)) == 0;
  }
  ~IdleSocket() { close(fd_); }
  bool connected() const { return connected_; }

 private:
  int fd_;
  bool connected_ = false;
};

TEST_F(LimitsTest, ShutdownDoesNotWaitForIdleConnections) {
  // stub_'s channel is connected and idle; so is a raw socket.
  IdleSocket idle(server_->port());
  ASSERT_TRUE(idle.connected());
  ExpectStillServing();
  auto start = std::chrono::steady_clock::now();
  server_->Shutdown(absl::Seconds(60));
  server_->Wait();
  // gRPC alone would wait the whole grace for the idle connections.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST_F(LimitsTest, ShutdownLetsAnInFlightCallFinish) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(30));
  auto stream = stub_->Ingest(context.get());
  v1::IngestRequest request;
  *request.add_vertices() = Firm("EXT:before-shutdown");
  ASSERT_TRUE(stream->Write(request));
  v1::IngestResponse ack;
  ASSERT_TRUE(stream->Read(&ack));
  std::thread stopper([&] { server_->Shutdown(absl::Seconds(60)); });
  // Longer than the shutdown's idle checks (2 x 20 ms): the open stream must
  // keep the server from closing connections meanwhile.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  request.clear_vertices();
  *request.add_vertices() = Firm("EXT:during-shutdown");
  ASSERT_TRUE(stream->Write(request));
  EXPECT_TRUE(stream->Read(&ack));
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  stopper.join();
}

}  // namespace
}  // namespace chainkg
