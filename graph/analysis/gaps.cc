#include "graph/analysis/gaps.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

#include "graph/analysis/firm_rank.h"
#include "graph/analysis/stats.h"
#include "util/region_names.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace {

constexpr absl::string_view kUnknownCountry = "ZZ";
constexpr size_t kMaxLocalProducersListed = 20;

enum class Place { kLocal, kDomestic, kForeign, kUnknown };

Place PlaceIn(const View& view, ViewIndex firm, const GapOptions& options) {
  const absl::string_view country = view.country(firm);
  if (country == kUnknownCountry || country.empty()) return Place::kUnknown;
  if (country != options.home_country) return Place::kForeign;
  if (options.region_prefix.empty() ||
      absl::StartsWith(view.region(firm), options.region_prefix)) {
    return Place::kLocal;
  }
  return Place::kDomestic;
}

std::string Percent(double share) {
  return absl::StrCat(static_cast<int>(share * 100 + 0.5), "%");
}

// Per-report state: the place of every firm met, scratch stamps.
// "广东省 东莞市" for region 4419 (the prefix itself when the table does not
// know it), the home country for no region.
std::string RegionLabel(const GapOptions& options) {
  if (options.region_prefix.empty()) return options.home_country;
  std::string name = RegionName(options.region_prefix);
  return name.empty() ? options.region_prefix : name;
}

class GapCalculator {
 public:
  GapCalculator(const View& view, ViewIndex chain, const GapOptions& options)
      : view_(view),
        chain_(chain),
        options_(options),
        zh_(options.language == Language::kChinese),
        region_label_(RegionLabel(options)),
        in_chain_(view.vertex_count(), false),
        producer_slot_(view.vertex_count(), -1),
        visit_stamp_(view.vertex_count(), 0),
        chain_products_(view.vertex_count(), -1) {
    if (options.firm_facts != nullptr &&
        options.firm_facts->Fits(view, options)) {
      places_ = options.firm_facts->places().data();
      ranks_ = options.firm_facts->ranks().data();
    } else {
      place_.assign(view.vertex_count(), -1);
      rank_.assign(view.vertex_count(), -1);
    }
  }

  absl::StatusOr<GapReport> Run();

 private:
  struct Producer {
    ViewIndex firm;
    int maturity = 0;
    bool makes = false;  // a PRODUCES edge (not only an observed supply)
  };

  Place PlaceOf(ViewIndex firm) const {
    if (places_ != nullptr) return static_cast<Place>(places_[firm.value()]);
    int8_t& cached = place_[firm.value()];
    if (cached < 0) {
      cached = static_cast<int8_t>(PlaceIn(view_, firm, options_));
    }
    return static_cast<Place>(cached);
  }
  bool IsLocal(ViewIndex firm) const { return PlaceOf(firm) == Place::kLocal; }

  CredentialFact BestCredential(ViewIndex firm) const {
    return graph::BestCredential(view_, firm, options_.as_of);
  }
  // CredentialRank(BestCredential(firm)), once per firm and report: a firm
  // is met once per product it makes. 0: no credential in force.
  int Rank(ViewIndex firm) const {
    if (ranks_ != nullptr) return ranks_[firm.value()];
    int8_t& cached = rank_[firm.value()];
    if (cached < 0) {
      cached = static_cast<int8_t>(CredentialRank(BestCredential(firm)));
    }
    return cached;
  }
  // Products of the report the firm makes, once per firm and report.
  int ChainProducts(ViewIndex firm) const {
    int32_t& cached = chain_products_[firm.value()];
    if (cached < 0) {
      cached = 0;
      for (const Adjacent& made : view_.Out(v1::EDGE_KIND_PRODUCES, firm)) {
        if (in_chain_[made.other.value()]) ++cached;
      }
    }
    return cached;
  }

  std::vector<ViewIndex> VariantsOf(ViewIndex product) const;
  std::vector<Producer> ProducersOf(absl::Span<const ViewIndex> variants);
  absl::StatusOr<int64_t> LocalUsers(ViewIndex product);
  absl::Status FindForeignCriticalSuppliers(const GapReport& report);
  // Explain adds a kept candidate's reason.
  void Explain(GapCandidate& candidate, bool makes) const;
  absl::Status Classify(GapRow& row, absl::Span<const ViewIndex> variants,
                        const std::vector<Producer>& producers);

