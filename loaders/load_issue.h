// Problems found while loading: one per input row and field, and the
// summary counted by reason.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace chainkg::loaders {

enum class Severity { kWarning, kError };

// One problem with one input row. An error means the row was not loaded; a
// warning means it was loaded as given.
struct Issue {
  std::string file;
  int64_t line = 0;    // 0 for a problem with the whole file
  std::string field;   // input column, or empty
  std::string reason;  // what is wrong, lower case
  Severity severity = Severity::kError;
};

// "file:line: field: reason", leaving out empty parts.
std::string FormatIssue(const Issue& issue);

// Counts for a load. Plain struct; not thread-safe.
struct LoadSummary {
  int64_t rows_read = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t warnings = 0;
  int64_t errors = 0;
  // Issues counted by field and reason, with quoted values and numbers
  // masked so that rows differing only in their values count together.
  std::map<std::string, int64_t> by_reason;

  void Count(const Issue& issue);
  // Multi-line text for people: totals, then reasons by count.
  std::string Format() const;
};

}  // namespace chainkg::loaders
