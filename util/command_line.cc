#include "util/command_line.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace chainkg {

absl::StatusOr<CommandLine> CommandLine::Parse(
    const std::vector<std::string>& args, const std::vector<FlagSpec>& specs) {
  CommandLine result;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      if (arg == "--" && !flags_done) {
        flags_done = true;
        continue;
      }
      result.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_inline_value = true;
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (spec->takes_value && !has_inline_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", name, " needs a value"));
      }
      value = args[++i];
    }
    if (!spec->takes_value && has_inline_value) {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " takes no value"));
    }
    result.values_[name].push_back(value);
  }
  return result;
}

bool CommandLine::Has(absl::string_view name) const {
  return values_.find(name) != values_.end();
}

std::string CommandLine::Get(absl::string_view name,
                             absl::string_view fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> CommandLine::GetAll(absl::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<long long> CommandLine::GetInt(absl::string_view name,
                                              long long fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  long long value = 0;
  if (!absl::SimpleAtoi(it->second.back(), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag --", name, " must be an integer, got \"",
                     it->second.back(), "\""));
  }
  return value;
}

}  // namespace chainkg