  const View& view_;
  ViewIndex chain_;
  const GapOptions& options_;
  // Chinese sentences (else English).
  bool zh_;
  std::string region_label_;
  std::vector<bool> in_chain_;
  std::vector<int32_t> producer_slot_;
  std::vector<uint32_t> visit_stamp_;
  uint32_t stamp_ = 0;
  // Places and ranks of every firm, from options.firm_facts; null: found
  // per firm into place_ and rank_.
  const int8_t* places_ = nullptr;
  const int8_t* ranks_ = nullptr;
  // Place, Rank and ChainProducts of each firm met (-1: not yet computed);
  // caches, hence mutable.
  mutable std::vector<int8_t> place_;
  mutable std::vector<int8_t> rank_;
  mutable std::vector<int32_t> chain_products_;
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
  if (network == nullptr && !options_.leader_critical_suppliers) {
    CHAINKG_ASSIGN_OR_RETURN(
        built, SupplyNetwork::Build(view_, options_.supply, options_.limits));
    network = &*built;
  }
  for (ViewIndex leader : report.local_leaders) {
    std::shared_ptr<const std::vector<CriticalSuppliersResult>> lines;
    if (options_.leader_critical_suppliers) {
      CHAINKG_ASSIGN_OR_RETURN(lines,
                               options_.leader_critical_suppliers(leader));
    } else {
      CHAINKG_ASSIGN_OR_RETURN(
          std::vector<CriticalSuppliersResult> computed,
          network->CriticalSuppliersOfFirm(leader, options_.limits));
      lines = std::make_shared<const std::vector<CriticalSuppliersResult>>(
          std::move(computed));
    }
    for (const CriticalSuppliersResult& line : *lines) {
      for (ViewIndex firm : line.critical_firms) {
        if (PlaceOf(firm) == Place::kForeign) {
          foreign_critical_.try_emplace(firm.value(), leader);
        }
      }
    }
  }
  return absl::OkStatus();
}

