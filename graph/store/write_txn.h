// The upsert and delete rules of the store, written once against an
// abstract key-value target, so that online writes (Store, one RocksDB
// WriteBatch per write) and offline import (BulkImporter, in-memory maps
// written as SST files) produce byte-identical keys and values. Internal
// to graph/store.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/key_codec.h"
#include "graph/store/vertex_id.h"
#include "graph/store/write_request.h"

namespace chainkg::graph::internal {

// The column families of key_codec.h.
enum ColumnFamily { kMeta = 0, kVertex, kOutEdge, kInEdge, kIndex, kCount };

// RocksDB names; "default" (RocksDB's own) holds the metadata.
inline constexpr std::array<const char*, kCount> kColumnFamilyNames = {
    "default", "vertex", "out_edge", "in_edge", "index"};

inline constexpr std::array<v1::VertexKind, 7> kAllVertexKinds = {
    v1::VERTEX_KIND_FIRM,     v1::VERTEX_KIND_PRODUCT,
    v1::VERTEX_KIND_CHAIN,    v1::VERTEX_KIND_CONSORTIUM,
    v1::VERTEX_KIND_PLATFORM, v1::VERTEX_KIND_INDUSTRY,
    v1::VERTEX_KIND_PROJECT};

// Next unused id sequence per vertex kind (indexed by VertexKind).
using SequenceCounters = std::array<uint64_t, 8>;

// Secondary index keys ('n', 'r', 'c') of a vertex with the given id,
// sorted and distinct.
std::vector<std::string> SecondaryIndexKeys(const v1::Vertex& vertex,
                                            VertexId id);

// `firm "KEY"` for messages.
std::string RefText(const v1::VertexRef& ref);
std::string RefText(v1::VertexKind kind, absl::string_view key);

// Where a write's keys go. Reads see the target's own earlier writes.
// Savepoints nest; RollbackToSavePoint undoes every Put and Delete since the
// matching SetSavePoint.
class MutationTarget {
 public:
  virtual ~MutationTarget() = default;
  virtual absl::StatusOr<std::optional<std::string>> Get(
      ColumnFamily family, absl::string_view key) = 0;
  // Keys under prefix, in order.
  virtual absl::StatusOr<std::vector<std::string>> KeysWithPrefix(
      ColumnFamily family, absl::string_view prefix) = 0;
  virtual absl::Status Put(ColumnFamily family, absl::string_view key,
                           absl::string_view value) = 0;
  virtual absl::Status Delete(ColumnFamily family, absl::string_view key) = 0;
  // A hint that key will be read soon, so that its memory can be fetched
  // while other work goes on; only called when Prefetches() is true.
  virtual bool Prefetches() const { return false; }
  virtual void Prefetch(ColumnFamily /*family*/, absl::string_view /*key*/) {}
  // Whether the target settles repeated writes of an out-edge key itself,
  // counting each as the rules would have (BulkImporter, when it sorts the
  // edges): UpsertEdge then writes every edge without reading the stored
  // one first, and counts it as created.
  virtual bool SettlesEdgeRepeats() const { return false; }
  // Whether Get is an in-memory lookup, no dearer than the cache of
  // natural keys a WriteTxn otherwise keeps: the transaction then keeps
  // none (BulkImporter; filling and freeing it per write cost more).
  virtual bool ReadsAreCheap() const { return false; }
  virtual void SetSavePoint() = 0;
  virtual absl::Status RollbackToSavePoint() = 0;
  virtual absl::Status PopSavePoint() = 0;
};

// Natural-key index entries of earlier writes (NaturalKeyIndexKey -> id),
// which a writer keeps across transactions so that edges naming known
// vertices do not read the index each time. The store publishes a write's
// entries once it is applied, before it is committed (its later writes
// read its keys through the target) and clears them all when a commit
// fails. Its owner bounds its size.
using CommittedIds = absl::flat_hash_map<std::string, VertexId>;

// One write's worth of upserts and deletes on a target, with the id
// counters it advances. Not thread-safe; the caller serializes writers.
class WriteTxn {
 public:
  // committed_ids, when not null, must hold only entries that the state
  // the target reads has (committed, or applied and read through the
  // target), and must outlive the transaction.
  WriteTxn(MutationTarget& target, const SequenceCounters& next_sequence,
           const CommittedIds* committed_ids = nullptr)
      : target_(target),
        initial_sequence_(next_sequence),
        next_sequence_(next_sequence),
        cache_ids_(!target.ReadsAreCheap()),
        committed_ids_(committed_ids) {}

  const SequenceCounters& next_sequence() const { return next_sequence_; }

  // Puts the id counters that advanced (one meta key per vertex kind that
  // created vertices, rather than one Put per vertex). Call once, after the
  // last upsert and before the target's writes are committed.
  absl::Status WriteCounters();

