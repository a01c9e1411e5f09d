#include "graph/store/bulk_importer.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"

#include "graph/store/byte_arena.h"
#include "graph/store/db_options.h"
#include "graph/store/info_log.h"
#include "graph/store/key_codec.h"
#include "graph/store/rocksdb_status.h"
#include "graph/store/sort_item.h"
#include "graph/store/write_txn.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace {

using internal::ByteArena;
using internal::ColumnFamily;
using internal::kColumnFamilyNames;
using internal::kCount;
using internal::MakeSortItem;
using internal::SortItem;
using internal::SortItems;
using Entry = std::pair<const absl::string_view, absl::string_view>;

// In-memory column families with an undo log for savepoints. Hash maps,
// not sorted maps: an import only looks keys up and writes them, and one
// sort per family at the end is far cheaper than keeping them sorted. The
// maps hold views of bytes in an arena; a replaced or deleted value stays
// in the arena (the undo log may point at it), which costs little since an
// import mostly adds keys.
//
// Keys the upsert rules write but never read back are not kept in a map
// but in a log of their writes: every in-edge key (an edge's mirror) and
// every index entry but the natural-key ones (names, regions, credentials,
// supplied products). So are the out-edges, which the rules read only to
// tell a new edge from a repeated one: the target settles repeats itself
// (SettlesEdgeRepeats), when the log is sorted. At national scale a
// hash-map insert is a few cache misses, an append none, and the
// natural-key entries, which every edge looks up twice, stay in a map a
// tenth of the size. A log is resolved when sorted (the last write of a
// key wins). Whether a key is logged depends on its family and first byte
// only, so a family's map and log never hold the same key.
class MemoryTarget final : public internal::MutationTarget {
 public:
  using Family = absl::flat_hash_map<absl::string_view, absl::string_view>;

  // A natural-key index key short enough to be kept in its map slot (all
  // of the demo's: the tag, the kind and a USCC, a listing code or a
  // product code). Every edge looks up two natural keys; a key in the
  // arena costs each lookup a second cache miss after the slot's, and the
  // slot's can be prefetched, the arena's not.
  struct ShortKey {
    static constexpr size_t kCapacity = 23;
    char bytes[kCapacity];
    uint8_t size;

    explicit ShortKey(absl::string_view key)
        : size(static_cast<uint8_t>(key.size())) {
      std::memcpy(bytes, key.data(), key.size());
    }
    absl::string_view view() const { return absl::string_view(bytes, size); }
    friend bool operator==(const ShortKey& a, const ShortKey& b) {
      return a.view() == b.view();
    }
    template <typename H>
    friend H AbslHashValue(H state, const ShortKey& key) {
      return H::combine(std::move(state), key.view());
    }
  };
  // Natural-key index entries with a short key: the key and the 8 bytes of
  // the vertex key it maps to (VertexKey), in one 32-byte slot.
  using ShortFamily = absl::flat_hash_map<ShortKey, uint64_t>;
  static constexpr size_t kShortValueSize = sizeof(uint64_t);

  // Whether writes of key in family go to the family's log.
  static bool Logged(ColumnFamily family, absl::string_view key) {
    return family == internal::kInEdge || family == internal::kOutEdge ||
           (family == internal::kIndex &&
            (key.empty() || key.front() != kIndexNaturalKey));
  }

  // Whether key of family is kept in the map of short natural keys.
  static bool Short(ColumnFamily family, absl::string_view key) {
    return family == internal::kIndex && !key.empty() &&
           key.front() == kIndexNaturalKey && key.size() <= ShortKey::kCapacity;
  }

