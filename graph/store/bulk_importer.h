// BulkImporter: builds a new chainkg database offline, for first loads of
// large registries. Records go through the same upsert rules as Store
// writes (write_txn.h), so the database holds exactly the keys and values
// the same writes through a server would leave; they are kept in memory
// (hash maps for the keys the rules read, logs of writes for the others),
// then sorted and written as one SST file per column family
// (SstFileWriter) and ingested (IngestExternalFile) without a WAL or
// memtable pass.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

#include "graph/store/write_request.h"

namespace chainkg::graph {

// Edges that one Apply call counted as created but that repeat an edge
// written earlier in the import (by that call or an earlier one), as the
// same writes through a server would have counted them.
struct EdgeRecount {
  // The call: 0 for the first call of Apply or ApplyAndReturnRecords,
  // refused calls included.
  int64_t apply = 0;
  int64_t updated = 0;    // to be moved from created to updated
  int64_t unchanged = 0;  // to be moved from created to unchanged
};

struct ImportResult {
  int64_t keys = 0;                   // key-value pairs written
  int64_t sst_bytes = 0;              // size of the SST files ingested
  std::vector<EdgeRecount> recounts;  // by apply, ascending
};

// Not thread-safe. Memory grows with the data: about 150 bytes per stored
// key (a 1M-firm, 10M-edge graph needs a few GiB).
class BulkImporter {
 public:
  // Prepares an import into directory path, which must be new or empty.
  // FAILED_PRECONDITION otherwise (a database, or any other file, there).
  static absl::StatusOr<std::unique_ptr<BulkImporter>> Create(
      const std::string& path);

  ~BulkImporter();
  BulkImporter(const BulkImporter&) = delete;
  BulkImporter& operator=(const BulkImporter&) = delete;

  // Sizes the in-memory maps for about that many vertex and edge records
  // before the first Apply, so that they do not grow step by step (each
  // step rehashes every key, a cache miss each at national scale). A hint:
  // any number of records may follow; an estimate too high costs memory.
  void ExpectRecords(int64_t vertices, int64_t edges);

  // Same contract as Store::Apply, but WriteResult::sequence is 0 and
  // every edge applied counts as created: whether an edge repeats one
  // written before is found when the edges are sorted, and Finish reports
  // the calls to recount (ImportResult::recounts). Looking each edge up as
  // it comes costs cache misses that sorting does not.
  absl::StatusOr<WriteResult> Apply(WriteRequest request);

  // As Apply, but hands the records back in request (canonical) instead of
  // freeing them, unless the request is refused before any is applied
  // (unchecked records under kAllOrNothing): a caller that builds records
  // on one thread and applies them on another can free them on the first,
  // where they were allocated, and leave the second only applying.
  absl::StatusOr<WriteResult> ApplyAndReturnRecords(WriteRequest& request);

  // Creates the database, writes and ingests the SST files and closes it.
  // Then, unless audit.principal is empty, stores one audit record for the
  // whole import (the records of every successful Apply and what became of
  // them, recounts included; docs/operations.md, "Audit") as an ordinary
  // synced write: the database then reports sequence 1, the view number of
  // every answer, where ingested files alone leave 0. UNAVAILABLE /
  // RESOURCE_EXHAUSTED on I/O errors (the directory is then removed,
  // leaving nothing half-built). Call once; Apply is refused after.
  absl::StatusOr<ImportResult> Finish(const AuditEntry& audit = {
                                          "local", "chainkg-import", ""});

  // Implementation detail, opaque outside bulk_importer.cc.
  struct Impl;

 private:
  explicit BulkImporter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chainkg::graph
