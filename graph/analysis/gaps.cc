#include "graph/analysis/gaps.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

#include "graph/analysis/firm_rank.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace {

constexpr absl::string_view kUnknownCountry = "ZZ";
constexpr size_t kMaxLocalProducersListed = 20;

enum class Place { kLocal, kDomestic, kForeign, kUnknown };

std::string Percent(double share) {
  return absl::StrCat(static_cast<int>(share * 100 + 0.5), "%");
}

// Per-report state: the place of every firm met, scratch stamps.
class GapCalculator {
 public:
  GapCalculator(const View& view, ViewIndex chain, const GapOptions& options)
      : view_(view),
        chain_(chain),
        options_(options),
        region_label_(options.region_prefix.empty() ? options.home_country
                                                    : options.region_prefix),
        in_chain_(view.vertex_count(), false),
        producer_slot_(view.vertex_count(), -1),
        visit_stamp_(view.vertex_count(), 0),
        place_(view.vertex_count(), -1) {}

  absl::StatusOr<GapReport> Run();

 private:
  struct Producer {
    ViewIndex firm;
    int maturity = 0;
    bool makes = false;  // a PRODUCES edge (not only an observed supply)
  };

  Place PlaceOf(ViewIndex firm) const {
    int8_t& cached = place_[firm.value()];
    if (cached < 0) cached = static_cast<int8_t>(ComputePlace(firm));
    return static_cast<Place>(cached);
  }
  Place ComputePlace(ViewIndex firm) const {
    const std::string& country = view_.country(firm);
    if (country == kUnknownCountry || country.empty()) return Place::kUnknown;
    if (country != options_.home_country) return Place::kForeign;
    if (options_.region_prefix.empty() ||
        absl::StartsWith(view_.region(firm), options_.region_prefix)) {
      return Place::kLocal;
    }
    return Place::kDomestic;
  }
  bool IsLocal(ViewIndex firm) const { return PlaceOf(firm) == Place::kLocal; }

  CredentialFact BestCredential(ViewIndex firm) const {
    return graph::BestCredential(view_, firm, options_.as_of);
  }

  std::vector<ViewIndex> VariantsOf(ViewIndex product) const;
  std::vector<Producer> ProducersOf(absl::Span<const ViewIndex> variants);
  absl::StatusOr<int64_t> LocalUsers(ViewIndex product);
  absl::Status FindForeignCriticalSuppliers(const GapReport& report);
  // A candidate's ranking fields; Explain adds the reason (only for the
  // few kept, as it builds strings).
  GapCandidate Candidate(const Producer& producer, int local_buyers) const;
  void Explain(GapCandidate& candidate, bool makes) const;
  absl::Status Classify(GapRow& row, absl::Span<const ViewIndex> variants,
                        const std::vector<Producer>& producers);

  const View& view_;
  ViewIndex chain_;
  const GapOptions& options_;
  std::string region_label_;
  std::vector<bool> in_chain_;
  std::vector<int32_t> producer_slot_;
  std::vector<uint32_t> visit_stamp_;
  uint32_t stamp_ = 0;
  // Place of each firm met (-1: not yet computed); a cache, hence mutable.
  mutable std::vector<int8_t> place_;
  // Local makers of each product met, computed once per report.
  absl::flat_hash_map<uint32_t, std::vector<ViewIndex>> local_makers_;
  // Foreign firms critical for a local leader, with the first such leader.
  absl::flat_hash_map<uint32_t, ViewIndex> foreign_critical_;
};

std::vector<ViewIndex> GapCalculator::VariantsOf(ViewIndex product) const {
  std::vector<ViewIndex> variants = {product};
  for (size_t i = 0; i < variants.size(); ++i) {
    for (const Adjacent& child :
         view_.In(v1::EDGE_KIND_SUBCLASS_OF, variants[i])) {
      if (std::find(variants.begin(), variants.end(), child.other) ==
          variants.end()) {
        variants.push_back(child.other);
      }
    }
  }
  return variants;
}

