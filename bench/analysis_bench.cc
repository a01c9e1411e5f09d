// Analysis benchmarks on a real database (bench/analysis_bench.sh makes one
// from the demo data): view build time and bytes per edge; the upstream
// supplier closure of the chain leaders by a plain CSR BFS and by
// graph::Traverse over the same edges; critical suppliers of a chain leader
// by incremental propagation and by the brute-force baseline (remove each
// candidate, recompute the fixpoint); critical suppliers as a first call on a
// view (supply network built, then the leader asked) in both modes; the gap
// report of one chain. --write-supplies FILE writes the SUPPLIES edges and
// the leader so that another library (analysis_bench.sh: python3-igraph's
// dominator tree) can be timed on the same graph.
//
// Usage: analysis_bench --db DIR [--chain EIT] [--region 4419]
//                       [--brute-force-sample 20] [--write-supplies FILE]
//                       [benchmark flags]
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "benchmark/benchmark.h"

#include "graph/analysis/gaps.h"
#include "graph/analysis/supply_network.h"
#include "graph/analysis/traversal.h"
#include "graph/store/store.h"
#include "graph/view/view.h"

namespace chainkg::graph {
namespace {

struct Flags {
  std::string db;
  std::string chain = "EIT";
  std::string region = "4419";
  int brute_force_sample = 20;
  std::string write_supplies;
};

Flags& TheFlags() {
  static Flags flags;
  return flags;
}

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "analysis_bench: " << message << "\n";
  std::exit(2);
}

// What every benchmark shares, built once.
struct Fixture {
  std::unique_ptr<Store> store;
  std::shared_ptr<const View> view;
  double view_build_seconds = 0;
  std::vector<ViewIndex> leaders;
  // Plain CSR of SUPPLIES reversed (buyer -> suppliers), as a baseline
  // with no abstraction at all.
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> suppliers;
  std::unique_ptr<SupplyNetwork> observed;
};

// The target of the critical-suppliers benchmarks: the chain leader with the
// lowest view index.
ViewIndex CriticalTarget(const Fixture& f) { return f.leaders.front(); }

// One "supplier buyer" line per SUPPLIES edge, in view indexes, to FILE, and
// "vertices leader" to FILE.leader.
void WriteSupplies(const Fixture& f) {
  const std::string& path = TheFlags().write_supplies;
  std::ofstream leader(path + ".leader");
  leader << f.view->vertex_count() << " " << CriticalTarget(f).value() << "\n";
  if (!leader.flush()) Die("cannot write " + path + ".leader");
  std::ofstream out(path);
  for (uint32_t buyer = 0; buyer < f.view->vertex_count(); ++buyer) {
    for (uint32_t k = f.offsets[buyer]; k < f.offsets[buyer + 1]; ++k) {
      out << f.suppliers[k] << " " << buyer << "\n";
    }
  }
  if (!out.flush()) Die("cannot write " + path);
}

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    StoreOptions options;
    options.create_if_missing = false;
    absl::StatusOr<std::unique_ptr<Store>> store =
        Store::Open(TheFlags().db, options);
    if (!store.ok()) Die(std::string(store.status().message()));
    f->store = *std::move(store);
    absl::Time start = absl::Now();
    absl::StatusOr<std::shared_ptr<const View>> view = View::Build(*f->store);
    if (!view.ok()) Die(std::string(view.status().message()));
    f->view_build_seconds = absl::ToDoubleSeconds(absl::Now() - start);
    f->view = *view;
    const View& v = *f->view;
    for (uint32_t i = 0; i < v.vertex_count(); ++i) {
      if (v.kind(ViewIndex(i)) != v1::VERTEX_KIND_CHAIN) continue;
      for (const Adjacent& leader : v.In(v1::EDGE_KIND_LEADS, ViewIndex(i))) {
        f->leaders.push_back(leader.other);
      }
    }
    std::sort(f->leaders.begin(), f->leaders.end());
    f->leaders.erase(std::unique(f->leaders.begin(), f->leaders.end()),
                     f->leaders.end());
    if (f->leaders.empty()) Die("no chain leader (LEADS edge) in the data");
    f->offsets.assign(v.vertex_count() + 1, 0);
    for (uint32_t i = 0; i < v.vertex_count(); ++i) {
      absl::Span<const Adjacent> in =
          v.In(v1::EDGE_KIND_SUPPLIES, ViewIndex(i));
      f->offsets[i + 1] = f->offsets[i] + static_cast<uint32_t>(in.size());
      for (const Adjacent& a : in) f->suppliers.push_back(a.other.value());
    }
    absl::StatusOr<SupplyNetwork> network =
        SupplyNetwork::Build(v, SupplyOptions(), AnalysisLimits());
    if (!network.ok()) Die(std::string(network.status().message()));
    f->observed = std::make_unique<SupplyNetwork>(*std::move(network));
    if (!TheFlags().write_supplies.empty()) WriteSupplies(*f);
    return f;
  }();
  return *fixture;
}

