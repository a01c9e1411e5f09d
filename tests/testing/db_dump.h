// DumpDatabase: every key and value of a chainkg database directory, by
// column family, read with RocksDB directly (the database must be closed).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace chainkg::testing {

using DatabaseDump =
    std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

absl::StatusOr<DatabaseDump> DumpDatabase(const std::string& path);

}  // namespace chainkg::testing