  // Once the transaction's writes are in the state later targets read:
  // records in committed_ids the natural keys this transaction resolved or
  // created, and forgets those it deleted.
  void PublishIds(CommittedIds* committed_ids) const;

  // Upserts one canonical vertex (CanonicalizeVertex). INVALID_ARGUMENT
  // when a MERGE result fails validation or a new vertex has no name.
  // A record without a source that creates or replaces a stored one gets
  // source.client = client (when not empty).
  absl::Status UpsertVertex(const v1::Vertex& vertex, UpsertMode mode,
                            absl::string_view client, WriteResult* result);
  // Deletes a vertex with its edges and index entries; absent: no-op.
  absl::Status DeleteVertex(const v1::VertexRef& ref, WriteResult* result);
  // Inserts or replaces one canonical edge. NOT_FOUND ("from", "to",
  // "supplies.product_key") when a vertex it names does not exist. Counts
  // the edge created, updated or unchanged, unless the target settles
  // repeats (MutationTarget::SettlesEdgeRepeats): created.
  absl::Status UpsertEdge(const v1::Edge& edge, absl::string_view client,
                          WriteResult* result);
  // Deletes an edge by identity; absent: no-op.
  absl::Status DeleteEdge(const v1::Edge& edge, WriteResult* result);
  // A hint that edge will be upserted soon: fetches the index entries of
  // its endpoints (MutationTarget::Prefetch).
  void PrefetchEdge(const v1::Edge& edge);

  // Savepoints of the target, also covering the id counters.
  void SetSavePoint();
  absl::Status RollbackToSavePoint();
  absl::Status PopSavePoint();

 private:
  absl::StatusOr<std::optional<VertexId>> LookupId(v1::VertexKind kind,
                                                   absl::string_view key);
  absl::StatusOr<std::optional<VertexId>> LookupId(const v1::VertexRef& ref) {
    return LookupId(ref.kind(), ref.key());
  }
  absl::StatusOr<v1::Vertex> ReadVertex(VertexId id);
  absl::Status RemoveEdge(const EdgeKeyParts& out_parts);
  absl::StatusOr<std::optional<EdgeKeyParts>> ResolveEdge(
      const v1::Edge& edge, bool require_endpoints);

  MutationTarget& target_;
  const SequenceCounters initial_sequence_;
  SequenceCounters next_sequence_;
  std::vector<SequenceCounters> saved_sequences_;
  // Natural-key index lookups of this transaction (nullopt: no such
  // vertex), so that the edges of a batch, which name the same firms and
  // products again and again, do not each go to the target. Kept in step
  // by UpsertVertex and DeleteVertex; cleared on rollback. Unused (empty)
  // unless cache_ids_.
  absl::flat_hash_map<std::string, std::optional<VertexId>> id_cache_;
  const bool cache_ids_;
  std::string index_key_;  // LookupId's and PrefetchEdge's, reused
  const CommittedIds* committed_ids_;
  // Natural-key index keys this transaction deleted, kept through
  // rollbacks: committed_ids_ may be stale for them.
  absl::flat_hash_set<std::string> deleted_;
};

// A WriteRequest checked and canonicalized (outside any lock).
struct PreparedWrite {
  std::vector<v1::Vertex> vertices;
  std::vector<bool> vertex_ok;
  std::vector<v1::Edge> edges;
  std::vector<bool> edge_ok;
  WriteResult early;  // warnings and rejections found while preparing
  UpsertMode mode = UpsertMode::kMerge;
  bool skip_invalid = false;
  std::string client;
};

// Checks and canonicalizes request, unless request.records says that was
// done. Under kAllOrNothing the first bad record is the error (its field
// nested under "vertices[i]" / "edges[i]").
// Takes request by value so callers that are done with it can move it in.
absl::StatusOr<PreparedWrite> PrepareWrite(WriteRequest request);

// Applies a prepared write to txn: vertices, then edges, each between
// savepoints so that under kSkipInvalid a failing record is rolled back
// alone and reported in result->rejected. On an error the failing record
// is rolled back too and the savepoints are as before the call: the
// caller rolls back the rest (its own savepoint) or discards the write.
absl::Status ApplyPrepared(const PreparedWrite& write, WriteTxn& txn,
                           WriteResult* result);

// What one audit record counts: the records of the write(s) it stands for
// and what became of them.
struct AuditCounts {
  int64_t records = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t deleted = 0;  // vertices and the edges removed with them
  int64_t rejected = 0;

  // Adds a write of records records with that result.
  void Add(int64_t write_records, const WriteResult& result);
};

// The audit record (docs/operations.md, "Audit") of a write made by audit
// at time, which gets the RocksDB sequence sequence; stored under
// AuditKey(time in microseconds, sequence).
v1::AuditRecord MakeAuditRecord(const AuditEntry& audit, absl::Time time,
                                const AuditCounts& counts, uint64_t sequence);

}  // namespace chainkg::graph::internal