std::vector<GapCalculator::Producer> GapCalculator::ProducersOf(
    absl::Span<const ViewIndex> variants) {
  std::vector<Producer> producers;
  auto add = [&](ViewIndex firm, int maturity, bool makes) {
    int32_t& slot = producer_slot_[firm.value()];
    if (slot < 0) {
      slot = static_cast<int32_t>(producers.size());
      producers.push_back({firm, maturity, makes});
      return;
    }
    Producer& producer = producers[slot];
    producer.maturity = std::max(producer.maturity, maturity);
    producer.makes = producer.makes || makes;
  };
  for (ViewIndex variant : variants) {
    for (const Adjacent& made : view_.In(v1::EDGE_KIND_PRODUCES, variant)) {
      add(made.other, static_cast<int>(made.attribute), true);
    }
    for (const SupplyFact& supply : view_.SuppliesOf(variant)) {
      add(supply.supplier, 0, false);
    }
  }
  for (const Producer& producer : producers) {
    producer_slot_[producer.firm.value()] = -1;
  }
  return producers;
}

// Local firms making a product downstream of product (over INPUT_TO, and
// from a variant up to its categories, whose users need it too).
absl::StatusOr<int64_t> GapCalculator::LocalUsers(ViewIndex product) {
  ++stamp_;
  std::vector<ViewIndex> queue = {product};
  visit_stamp_[product.value()] = stamp_;
  int64_t users = 0;
  for (size_t i = 0; i < queue.size(); ++i) {
    if ((i & 1023) == 1023 && absl::Now() > options_.limits.deadline) {
      return absl::DeadlineExceededError(
          "gaps: deadline exceeded while counting local users");
    }
    ViewIndex p = queue[i];
    if (i > 0) {
      auto [it, inserted] = local_makers_.try_emplace(p.value());
      if (inserted) {
        for (const Adjacent& made : view_.In(v1::EDGE_KIND_PRODUCES, p)) {
          if (IsLocal(made.other)) it->second.push_back(made.other);
        }
      }
      for (ViewIndex firm : it->second) {
        if (visit_stamp_[firm.value()] == stamp_) continue;
        visit_stamp_[firm.value()] = stamp_;
        ++users;
      }
    }
    for (v1::EdgeKind kind :
         {v1::EDGE_KIND_INPUT_TO, v1::EDGE_KIND_SUBCLASS_OF}) {
      for (const Adjacent& next : view_.Out(kind, p)) {
        if (visit_stamp_[next.other.value()] == stamp_) continue;
        visit_stamp_[next.other.value()] = stamp_;
        queue.push_back(next.other);
      }
    }
  }
  return users;
}

absl::Status GapCalculator::FindForeignCriticalSuppliers(
    const GapReport& report) {
  if (report.local_leaders.empty()) return absl::OkStatus();
  std::optional<SupplyNetwork> built;
  const SupplyNetwork* network = options_.supply_network;
  if (network == nullptr) {
    CHAINKG_ASSIGN_OR_RETURN(
        built, SupplyNetwork::Build(view_, options_.supply, options_.limits));
    network = &*built;
  }
  for (ViewIndex leader : report.local_leaders) {
    CHAINKG_ASSIGN_OR_RETURN(
        std::vector<CriticalSuppliersResult> lines,
        network->CriticalSuppliersOfFirm(leader, options_.limits));
    for (const CriticalSuppliersResult& line : lines) {
      for (ViewIndex firm : line.critical_firms) {
        if (PlaceOf(firm) == Place::kForeign) {
          foreign_critical_.try_emplace(firm.value(), leader);
        }
      }
    }
  }
  return absl::OkStatus();
}

GapCandidate GapCalculator::Candidate(const Producer& producer,
                                      int local_buyers) const {
  GapCandidate candidate;
  candidate.firm = producer.firm;
  candidate.best_credential = BestCredential(producer.firm);
  candidate.maturity = producer.maturity;
  candidate.domestic = PlaceOf(producer.firm) == Place::kDomestic;
  for (const Adjacent& made :
       view_.Out(v1::EDGE_KIND_PRODUCES, producer.firm)) {
    if (in_chain_[made.other.value()]) ++candidate.chain_products;
  }
  candidate.local_buyers = local_buyers;
  return candidate;
}

