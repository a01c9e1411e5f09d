// The analyses' answers as their wire messages: keys with names beside
// them, as the view holds them. Used by AnalysisService.
#pragma once

#include <cstddef>

#include "chainkg/v1/analysis_service.pb.h"
#include "graph/analysis/analysis_cache.h"
#include "graph/analysis/gaps.h"
#include "graph/analysis/stats.h"
#include "graph/analysis/supply_network.h"
#include "graph/view/view.h"

namespace chainkg::server {

// A firm's key, name, country and region.
void Summarize(const graph::View& view, graph::ViewIndex firm,
               v1::FirmSummary* out);

// The report's target, leaders, rows, class counts, links and the
// thresholds applied; not the sequence and freshness.
void GapsToWire(const graph::GapAnswer& answer,
                const graph::GapOptions& options, bool of_product,
                v1::GapsResponse* response);

// The firm, its lines with their critical firms and inputs, and the
// classic measures; not the sequence and freshness.
void CriticalToWire(const graph::CriticalAnswer& answer,
                    v1::CriticalSuppliersResponse* response);

// A product's or chain's key and name.
void Name(const graph::View& view, graph::ViewIndex vertex, v1::NamedKey* out);

// The counts by tier, region (with names) and chain (with its leaders); not
// the sequence and freshness.
void StatsToWire(const graph::View& v, const graph::GraphStats& stats,
                 v1::StatsResponse* response);

// The counts, and at most max_rows of each list.
void ImpactToWire(const graph::View& v, const graph::ImpactSummary& summary,
                  size_t firms_removed, size_t max_rows,
                  v1::ImpactResponse* response);

}  // namespace chainkg::server
