// libFuzzer target for request handling: the first byte of an input picks a
// unary GraphService or AnalysisService RPC, the rest is parsed as its
// request message (as gRPC would) and handed to the real handler, on a
// RocksDB store in a temporary directory holding the fixture graph
// (tests/data/fixture) and docs/examples. Checks that no request gets
// INTERNAL, UNKNOWN or DATA_LOSS and that every response parses again.
//
// The store keeps the writes of earlier inputs and is rebuilt every
// kInputsPerStore inputs, so a finding may depend on the inputs before it;
// running the finding alone replays it on a freshly loaded store.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/stubs/logging.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

#include "chainkg/v1/analysis_service.pb.h"
#include "chainkg/v1/graph_service.pb.h"
#include "fuzz/require.h"
#include "graph/analysis/analysis_cache.h"
#include "graph/store/store.h"
#include "graph/store/write_request.h"
#include "graph/view/live_view.h"
#include "loaders/load_plan.h"
#include "loaders/record_file.h"
#include "server/analysis_service.h"
#include "server/auth.h"
#include "server/graph_service.h"

namespace chainkg::fuzz {
namespace {

constexpr int kInputsPerStore = 2000;

// Checks a Status of the harness itself (not of the code under test).
void RequireOk(const absl::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "request_fuzzer: %s: %s\n", what,
                 status.ToString().c_str());
    std::abort();
  }
}

// Loads the sample files (loaders/load_plan.h order) into store.
void LoadSamples(graph::Store& store) {
  absl::StatusOr<std::vector<loaders::InputFile>> files = loaders::PlanInputs(
      {CHAINKG_FIXTURE_DIR, CHAINKG_EXAMPLES_DIR}, std::nullopt);
  RequireOk(files.status(), "planning the sample files");
  for (const loaders::InputFile& file : *files) {
    graph::WriteRequest write;
    write.on_invalid = graph::FailurePolicy::kSkipInvalid;
    loaders::RecordFileOptions options;
    options.kind = file.kind;
    absl::StatusOr<loaders::RecordFileResult> read = loaders::ReadRecordFile(
        file.path, options, [&write](loaders::ParsedRow&& row) {
          for (v1::Vertex& vertex : row.vertices) {
            write.vertices.push_back(std::move(vertex));
          }
          for (v1::Edge& edge : row.edges)
            write.edges.push_back(std::move(edge));
          return absl::OkStatus();
        });
    RequireOk(read.status(), "reading a sample file");
    RequireOk(store.Apply(write).status(), "loading a sample file");
  }
}

