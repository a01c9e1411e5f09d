// AnalysisService: the gRPC face of the graph-wide questions. Each handler
// validates, makes one graph/ call and maps the Status back.
#pragma once

#include "chainkg/v1/analysis_service.grpc.pb.h"
#include "graph/store/store.h"
#include "server/graph_service.h"

namespace chainkg::server {

// Thread-safe; borrows the store, which must outlive it.
class AnalysisServiceImpl final : public v1::AnalysisService::Service {
 public:
  AnalysisServiceImpl(graph::Store& store, const GraphServiceOptions& options);

  grpc::Status Stats(grpc::ServerContext* context,
                     const v1::StatsRequest* request,
                     v1::StatsResponse* response) override;

 private:
  graph::Store& store_;
  const GraphServiceOptions options_;
};

}  // namespace chainkg::server
