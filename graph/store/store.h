// Store: the durable, indexed graph of chainkg on an embedded RocksDB. The
// only component that talks to RocksDB; the key layout is in key_codec.h.
//
// Writes are upserts by natural key. Each write call is one atomic
// WriteBatch holding the vertices, both adjacency entries of every edge and
// every index entry it touches, synced to the WAL (StoreOptions) before the
// call returns. Reads that take several steps pin one snapshot and report its
// sequence number.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/graph_changes.h"
#include "graph/store/vertex_id.h"
#include "graph/store/write_request.h"

namespace chainkg::graph {

struct StoreOptions {
  // Create an empty database when the directory holds none.
  bool create_if_missing = true;
  // fsync the WAL before a write returns. Turning this off trades the
  // durability of the last writes for speed (tests, bulk experiments).
  bool sync_writes = true;
};

// Bounds on one read call. Exceeding the deadline gives DEADLINE_EXCEEDED;
// reaching max_scanned ends a page early with a continuation token.
struct ScanLimits {
  absl::Time deadline = absl::InfiniteFuture();
  int64_t max_scanned = 2'000'000;
};

// A page request. page_size 0 means 100; at most 1000 are returned.
struct PageRequest {
  int page_size = 0;
  std::string page_token;  // opaque, from a previous page of the same query
};

struct VertexPage {
  std::vector<v1::Vertex> vertices;
  std::string next_page_token;  // empty when there is nothing more
  uint64_t sequence = 0;
};

struct EdgePage {
  std::vector<v1::Edge> edges;
  std::string next_page_token;
  uint64_t sequence = 0;
};

enum class NameMatch { kSubstring, kPrefix, kExact };

// A vertex search; every set criterion must hold.
struct SearchQuery {
  v1::VertexKind kind = v1::VERTEX_KIND_FIRM;
  // Compared after NormalizeName with the vertex's name, former names and
  // aliases. Empty: any name.
  std::string text;
  NameMatch match = NameMatch::kSubstring;
  // Firms holding a credential of this kind (and level when set), in force
  // on as_of ("YYYY-MM-DD"; empty: not revoked).
  v1::CredentialKind credential_kind = v1::CREDENTIAL_KIND_UNSPECIFIED;
  v1::Level credential_level = v1::LEVEL_UNSPECIFIED;
  std::string as_of;
  // GB/T 2260 prefix (2-6 digits); implies country CN.
  std::string region_prefix;
  // ISO 3166-1 alpha-2; a record without a country counts as "CN".
  std::string country;
};

enum class Direction { kOut, kIn };

struct VertexLookup {
  std::optional<v1::Vertex> vertex;  // nullopt: no such vertex
  uint64_t sequence = 0;
};

struct BatchLookup {
  std::vector<std::optional<v1::Vertex>> vertices;  // in request order
  uint64_t sequence = 0;
};

// One stored edge as ScanAll reports it: the ids in its key and its record.
struct StoredEdge {
  VertexId from;
  v1::EdgeKind kind = v1::EDGE_KIND_UNSPECIFIED;
  VertexId to;
  VertexId product;  // SUPPLIES: the supplied product; else invalid
  const v1::Edge* record = nullptr;  // valid during the visit only
};

// Receives ScanAll's records. Either callback may be empty.
struct ScanVisitor {
  std::function<absl::Status(VertexId, const v1::Vertex&)> vertex;
  std::function<absl::Status(const StoredEdge&)> edge;
};

// What Store::CheckConsistency found.
struct ConsistencyReport {
  int64_t vertices = 0;
  int64_t edges = 0;
  int64_t index_entries = 0;
  int64_t problem_count = 0;
  std::vector<std::string> problems;  // the first 100, described
  uint64_t sequence = 0;
};

// Thread-safe: any number of concurrent readers; writers are serialized
// internally, and one thread of the Store's own commits their batches in
// order (Submit). Owns the RocksDB instance; destroying the Store commits
// what was applied, then closes it.
// Besides RocksDB's own memory it keeps the ids of up to about 1M vertices
// that writes created or named (about 100 MB), so that edges resolve their
// endpoints without reading the index.
class Store {
 public:
  // Opens (or, with create_if_missing, creates) the database in directory
  // path. FAILED_PRECONDITION if the database has another format version or
  // is not a chainkg database; DATA_LOSS if RocksDB finds corruption (a
  // damaged WAL record is never skipped; the message names the WAL and the
  // byte); UNAVAILABLE for I/O errors or a database locked by another
  // process.
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      const std::string& path, const StoreOptions& options);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Applies a mixed write as one WriteBatch, synced before returning.
  // Every write fails, RESOURCE_EXHAUSTED when the disk is full, while
  // RocksDB has stopped writes after such an error; the next write after
  // space is freed resumes them (at most one attempt a second).
  // With kMerge a record may be partial (a firm with only its key and
  // credentials): it merges into the stored one, and creating a vertex
  // still needs a name. INVALID_ARGUMENT / NOT_FOUND name the field
  // ("vertices[i].firm.key", "edges[i].to"); under kSkipInvalid such
  // records are reported in WriteResult::rejected instead. Other errors
  // (I/O) fail the call and write nothing. Takes request by value so that
  // callers done with it can move it in.
  absl::StatusOr<WriteResult> Apply(WriteRequest request);

