#include "graph/analysis/stats.h"

#include <algorithm>
#include <array>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "util/field_error.h"
#include "util/region_names.h"

namespace chainkg::graph {

absl::Status NoFirmInRegion(absl::string_view region_prefix) {
  return FieldError(absl::StatusCode::kNotFound, "region_prefix",
                    absl::StrCat("no firm of the graph is in ",
                                 DescribeRegion(region_prefix)));
}

absl::StatusOr<GraphStats> ComputeStats(const View& view,
                                        const StatsQuery& query) {
  GraphStats stats;
  const auto n = static_cast<uint32_t>(view.vertex_count());
  std::vector<bool> in_region(n, false);
  absl::flat_hash_map<std::string, int64_t> per_region;
  std::array<std::array<int64_t, v1::Level_ARRAYSIZE>,
             v1::CredentialKind_ARRAYSIZE>
      held = {};
  std::vector<ViewIndex> chains;
  for (uint32_t i = 0; i < n; ++i) {
    ViewIndex v(i);
    if (view.kind(v) == v1::VERTEX_KIND_CHAIN) chains.push_back(v);
    if (view.kind(v) != v1::VERTEX_KIND_FIRM) continue;
    if (!query.region_prefix.empty() &&
        (view.country(v) != "CN" ||
         !absl::StartsWith(view.region(v), query.region_prefix))) {
      continue;
    }
    in_region[i] = true;
    ++stats.firms;
    ++per_region[view.region(v).empty() ? view.country(v) : view.region(v)];
    // Each (kind, level) once per firm.
    std::array<std::array<bool, v1::Level_ARRAYSIZE>,
               v1::CredentialKind_ARRAYSIZE>
        seen = {};
    for (const CredentialFact& credential : view.credentials(v)) {
      if (!InForce(credential, query.as_of)) continue;
      bool& once = seen[credential.kind][credential.level];
      if (!once) ++held[credential.kind][credential.level];
      once = true;
    }
  }
  for (int kind = 1; kind < v1::CredentialKind_ARRAYSIZE; ++kind) {
    for (int level = 0; level < v1::Level_ARRAYSIZE; ++level) {
      if (held[kind][level] == 0) continue;
      stats.credentials.push_back({static_cast<v1::CredentialKind>(kind),
                                   static_cast<v1::Level>(level),
                                   held[kind][level]});
    }
  }
  for (auto& [region, count] : per_region) {
    stats.regions.emplace_back(region, count);
  }
  std::sort(stats.regions.begin(), stats.regions.end(),
            [](const auto& a, const auto& b) {
              return a.second != b.second ? a.second > b.second
                                          : a.first < b.first;
            });
  if (stats.regions.size() > 100) stats.regions.resize(100);

  std::sort(chains.begin(), chains.end(), [&view](ViewIndex a, ViewIndex b) {
    return view.key(a) < view.key(b);
  });
  for (ViewIndex chain : chains) {
    GraphStats::ChainTally tally;
    tally.chain = chain;
    absl::flat_hash_set<uint32_t> producers;
    for (const Adjacent& member : view.In(v1::EDGE_KIND_IN_CHAIN, chain)) {
      ++tally.products;
      bool made_here = false;
      for (const Adjacent& maker :
           view.In(v1::EDGE_KIND_PRODUCES, member.other)) {
        if (!in_region[maker.other.value()]) continue;
        producers.insert(maker.other.value());
        made_here = true;
      }
      if (made_here) ++tally.products_made_in_region;
    }
    tally.producers_in_region = static_cast<int64_t>(producers.size());
    for (const Adjacent& leader : view.In(v1::EDGE_KIND_LEADS, chain)) {
      tally.leaders.push_back(leader.other);
    }
    stats.chains.push_back(std::move(tally));
  }
  if (!query.region_prefix.empty() && stats.firms == 0) {
    return NoFirmInRegion(query.region_prefix);
  }
  return stats;
}

}  // namespace chainkg::graph
