// libFuzzer target for the code validators of util/codes.h (USCC, region,
// country, industry codes, dates) and the loader's cell parsers
// (loaders/cell_values.h), which turn spreadsheet spellings into those
// values. Checks that each accepted value obeys the validators' contracts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "chainkg/v1/model.pb.h"
#include "fuzz/require.h"
#include "loaders/cell_values.h"
#include "util/codes.h"

namespace chainkg {
namespace {

using fuzz::Require;

void CheckUscc(absl::string_view text) {
  if (!ValidateUsccShape(text).ok()) return;
  Require(text.size() == 18, "a well-shaped USCC has 18 characters");
  char check = UsccCheckCharacter(text.substr(0, 17));
  Require(UsccCheckDigitOk(text) == (check == text[17]),
          "UsccCheckDigitOk agrees with UsccCheckCharacter");
  Require(
      ValidateRegionCode(text.substr(2, 6)).ok() || text.substr(2, 2) == "00",
      "a USCC's characters 3-8 are a region code");
  // The corrected code is well-shaped and passes its own check.
  std::string fixed(text.substr(0, 17));
  fixed.push_back(check);
  Require(ValidateUsccShape(fixed).ok() && UsccCheckDigitOk(fixed),
          "a USCC with its computed check character passes");
}

void CheckCells(absl::string_view text) {
  absl::StatusOr<std::string> date = loaders::ParseDateCell(text);
  if (date.ok()) {
    Require(ValidateDate(*date).ok(), "ParseDateCell returns a valid date");
    absl::StatusOr<std::string> again = loaders::ParseDateCell(*date);
    Require(again.ok() && *again == *date, "ParseDateCell is idempotent");
  }
  absl::StatusOr<double> share = loaders::ParseShareCell(text);
  if (share.ok()) {
    Require(*share >= 0 && *share <= 1, "ParseShareCell is within [0, 1]");
  }
  loaders::ParseIntCell(text).IgnoreError();  // any answer will do
  loaders::ParseBoolCell(text).IgnoreError();
  for (const std::string& item : loaders::SplitListCell(text)) {
    Require(!item.empty(), "SplitListCell drops empty items");
  }
  loaders::CheckExcelDamage(text).IgnoreError();
  for (const auto* type :
       {v1::CredentialKind_descriptor(), v1::Level_descriptor(),
        v1::CredentialStatus_descriptor(), v1::Stage_descriptor()}) {
    absl::StatusOr<int> value = loaders::ParseEnumCell(type, text);
    if (value.ok()) {
      Require(*value != 0 && type->FindValueByNumber(*value) != nullptr,
              "ParseEnumCell returns a known, specified value");
    }
  }
}

}  // namespace
}  // namespace chainkg

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  chainkg::CheckUscc(text);
  if (chainkg::ValidateRegionCode(text).ok()) {
    chainkg::fuzz::Require(chainkg::ValidateRegionPrefix(text).ok(),
                           "a region code is a region prefix");
  }
  chainkg::ValidateRegionPrefix(text).IgnoreError();  // any answer will do
  chainkg::ValidateCountryCode(text).IgnoreError();
  chainkg::ValidateIndustryCode(text).IgnoreError();
  chainkg::ValidateDate(text).IgnoreError();
  chainkg::CheckCells(text);
  return 0;
}