  absl::StatusOr<std::optional<std::string>> Get(
      ColumnFamily family, absl::string_view key) override {
    if (Short(family, key)) {
      auto it = short_.find(ShortKey(key));
      if (it == short_.end()) return std::optional<std::string>();
      return std::optional<std::string>(
          std::in_place, reinterpret_cast<const char*>(&it->second),
          kShortValueSize);
    }
    if (Logged(family, key)) {
      // Linear, but the upsert rules never read logged keys in an import:
      // only deletes read out-edges, and an import has none.
      const SortItems& log = logs_[family];
      for (auto it = log.rbegin(); it != log.rend(); ++it) {
        if (it->key() != key) continue;
        if (it->deleted()) return std::optional<std::string>();
        return std::optional<std::string>(std::in_place, it->value_data,
                                          it->value_size);
      }
      return std::optional<std::string>();
    }
    const Family& map = families_[family];
    auto it = map.find(key);
    if (it == map.end()) return std::optional<std::string>();
    return std::optional<std::string>(std::in_place, it->second.data(),
                                      it->second.size());
  }

  // A full scan: only deletes of vertices use it, and loader input has
  // none, so the import path never pays for it.
  absl::StatusOr<std::vector<std::string>> KeysWithPrefix(
      ColumnFamily family, absl::string_view prefix) override {
    std::vector<std::string> keys;
    absl::flat_hash_map<absl::string_view, bool> live;
    for (const SortItem& entry : logs_[family]) {
      if (entry.key().substr(0, prefix.size()) == prefix) {
        live[entry.key()] = !entry.deleted();
      }
    }
    for (const auto& [key, present] : live) {
      if (present) keys.emplace_back(key);
    }
    for (const auto& [key, value] : families_[family]) {
      if (key.substr(0, prefix.size()) == prefix) keys.emplace_back(key);
    }
    if (family == internal::kIndex) {
      for (const auto& [key, value] : short_) {
        if (key.view().substr(0, prefix.size()) == prefix) {
          keys.emplace_back(key.view());
        }
      }
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  absl::Status Put(ColumnFamily family, absl::string_view key,
                   absl::string_view value) override {
    if (Short(family, key)) return PutShort(key, value);
    if (Logged(family, key)) {
      CHAINKG_RETURN_IF_ERROR(CheckLogRoom(family, key, value));
      SortItems& log = logs_[family];
      SortItem item =
          MakeSortItem(key, value, static_cast<uint32_t>(log.size()), apply_);
      item.key_data = bytes_.Copy(key).data();
      item.value_data = bytes_.Copy(value).data();
      log.push_back(item);
      return absl::OkStatus();
    }
    Family& map = families_[family];
    // One probe of the table whether the key is new (nearly always) or
    // not; a new key's bytes go to the arena only then.
    bool added = false;
    auto it = map.lazy_emplace(key, [&](const Family::constructor& make) {
      added = true;
      make(bytes_.Copy(key), bytes_.Copy(value));
    });
    if (added) {
      if (!savepoints_.empty()) {
        undo_.push_back({family, it->first, {}, false});
      }
      return absl::OkStatus();
    }
    if (!savepoints_.empty()) {
      undo_.push_back({family, it->first, it->second, true});
    }
    if (it->second != value) it->second = bytes_.Copy(value);
    return absl::OkStatus();
  }

  absl::Status Delete(ColumnFamily family, absl::string_view key) override {
    if (Short(family, key)) {
      auto it = short_.find(ShortKey(key));
      if (it == short_.end()) return absl::OkStatus();
      if (!savepoints_.empty()) {
        undo_.push_back(
            {family, bytes_.Copy(key), CopyShortValue(it->second), true});
      }
      short_.erase(it);
      return absl::OkStatus();
    }
    if (Logged(family, key)) {
      CHAINKG_RETURN_IF_ERROR(CheckLogRoom(family, key, {}));
      SortItems& log = logs_[family];
      SortItem item = MakeSortItem(key, {}, static_cast<uint32_t>(log.size()),
                                   apply_, /*deleted=*/true);
      item.key_data = bytes_.Copy(key).data();
      log.push_back(item);
      return absl::OkStatus();
    }
    Family& map = families_[family];
    auto it = map.find(key);
    if (it == map.end()) return absl::OkStatus();
    if (!savepoints_.empty()) {
      undo_.push_back({family, it->first, it->second, true});
    }
    map.erase(it);
    return absl::OkStatus();
  }

  bool Prefetches() const override { return true; }
  bool SettlesEdgeRepeats() const override { return true; }
  bool ReadsAreCheap() const override { return true; }
  void Prefetch(ColumnFamily family, absl::string_view key) override {
    if (Short(family, key)) {
      short_.prefetch(ShortKey(key));
    } else if (!Logged(family, key)) {
      families_[family].prefetch(key);
    }
  }

  void SetSavePoint() override {
    SavePoint mark{undo_.size(), {}};
    for (int i = 0; i < kCount; ++i) mark.logs[i] = logs_[i].size();
    savepoints_.push_back(mark);
  }

  absl::Status RollbackToSavePoint() override {
    SavePoint mark = savepoints_.back();
    savepoints_.pop_back();
    while (undo_.size() > mark.undo) {
      const Undo& undo = undo_.back();
      if (Short(undo.family, undo.key)) {
        if (undo.existed) {
          uint64_t previous;
          std::memcpy(&previous, undo.previous.data(), kShortValueSize);
          short_.insert_or_assign(ShortKey(undo.key), previous);
        } else {
          short_.erase(ShortKey(undo.key));
        }
        undo_.pop_back();
        continue;
      }
      Family& map = families_[undo.family];
      if (undo.existed) {
        map.insert_or_assign(undo.key, undo.previous);
      } else {
        map.erase(undo.key);
      }
      undo_.pop_back();
    }
    for (int i = 0; i < kCount; ++i) logs_[i].resize(mark.logs[i]);
    return absl::OkStatus();
  }

  absl::Status PopSavePoint() override {
    savepoints_.pop_back();
    // With no savepoint left nothing can be rolled back: drop the log.
    if (savepoints_.empty()) undo_.clear();
    return absl::OkStatus();
  }

  // Numbers the writes that follow (SortItem::apply).
  void set_apply(uint32_t apply) { apply_ = apply; }

  Family& mutable_family(ColumnFamily family) { return families_[family]; }
  ShortFamily& mutable_short_family() { return short_; }
  SortItems& mutable_log(ColumnFamily family) { return logs_[family]; }

  // Keys in the map plus writes in the log of family, for sizing.
  size_t size(ColumnFamily family) const {
    return families_[family].size() + logs_[family].size() +
           (family == internal::kIndex ? short_.size() : 0);
  }

  // Grows family's map to hold at least keys entries without a resize, and
  // its log to hold writes writes.
  void Reserve(ColumnFamily family, int64_t keys, int64_t writes) {
    if (family == internal::kIndex) {
      // The natural keys, nearly all short; the other index keys are logged.
      if (keys > static_cast<int64_t>(short_.size())) {
        short_.reserve(static_cast<size_t>(keys));
      }
    } else if (keys > static_cast<int64_t>(families_[family].size())) {
      families_[family].reserve(static_cast<size_t>(keys));
    }
    if (writes > static_cast<int64_t>(logs_[family].size())) {
      logs_[family].reserve(static_cast<size_t>(writes));
    }
  }

  // Frees the families and their bytes.
  void Clear() {
    for (Family& family : families_) family = Family();
    short_ = ShortFamily();
    for (SortItems& log : logs_) log = {};
    undo_.clear();
    bytes_.Clear();
  }

 private:
  // A log's writes are ranked, and their sizes kept, in 32 bits (SortItem).
  absl::Status CheckLogRoom(ColumnFamily family, absl::string_view key,
                            absl::string_view value) const {
    constexpr size_t kLimit = std::numeric_limits<uint32_t>::max();
    if (logs_[family].size() < kLimit && key.size() < kLimit &&
        value.size() < kLimit) {
      return absl::OkStatus();
    }
    return absl::ResourceExhaustedError(
        absl::StrCat("more than 4G writes of ", kColumnFamilyNames[family],
                     " keys, or a value of 4 GiB, in one import; import in "
                     "parts and load the rest with chainkg load"));
  }

  absl::Status PutShort(absl::string_view key, absl::string_view value) {
    if (value.size() != kShortValueSize) {
      return absl::InternalError(absl::StrCat("natural-key index value of ",
                                              value.size(),
                                              " bytes, not a vertex key"));
    }
    uint64_t bytes;
    std::memcpy(&bytes, value.data(), kShortValueSize);
    auto [it, added] = short_.try_emplace(ShortKey(key), bytes);
    if (!savepoints_.empty()) {
      undo_.push_back({internal::kIndex, bytes_.Copy(key),
                       added ? absl::string_view() : CopyShortValue(it->second),
                       !added});
    }
    it->second = bytes;
    return absl::OkStatus();
  }

  absl::string_view CopyShortValue(uint64_t value) {
    return bytes_.Copy(absl::string_view(reinterpret_cast<const char*>(&value),
                                         kShortValueSize));
  }

  // What a Put or Delete of a map changed: the key's previous value, or
  // that it was absent. The views point into bytes_.
  struct Undo {
    ColumnFamily family;
    absl::string_view key;
    absl::string_view previous;
    bool existed;
  };
  // Where a savepoint left the undo log and the logs.
  struct SavePoint {
    size_t undo;
    std::array<size_t, kCount> logs;
  };
  ByteArena bytes_{size_t{8} << 20};
  std::array<Family, kCount> families_;
  ShortFamily short_;                   // of the index family (Short)
  std::array<SortItems, kCount> logs_;  // see Logged
  uint32_t apply_ = 0;
  std::vector<Undo> undo_;
  std::vector<SavePoint> savepoints_;
};

// How many items ahead the loops over a family fetch the bytes they will
// read: the keys and values lie in the arena in insertion order, the
// loops visit them in hash or key order, and each visit would otherwise
// wait for memory.
constexpr size_t kPrefetchDistance = 8;

// The key-values of family, sorted by key; frees the family. Of its log:
// the last write of each key, without deleted keys. The log is sorted
// where it lies, with the map entries added to it; the bytes of the
// entries kept in map slots (MemoryTarget::ShortKey) are copied to copies.
// When recounts is not null, each Put of the log that repeats a key's
// previous Put (no Delete between) is recounted there, as the upsert
// rules count it when they read the key first: unchanged if it wrote the
// same value, else updated.
SortItems TakeSorted(MemoryTarget& target, ColumnFamily family,
                     ByteArena* copies, std::vector<EdgeRecount>* recounts) {
  const size_t size = target.size(family);
  SortItems sorted = std::move(target.mutable_log(family));
  target.mutable_log(family) = {};
  const bool logged = !sorted.empty();
  sorted.reserve(size);
  if (family == internal::kIndex) {
    MemoryTarget::ShortFamily& short_map = target.mutable_short_family();
    for (const auto& [key, value] : short_map) {
      sorted.push_back(MakeSortItem(
          copies->Copy(key.view()),
          copies->Copy(absl::string_view(reinterpret_cast<const char*>(&value),
                                         MemoryTarget::kShortValueSize))));
    }
    short_map = MemoryTarget::ShortFamily();
  }
  MemoryTarget::Family& map = target.mutable_family(family);
  std::vector<const Entry*> entries;
  entries.reserve(map.size());
  for (const Entry& entry : map) entries.push_back(&entry);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + kPrefetchDistance < entries.size()) {
      __builtin_prefetch(entries[i + kPrefetchDistance]->first.data());
    }
    sorted.push_back(MakeSortItem(entries[i]->first, entries[i]->second));
  }
  entries = {};
  map = MemoryTarget::Family();  // free it while the other thread works
  internal::SortItemsInPlace(sorted.data(), sorted.data() + sorted.size());
  if (!logged) return sorted;  // a map's keys are distinct and live
  if (recounts != nullptr) {
    // (apply, unchanged) of each repeated Put, then summed per apply.
    std::vector<std::pair<uint32_t, bool>> repeats;
    for (size_t i = 1; i < sorted.size(); ++i) {
      const SortItem& previous = sorted[i - 1];
      const SortItem& item = sorted[i];
      if (item.key() != previous.key() || item.deleted() ||
          previous.deleted()) {
        continue;
      }
      repeats.emplace_back(item.apply, item.value() == previous.value());
    }
    std::sort(repeats.begin(), repeats.end());
    for (const auto& [apply, unchanged] : repeats) {
      if (recounts->empty() || recounts->back().apply != apply) {
        recounts->push_back({apply, 0, 0});
      }
      ++(unchanged ? recounts->back().unchanged : recounts->back().updated);
    }
  }
  // A map's key is never in the log (MemoryTarget::Logged), so it is kept
  // here as it is: not superseded, not deleted.
  size_t kept = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    bool superseded =
        i + 1 < sorted.size() && sorted[i + 1].key() == sorted[i].key();
    if (!superseded && !sorted[i].deleted()) sorted[kept++] = sorted[i];
  }
  sorted.resize(kept);
  return sorted;
}

