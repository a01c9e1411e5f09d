#include "graph/store/wal_tail.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace chainkg::graph::internal {
namespace {

// RocksDB's log format (db/log_format.h, 7.x): 32 KiB blocks; a record is
// a 7-byte header (masked CRC32C of type and payload, 2-byte length, 1-byte
// type) and its payload, and never crosses a block. Fewer than 7 bytes left
// in a block are a zero trailer. A write larger than a block is split into
// FIRST, MIDDLE... and LAST fragments.
constexpr uint64_t kBlockSize = 32768;
constexpr uint64_t kHeaderSize = 7;
constexpr uint8_t kFullType = 1;
constexpr uint8_t kFirstType = 2;
constexpr uint8_t kMiddleType = 3;
constexpr uint8_t kLastType = 4;
constexpr uint32_t kMaskDelta = 0xa282ead8u;

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
    }
    table[i] = crc;
  }
  return table;
}

uint32_t ReadFixed32(absl::string_view bytes, uint64_t at) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
  }
  return value;
}

struct Header {
  uint32_t masked_crc;
  uint64_t length;
  uint8_t type;
};

Header ReadHeader(absl::string_view wal, uint64_t at) {
  return Header{ReadFixed32(wal, at),
                static_cast<uint64_t>(static_cast<uint8_t>(wal[at + 4])) |
                    static_cast<uint64_t>(static_cast<uint8_t>(wal[at + 5]))
                        << 8,
                static_cast<uint8_t>(wal[at + 6])};
}

uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

// True when the bytes at pos hold a record of a known type that fits its
// block and the file and whose checksum is right.
bool IntactRecordAt(absl::string_view wal, uint64_t pos) {
  uint64_t block_left = kBlockSize - pos % kBlockSize;
  if (block_left < kHeaderSize || wal.size() - pos < kHeaderSize) return false;
  Header header = ReadHeader(wal, pos);
  if (header.type < kFullType || header.type > kLastType) return false;
  if (kHeaderSize + header.length > block_left ||
      pos + kHeaderSize + header.length > wal.size()) {
    return false;
  }
  // The checksum covers the type byte and the payload.
  return header.masked_crc ==
         Mask(Crc32c(wal.substr(pos + kHeaderSize - 1, 1 + header.length)));
}

WalScan Damaged(uint64_t offset, std::string reason) {
  WalScan scan;
  scan.end = WalScan::End::kDamaged;
  scan.offset = offset;
  scan.reason = std::move(reason);
  return scan;
}

}  // namespace

uint32_t Crc32c(absl::string_view bytes) {
  static const std::array<uint32_t, 256> kTable = MakeCrcTable();
  uint32_t crc = 0xffffffffu;
  for (char c : bytes) {
    crc = kTable[(crc ^ static_cast<uint8_t>(c)) & 0xff] ^ (crc >> 8);
  }
  return crc ^ 0xffffffffu;
}

