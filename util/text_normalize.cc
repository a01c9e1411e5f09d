#include "util/text_normalize.h"

#include <string>

#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utf8.h"

namespace chainkg {
namespace {

constexpr UChar32 kReplacementCharacter = 0xFFFD;

// NFKC_Casefold: compatibility decomposition (full-width -> half-width),
// canonical composition, case folding, and removal of default-ignorable code
// points, in one standard ICU transform.
const icu::Normalizer2* NfkcCasefold() {
  static const icu::Normalizer2* const normalizer = [] {
    UErrorCode error = U_ZERO_ERROR;
    const icu::Normalizer2* n =
        icu::Normalizer2::getNFKCCasefoldInstance(error);
    // The ICU data for NFKC_Casefold is built into libicudata; failure here
    // means a broken ICU installation, which only a packaging bug causes.
    return U_SUCCESS(error) ? n : nullptr;
  }();
  return normalizer;
}

bool IsDropped(UChar32 c) {
  return c == kReplacementCharacter || u_isUWhiteSpace(c) || u_iscntrl(c) ||
         u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

}  // namespace

std::string NormalizeName(absl::string_view utf8) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  const icu::Normalizer2* normalizer = NfkcCasefold();
  if (normalizer != nullptr) {
    UErrorCode error = U_ZERO_ERROR;
    icu::UnicodeString folded = normalizer->normalize(text, error);
    if (U_SUCCESS(error)) text = folded;
  }
  icu::UnicodeString out;
  bool dropped = false;
  for (int32_t i = 0; i < text.length();) {
    UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (IsDropped(c)) {
      dropped = true;
      continue;
    }
    // Every opening bracket form is "(" and every closing one ")", so that
    // 广东（东莞）, 广东【东莞】 and 广东(东莞) match.
    int8_t type = u_charType(c);
    if (type == U_START_PUNCTUATION) c = '(';
    if (type == U_END_PUNCTUATION) c = ')';
    out.append(c);
  }
  // A dropped character can leave a combining mark next to a new base
  // letter (NFKC turns "k\u00B8" into "k", a space and U+0327): compose
  // again, so that the result is normalized and NormalizeName of it is
  // itself. Composition adds no dropped characters or brackets.
  if (dropped && normalizer != nullptr) {
    UErrorCode error = U_ZERO_ERROR;
    icu::UnicodeString composed = normalizer->normalize(out, error);
    if (U_SUCCESS(error)) out = composed;
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

bool IsValidUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

int DisplayWidth(absl::string_view utf8) {
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  int32_t length = static_cast<int32_t>(utf8.size());
  int width = 0;
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      width += 1;  // shown as one replacement glyph
      continue;
    }
    int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
        type == U_FORMAT_CHAR ||
        u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
      continue;
    }
    int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    width += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
  }
  return width;
}

}  // namespace chainkg
