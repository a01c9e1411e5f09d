// The RocksDB options of a chainkg database, shared by Store::Open and
// BulkImporter so both create the same database. Internal to graph/store.
#pragma once

#include "rocksdb/options.h"

#include "graph/store/store.h"
#include "graph/store/write_txn.h"

namespace chainkg::graph::internal {

rocksdb::Options DatabaseOptions(const StoreOptions& options);
rocksdb::ColumnFamilyOptions FamilyOptions(ColumnFamily family);

}  // namespace chainkg::graph::internal