// One family's SST file, written by WriteFamilySst.
struct FamilySst {
  std::string file;  // empty: the family has no keys
  absl::Status status;
  int64_t keys = 0;
  int64_t bytes = 0;
  std::vector<EdgeRecount> recounts;  // out_edge only (TakeSorted)
};

// Sorts family, writes it to out->file (or clears out->file when no key is
// left) and frees it. Thread-compatible: the threads of Finish each write
// other families.
absl::Status WriteFamilySst(const rocksdb::Options& options,
                            rocksdb::ColumnFamilyHandle* handle,
                            MemoryTarget& target, ColumnFamily family,
                            FamilySst* out) {
  ByteArena copies;
  SortItems sorted =
      TakeSorted(target, family, &copies,
                 family == internal::kOutEdge ? &out->recounts : nullptr);
  if (sorted.empty()) {
    out->file.clear();
    return absl::OkStatus();
  }
  std::string context = absl::StrCat("write ", out->file);
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, handle);
  CHAINKG_RETURN_IF_ERROR(FromRocksDb(writer.Open(out->file), context));
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i + kPrefetchDistance < sorted.size()) {
      __builtin_prefetch(sorted[i + kPrefetchDistance].key_data);
      __builtin_prefetch(sorted[i + kPrefetchDistance].value_data);
    }
    const SortItem& item = sorted[i];
    CHAINKG_RETURN_IF_ERROR(FromRocksDb(
        writer.Put(rocksdb::Slice(item.key_data, item.key_size),
                   rocksdb::Slice(item.value_data, item.value_size)),
        context));
  }
  out->keys = static_cast<int64_t>(sorted.size());
  sorted = {};
  rocksdb::ExternalSstFileInfo info;
  CHAINKG_RETURN_IF_ERROR(FromRocksDb(writer.Finish(&info), context));
  out->bytes = static_cast<int64_t>(info.file_size);
  return absl::OkStatus();
}

}  // namespace