void GapCalculator::Explain(GapCandidate& candidate, bool makes) const {
  std::vector<std::string> reasons;
  if (candidate.best_credential.kind != v1::CREDENTIAL_KIND_UNSPECIFIED) {
    reasons.push_back(
        absl::StrCat(LevelLabel(candidate.best_credential.level),
                     CredentialLabel(candidate.best_credential.kind)));
  }
  if (!MaturityLabel(candidate.maturity).empty()) {
    reasons.emplace_back(MaturityLabel(candidate.maturity));
  }
  if (!makes) reasons.emplace_back("known from an observed supply");
  if (candidate.chain_products > 1) {
    reasons.push_back(absl::StrCat("makes ", candidate.chain_products,
                                   " products of this chain"));
  }
  if (candidate.local_buyers > 0) {
    reasons.push_back(absl::StrCat("already supplies ", candidate.local_buyers,
                                   " firm(s) in ", region_label_));
  }
  const std::string& region = view_.region(candidate.firm);
  reasons.push_back(
      candidate.domestic
          ? absl::StrCat("in ", region.empty() ? "CN" : region)
          : absl::StrCat("abroad (", view_.country(candidate.firm), ")"));
  candidate.reason = absl::StrJoin(reasons, "; ");
}

absl::Status GapCalculator::Classify(GapRow& row,
                                     absl::Span<const ViewIndex> variants,
                                     const std::vector<Producer>& producers) {
  std::vector<const Producer*> local;
  std::vector<const Producer*> outside;
  for (const Producer& producer : producers) {
    switch (PlaceOf(producer.firm)) {
      case Place::kLocal:
        ++row.local_producers;
        local.push_back(&producer);
        if (BestCredential(producer.firm).kind !=
            v1::CREDENTIAL_KIND_UNSPECIFIED) {
          ++row.local_credentialed;
        }
        break;
      case Place::kDomestic:
        ++row.domestic_producers;
        outside.push_back(&producer);
        break;
      case Place::kForeign:
        ++row.foreign_producers;
        row.foreign_countries.push_back(view_.country(producer.firm));
        outside.push_back(&producer);
        break;
      case Place::kUnknown:
        ++row.unknown_country_producers;
        outside.push_back(&producer);
        break;
    }
    auto critical = foreign_critical_.find(producer.firm.value());
    if (critical != foreign_critical_.end()) {
      row.foreign_critical.push_back({producer.firm, critical->second});
    }
  }
  std::sort(row.foreign_countries.begin(), row.foreign_countries.end());
  row.foreign_countries.erase(
      std::unique(row.foreign_countries.begin(), row.foreign_countries.end()),
      row.foreign_countries.end());
  CHAINKG_ASSIGN_OR_RETURN(row.local_users, LocalUsers(row.product));

  // Observed supplies to local buyers: shares when every such edge gives
  // one, else each edge counts once.
  struct Flow {
    ViewIndex supplier;
    double weight;
  };
  std::vector<Flow> flows;
  bool all_shares = true;
  // Observed supplies to local buyers per supplier (edges), for the
  // candidates' "already supplies" figure.
  absl::flat_hash_map<uint32_t, int> local_buyers;
  for (ViewIndex variant : variants) {
    for (const SupplyFact& supply : view_.SuppliesOf(variant)) {
      if (!IsLocal(supply.buyer)) continue;
      flows.push_back({supply.supplier, supply.share});
      ++local_buyers[supply.supplier.value()];
      all_shares = all_shares && supply.share > 0;
    }
  }
  if (!flows.empty()) {
    double total = 0;
    double outside_total = 0;
    absl::flat_hash_map<uint32_t, double> by_supplier;
    for (Flow& flow : flows) {
      if (!all_shares) flow.weight = 1;
      total += flow.weight;
      if (!IsLocal(flow.supplier)) outside_total += flow.weight;
      by_supplier[flow.supplier.value()] += flow.weight;
    }
    double hhi = 0;
    for (const auto& [supplier, weight] : by_supplier) {
      hhi += (weight / total) * (weight / total);
    }
    row.outside_share = outside_total / total;
    row.hhi = hhi;
  }

  const int64_t domestic = row.local_producers + row.domestic_producers;
  const int64_t total_producers = static_cast<int64_t>(producers.size());
  // CHOKEPOINT
  if (domestic == 0 && row.foreign_producers > 0) {
    row.classes.push_back(GapClass::kChokepoint);
    row.evidence.push_back(absl::StrCat(
        "no producer in ", options_.home_country, "; ", row.foreign_producers,
        " abroad (", absl::StrJoin(row.foreign_countries, ", "), ")",
        row.unknown_country_producers > 0
            ? absl::StrCat(", ", row.unknown_country_producers,
                           " of unknown country")
            : ""));
  }
  if (!row.foreign_critical.empty()) {
    if (row.classes.empty()) row.classes.push_back(GapClass::kChokepoint);
    const ForeignCriticalSupplier& first = row.foreign_critical.front();
    row.evidence.push_back(absl::StrCat(
        "foreign maker ", view_.name(first.firm), " (",
        view_.country(first.firm),
        ") is a critical supplier of local chain "
        "leader ",
        view_.name(first.leader),
        row.foreign_critical.size() > 1
            ? absl::StrCat(" (and ", row.foreign_critical.size() - 1,
                           " more such pair(s))")
            : ""));
  }
  // MISSING
  if (row.local_producers == 0) {
    row.classes.push_back(GapClass::kMissing);
    row.evidence.push_back(
        total_producers == 0
            ? std::string("no producer recorded anywhere")
            : absl::StrCat("no producer in ", region_label_, "; ",
                           row.domestic_producers, " elsewhere in ",
                           options_.home_country, ", ", row.foreign_producers,
                           " abroad; needed by ", row.local_users,
                           " local firm(s) downstream"));
  }
  // BREAK_RISK
  bool break_risk = false;
  if (row.outside_share.has_value() &&
      *row.outside_share >= options_.outside_share_threshold) {
    break_risk = true;
    row.evidence.push_back(
        absl::StrCat(Percent(*row.outside_share),
                     " of observed supply to local buyers comes from outside ",
                     region_label_, " (threshold ",
                     Percent(options_.outside_share_threshold), ")"));
  }
  if (!outside.empty() && row.domestic_producers == 0 &&
      row.unknown_country_producers == 0 && row.foreign_countries.size() == 1) {
    break_risk = true;
    row.evidence.push_back(absl::StrCat("every producer outside ",
                                        region_label_, " is in ",
                                        row.foreign_countries.front()));
  }
  if (break_risk) row.classes.push_back(GapClass::kBreakRisk);
  // WEAK
  if (row.local_producers >= 1) {
    std::vector<std::string> weak;
    if (row.local_producers == 1) {
      weak.push_back(absl::StrCat("only one local producer (",
                                  view_.name(local.front()->firm), ")"));
    }
    if (row.local_credentialed == 0) {
      weak.emplace_back("no local producer holds a credential in force");
    }
    if (row.hhi.has_value() && *row.hhi >= options_.hhi_threshold) {
      weak.push_back(absl::StrCat(
          "supply to local buyers is concentrated: HHI ",
          static_cast<int>(*row.hhi * 10000 + 0.5),
          " >= ", static_cast<int>(options_.hhi_threshold * 10000 + 0.5)));
    }
    if (!weak.empty()) {
      row.classes.push_back(GapClass::kWeak);
      for (std::string& text : weak) row.evidence.push_back(std::move(text));
    }
  }
  row.gap_class =
      row.classes.empty() ? GapClass::kCovered : row.classes.front();
  if (row.classes.empty()) {
    row.evidence.push_back(
        absl::StrCat(row.local_producers, " local producers, ",
                     row.local_credentialed, " with a credential"));
  }

  // Local producers, credentialed first; candidates outside, best first.
  std::vector<std::pair<int, ViewIndex>> ranked_local;
  for (const Producer* producer : local) {
    ranked_local.emplace_back(-CredentialRank(BestCredential(producer->firm)),
                              producer->firm);
  }
  std::sort(ranked_local.begin(), ranked_local.end());
  for (size_t i = 0; i < ranked_local.size() && i < kMaxLocalProducersListed;
       ++i) {
    row.local_producer_list.push_back(ranked_local[i].second);
  }
  std::vector<GapCandidate> candidates;
  candidates.reserve(outside.size());
  absl::flat_hash_map<uint32_t, bool> makes;
  for (const Producer* producer : outside) {
    auto found = local_buyers.find(producer->firm.value());
    candidates.push_back(
        Candidate(*producer, found == local_buyers.end() ? 0 : found->second));
    makes[producer->firm.value()] = producer->makes;
  }
  auto better = [this](const GapCandidate& a, const GapCandidate& b) {
    int rank_a = CredentialRank(a.best_credential);
    int rank_b = CredentialRank(b.best_credential);
    if (rank_a != rank_b) return rank_a > rank_b;
    if (a.maturity != b.maturity) return a.maturity > b.maturity;
    if (a.local_buyers != b.local_buyers)
      return a.local_buyers > b.local_buyers;
    if (a.chain_products != b.chain_products) {
      return a.chain_products > b.chain_products;
    }
    if (a.domestic != b.domestic) return a.domestic;
    return view_.key(a.firm) < view_.key(b.firm);
  };
  size_t keep =
      std::min(candidates.size(), static_cast<size_t>(options_.max_candidates));
  std::partial_sort(candidates.begin(), candidates.begin() + keep,
                    candidates.end(), better);
  candidates.resize(keep);
  for (GapCandidate& candidate : candidates) {
    Explain(candidate, makes[candidate.firm.value()]);
  }
  row.candidates = std::move(candidates);

  for (const Adjacent& support :
       view_.In(v1::EDGE_KIND_SUPPORTS, row.product)) {
    row.working_on.push_back(support.other);
  }
  for (const Adjacent& project : view_.In(v1::EDGE_KIND_TARGETS, row.product)) {
    row.working_on.push_back(project.other);
  }
  return absl::OkStatus();
}

