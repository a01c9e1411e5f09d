// GraphService end to end: a real server on a loopback port, called through
// the generated stub. Covers the wire conversions and the status codes.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "chainkg/v1/error.pb.h"
#include "tests/e2e/server_fixture.h"
#include "tests/testing/records.h"

namespace chainkg {
namespace {

using ::chainkg::testing::MakeCredential;
using ::chainkg::testing::MakeEdge;
using ::chainkg::testing::MakeFirm;
using ::chainkg::testing::MakeProduct;
using ::chainkg::testing::Ref;
using ::testing::HasSubstr;

// The field named by the ErrorDetail in a failed call's status details.
std::string DetailField(const grpc::Status& status) {
  v1::RpcStatus details;
  if (!details.ParseFromString(status.error_details()) ||
      details.details_size() == 0) {
    return "<no detail>";
  }
  v1::ErrorDetail detail;
  if (!details.details(0).UnpackTo(&detail)) return "<not an ErrorDetail>";
  return detail.field();
}

class GraphServiceTest : public testing::ServerFixture {
 protected:
  grpc::Status Upsert(const std::vector<v1::Vertex>& vertices,
                      v1::UpsertVerticesResponse* response) {
    v1::UpsertVerticesRequest request;
    for (const v1::Vertex& vertex : vertices) *request.add_vertices() = vertex;
    return stub_->UpsertVertices(Call().get(), request, response);
  }

  // The server still answers after a failed call.
  void ExpectServing() {
    v1::ListVerticesRequest request;
    request.set_kind(v1::VERTEX_KIND_FIRM);
    v1::ListVerticesResponse response;
    EXPECT_TRUE(stub_->ListVertices(Call().get(), request, &response).ok());
  }
};

TEST_F(GraphServiceTest, UpsertedFirmIsFoundByGetAndSearch) {
  v1::Vertex firm = MakeFirm("91441900708017879M", "广东拓斯达科技（东莞）");
  *firm.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_CHAIN_LEADER, v1::LEVEL_MUNICIPAL, 2022);
  v1::UpsertVerticesResponse upserted;
  ASSERT_TRUE(Upsert({firm}, &upserted).ok());
  EXPECT_EQ(upserted.created(), 1);
  EXPECT_GT(upserted.sequence(), 0u);

  v1::GetVertexRequest get;
  *get.mutable_ref() = Ref(v1::VERTEX_KIND_FIRM, "91441900708017879m");
  v1::GetVertexResponse got;
  ASSERT_TRUE(stub_->GetVertex(Call().get(), get, &got).ok());
  EXPECT_EQ(got.vertex().firm().name(), "广东拓斯达科技（东莞）");
  // The server records who wrote a record that came without a source.
  EXPECT_THAT(got.vertex().firm().source().client(), HasSubstr("grpc:"));
  EXPECT_GE(got.sequence(), upserted.sequence());

  v1::SearchVerticesRequest search;
  search.set_text("拓斯达科技(东莞)");
  search.set_credential_kind(v1::CREDENTIAL_KIND_CHAIN_LEADER);
  search.set_region_prefix("4419");
  v1::SearchVerticesResponse found;
  ASSERT_TRUE(stub_->SearchVertices(Call().get(), search, &found).ok());
  ASSERT_EQ(found.vertices_size(), 1);
  EXPECT_EQ(found.vertices(0).firm().key(), "91441900708017879M");
}

TEST_F(GraphServiceTest, EdgesAreListedInBothDirectionsAndDeletedWithVertex) {
  v1::UpsertVerticesResponse upserted;
  ASSERT_TRUE(
      Upsert({MakeFirm("EXT:a", "甲"), MakeProduct("p", "电芯")}, &upserted)
          .ok());
  v1::UpsertEdgesRequest edges;
  *edges.add_edges() =
      MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_FIRM, "EXT:a"),
               Ref(v1::VERTEX_KIND_PRODUCT, "p"));
  v1::UpsertEdgesResponse edges_response;
  ASSERT_TRUE(stub_->UpsertEdges(Call().get(), edges, &edges_response).ok());
  EXPECT_EQ(edges_response.created(), 1);

  v1::ListEdgesRequest list;
  *list.mutable_ref() = Ref(v1::VERTEX_KIND_PRODUCT, "p");
  list.set_direction(v1::DIRECTION_IN);
  v1::ListEdgesResponse listed;
  ASSERT_TRUE(stub_->ListEdges(Call().get(), list, &listed).ok());
  ASSERT_EQ(listed.edges_size(), 1);
  EXPECT_EQ(listed.edges(0).from().key(), "EXT:a");

  v1::DeleteVerticesRequest del;
  *del.add_refs() = Ref(v1::VERTEX_KIND_FIRM, "EXT:a");
  v1::DeleteVerticesResponse deleted;
  ASSERT_TRUE(stub_->DeleteVertices(Call().get(), del, &deleted).ok());
  EXPECT_EQ(deleted.deleted(), 1);
  EXPECT_EQ(deleted.edges_deleted(), 1);
  listed.Clear();
  ASSERT_TRUE(stub_->ListEdges(Call().get(), list, &listed).ok());
  EXPECT_EQ(listed.edges_size(), 0);
}

