// CsvReader: RFC 4180 rows from UTF-8 text, each with the line it starts on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chainkg::loaders {

struct CsvRow {
  int64_t line = 0;  // 1-based line of the row's first character
  std::vector<std::string> cells;
};

// Reads comma-separated rows: `"` quotes a cell, `""` inside quotes is a
// quote, a quoted cell may span lines, CRLF and LF both end rows, blank
// lines are skipped. Borrows text, which must outlive the reader. Not
// thread-safe.
class CsvReader {
 public:
  explicit CsvReader(absl::string_view text) : text_(text) {}

  // Reads the next row into *row. Returns false at the end of the text.
  // INVALID_ARGUMENT "line N: ..." for an unterminated quote or a quote in
  // the middle of an unquoted cell.
  absl::StatusOr<bool> Next(CsvRow* row);

 private:
  absl::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

}  // namespace chainkg::loaders
