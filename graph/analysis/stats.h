// Stats: counts of firms by credential kind and level, by region and by
// chain, in a region and as of a date (DESIGN.md §2, "Stats"), on a View.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "graph/view/view.h"

namespace chainkg::graph {

struct StatsQuery {
  // GB/T 2260 prefix ("4419"): firms in CN under it. Empty: every firm.
  std::string region_prefix;
  // Credentials in force on this date (0: every one not revoked).
  DateNumber as_of = 0;
};

struct GraphStats {
  struct CredentialTally {
    v1::CredentialKind kind = v1::CREDENTIAL_KIND_UNSPECIFIED;
    v1::Level level = v1::LEVEL_UNSPECIFIED;
    int64_t firms = 0;  // distinct firms of the region holding one
  };
  struct ChainTally {
    ViewIndex chain;
    int64_t products = 0;  // IN_CHAIN
    // Products with a PRODUCES edge from a firm of the region, and the
    // distinct firms of the region producing a product of the chain.
    int64_t products_made_in_region = 0;
    int64_t producers_in_region = 0;
    std::vector<ViewIndex> leaders;  // firms that LEAD it
  };
  int64_t firms = 0;
  std::vector<CredentialTally> credentials;  // (kind, level) order, non-zero
  // Firms per six-digit region code (country, for firms without one), most
  // first, at most 100.
  std::vector<std::pair<std::string, int64_t>> regions;
  std::vector<ChainTally> chains;  // every chain, by key
};

// NOT_FOUND (field region_prefix) when query.region_prefix is set and no
// firm is under it: a typo (99 for 4419) must not read as an empty region.
absl::StatusOr<GraphStats> ComputeStats(const View& view,
                                        const StatsQuery& query);

// The error of an analysis asked about a region no firm is in, naming the
// region ("4419 (广东省 东莞市)") or saying that no region has that code.
absl::Status NoFirmInRegion(absl::string_view region_prefix);

}  // namespace chainkg::graph