struct BulkImporter::Impl {
  std::string path;
  MemoryTarget target;
  internal::SequenceCounters next_sequence = {1, 1, 1, 1, 1, 1, 1, 1};
  internal::AuditCounts totals;  // of the successful Apply calls
  int64_t applies = 0;           // Apply calls so far
  bool finished = false;
};

BulkImporter::BulkImporter(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

BulkImporter::~BulkImporter() = default;

absl::StatusOr<std::unique_ptr<BulkImporter>> BulkImporter::Create(
    const std::string& path) {
  std::error_code error;
  if (std::filesystem::exists(std::filesystem::path(path) / "CURRENT", error)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path,
                     ": a database exists there; chainkg-import only "
                     "builds new databases (load into a running server "
                     "with chainkg load instead)"));
  }
  // Only a new or empty directory: a failed import removes what it wrote,
  // and must never take other files with it.
  if (std::filesystem::exists(path, error) &&
      (!std::filesystem::is_directory(path, error) ||
       !std::filesystem::is_empty(path, error))) {
    return absl::FailedPreconditionError(
        absl::StrCat(path,
                     ": not an empty directory; chainkg-import writes a new "
                     "database into a new or empty directory"));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  return std::unique_ptr<BulkImporter>(new BulkImporter(std::move(impl)));
}

