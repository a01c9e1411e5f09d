// `chainkg gaps --chain C [--region P]`: the gap report of a chain for
// planners: a table (classes in Chinese and English) with the evidence and
// the firms to attract, CSV for Excel, JSON, or the chain's product graph
// coloured by class as Graphviz DOT / SVG.
#pragma once

#include "absl/status/status.h"

#include "cli/commands.h"
#include "util/command_line.h"

namespace chainkg::cli {

// Runs `gaps`. Flags: --chain KEY or --product KEY [--depth N], --region
// PREFIX,
// --home-country CC, --as-of DATE, --hhi X, --outside-share X,
// --candidates N, --mode observed|capability. INVALID_ARGUMENT for a usage
// error; FAILED_PRECONDITION for --format svg without Graphviz; RPC errors
// keep their code.
absl::Status RunGaps(const CommandLine& flags, Context& context);

}  // namespace chainkg::cli
