#include "graph/store/store.h"

#include <algorithm>
#include <array>
#include <deque>
#include <filesystem>
#include <future>
#include <limits>
#include <memory>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"

#include "graph/store/background_errors.h"
#include "graph/store/byte_arena.h"
#include "graph/store/change_journal.h"
#include "graph/store/db_options.h"
#include "graph/store/info_log.h"
#include "graph/store/key_codec.h"
#include "graph/store/rocksdb_status.h"
#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "graph/store/wal_tail.h"
#include "graph/store/write_txn.h"
#include "util/codes.h"
#include "util/field_error.h"
#include "util/status_macros.h"
#include "util/text_normalize.h"

namespace chainkg::graph {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
// How many scanned entries between two deadline checks.
constexpr int64_t kDeadlineCheckInterval = 256;

using internal::ColumnFamily;
using internal::kAllVertexKinds;
using internal::kColumnFamilyNames;
using internal::kCount;
using internal::kIndex;
using internal::kInEdge;
using internal::kMeta;
using internal::kOutEdge;
using internal::kVertex;
using internal::RefText;
using internal::SecondaryIndexKeys;

// ---------------------------------------------------------------------------
// Page tokens: web-safe base64 of
//   [version:1 = 1][purpose:1][fingerprint:8][resume key: rest]
// The fingerprint is FNV-1a over the query's parameters, so a token only
// continues the query that produced it. The resume key is the last key
// returned; the next page starts strictly after it.
// ---------------------------------------------------------------------------

constexpr char kTokenVersion = 1;
enum class TokenPurpose : char { kList = 'L', kSearch = 'S', kEdges = 'E' };

class Fingerprint {
 public:
  Fingerprint& Add(absl::string_view bytes) {
    for (char c : bytes) {
      hash_ ^= static_cast<uint8_t>(c);
      hash_ *= 1099511628211ull;
    }
    // Separator so ("ab","c") and ("a","bc") differ.
    hash_ ^= 0xff;
    hash_ *= 1099511628211ull;
    return *this;
  }
  Fingerprint& Add(int64_t value) { return Add(absl::StrCat(value)); }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 14695981039346656037ull;
};

std::string EncodeToken(TokenPurpose purpose, uint64_t fingerprint,
                        absl::string_view resume_key) {
  std::string raw;
  raw.push_back(kTokenVersion);
  raw.push_back(static_cast<char>(purpose));
  AppendUint64(&raw, fingerprint);
  raw.append(resume_key.data(), resume_key.size());
  return absl::WebSafeBase64Escape(raw);
}

// The resume key of a token, or "" for an empty token.
absl::StatusOr<std::string> DecodeToken(absl::string_view token,
                                        TokenPurpose purpose,
                                        uint64_t fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 11 ||
      raw[0] != kTokenVersion) {
    return InvalidField("page_token", "not a token this server issued");
  }
  if (raw[1] != static_cast<char>(purpose) ||
      ReadUint64(absl::string_view(raw).substr(2)) != fingerprint) {
    return InvalidField("page_token",
                        "token belongs to a different query; repeat the "
                        "request with the same parameters");
  }
  return raw.substr(10);
}

absl::StatusOr<size_t> EffectivePageSize(int page_size) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  if (page_size == 0) return size_t{kDefaultPageSize};
  return static_cast<size_t>(std::min(page_size, kMaxPageSize));
}

// Counts scanned entries and checks the deadline now and then.
class ScanBudget {
 public:
  explicit ScanBudget(const ScanLimits& limits) : limits_(limits) {}

  // DEADLINE_EXCEEDED when the deadline passed.
  absl::Status Step() {
    ++scanned_;
    if (scanned_ % kDeadlineCheckInterval == 0 &&
        absl::Now() > limits_.deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "deadline passed after scanning ", scanned_, " entries"));
    }
    return absl::OkStatus();
  }
  bool Exhausted() const { return scanned_ >= limits_.max_scanned; }

 private:
  const ScanLimits& limits_;
  int64_t scanned_ = 0;
};

rocksdb::Slice ToSlice(absl::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

std::string KeyAfter(absl::string_view key) {
  std::string next(key);
  next.push_back('\0');
  return next;
}

// The least time between two attempts to resume writes stopped by a
// background error (background_errors.h).
constexpr absl::Duration kResumeInterval = absl::Seconds(1);

// The DATA_LOSS of an open RocksDB refused for corruption, naming the
// damaged WAL and where when check found it; cut is what was cut off a WAL
// before (empty: nothing).
absl::Status CorruptDatabase(const std::string& path,
                             const rocksdb::Status& status,
                             const absl::StatusOr<internal::WalCheck>& check,
                             const std::string& cut) {
  std::string damage =
      !check.ok() ? absl::StrCat("the write-ahead logs could not be read: ",
                                 check.status().message())
      : !check->damage.empty()
          ? absl::StrCat("write-ahead log ", check->damage)
          : "the write-ahead logs read intact, so a table or MANIFEST file "
            "is damaged";
  return absl::DataLossError(
      absl::StrCat("open ", path, ": the database is corrupted: ", damage,
                   " (RocksDB: ", status.ToString(), "); ",
                   cut.empty() ? "nothing was changed or dropped"
                               : absl::StrCat("the only change made: ", cut)));
}

// A write's own Puts and Deletes, held in memory over the database: each
// key's new value, or nullopt for a delete. Keys and values are views into
// bytes.
using PendingValue = std::optional<absl::string_view>;
using PendingFamily = absl::flat_hash_map<absl::string_view, PendingValue>;
struct PendingKeys {
  internal::ByteArena bytes;
  std::array<PendingFamily, kCount> families;
};

// A write applied (its reads and checks done, its batch built) that the
// commit thread has not yet made durable. Later writes read through its
// keys until it is committed, so they can be applied while it is written.
struct Commit {
  std::unique_ptr<const PendingKeys> keys;
  rocksdb::WriteBatch batch;
  // The id counters before this write, restored if it fails.
  internal::SequenceCounters counters_before = {};
  // The RocksDB sequence number of the batch's first entry.
  uint64_t first_sequence = 0;
  WriteResult result;
  // Called once, with result or the error, on the commit thread (or the
  // applying one when the write fails before it is handed over).
  std::function<void(absl::StatusOr<WriteResult>)> done;
};

// How many applied writes may wait for the commit thread (the one being
// written included) before the next write waits to be applied.
constexpr size_t kMaxUncommitted = 4;

}  // namespace

// ---------------------------------------------------------------------------
// Impl: owns the DB and its column family handles.
// ---------------------------------------------------------------------------

struct Store::Impl {
  ~Impl() {
    if (committer.joinable()) {
      {
        absl::MutexLock lock(&queue_mu);
        stopping = true;
      }
      committer.join();  // after committing what was applied
    }
    // Destruction cannot report errors; a failing Close() means a final
    // flush failed, and the synced WAL still holds every write.
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      if (handle != nullptr)
        db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    handles.clear();
    if (db != nullptr) db->Close().PermitUncheckedError();
  }

  rocksdb::ColumnFamilyHandle* cf(ColumnFamily which) const {
    return handles[which];
  }

