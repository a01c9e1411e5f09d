// The live view under writes, on a real database (bench/live_view_bench.sh
// makes a copy of an imported demo for it, since it writes):
//   1. delta: 1% of the edges written after the base, not folded in: the
//      supplier closures of the chain leaders and the critical suppliers of
//      one leader on that view and on the same graph folded into a fresh
//      base, in paired rounds (goal: within 20%);
//   2. streaming: a writer applies batches of 1000 new records as fast as
//      the store takes them (each synced, as Ingest does) while a reader
//      asks for gaps, critical suppliers and a 6-hop walk every 200 ms
//      without waiting for writes: how long each write takes to reach the view
//      (goal: p99
//      <= 1 s), and the readers' latency against the same calls idle (goal:
//      p99 <= 2x);
//   3. one upsert, then critical suppliers of a leader: without
//      min_sequence (the network on hand) and with it (a network on the
//      new view), against the warm call;
//   4. memory: RSS after 1 and after 100 cycles of write + analyses.
//
// Usage: live_view_bench --db DIR [--seconds 20] [--chain EIT]
//                        [--region 4419]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

#include "graph/analysis/analysis_cache.h"
#include "graph/analysis/supply_network.h"
#include "graph/analysis/traversal.h"
#include "graph/store/store.h"
#include "graph/view/live_view.h"

namespace chainkg::graph {
namespace {

struct Flags {
  std::string db;
  double seconds = 20;
  std::string chain = "EIT";
  std::string region = "4419";
};

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "live_view_bench: " << message << "\n";
  std::exit(2);
}

template <typename T>
T Check(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) Die(absl::StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t at = static_cast<size_t>(p * static_cast<double>(values.size() - 1));
  return values[at];
}

double Median(std::vector<double> values) { return Percentile(values, 0.5); }

std::string Summary(const std::vector<double>& ms) {
  return absl::StrCat("n=", ms.size(), " p50 ", Percentile(ms, 0.5),
                      " ms, p99 ", Percentile(ms, 0.99), " ms, max ",
                      Percentile(ms, 1.0), " ms");
}

long RssMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6) / 1024;
  }
  return 0;
}

std::vector<ViewIndex> Leaders(const View& view) {
  std::vector<ViewIndex> leaders;
  for (uint32_t i = 0; i < view.vertex_count(); ++i) {
    if (view.kind(ViewIndex(i)) != v1::VERTEX_KIND_CHAIN) continue;
    for (const Adjacent& a : view.In(v1::EDGE_KIND_LEADS, ViewIndex(i))) {
      leaders.push_back(a.other);
    }
  }
  std::sort(leaders.begin(), leaders.end());
  leaders.erase(std::unique(leaders.begin(), leaders.end()), leaders.end());
  return leaders;
}

// Random records naming what the view holds.
class Writes {
 public:
  explicit Writes(const View& view) : rng_(1) {
    for (uint32_t i = 0; i < view.vertex_count(); ++i) {
      ViewIndex v(i);
      if (view.kind(v) == v1::VERTEX_KIND_FIRM) {
        firms_.emplace_back(view.key(v));
      } else if (view.kind(v) == v1::VERTEX_KIND_PRODUCT) {
        products_.emplace_back(view.key(v));
      }
    }
  }

  v1::Edge Supply() {
    v1::Edge edge;
    edge.set_kind(v1::EDGE_KIND_SUPPLIES);
    edge.mutable_from()->set_kind(v1::VERTEX_KIND_FIRM);
    edge.mutable_from()->set_key(Pick(firms_));
    edge.mutable_to()->set_kind(v1::VERTEX_KIND_FIRM);
    edge.mutable_to()->set_key(Pick(firms_));
    edge.mutable_supplies()->set_product_key(Pick(products_));
    edge.mutable_supplies()->set_share(0.1);
    return edge;
  }

