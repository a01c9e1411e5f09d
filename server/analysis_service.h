// AnalysisService: the gRPC face of the graph-wide questions. Each handler
// validates, makes one graph/ call and maps the Status back.
#pragma once

#include <deque>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

#include "chainkg/v1/analysis_service.grpc.pb.h"
#include "graph/analysis/gaps.h"
#include "graph/analysis/supply_network.h"
#include "graph/analysis/supply_network_cache.h"
#include "graph/view/view_cache.h"
#include "server/auth.h"
#include "server/graph_service.h"

namespace chainkg::server {

// Thread-safe; borrows the view cache and the authorizer, which must outlive
// it. Every answer is computed on one view.
class AnalysisServiceImpl final : public v1::AnalysisService::Service {
 public:
  AnalysisServiceImpl(graph::ViewCache& views, const Authorizer& auth,
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

  // The firm facts for a gap report's region, home country and date on
  // view: kept for the latest view (at most kFirmFacts of them), since
  // planners ask about the same region again and again.
  std::shared_ptr<const graph::GapFirmFacts> FirmFacts(
      const std::shared_ptr<const graph::View>& view,
      const graph::GapOptions& options);

  static constexpr size_t kFirmFacts = 4;
  graph::ViewCache& views_;
  const Authorizer& auth_;
  graph::SupplyNetworkCache networks_;
  absl::Mutex facts_mu_;
  // Newest first; each holds its view, which only entries of the latest
  // view do for long (FirmFacts drops the others).
  std::deque<std::pair<std::shared_ptr<const graph::View>,
                       std::shared_ptr<const graph::GapFirmFacts>>>
      firm_facts_ ABSL_GUARDED_BY(facts_mu_);
  const GraphServiceOptions options_;
};

}  // namespace chainkg::server
