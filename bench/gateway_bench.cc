// The HTTP/JSON gateway's cost over the same call through gRPC (issue 16:
// at most 1 ms per call on a small answer). One process runs a real
// chainkg-server (ChainkgServer) with its HTTP listener on a database given
// by --db (bench/gateway_bench.sh makes one from the city demo), and calls
// AnalysisService.Stats of one region (a small answer) over a gRPC channel
// and over a keep-alive HTTP connection, each from the same thread.
//
// Usage: gateway_bench --db DIR [--region 4419] [benchmark flags]
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"

#include "chainkg/v1/analysis_service.grpc.pb.h"
#include "httplib.h"
#include "server/server.h"

namespace chainkg {
namespace {

struct Flags {
  std::string db;
  std::string region = "4419";
};

Flags& TheFlags() {
  static Flags flags;
  return flags;
}

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "gateway_bench: " << message << "\n";
  std::exit(2);
}

struct Fixture {
  std::unique_ptr<server::ChainkgServer> server;
  std::unique_ptr<v1::AnalysisService::Stub> stub;
  std::unique_ptr<httplib::Client> http;
  v1::StatsRequest request;
  std::string body;
};

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    server::ServerOptions options;
    options.db_path = TheFlags().db;
    options.listen_address = "127.0.0.1:0";
    options.http.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
        server::ChainkgServer::Start(options);
    if (!started.ok()) Die(std::string(started.status().message()));
    f->server = std::move(*started);
    f->stub = v1::AnalysisService::NewStub(grpc::CreateChannel(
        f->server->address(), grpc::InsecureChannelCredentials()));
    std::vector<std::string> host_port =
        absl::StrSplit(f->server->http_address(), ':');
    f->http = std::make_unique<httplib::Client>(host_port[0],
                                                std::stoi(host_port[1]));
    f->http->set_keep_alive(true);
    f->http->set_tcp_nodelay(true);
    f->request.set_region_prefix(TheFlags().region);
    google::protobuf::util::MessageToJsonString(f->request, &f->body);
    // The first call waits for the first view.
    v1::StatsResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::minutes(5));
    grpc::Status status = f->stub->Stats(&context, f->request, &response);
    if (!status.ok()) Die(status.error_message());
    return f;
  }();
  return *fixture;
}

void BM_StatsOverGrpc(benchmark::State& state) {
  Fixture& f = TheFixture();
  for (auto _ : state) {
    v1::StatsResponse response;
    grpc::ClientContext context;
    grpc::Status status = f.stub->Stats(&context, f.request, &response);
    if (!status.ok()) Die(status.error_message());
    benchmark::DoNotOptimize(response.firms());
  }
}
BENCHMARK(BM_StatsOverGrpc)->Unit(benchmark::kMicrosecond);

void BM_StatsOverHttp(benchmark::State& state) {
  Fixture& f = TheFixture();
  for (auto _ : state) {
    httplib::Result result = f.http->Post(
        "/api/chainkg.v1.AnalysisService/Stats", f.body, "application/json");
    if (!result || result->status != 200) Die("HTTP call failed");
    benchmark::DoNotOptimize(result->body.size());
  }
}
BENCHMARK(BM_StatsOverHttp)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace chainkg

int main(int argc, char** argv) {
  chainkg::Flags& flags = chainkg::TheFlags();
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--db" || arg == "--region") && i + 1 < argc) {
      (arg == "--db" ? flags.db : flags.region) = argv[++i];
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (flags.db.empty()) chainkg::Die("--db DIR is required");
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
