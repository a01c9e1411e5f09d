// The HTTP/JSON gateway of a real chainkg-server (server/http_gateway.h),
// called with a real HTTP client: every analysis answers the same JSON as
// the same call over gRPC; errors are JSON with the HTTP status of their
// code; tokens and roles are those of gRPC; limits and CORS.
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

#include "chainkg/v1/analysis_service.grpc.pb.h"
#include "chainkg/v1/error.pb.h"
#include "chainkg/v1/graph_service.grpc.pb.h"
#include "httplib.h"
#include "server/auth.h"
#include "server/server.h"
#include "tests/e2e/server_fixture.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace chainkg {
namespace {

using ::testing::HasSubstr;

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

class HttpGatewayTest : public testing::ServerFixture {
 protected:
  // The documented example data, bulk-imported; each test starts the
  // server with the options it needs.
  void SetUp() override {
    testing::ProcessResult imported = testing::RunProcess(
        {CHAINKG_IMPORT_PATH, "--db", dir_.Sub("db"), CHAINKG_EXAMPLES_DIR});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }

  void Start(const std::string& tokens_file = "",
             const std::string& allow_origin = "") {
    server::ServerOptions options;
    options.tokens_file = tokens_file;
    options.http.listen_address = "127.0.0.1:0";
    options.http.max_body_bytes = 64 << 10;
    options.http.allow_origin = allow_origin;
    StartServer(options);
    analysis_ = v1::AnalysisService::NewStub(channel_);
    std::vector<std::string> host_port =
        absl::StrSplit(server_->http_address(), ':');
    http_ = std::make_unique<httplib::Client>(host_port[0],
                                              std::stoi(host_port[1]));
    http_->set_read_timeout(std::chrono::seconds(30));
  }

  std::unique_ptr<grpc::ClientContext> Call(const std::string& token = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(30));
    if (!token.empty()) {
      context->AddMetadata("authorization", "Bearer " + token);
    }
    return context;
  }

  httplib::Result Post(const std::string& method, const std::string& body,
                       const httplib::Headers& headers = {}) {
    return http_->Post(absl::StrCat("/api/", method).c_str(), headers, body,
                       "application/json");
  }

  // The HTTP answer to method with request's JSON equals the gRPC answer.
  template <typename Request, typename Response, typename Stub>
  void ExpectParity(const std::string& method, const Request& request,
                    grpc::Status (Stub::*call)(grpc::ClientContext*,
                                               const Request&, Response*),
                    Stub& stub) {
    SCOPED_TRACE(method);
    Response response;
    grpc::Status status = (stub.*call)(Call().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    httplib::Result result = Post(method, ToJson(request));
    ASSERT_TRUE(result) << httplib::to_string(result.error());
    EXPECT_EQ(result->status, 200) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"),
              "application/json; charset=utf-8");
    EXPECT_EQ(result->body, ToJson(response));
  }

  std::unique_ptr<v1::AnalysisService::Stub> analysis_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpGatewayTest, EveryAnalysisAnswersTheSameJsonAsGrpc) {
  Start();
  using Analysis = v1::AnalysisService::Stub;
  v1::StatsRequest stats;
  stats.set_region_prefix("4419");
  ExpectParity("chainkg.v1.AnalysisService/Stats", stats, &Analysis::Stats,
               *analysis_);
  v1::GapsRequest gaps;
  gaps.set_chain_key("ROBOT");
  gaps.set_region_prefix("4419");
  ExpectParity("chainkg.v1.AnalysisService/Gaps", gaps, &Analysis::Gaps,
               *analysis_);
  for (v1::SupplyMode mode :
       {v1::SUPPLY_MODE_OBSERVED, v1::SUPPLY_MODE_CAPABILITY}) {
    v1::CriticalSuppliersRequest critical;
    critical.set_firm_key("SZSE:300607");
    critical.set_mode(mode);
    ExpectParity("chainkg.v1.AnalysisService/CriticalSuppliers", critical,
                 &Analysis::CriticalSuppliers, *analysis_);
  }
  v1::ImpactRequest impact;
  impact.add_remove_firm_keys("EXT:Nidec");
  ExpectParity("chainkg.v1.AnalysisService/Impact", impact, &Analysis::Impact,
               *analysis_);
  v1::ShortestPathRequest path;
  path.mutable_from()->set_kind(v1::VERTEX_KIND_FIRM);
  path.mutable_from()->set_key("EXT:Nidec");
  path.mutable_to()->set_kind(v1::VERTEX_KIND_FIRM);
  path.mutable_to()->set_key("SZSE:300607");
  ExpectParity("chainkg.v1.AnalysisService/ShortestPath", path,
               &Analysis::ShortestPath, *analysis_);
  v1::SubstitutesRequest substitutes;
  substitutes.set_firm_key("EXT:Nidec");
  substitutes.set_product_key("servo");
  ExpectParity("chainkg.v1.AnalysisService/Substitutes", substitutes,
               &Analysis::Substitutes, *analysis_);
  v1::GetVertexRequest get;
  get.mutable_ref()->set_kind(v1::VERTEX_KIND_FIRM);
  get.mutable_ref()->set_key("SZSE:300607");
  ExpectParity("chainkg.v1.GraphService/GetVertex", get,
               &v1::GraphService::Stub::GetVertex, *stub_);
}

