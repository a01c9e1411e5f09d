// Roles and tokens end to end: every RPC of GraphService and AnalysisService
// called with no token, a malformed header, an unknown token and each
// role's token, against a real server reading a token file; and TLS and
// mutual TLS with certificates the test makes with openssl.
#include "server/auth.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

#include "chainkg/v1/analysis_service.grpc.pb.h"
#include "chainkg/v1/graph_service.grpc.pb.h"
#include "server/server.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace chainkg {
namespace {

using ::chainkg::testing::ProcessResult;
using ::chainkg::testing::RunProcess;
using ::testing::HasSubstr;

enum class Caller { kNone, kMalformed, kUnknown, kReader, kWriter, kAdmin };
constexpr Caller kCallers[] = {Caller::kNone,    Caller::kMalformed,
                               Caller::kUnknown, Caller::kReader,
                               Caller::kWriter,  Caller::kAdmin};

const char* CallerName(Caller caller) {
  switch (caller) {
    case Caller::kNone:
      return "no token";
    case Caller::kMalformed:
      return "malformed";
    case Caller::kUnknown:
      return "unknown token";
    case Caller::kReader:
      return "reader";
    case Caller::kWriter:
      return "writer";
    case Caller::kAdmin:
      return "admin";
  }
  return "?";
}

v1::Vertex Firm(const std::string& key) {
  v1::Vertex vertex;
  vertex.mutable_firm()->set_key(key);
  vertex.mutable_firm()->set_name(key);
  return vertex;
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_[Caller::kReader] = server::NewToken();
    tokens_[Caller::kWriter] = server::NewToken();
    tokens_[Caller::kAdmin] = server::NewToken();
    tokens_[Caller::kUnknown] = server::NewToken();  // not in the file
    std::ofstream file(dir_.Sub("tokens"));
    file << "# role name sha256\n"
         << "reader analyst " << server::HashToken(tokens_[Caller::kReader])
         << "\nwriter loader " << server::HashToken(tokens_[Caller::kWriter])
         << "\nadmin ops " << server::HashToken(tokens_[Caller::kAdmin])
         << "\n";
    file.close();
    server::ServerOptions options;
    options.db_path = dir_.Sub("db");
    options.listen_address = "127.0.0.1:0";
    options.tokens_file = dir_.Sub("tokens");
    absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
        server::ChainkgServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    ASSERT_TRUE(channel_->WaitForConnected(std::chrono::system_clock::now() +
                                           std::chrono::seconds(10)));
    graph_ = v1::GraphService::NewStub(channel_);
    analysis_ = v1::AnalysisService::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Call(Caller caller) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    if (caller == Caller::kMalformed) {
      context->AddMetadata("authorization", "Basic dXNlcjpwYXNz");
    } else if (caller != Caller::kNone) {
      context->AddMetadata("authorization",
                           absl::StrCat("Bearer ", tokens_[caller]));
    }
    return context;
  }

  testing::TempDir dir_;
  std::map<Caller, std::string> tokens_;
  std::unique_ptr<server::ChainkgServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::GraphService::Stub> graph_;
  std::unique_ptr<v1::AnalysisService::Stub> analysis_;
};