// Edges scanned by a full BFS closure from start on the plain CSR.
int64_t CsrClosure(const Fixture& f, uint32_t start,
                   std::vector<uint32_t>& seen, uint32_t stamp,
                   std::vector<uint32_t>& queue) {
  int64_t edges = 0;
  queue.clear();
  queue.push_back(start);
  seen[start] = stamp;
  for (size_t i = 0; i < queue.size(); ++i) {
    uint32_t v = queue[i];
    for (uint32_t k = f.offsets[v]; k < f.offsets[v + 1]; ++k) {
      ++edges;
      uint32_t w = f.suppliers[k];
      if (seen[w] != stamp) {
        seen[w] = stamp;
        queue.push_back(w);
      }
    }
  }
  return edges;
}

void BM_ViewBuild(benchmark::State& state) {
  Fixture& f = TheFixture();
  for (auto _ : state) {
    state.SetIterationTime(f.view_build_seconds);
  }
  state.counters["vertices"] = static_cast<double>(f.view->vertex_count());
  state.counters["edges"] = static_cast<double>(f.view->edge_count());
  state.counters["bytes_per_edge"] =
      static_cast<double>(f.view->MemoryBytes()) /
      static_cast<double>(std::max<size_t>(1, f.view->edge_count()));
  state.counters["build_seconds"] = f.view_build_seconds;
}
BENCHMARK(BM_ViewBuild)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_CsrBfsClosure(benchmark::State& state) {
  Fixture& f = TheFixture();
  std::vector<uint32_t> seen(f.view->vertex_count(), 0), queue;
  uint32_t stamp = 0;
  int64_t edges = 0;
  for (auto _ : state) {
    for (ViewIndex leader : f.leaders) {
      edges += CsrClosure(f, leader.value(), seen, ++stamp, queue);
    }
  }
  state.counters["edges_per_second"] = benchmark::Counter(
      static_cast<double>(edges), benchmark::Counter::kIsRate);
  state.counters["closure_vertices"] = static_cast<double>(queue.size());
}
BENCHMARK(BM_CsrBfsClosure)->Unit(benchmark::kMillisecond);