  // A new firm that makes a product and supplies an existing firm.
  void NewFirm(WriteRequest& request) {
    std::string key = absl::StrCat("EXT:bench-", next_++);
    v1::Vertex firm;
    firm.mutable_firm()->set_key(key);
    firm.mutable_firm()->set_name(absl::StrCat("基准企业", next_));
    firm.mutable_firm()->set_region_code("441900");
    request.vertices.push_back(firm);
    v1::Edge produces;
    produces.set_kind(v1::EDGE_KIND_PRODUCES);
    produces.mutable_from()->set_kind(v1::VERTEX_KIND_FIRM);
    produces.mutable_from()->set_key(key);
    produces.mutable_to()->set_kind(v1::VERTEX_KIND_PRODUCT);
    produces.mutable_to()->set_key(Pick(products_));
    request.edges.push_back(produces);
    v1::Edge supply = Supply();
    supply.mutable_from()->set_key(key);
    request.edges.push_back(supply);
  }

 private:
  const std::string& Pick(const std::vector<std::string>& from) {
    return from[rng_() % from.size()];
  }
  std::mt19937_64 rng_;
  std::vector<std::string> firms_;
  std::vector<std::string> products_;
  int64_t next_ = 0;
};

absl::Duration Closures(const View& view, const std::vector<ViewIndex>& leaders,
                        int64_t* rows) {
  TraversalOptions options;
  options.edge_kinds = {v1::EDGE_KIND_SUPPLIES};
  options.budget.max_depth = 64;
  options.budget.max_visited = 100'000'000;
  options.budget.max_results = 100'000'000;
  absl::Time start = absl::Now();
  *rows = 0;
  for (ViewIndex leader : leaders) {
    *rows += static_cast<int64_t>(
        Check(Traverse(view, leader, options), "traverse").hits.size());
  }
  return absl::Now() - start;
}

absl::Duration Critical(const View& view, ViewIndex leader, size_t* lines) {
  absl::Time start = absl::Now();
  SupplyNetwork network = Check(
      SupplyNetwork::Build(view, SupplyOptions(), AnalysisLimits()), "network");
  *lines = Check(network.CriticalSuppliersOfFirm(leader, AnalysisLimits()),
                 "critical")
               .size();
  return absl::Now() - start;
}

void DeltaPhase(Store& store, LiveView& live) {
  std::shared_ptr<const View> base = live.Latest();
  std::vector<ViewIndex> base_leaders = Leaders(*base);
  size_t edges = base->edge_count() / 100;
  std::cout << "== 1. delta of 1% of the edges (" << edges
            << " SUPPLIES edges written after the base)\n";
  Writes writes(*base);
  uint64_t sequence = 0;
  absl::Time start = absl::Now();
  for (size_t done = 0; done < edges; done += 1000) {
    WriteRequest request;
    for (size_t i = 0; i < 1000 && done + i < edges; ++i) {
      request.edges.push_back(writes.Supply());
    }
    sequence = Check(store.Apply(std::move(request)), "write").sequence;
  }
  std::shared_ptr<const View> delta =
      Check(live.Get(sequence, absl::InfiniteFuture(), nullptr), "live view");
  std::cout << "written and applied in "
            << absl::ToDoubleSeconds(absl::Now() - start)
            << " s; delta: " << delta->delta_size().vertices
            << " vertices patched, " << delta->delta_size().entries
            << " entries; view " << (delta->MemoryBytes() >> 20) << " MiB\n";
  absl::Time fold_start = absl::Now();
  std::shared_ptr<const View> folded = Check(delta->Compact(), "compact");
  std::cout << "folded in " << Ms(absl::Now() - fold_start) << " ms ("
            << (folded->MemoryBytes() >> 20) << " MiB)\n";
  auto leaders_in = [&](const View& view) {
    std::vector<ViewIndex> out;
    for (ViewIndex l : base_leaders) {
      out.push_back(*view.Find(v1::VERTEX_KIND_FIRM, base->key(l)));
    }
    return out;
  };
  std::vector<ViewIndex> delta_leaders = leaders_in(*delta);
  std::vector<ViewIndex> folded_leaders = leaders_in(*folded);
  std::vector<double> walk_ratio, critical_ratio;
  for (int round = 0; round < 7; ++round) {
    int64_t rows_delta = 0, rows_folded = 0;
    absl::Duration d = Closures(*delta, delta_leaders, &rows_delta);
    absl::Duration f = Closures(*folded, folded_leaders, &rows_folded);
    if (rows_delta != rows_folded) Die("closures differ");
    size_t lines_delta = 0, lines_folded = 0;
    absl::Duration cd = Critical(*delta, delta_leaders[0], &lines_delta);
    absl::Duration cf = Critical(*folded, folded_leaders[0], &lines_folded);
    walk_ratio.push_back(Ms(d) / Ms(f));
    critical_ratio.push_back(Ms(cd) / Ms(cf));
    std::cout << "round " << round << ": closures of " << delta_leaders.size()
              << " leaders (" << rows_delta << " rows) delta " << Ms(d)
              << " ms, folded " << Ms(f) << " ms; network + critical delta "
              << Ms(cd) << " ms, folded " << Ms(cf) << " ms\n";
  }
  std::cout << "median delta/folded: closures " << Median(walk_ratio)
            << ", network + critical " << Median(critical_ratio)
            << " (goal <= 1.20)\n";
}