  // Apply in two steps, so that a caller can read and prepare its next
  // write while this one is synced: Submit returns once the write is
  // applied (checked, its reads done, its batch built), and done is called
  // once the batch is durable, with the result or error Apply would give,
  // from the store's commit thread (done must be quick and must not write
  // to the store); a write that fails before it is applied calls done
  // before Submit returns. Writes commit in the order they were applied,
  // each seeing those applied before it whether committed yet or not; if
  // one fails to commit, the ones applied after it fail too, with its
  // error. About four applied writes at most wait to be committed; a
  // Submit beyond that waits for the oldest.
  void Submit(WriteRequest request,
              std::function<void(absl::StatusOr<WriteResult>)> done);

  // Upserts vertices by natural key, all or nothing. Records are checked
  // and canonicalized (validate.h) first: INVALID_ARGUMENT names the field
  // as "vertices[i].<field>". A key repeated within the call applies in
  // order.
  absl::StatusOr<WriteResult> UpsertVertices(
      absl::Span<const v1::Vertex> vertices, UpsertMode mode);

  // Deletes vertices with all their edges (both directions, and SUPPLIES
  // edges naming a deleted product) and index entries, all or nothing.
  // Absent vertices are skipped. INVALID_ARGUMENT for malformed refs
  // ("refs[i].key").
  absl::StatusOr<WriteResult> DeleteVertices(
      absl::Span<const v1::VertexRef> refs,
      const AuditEntry& audit = AuditEntry());

  // Inserts or replaces edges, all or nothing. INVALID_ARGUMENT for a
  // malformed edge ("edges[i].<field>"); NOT_FOUND when an endpoint or the
  // supplied product does not exist ("edges[i].to").
  absl::StatusOr<WriteResult> UpsertEdges(absl::Span<const v1::Edge> edges);

  // Deletes edges by identity (kind, from, to, supplies.product_key), all
  // or nothing. Absent edges are skipped.
  absl::StatusOr<WriteResult> DeleteEdges(
      absl::Span<const v1::Edge> edges, const AuditEntry& audit = AuditEntry());

  // The latest audit records (one per write made with an AuditEntry),
  // newest first, at most limit. DATA_LOSS for a record that does not
  // parse.
  absl::StatusOr<std::vector<v1::AuditRecord>> ListAudit(int limit) const;

  // Looks a vertex up by ref. INVALID_ARGUMENT for a malformed ref.
  absl::StatusOr<VertexLookup> GetVertex(const v1::VertexRef& ref) const;

  // Looks vertices up on one snapshot. INVALID_ARGUMENT ("refs[i].key").
  absl::StatusOr<BatchLookup> BatchGetVertices(
      absl::Span<const v1::VertexRef> refs) const;

  // Lists the vertices of one kind in id order. INVALID_ARGUMENT for an
  // unspecified kind, a negative page size or a page token from another
  // query. Each vertex present for the whole pagination is returned exactly
  // once, even while other vertices are inserted, updated or deleted.
  absl::StatusOr<VertexPage> ListVertices(v1::VertexKind kind,
                                          const PageRequest& page,
                                          const ScanLimits& limits) const;

