// Decoding of input files to UTF-8: a byte-order mark is honoured, else
// strict UTF-8, else GB18030 (the superset of GBK and GB2312 that Excel on a
// Chinese Windows writes). ICU does the decoding. Generic; no project types.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chainkg {

enum class TextEncoding { kUtf8, kUtf8Bom, kUtf16Le, kUtf16Be, kGb18030 };

// "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE", "GB18030".
absl::string_view TextEncodingName(TextEncoding encoding);

struct DecodedText {
  std::string utf8;  // without any byte-order mark
  TextEncoding encoding = TextEncoding::kUtf8;
};

// Decodes the bytes of input. INVALID_ARGUMENT "line N: ..." when they are
// neither valid UTF-8 nor valid GB18030 (or not valid in the encoding
// their BOM names). Takes input by value: UTF-8 text is moved into the
// result, not copied (a national input file is close to a GiB).
absl::StatusOr<DecodedText> DecodeText(std::string input);

}  // namespace chainkg