void BulkImporter::ExpectRecords(int64_t vertices, int64_t edges) {
  // An edge writes its out-edge and in-edge keys, and an index entry when
  // it names the product supplied; a vertex its record, its natural key
  // and about three more index entries (names, region, credentials).
  impl_->target.Reserve(internal::kVertex, vertices, 0);
  impl_->target.Reserve(internal::kIndex, vertices, 3 * vertices + edges);
  impl_->target.Reserve(internal::kOutEdge, 0, edges);
  impl_->target.Reserve(internal::kInEdge, 0, edges);
}

absl::StatusOr<WriteResult> BulkImporter::Apply(WriteRequest request) {
  return ApplyAndReturnRecords(request);
}

absl::StatusOr<WriteResult> BulkImporter::ApplyAndReturnRecords(
    WriteRequest& request) {
  const int64_t apply = impl_->applies++;
  if (impl_->finished) {
    return absl::FailedPreconditionError("import already finished");
  }
  if (apply > std::numeric_limits<uint32_t>::max()) {
    return absl::ResourceExhaustedError(
        "more than 4G writes in one import; import in parts and load the "
        "rest with chainkg load");
  }
  impl_->target.set_apply(static_cast<uint32_t>(apply));
  const auto records =
      static_cast<int64_t>(request.vertices.size() + request.edges.size());
  CHAINKG_ASSIGN_OR_RETURN(internal::PreparedWrite prepared,
                           internal::PrepareWrite(std::move(request)));
  internal::WriteTxn txn(impl_->target, impl_->next_sequence);
  WriteResult result;
  // The whole request is one savepoint, so a failure leaves nothing of it,
  // as a failed WriteBatch would.
  txn.SetSavePoint();
  absl::Status status = internal::ApplyPrepared(prepared, txn, &result);
  if (status.ok()) status = txn.WriteCounters();
  if (!status.ok()) {
    txn.RollbackToSavePoint().IgnoreError();  // in memory: cannot fail
  } else {
    status = txn.PopSavePoint();
    if (status.ok()) impl_->next_sequence = txn.next_sequence();
  }
  request.vertices = std::move(prepared.vertices);
  request.edges = std::move(prepared.edges);
  if (!status.ok()) return status;
  impl_->totals.Add(records, result);
  return result;
}