absl::StatusOr<GapReport> GapCalculator::Run() {
  GapReport report;
  report.chain = chain_;
  report.class_counts.assign(static_cast<int>(GapClass::kCovered) + 1, 0);
  report.local_leaders = LocalLeaders(view_, chain_, options_);
  // The rows: a chain's IN_CHAIN products, or a product and its inputs
  // (INPUT_TO, upstream) to options.upstream_depth levels.
  struct Member {
    ViewIndex product;
    int stage;
    std::string segment;
  };
  std::vector<Member> members;
  if (view_.kind(chain_) == v1::VERTEX_KIND_CHAIN) {
    for (const Adjacent& member : view_.In(v1::EDGE_KIND_IN_CHAIN, chain_)) {
      members.push_back({member.other, static_cast<int>(member.attribute & 3),
                         view_.segment(member.attribute)});
    }
  } else {
    members.push_back({chain_, 0, "level 0"});
    in_chain_[chain_.value()] = true;
    for (size_t begin = 0, level = 1;
         level <= static_cast<size_t>(options_.upstream_depth); ++level) {
      size_t end = members.size();
      for (size_t i = begin; i < end; ++i) {
        for (const Adjacent& input :
             view_.In(v1::EDGE_KIND_INPUT_TO, members[i].product)) {
          if (in_chain_[input.other.value()]) continue;
          in_chain_[input.other.value()] = true;
          members.push_back({input.other, 0, absl::StrCat("level ", level)});
        }
      }
      begin = end;
    }
  }
  for (const Member& member : members) in_chain_[member.product.value()] = true;
  CHAINKG_RETURN_IF_ERROR(FindForeignCriticalSuppliers(report));

  for (const Member& member : members) {
    if (absl::Now() > options_.limits.deadline) {
      return absl::DeadlineExceededError("gaps: deadline exceeded");
    }
    GapRow row;
    row.product = member.product;
    row.stage = member.stage;
    row.segment = member.segment;
    std::vector<ViewIndex> variants = VariantsOf(row.product);
    std::vector<Producer> producers = ProducersOf(variants);
    CHAINKG_RETURN_IF_ERROR(Classify(row, variants, producers));
    ++report.class_counts[static_cast<int>(row.gap_class)];
    for (const Adjacent& next :
         view_.Out(v1::EDGE_KIND_INPUT_TO, member.product)) {
      if (in_chain_[next.other.value()]) {
        report.links.push_back(
            {member.product, next.other, next.attribute != 0});
      }
    }
    report.rows.push_back(std::move(row));
  }
  std::sort(report.rows.begin(), report.rows.end(),
            [this](const GapRow& a, const GapRow& b) {
              if (a.gap_class != b.gap_class) return a.gap_class < b.gap_class;
              if (a.working_on.empty() != b.working_on.empty()) {
                return a.working_on.empty();
              }
              if (a.local_users != b.local_users) {
                return a.local_users > b.local_users;
              }
              if (a.stage != b.stage) return a.stage < b.stage;
              return view_.key(a.product) < view_.key(b.product);
            });
  return report;
}

}  // namespace

