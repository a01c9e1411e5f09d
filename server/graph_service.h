// GraphService: the gRPC face of graph::Store. Each handler validates the
// request envelope, makes one Store call and maps the Status back.
#pragma once

#include "absl/time/time.h"

#include "chainkg/v1/graph_service.grpc.pb.h"
#include "graph/store/store.h"
#include "server/auth.h"

namespace chainkg::server {

// Limits applied to every GraphService call.
struct GraphServiceOptions {
  // Deadline used for calls that arrive without one.
  absl::Duration default_deadline = absl::Seconds(30);
  // Entries a List/Search/ListEdges call may scan before it returns a
  // (possibly short) page with a continuation token.
  int64_t max_scanned_per_call = 2'000'000;
};

// Thread-safe (the Store is); borrows the store and the authorizer, which
// must outlive it. Reads need the reader role, writes the writer role.
class GraphServiceImpl final
    : public v1::GraphService::WithCallbackMethod_Ingest<
          v1::GraphService::Service> {
 public:
  GraphServiceImpl(graph::Store& store, const Authorizer& auth,
                   const GraphServiceOptions& options);

  grpc::Status GetVertex(grpc::ServerContext* context,
                         const v1::GetVertexRequest* request,
                         v1::GetVertexResponse* response) override;
  grpc::Status BatchGetVertices(
      grpc::ServerContext* context, const v1::BatchGetVerticesRequest* request,
      v1::BatchGetVerticesResponse* response) override;
  grpc::Status ListVertices(grpc::ServerContext* context,
                            const v1::ListVerticesRequest* request,
                            v1::ListVerticesResponse* response) override;
  grpc::Status SearchVertices(grpc::ServerContext* context,
                              const v1::SearchVerticesRequest* request,
                              v1::SearchVerticesResponse* response) override;
  grpc::Status UpsertVertices(grpc::ServerContext* context,
                              const v1::UpsertVerticesRequest* request,
                              v1::UpsertVerticesResponse* response) override;
  grpc::Status DeleteVertices(grpc::ServerContext* context,
                              const v1::DeleteVerticesRequest* request,
                              v1::DeleteVerticesResponse* response) override;
  grpc::Status UpsertEdges(grpc::ServerContext* context,
                           const v1::UpsertEdgesRequest* request,
                           v1::UpsertEdgesResponse* response) override;
  grpc::Status DeleteEdges(grpc::ServerContext* context,
                           const v1::DeleteEdgesRequest* request,
                           v1::DeleteEdgesResponse* response) override;
  grpc::Status ListEdges(grpc::ServerContext* context,
                         const v1::ListEdgesRequest* request,
                         v1::ListEdgesResponse* response) override;
  // A callback (reactor) method, so that acknowledgements never wait for
  // the client's next message.
  grpc::ServerBidiReactor<v1::IngestRequest, v1::IngestResponse>* Ingest(
      grpc::CallbackServerContext* context) override;

 private:
  graph::ScanLimits LimitsFor(const grpc::ServerContext& context) const;

  graph::Store& store_;
  const Authorizer& auth_;
  const GraphServiceOptions options_;
};

}  // namespace chainkg::server