TEST_F(GraphServiceTest, BadInputGetsInvalidArgumentNamingTheField) {
  v1::UpsertVerticesResponse response;
  grpc::Status malformed =
      Upsert({MakeFirm("EXT:ok", "好"), MakeFirm("9144190070801787", "短代码")},
             &response);
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(malformed), "vertices[1].firm.key");
  EXPECT_THAT(malformed.error_message(), HasSubstr("18 characters"));
  ExpectServing();

  grpc::Status missing_name = Upsert({MakeFirm("EXT:noname", "")}, &response);
  EXPECT_EQ(missing_name.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(missing_name), "vertices[0].firm.name");

  grpc::Status no_record = Upsert({v1::Vertex()}, &response);
  EXPECT_EQ(no_record.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(no_record), "vertices[0].record");

  v1::Vertex odd_level = MakeFirm("EXT:odd", "怪");
  v1::Credential* credential = odd_level.mutable_firm()->add_credentials();
  credential->set_kind(v1::CREDENTIAL_KIND_LITTLE_GIANT);
  credential->set_level(static_cast<v1::Level>(9));
  grpc::Status enum_status = Upsert({odd_level}, &response);
  EXPECT_EQ(enum_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(enum_status), "vertices[0].firm.credentials[0].level");

  v1::SearchVerticesRequest odd_search;
  odd_search.set_credential_kind(static_cast<v1::CredentialKind>(77));
  v1::SearchVerticesResponse searched;
  grpc::Status search_status =
      stub_->SearchVertices(Call().get(), odd_search, &searched);
  EXPECT_EQ(search_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(search_status), "credential_kind");

  v1::GetVertexRequest unknown_kind;
  unknown_kind.mutable_ref()->set_kind(static_cast<v1::VertexKind>(42));
  unknown_kind.mutable_ref()->set_key("x");
  v1::GetVertexResponse got;
  grpc::Status kind_status = stub_->GetVertex(Call().get(), unknown_kind, &got);
  EXPECT_EQ(kind_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(kind_status), "ref.kind");

  v1::ListVerticesRequest bad_token;
  bad_token.set_kind(v1::VERTEX_KIND_FIRM);
  bad_token.set_page_token("garbage!");
  v1::ListVerticesResponse listed;
  grpc::Status token_status =
      stub_->ListVertices(Call().get(), bad_token, &listed);
  EXPECT_EQ(token_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(token_status), "page_token");

  v1::UpsertEdgesRequest wrong_endpoints;
  *wrong_endpoints.add_edges() =
      MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_PRODUCT, "p"),
               Ref(v1::VERTEX_KIND_FIRM, "EXT:ok"));
  v1::UpsertEdgesResponse edges;
  grpc::Status edge_status =
      stub_->UpsertEdges(Call().get(), wrong_endpoints, &edges);
  EXPECT_EQ(edge_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(edge_status), "edges[0].kind");
  ExpectServing();

  // Nothing of the failed batch was written.
  v1::GetVertexRequest get;
  *get.mutable_ref() = Ref(v1::VERTEX_KIND_FIRM, "EXT:ok");
  grpc::Status absent = stub_->GetVertex(Call().get(), get, &got);
  EXPECT_EQ(absent.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(DetailField(absent), "ref");
}

TEST_F(GraphServiceTest, CheckDigitFailureIsAcceptedWithAWarning) {
  v1::UpsertVerticesResponse response;
  ASSERT_TRUE(Upsert({MakeFirm("91350211M00013FA1N", "厦门某公司", "350211")},
                     &response)
                  .ok());
  ASSERT_EQ(response.warnings_size(), 1);
  EXPECT_THAT(response.warnings(0), HasSubstr("vertices[0].firm.key"));
}

TEST_F(GraphServiceTest, DataSurvivesAServerRestart) {
  v1::UpsertVerticesResponse response;
  ASSERT_TRUE(Upsert({MakeFirm("EXT:kept", "留存公司")}, &response).ok());
  StopServer();
  StartServer();
  v1::GetVertexRequest get;
  *get.mutable_ref() = Ref(v1::VERTEX_KIND_FIRM, "EXT:kept");
  v1::GetVertexResponse got;
  ASSERT_TRUE(stub_->GetVertex(Call().get(), get, &got).ok());
  EXPECT_EQ(got.vertex().firm().name(), "留存公司");
}

TEST_F(GraphServiceTest, OversizedBatchIsRejectedBeforeAnyWork) {
  v1::BatchGetVerticesRequest request;
  for (int i = 0; i < 1001; ++i) {
    *request.add_refs() = Ref(v1::VERTEX_KIND_FIRM, "EXT:x");
  }
  v1::BatchGetVerticesResponse response;
  grpc::Status status =
      stub_->BatchGetVertices(Call().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(status), "refs");
}

