// libFuzzer target for the decoding of input files (util/text_encoding.h:
// BOM, UTF-8, UTF-16, GB18030) and the name normalization applied to the
// decoded text (util/text_normalize.h). Checks that decoded text is UTF-8
// and that valid UTF-8 input passes through unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

#include "fuzz/require.h"
#include "util/text_encoding.h"
#include "util/text_normalize.h"

namespace chainkg {
namespace {

using fuzz::Require;

void CheckNormalize(absl::string_view text) {
  std::string name = NormalizeName(text);
  Require(IsValidUtf8(name), "NormalizeName returns UTF-8");
  Require(NormalizeName(name) == name, "NormalizeName is idempotent");
  Require(DisplayWidth(text) >= 0, "DisplayWidth is not negative");
}

}  // namespace
}  // namespace chainkg

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using chainkg::fuzz::Require;
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<chainkg::DecodedText> text =
      chainkg::DecodeText(std::string(bytes));
  if (text.ok()) {
    Require(chainkg::IsValidUtf8(text->utf8), "DecodeText returns UTF-8");
    Require(!chainkg::TextEncodingName(text->encoding).empty(),
            "every encoding has a name");
  }
  if (chainkg::IsValidUtf8(bytes) && !absl::StartsWith(bytes, "\xEF\xBB\xBF")) {
    Require(text.ok() && text->encoding == chainkg::TextEncoding::kUtf8 &&
                text->utf8 == bytes,
            "valid UTF-8 without a BOM decodes to itself");
  }
  // Names arrive both as raw bytes (requests) and as decoded text (files).
  chainkg::CheckNormalize(bytes);
  if (text.ok()) chainkg::CheckNormalize(text->utf8);
  return 0;
}