  // Searches vertices. Uses the most selective index the query allows
  // (name prefix, credential, region) and filters the rest. A page may be
  // short, even empty, with a token when limits.max_scanned is reached.
  // INVALID_ARGUMENT names the bad criterion ("region_prefix").
  // Pages are read on separate snapshots: a matching vertex whose names,
  // credentials and region do not change during the pagination is returned
  // exactly once, even while other vertices are written. One whose indexed
  // fields change between pages may be missed or repeated (each page
  // returns a vertex at its smallest index entry that matches, and a
  // change can move that entry across the cursor).
  absl::StatusOr<VertexPage> SearchVertices(const SearchQuery& query,
                                            const PageRequest& page,
                                            const ScanLimits& limits) const;

  // Lists the edges of a vertex in one direction, optionally of one kind.
  // NOT_FOUND when the vertex does not exist.
  absl::StatusOr<EdgePage> ListEdges(const v1::VertexRef& ref,
                                     Direction direction, v1::EdgeKind kind,
                                     const PageRequest& page,
                                     const ScanLimits& limits) const;

  // Visits every vertex (in id order), then every edge (by source id, kind,
  // target id), of one snapshot: what in-memory views are built from.
  // Returns the snapshot's sequence number. DATA_LOSS for a record that
  // does not parse; errors a visitor returns, unchanged.
  absl::StatusOr<uint64_t> ScanAll(const ScanVisitor& visitor) const;

  // Scans the whole database on one snapshot and checks every invariant of
  // the layout: each vertex has exactly its index entries and a natural key
  // no other vertex has; each index entry points to a vertex that owns it;
  // each out_edge has its in_edge mirror (and the reverse), existing
  // endpoints that its record names, a valid record, and for SUPPLIES the
  // product its record names; id counters are above every id in use.
  // Time and memory are O(database size): an offline check for tests and
  // operators. Errors only for I/O failures; findings go in the report.
  absl::StatusOr<ConsistencyReport> CheckConsistency() const;

  // Writes a consistent copy of the database into dir, which must not
  // exist (a RocksDB checkpoint: SST files hard-linked when dir is on the
  // same file system, the rest copied). The copy opens as a database of its
  // own: that is the restore. Returns the sequence number it holds at
  // least. ALREADY_EXISTS when dir exists; UNAVAILABLE for I/O errors.
  absl::StatusOr<uint64_t> Checkpoint(const std::string& dir) const;

  // Reads every table file and checks its block checksums (and the WAL is
  // checked on open). DATA_LOSS naming what is corrupt; UNAVAILABLE for
  // I/O errors.
  absl::Status VerifyChecksums() const;

  // The sequence number of the latest committed write.
  uint64_t LatestSequence() const;

  // Starts keeping what the writes committed from now on do to vertices
  // and edges, for ChangesSince: at most max_bytes of them wait to be
  // taken; past that the oldest are dropped. A second call only changes
  // the bound.
  void KeepChanges(size_t max_bytes);

  // The changes of the writes committed after sequence `after`, merged
  // (GraphChanges), waiting until wait_until for a write when there is none
  // yet (then an empty GraphChanges with sequence == after). Forgets the
  // changes up to `after`: meant for one reader that moves forward, a live
  // view. OUT_OF_RANGE when some of those changes are no longer kept (more
  // than the bound waited, or they were committed before KeepChanges): read
  // the whole store again (ScanAll). FAILED_PRECONDITION before
  // KeepChanges; DATA_LOSS for a record that does not parse.
  absl::StatusOr<GraphChanges> ChangesSince(uint64_t after,
                                            absl::Time wait_until);

  // When the oldest kept write after sequence `after` was committed
  // (InfinitePast when none is kept): how long a view at `after` has been
  // behind.
  absl::Time FirstCommitAfter(uint64_t after) const;

  // What Open repaired to open the database, for the operator's log: the
  // incomplete last write a crash (or a full disk) left at the end of the
  // write-ahead log, which was never acknowledged, cut off. Empty when Open
  // repaired nothing.
  const std::string& recovery_note() const;

  // Implementation detail, opaque outside store.cc.
  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chainkg::graph
