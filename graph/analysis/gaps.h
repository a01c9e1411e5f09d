// Gaps: the per-product gap report of one chain in one region (DESIGN.md
// §2, "Gaps"): who makes each product of the chain locally, elsewhere in
// the home country and abroad; the class of the product (缺链 / 短板 /
// 断链风险 / 卡脖子) with its evidence; ranked firms to attract (招商);
// and the consortia, platforms and projects already working on it.
// The exact rules and their defaults are in docs/analysis.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

#include "graph/analysis/language.h"
#include "graph/analysis/supply_network.h"
#include "graph/view/view.h"

namespace chainkg::graph {

// In order of urgency: a row's class is the first that applies.
enum class GapClass {
  kChokepoint = 0,  // 卡脖子
  kMissing,         // 缺链
  kBreakRisk,       // 断链风险
  kWeak,            // 短板
  kCovered,         // 已覆盖: none of the above
};

class GapFirmFacts;

struct GapOptions {
  // GB/T 2260 prefix of "our" region (country home_country). Empty: the
  // whole home country is local.
  std::string region_prefix;
  std::string home_country = "CN";
  // Of the evidence and the candidates' reasons.
  Language language = Language::kChinese;
  // Credentials count when in force on this date (0: when not revoked).
  DateNumber as_of = 0;
  // WEAK when the local suppliers' Herfindahl index over the observed
  // supplies of the product to local buyers is at least this (0..1).
  double hhi_threshold = 0.25;
  // BREAK_RISK when at least this share of the observed supplies of the
  // product to local buyers comes from outside the region (0..1).
  double outside_share_threshold = 0.5;
  // 招商 candidates listed per row.
  int max_candidates = 5;
  // A product target: its inputs (INPUT_TO, upstream) to this many levels
  // are the rows, with the product itself (level 0).
  int upstream_depth = 2;
  // How the chain leaders' critical suppliers are found (CHOKEPOINT).
  SupplyOptions supply;
  // The supply network of the view for `supply`, when the caller has one
  // (borrowed); otherwise Gaps builds it when the chain has local leaders.
  const SupplyNetwork* supply_network = nullptr;
  // The critical suppliers of a local leader's lines, when the caller keeps
  // them (per view, say); empty: computed on supply_network.
  std::function<absl::StatusOr<
      std::shared_ptr<const std::vector<CriticalSuppliersResult>>>(ViewIndex)>
      leader_critical_suppliers;
  // Facts about every firm for this region, home country and as_of, when
  // the caller keeps them (borrowed); otherwise found per report.
  const GapFirmFacts* firm_facts = nullptr;
  AnalysisLimits limits;
};

// What a gap report needs about each firm whatever the chain: its place
// (local, elsewhere in the home country, abroad, unknown country) for a
// region and home country, and the rank of its best credential in force on
// a date. One pass over the view, so worth keeping for the reports that
// follow on the same view (the server keeps a few). Immutable, so
// thread-safe; refers to the view only by address, to check Fits.
class GapFirmFacts {
 public:
  // For options.region_prefix, home_country and as_of.
  static GapFirmFacts Build(const View& view, const GapOptions& options);

  // Whether it was built on view for options' region, home country and
  // date.
  bool Fits(const View& view, const GapOptions& options) const;

  // Place as Gaps numbers it, and CredentialRank of BestCredential, by
  // vertex index.
  const std::vector<int8_t>& places() const { return places_; }
  // Firms in the region (home country, under region_prefix).
  int64_t local_firms() const { return local_firms_; }
  const std::vector<int8_t>& ranks() const { return ranks_; }

 private:
  GapFirmFacts() = default;
  const View* view_ = nullptr;
  std::string region_prefix_;
  std::string home_country_;
  DateNumber as_of_ = 0;
  std::vector<int8_t> places_;
  std::vector<int8_t> ranks_;
  int64_t local_firms_ = 0;
};

// A firm outside the region that makes the product.
struct GapCandidate {
  ViewIndex firm;
  // The firm's highest credential in force (kind UNSPECIFIED: none).
  CredentialFact best_credential;
  // Highest PRODUCES maturity for the product or a variant of it (0 when
  // only known from an observed supply).
  int maturity = 0;
  // Products of the chain the firm makes.
  int chain_products = 0;
  // Local firms it already supplies with the product (observed).
  int local_buyers = 0;
  bool domestic = false;  // in the home country
  std::string reason;
};

// A foreign maker of the product that a local chain leader cannot lose.
struct ForeignCriticalSupplier {
  ViewIndex firm;
  ViewIndex leader;
};

struct GapRow {
  ViewIndex product;
  int stage = 0;  // v1::Stage of the IN_CHAIN edge
  std::string segment;
  // Producers: firms making the product or a SUBCLASS_OF variant of it, or
  // observed supplying it. local: in the region; domestic: elsewhere in the
  // home country; foreign: another known country; unknown_country: "ZZ".
  int64_t local_producers = 0;
  int64_t domestic_producers = 0;
  int64_t foreign_producers = 0;
  int64_t unknown_country_producers = 0;
  // Local producers holding a credential in force.
  int64_t local_credentialed = 0;
  // Local firms making a product downstream of this one (INPUT_TO).
  int64_t local_users = 0;
  // From the observed supplies of the product to local buyers (absent
  // when there are none).
  std::optional<double> outside_share;
  std::optional<double> hhi;
  // Countries of the foreign producers, sorted.
  std::vector<std::string> foreign_countries;
  std::vector<ForeignCriticalSupplier> foreign_critical;
  GapClass gap_class = GapClass::kCovered;
  // Every class that applies, most urgent first (empty for COVERED).
  std::vector<GapClass> classes;
  // Why, one sentence per class that applies.
  std::vector<std::string> evidence;
  // Up to max_candidates, best first.
  std::vector<GapCandidate> candidates;
  // Local producers, credentialed first (at most 20).
  std::vector<ViewIndex> local_producer_list;
  // Consortia and platforms that SUPPORT the product, projects that TARGET
  // it. covered = any of them.
  std::vector<ViewIndex> working_on;
};

struct GapReport {
  ViewIndex chain;
  // Firms in the region that LEAD the chain (the CHOKEPOINT targets).
  std::vector<ViewIndex> local_leaders;
  // Most urgent first: by class; within a class rows nobody works on
  // first, then by local users (most first), then stage, then key.
  std::vector<GapRow> rows;
  // Rows per class, indexed by GapClass.
  std::vector<int64_t> class_counts;
  // INPUT_TO edges between products of the chain, in product order.
  struct Link {
    ViewIndex from;
    ViewIndex to;
    bool essential = false;
  };
  std::vector<Link> links;
};

// The gap report of a chain over the products that are IN_CHAIN of it, or
// of a product over itself and its inputs to options.upstream_depth levels
// (segment "level N"; such a report has no local leaders, so no
// criticality check). INVALID_ARGUMENT for another kind of vertex or
// options out of range; DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED from limits.
absl::StatusOr<GapReport> Gaps(const View& view, ViewIndex target,
                               const GapOptions& options);

// The firms in the region (options.region_prefix, home_country) that LEAD
// chain, by key: the targets of the CHOKEPOINT criticality check.
std::vector<ViewIndex> LocalLeaders(const View& view, ViewIndex chain,
                                    const GapOptions& options);

// "CHOKEPOINT", "MISSING", ... and "卡脖子", "缺链", ...
absl::string_view GapClassName(GapClass gap_class);
absl::string_view GapClassChineseName(GapClass gap_class);

}  // namespace chainkg::graph
