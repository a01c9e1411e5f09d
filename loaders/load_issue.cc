#include "loaders/load_issue.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace chainkg::loaders {
namespace {

// The reason with its particulars masked, so that "no firm \"X\"" and
// "no firm \"Y\"" count as one reason: quoted text becomes "…" and digit
// runs become N.
std::string ReasonClass(const Issue& issue) {
  std::string reason;
  bool quoted = false;
  for (size_t i = 0; i < issue.reason.size(); ++i) {
    char c = issue.reason[i];
    if (c == '"') {
      if (!quoted) reason.append("\"…\"");
      quoted = !quoted;
      continue;
    }
    if (quoted) continue;
    if (absl::ascii_isdigit(c)) {
      if (reason.empty() || reason.back() != 'N') reason.push_back('N');
      continue;
    }
    reason.push_back(c);
  }
  std::string prefix = issue.severity == Severity::kError ? "error" : "warning";
  return issue.field.empty()
             ? absl::StrCat(prefix, ": ", reason)
             : absl::StrCat(prefix, ": ", issue.field, ": ", reason);
}

}  // namespace

std::string FormatIssue(const Issue& issue) {
  std::string out = issue.file;
  if (issue.line > 0) absl::StrAppend(&out, ":", issue.line);
  if (!issue.field.empty()) absl::StrAppend(&out, ": ", issue.field);
  absl::StrAppend(&out, ": ", issue.reason);
  if (issue.severity == Severity::kWarning) absl::StrAppend(&out, " (warning)");
  return out;
}

void LoadSummary::Count(const Issue& issue) {
  if (issue.severity == Severity::kError) {
    ++errors;
  } else {
    ++warnings;
  }
  ++by_reason[ReasonClass(issue)];
}

std::string LoadSummary::Format() const {
  std::string out =
      absl::StrCat("rows read ", rows_read, ", created ", created, ", updated ",
                   updated, ", unchanged ", unchanged, ", warnings ", warnings,
                   ", errors ", errors, "\n");
  std::vector<std::pair<int64_t, std::string>> reasons;
  for (const auto& [reason, count] : by_reason) {
    reasons.emplace_back(count, reason);
  }
  std::sort(reasons.begin(), reasons.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [count, reason] : reasons) {
    absl::StrAppend(&out, "  ", count, "  ", reason, "\n");
  }
  return out;
}

}  // namespace chainkg::loaders
