// Normalization of names for indexing and matching (ICU-based), and display
// width of UTF-8 text for aligned tables. Generic text helpers; no project
// types.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace chainkg {

// Returns the matching form of a name: NFKC with case folding (full-width
// letters, digits and punctuation become half-width; Latin letters
// lower-case), every bracket form (（）【】〔〕［］｛｝〈〉《》「」『』 and
// their ASCII forms) mapped to "(" and ")", and all white space, control and
// default-ignorable characters (zero-width space, joiners, BOM) removed.
// Invalid UTF-8 sequences are dropped. Two names that a reader would take for
// the same spelling normalize to the same string.
std::string NormalizeName(absl::string_view utf8);

// Returns true if text is well-formed UTF-8.
bool IsValidUtf8(absl::string_view text);

// Returns the number of terminal columns text occupies: East Asian wide and
// full-width characters count 2, combining and zero-width characters 0,
// others 1.
int DisplayWidth(absl::string_view utf8);

}  // namespace chainkg
