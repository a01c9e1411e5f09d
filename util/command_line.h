// A small command-line parser for chainkg-server and the chainkg CLI:
// "--name value", "--name=value", boolean "--name", repeated flags, and
// positional arguments in any order. Generic; no project types.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chainkg {

// Declares one accepted flag.
struct FlagSpec {
  std::string name;  // without the leading "--"
  bool takes_value = true;
};

// The parsed command line. Not thread-safe to mutate; const use is safe.
class CommandLine {
 public:
  // Parses args (without the program name). "--" ends flag parsing.
  // INVALID_ARGUMENT for an unknown flag or a flag missing its value.
  static absl::StatusOr<CommandLine> Parse(const std::vector<std::string>& args,
                                           const std::vector<FlagSpec>& specs);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(absl::string_view name) const;
  // The last value given for name, or fallback when absent.
  std::string Get(absl::string_view name, absl::string_view fallback) const;
  // Every value given for name, in order.
  std::vector<std::string> GetAll(absl::string_view name) const;
  // The last value of name as an integer; INVALID_ARGUMENT names the flag.
  absl::StatusOr<long long> GetInt(absl::string_view name,
                                   long long fallback) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

}  // namespace chainkg
