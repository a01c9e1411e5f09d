#include "server/analysis_service.h"

#include <chrono>

#include "absl/time/clock.h"

#include "server/grpc_status.h"

namespace chainkg::server {

AnalysisServiceImpl::AnalysisServiceImpl(graph::Store& store,
                                         const GraphServiceOptions& options)
    : store_(store), options_(options) {}

grpc::Status AnalysisServiceImpl::Stats(grpc::ServerContext* context,
                                        const v1::StatsRequest* request,
                                        v1::StatsResponse* response) {
  graph::StatsQuery query;
  query.region_prefix = request->region_prefix();
  query.as_of = request->as_of();
  graph::ScanLimits limits;
  auto deadline = context->deadline();
  limits.deadline = deadline == std::chrono::system_clock::time_point::max()
                        ? absl::Now() + options_.default_deadline
                        : absl::FromChrono(deadline);
  absl::StatusOr<graph::GraphStats> stats = store_.ComputeStats(query, limits);
  if (!stats.ok()) return ToGrpcStatus(stats.status(), "Stats");
  response->set_region_prefix(request->region_prefix());
  response->set_as_of(request->as_of());
  response->set_firms(stats->firms);
  for (const auto& tally : stats->credentials) {
    v1::CredentialCount* count = response->add_credentials();
    count->set_kind(tally.kind);
    count->set_level(tally.level);
    count->set_firms(tally.firms);
  }
  for (const auto& [region, firms] : stats->regions) {
    v1::RegionCount* count = response->add_regions();
    count->set_region_code(region);
    count->set_firms(firms);
  }
  for (const auto& tally : stats->chains) {
    v1::ChainStats* chain = response->add_chains();
    chain->set_chain_key(tally.key);
    chain->set_name(tally.name);
    chain->set_category(tally.category);
    chain->set_products(tally.products);
    chain->set_products_made_in_region(tally.products_made_in_region);
    chain->set_producers_in_region(tally.producers_in_region);
    for (const std::string& key : tally.leader_keys) {
      chain->add_leader_keys(key);
    }
  }
  response->set_sequence(stats->sequence);
  return grpc::Status::OK;
}

}  // namespace chainkg::server