struct Readers {
  std::vector<double> gaps_ms, critical_ms, walk_ms;
  std::vector<double> behind_ms;
};

// One round of the three reader calls, none waiting for writes.
void ReadOnce(LiveView& live, AnalysisCache& cache, const Flags& flags,
              const std::string& leader_key, Readers* out) {
  std::shared_ptr<const View> view = live.Latest();
  AnalysisLimits limits;
  limits.deadline = absl::Now() + absl::Seconds(60);
  GapOptions gap;
  gap.region_prefix = flags.region;
  gap.limits = limits;
  absl::Time start = absl::Now();
  GapAnswer gaps = Check(
      cache.Gaps(view, v1::VERTEX_KIND_CHAIN, flags.chain, gap, 0), "gaps");
  out->gaps_ms.push_back(Ms(absl::Now() - start));
  out->behind_ms.push_back(Ms(live.LagOf(*gaps.view).behind));
  start = absl::Now();
  Check(cache.CriticalSuppliers(view, SupplyOptions(), leader_key, 0, limits),
        "critical");
  out->critical_ms.push_back(Ms(absl::Now() - start));
  TraversalOptions walk;
  walk.edge_kinds = {v1::EDGE_KIND_SUPPLIES};
  walk.budget.max_depth = 6;
  walk.budget.max_results = 100'000'000;
  walk.budget.max_visited = 100'000'000;
  start = absl::Now();
  Check(Traverse(*view, *view->Find(v1::VERTEX_KIND_FIRM, leader_key), walk),
        "walk");
  out->walk_ms.push_back(Ms(absl::Now() - start));
}

