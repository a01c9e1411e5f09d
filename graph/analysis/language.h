// The language of the sentences analyses write for people (evidence,
// reasons): Chinese first, English on request.
#pragma once

namespace chainkg::graph {

enum class Language { kChinese, kEnglish };

}  // namespace chainkg::graph
