#include "tests/testing/db_dump.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"

namespace chainkg::testing {

absl::StatusOr<DatabaseDump> DumpDatabase(const std::string& path) {
  rocksdb::DBOptions options;
  std::vector<std::string> names;
  rocksdb::Status status =
      rocksdb::DB::ListColumnFamilies(options, path, &names);
  if (!status.ok()) return absl::UnavailableError(status.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  status =
      rocksdb::DB::OpenForReadOnly(options, path, families, &handles, &raw);
  if (!status.ok()) return absl::UnavailableError(status.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  DatabaseDump dump;
  for (size_t i = 0; i < handles.size(); ++i) {
    auto& entries = dump[names[i]];
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      entries.emplace_back(it->key().ToString(), it->value().ToString());
    }
    if (!it->status().ok()) return absl::DataLossError(it->status().ToString());
  }
  for (auto* handle : handles) {
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  return dump;
}

}  // namespace chainkg::testing