void StreamingPhase(Store& store, LiveView& live, AnalysisCache& cache,
                    const Flags& flags) {
  std::shared_ptr<const View> view = live.Latest();
  std::string leader_key(view->key(Leaders(*view)[0]));
  std::cout << "== 2. streaming writes for " << flags.seconds
            << " s, readers on gaps " << flags.chain << " in " << flags.region
            << ", critical of " << leader_key << ", a 6-hop walk\n";
  Readers idle;
  for (int i = 0; i < 30; ++i) {
    ReadOnce(live, cache, flags, leader_key, &idle);
    absl::SleepFor(absl::Milliseconds(200));
  }
  Writes writes(*view);
  std::atomic<bool> done{false};
  absl::Mutex mu;
  std::vector<std::pair<uint64_t, absl::Time>> acks;
  std::vector<std::pair<uint64_t, absl::Time>> published;
  int64_t records = 0;
  std::thread writer([&] {
    absl::Time end = absl::Now() + absl::Seconds(flags.seconds);
    while (absl::Now() < end) {
      WriteRequest request;
      for (int i = 0; i < 333; ++i) writes.NewFirm(request);
      records +=
          static_cast<int64_t>(request.vertices.size() + request.edges.size());
      uint64_t sequence =
          Check(store.Apply(std::move(request)), "write").sequence;
      absl::MutexLock lock(&mu);
      acks.emplace_back(sequence, absl::Now());
    }
    done = true;
  });
  std::thread watcher([&] {
    uint64_t last = 0;
    while (!done) {
      std::shared_ptr<const View> latest = live.Latest();
      if (latest->sequence() != last) {
        last = latest->sequence();
        absl::MutexLock lock(&mu);
        published.emplace_back(last, absl::Now());
      }
      absl::SleepFor(absl::Microseconds(500));
    }
  });
  // A few planners: a round of the three calls every 200 ms.
  Readers loaded;
  while (!done) {
    ReadOnce(live, cache, flags, leader_key, &loaded);
    absl::SleepFor(absl::Milliseconds(200));
  }
  writer.join();
  watcher.join();
  std::vector<double> freshness;
  for (const auto& [sequence, acked] : acks) {
    auto it = std::find_if(published.begin(), published.end(),
                           [&](const auto& p) { return p.first >= sequence; });
    if (it == published.end()) continue;  // after the load ended
    freshness.push_back(std::max(0.0, Ms(it->second - acked)));
  }
  // The load grew the graph: the same calls idle again, once the view
  // holds every write, on the graph as it is now.
  uint64_t last = store.LatestSequence();
  Check(live.Get(last, absl::InfiniteFuture(), nullptr), "view");
  Readers after;
  for (int i = 0; i < 30; ++i) {
    ReadOnce(live, cache, flags, leader_key, &after);
    absl::SleepFor(absl::Milliseconds(200));
  }
  std::cout << "writer: " << records << " records in " << acks.size()
            << " batches, " << records / flags.seconds << " records/s; "
            << published.size() << " views published\n"
            << "write -> view: " << Summary(freshness)
            << " (goal p99 <= 1000 ms)\n";
  auto line = [](const char* what, const std::vector<double>& before,
                 const std::vector<double>& during,
                 const std::vector<double>& after) {
    double idle_p99 =
        std::max(Percentile(before, 0.99), Percentile(after, 0.99));
    std::cout << what << " idle before " << Summary(before) << "\n"
              << what << " idle after " << Summary(after) << "\n"
              << what << " during load " << Summary(during)
              << "; p99 / idle p99 " << Percentile(during, 0.99) / idle_p99
              << " (goal <= 2)\n";
  };
  line("gaps", idle.gaps_ms, loaded.gaps_ms, after.gaps_ms);
  line("critical", idle.critical_ms, loaded.critical_ms, after.critical_ms);
  line("6-hop walk", idle.walk_ms, loaded.walk_ms, after.walk_ms);
  std::cout << "gap answers behind the latest write during load: "
            << Summary(loaded.behind_ms) << "\n";
}

