// The write-ahead log checks Store::Open runs when RocksDB refuses a WAL:
// tell a write cut short by a crash (which may be cut off) from damage
// (which must stop the open). Internal to graph/store.
//
// RocksDB opens with WALRecoveryMode::kAbsoluteConsistency, so that a
// damaged record never silently drops the acknowledged writes after it. That
// mode also refuses an incomplete last record, which is what a process killed
// during a write (or a write that ran out of disk space) leaves. Such a
// record was never acknowledged: a write returns only after its record is
// complete and synced. Cutting it off loses nothing and lets the open go on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chainkg::graph::internal {

// How a WAL file ends, as ScanWal found it.
struct WalScan {
  enum class End {
    kIntact,  // every record complete and its checksum right
    kTorn,    // complete records, then one incomplete record up to the end
    kDamaged  // anything else: a bad checksum, length or type, a stray byte
  };
  End end = End::kIntact;
  // kTorn: where the incomplete (logical) record starts, where to cut.
  // kDamaged: the first damaged byte found.
  uint64_t offset = 0;
  std::string reason;  // kDamaged: what is wrong, e.g. "checksum mismatch"
};

// Reads one WAL file's bytes in RocksDB's log format (32 KiB blocks of
// records with a CRC32C each; docs: RocksDB wiki "Write Ahead Log File
// Format"). kTorn requires that no intact record starts anywhere after the
// incomplete one, so a damaged length field that makes a record look longer
// than the file is kDamaged, not kTorn. Recyclable and compression records
// (options chainkg does not use) are kDamaged.
WalScan ScanWal(absl::string_view wal);

// CRC32C (Castagnoli) of bytes, the checksum RocksDB's records use.
uint32_t Crc32c(absl::string_view bytes);

// What CheckWals found in a database directory.
struct WalCheck {
  // Set when the newest non-empty WAL ended in an incomplete record and it
  // was cut off: "000012.log: cut 1234 bytes at byte 56789 ...".
  std::optional<std::string> cut;
  // Otherwise, the first damage found in any WAL ("000012.log: checksum
  // mismatch at byte 20480"); empty when every WAL reads as intact.
  std::string damage;
};

// Scans the WAL files (NNNNNN.log) of database directory path, oldest
// first. If the newest non-empty one (every newer one being empty) is kTorn
// and every older one is intact, truncates it at the incomplete record and
// fsyncs it. Only for a database RocksDB refused to open: the caller holds
// no handle on it. UNAVAILABLE for I/O errors.
absl::StatusOr<WalCheck> CheckWals(const std::string& path);

}  // namespace chainkg::graph::internal