// A client that waits for each acknowledgement before sending more (or
// before closing its side) gets it: the server acknowledges a durable batch
// without waiting for the client's next message.
TEST_F(GraphServiceTest, IngestAcknowledgesEachBatchBeforeTheClientSendsMore) {
  std::unique_ptr<grpc::ClientContext> context = Call();
  auto stream = stub_->Ingest(context.get());
  v1::IngestRequest first;
  first.set_batch_id(1);
  *first.add_vertices() = MakeFirm("EXT:upstream", "上游公司");
  ASSERT_TRUE(stream->Write(first));
  v1::IngestResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.batch_id(), 1);
  EXPECT_EQ(response.created(), 1);
  // The second batch names the firm the first one created.
  v1::IngestRequest second;
  second.set_batch_id(2);
  *second.add_vertices() = MakeFirm("EXT:downstream", "下游公司");
  *second.add_edges() = MakeEdge(v1::EDGE_KIND_SUPPLIES,
                                 Ref(v1::VERTEX_KIND_FIRM, "EXT:upstream"),
                                 Ref(v1::VERTEX_KIND_FIRM, "EXT:downstream"));
  ASSERT_TRUE(stream->Write(second));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.batch_id(), 2);
  EXPECT_EQ(response.created(), 2);
  EXPECT_EQ(response.rejected_size(), 0);
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

// A bad batch ends the stream with its error at once, after the batches
// before it are acknowledged, even though the client has not closed its
// side; nothing of it or of the batches after it is written.
TEST_F(GraphServiceTest, IngestErrorEndsTheOpenStreamWithItsStatus) {
  std::unique_ptr<grpc::ClientContext> context = Call();
  auto stream = stub_->Ingest(context.get());
  v1::IngestRequest good;
  good.set_batch_id(7);
  *good.add_vertices() = MakeFirm("EXT:good", "好公司");
  v1::IngestRequest bad;
  bad.set_batch_id(8);
  bad.set_all_or_nothing(true);
  *bad.add_vertices() = MakeFirm("EXT:also-good", "也好公司");
  *bad.add_vertices() = MakeFirm("", "无键公司");
  v1::IngestRequest after;
  after.set_batch_id(9);
  *after.add_vertices() = MakeFirm("EXT:after", "后来公司");
  ASSERT_TRUE(stream->Write(good));
  ASSERT_TRUE(stream->Write(bad));
  stream->Write(after);  // may fail: the server may have ended the call
  v1::IngestResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.batch_id(), 7);
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("batch 8"));
  EXPECT_THAT(DetailField(status), HasSubstr("vertices[1]"));
  ExpectServing();
  v1::BatchGetVerticesRequest get;
  *get.add_refs() = Ref(v1::VERTEX_KIND_FIRM, "EXT:good");
  *get.add_refs() = Ref(v1::VERTEX_KIND_FIRM, "EXT:also-good");
  *get.add_refs() = Ref(v1::VERTEX_KIND_FIRM, "EXT:after");
  v1::BatchGetVerticesResponse got;
  ASSERT_TRUE(stub_->BatchGetVertices(Call().get(), get, &got).ok());
  ASSERT_EQ(got.vertices_size(), 1);
  EXPECT_EQ(got.vertices(0).firm().key(), "EXT:good");
  ASSERT_EQ(got.missing_size(), 2);
  EXPECT_EQ(got.missing(0).key(), "EXT:also-good");
  EXPECT_EQ(got.missing(1).key(), "EXT:after");
}

// A client may send many batches before reading any acknowledgement: the
// server reads ahead only so far, but every batch is acknowledged, in
// order, once the client reads.
TEST_F(GraphServiceTest, IngestClientThatReadsAcknowledgementsLateGetsThemAll) {
  std::unique_ptr<grpc::ClientContext> context = Call();
  auto stream = stub_->Ingest(context.get());
  constexpr int kBatches = 40;
  for (int batch = 1; batch <= kBatches; ++batch) {
    v1::IngestRequest request;
    request.set_batch_id(batch);
    *request.add_vertices() =
        MakeFirm(absl::StrCat("EXT:late", batch), absl::StrCat("迟", batch));
    ASSERT_TRUE(stream->Write(request));
  }
  ASSERT_TRUE(stream->WritesDone());
  v1::IngestResponse response;
  for (int batch = 1; batch <= kBatches; ++batch) {
    ASSERT_TRUE(stream->Read(&response)) << "batch " << batch;
    EXPECT_EQ(response.batch_id(), batch);
    EXPECT_EQ(response.created(), 1);
  }
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

// A malformed batch is named once: "batch 3.mode".
TEST_F(GraphServiceTest, IngestBadBatchFieldNamesTheBatchOnce) {
  std::unique_ptr<grpc::ClientContext> context = Call();
  auto stream = stub_->Ingest(context.get());
  v1::IngestRequest request;
  request.set_batch_id(3);
  request.set_mode(static_cast<v1::UpsertMode>(99));
  *request.add_vertices() = MakeFirm("EXT:moded", "模式公司");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->WritesDone());
  v1::IngestResponse response;
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailField(status), "batch 3.mode");
  EXPECT_EQ(status.error_message().find("batch 3.batch 3"), std::string::npos)
      << status.error_message();
}

}  // namespace
}  // namespace chainkg
