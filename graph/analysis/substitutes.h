// Substitutes: for a firm and one of its inputs, the other firms that make
// the input, nearest first (same city, same province, same country,
// abroad), then by credential, maturity and proven supply, with reasons.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

#include "graph/analysis/language.h"
#include "graph/view/view.h"

namespace chainkg::graph {

// Where a substitute is, seen from the firm: same city (first four digits
// of the GB/T 2260 code), same province (first two), elsewhere in the same
// country, abroad, or of unknown country ("ZZ").
enum class Proximity {
  kSameCity,
  kSameProvince,
  kSameCountry,
  kAbroad,
  kUnknown
};

struct SubstituteOptions {
  DateNumber as_of = 0;  // credentials in force then (0: not revoked)
  int max_results = 20;
  Language language = Language::kChinese;  // of the reasons
};

struct Substitute {
  ViewIndex firm;
  Proximity proximity = Proximity::kUnknown;
  CredentialFact best_credential;
  int maturity = 0;  // highest PRODUCES maturity (0: only observed supply)
  // Distinct firms it is observed supplying the product to.
  int customers = 0;
  std::string reason;
};

struct SubstitutesResult {
  // The firm makes the product itself, uses it (an input of a product it
  // makes, or observed bought), and whom it buys it from now.
  bool makes_it = false;
  bool uses_it = false;
  std::vector<ViewIndex> current_suppliers;
  // Makers of the product or a SUBCLASS_OF variant, or observed suppliers
  // of it, other than the firm and its current suppliers: all of them
  // counted, the best max_results listed, best first.
  int64_t total = 0;
  std::vector<Substitute> substitutes;
};

// INVALID_ARGUMENT when firm is not a firm or product not a product.
absl::StatusOr<SubstitutesResult> Substitutes(const View& view, ViewIndex firm,
                                              ViewIndex product,
                                              const SubstituteOptions& options);

}  // namespace chainkg::graph