TEST_F(AuthTest, EveryRpcChecksItsRoleAndNoUnauthorizedWriteLands) {
  struct Rpc {
    std::string name;
    bool writes;
    std::function<grpc::Status(Caller, int)> call;
  };
  // Each write names a firm of its own, so that a write that got through
  // would be found afterwards.
  auto intruder = [](Caller caller, int rpc) {
    return absl::StrCat("EXT:written-by-", static_cast<int>(caller), "-", rpc);
  };
  std::vector<Rpc> rpcs = {
      {"GetVertex", false,
       [&](Caller c, int) {
         v1::GetVertexRequest request;
         request.mutable_ref()->set_kind(v1::VERTEX_KIND_FIRM);
         request.mutable_ref()->set_key("EXT:x");
         v1::GetVertexResponse response;
         return graph_->GetVertex(Call(c).get(), request, &response);
       }},
      {"BatchGetVertices", false,
       [&](Caller c, int) {
         v1::BatchGetVerticesRequest request;
         v1::BatchGetVerticesResponse response;
         return graph_->BatchGetVertices(Call(c).get(), request, &response);
       }},
      {"ListVertices", false,
       [&](Caller c, int) {
         v1::ListVerticesRequest request;
         request.set_kind(v1::VERTEX_KIND_FIRM);
         v1::ListVerticesResponse response;
         return graph_->ListVertices(Call(c).get(), request, &response);
       }},
      {"SearchVertices", false,
       [&](Caller c, int) {
         v1::SearchVerticesRequest request;
         request.set_kind(v1::VERTEX_KIND_FIRM);
         v1::SearchVerticesResponse response;
         return graph_->SearchVertices(Call(c).get(), request, &response);
       }},
      {"ListEdges", false,
       [&](Caller c, int) {
         v1::ListEdgesRequest request;
         request.mutable_ref()->set_kind(v1::VERTEX_KIND_FIRM);
         request.mutable_ref()->set_key("EXT:x");
         v1::ListEdgesResponse response;
         return graph_->ListEdges(Call(c).get(), request, &response);
       }},
      {"UpsertVertices", true,
       [&](Caller c, int i) {
         v1::UpsertVerticesRequest request;
         *request.add_vertices() = Firm(intruder(c, i));
         v1::UpsertVerticesResponse response;
         return graph_->UpsertVertices(Call(c).get(), request, &response);
       }},
      {"DeleteVertices", true,
       [&](Caller c, int) {
         v1::DeleteVerticesRequest request;
         v1::VertexRef* ref = request.add_refs();
         ref->set_kind(v1::VERTEX_KIND_FIRM);
         ref->set_key("EXT:keep-me");
         v1::DeleteVerticesResponse response;
         return graph_->DeleteVertices(Call(c).get(), request, &response);
       }},
      {"UpsertEdges", true,
       [&](Caller c, int) {
         v1::UpsertEdgesRequest request;
         v1::Edge* edge = request.add_edges();
         edge->set_kind(v1::EDGE_KIND_SUPPLIES);
         edge->mutable_from()->set_kind(v1::VERTEX_KIND_FIRM);
         edge->mutable_from()->set_key("EXT:keep-me");
         edge->mutable_to()->set_kind(v1::VERTEX_KIND_FIRM);
         edge->mutable_to()->set_key("EXT:keep-me-too");
         v1::UpsertEdgesResponse response;
         return graph_->UpsertEdges(Call(c).get(), request, &response);
       }},
      {"DeleteEdges", true,
       [&](Caller c, int) {
         v1::DeleteEdgesRequest request;
         v1::DeleteEdgesResponse response;
         return graph_->DeleteEdges(Call(c).get(), request, &response);
       }},
      {"Ingest", true,
       [&](Caller c, int i) {
         auto context = Call(c);
         auto stream = graph_->Ingest(context.get());
         v1::IngestRequest request;
         *request.add_vertices() = Firm(intruder(c, i));
         stream->Write(request);
         stream->WritesDone();
         v1::IngestResponse response;
         while (stream->Read(&response)) {
         }
         return stream->Finish();
       }},
      {"Stats", false,
       [&](Caller c, int) {
         v1::StatsRequest request;
         v1::StatsResponse response;
         return analysis_->Stats(Call(c).get(), request, &response);
       }},
      {"CriticalSuppliers", false,
       [&](Caller c, int) {
         v1::CriticalSuppliersRequest request;
         request.set_firm_key("EXT:keep-me");
         v1::CriticalSuppliersResponse response;
         return analysis_->CriticalSuppliers(Call(c).get(), request, &response);
       }},
      {"Impact", false,
       [&](Caller c, int) {
         v1::ImpactRequest request;
         request.add_remove_firm_keys("EXT:keep-me");
         v1::ImpactResponse response;
         return analysis_->Impact(Call(c).get(), request, &response);
       }},
      {"Gaps", false,
       [&](Caller c, int) {
         v1::GapsRequest request;
         request.set_chain_key("NONE");
         v1::GapsResponse response;
         return analysis_->Gaps(Call(c).get(), request, &response);
       }},
      {"Traverse", false,
       [&](Caller c, int) {
         v1::TraverseRequest request;
         request.mutable_start()->set_kind(v1::VERTEX_KIND_FIRM);
         request.mutable_start()->set_key("EXT:keep-me");
         auto context = Call(c);
         auto reader = analysis_->Traverse(context.get(), request);
         v1::TraverseResponse response;
         while (reader->Read(&response)) {
         }
         return reader->Finish();
       }},
      {"ShortestPath", false,
       [&](Caller c, int) {
         v1::ShortestPathRequest request;
         request.mutable_from()->set_kind(v1::VERTEX_KIND_FIRM);
         request.mutable_from()->set_key("EXT:keep-me");
         request.mutable_to()->set_kind(v1::VERTEX_KIND_FIRM);
         request.mutable_to()->set_key("EXT:keep-me-too");
         v1::ShortestPathResponse response;
         return analysis_->ShortestPath(Call(c).get(), request, &response);
       }},
      {"Substitutes", false,
       [&](Caller c, int) {
         v1::SubstitutesRequest request;
         request.set_firm_key("EXT:keep-me");
         request.set_product_key("p");
         v1::SubstitutesResponse response;
         return analysis_->Substitutes(Call(c).get(), request, &response);
       }},
  };
  // Two firms the deletes and edge upserts aim at.
  {
    v1::UpsertVerticesRequest request;
    *request.add_vertices() = Firm("EXT:keep-me");
    *request.add_vertices() = Firm("EXT:keep-me-too");
    v1::UpsertVerticesResponse response;
    ASSERT_TRUE(
        graph_->UpsertVertices(Call(Caller::kAdmin).get(), request, &response)
            .ok());
  }
  int checked = 0, denied = 0;
  for (size_t i = 0; i < rpcs.size(); ++i) {
    const Rpc& rpc = rpcs[i];
    for (Caller caller : kCallers) {
      // Writers and admins delete for real last, after every refusal.
      if (rpc.name == "DeleteVertices" &&
          (caller == Caller::kWriter || caller == Caller::kAdmin)) {
        continue;
      }
      grpc::Status status = rpc.call(caller, static_cast<int>(i));
      SCOPED_TRACE(absl::StrCat(rpc.name, " by ", CallerName(caller), ": ",
                                status.error_message()));
      ++checked;
      switch (caller) {
        case Caller::kNone:
        case Caller::kMalformed:
        case Caller::kUnknown:
          EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
          EXPECT_THAT(status.error_message(), HasSubstr(rpc.name));
          ++denied;
          break;
        case Caller::kReader:
          if (rpc.writes) {
            EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
            EXPECT_THAT(status.error_message(), HasSubstr("writer role"));
            ++denied;
          } else {
            EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
            EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
          }
          break;
        case Caller::kWriter:
        case Caller::kAdmin:
          EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
          EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
          break;
      }
    }
  }
  // What got written: only the writers' and admins' firms, and the two
  // targets still exist with no edge between them from a refused caller.
  v1::ListVerticesRequest list;
  list.set_kind(v1::VERTEX_KIND_FIRM);
  list.set_page_size(1000);
  v1::ListVerticesResponse firms;
  ASSERT_TRUE(
      graph_->ListVertices(Call(Caller::kReader).get(), list, &firms).ok());
  int unauthorized_writes = 0;
  std::set<std::string> keys;
  for (const v1::Vertex& firm : firms.vertices()) {
    keys.insert(firm.firm().key());
    for (Caller caller : {Caller::kNone, Caller::kMalformed, Caller::kUnknown,
                          Caller::kReader}) {
      if (firm.firm().key().rfind(
              absl::StrCat("EXT:written-by-", static_cast<int>(caller), "-"),
              0) == 0) {
        ++unauthorized_writes;
      }
    }
  }
  EXPECT_EQ(unauthorized_writes, 0);
  EXPECT_TRUE(keys.count("EXT:keep-me"));
  EXPECT_TRUE(keys.count(absl::StrCat(
      "EXT:written-by-", static_cast<int>(Caller::kWriter), "-5")));
  v1::ListEdgesRequest edges;
  edges.mutable_ref()->set_kind(v1::VERTEX_KIND_FIRM);
  edges.mutable_ref()->set_key("EXT:keep-me");
  v1::ListEdgesResponse found;
  ASSERT_TRUE(
      graph_->ListEdges(Call(Caller::kReader).get(), edges, &found).ok());
  EXPECT_EQ(found.edges_size(), 1);  // the writer's and admin's upsert
  std::cout << "authz matrix: " << rpcs.size() << " RPCs x 6 callers, "
            << checked << " calls, " << denied
            << " refused as expected, unauthorized writes "
            << unauthorized_writes << "\n";
}