void UpsertPhase(Store& store, LiveView& live, AnalysisCache& cache) {
  std::shared_ptr<const View> view = live.Latest();
  std::string leader_key(view->key(Leaders(*view)[0]));
  std::cout << "== 3. one upsert, then critical suppliers of " << leader_key
            << "\n";
  AnalysisLimits limits;
  limits.deadline = absl::InfiniteFuture();
  // As the server does: the view first (waiting for min_sequence), then
  // what was built on it.
  auto critical = [&](uint64_t min_sequence) {
    absl::Time start = absl::Now();
    std::shared_ptr<const View> latest =
        Check(live.Get(min_sequence, absl::InfiniteFuture(), nullptr), "view");
    CriticalAnswer answer =
        Check(cache.CriticalSuppliers(latest, SupplyOptions(), leader_key,
                                      min_sequence, limits),
              "critical");
    return std::make_pair(Ms(absl::Now() - start),
                          answer.network->view().sequence());
  };
  // Settle: a network on the newest view, and its answer kept.
  uint64_t now = store.LatestSequence();
  Check(live.Get(now, absl::InfiniteFuture(), nullptr), "view");
  critical(now);
  std::vector<double> warm, after, after_fresh;
  Writes writes(*view);
  for (int round = 0; round < 5; ++round) {
    warm.push_back(critical(0).first);
    WriteRequest request;
    writes.NewFirm(request);
    uint64_t sequence =
        Check(store.Apply(std::move(request)), "upsert").sequence;
    after.push_back(critical(0).first);
    auto [ms, on] = critical(sequence);
    if (on < sequence) Die("min_sequence not honoured");
    after_fresh.push_back(ms);
  }
  std::cout << "warm: " << Summary(warm)
            << "\nnext call, no min_sequence: " << Summary(after)
            << "\nnext call with the upsert's min_sequence: "
            << Summary(after_fresh) << " (goal <= 2x warm)\n";
}

void MemoryPhase(Store& store, LiveView& live, AnalysisCache& cache,
                 const Flags& flags) {
  std::cout << "== 4. memory over 100 cycles of write + analyses\n";
  std::shared_ptr<const View> view = live.Latest();
  std::string leader_key(view->key(Leaders(*view)[0]));
  Writes writes(*view);
  view.reset();
  long first = 0;
  Readers ignored;
  for (int cycle = 1; cycle <= 100; ++cycle) {
    WriteRequest request;
    for (int i = 0; i < 100; ++i) writes.NewFirm(request);
    uint64_t sequence =
        Check(store.Apply(std::move(request)), "write").sequence;
    Check(live.Get(sequence, absl::InfiniteFuture(), nullptr), "view");
    ReadOnce(live, cache, flags, leader_key, &ignored);
    if (cycle == 1) first = RssMiB();
  }
  long last = RssMiB();
  std::cout << "RSS after cycle 1: " << first << " MiB, after 100: " << last
            << " MiB (" << 100.0 * (last - first) / first
            << "%, goal within 10%); folds " << live.counters().compactions
            << "\n";
}

int Main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(absl::StrCat(arg, " needs a value"));
      return argv[++i];
    };
    if (arg == "--db") {
      flags.db = value();
    } else if (arg == "--seconds") {
      if (!absl::SimpleAtod(value(), &flags.seconds)) Die("--seconds");
    } else if (arg == "--chain") {
      flags.chain = value();
    } else if (arg == "--region") {
      flags.region = value();
    } else {
      Die(absl::StrCat("unknown argument ", arg));
    }
  }
  if (flags.db.empty()) Die("usage: live_view_bench --db DIR [--seconds S]");
  StoreOptions store_options;
  store_options.create_if_missing = false;
  std::unique_ptr<Store> store =
      Check(Store::Open(flags.db, store_options), "open");
  LiveViewOptions options;
  options.log = [](const std::string& line) { std::cout << line << "\n"; };
  // Phase 1 measures an unfolded delta: no fold until it is done.
  options.compact_fraction = 1e9;
  {
    LiveView live(*store, options);
    Check(live.Get(0, absl::InfiniteFuture(), nullptr), "first view");
    std::cout << "RSS " << RssMiB() << " MiB\n";
    DeltaPhase(*store, live);
  }
  options.compact_fraction = LiveViewOptions().compact_fraction;
  LiveView live(*store, options);
  Check(live.Get(store->LatestSequence(), absl::InfiniteFuture(), nullptr),
        "view");
  AnalysisCacheOptions cache_options;
  cache_options.log = options.log;
  AnalysisCache cache(cache_options);
  StreamingPhase(*store, live, cache, flags);
  UpsertPhase(*store, live, cache);
  MemoryPhase(*store, live, cache, flags);
  return 0;
}

}  // namespace
}  // namespace chainkg::graph

int main(int argc, char** argv) { return chainkg::graph::Main(argc, argv); }