  // Reads one value on a snapshot; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Read(
      const rocksdb::ReadOptions& options, ColumnFamily which,
      absl::string_view key) const {
    std::string value;
    rocksdb::Status status = db->Get(options, cf(which), ToSlice(key), &value);
    if (status.IsNotFound()) return std::optional<std::string>();
    if (!status.ok()) return FromRocksDb(status, "read");
    return std::optional<std::string>(std::move(value));
  }

  absl::StatusOr<std::optional<VertexId>> LookupId(
      const rocksdb::ReadOptions& options, const v1::VertexRef& ref) const {
    CHAINKG_ASSIGN_OR_RETURN(
        std::optional<std::string> value,
        Read(options, kIndex, NaturalKeyIndexKey(ref.kind(), ref.key())));
    if (!value.has_value()) return std::optional<VertexId>();
    if (value->size() != kIdBytes) {
      return absl::DataLossError(absl::StrCat("natural-key index entry of ",
                                              RefText(ref), " is malformed"));
    }
    return std::optional<VertexId>(VertexId(ReadUint64(*value)));
  }

  absl::StatusOr<v1::Vertex> ReadVertex(const rocksdb::ReadOptions& options,
                                        VertexId id) const {
    CHAINKG_ASSIGN_OR_RETURN(std::optional<std::string> value,
                             Read(options, kVertex, VertexKey(id)));
    if (!value.has_value()) {
      return absl::DataLossError(absl::StrCat("index points to vertex ",
                                              id.value(), " which is missing"));
    }
    v1::Vertex vertex;
    if (!vertex.ParseFromString(*value)) {
      return absl::DataLossError(
          absl::StrCat("vertex ", id.value(), " does not parse"));
    }
    return vertex;
  }

  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  StoreOptions options;

  // Commits the writes in uncommitted, oldest first, one at a time.
  void RunCommitter();

  // Serializes the applying of writes, so a write's reads and its batch
  // see one state: the database plus the writes applied before it that
  // are not committed yet. The state below is that speculative one: a
  // failed commit resets it (RunCommitter).
  absl::Mutex write_mu;
  // Next unused sequence per vertex kind; persisted in the same batch as
  // the vertices that use it.
  internal::SequenceCounters next_sequence ABSL_GUARDED_BY(write_mu) = {};
  // Natural keys of applied vertices, so that a write's edges need not
  // read the index for the vertices they name.
  internal::CommittedIds committed_ids ABSL_GUARDED_BY(write_mu);
  // Guards the queue between the writers and the commit thread; taken
  // after write_mu when both are held.
  absl::Mutex queue_mu ABSL_ACQUIRED_AFTER(write_mu);
  // Applied writes not yet committed, oldest first; the front one is being
  // written. About kMaxUncommitted at most. Only writers holding write_mu
  // add to it.
  std::deque<std::shared_ptr<Commit>> uncommitted ABSL_GUARDED_BY(queue_mu);
  bool stopping ABSL_GUARDED_BY(queue_mu) = false;
  std::thread committer;
  // Registered in the DB's options; resumes writes stopped by a full disk.
  std::shared_ptr<internal::BackgroundErrorListener> background_errors;
  // What Open repaired (Store::recovery_note).
  std::string recovery_note;
  // The changes of committed writes, for a live view (ChangesSince).
  internal::ChangeJournal journal;
};

namespace {

// The online MutationTarget. A write's own Puts and Deletes are held in
// memory over the database and over the writes applied before it that are
// not committed yet (overlays), so later steps of one write read what
// earlier steps wrote (a key upserted twice, an edge to a vertex created in
// the same batch) and what the writes before it wrote. The keys go into
// one WriteBatch holding each key once, in key order per family: the
// memtable then inserts neighbouring keys one after the other, which costs
// far fewer comparisons than random order. Used under Impl::write_mu only.
class RocksDbTarget final : public internal::MutationTarget {
 public:
  // overlays: the uncommitted writes, oldest first.
  RocksDbTarget(Store::Impl& impl,
                std::vector<std::shared_ptr<const Commit>> overlays)
      : impl_(impl),
        overlays_(std::move(overlays)),
        keys_(std::make_unique<PendingKeys>()) {}

  absl::StatusOr<std::optional<std::string>> Get(
      ColumnFamily family, absl::string_view key) override {
    const PendingValue* pending = FindPending(family, key);
    if (pending == nullptr) return impl_.Read(read_, family, key);
    if (!pending->has_value()) return std::optional<std::string>();
    return std::optional<std::string>(std::in_place, (*pending)->data(),
                                      (*pending)->size());
  }

  absl::StatusOr<std::vector<std::string>> KeysWithPrefix(
      ColumnFamily family, absl::string_view prefix) override {
    // Only deletes of vertices scan; a write's own keys are few.
    absl::flat_hash_set<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it(
        impl_.db->NewIterator(read_, impl_.cf(family)));
    for (it->Seek(ToSlice(prefix));
         it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
      keys.emplace(ToView(it->key()));
    }
    if (!it->status().ok()) return FromRocksDb(it->status(), "scan");
    auto apply = [&](const PendingFamily& pending) {
      for (const auto& [key, value] : pending) {
        if (!absl::StartsWith(key, prefix)) continue;
        if (value.has_value()) {
          keys.emplace(key);
        } else {
          keys.erase(key);
        }
      }
    };
    for (const auto& overlay : overlays_)
      apply(overlay->keys->families[family]);
    apply(keys_->families[family]);
    std::vector<std::string> sorted(keys.begin(), keys.end());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }

  absl::Status Put(ColumnFamily family, absl::string_view key,
                   absl::string_view value) override {
    Set(family, key, keys_->bytes.Copy(value));
    return absl::OkStatus();
  }

  absl::Status Delete(ColumnFamily family, absl::string_view key) override {
    Set(family, key, std::nullopt);
    return absl::OkStatus();
  }

  void SetSavePoint() override { savepoints_.push_back(undo_.size()); }

  absl::Status RollbackToSavePoint() override {
    size_t mark = savepoints_.back();
    savepoints_.pop_back();
    while (undo_.size() > mark) {
      const Undo& undo = undo_.back();
      PendingFamily& pending = keys_->families[undo.family];
      if (undo.existed) {
        pending.insert_or_assign(undo.key, undo.previous);
      } else {
        pending.erase(undo.key);
      }
      undo_.pop_back();
    }
    return absl::OkStatus();
  }

  absl::Status PopSavePoint() override {
    savepoints_.pop_back();
    // With no savepoint left nothing can be rolled back: drop the log.
    if (savepoints_.empty()) undo_.clear();
    return absl::OkStatus();
  }

