// AnalysisCache: the one owner of what analyses keep between calls: supply
// networks per SupplyOptions, gap firm facts per region, home country and
// date, and critical suppliers per network and firm. Structures are built
// in the background, once per view, and kept for the calls that follow;
// a call takes the newest one ready instead of waiting for one on a newer
// view, unless it asks for a newer sequence (min_sequence).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

#include "graph/analysis/gaps.h"
#include "graph/analysis/supply_network.h"
#include "graph/view/view.h"

namespace chainkg::graph {

struct AnalysisCacheOptions {
  // Kinds of structure kept at once (least recently used dropped first).
  size_t max_networks = 4;
  size_t max_firm_facts = 4;
  // Firms whose critical suppliers are kept per network (a few KiB each).
  size_t max_critical_firms = 256;
  // Bounds a network build (AnalysisLimits::max_network_entries).
  int64_t max_network_entries = 200'000'000;
  // One line per structure built (what, on which sequence, how long) or
  // failed. May be empty. Called from the background thread.
  std::function<void(const std::string&)> log;
};

// A gap report and the view it was computed on.
struct GapAnswer {
  std::shared_ptr<const View> view;
  ViewIndex target;
  GapReport report;
};

// The critical suppliers of a firm's lines, with the network (and so the
// view) they were computed on.
struct CriticalAnswer {
  std::shared_ptr<const SupplyNetwork> network;  // network->view()
  ViewIndex firm;
  std::shared_ptr<const std::vector<CriticalSuppliersResult>> lines;
  // The classic measures for comparison (SupplyNetwork::Structure).
  std::shared_ptr<const SupplyStructure> structure;
};

// Thread-safe. Owns one background thread, joined by the destructor, which
// stops a build in progress. The thread runs at a lower priority than the
// calls being answered (nice +10): on a busy machine a build for a later
// call yields to them, and a call waiting for one (min_sequence) waits
// longer.
//
// Which view a call runs on: `latest` is the newest view the caller has;
// min_sequence the oldest it accepts (0: any). A call gets the newest
// structure ready on a view of at least min_sequence; when the one ready is
// older than `latest`, a build on `latest` starts in the background, so a
// later call catches up. When none is ready, the call waits (within its
// limits) for the build on `latest`; if the wait ends first
// (DEADLINE_EXCEEDED, CANCELLED), the build goes on for the next caller.
// Requires: latest->sequence() >= min_sequence.
class AnalysisCache {
 public:
  explicit AnalysisCache(AnalysisCacheOptions options = {});
  ~AnalysisCache();
  AnalysisCache(const AnalysisCache&) = delete;
  AnalysisCache& operator=(const AnalysisCache&) = delete;

  // The supply network for options. Errors of SupplyNetwork::Build (its
  // RESOURCE_EXHAUSTED is kept for the view: asking again does not retry)
  // and of the wait.
  absl::StatusOr<std::shared_ptr<const SupplyNetwork>> Network(
      const std::shared_ptr<const View>& latest, const SupplyOptions& options,
      uint64_t min_sequence, const AnalysisLimits& limits);

  // SupplyNetwork::CriticalSuppliersOfFirm and Structure for the firm with
  // this natural key, on the network Network gives; computed once per
  // network and firm,
  // under limits in the calling thread (an answer that gave up is not
  // kept), or ahead of the call in the background when the firm was asked
  // of the network this one replaced. NOT_FOUND "no firm ..." when the
  // network's view has no such firm.
  absl::StatusOr<CriticalAnswer> CriticalSuppliers(
      const std::shared_ptr<const View>& latest, const SupplyOptions& options,
      absl::string_view firm_key, uint64_t min_sequence,
      const AnalysisLimits& limits);

  // Gaps of the chain or product (kind, key) with options, on the newest
  // view that has its firm facts ready (and, when the chain has local
  // leaders, the supply network for options.supply on the same view; the
  // facts, one pass over the vertices, then follow the network's view).
  // options.firm_facts, supply_network and leader_critical_suppliers are
  // set here. NOT_FOUND "no chain ..." when the view has no such target;
  // errors of Gaps and of the waits.
  absl::StatusOr<GapAnswer> Gaps(const std::shared_ptr<const View>& latest,
                                 v1::VertexKind kind, absl::string_view key,
                                 GapOptions options, uint64_t min_sequence);

  // Builds finished in the background, for tests and reports.
  int64_t builds() const;

 private:
  struct Impl;  // analysis_cache.cc
  std::unique_ptr<Impl> impl_;
};

}  // namespace chainkg::graph