absl::StatusOr<ImportResult> BulkImporter::Finish(const AuditEntry& audit) {
  if (impl_->finished) {
    return absl::FailedPreconditionError("import already finished");
  }
  impl_->finished = true;
  // The same format marker Store::Open writes into a new database.
  CHAINKG_RETURN_IF_ERROR(impl_->target.Put(
      internal::kMeta, kMetaFormatVersionKey, absl::StrCat(kFormatVersion)));

  StoreOptions store_options;
  rocksdb::Options options = internal::DatabaseOptions(store_options);
  // The server's logger: RocksDB's own aborts on a write after a failed
  // one, as on a full disk (info_log.h).
  options.info_log = internal::OpenInfoLog(impl_->path, /*create_dir=*/true);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int i = 0; i < kCount; ++i) {
    families.emplace_back(
        kColumnFamilyNames[i],
        internal::FamilyOptions(static_cast<ColumnFamily>(i)));
  }
  // The directory was new or empty (Create checked): everything in it is
  // the import's own.
  auto remove_all = [this] {
    std::error_code ignored;  // best effort: clean up a failed import
    for (const auto& entry :
         std::filesystem::directory_iterator(impl_->path, ignored)) {
      std::filesystem::remove_all(entry.path(), ignored);
    }
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened =
      rocksdb::DB::Open(options, impl_->path, families, &handles, &raw);
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!opened.ok()) {
    remove_all();
    return FromRocksDb(opened, absl::StrCat("create ", impl_->path));
  }
  // Sort and write the families on two threads (the machine's cores),
  // biggest first, each thread taking the next family when it is done;
  // ingest them after, one by one, in family order.
  std::array<FamilySst, kCount> ssts;
  std::vector<int> order;
  for (int i = 0; i < kCount; ++i) {
    if (impl_->target.size(static_cast<ColumnFamily>(i)) > 0) {
      order.push_back(i);
    }
  }
  std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
    return impl_->target.size(static_cast<ColumnFamily>(a)) >
           impl_->target.size(static_cast<ColumnFamily>(b));
  });
  std::atomic<size_t> next_family{0};
  auto write_families = [&] {
    for (size_t k = next_family++; k < order.size(); k = next_family++) {
      int i = order[k];
      auto family = static_cast<ColumnFamily>(i);
      ssts[i].file =
          absl::StrCat(impl_->path, "/import-", kColumnFamilyNames[i], ".sst");
      rocksdb::Options family_options(static_cast<rocksdb::DBOptions>(options),
                                      internal::FamilyOptions(family));
      ssts[i].status = WriteFamilySst(family_options, handles[i], impl_->target,
                                      family, &ssts[i]);
    }
  };
  {
    std::thread other(write_families);
    write_families();
    other.join();
  }
  impl_->target.Clear();
  ImportResult result;
  // Edges counted created by Apply that repeat an earlier write.
  result.recounts = std::move(ssts[internal::kOutEdge].recounts);
  for (const EdgeRecount& recount : result.recounts) {
    impl_->totals.created -= recount.updated + recount.unchanged;
    impl_->totals.updated += recount.updated;
    impl_->totals.unchanged += recount.unchanged;
  }
  absl::Status status = absl::OkStatus();
  for (int i = 0; i < kCount && status.ok(); ++i) {
    if (ssts[i].file.empty()) continue;  // an empty family
    status = ssts[i].status;
    if (!status.ok()) break;
    result.keys += ssts[i].keys;
    result.sst_bytes += ssts[i].bytes;
    rocksdb::IngestExternalFileOptions ingest;
    ingest.move_files = true;
    status =
        FromRocksDb(db->IngestExternalFile(handles[i], {ssts[i].file}, ingest),
                    absl::StrCat("ingest ", ssts[i].file));
  }
  if (status.ok() && !audit.principal.empty()) {
    // The only write that goes through the WAL: its sequence is the next.
    const uint64_t sequence = db->GetLatestSequenceNumber() + 1;
    const absl::Time now = absl::Now();
    rocksdb::WriteOptions synced;
    synced.sync = true;
    status = FromRocksDb(
        db->Put(synced, handles[internal::kMeta],
                AuditKey(absl::ToUnixMicros(now), sequence),
                internal::MakeAuditRecord(audit, now, impl_->totals, sequence)
                    .SerializeAsString()),
        "write the import's audit record");
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    absl::Status destroyed =
        FromRocksDb(db->DestroyColumnFamilyHandle(handle), "close");
    if (status.ok()) status = destroyed;
  }
  absl::Status closed = FromRocksDb(db->Close(), "close");
  if (status.ok()) status = closed;
  db.reset();
  if (!status.ok()) {
    remove_all();
    return status;
  }
  return result;
}

}  // namespace chainkg::graph
