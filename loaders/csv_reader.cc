#include "loaders/csv_reader.h"

#include "absl/strings/str_cat.h"

namespace chainkg::loaders {

absl::StatusOr<bool> CsvReader::Next(CsvRow* row) {
  row->cells.clear();
  // Skip blank lines.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  row->line = line_;
  std::string cell;
  bool quoted = false;      // inside a quoted cell
  bool was_quoted = false;  // the current cell started with a quote
  while (pos_ < text_.size()) {
    char c = text_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          cell.push_back('"');
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        cell.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      row->cells.push_back(std::move(cell));
      cell.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      row->cells.push_back(std::move(cell));
      return true;
    } else if (c == '"') {
      if (!cell.empty() || was_quoted) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line_,
                         ": quote inside an unquoted cell (quote the whole "
                         "cell and double the quote)"));
      }
      quoted = true;
      was_quoted = true;
    } else {
      cell.push_back(c);
    }
  }
  if (quoted) {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", row->line, ": quoted cell is not closed before the end"));
  }
  row->cells.push_back(std::move(cell));
  return true;
}

}  // namespace chainkg::loaders