  // Puts every pending key into batch, in key order per family.
  absl::Status BuildBatch(rocksdb::WriteBatch* batch) const {
    std::vector<std::pair<absl::string_view, const PendingValue*>> sorted;
    for (int family = 0; family < kCount; ++family) {
      const PendingFamily& pending = keys_->families[family];
      sorted.clear();
      sorted.reserve(pending.size());
      for (const auto& [key, value] : pending) sorted.emplace_back(key, &value);
      std::sort(sorted.begin(), sorted.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      rocksdb::ColumnFamilyHandle* handle =
          impl_.cf(static_cast<ColumnFamily>(family));
      for (const auto& [key, value] : sorted) {
        rocksdb::Status status =
            value->has_value()
                ? batch->Put(handle, ToSlice(key), ToSlice(**value))
                : batch->Delete(handle, ToSlice(key));
        CHAINKG_RETURN_IF_ERROR(FromRocksDb(status, "batch"));
      }
    }
    return absl::OkStatus();
  }

  // The pending keys, for later writes to read through; the target is done.
  std::unique_ptr<const PendingKeys> ReleaseKeys() { return std::move(keys_); }

 private:
  // A key's pending state in this write or, newest first, the overlays;
  // null when none of them has it.
  const PendingValue* FindPending(ColumnFamily family,
                                  absl::string_view key) const {
    const PendingFamily& own = keys_->families[family];
    if (auto it = own.find(key); it != own.end()) return &it->second;
    for (auto overlay = overlays_.rbegin(); overlay != overlays_.rend();
         ++overlay) {
      const PendingFamily& pending = (*overlay)->keys->families[family];
      if (auto it = pending.find(key); it != pending.end()) return &it->second;
    }
    return nullptr;
  }

  // What a Put or Delete changed, for RollbackToSavePoint.
  struct Undo {
    ColumnFamily family;
    absl::string_view key;
    PendingValue previous;
    bool existed;  // false: key was not pending before
  };

  void Set(ColumnFamily family, absl::string_view key, PendingValue value) {
    PendingFamily& pending = keys_->families[family];
    auto it = pending.find(key);
    if (it == pending.end()) {
      absl::string_view stored_key = keys_->bytes.Copy(key);
      pending.emplace(stored_key, value);
      if (!savepoints_.empty()) {
        undo_.push_back({family, stored_key, {}, false});
      }
      return;
    }
    if (!savepoints_.empty()) {
      undo_.push_back({family, it->first, it->second, true});
    }
    it->second = value;
  }

  Store::Impl& impl_;
  const rocksdb::ReadOptions read_;
  const std::vector<std::shared_ptr<const Commit>> overlays_;
  std::unique_ptr<PendingKeys> keys_;
  std::vector<Undo> undo_;
  std::vector<size_t> savepoints_;
};

// Bounds Impl::committed_ids: about 100 bytes each.
constexpr size_t kMaxCommittedIds = size_t{1} << 20;

// The audit record of a write, put in the write's own batch so that the
// data and its record commit together; sequence is the one the batch will
// get.
absl::Status PutAudit(internal::MutationTarget& target, const AuditEntry& audit,
                      int64_t records, uint64_t sequence,
                      const WriteResult& result) {
  absl::Time now = absl::Now();
  internal::AuditCounts counts;
  counts.Add(records, result);
  return target.Put(kMeta, AuditKey(absl::ToUnixMicros(now), sequence),
                    internal::MakeAuditRecord(audit, now, counts, sequence)
                        .SerializeAsString());
}

// Applies body in one transaction with its audit record (none when
// audit.principal is empty) and hands the batch to the commit thread, which
// calls done once the batch is durable or failed. Errors of body call done
// at once and leave nothing behind.
template <typename Body>
void SubmitWrite(Store::Impl& impl, const AuditEntry& audit, int64_t records,
                 Body body,
                 std::function<void(absl::StatusOr<WriteResult>)> done) {
  auto commit = std::make_shared<Commit>();
  commit->done = std::move(done);
  absl::Status status = [&] {
    auto room = [&impl]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return impl.uncommitted.size() < kMaxUncommitted;
    };
    std::vector<std::shared_ptr<const Commit>> overlays;
    // Waiting for room before taking write_mu lets the commit thread take
    // write_mu when a commit fails; concurrent writers may so exceed the
    // bound by their number.
    impl.queue_mu.LockWhen(absl::Condition(&room));
    impl.queue_mu.Unlock();
    absl::MutexLock lock(&impl.write_mu);
    {
      // Only writers holding write_mu add to uncommitted: these are all the
      // writes applied and not yet committed (or committed since).
      absl::MutexLock queue_lock(&impl.queue_mu);
      overlays.assign(impl.uncommitted.begin(), impl.uncommitted.end());
    }
    CHAINKG_RETURN_IF_ERROR(impl.background_errors->ResumeIfStopped(*impl.db));
    RocksDbTarget target(impl, std::move(overlays));
    internal::WriteTxn txn(target, impl.next_sequence, &impl.committed_ids);
    WriteResult& result = commit->result;
    CHAINKG_RETURN_IF_ERROR(body(txn, &result));
    CHAINKG_RETURN_IF_ERROR(txn.WriteCounters());
    // RocksDB gives a batch one sequence number per entry, after those of
    // the batches committed before it.
    {
      absl::MutexLock queue_lock(&impl.queue_mu);
      commit->first_sequence = impl.uncommitted.empty()
                                   ? impl.db->GetLatestSequenceNumber() + 1
                                   : impl.uncommitted.back()->first_sequence +
                                         impl.uncommitted.back()->batch.Count();
    }
    if (!audit.principal.empty()) {
      CHAINKG_RETURN_IF_ERROR(
          PutAudit(target, audit, records, commit->first_sequence, result));
    }
    CHAINKG_RETURN_IF_ERROR(target.BuildBatch(&commit->batch));
    commit->keys = target.ReleaseKeys();
    commit->counters_before = impl.next_sequence;
    result.sequence = commit->first_sequence + commit->batch.Count() - 1;
    impl.next_sequence = txn.next_sequence();
    txn.PublishIds(&impl.committed_ids);
    // Past the bound, start over rather than track recency: a cleared cache
    // refills from the index at the cost of one read per key.
    if (impl.committed_ids.size() > kMaxCommittedIds) {
      impl.committed_ids.clear();
    }
    absl::MutexLock queue_lock(&impl.queue_mu);
    impl.uncommitted.push_back(commit);
    return absl::OkStatus();
  }();
  if (!status.ok()) commit->done(status);
}

// Calls submit with a callback and waits for the result given to it. The
// callback owns the promise: the commit thread may still be inside
// set_value when the waiter returns.
template <typename SubmitFn>
absl::StatusOr<WriteResult> AwaitWrite(SubmitFn submit) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<WriteResult>>>();
  std::future<absl::StatusOr<WriteResult>> future = promise->get_future();
  submit([promise](absl::StatusOr<WriteResult> result) {
    promise->set_value(std::move(result));
  });
  return future.get();
}

template <typename Body>
absl::StatusOr<WriteResult> RunWrite(Store::Impl& impl, const AuditEntry& audit,
                                     int64_t records, Body body) {
  return AwaitWrite([&](std::function<void(absl::StatusOr<WriteResult>)> done) {
    SubmitWrite(impl, audit, records, std::move(body), std::move(done));
  });
}

}  // namespace

namespace {

// What a committed write did to vertices and out-edges, for the journal.
internal::JournalWrite JournalWriteOf(const Commit& commit) {
  internal::JournalWrite write;
  write.first_sequence = commit.first_sequence;
  write.last_sequence = commit.first_sequence + commit.batch.Count() - 1;
  write.committed = absl::Now();
  auto copy = [&write](const PendingFamily& family, auto* out) {
    out->reserve(family.size());
    for (const auto& [key, value] : family) {
      out->emplace_back(std::string(key),
                        value.has_value()
                            ? std::optional<std::string>(std::string(*value))
                            : std::nullopt);
      write.bytes += key.size() + (value.has_value() ? value->size() : 0) + 64;
    }
  };
  copy(commit.keys->families[kVertex], &write.vertices);
  copy(commit.keys->families[kOutEdge], &write.edges);
  return write;
}

}  // namespace

