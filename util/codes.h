// Validation of the identifier and code formats chainkg records carry: the
// USCC 统一社会信用代码 (GB 32100-2015), GB/T 2260 region codes, ISO 3166
// alpha-2 countries, GB/T 4754 industry codes and ISO 8601 dates. Generic;
// no project types.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace chainkg {

// Checks the shape of a USCC: 18 characters from the GB 32100-2015 alphabet
// (digits and upper-case letters except I, O, S, V, Z), characters 3-8 a
// six-digit region code. INVALID_ARGUMENT names what is wrong. The check
// digit is not checked here: see UsccCheckDigitOk.
absl::Status ValidateUsccShape(absl::string_view code);

// Returns true if the 18th character of a well-shaped USCC equals the check
// character computed from the first 17 (weights 3^i mod 31). Requires:
// ValidateUsccShape(code).ok().
bool UsccCheckDigitOk(absl::string_view code);

// Returns the check character for the first 17 characters of a USCC.
// Requires: a well-shaped code (at least its first 17 characters).
char UsccCheckCharacter(absl::string_view first17);

// A GB/T 2260 region code: exactly six digits, province part not "00".
absl::Status ValidateRegionCode(absl::string_view code);

// A region prefix for searches: 2 to 6 digits.
absl::Status ValidateRegionPrefix(absl::string_view prefix);

// An ISO 3166-1 alpha-2 code: two upper-case ASCII letters.
absl::Status ValidateCountryCode(absl::string_view code);

// A GB/T 4754 industry code: an optional section letter A-T followed by 2 to
// 4 digits ("C", "C35", "3562", "C3562"); a lone section letter is allowed.
absl::Status ValidateIndustryCode(absl::string_view code);

// An ISO 8601 calendar date "YYYY-MM-DD" that exists (leap years honoured).
absl::Status ValidateDate(absl::string_view date);

}  // namespace chainkg