void GapCalculator::Explain(GapCandidate& candidate, bool makes) const {
  const Language language = options_.language;
  std::vector<std::string> reasons;
  if (std::string credential =
          CredentialText(candidate.best_credential, language);
      !credential.empty()) {
    reasons.push_back(std::move(credential));
  }
  if (!MaturityLabel(candidate.maturity, language).empty()) {
    reasons.emplace_back(MaturityLabel(candidate.maturity, language));
  }
  if (!makes) {
    reasons.emplace_back(zh_ ? "据已观测的供货关系"
                             : "known from an observed supply");
  }
  if (candidate.chain_products > 1) {
    reasons.push_back(
        zh_ ? absl::StrCat("生产本链 ", candidate.chain_products, " 种产品")
            : absl::StrCat("makes ", candidate.chain_products,
                           " products of this chain"));
  }
  if (candidate.local_buyers > 0) {
    reasons.push_back(zh_ ? absl::StrCat("已向", region_label_, " ",
                                         candidate.local_buyers, " 家企业供货")
                          : absl::StrCat("already supplies ",
                                         candidate.local_buyers, " firm(s) in ",
                                         region_label_));
  }
  const absl::string_view region = view_.region(candidate.firm);
  const std::string place = region.empty()
                                ? std::string(options_.home_country)
                                : absl::StrCat(RegionName(region), " ", region);
  reasons.push_back(candidate.domestic
                        ? absl::StrCat(zh_ ? "位于 " : "in ", place)
                        : absl::StrCat(zh_ ? "境外（" : "abroad (",
                                       view_.country(candidate.firm),
                                       zh_ ? "）" : ")"));
  candidate.reason = absl::StrJoin(reasons, zh_ ? "；" : "; ");
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
        if (Rank(producer.firm) > 0) ++row.local_credentialed;
        break;
      case Place::kDomestic:
        ++row.domestic_producers;
        outside.push_back(&producer);
        break;
      case Place::kForeign:
        ++row.foreign_producers;
        row.foreign_countries.emplace_back(view_.country(producer.firm));
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
    // Weights per supplier in order of first flow, so that the sum below
    // is taken in the same order on every run (a hash map's order varies
    // between processes, and with it the last digits of the HHI).
    absl::flat_hash_map<uint32_t, size_t> slot_of;
    std::vector<double> by_supplier;
    for (Flow& flow : flows) {
      if (!all_shares) flow.weight = 1;
      total += flow.weight;
      if (!IsLocal(flow.supplier)) outside_total += flow.weight;
      auto [slot, added] =
          slot_of.try_emplace(flow.supplier.value(), by_supplier.size());
      if (added) by_supplier.push_back(0);
      by_supplier[slot->second] += flow.weight;
    }
    double hhi = 0;
    for (double weight : by_supplier) {
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
    row.evidence.push_back(
        zh_ ? absl::StrCat(
                  "国内（", options_.home_country, "）无生产企业；境外 ",
                  row.foreign_producers, " 家（",
                  absl::StrJoin(row.foreign_countries, "、"), "）",
                  row.unknown_country_producers > 0
                      ? absl::StrCat("，另有 ", row.unknown_country_producers,
                                     " 家国别不明")
                      : "")
            : absl::StrCat(
                  "no producer in ", options_.home_country, "; ",
                  row.foreign_producers, " abroad (",
                  absl::StrJoin(row.foreign_countries, ", "), ")",
                  row.unknown_country_producers > 0
                      ? absl::StrCat(", ", row.unknown_country_producers,
                                     " of unknown country")
                      : ""));
  }
  if (!row.foreign_critical.empty()) {
    if (row.classes.empty()) row.classes.push_back(GapClass::kChokepoint);
    const ForeignCriticalSupplier& first = row.foreign_critical.front();
    const size_t more = row.foreign_critical.size() - 1;
    row.evidence.push_back(
        zh_ ? absl::StrCat(
                  "境外企业", view_.name(first.firm), "（",
                  view_.country(first.firm), "）是本地链主",
                  view_.name(first.leader), "的关键供应商",
                  more > 0 ? absl::StrCat("（另有 ", more, " 对）") : "")
            : absl::StrCat(
                  "foreign maker ", view_.name(first.firm), " (",
                  view_.country(first.firm),
                  ") is a critical supplier of local chain leader ",
                  view_.name(first.leader),
                  more > 0 ? absl::StrCat(" (and ", more, " more such pair(s))")
                           : ""));
  }
  // MISSING
  if (row.local_producers == 0) {
    row.classes.push_back(GapClass::kMissing);
    if (total_producers == 0) {
      row.evidence.emplace_back(zh_ ? "尚无任何生产企业的记录"
                                    : "no producer recorded anywhere");
    } else {
      row.evidence.push_back(
          zh_ ? absl::StrCat(region_label_, "无生产企业；国内其他地区 ",
                             row.domestic_producers, " 家，境外 ",
                             row.foreign_producers, " 家；本地下游 ",
                             row.local_users, " 家企业需要")
              : absl::StrCat("no producer in ", region_label_, "; ",
                             row.domestic_producers, " elsewhere in ",
                             options_.home_country, ", ", row.foreign_producers,
                             " abroad; needed by ", row.local_users,
                             " local firm(s) downstream"));
    }
  }
  // BREAK_RISK
  bool break_risk = false;
  if (row.outside_share.has_value() &&
      *row.outside_share >= options_.outside_share_threshold) {
    break_risk = true;
    row.evidence.push_back(
        zh_ ? absl::StrCat("本地采购方已观测的供货中 ",
                           Percent(*row.outside_share), " 来自", region_label_,
                           "以外（阈值 ",
                           Percent(options_.outside_share_threshold), "）")
            : absl::StrCat(
                  Percent(*row.outside_share),
                  " of observed supply to local buyers comes from outside ",
                  region_label_, " (threshold ",
                  Percent(options_.outside_share_threshold), ")"));
  }
  if (!outside.empty() && row.domestic_producers == 0 &&
      row.unknown_country_producers == 0 && row.foreign_countries.size() == 1) {
    break_risk = true;
    row.evidence.push_back(
        zh_ ? absl::StrCat(region_label_, "以外的生产企业全部在",
                           row.foreign_countries.front())
            : absl::StrCat("every producer outside ", region_label_, " is in ",
                           row.foreign_countries.front()));
  }
  if (break_risk) row.classes.push_back(GapClass::kBreakRisk);
  // WEAK
  if (row.local_producers >= 1) {
    std::vector<std::string> weak;
    if (row.local_producers == 1) {
      weak.push_back(zh_ ? absl::StrCat("本地仅一家生产企业（",
                                        view_.name(local.front()->firm), "）")
                         : absl::StrCat("only one local producer (",
                                        view_.name(local.front()->firm), ")"));
    }
    if (row.local_credentialed == 0) {
      weak.emplace_back(zh_ ? "本地生产企业均无有效资质"
                            : "no local producer holds a credential in force");
    }
    if (row.hhi.has_value() && *row.hhi >= options_.hhi_threshold) {
      const int hhi = static_cast<int>(*row.hhi * 10000 + 0.5);
      const int threshold =
          static_cast<int>(options_.hhi_threshold * 10000 + 0.5);
      weak.push_back(
          zh_ ? absl::StrCat("本地采购方的供货集中：HHI ", hhi, " ≥ ",
                             threshold)
              : absl::StrCat("supply to local buyers is concentrated: HHI ",
                             hhi, " >= ", threshold));
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
        zh_ ? absl::StrCat("本地生产企业 ", row.local_producers, " 家，其中 ",
                           row.local_credentialed, " 家有资质")
            : absl::StrCat(row.local_producers, " local producers, ",
                           row.local_credentialed, " with a credential"));
  }

  // Local producers, credentialed first; candidates outside, best first.
  std::vector<std::pair<int, ViewIndex>> ranked_local;
  for (const Producer* producer : local) {
    ranked_local.emplace_back(-Rank(producer->firm), producer->firm);
  }
  std::sort(ranked_local.begin(), ranked_local.end());
  for (size_t i = 0; i < ranked_local.size() && i < kMaxLocalProducersListed;
       ++i) {
    row.local_producer_list.push_back(ranked_local[i].second);
  }
  // Candidates are ranked on plain numbers (outside producers can be
  // thousands per row); only the kept ones get a credential and a reason.
  struct Ranked {
    const Producer* producer;
    int rank;
    int local_buyers;
    int chain_products;
    bool domestic;
  };
  std::vector<Ranked> ranked;
  ranked.reserve(outside.size());
  for (const Producer* producer : outside) {
    auto found = local_buyers.find(producer->firm.value());
    ranked.push_back({producer, Rank(producer->firm),
                      found == local_buyers.end() ? 0 : found->second,
                      ChainProducts(producer->firm),
                      PlaceOf(producer->firm) == Place::kDomestic});
  }
  auto better = [this](const Ranked& a, const Ranked& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    if (a.producer->maturity != b.producer->maturity) {
      return a.producer->maturity > b.producer->maturity;
    }
    if (a.local_buyers != b.local_buyers)
      return a.local_buyers > b.local_buyers;
    if (a.chain_products != b.chain_products) {
      return a.chain_products > b.chain_products;
    }
    if (a.domestic != b.domestic) return a.domestic;
    return view_.key(a.producer->firm) < view_.key(b.producer->firm);
  };
  size_t keep =
      std::min(ranked.size(), static_cast<size_t>(options_.max_candidates));
  std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(),
                    better);
  std::vector<GapCandidate> candidates(keep);
  for (size_t i = 0; i < keep; ++i) {
    GapCandidate& candidate = candidates[i];
    candidate.firm = ranked[i].producer->firm;
    candidate.best_credential = BestCredential(candidate.firm);
    candidate.maturity = ranked[i].producer->maturity;
    candidate.chain_products = ranked[i].chain_products;
    candidate.local_buyers = ranked[i].local_buyers;
    candidate.domestic = ranked[i].domestic;
    Explain(candidate, ranked[i].producer->makes);
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
  if (!options.region_prefix.empty()) {
    int64_t local = 0;
    if (options.firm_facts != nullptr &&
        options.firm_facts->Fits(view, options)) {
      local = options.firm_facts->local_firms();
    } else {
      for (uint32_t i = 0; i < view.vertex_count() && local == 0; ++i) {
        ViewIndex v(i);
        local += view.kind(v) == v1::VERTEX_KIND_FIRM &&
                 PlaceIn(view, v, options) == Place::kLocal;
      }
    }
    if (local == 0) return NoFirmInRegion(options.region_prefix);
  }
  GapCalculator calculator(view, chain, options);
  return calculator.Run();
}

GapFirmFacts GapFirmFacts::Build(const View& view, const GapOptions& options) {
  GapFirmFacts facts;
  facts.view_ = &view;
  facts.region_prefix_ = options.region_prefix;
  facts.home_country_ = options.home_country;
  facts.as_of_ = options.as_of;
  facts.places_.resize(view.vertex_count());
  facts.ranks_.resize(view.vertex_count());
  for (uint32_t i = 0; i < view.vertex_count(); ++i) {
    ViewIndex v(i);
    Place place = PlaceIn(view, v, options);
    facts.places_[i] = static_cast<int8_t>(place);
    if (place == Place::kLocal && view.kind(v) == v1::VERTEX_KIND_FIRM) {
      ++facts.local_firms_;
    }
    facts.ranks_[i] = static_cast<int8_t>(
        CredentialRank(BestCredential(view, v, options.as_of)));
  }
  return facts;
}

bool GapFirmFacts::Fits(const View& view, const GapOptions& options) const {
  return view_ == &view && region_prefix_ == options.region_prefix &&
         home_country_ == options.home_country && as_of_ == options.as_of;
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
