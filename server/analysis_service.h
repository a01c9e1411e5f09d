// AnalysisService: the gRPC face of the graph-wide questions. Each handler
// validates, makes one graph/ call and maps the Status back.
#pragma once

#include <cstdint>
#include <memory>

#include "chainkg/v1/analysis_service.grpc.pb.h"
#include "graph/analysis/analysis_cache.h"
#include "graph/analysis/supply_network.h"
#include "graph/view/live_view.h"
#include "server/auth.h"
#include "server/graph_service.h"

namespace chainkg::server {

// Thread-safe; borrows the live view, the analysis cache and the
// authorizer, which must outlive it. Every answer is computed on one view
// and says which (sequence) and how current it is (freshness).
class AnalysisServiceImpl final : public v1::AnalysisService::Service {
 public:
  AnalysisServiceImpl(graph::LiveView& views, graph::AnalysisCache& cache,
                      const Authorizer& auth,
                      const GraphServiceOptions& options);

  grpc::Status Stats(grpc::ServerContext* context,
                     const v1::StatsRequest* request,
                     v1::StatsResponse* response) override;
  grpc::Status Impact(grpc::ServerContext* context,
                      const v1::ImpactRequest* request,
                      v1::ImpactResponse* response) override;
  grpc::Status CriticalSuppliers(
      grpc::ServerContext* context, const v1::CriticalSuppliersRequest* request,
      v1::CriticalSuppliersResponse* response) override;
  grpc::Status Traverse(
      grpc::ServerContext* context, const v1::TraverseRequest* request,
      grpc::ServerWriter<v1::TraverseResponse>* writer) override;
  grpc::Status ShortestPath(grpc::ServerContext* context,
                            const v1::ShortestPathRequest* request,
                            v1::ShortestPathResponse* response) override;
  grpc::Status Substitutes(grpc::ServerContext* context,
                           const v1::SubstitutesRequest* request,
                           v1::SubstitutesResponse* response) override;
  grpc::Status Gaps(grpc::ServerContext* context,
                    const v1::GapsRequest* request,
                    v1::GapsResponse* response) override;

 private:
  absl::Time DeadlineOf(const grpc::ServerContext& context) const;
  // The deadline, and cancellation by the client or a shutdown.
  graph::AnalysisLimits LimitsOf(grpc::ServerContext& context) const;

  // The newest view, or once one holds min_sequence (LiveView::Get under
  // the call's deadline and cancellation; OUT_OF_RANGE names the field).
  absl::StatusOr<std::shared_ptr<const graph::View>> ViewFor(
      uint64_t min_sequence, grpc::ServerContext& context) const;
  void SetFreshness(const graph::View& view, v1::Freshness* out) const;

  graph::LiveView& views_;
  graph::AnalysisCache& cache_;
  const Authorizer& auth_;
  const GraphServiceOptions options_;
};

}  // namespace chainkg::server
