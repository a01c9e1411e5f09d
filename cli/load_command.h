// `chainkg load FILE|DIR…`: reads loader input files (docs/formats.md) and
// streams their records to the server's Ingest RPC, batch by batch, each
// acknowledged once durable; reports every bad row as file:line: field.
#pragma once

#include "absl/status/status.h"

#include "cli/commands.h"
#include "util/command_line.h"

namespace chainkg::cli {

// Runs `load` with the positional arguments after the verb. Flags:
// --as KIND, --strict, --batch-size N. OK when every row loaded (warnings
// allowed); FAILED_PRECONDITION "N rows were not loaded" when some rows
// had errors (they are listed on context.err); other errors as they come.
absl::Status RunLoad(const CommandLine& flags, Context& context);

}  // namespace chainkg::cli
