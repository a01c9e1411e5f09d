#include "graph/analysis/substitutes.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

#include "graph/analysis/firm_rank.h"

namespace chainkg::graph {
namespace {

Proximity ProximityOf(const View& view, ViewIndex from, ViewIndex to) {
  const absl::string_view country = view.country(to);
  if (country.empty() || country == "ZZ") return Proximity::kUnknown;
  if (country != view.country(from)) return Proximity::kAbroad;
  const absl::string_view a = view.region(from);
  const absl::string_view b = view.region(to);
  if (a.size() >= 4 && b.size() >= 4 && a.substr(0, 4) == b.substr(0, 4)) {
    return Proximity::kSameCity;
  }
  if (a.size() >= 2 && b.size() >= 2 && a.substr(0, 2) == b.substr(0, 2)) {
    return Proximity::kSameProvince;
  }
  return Proximity::kSameCountry;
}

absl::string_view ProximityLabel(Proximity proximity, Language language) {
  const bool zh = language == Language::kChinese;
  switch (proximity) {
    case Proximity::kSameCity:
      return zh ? "同城" : "same city 同城";
    case Proximity::kSameProvince:
      return zh ? "同省" : "same province 同省";
    case Proximity::kSameCountry:
      return zh ? "国内" : "same country 国内";
    case Proximity::kAbroad:
      return zh ? "境外" : "abroad 境外";
    case Proximity::kUnknown:
      return zh ? "国别不明" : "country unknown";
  }
  return "";
}

}  // namespace

absl::StatusOr<SubstitutesResult> Substitutes(
    const View& view, ViewIndex firm, ViewIndex product,
    const SubstituteOptions& options) {
  if (firm.value() >= view.vertex_count() ||
      view.kind(firm) != v1::VERTEX_KIND_FIRM) {
    return absl::InvalidArgumentError("substitutes: firm is not a firm");
  }
  if (product.value() >= view.vertex_count() ||
      view.kind(product) != v1::VERTEX_KIND_PRODUCT) {
    return absl::InvalidArgumentError("substitutes: product is not a product");
  }
  if (options.max_results < 0) {
    return absl::InvalidArgumentError("max_results: must not be negative");
  }
  // The product and its variants (SUBCLASS_OF descendants).
  std::vector<ViewIndex> variants = {product};
  absl::flat_hash_set<uint32_t> is_variant = {product.value()};
  for (size_t i = 0; i < variants.size(); ++i) {
    for (const Adjacent& child :
         view.In(v1::EDGE_KIND_SUBCLASS_OF, variants[i])) {
      if (is_variant.insert(child.other.value()).second) {
        variants.push_back(child.other);
      }
    }
  }
  SubstitutesResult result;
  for (const Adjacent& made : view.Out(v1::EDGE_KIND_PRODUCES, firm)) {
    if (is_variant.contains(made.other.value())) result.makes_it = true;
    for (const Adjacent& input : view.In(v1::EDGE_KIND_INPUT_TO, made.other)) {
      if (input.other == product) result.uses_it = true;
    }
  }
  // Observed supplies of the product: current suppliers of the firm, and
  // each supplier's distinct customers.
  absl::flat_hash_set<uint32_t> current;
  absl::flat_hash_map<uint32_t, absl::flat_hash_set<uint32_t>> customers;
  for (ViewIndex variant : variants) {
    for (const SupplyFact& supply : view.SuppliesOf(variant)) {
      customers[supply.supplier.value()].insert(supply.buyer.value());
      if (supply.buyer == firm && supply.supplier != firm &&
          current.insert(supply.supplier.value()).second) {
        result.current_suppliers.push_back(supply.supplier);
        result.uses_it = true;
      }
    }
  }
  absl::flat_hash_map<uint32_t, int> maturity;  // candidate -> best
  for (ViewIndex variant : variants) {
    for (const Adjacent& made : view.In(v1::EDGE_KIND_PRODUCES, variant)) {
      int& best = maturity[made.other.value()];
      best = std::max(best, static_cast<int>(made.attribute));
    }
  }
  for (const auto& [supplier, buyers] : customers)
    maturity.try_emplace(supplier, 0);

  std::vector<Substitute> all;
  for (const auto& [candidate, best_maturity] : maturity) {
    if (candidate == firm.value() || current.contains(candidate)) continue;
    Substitute s;
    s.firm = ViewIndex(candidate);
    s.proximity = ProximityOf(view, firm, s.firm);
    s.best_credential = BestCredential(view, s.firm, options.as_of);
    s.maturity = best_maturity;
    auto it = customers.find(candidate);
    s.customers =
        it == customers.end() ? 0 : static_cast<int>(it->second.size());
    all.push_back(s);
  }
  result.total = static_cast<int64_t>(all.size());
  auto better = [&view](const Substitute& a, const Substitute& b) {
    if (a.proximity != b.proximity) return a.proximity < b.proximity;
    int rank_a = CredentialRank(a.best_credential);
    int rank_b = CredentialRank(b.best_credential);
    if (rank_a != rank_b) return rank_a > rank_b;
    if (a.maturity != b.maturity) return a.maturity > b.maturity;
    if (a.customers != b.customers) return a.customers > b.customers;
    return view.key(a.firm) < view.key(b.firm);
  };
  size_t keep = std::min(all.size(), static_cast<size_t>(options.max_results));
  std::partial_sort(all.begin(), all.begin() + keep, all.end(), better);
  all.resize(keep);
  const Language language = options.language;
  const bool zh = language == Language::kChinese;
  for (Substitute& s : all) {
    std::vector<std::string> reasons = {
        std::string(ProximityLabel(s.proximity, language))};
    if (std::string credential = CredentialText(s.best_credential, language);
        !credential.empty()) {
      reasons.push_back(std::move(credential));
    }
    if (!MaturityLabel(s.maturity, language).empty()) {
      reasons.emplace_back(MaturityLabel(s.maturity, language));
    }
    if (s.customers > 0) {
      reasons.push_back(
          zh ? absl::StrCat("已观测向 ", s.customers, " 家企业供货")
             : absl::StrCat("observed supplying ", s.customers, " firm(s)"));
    }
    if (s.maturity == 0) {
      reasons.emplace_back(zh ? "仅据已观测的供货关系"
                              : "known from observed supply only");
    }
    s.reason = absl::StrJoin(reasons, zh ? "；" : "; ");
  }
  result.substitutes = std::move(all);
  return result;
}

}  // namespace chainkg::graph