TEST_F(HttpGatewayTest, TraverseStreamsOneJsonLinePerGrpcMessage) {
  Start();
  v1::TraverseRequest request;
  request.mutable_start()->set_kind(v1::VERTEX_KIND_FIRM);
  request.mutable_start()->set_key("SZSE:300607");
  request.add_edge_kinds(v1::EDGE_KIND_SUPPLIES);
  request.add_edge_kinds(v1::EDGE_KIND_PRODUCES);
  request.add_edge_kinds(v1::EDGE_KIND_INPUT_TO);
  std::vector<std::string> expected;
  auto context = Call();
  auto reader = analysis_->Traverse(context.get(), request);
  v1::TraverseResponse message;
  while (reader->Read(&message)) expected.push_back(ToJson(message));
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_FALSE(expected.empty());
  httplib::Result result =
      Post("chainkg.v1.AnalysisService/Traverse", ToJson(request));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"),
            "application/x-ndjson; charset=utf-8");
  std::vector<std::string> lines =
      absl::StrSplit(result->body, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines, expected);
}

TEST_F(HttpGatewayTest, ErrorsAreJsonWithTheHttpStatusOfTheirCode) {
  Start();
  struct Case {
    std::string method;
    std::string body;
    httplib::Headers headers;
    int status;
    std::string code;
    std::string field;
  };
  std::vector<Case> cases = {
      // A field the call names, with its details.
      {"chainkg.v1.AnalysisService/CriticalSuppliers",
       R"({"firm_key": "EXT:nobody"})",
       {},
       404,
       "NOT_FOUND",
       "firm_key"},
      {"chainkg.v1.AnalysisService/Traverse",
       R"({"start": {"kind": "VERTEX_KIND_FIRM", "key": "SZSE:300607"},
           "max_depth": 99})",
       {},
       400,
       "INVALID_ARGUMENT",
       "max_depth"},
      // The body is not the request in proto3 JSON.
      {"chainkg.v1.AnalysisService/Stats",
       "{not json",
       {},
       400,
       "INVALID_ARGUMENT",
       ""},
      {"chainkg.v1.AnalysisService/Stats",
       R"({"regoin_prefix": "4419"})",
       {},
       400,
       "INVALID_ARGUMENT",
       ""},
      // No such method, or one that streams requests.
      {"chainkg.v1.AnalysisService/Nothing", "{}", {}, 404, "NOT_FOUND", ""},
      {"grpc.health.v1.Health/Check", "{}", {}, 404, "NOT_FOUND", ""},
      {"chainkg.v1.GraphService/Ingest", "{}", {}, 501, "UNIMPLEMENTED", ""},
      // A bad deadline header; a sequence no write has reached.
      {"chainkg.v1.AnalysisService/Stats",
       "{}",
       {{"X-Timeout-Ms", "soon"}},
       400,
       "INVALID_ARGUMENT",
       ""},
      {"chainkg.v1.AnalysisService/Stats",
       R"({"min_sequence": "999999"})",
       {},
       400,
       "OUT_OF_RANGE",
       "min_sequence"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.body);
    httplib::Result result = Post(c.method, c.body, c.headers);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, c.status) << result->body;
    v1::HttpError error;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(result->body, &error).ok())
        << result->body;
    EXPECT_EQ(error.code(), c.code);
    EXPECT_FALSE(error.message().empty());
    EXPECT_EQ(error.field(), c.field);
  }
  // A body past the limit (64 KiB here), a route that does not exist.
  httplib::Result large =
      Post("chainkg.v1.AnalysisService/Stats", std::string(100 << 10, ' '));
  ASSERT_TRUE(large);
  EXPECT_EQ(large->status, 413);
  EXPECT_THAT(large->body, HasSubstr("RESOURCE_EXHAUSTED"));
  httplib::Result nowhere = http_->Get("/api/chainkg.v1.AnalysisService/Stats");
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 404);
  EXPECT_THAT(nowhere->body, HasSubstr("no such route: GET"));
  httplib::Result health = http_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // No CORS unless configured.
  EXPECT_FALSE(health->has_header("Access-Control-Allow-Origin"));
}