// A store in a temporary directory with the services over it. Destroying
// it removes the directory.
class Server {
 public:
  Server() : auth_(server::Authorizer::Open()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = tmp != nullptr && *tmp != '\0'  ? tmp
                       : access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                                       : "/tmp";
    std::string pattern = base + "/chainkg-request-fuzz-XXXXXX";
    Require(mkdtemp(pattern.data()) != nullptr, "mkdtemp works");
    dir_ = pattern;
    graph::StoreOptions options;
    // Durability is not under test, and an fsync per write would make most
    // of each input's time.
    options.sync_writes = false;
    absl::StatusOr<std::unique_ptr<graph::Store>> store =
        graph::Store::Open(dir_ + "/db", options);
    RequireOk(store.status(), "opening the store");
    store_ = std::move(*store);
    LoadSamples(*store_);
    views_ =
        std::make_unique<graph::LiveView>(*store_, graph::LiveViewOptions());
    server::GraphServiceOptions service_options;
    graph_ = std::make_unique<server::GraphServiceImpl>(*store_, auth_,
                                                        service_options);
    analysis_ = std::make_unique<server::AnalysisServiceImpl>(
        *views_, cache_, auth_, service_options);
  }
  ~Server() {
    analysis_.reset();
    graph_.reset();
    views_.reset();
    store_.reset();
    std::error_code ignored;  // a leftover directory harms nothing
    std::filesystem::remove_all(dir_, ignored);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  server::GraphServiceImpl& graph() { return *graph_; }
  server::AnalysisServiceImpl& analysis() { return *analysis_; }

 private:
  std::string dir_;
  const server::Authorizer auth_;  // open: every caller is an admin
  std::unique_ptr<graph::Store> store_;
  std::unique_ptr<graph::LiveView> views_;
  graph::AnalysisCache cache_;
  std::unique_ptr<server::GraphServiceImpl> graph_;
  std::unique_ptr<server::AnalysisServiceImpl> analysis_;
};

// Parses bytes as Request, calls the handler and checks the outcome.
template <typename Service, typename Request, typename Response>
void Call(Service& service,
          grpc::Status (Service::*handler)(grpc::ServerContext*, const Request*,
                                           Response*),
          absl::string_view bytes) {
  Request request;
  // gRPC answers INTERNAL itself for bytes that do not parse, before any
  // handler runs.
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  grpc::ServerContext context;
  Response response;
  grpc::Status status = (service.*handler)(&context, &request, &response);
  Require(status.error_code() != grpc::StatusCode::INTERNAL &&
              status.error_code() != grpc::StatusCode::UNKNOWN &&
              status.error_code() != grpc::StatusCode::DATA_LOSS,
          "a request never gets INTERNAL, UNKNOWN or DATA_LOSS");
  if (!status.ok()) return;
  Response again;
  Require(again.ParseFromString(response.SerializeAsString()),
          "a response parses again (valid UTF-8 strings)");
}

using Rpc = std::function<void(Server&, absl::string_view)>;

// The unary RPCs, indexed by an input's first byte (modulo the count).
// fuzz/make_corpus.py writes seeds with the same order. Ingest and
// Traverse are streams, whose handlers need a live call.
const std::vector<Rpc>& Rpcs() {
  using server::AnalysisServiceImpl;
  using server::GraphServiceImpl;
  static const auto* rpcs = new std::vector<Rpc>{
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::GetVertex, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::BatchGetVertices, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::ListVertices, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::SearchVertices, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::UpsertVertices, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::DeleteVertices, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::UpsertEdges, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::DeleteEdges, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.graph(), &GraphServiceImpl::ListEdges, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.analysis(), &AnalysisServiceImpl::Stats, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.analysis(), &AnalysisServiceImpl::Impact, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.analysis(), &AnalysisServiceImpl::CriticalSuppliers, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.analysis(), &AnalysisServiceImpl::ShortestPath, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.analysis(), &AnalysisServiceImpl::Substitutes, b);
      },
      [](Server& s, absl::string_view b) {
        Call(s.analysis(), &AnalysisServiceImpl::Gaps, b);
      },
  };
  return *rpcs;
}

// Keeps protobuf's parse errors for malformed inputs off the fuzzer's
// output; FATAL still aborts after the handler returns.
void QuietLog(google::protobuf::LogLevel level, const char* filename, int line,
              const std::string& message) {
  if (level == google::protobuf::LOGLEVEL_FATAL) {
    std::fprintf(stderr, "[libprotobuf FATAL %s:%d] %s\n", filename, line,
                 message.c_str());
  }
}

}  // namespace
}  // namespace chainkg::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(&chainkg::fuzz::QuietLog);
  return 0;
}

namespace chainkg::fuzz {
namespace {

Server* server = nullptr;

// Closes the store at exit. Registered after the first Store::Open has
// created RocksDB's function-local statics, so it runs before their
// destructors; a static Server would be destroyed after them.
void DeleteServer() {
  delete server;
  server = nullptr;
}

}  // namespace
}  // namespace chainkg::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using chainkg::fuzz::server;
  static int inputs = 0;
  if (size == 0) return 0;
  if (server == nullptr) {
    server = new chainkg::fuzz::Server();
    std::atexit(&chainkg::fuzz::DeleteServer);
  } else if (++inputs % chainkg::fuzz::kInputsPerStore == 0) {
    delete server;  // the old store closes before the new one opens
    server = new chainkg::fuzz::Server();
  }
  const auto& rpcs = chainkg::fuzz::Rpcs();
  rpcs[data[0] % rpcs.size()](
      *server,
      absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