TEST(AuthFileTest, BadTokenFileLinesAreNamedByFileAndLine) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("tokens"))
      << "reader ok " << server::HashToken("ckg_x") << "\n"
      << "superuser root " << server::HashToken("ckg_y") << "\n";
  absl::StatusOr<server::Authorizer> auth =
      server::Authorizer::FromFile(dir.Sub("tokens"));
  EXPECT_EQ(auth.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(auth.status().message()),
              HasSubstr(dir.Sub("tokens") + ":2: unknown role"));
}

TEST(AuthServerTest, OpenAccessIsRefusedOnANonLoopbackAddress) {
  testing::TempDir dir;
  server::ServerOptions options;
  options.db_path = dir.Sub("db");
  options.listen_address = "0.0.0.0:0";
  absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
      server::ChainkgServer::Start(options);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(started.status().message()), HasSubstr("--tokens"));
}

// The CLI and the server binary as an operator uses them: token new, then a
// reader cannot write, a writer can, no token is UNAUTHENTICATED.
TEST(AuthCliTest, ReaderCannotWriteWriterCanNoTokenIsUnauthenticated) {
  testing::TempDir dir;
  std::string tokens = dir.Sub("tokens");
  ProcessResult reader =
      RunProcess({CHAINKG_SERVER_PATH, "token", "new", "--tokens", tokens,
                  "--role", "reader", "--name", "analyst"});
  ASSERT_EQ(reader.exit_code, 0) << reader.err;
  ProcessResult writer =
      RunProcess({CHAINKG_SERVER_PATH, "token", "new", "--tokens", tokens,
                  "--role", "writer", "--name", "loader"});
  ASSERT_EQ(writer.exit_code, 0) << writer.err;
  struct stat info;
  ASSERT_EQ(stat(tokens.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::string reader_token = reader.out.substr(0, reader.out.find('\n'));
  std::string writer_token = writer.out.substr(0, writer.out.find('\n'));
  std::ifstream in(tokens);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text.find(reader_token), std::string::npos)
      << "the token file holds hashes only";

  server::ServerOptions options;
  options.db_path = dir.Sub("db");
  options.listen_address = "127.0.0.1:0";
  options.tokens_file = tokens;
  absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
      server::ChainkgServer::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  std::string address = (*started)->address();
  const char* firm = R"({"key":"EXT:a","name":"A"})";
  auto cli = [&](std::vector<std::string> args, const std::string& in) {
    args.insert(args.begin(), {CHAINKG_CLI_PATH, "--server", address});
    return RunProcess(args, in);
  };
  ProcessResult anonymous = cli({"upsert", "firm"}, firm);
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_THAT(anonymous.err, HasSubstr("UNAUTHENTICATED"));
  ProcessResult as_reader =
      cli({"--token", reader_token, "upsert", "firm"}, firm);
  EXPECT_EQ(as_reader.exit_code, 1);
  EXPECT_THAT(as_reader.err, HasSubstr("PERMISSION_DENIED"));
  ProcessResult read =
      cli({"--token", reader_token, "firm", "get", "EXT:a"}, "");
  EXPECT_EQ(read.exit_code, 1);
  EXPECT_THAT(read.err, HasSubstr("NOT_FOUND"));  // nothing was written
  ProcessResult as_writer =
      cli({"--token", writer_token, "upsert", "firm"}, firm);
  EXPECT_EQ(as_writer.exit_code, 0) << as_writer.err;
  ProcessResult read_back =
      cli({"--token", reader_token, "firm", "get", "EXT:a"}, "");
  EXPECT_EQ(read_back.exit_code, 0) << read_back.err;
}

// Certificates made by openssl for the test: a CA, a server certificate for
// localhost / 127.0.0.1 and a client certificate, all signed by the CA.
class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto openssl = [](std::vector<std::string> args) {
      args.insert(args.begin(), "/usr/bin/openssl");
      ProcessResult result = RunProcess(args);
      ASSERT_EQ(result.exit_code, 0) << result.err;
    };
    std::ofstream(dir_.Sub("san.ext"))
        << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=chainkg test CA", "-keyout", dir_.Sub("ca.key"),
             "-out", dir_.Sub("ca.pem")});
    for (const char* who : {"server", "client"}) {
      std::string name = who;
      openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj",
               absl::StrCat("/CN=", name == "server" ? "localhost" : "loader"),
               "-keyout", dir_.Sub(name + ".key"), "-out",
               dir_.Sub(name + ".csr")});
      std::vector<std::string> sign = {"x509",
                                       "-req",
                                       "-in",
                                       dir_.Sub(name + ".csr"),
                                       "-CA",
                                       dir_.Sub("ca.pem"),
                                       "-CAkey",
                                       dir_.Sub("ca.key"),
                                       "-CAcreateserial",
                                       "-days",
                                       "2",
                                       "-out",
                                       dir_.Sub(name + ".pem")};
      if (name == "server") {
        sign.insert(sign.end(), {"-extfile", dir_.Sub("san.ext")});
      }
      openssl(sign);
    }
  }

  std::unique_ptr<server::ChainkgServer> Start(bool mutual) {
    server::ServerOptions options;
    options.db_path = dir_.Sub(mutual ? "db-mtls" : "db-tls");
    options.listen_address = "127.0.0.1:0";
    options.tls_cert_file = dir_.Sub("server.pem");
    options.tls_key_file = dir_.Sub("server.key");
    if (mutual) options.tls_client_ca_file = dir_.Sub("ca.pem");
    absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
        server::ChainkgServer::Start(options);
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? *std::move(started) : nullptr;
  }

  ProcessResult Stats(const server::ChainkgServer& server,
                      std::vector<std::string> tls) {
    std::vector<std::string> args = {CHAINKG_CLI_PATH, "--server",
                                     absl::StrCat("localhost:", server.port()),
                                     "--timeout-ms", "5000"};
    args.insert(args.end(), tls.begin(), tls.end());
    args.insert(args.end(), {"stats"});
    return RunProcess(args);
  }

  testing::TempDir dir_;
};

