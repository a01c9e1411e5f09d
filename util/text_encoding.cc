#include "util/text_encoding.h"

#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "unicode/ucnv.h"
#include "unicode/ustring.h"
#include "util/text_normalize.h"

namespace chainkg {
namespace {

struct ConverterCloser {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};
using Converter = std::unique_ptr<UConverter, ConverterCloser>;

absl::StatusOr<Converter> OpenStrict(const char* name) {
  UErrorCode error = U_ZERO_ERROR;
  Converter converter(ucnv_open(name, &error));
  if (U_FAILURE(error)) {
    return absl::InternalError(
        absl::StrCat("ICU has no ", name, " converter: ", u_errorName(error)));
  }
  // Stop at the first illegal sequence instead of substituting U+FFFD.
  ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr,
                      nullptr, nullptr, &error);
  return converter;
}

// Decodes one chunk with converter and appends UTF-8 to out; false on an
// illegal or truncated sequence.
bool DecodeChunk(UConverter* converter, absl::string_view bytes,
                 std::string* out) {
  if (bytes.empty()) return true;
  ucnv_reset(converter);
  std::vector<UChar> utf16(bytes.size() * 2 + 2);
  UErrorCode error = U_ZERO_ERROR;
  int32_t length =
      ucnv_toUChars(converter, utf16.data(), static_cast<int32_t>(utf16.size()),
                    bytes.data(), static_cast<int32_t>(bytes.size()), &error);
  if (U_FAILURE(error)) return false;
  int32_t utf8_length = 0;
  error = U_ZERO_ERROR;
  u_strToUTF8(nullptr, 0, &utf8_length, utf16.data(), length, &error);
  size_t start = out->size();
  out->resize(start + utf8_length);
  error = U_ZERO_ERROR;
  u_strToUTF8(out->data() + start, utf8_length, nullptr, utf16.data(), length,
              &error);
  return U_SUCCESS(error);
}

// Decodes line by line (0x0A is never part of a GB18030 multi-byte
// sequence), so an error names its line.
absl::StatusOr<std::string> DecodeByLines(const char* encoding,
                                          absl::string_view bytes) {
  auto converter = OpenStrict(encoding);
  if (!converter.ok()) return converter.status();
  std::string out;
  out.reserve(bytes.size() * 3 / 2);
  int64_t line = 1;
  while (!bytes.empty()) {
    size_t newline = bytes.find('\n');
    absl::string_view chunk = bytes.substr(
        0, newline == absl::string_view::npos ? bytes.size() : newline + 1);
    if (!DecodeChunk(converter->get(), chunk, &out)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line, ": bytes are neither UTF-8 nor ", encoding));
    }
    bytes.remove_prefix(chunk.size());
    ++line;
  }
  return out;
}

}  // namespace

absl::string_view TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kUtf8Bom:
      return "UTF-8 (BOM)";
    case TextEncoding::kUtf16Le:
      return "UTF-16LE";
    case TextEncoding::kUtf16Be:
      return "UTF-16BE";
    case TextEncoding::kGb18030:
      return "GB18030";
  }
  return "?";
}

absl::StatusOr<DecodedText> DecodeText(std::string input) {
  DecodedText result;
  absl::string_view bytes = input;
  if (absl::StartsWith(bytes, "\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    if (!IsValidUtf8(bytes)) {
      // Find the line for the message.
      int64_t line = 1;
      for (size_t end = 0; end < bytes.size();) {
        size_t newline = bytes.find('\n', end);
        size_t stop =
            newline == absl::string_view::npos ? bytes.size() : newline + 1;
        if (!IsValidUtf8(bytes.substr(end, stop - end))) break;
        end = stop;
        ++line;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line, ": invalid UTF-8 in a file marked UTF-8 by its BOM"));
    }
    input.erase(0, 3);
    result.utf8 = std::move(input);
    result.encoding = TextEncoding::kUtf8Bom;
    return result;
  }
  if (absl::StartsWith(bytes, "\xFF\xFE") ||
      absl::StartsWith(bytes, "\xFE\xFF")) {
    bool little = bytes[0] == '\xFF';
    bytes.remove_prefix(2);
    auto converter = OpenStrict(little ? "UTF-16LE" : "UTF-16BE");
    if (!converter.ok()) return converter.status();
    if (!DecodeChunk(converter->get(), bytes, &result.utf8)) {
      return absl::InvalidArgumentError("invalid UTF-16");
    }
    result.encoding = little ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be;
    return result;
  }
  if (IsValidUtf8(bytes)) {
    result.utf8 = std::move(input);
    result.encoding = TextEncoding::kUtf8;
    return result;
  }
  absl::StatusOr<std::string> decoded = DecodeByLines("GB18030", bytes);
  if (!decoded.ok()) return decoded.status();
  result.utf8 = std::move(*decoded);
  result.encoding = TextEncoding::kGb18030;
  return result;
}

}  // namespace chainkg