void Store::Impl::RunCommitter() {
  rocksdb::WriteOptions write_options;
  write_options.sync = options.sync_writes;
  auto ready = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return !uncommitted.empty() || stopping;
  };
  while (true) {
    std::shared_ptr<Commit> commit;
    {
      absl::MutexLock lock(&queue_mu, absl::Condition(&ready));
      if (uncommitted.empty()) return;  // stopping, and nothing left
      commit = uncommitted.front();
    }
    absl::Status status =
        FromRocksDb(db->Write(write_options, &commit->batch), "write");
    std::vector<std::shared_ptr<Commit>> failed;
    if (status.ok()) {
      absl::MutexLock lock(&queue_mu);
      uncommitted.pop_front();
    } else {
      // The writes applied after this one read its keys, so none of them
      // can be committed either; the speculative state goes back to the
      // committed one. Taking write_mu first waits for a write being
      // applied, which then fails too.
      absl::MutexLock lock(&write_mu);
      absl::MutexLock queue_lock(&queue_mu);
      next_sequence = commit->counters_before;
      committed_ids.clear();
      failed.assign(uncommitted.begin(), uncommitted.end());
      uncommitted.clear();
    }
    if (status.ok()) {
      if (journal.started()) journal.Record(JournalWriteOf(*commit));
      commit->done(std::move(commit->result));
      continue;
    }
    commit->done(status);
    for (size_t i = 1; i < failed.size(); ++i) {
      failed[i]->done(absl::Status(
          status.code(),
          absl::StrCat("not written, because the write before it failed: ",
                       status.message())));
    }
  }
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(
    const std::string& path, const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int i = 0; i < kCount; ++i) {
    families.emplace_back(
        kColumnFamilyNames[i],
        internal::FamilyOptions(static_cast<ColumnFamily>(i)));
  }
  // A RocksDB that is not ours must not be adopted: check its column
  // families before opening (which would create ours in it).
  std::vector<std::string> existing;
  bool existed =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &existing)
          .ok();
  if (existed) {
    std::vector<std::string> expected(kColumnFamilyNames.begin(),
                                      kColumnFamilyNames.end());
    std::sort(existing.begin(), existing.end());
    std::sort(expected.begin(), expected.end());
    if (existing != expected) {
      return absl::FailedPreconditionError(absl::StrCat(
          "open ", path, ": not a chainkg database (column families ",
          absl::StrJoin(existing, ", "), ")"));
    }
  }
  rocksdb::Options db_options = internal::DatabaseOptions(options);
  // RocksDB's own LOG writer aborts the process on a full disk.
  db_options.info_log = internal::OpenInfoLog(path, options.create_if_missing);
  impl->background_errors =
      std::make_shared<internal::BackgroundErrorListener>(kResumeInterval);
  db_options.listeners.push_back(impl->background_errors);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status =
      rocksdb::DB::Open(db_options, path, families, &impl->handles, &raw);
  if (status.IsCorruption()) {
    // kAbsoluteConsistency refuses the incomplete last write a crash leaves
    // in the WAL as well as real damage: cut the former off and retry.
    absl::StatusOr<internal::WalCheck> check = internal::CheckWals(path);
    if (check.ok() && check->cut.has_value()) {
      impl->recovery_note = *check->cut;
      impl->handles.clear();
      status =
          rocksdb::DB::Open(db_options, path, families, &impl->handles, &raw);
      if (status.IsCorruption()) check = internal::CheckWals(path);
    }
    if (status.IsCorruption()) {
      return CorruptDatabase(path, status, check, impl->recovery_note);
    }
  }
  impl->db.reset(raw);
  if (!status.ok()) {
    if (status.IsInvalidArgument() &&
        absl::StrContains(status.ToString(), "does not exist")) {
      return absl::NotFoundError(absl::StrCat(
          "open ", path, ": no database there (", status.ToString(), ")"));
    }
    return FromRocksDb(status, absl::StrCat("open ", path));
  }

  rocksdb::ReadOptions read;
  CHAINKG_ASSIGN_OR_RETURN(std::optional<std::string> version,
                           impl->Read(read, kMeta, kMetaFormatVersionKey));
  if (!version.has_value() && existed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "open ", path, ": not a chainkg database (no format version)"));
  }
  if (!version.has_value()) {
    rocksdb::WriteOptions write;
    write.sync = true;
    CHAINKG_RETURN_IF_ERROR(
        FromRocksDb(impl->db->Put(write, impl->cf(kMeta), kMetaFormatVersionKey,
                                  absl::StrCat(kFormatVersion)),
                    "write format version"));
  } else if (*version != absl::StrCat(kFormatVersion)) {
    return absl::FailedPreconditionError(
        absl::StrCat("open ", path, ": database format version ", *version,
                     ", this build reads version ", kFormatVersion));
  }
  absl::MutexLock lock(&impl->write_mu);
  for (v1::VertexKind kind : kAllVertexKinds) {
    CHAINKG_ASSIGN_OR_RETURN(std::optional<std::string> next,
                             impl->Read(read, kMeta, NextSequenceKey(kind)));
    if (next.has_value() && next->size() != 8) {
      return absl::DataLossError(absl::StrCat("open ", path, ": id counter of ",
                                              KindName(kind), " is malformed"));
    }
    // Never hand out an id that is in use, even if the counter lags.
    std::unique_ptr<rocksdb::Iterator> it(
        impl->db->NewIterator(read, impl->cf(kVertex)));
    it->SeekForPrev(VertexKindBegin(static_cast<v1::VertexKind>(kind + 1)));
    uint64_t in_use = 0;
    if (it->Valid()) {
      std::optional<VertexId> last = ParseVertexKey(ToView(it->key()));
      if (last.has_value() && last->kind() == kind) in_use = last->sequence();
    }
    CHAINKG_RETURN_IF_ERROR(FromRocksDb(it->status(), "open: scan ids"));
    impl->next_sequence[kind] = std::max<uint64_t>(
        next.has_value() ? ReadUint64(*next) : 1, in_use + 1);
  }
  Impl* started = impl.get();
  impl->committer = std::thread([started] { started->RunCommitter(); });
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

absl::StatusOr<WriteResult> Store::Apply(WriteRequest request) {
  return AwaitWrite([&](std::function<void(absl::StatusOr<WriteResult>)> done) {
    Submit(std::move(request), std::move(done));
  });
}

void Store::Submit(WriteRequest request,
                   std::function<void(absl::StatusOr<WriteResult>)> done) {
  AuditEntry audit = std::move(request.audit);
  auto records =
      static_cast<int64_t>(request.vertices.size() + request.edges.size());
  // Checked and canonicalized outside the lock.
  absl::StatusOr<internal::PreparedWrite> prepared =
      internal::PrepareWrite(std::move(request));
  if (!prepared.ok()) {
    done(prepared.status());
    return;
  }
  SubmitWrite(
      *impl_, audit, records,
      [&](internal::WriteTxn& txn, WriteResult* out) {
        return internal::ApplyPrepared(*prepared, txn, out);
      },
      std::move(done));
}