absl::StatusOr<GapReport> Gaps(const View& view, ViewIndex chain,
                               const GapOptions& options) {
  if (chain.value() >= view.vertex_count() ||
      (view.kind(chain) != v1::VERTEX_KIND_CHAIN &&
       view.kind(chain) != v1::VERTEX_KIND_PRODUCT)) {
    return absl::InvalidArgumentError(
        "gaps: the target is neither a chain nor a product");
  }
  if (options.upstream_depth < 0 || options.upstream_depth > 20) {
    return absl::InvalidArgumentError("upstream_depth: must be within 0..20");
  }
  if (options.hhi_threshold < 0 || options.hhi_threshold > 1) {
    return absl::InvalidArgumentError("hhi_threshold: must be within 0..1");
  }
  if (options.outside_share_threshold < 0 ||
      options.outside_share_threshold > 1) {
    return absl::InvalidArgumentError(
        "outside_share_threshold: must be within 0..1");
  }
  if (options.max_candidates < 0) {
    return absl::InvalidArgumentError("max_candidates: must not be negative");
  }
  GapCalculator calculator(view, chain, options);
  return calculator.Run();
}

std::vector<ViewIndex> LocalLeaders(const View& view, ViewIndex chain,
                                    const GapOptions& options) {
  std::vector<ViewIndex> leaders;
  for (const Adjacent& leader : view.In(v1::EDGE_KIND_LEADS, chain)) {
    ViewIndex firm = leader.other;
    if (view.kind(firm) == v1::VERTEX_KIND_FIRM &&
        view.country(firm) == options.home_country &&
        absl::StartsWith(view.region(firm), options.region_prefix)) {
      leaders.push_back(firm);
    }
  }
  std::sort(leaders.begin(), leaders.end(), [&view](ViewIndex a, ViewIndex b) {
    return view.key(a) < view.key(b);
  });
  leaders.erase(std::unique(leaders.begin(), leaders.end()), leaders.end());
  return leaders;
}

absl::string_view GapClassName(GapClass gap_class) {
  switch (gap_class) {
    case GapClass::kChokepoint:
      return "CHOKEPOINT";
    case GapClass::kMissing:
      return "MISSING";
    case GapClass::kBreakRisk:
      return "BREAK_RISK";
    case GapClass::kWeak:
      return "WEAK";
    case GapClass::kCovered:
      return "COVERED";
  }
  return "";
}

absl::string_view GapClassChineseName(GapClass gap_class) {
  switch (gap_class) {
    case GapClass::kChokepoint:
      return "卡脖子";
    case GapClass::kMissing:
      return "缺链";
    case GapClass::kBreakRisk:
      return "断链风险";
    case GapClass::kWeak:
      return "短板";
    case GapClass::kCovered:
      return "已覆盖";
  }
  return "";
}

}  // namespace chainkg::graph