TEST_F(HttpGatewayTest, TokensAndRolesAreThoseOfGrpc) {
  std::string reader = server::NewToken();
  std::string writer = server::NewToken();
  std::string tokens = dir_.Sub("tokens");
  {
    std::ofstream out(tokens);
    out << "reader planner " << server::HashToken(reader) << "\n"
        << "writer loader " << server::HashToken(writer) << "\n";
  }
  Start(tokens);
  auto bearer = [](const std::string& token) {
    return httplib::Headers{{"Authorization", "Bearer " + token}};
  };
  const std::string upsert = R"({"vertices": [{"firm": {"key": "EXT:New",
                                "name": "New Co", "country": "JP"}}]})";
  struct Case {
    std::string method;
    std::string body;
    httplib::Headers headers;
    int status;
  };
  std::vector<Case> cases = {
      {"chainkg.v1.AnalysisService/Stats", "{}", {}, 401},
      {"chainkg.v1.AnalysisService/Stats", "{}", bearer("ckg_wrong"), 401},
      {"chainkg.v1.AnalysisService/Stats", "{}", bearer(reader), 200},
      {"chainkg.v1.GraphService/UpsertVertices", upsert, bearer(reader), 403},
      {"chainkg.v1.GraphService/UpsertVertices", upsert, bearer(writer), 200},
      {"chainkg.v1.AdminService/Checkpoint", R"({"name": "x"})", bearer(writer),
       403},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method);
    httplib::Result result = Post(c.method, c.body, c.headers);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, c.status) << result->body;
  }
  // The write over HTTP is there over gRPC.
  v1::GetVertexRequest get;
  get.mutable_ref()->set_kind(v1::VERTEX_KIND_FIRM);
  get.mutable_ref()->set_key("EXT:New");
  v1::GetVertexResponse got;
  grpc::Status status = stub_->GetVertex(Call(reader).get(), get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.vertex().firm().name(), "New Co");
}

TEST_F(HttpGatewayTest, AConfiguredOriginGetsCorsHeaders) {
  Start("", "http://console.example");
  httplib::Result preflight =
      http_->Options("/api/chainkg.v1.AnalysisService/Stats",
                     {{"Origin", "http://console.example"},
                      {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"),
            "http://console.example");
  EXPECT_THAT(preflight->get_header_value("Access-Control-Allow-Headers"),
              HasSubstr("Authorization"));
  httplib::Result stats = Post("chainkg.v1.AnalysisService/Stats", "{}");
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->get_header_value("Access-Control-Allow-Origin"),
            "http://console.example");
}

// A web page in the operator's browser must not reach the API: JSON only,
// the gateway's own origin, loopback Host names without tokens. A header
// gRPC would abort on is refused before it reaches gRPC.
TEST_F(HttpGatewayTest, CrossSiteRequestsAndBadHeadersAreRefused) {
  Start();
  struct Case {
    std::string content_type;
    httplib::Headers headers;
    int status;
    std::string code;
  };
  const std::string upsert =
      R"({"vertices": [{"firm": {"key": "EXT:Evil", "name": "Evil"}}]})";
  for (const Case& c : std::vector<Case>{
           {"text/plain", {}, 415, "INVALID_ARGUMENT"},
           {"application/x-www-form-urlencoded", {}, 415, "INVALID_ARGUMENT"},
           {"application/json",
            {{"Origin", "http://evil.example"}},
            403,
            "PERMISSION_DENIED"},
           {"application/json",
            {{"Host", "evil.example:8080"}},
            403,
            "PERMISSION_DENIED"},
           {"application/json",
            {{"Authorization", "Bearer a\x01b"}},
            401,
            "UNAUTHENTICATED"},
           {"application/json",
            {{"X-Timeout-Ms", "99999999999999"}},
            400,
            "INVALID_ARGUMENT"},
       }) {
    SCOPED_TRACE(c.content_type);
    httplib::Result result =
        http_->Post("/api/chainkg.v1.GraphService/UpsertVertices", c.headers,
                    upsert, c.content_type.c_str());
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, c.status) << result->body;
    EXPECT_THAT(result->body, HasSubstr(c.code));
  }
  // Nothing was written; the gateway's own origin is served.
  v1::GetVertexRequest get;
  get.mutable_ref()->set_kind(v1::VERTEX_KIND_FIRM);
  get.mutable_ref()->set_key("EXT:Evil");
  v1::GetVertexResponse got;
  EXPECT_EQ(stub_->GetVertex(Call().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  httplib::Result own = http_->Post(
      "/api/chainkg.v1.AnalysisService/Stats",
      {{"Origin", absl::StrCat("http://", server_->http_address())}}, "{}",
      "application/json");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
}

TEST(HttpGatewayStartTest, OpenAccessRefusesANonLoopbackHttpAddress) {
  testing::TempDir dir;
  server::ServerOptions options;
  options.db_path = dir.Sub("db");
  options.listen_address = "127.0.0.1:0";
  options.http.listen_address = "0.0.0.0:0";
  absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
      server::ChainkgServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(started.status().message()),
              HasSubstr("without --tokens"));
}

}  // namespace
}  // namespace chainkg