absl::StatusOr<WriteResult> Store::UpsertVertices(
    absl::Span<const v1::Vertex> vertices, UpsertMode mode) {
  WriteRequest request;
  request.vertices.assign(vertices.begin(), vertices.end());
  request.mode = mode;
  return Apply(std::move(request));
}

absl::StatusOr<WriteResult> Store::DeleteVertices(
    absl::Span<const v1::VertexRef> refs, const AuditEntry& audit) {
  std::vector<v1::VertexRef> canonical(refs.begin(), refs.end());
  for (size_t i = 0; i < canonical.size(); ++i) {
    CHAINKG_RETURN_IF_ERROR(NestField(CanonicalizeRef(&canonical[i]),
                                      absl::StrCat("refs[", i, "]")));
  }
  return RunWrite(
      *impl_, audit, static_cast<int64_t>(canonical.size()),
      [&](internal::WriteTxn& txn, WriteResult* out) -> absl::Status {
        for (size_t i = 0; i < canonical.size(); ++i) {
          CHAINKG_RETURN_IF_ERROR(NestField(txn.DeleteVertex(canonical[i], out),
                                            absl::StrCat("refs[", i, "]")));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<WriteResult> Store::UpsertEdges(
    absl::Span<const v1::Edge> edges) {
  WriteRequest request;
  request.edges.assign(edges.begin(), edges.end());
  return Apply(std::move(request));
}

absl::StatusOr<WriteResult> Store::DeleteEdges(absl::Span<const v1::Edge> edges,
                                               const AuditEntry& audit) {
  std::vector<v1::Edge> canonical(edges.begin(), edges.end());
  for (size_t i = 0; i < canonical.size(); ++i) {
    CHAINKG_RETURN_IF_ERROR(NestField(CanonicalizeEdgeIdentity(&canonical[i]),
                                      absl::StrCat("edges[", i, "]")));
  }
  return RunWrite(
      *impl_, audit, static_cast<int64_t>(canonical.size()),
      [&](internal::WriteTxn& txn, WriteResult* out) -> absl::Status {
        for (size_t i = 0; i < canonical.size(); ++i) {
          CHAINKG_RETURN_IF_ERROR(NestField(txn.DeleteEdge(canonical[i], out),
                                            absl::StrCat("edges[", i, "]")));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<VertexLookup> Store::GetVertex(const v1::VertexRef& ref) const {
  CHAINKG_ASSIGN_OR_RETURN(BatchLookup batch, BatchGetVertices({ref}));
  VertexLookup lookup;
  lookup.vertex = std::move(batch.vertices[0]);
  lookup.sequence = batch.sequence;
  return lookup;
}

absl::StatusOr<BatchLookup> Store::BatchGetVertices(
    absl::Span<const v1::VertexRef> refs) const {
  std::vector<v1::VertexRef> canonical(refs.begin(), refs.end());
  for (size_t i = 0; i < canonical.size(); ++i) {
    absl::Status status = CanonicalizeRef(&canonical[i]);
    if (!status.ok()) {
      // A single Get names the ref's own fields; a batch names the index.
      return refs.size() == 1
                 ? status
                 : NestField(status, absl::StrCat("refs[", i, "]"));
    }
  }
  rocksdb::ManagedSnapshot snapshot(impl_->db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  BatchLookup result;
  result.sequence = snapshot.snapshot()->GetSequenceNumber();
  for (const v1::VertexRef& ref : canonical) {
    CHAINKG_ASSIGN_OR_RETURN(std::optional<VertexId> id,
                             impl_->LookupId(read, ref));
    if (!id.has_value()) {
      result.vertices.emplace_back();
      continue;
    }
    CHAINKG_ASSIGN_OR_RETURN(v1::Vertex vertex, impl_->ReadVertex(read, *id));
    result.vertices.emplace_back(std::move(vertex));
  }
  return result;
}

absl::StatusOr<VertexPage> Store::ListVertices(v1::VertexKind kind,
                                               const PageRequest& page,
                                               const ScanLimits& limits) const {
  if (kind == v1::VERTEX_KIND_UNSPECIFIED || !v1::VertexKind_IsValid(kind)) {
    return InvalidField("kind", "required");
  }
  CHAINKG_ASSIGN_OR_RETURN(size_t page_size, EffectivePageSize(page.page_size));
  uint64_t fingerprint = Fingerprint().Add(int64_t{kind}).value();
  CHAINKG_ASSIGN_OR_RETURN(
      std::string resume,
      DecodeToken(page.page_token, TokenPurpose::kList, fingerprint));
  std::string begin = VertexKindBegin(kind);
  std::string end = VertexKindBegin(static_cast<v1::VertexKind>(kind + 1));
  if (!resume.empty() && (resume < begin || resume >= end)) {
    return InvalidField("page_token", "not a token for this kind");
  }

  rocksdb::ManagedSnapshot snapshot(impl_->db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  rocksdb::Slice upper(end);
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(read, impl_->cf(kVertex)));
  VertexPage result;
  result.sequence = snapshot.snapshot()->GetSequenceNumber();
  ScanBudget budget(limits);
  bool more = false;
  for (it->Seek(resume.empty() ? begin : KeyAfter(resume)); it->Valid();
       it->Next()) {
    if (result.vertices.size() == page_size || budget.Exhausted()) {
      more = true;
      break;
    }
    CHAINKG_RETURN_IF_ERROR(budget.Step());
    v1::Vertex vertex;
    if (!vertex.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat(
          "vertex ", ReadUint64(ToView(it->key())), " does not parse"));
    }
    result.vertices.push_back(std::move(vertex));
    resume = it->key().ToString();
  }
  if (!it->status().ok()) return FromRocksDb(it->status(), "list vertices");
  if (more) {
    result.next_page_token =
        EncodeToken(TokenPurpose::kList, fingerprint, resume);
  }
  return result;
}

absl::StatusOr<VertexPage> Store::SearchVertices(
    const SearchQuery& query, const PageRequest& page,
    const ScanLimits& limits) const {
  // --- Check the query.
  v1::VertexKind kind = query.kind;
  if (kind == v1::VERTEX_KIND_UNSPECIFIED) kind = v1::VERTEX_KIND_FIRM;
  if (!v1::VertexKind_IsValid(kind)) return InvalidField("kind", "unknown");
  bool located =
      kind == v1::VERTEX_KIND_FIRM || kind == v1::VERTEX_KIND_PLATFORM;
  if (!query.region_prefix.empty()) {
    absl::Status status = ValidateRegionPrefix(query.region_prefix);
    if (!status.ok()) return InvalidField("region_prefix", status.message());
    if (!located) {
      return InvalidField("region_prefix",
                          "only firms and platforms have a region");
    }
  }
  if (!query.country.empty()) {
    absl::Status status = ValidateCountryCode(query.country);
    if (!status.ok()) return InvalidField("country", status.message());
    if (!located) {
      return InvalidField("country", "only firms and platforms have a country");
    }
    if (!query.region_prefix.empty() && query.country != "CN") {
      return InvalidField(
          "region_prefix",
          "region codes are for CN; country is " + query.country);
    }
  }
  if (!v1::CredentialKind_IsValid(query.credential_kind)) {
    return InvalidField("credential_kind", "unknown value");
  }
  if (!v1::Level_IsValid(query.credential_level)) {
    return InvalidField("credential_level", "unknown value");
  }
  bool by_credential = query.credential_kind != v1::CREDENTIAL_KIND_UNSPECIFIED;
  if (!by_credential && query.credential_level != v1::LEVEL_UNSPECIFIED) {
    return InvalidField("credential_level", "needs credential_kind");
  }
  if (by_credential && kind != v1::VERTEX_KIND_FIRM) {
    return InvalidField("credential_kind", "only firms hold credentials");
  }
  if (!query.as_of.empty()) {
    absl::Status status = ValidateDate(query.as_of);
    if (!status.ok()) return InvalidField("as_of", status.message());
  }
  CHAINKG_ASSIGN_OR_RETURN(size_t page_size, EffectivePageSize(page.page_size));
  std::string text = NormalizeName(query.text);
  uint64_t fingerprint = Fingerprint()
                             .Add(int64_t{kind})
                             .Add(text)
                             .Add(static_cast<int64_t>(query.match))
                             .Add(int64_t{query.credential_kind})
                             .Add(int64_t{query.credential_level})
                             .Add(query.as_of)
                             .Add(query.region_prefix)
                             .Add(query.country)
                             .value();
  CHAINKG_ASSIGN_OR_RETURN(
      std::string resume,
      DecodeToken(page.page_token, TokenPurpose::kSearch, fingerprint));

  // --- Per-vertex predicates.
  auto name_matches = [&](absl::string_view normalized) {
    if (text.empty()) return true;
    switch (query.match) {
      case NameMatch::kPrefix:
        return absl::StartsWith(normalized, text);
      case NameMatch::kExact:
        return normalized == text;
      case NameMatch::kSubstring:
        break;
    }
    return absl::StrContains(normalized, text);
  };
  auto credential_matches = [&](const v1::Credential& credential) {
    return credential.kind() == query.credential_kind &&
           (query.credential_level == v1::LEVEL_UNSPECIFIED ||
            credential.level() == query.credential_level) &&
           CredentialInForce(credential, query.as_of);
  };
  auto vertex_matches = [&](const v1::Vertex& vertex) {
    if (KindOf(vertex) != kind) return false;
    if (!text.empty()) {
      bool any = false;
      for (const std::string& name : NormalizedNamesOf(vertex)) {
        any = any || name_matches(name);
      }
      if (!any) return false;
    }
    if (located) {
      Location location = *LocationOf(vertex);
      if (!query.country.empty() && location.country != query.country) {
        return false;
      }
      if (!query.region_prefix.empty() &&
          (location.country != "CN" ||
           !absl::StartsWith(location.region, query.region_prefix))) {
        return false;
      }
    }
    if (by_credential) {
      bool any = false;
      for (const v1::Credential& credential : vertex.firm().credentials()) {
        any = any || credential_matches(credential);
      }
      if (!any) return false;
    }
    return true;
  };

  // --- Choose the driving range. A vertex may own several entries in it
  // (names, credentials); it is returned at the smallest entry that
  // qualifies, so each vertex appears once across all pages.
  enum class Driver { kVertices, kNames, kRegions, kCredentials };
  Driver driver;
  std::string range_prefix;
  ColumnFamily family = kIndex;
  if (!text.empty() && query.match != NameMatch::kSubstring) {
    driver = Driver::kNames;
    range_prefix = NameIndexPrefix(kind, text);
    if (query.match == NameMatch::kExact) range_prefix.push_back('\0');
  } else if (by_credential) {
    driver = Driver::kCredentials;
    std::string country = !query.region_prefix.empty() ? "CN" : query.country;
    range_prefix = CredentialIndexPrefix(query.credential_kind, country,
                                         query.region_prefix);
  } else if (!query.region_prefix.empty() || !query.country.empty()) {
    driver = Driver::kRegions;
    range_prefix = RegionIndexPrefix(
        kind, query.region_prefix.empty() ? query.country : "CN",
        query.region_prefix);
  } else if (!text.empty()) {
    driver = Driver::kNames;
    range_prefix = NameIndexPrefix(kind, "");
  } else {
    driver = Driver::kVertices;
    family = kVertex;
  }
  std::string begin =
      driver == Driver::kVertices ? VertexKindBegin(kind) : range_prefix;
  std::string end = driver == Driver::kVertices
                        ? VertexKindBegin(static_cast<v1::VertexKind>(kind + 1))
                        : PrefixSuccessor(range_prefix);
  if (!resume.empty() && (resume < begin || (!end.empty() && resume >= end))) {
    return InvalidField("page_token", "not a token for this query");
  }

  // Cheap test on the entry alone, before reading the vertex.
  auto entry_may_match = [&](absl::string_view key) {
    if (driver == Driver::kNames && !text.empty()) {
      absl::string_view name = key.substr(2, key.size() - 2 - 1 - kIdBytes);
      return name_matches(name);
    }
    if (driver == Driver::kCredentials &&
        query.credential_level != v1::LEVEL_UNSPECIFIED) {
      return CredentialIndexLevel(key) == query.credential_level;
    }
    return true;
  };
  // The smallest qualifying entry of a matching vertex in the driving range.
  auto first_entry = [&](const v1::Vertex& vertex, VertexId id) {
    std::string best;
    auto consider = [&](std::string key) {
      if (!absl::StartsWith(key, range_prefix)) return;
      if (!entry_may_match(key)) return;
      if (best.empty() || key < best) best = std::move(key);
    };
    switch (driver) {
      case Driver::kVertices:
        return VertexKey(id);
      case Driver::kNames:
        for (const std::string& name : NormalizedNamesOf(vertex)) {
          consider(NameIndexKey(kind, name, id));
        }
        break;
      case Driver::kRegions: {
        Location location = *LocationOf(vertex);
        consider(RegionIndexKey(kind, location.country, location.region, id));
        break;
      }
      case Driver::kCredentials: {
        Location location = *LocationOf(vertex);
        for (const v1::Credential& credential : vertex.firm().credentials()) {
          if (!credential_matches(credential)) continue;
          consider(CredentialIndexKey(credential.kind(), location.country,
                                      location.region, credential.level(), id));
        }
        break;
      }
    }
    return best;
  };

  rocksdb::ManagedSnapshot snapshot(impl_->db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  rocksdb::Slice upper(end);
  if (!end.empty()) read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(read, impl_->cf(family)));
  VertexPage result;
  result.sequence = snapshot.snapshot()->GetSequenceNumber();
  ScanBudget budget(limits);
  bool more = false;
  for (it->Seek(resume.empty() ? begin : KeyAfter(resume)); it->Valid();
       it->Next()) {
    if (result.vertices.size() == page_size || budget.Exhausted()) {
      more = true;
      break;
    }
    CHAINKG_RETURN_IF_ERROR(budget.Step());
    absl::string_view key = ToView(it->key());
    resume = std::string(key);
    if (!entry_may_match(key)) continue;
    v1::Vertex vertex;
    VertexId id;
    if (driver == Driver::kVertices) {
      id = VertexId(ReadUint64(key));
      if (!vertex.ParseFromArray(it->value().data(),
                                 static_cast<int>(it->value().size()))) {
        return absl::DataLossError(
            absl::StrCat("vertex ", id.value(), " does not parse"));
      }
    } else {
      id = TrailingId(key);
      CHAINKG_ASSIGN_OR_RETURN(vertex, impl_->ReadVertex(read, id));
    }
    if (!vertex_matches(vertex)) continue;
    if (first_entry(vertex, id) != key) continue;
    result.vertices.push_back(std::move(vertex));
  }
  if (!it->status().ok()) return FromRocksDb(it->status(), "search");
  if (more) {
    result.next_page_token =
        EncodeToken(TokenPurpose::kSearch, fingerprint, resume);
  }
  return result;
}

absl::StatusOr<EdgePage> Store::ListEdges(const v1::VertexRef& ref,
                                          Direction direction,
                                          v1::EdgeKind kind,
                                          const PageRequest& page,
                                          const ScanLimits& limits) const {
  v1::VertexRef canonical = ref;
  CHAINKG_RETURN_IF_ERROR(NestField(CanonicalizeRef(&canonical), "ref"));
  if (!v1::EdgeKind_IsValid(kind)) return InvalidField("kind", "unknown");
  CHAINKG_ASSIGN_OR_RETURN(size_t page_size, EffectivePageSize(page.page_size));
  uint64_t fingerprint = Fingerprint()
                             .Add(int64_t{canonical.kind()})
                             .Add(canonical.key())
                             .Add(static_cast<int64_t>(direction))
                             .Add(int64_t{kind})
                             .value();
  CHAINKG_ASSIGN_OR_RETURN(
      std::string resume,
      DecodeToken(page.page_token, TokenPurpose::kEdges, fingerprint));

  rocksdb::ManagedSnapshot snapshot(impl_->db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  CHAINKG_ASSIGN_OR_RETURN(std::optional<VertexId> id,
                           impl_->LookupId(read, canonical));
  if (!id.has_value()) {
    return FieldError(absl::StatusCode::kNotFound, "ref",
                      absl::StrCat("no ", RefText(canonical)));
  }
  std::string prefix = EdgePrefix(*id, kind);
  std::string end = PrefixSuccessor(prefix);
  if (!resume.empty() && (resume < prefix || resume >= end)) {
    return InvalidField("page_token", "not a token for this vertex");
  }
  rocksdb::Slice upper(end);
  read.iterate_upper_bound = &upper;
  ColumnFamily family = direction == Direction::kOut ? kOutEdge : kInEdge;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(read, impl_->cf(family)));
  read.iterate_upper_bound = nullptr;
  EdgePage result;
  result.sequence = snapshot.snapshot()->GetSequenceNumber();
  ScanBudget budget(limits);
  bool more = false;
  for (it->Seek(resume.empty() ? prefix : KeyAfter(resume)); it->Valid();
       it->Next()) {
    if (result.edges.size() == page_size || budget.Exhausted()) {
      more = true;
      break;
    }
    CHAINKG_RETURN_IF_ERROR(budget.Step());
    resume = it->key().ToString();
    std::string value;
    if (direction == Direction::kOut) {
      value = it->value().ToString();
    } else {
      std::optional<EdgeKeyParts> parts = ParseEdgeKey(resume);
      if (!parts.has_value())
        return absl::DataLossError("malformed in_edge key");
      CHAINKG_ASSIGN_OR_RETURN(
          std::optional<std::string> out,
          impl_->Read(read, kOutEdge, MirrorEdgeKey(*parts)));
      if (!out.has_value()) {
        return absl::DataLossError("in_edge entry without its out_edge record");
      }
      value = std::move(*out);
    }
    v1::Edge edge;
    if (!edge.ParseFromString(value)) {
      return absl::DataLossError("edge record does not parse");
    }
    result.edges.push_back(std::move(edge));
  }
  if (!it->status().ok()) return FromRocksDb(it->status(), "list edges");
  if (more) {
    result.next_page_token =
        EncodeToken(TokenPurpose::kEdges, fingerprint, resume);
  }
  return result;
}

absl::StatusOr<uint64_t> Store::ScanAll(const ScanVisitor& visitor) const {
  rocksdb::ManagedSnapshot snapshot(impl_->db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  // Scans are sequential and large: read ahead, and keep them out of the
  // block cache that point lookups rely on.
  read.fill_cache = false;
  read.readahead_size = 2 << 20;
  if (visitor.vertex) {
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(read, impl_->cf(kVertex)));
    v1::Vertex vertex;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::optional<VertexId> id = ParseVertexKey(ToView(it->key()));
      if (!id.has_value() ||
          !vertex.ParseFromArray(it->value().data(),
                                 static_cast<int>(it->value().size()))) {
        return absl::DataLossError("scan: a vertex record does not parse");
      }
      CHAINKG_RETURN_IF_ERROR(visitor.vertex(*id, vertex));
    }
    CHAINKG_RETURN_IF_ERROR(FromRocksDb(it->status(), "scan vertices"));
  }
  if (visitor.edge) {
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(read, impl_->cf(kOutEdge)));
    v1::Edge edge;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::optional<EdgeKeyParts> parts = ParseEdgeKey(ToView(it->key()));
      if (!parts.has_value() ||
          !edge.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
        return absl::DataLossError("scan: an edge record does not parse");
      }
      StoredEdge stored{parts->near, parts->kind, parts->far,
                        VertexId(parts->qualifier), &edge};
      CHAINKG_RETURN_IF_ERROR(visitor.edge(stored));
    }
    CHAINKG_RETURN_IF_ERROR(FromRocksDb(it->status(), "scan edges"));
  }
  return snapshot.snapshot()->GetSequenceNumber();
}

absl::StatusOr<ConsistencyReport> Store::CheckConsistency() const {
  rocksdb::ManagedSnapshot snapshot(impl_->db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  ConsistencyReport report;
  report.sequence = snapshot.snapshot()->GetSequenceNumber();
  auto problem = [&report](std::string text) {
    ++report.problem_count;
    if (report.problems.size() < 100)
      report.problems.push_back(std::move(text));
  };
  auto hex = [](absl::string_view bytes) {
    return absl::BytesToHexString(bytes);
  };
  auto scan = [&](ColumnFamily which, auto&& visit) -> absl::Status {
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(read, impl_->cf(which)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      visit(ToView(it->key()), ToView(it->value()));
    }
    return FromRocksDb(it->status(), "consistency scan");
  };

  // Index entries every record implies, with their values.
  absl::flat_hash_map<std::string, std::string> expected_index;
  // id -> the ref its record names; edges must name the same.
  absl::flat_hash_map<uint64_t, v1::VertexRef> vertex_ids;
  std::array<uint64_t, 8> max_sequence = {};
  CHAINKG_RETURN_IF_ERROR(scan(kVertex, [&](absl::string_view key,
                                            absl::string_view value) {
    ++report.vertices;
    std::optional<VertexId> id = ParseVertexKey(key);
    v1::Vertex vertex;
    if (!id.has_value() || !vertex.ParseFromArray(value.data(), value.size())) {
      problem(absl::StrCat("vertex ", hex(key), ": malformed"));
      return;
    }
    if (KindOf(vertex) != id->kind()) {
      problem(absl::StrCat("vertex ", id->value(), ": kind does not match id"));
    }
    vertex_ids[id->value()] = RefOf(vertex);
    max_sequence[id->kind()] =
        std::max(max_sequence[id->kind()], id->sequence());
    std::string natural = NaturalKeyIndexKey(id->kind(), KeyOf(vertex));
    if (expected_index.contains(natural)) {
      problem(absl::StrCat("vertex ", id->value(), ": natural key \"",
                           KeyOf(vertex), "\" is used by another vertex too"));
    }
    expected_index[natural] = VertexKey(*id);
    for (std::string& index_key : SecondaryIndexKeys(vertex, *id)) {
      expected_index[std::move(index_key)] = "";
    }
  }));
  absl::flat_hash_set<std::string> expected_in;
  CHAINKG_RETURN_IF_ERROR(scan(kOutEdge, [&](absl::string_view key,
                                             absl::string_view value) {
    ++report.edges;
    std::optional<EdgeKeyParts> parts = ParseEdgeKey(key);
    v1::Edge edge;
    if (!parts.has_value() ||
        !edge.ParseFromArray(value.data(), value.size()) ||
        edge.kind() != parts->kind) {
      problem(absl::StrCat("out_edge ", hex(key), ": malformed"));
      return;
    }
    auto from = vertex_ids.find(parts->near.value());
    auto to = vertex_ids.find(parts->far.value());
    if (from == vertex_ids.end() || to == vertex_ids.end()) {
      problem(absl::StrCat("out_edge ", hex(key), ": dangling endpoint"));
    } else if (from->second.SerializeAsString() !=
                   edge.from().SerializeAsString() ||
               to->second.SerializeAsString() !=
                   edge.to().SerializeAsString()) {
      problem(absl::StrCat("out_edge ", hex(key),
                           ": record names other endpoints than its key"));
    }
    v1::Edge checked = edge;
    if (!CanonicalizeEdge(&checked).ok()) {
      problem(absl::StrCat("out_edge ", hex(key), ": record fails validation"));
    }
    std::string product_key =
        edge.has_supplies() ? edge.supplies().product_key() : "";
    if (parts->qualifier == 0 && !product_key.empty()) {
      problem(absl::StrCat("out_edge ", hex(key), ": product not in key"));
    }
    if (parts->qualifier != 0) {
      auto product = vertex_ids.find(parts->qualifier);
      if (product == vertex_ids.end() ||
          product->second.kind() != v1::VERTEX_KIND_PRODUCT ||
          product->second.key() != product_key) {
        problem(
            absl::StrCat("out_edge ", hex(key),
                         ": supplied product missing or not the one named"));
      }
      expected_index[QualifierIndexKey(VertexId(parts->qualifier), key)] = "";
    }
    expected_in.insert(MirrorEdgeKey(*parts));
  }));
  CHAINKG_RETURN_IF_ERROR(
      scan(kInEdge, [&](absl::string_view key, absl::string_view value) {
        if (!value.empty()) {
          problem(absl::StrCat("in_edge ", hex(key), ": has a value"));
        }
        if (expected_in.erase(key) == 0) {
          problem(absl::StrCat("in_edge ", hex(key), ": no out_edge mirror"));
        }
      }));
  for (const std::string& key : expected_in) {
    problem(absl::StrCat("out_edge mirror ", hex(key), ": in_edge missing"));
  }
  CHAINKG_RETURN_IF_ERROR(
      scan(kIndex, [&](absl::string_view key, absl::string_view value) {
        ++report.index_entries;
        auto it = expected_index.find(key);
        if (it == expected_index.end()) {
          problem(absl::StrCat("index ", hex(key), ": no record owns it"));
          return;
        }
        if (it->second != value) {
          problem(absl::StrCat("index ", hex(key), ": wrong value"));
        }
        expected_index.erase(it);
      }));
  for (const auto& [key, value] : expected_index) {
    problem(absl::StrCat("index ", hex(key), ": missing"));
  }
  for (v1::VertexKind kind : kAllVertexKinds) {
    CHAINKG_ASSIGN_OR_RETURN(std::optional<std::string> next,
                             impl_->Read(read, kMeta, NextSequenceKey(kind)));
    uint64_t counter = next.has_value() && next->size() == 8
                           ? ReadUint64(*next)
                           : (next.has_value() ? 0 : 1);
    if (counter <= max_sequence[kind]) {
      problem(absl::StrCat("id counter of ", KindName(kind), " (", counter,
                           ") is not above the largest id in use (",
                           max_sequence[kind], ")"));
    }
  }
  return report;
}

const std::string& Store::recovery_note() const { return impl_->recovery_note; }

uint64_t Store::LatestSequence() const {
  return impl_->db->GetLatestSequenceNumber();
}

void Store::KeepChanges(size_t max_bytes) { impl_->journal.Start(max_bytes); }

absl::StatusOr<GraphChanges> Store::ChangesSince(uint64_t after,
                                                 absl::Time wait_until) {
  return impl_->journal.Take(after, wait_until);
}

absl::Time Store::FirstCommitAfter(uint64_t after) const {
  return impl_->journal.FirstCommitAfter(after);
}

absl::StatusOr<uint64_t> Store::Checkpoint(const std::string& dir) const {
  std::error_code error;
  if (std::filesystem::exists(std::filesystem::symlink_status(dir, error))) {
    return absl::AlreadyExistsError(absl::StrCat(dir, ": already exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  CHAINKG_RETURN_IF_ERROR(FromRocksDb(
      rocksdb::Checkpoint::Create(impl_->db.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  uint64_t sequence = 0;
  // A flush first would write memtables to SSTs; without one the WAL is
  // copied instead, which keeps the checkpoint cheap and exact.
  CHAINKG_RETURN_IF_ERROR(
      FromRocksDb(checkpoint->CreateCheckpoint(
                      dir, /*log_size_for_flush=*/UINT64_MAX, &sequence),
                  absl::StrCat("checkpoint into ", dir)));
  return sequence;
}

absl::Status Store::VerifyChecksums() const {
  return FromRocksDb(impl_->db->VerifyChecksum(), "verify checksums");
}

absl::StatusOr<std::vector<v1::AuditRecord>> Store::ListAudit(int limit) const {
  std::vector<v1::AuditRecord> records;
  if (limit <= 0) return records;
  rocksdb::ReadOptions read;
  std::string prefix = kAuditKeyPrefix;
  std::string end = PrefixSuccessor(prefix);
  rocksdb::Slice lower(prefix);
  rocksdb::Slice upper(end);
  read.iterate_lower_bound = &lower;
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(read, impl_->cf(kMeta)));
  // Newest first: from the end of the range backwards.
  for (it->SeekToLast();
       it->Valid() && static_cast<int>(records.size()) < limit; it->Prev()) {
    v1::AuditRecord record;
    if (!record.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError("an audit record does not parse");
    }
    records.push_back(std::move(record));
  }
  CHAINKG_RETURN_IF_ERROR(FromRocksDb(it->status(), "read audit records"));
  return records;
}

}  // namespace chainkg::graph
