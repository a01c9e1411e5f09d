#include "util/codes.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace chainkg {
namespace {

// GB 32100-2015 code alphabet; a character's value is its index.
constexpr absl::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kUsccLength = 18;

int UsccValue(char c) {
  size_t pos = kUsccAlphabet.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateUsccShape(absl::string_view code) {
  if (code.size() != kUsccLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "USCC must have 18 characters, got ", code.size(), ": \"", code, "\""));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (UsccValue(code[i]) < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "USCC character ", i + 1, " '", code.substr(i, 1),
          "' is not in the GB 32100-2015 alphabet: \"", code, "\""));
    }
  }
  if (!AllDigits(code.substr(2, 6))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "USCC characters 3-8 must be a six-digit region code: \"", code, "\""));
  }
  return absl::OkStatus();
}

char UsccCheckCharacter(absl::string_view first17) {
  int sum = 0;
  int weight = 1;  // 3^i mod 31
  for (size_t i = 0; i < kUsccLength - 1; ++i) {
    sum += UsccValue(first17[i]) * weight;
    weight = weight * 3 % 31;
  }
  int check = (31 - sum % 31) % 31;
  return kUsccAlphabet[check];
}

bool UsccCheckDigitOk(absl::string_view code) {
  return UsccCheckCharacter(code.substr(0, kUsccLength - 1)) ==
         code[kUsccLength - 1];
}

absl::Status ValidateRegionCode(absl::string_view code) {
  if (code.size() != 6 || !AllDigits(code)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "region code must be six digits (GB/T 2260), got \"", code, "\""));
  }
  if (code.substr(0, 2) == "00") {
    return absl::InvalidArgumentError(
        absl::StrCat("region code \"", code, "\" has no province part"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRegionPrefix(absl::string_view prefix) {
  if (prefix.size() < 2 || prefix.size() > 6 || !AllDigits(prefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat("region prefix must be 2 to 6 digits (GB/T 2260), got \"",
                     prefix, "\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateCountryCode(absl::string_view code) {
  if (code.size() != 2 || !absl::ascii_isupper(code[0]) ||
      !absl::ascii_isupper(code[1])) {
    return absl::InvalidArgumentError(absl::StrCat(
        "country must be an ISO 3166-1 alpha-2 code such as \"CN\", got \"",
        code, "\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateIndustryCode(absl::string_view code) {
  absl::string_view digits = code;
  if (!code.empty() && code[0] >= 'A' && code[0] <= 'T') {
    digits = code.substr(1);
    if (digits.empty()) return absl::OkStatus();
  }
  if (digits.size() < 2 || digits.size() > 4 || !AllDigits(digits)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "industry code must be a GB/T 4754 code such as \"C3562\", got \"",
        code, "\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateDate(absl::string_view date) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("date must be YYYY-MM-DD, got \"", date, "\""));
  };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad();
  absl::string_view y = date.substr(0, 4), m = date.substr(5, 2),
                    d = date.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return bad();
  int year = std::atoi(std::string(y).c_str());
  int month = std::atoi(std::string(m).c_str());
  int day = std::atoi(std::string(d).c_str());
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return bad();
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day < 1 || day > max_day) {
    return absl::InvalidArgumentError(
        absl::StrCat("date \"", date, "\" does not exist"));
  }
  return absl::OkStatus();
}

}  // namespace chainkg
