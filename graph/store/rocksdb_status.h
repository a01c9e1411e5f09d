// The one translation of rocksdb::Status into absl::Status (STYLE.md §3).
// Internal to graph/store.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace chainkg::graph {

// Maps a RocksDB status to the canonical code that says what the caller can
// do: NotFound -> NOT_FOUND, Corruption -> DATA_LOSS, IOError with no space
// -> RESOURCE_EXHAUSTED, other IOError / Busy / TimedOut / TryAgain ->
// UNAVAILABLE, InvalidArgument -> INVALID_ARGUMENT, NotSupported ->
// UNIMPLEMENTED, Aborted -> ABORTED, Incomplete / ShutdownInProgress ->
// UNAVAILABLE, anything else -> INTERNAL. The message is
// "<context>: <rocksdb message>".
absl::Status FromRocksDb(const rocksdb::Status& status,
                         absl::string_view context);

}  // namespace chainkg::graph
