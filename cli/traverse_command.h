// `chainkg upstream|downstream (--firm KEY | --product KEY)` (the streamed
// Traverse RPC) and `chainkg path FROM TO` (ShortestPath).
#pragma once

#include "absl/status/status.h"

#include "cli/commands.h"
#include "util/command_line.h"

namespace chainkg::cli {

// Runs `upstream` or `downstream` (the verb decides). Flags: --firm KEY or
// --product KEY, --depth N, --edge-kind K (repeatable), --region P,
// --country CC, --credential K, --as-of DATE, --paths, --limit N (rows, 0:
// the server's maximum), --max-visited N.
absl::Status RunTraverse(const CommandLine& flags, Context& context);

// Runs `path FROM_KEY TO_KEY`. Flags: --kind firm|product (both ends;
// default firm), --edge-kind K (repeatable), --undirected, --depth N.
absl::Status RunPath(const CommandLine& flags, Context& context);

}  // namespace chainkg::cli
