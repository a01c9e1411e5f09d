// The info logger of a chainkg database: RocksDB's LOG file, written so that
// a full disk cannot stop the process. Internal to graph/store.
//
// RocksDB's own file logger asserts that it is never written again after a
// failed write, and Debian's librocksdb is built with assertions: on a full
// disk the first log line after ENOSPC aborted chainkg-server. This logger
// appends each line with one write(2) and drops the line when that fails.
#pragma once

#include <memory>
#include <string>

#include "rocksdb/env.h"

namespace chainkg::graph::internal {

// Opens dir/LOG for appending, after renaming an existing one to LOG.old
// (replacing the previous LOG.old). Creates dir when create_dir is set.
// nullptr when dir does not exist (and create_dir is not set) or the file
// cannot be opened: RocksDB then uses its own logger, or fails to open.
// The logger is thread-safe.
std::shared_ptr<rocksdb::Logger> OpenInfoLog(const std::string& dir,
                                             bool create_dir);

}  // namespace chainkg::graph::internal
