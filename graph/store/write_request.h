// The plain types of a write: what to upsert, how, and what happened. Shared
// by Store (online writes) and BulkImporter (offline import).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

#include "chainkg/v1/model.pb.h"

namespace chainkg::graph {

// How an upsert treats an existing vertex with the same natural key.
enum class UpsertMode {
  // Set fields overwrite, empty ones keep the stored value; former names and
  // aliases are unioned; credentials merge by (kind, level, year, batch).
  // See MergeVertex in vertex_record.h.
  kMerge,
  // The new record replaces the stored one.
  kReplace,
};

// What to do with a record that fails validation or names a missing
// vertex.
enum class FailurePolicy {
  // Fail the whole call; nothing is written.
  kAllOrNothing,
  // Leave that record out and report it in WriteResult::rejected; the other
  // records commit. Each record itself is still all or nothing.
  kSkipInvalid,
};

// Whether the records of a write still need checking.
enum class RecordForm {
  // From outside: each record is checked and brought to canonical form
  // (validate.h) before anything is written.
  kUnchecked,
  // Each vertex has passed CanonicalizeVertex (NameRequirement::kRequired
  // unless the mode is kMerge) and each edge CanonicalizeEdge, in this
  // process, and none changed since: a loader that checked its rows for its
  // file:line report. The write skips the second check (and so repeats
  // none of its warnings). Never for records received over the wire.
  kCanonical,
};

// A record left out of a kSkipInvalid write.
struct Rejected {
  bool edge = false;  // false: request.vertices[index], true: edges[index]
  size_t index = 0;
  absl::Status status;  // with a field path such as "edges[4].to"
};

// What a write call did.
struct WriteResult {
  int created = 0;
  int updated = 0;
  int unchanged = 0;  // upserts identical to what was stored
  int deleted = 0;
  int edges_deleted = 0;  // edges removed with deleted vertices
  std::vector<std::string> warnings;
  std::vector<Rejected> rejected;  // kSkipInvalid only, in request order
  uint64_t sequence = 0;           // sequence number after the write
};

// Who asks for a write, for its audit record. An empty principal writes
// no audit record (offline tools, tests).
struct AuditEntry {
  std::string principal;
  std::string rpc;
  std::string peer;
};

// A mixed write: vertices first, in order, then edges, in order, so edges
// may name vertices of the same request.
struct WriteRequest {
  std::vector<v1::Vertex> vertices;
  std::vector<v1::Edge> edges;
  // Who writes, e.g. "grpc:ipv4:127.0.0.1". A record without a source gets
  // source.client = client when it creates or replaces a stored record; a
  // MERGE into an existing record keeps the stored source.
  std::string client;
  UpsertMode mode = UpsertMode::kMerge;
  FailurePolicy on_invalid = FailurePolicy::kAllOrNothing;
  RecordForm records = RecordForm::kUnchecked;
  AuditEntry audit;
};

}  // namespace chainkg::graph