TEST_F(TlsTest, ClientsMustTrustTheServerCertificate) {
  std::unique_ptr<server::ChainkgServer> server = Start(/*mutual=*/false);
  ASSERT_NE(server, nullptr);
  ProcessResult trusted = Stats(*server, {"--tls-ca", dir_.Sub("ca.pem")});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.err;
  ProcessResult plaintext = Stats(*server, {});
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_THAT(plaintext.err, HasSubstr("UNAVAILABLE"));
  // A CA that did not sign the server's certificate.
  ProcessResult wrong_ca = Stats(*server, {"--tls-ca", dir_.Sub("client.pem")});
  EXPECT_EQ(wrong_ca.exit_code, 1);
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  std::unique_ptr<server::ChainkgServer> server = Start(/*mutual=*/true);
  ASSERT_NE(server, nullptr);
  ProcessResult without = Stats(*server, {"--tls-ca", dir_.Sub("ca.pem")});
  EXPECT_EQ(without.exit_code, 1);
  ProcessResult with = Stats(
      *server, {"--tls-ca", dir_.Sub("ca.pem"), "--tls-cert",
                dir_.Sub("client.pem"), "--tls-key", dir_.Sub("client.key")});
  EXPECT_EQ(with.exit_code, 0) << with.err;
}

}  // namespace
}  // namespace chainkg