void BM_TraverseClosure(benchmark::State& state) {
  Fixture& f = TheFixture();
  TraversalOptions options;
  options.direction = FlowDirection::kUpstream;
  options.edge_kinds = {v1::EDGE_KIND_SUPPLIES};
  options.budget.max_depth = 64;
  options.budget.max_visited = 100'000'000;
  options.budget.max_results = 100'000'000;
  // The same edges as the CSR closure (every in-edge of every vertex
  // reached), counted once outside the timing.
  std::vector<uint32_t> seen(f.view->vertex_count(), 0), queue;
  uint32_t stamp = 0;
  int64_t edges_per_round = 0;
  for (ViewIndex leader : f.leaders) {
    edges_per_round += CsrClosure(f, leader.value(), seen, ++stamp, queue);
  }
  int64_t edges = 0;
  for (auto _ : state) {
    for (ViewIndex leader : f.leaders) {
      absl::StatusOr<TraversalResult> result =
          Traverse(*f.view, leader, options);
      if (!result.ok()) Die(std::string(result.status().message()));
      benchmark::DoNotOptimize(result->hits.data());
    }
    edges += edges_per_round;
  }
  state.counters["edges_per_second"] = benchmark::Counter(
      static_cast<double>(edges), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TraverseClosure)->Unit(benchmark::kMillisecond);

void BM_Traverse6Hops(benchmark::State& state) {
  Fixture& f = TheFixture();
  TraversalOptions options;
  options.edge_kinds = {v1::EDGE_KIND_SUPPLIES};
  options.budget.max_depth = 6;
  options.budget.max_visited = 100'000'000;
  options.budget.max_results = 100'000'000;
  for (auto _ : state) {
    absl::StatusOr<TraversalResult> result =
        Traverse(*f.view, f.leaders.front(), options);
    if (!result.ok()) Die(std::string(result.status().message()));
    benchmark::DoNotOptimize(result->hits.data());
  }
}
BENCHMARK(BM_Traverse6Hops)->Unit(benchmark::kMillisecond);

void BM_SupplyNetworkBuild(benchmark::State& state) {
  Fixture& f = TheFixture();
  for (auto _ : state) {
    absl::StatusOr<SupplyNetwork> network =
        SupplyNetwork::Build(*f.view, SupplyOptions(), AnalysisLimits());
    if (!network.ok()) Die(std::string(network.status().message()));
    benchmark::DoNotOptimize(network->line_count());
  }
  state.counters["lines"] = static_cast<double>(f.observed->line_count());
}
BENCHMARK(BM_SupplyNetworkBuild)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_CriticalSuppliers(benchmark::State& state) {
  Fixture& f = TheFixture();
  int64_t tried = 0;
  for (auto _ : state) {
    absl::StatusOr<std::vector<CriticalSuppliersResult>> results =
        f.observed->CriticalSuppliersOfFirm(CriticalTarget(f),
                                            AnalysisLimits());
    if (!results.ok()) Die(std::string(results.status().message()));
    tried = 0;
    for (const CriticalSuppliersResult& r : *results) {
      tried += r.candidates_tried;
    }
  }
  state.counters["candidates"] = static_cast<double>(tried);
}
BENCHMARK(BM_CriticalSuppliers)->Unit(benchmark::kMillisecond);

// The first critical-suppliers call on a view: the supply network of the mode
// is built, then the leader is asked (what AnalysisCache does on a new view).
void BM_CriticalFirstCall(benchmark::State& state) {
  Fixture& f = TheFixture();
  SupplyOptions options;
  options.mode =
      state.range(0) == 0 ? SupplyMode::kObserved : SupplyMode::kCapability;
  for (auto _ : state) {
    absl::StatusOr<SupplyNetwork> network =
        SupplyNetwork::Build(*f.view, options, AnalysisLimits());
    if (!network.ok()) Die(std::string(network.status().message()));
    absl::StatusOr<std::vector<CriticalSuppliersResult>> results =
        network->CriticalSuppliersOfFirm(CriticalTarget(f), AnalysisLimits());
    if (!results.ok()) Die(std::string(results.status().message()));
    benchmark::DoNotOptimize(results->size());
  }
}
BENCHMARK(BM_CriticalFirstCall)
    ->ArgName("capability")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// Brute force: for each candidate (the firms of the leader's upstream
// supplier closure), recompute the whole fixpoint without it and look at
// the leader's lines. Timed on a sample; the counter extrapolates to every
// candidate.
void BM_BruteForceCritical(benchmark::State& state) {
  Fixture& f = TheFixture();
  ViewIndex target = CriticalTarget(f);
  TraversalOptions options;
  options.edge_kinds = {v1::EDGE_KIND_SUPPLIES};
  options.budget.max_depth = 64;
  options.budget.max_visited = 100'000'000;
  options.budget.max_results = 100'000'000;
  absl::StatusOr<TraversalResult> cone = Traverse(*f.view, target, options);
  if (!cone.ok()) Die(std::string(cone.status().message()));
  std::vector<LineIndex> lines = f.observed->LinesOf(target);
  size_t sample = std::min<size_t>(
      cone->hits.size(), static_cast<size_t>(TheFlags().brute_force_sample));
  for (auto _ : state) {
    for (size_t i = 0; i < sample; ++i) {
      std::vector<bool> works = f.observed->Working({cone->hits[i].vertex});
      for (LineIndex l : lines) benchmark::DoNotOptimize(works[l]);
    }
  }
  state.counters["candidates"] = static_cast<double>(cone->hits.size());
  state.counters["sampled"] = static_cast<double>(sample);
}
BENCHMARK(BM_BruteForceCritical)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Gaps(benchmark::State& state) {
  Fixture& f = TheFixture();
  std::optional<ViewIndex> chain =
      f.view->Find(v1::VERTEX_KIND_CHAIN, TheFlags().chain);
  if (!chain.has_value()) Die("no chain " + TheFlags().chain);
  GapOptions options;
  options.region_prefix = TheFlags().region;
  options.supply_network = f.observed.get();
  size_t rows = 0;
  for (auto _ : state) {
    absl::StatusOr<GapReport> report = Gaps(*f.view, *chain, options);
    if (!report.ok()) Die(std::string(report.status().message()));
    rows = report->rows.size();
  }
  state.counters["products"] = static_cast<double>(rows);
}
BENCHMARK(BM_Gaps)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace chainkg::graph

int main(int argc, char** argv) {
  chainkg::graph::Flags& flags = chainkg::graph::TheFlags();
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) chainkg::graph::Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--db") {
      flags.db = value();
    } else if (arg == "--chain") {
      flags.chain = value();
    } else if (arg == "--region") {
      flags.region = value();
    } else if (arg == "--write-supplies") {
      flags.write_supplies = value();
    } else if (arg == "--brute-force-sample") {
      flags.brute_force_sample = std::atoi(value().c_str());
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (flags.db.empty()) chainkg::graph::Die("--db DIR is required");
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
