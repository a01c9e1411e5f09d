#include "graph/store/db_options.h"

#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace chainkg::graph::internal {

rocksdb::Options DatabaseOptions(const StoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = options.create_if_missing;
  db_options.paranoid_checks = true;
  // Refuse to open on any WAL corruption instead of silently dropping the
  // acknowledged writes after it (the default point-in-time recovery does).
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  db_options.track_and_verify_wals_in_manifest = true;
  db_options.IncreaseParallelism(2);
  return db_options;
}

rocksdb::ColumnFamilyOptions FamilyOptions(ColumnFamily family) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  if (family == kIndex || family == kVertex) {
    // Point lookups by natural key and id dominate these families.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace chainkg::graph::internal
