#include "server/analysis_wire.h"

#include <string>

#include "util/region_names.h"

namespace chainkg::server {

void Summarize(const graph::View& view, graph::ViewIndex firm,
               v1::FirmSummary* out) {
  out->set_key(std::string(view.key(firm)));
  out->set_name(std::string(view.name(firm)));
  out->set_country(std::string(view.country(firm)));
  out->set_region_code(std::string(view.region(firm)));
  out->set_region_name(RegionName(view.region(firm)));
}

void Name(const graph::View& view, graph::ViewIndex vertex, v1::NamedKey* out) {
  out->set_key(std::string(view.key(vertex)));
  out->set_name(std::string(view.name(vertex)));
}

void StatsToWire(const graph::View& v, const graph::GraphStats& stats,
                 v1::StatsResponse* response) {
  response->set_region_name(RegionName(response->region_prefix()));
  response->set_firms(stats.firms);
  for (const auto& tally : stats.credentials) {
    v1::CredentialCount* count = response->add_credentials();
    count->set_kind(tally.kind);
    count->set_level(tally.level);
    count->set_firms(tally.firms);
  }
  for (const auto& [region, firms] : stats.regions) {
    v1::RegionCount* count = response->add_regions();
    count->set_region_code(region);
    count->set_region_name(RegionName(region));
    count->set_firms(firms);
  }
  for (const auto& tally : stats.chains) {
    v1::ChainStats* chain = response->add_chains();
    chain->set_chain_key(std::string(v.key(tally.chain)));
    chain->set_name(std::string(v.name(tally.chain)));
    chain->set_category(static_cast<v1::ChainCategory>(v.subkind(tally.chain)));
    chain->set_products(tally.products);
    chain->set_products_made_in_region(tally.products_made_in_region);
    chain->set_producers_in_region(tally.producers_in_region);
    for (graph::ViewIndex leader : tally.leaders) {
      chain->add_leader_keys(std::string(v.key(leader)));
      Summarize(v, leader, chain->add_leaders());
    }
  }
}

void GapsToWire(const graph::GapAnswer& answer,
                const graph::GapOptions& options, bool of_product,
                v1::GapsResponse* response) {
  const graph::View& v = *answer.view;
  const graph::ViewIndex* chain = &answer.target;
  const graph::GapReport* report = &answer.report;
  if (of_product) {
    response->set_product_key(std::string(v.key(*chain)));
    response->set_product_name(std::string(v.name(*chain)));
  } else {
    response->set_chain_key(std::string(v.key(*chain)));
    response->set_chain_name(std::string(v.name(*chain)));
  }
  response->set_region_prefix(options.region_prefix);
  response->set_region_name(RegionName(options.region_prefix));
  response->set_home_country(options.home_country);
  for (graph::ViewIndex leader : report->local_leaders) {
    Summarize(v, leader, response->add_local_leaders());
  }
  auto wire_class = [](graph::GapClass gap_class) {
    return static_cast<v1::GapClass>(static_cast<int>(gap_class) + 1);
  };
  for (const graph::GapRow& row : report->rows) {
    v1::GapRow* out = response->add_rows();
    out->set_product_key(std::string(v.key(row.product)));
    out->set_product_name(std::string(v.name(row.product)));
    out->set_key_core_technology(v.key_core_technology(row.product));
    out->set_stage(static_cast<v1::Stage>(row.stage));
    out->set_segment(row.segment);
    out->set_local_producers(row.local_producers);
    out->set_domestic_producers(row.domestic_producers);
    out->set_foreign_producers(row.foreign_producers);
    out->set_unknown_country_producers(row.unknown_country_producers);
    out->set_local_credentialed(row.local_credentialed);
    out->set_local_users(row.local_users);
    if (row.outside_share.has_value()) {
      out->set_outside_share(*row.outside_share);
    }
    if (row.hhi.has_value()) out->set_hhi(*row.hhi);
    for (const std::string& country : row.foreign_countries) {
      out->add_foreign_countries(country);
    }
    out->set_gap_class(wire_class(row.gap_class));
    for (graph::GapClass gap_class : row.classes) {
      out->add_classes(wire_class(gap_class));
    }
    for (const std::string& evidence : row.evidence) {
      out->add_evidence(evidence);
    }
    for (const graph::GapCandidate& candidate : row.candidates) {
      v1::GapCandidate* wire = out->add_candidates();
      Summarize(v, candidate.firm, wire->mutable_firm());
      wire->set_credential_kind(candidate.best_credential.kind);
      wire->set_credential_level(candidate.best_credential.level);
      wire->set_maturity(static_cast<v1::Maturity>(candidate.maturity));
      wire->set_chain_products(candidate.chain_products);
      wire->set_local_buyers(candidate.local_buyers);
      wire->set_domestic(candidate.domestic);
      wire->set_reason(candidate.reason);
    }
    for (graph::ViewIndex firm : row.local_producer_list) {
      Summarize(v, firm, out->add_local_producers_list());
    }
    for (graph::ViewIndex worker : row.working_on) {
      v1::WorkingOn* wire = out->add_working_on();
      wire->set_kind(v.kind(worker));
      wire->set_key(std::string(v.key(worker)));
      wire->set_name(std::string(v.name(worker)));
    }
    for (const graph::ForeignCriticalSupplier& pair : row.foreign_critical) {
      v1::ForeignCriticalSupplier* wire = out->add_foreign_critical();
      Summarize(v, pair.firm, wire->mutable_firm());
      Summarize(v, pair.leader, wire->mutable_leader());
    }
  }
  for (size_t i = 0; i < report->class_counts.size(); ++i) {
    v1::GapClassCount* count = response->add_class_counts();
    count->set_gap_class(wire_class(static_cast<graph::GapClass>(i)));
    count->set_products(report->class_counts[i]);
  }
  for (const graph::GapReport::Link& link : report->links) {
    v1::ChainLink* wire = response->add_links();
    wire->set_from_product_key(std::string(v.key(link.from)));
    wire->set_to_product_key(std::string(v.key(link.to)));
    wire->set_essential(link.essential);
  }
  response->set_hhi_threshold(options.hhi_threshold);
  response->set_outside_share_threshold(options.outside_share_threshold);
}

void CriticalToWire(const graph::CriticalAnswer& answer,
                    v1::CriticalSuppliersResponse* response) {
  const graph::SupplyNetwork& network = *answer.network;
  const graph::View& v = network.view();
  const graph::ViewIndex* firm = &answer.firm;
  const std::vector<graph::CriticalSuppliersResult>* results =
      answer.lines.get();
  Summarize(v, *firm, response->mutable_firm());
  const graph::SupplyStructure& structure = *answer.structure;
  for (graph::ViewIndex dominator : structure.dominators) {
    Summarize(v, dominator, response->add_dominators());
  }
  for (graph::ViewIndex point : structure.articulation_points) {
    Summarize(v, point, response->add_articulation_points());
  }
  response->set_cone_firms(structure.cone_firms);
  for (const graph::CriticalSuppliersResult& result : *results) {
    v1::LineCriticality* line = response->add_lines();
    graph::ViewIndex product = network.line(result.line).product;
    line->set_product_key(std::string(v.key(product)));
    line->set_product_name(std::string(v.name(product)));
    line->set_works(result.works);
    for (graph::ViewIndex input : result.unsupplied_inputs) {
      line->add_unsupplied_input_keys(std::string(v.key(input)));
      Name(v, input, line->add_unsupplied_inputs());
    }
    for (graph::ViewIndex critical : result.critical_firms) {
      Summarize(v, critical, line->add_critical_firms());
    }
    for (const graph::InputRedundancy& input : result.inputs) {
      v1::InputSupply* supply = line->add_inputs();
      supply->set_product_key(std::string(v.key(input.product)));
      supply->set_product_name(std::string(v.name(input.product)));
      supply->set_working_lines(input.working_lines);
      supply->set_working_firms(input.working_firms);
      supply->set_self_supplied(input.self_supplied);
    }
  }
}

void ImpactToWire(const graph::View& v, const graph::ImpactSummary& summary,
                  size_t firms_removed, size_t max_rows,
                  v1::ImpactResponse* response) {
  response->set_firms_removed(static_cast<int64_t>(firms_removed));
  response->set_lines_stopped(summary.lines_stopped);
  response->set_max_depth(summary.max_depth);
  response->set_firms_hit_count(static_cast<int64_t>(summary.firms_hit.size()));
  for (const auto& [firm, depth] : summary.firms_hit) {
    if (static_cast<size_t>(response->firms_hit_size()) >= max_rows) break;
    v1::FirmHit* hit = response->add_firms_hit();
    Summarize(v, firm, hit->mutable_firm());
    hit->set_depth(depth);
  }
  for (graph::ViewIndex product : summary.products_lost) {
    if (static_cast<size_t>(response->products_lost_size()) >= max_rows) break;
    response->add_products_lost(std::string(v.key(product)));
    Name(v, product, response->add_lost_products());
  }
  for (graph::ViewIndex chain : summary.chains_hit) {
    if (static_cast<size_t>(response->chains_hit_size()) >= max_rows) break;
    response->add_chains_hit(std::string(v.key(chain)));
    Name(v, chain, response->add_hit_chains());
  }
  for (graph::ViewIndex leader : summary.leaders_hit) {
    if (static_cast<size_t>(response->leaders_hit_size()) >= max_rows) break;
    Summarize(v, leader, response->add_leaders_hit());
  }
  for (const auto& [region, firms] : summary.firms_hit_by_region) {
    if (static_cast<size_t>(response->firms_hit_by_region_size()) >= max_rows) {
      break;
    }
    v1::RegionCount* count = response->add_firms_hit_by_region();
    count->set_region_code(region);
    count->set_region_name(RegionName(region));
    count->set_firms(firms);
  }
  for (const graph::ImpactSummary::TierCount& tier :
       summary.firms_hit_by_tier) {
    v1::CredentialCount* count = response->add_firms_hit_by_tier();
    count->set_kind(tier.kind);
    count->set_level(tier.level);
    count->set_firms(tier.firms);
  }
}

}  // namespace chainkg::server