WalScan ScanWal(absl::string_view wal) {
  const uint64_t size = wal.size();
  uint64_t pos = 0;
  bool fragmented = false;    // inside a FIRST..LAST sequence
  uint64_t record_start = 0;  // where the current logical record began

  // The file ends, at `where`, inside a record. That is a cut-off write only
  // if nothing intact follows and, when the record's header is complete,
  // the rest of the file does not make it whole: then the length field is
  // what is damaged, and the record was complete.
  auto ends_inside_record = [&](uint64_t where) -> WalScan {
    if (size - where >= kHeaderSize && where + kHeaderSize <= size) {
      Header header = ReadHeader(wal, where);
      absl::string_view rest =
          wal.substr(where + kHeaderSize - 1, size - where - kHeaderSize + 1);
      if (header.masked_crc == Mask(Crc32c(rest))) {
        return Damaged(where + 4, "record length field does not match");
      }
    }
    for (uint64_t at = where + 1; at + kHeaderSize <= size; ++at) {
      if (IntactRecordAt(wal, at)) {
        return Damaged(where, absl::StrCat("record cut short although an "
                                           "intact record follows at byte ",
                                           at));
      }
    }
    WalScan scan;
    scan.end = WalScan::End::kTorn;
    scan.offset = fragmented ? record_start : where;
    return scan;
  };

  while (pos < size) {
    uint64_t block_left = kBlockSize - pos % kBlockSize;
    if (block_left < kHeaderSize) {
      uint64_t end = std::min(size, pos + block_left);
      for (uint64_t at = pos; at < end; ++at) {
        if (wal[at] != 0) return Damaged(at, "non-zero byte in block trailer");
      }
      if (pos + block_left > size) return ends_inside_record(pos);
      pos += block_left;
      continue;
    }
    if (size - pos < kHeaderSize) return ends_inside_record(pos);
    Header header = ReadHeader(wal, pos);
    if (header.type < kFullType || header.type > kLastType) {
      return Damaged(pos, absl::StrCat("record type ", header.type));
    }
    if (kHeaderSize + header.length > block_left) {
      return Damaged(pos, "record length crosses the block end");
    }
    if (pos + kHeaderSize + header.length > size) {
      return ends_inside_record(pos);
    }
    if (header.masked_crc !=
        Mask(Crc32c(wal.substr(pos + kHeaderSize - 1, 1 + header.length)))) {
      return Damaged(pos, "checksum mismatch");
    }
    switch (header.type) {
      case kFullType:
        if (fragmented) return Damaged(pos, "fragmented record without end");
        break;
      case kFirstType:
        if (fragmented) return Damaged(pos, "fragmented record without end");
        fragmented = true;
        record_start = pos;
        break;
      case kMiddleType:
      case kLastType:
        if (!fragmented) {
          return Damaged(pos, "fragment without the start of its record");
        }
        if (header.type == kLastType) fragmented = false;
        break;
    }
    pos += kHeaderSize + header.length;
  }
  if (fragmented) return ends_inside_record(size);
  return WalScan{};
}

absl::StatusOr<WalCheck> CheckWals(const std::string& path) {
  namespace fs = std::filesystem;
  struct Wal {
    uint64_t number;
    fs::path file;
    uint64_t size;
  };
  std::vector<Wal> wals;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(path, error)) {
    std::string name = entry.path().filename().string();
    uint64_t number = 0;
    if (name.size() <= 4 || name.compare(name.size() - 4, 4, ".log") != 0 ||
        !std::all_of(name.begin(), name.end() - 4, absl::ascii_isdigit) ||
        !absl::SimpleAtoi(absl::string_view(name).substr(0, name.size() - 4),
                          &number)) {
      continue;
    }
    uint64_t size = entry.file_size(error);
    if (error) break;
    wals.push_back({number, entry.path(), size});
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("read write-ahead logs in ", path, ": ", error.message()));
  }
  std::sort(wals.begin(), wals.end(),
            [](const Wal& a, const Wal& b) { return a.number < b.number; });
  size_t newest = wals.size();  // the newest non-empty one
  for (size_t i = 0; i < wals.size(); ++i) {
    if (wals[i].size > 0) newest = i;
  }

  WalCheck check;
  for (size_t i = 0; i < wals.size(); ++i) {
    if (wals[i].size == 0) continue;
    std::ifstream in(wals[i].file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    if (in.bad() || bytes.size() != wals[i].size) {
      return absl::UnavailableError(
          absl::StrCat("read ", wals[i].file.string(), ": I/O error"));
    }
    WalScan scan = ScanWal(bytes);
    std::string name = wals[i].file.filename().string();
    if (scan.end == WalScan::End::kIntact) continue;
    if (scan.end == WalScan::End::kTorn && i == newest) {
      int fd = open(wals[i].file.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || ftruncate(fd, static_cast<off_t>(scan.offset)) != 0 ||
          fsync(fd) != 0) {
        int saved = errno;
        if (fd >= 0) close(fd);
        return absl::UnavailableError(absl::StrCat(
            "cut ", wals[i].file.string(), ": ", std::strerror(saved)));
      }
      close(fd);
      check.cut = absl::StrCat(
          name, ": cut ", bytes.size() - scan.offset, " bytes at byte ",
          scan.offset,
          ": the incomplete last write a crash or a full disk left there, "
          "never acknowledged");
      return check;
    }
    check.damage =
        scan.end == WalScan::End::kTorn
            ? absl::StrCat(name, ": incomplete record at byte ", scan.offset,
                           ", yet newer logs follow")
            : absl::StrCat(name, ": ", scan.reason, " at byte ", scan.offset);
    return check;
  }
  return check;
}

}  // namespace chainkg::graph::internal
