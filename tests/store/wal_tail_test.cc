#include "graph/store/wal_tail.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace chainkg::graph::internal {
namespace {

using ::testing::HasSubstr;

constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;

// Writes records the way RocksDB's log::Writer does (legacy format): a
// record is split at block ends into FIRST/MIDDLE/LAST fragments, and fewer
// than 7 bytes left in a block are filled with zeros.
class WalWriter {
 public:
  // Appends one record; returns the offset where it starts.
  size_t Add(const std::string& payload) {
    size_t start = bytes_.size();
    size_t left = payload.size();
    size_t at = 0;
    bool begin = true;
    do {
      size_t block_left = kBlockSize - bytes_.size() % kBlockSize;
      if (block_left < kHeaderSize) {
        bytes_.append(block_left, '\0');
        block_left = kBlockSize;
        if (begin) start = bytes_.size();
      }
      size_t avail = block_left - kHeaderSize;
      size_t length = std::min(left, avail);
      bool end = length == left;
      uint8_t type = begin && end ? 1 : begin ? 2 : end ? 4 : 3;
      Emit(type, payload.substr(at, length));
      at += length;
      left -= length;
      begin = false;
    } while (left > 0);
    return start;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  void Emit(uint8_t type, const std::string& payload) {
    std::string typed(1, static_cast<char>(type));
    typed += payload;
    uint32_t crc = Crc32c(typed);
    uint32_t masked = ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    for (int i = 0; i < 4; ++i) {
      bytes_.push_back(static_cast<char>((masked >> (8 * i)) & 0xff));
    }
    bytes_.push_back(static_cast<char>(payload.size() & 0xff));
    bytes_.push_back(static_cast<char>(payload.size() >> 8));
    bytes_ += typed;
  }

  std::string bytes_;
};

std::string Payload(size_t size, char seed) {
  std::string payload;
  for (size_t i = 0; i < size; ++i) {
    payload.push_back(static_cast<char>(seed + i * 7));
  }
  return payload;
}

TEST(WalTailTest, Crc32cMatchesTheCastagnoliCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(WalTailTest, CompleteRecordsReadAsIntact) {
  WalWriter wal;
  wal.Add(Payload(100, 'a'));
  wal.Add(Payload(3 * kBlockSize, 'b'));  // FIRST, MIDDLE..., LAST
  wal.Add(Payload(kBlockSize - 200, 'c'));
  EXPECT_EQ(ScanWal(wal.bytes()).end, WalScan::End::kIntact);
  EXPECT_EQ(ScanWal("").end, WalScan::End::kIntact);
}

TEST(WalTailTest, FileCutInsideTheLastRecordIsTornAtThatRecord) {
  WalWriter wal;
  wal.Add(Payload(100, 'a'));
  size_t last = wal.Add(Payload(500, 'b'));
  // Inside the payload, inside the header, and right after the header.
  for (size_t cut : {wal.bytes().size() - 1, last + 3, last + kHeaderSize}) {
    WalScan scan = ScanWal(absl::string_view(wal.bytes()).substr(0, cut));
    EXPECT_EQ(scan.end, WalScan::End::kTorn) << cut;
    EXPECT_EQ(scan.offset, last) << cut;
  }
}

TEST(WalTailTest, CutInsideALaterFragmentIsTornAtTheRecordsFirstFragment) {
  WalWriter wal;
  wal.Add(Payload(1000, 'a'));
  size_t big = wal.Add(Payload(2 * kBlockSize + 5000, 'b'));
  // In the MIDDLE fragment, in the LAST one, and exactly between them.
  for (size_t cut :
       {big + kBlockSize, wal.bytes().size() - 10, size_t{2} * kBlockSize}) {
    WalScan scan = ScanWal(absl::string_view(wal.bytes()).substr(0, cut));
    EXPECT_EQ(scan.end, WalScan::End::kTorn) << cut;
    EXPECT_EQ(scan.offset, big) << cut;
  }
}

TEST(WalTailTest, FileEndingInABlockTrailerIsTornThere) {
  WalWriter wal;
  wal.Add(Payload(kBlockSize - 3 - kHeaderSize, 'a'));  // 3-byte trailer
  size_t end_of_record = wal.bytes().size();
  wal.Add(Payload(10, 'b'));
  WalScan scan =
      ScanWal(absl::string_view(wal.bytes()).substr(0, end_of_record + 2));
  EXPECT_EQ(scan.end, WalScan::End::kTorn);
  EXPECT_EQ(scan.offset, end_of_record);
}

TEST(WalTailTest, FlippedPayloadByteIsDamageEvenInTheLastRecord) {
  WalWriter wal;
  wal.Add(Payload(300, 'a'));
  size_t last = wal.Add(Payload(300, 'b'));
  for (size_t at : {size_t{150}, last + 150}) {
    std::string bytes = wal.bytes();
    bytes[at] ^= 0x01;
    WalScan scan = ScanWal(bytes);
    EXPECT_EQ(scan.end, WalScan::End::kDamaged) << at;
    EXPECT_EQ(scan.reason, "checksum mismatch") << at;
  }
}

// A damaged length field can make a complete record look cut short: the
// records after it, or the record itself filling the rest of the file,
// show it is damage, which must never be cut off.
TEST(WalTailTest, LengthFieldMadeLongerIsDamageNotATornTail) {
  WalWriter wal;
  size_t first = wal.Add(Payload(200, 'a'));
  size_t second = wal.Add(Payload(200, 'b'));
  for (size_t record : {first, second}) {
    std::string bytes = wal.bytes();
    bytes[record + 5] ^= 0x10;  // length high byte: 200 + 4096
    WalScan scan = ScanWal(bytes);
    EXPECT_EQ(scan.end, WalScan::End::kDamaged) << record;
  }
}

TEST(WalTailTest, NonZeroTrailerAndUnknownTypeAreDamage) {
  WalWriter wal;
  wal.Add(Payload(kBlockSize - 3 - kHeaderSize, 'a'));  // 3-byte trailer
  wal.Add(Payload(10, 'b'));
  std::string trailer = wal.bytes();
  trailer[kBlockSize - 2] = 1;
  EXPECT_EQ(ScanWal(trailer).end, WalScan::End::kDamaged);
  std::string type = wal.bytes();
  type[6] = 5;  // a recyclable record, which chainkg never writes
  EXPECT_EQ(ScanWal(type).end, WalScan::End::kDamaged);
}

void WriteFile(const std::string& path, absl::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(WalTailTest, CheckWalsCutsTheNewestNonEmptyLogOnly) {
  testing::TempDir dir;
  WalWriter wal;
  wal.Add(Payload(100, 'a'));
  size_t last = wal.Add(Payload(100, 'b'));
  WriteFile(dir.Sub("000004.log"), wal.bytes());
  WriteFile(dir.Sub("000007.log"), wal.bytes().substr(0, last + 50));
  WriteFile(dir.Sub("000009.log"), "");
  WriteFile(dir.Sub("MANIFEST-000005"), "not a log");

  ASSERT_OK_AND_ASSIGN(WalCheck check, CheckWals(dir.path()));
  ASSERT_TRUE(check.cut.has_value());
  EXPECT_THAT(*check.cut, HasSubstr("000007.log: cut 50 bytes"));
  EXPECT_EQ(std::filesystem::file_size(dir.Sub("000007.log")), last);
  EXPECT_EQ(std::filesystem::file_size(dir.Sub("000004.log")),
            wal.bytes().size());

  ASSERT_OK_AND_ASSIGN(WalCheck again, CheckWals(dir.path()));
  EXPECT_FALSE(again.cut.has_value());
  EXPECT_EQ(again.damage, "");
}

TEST(WalTailTest, CheckWalsNamesDamageAndCutsNothing) {
  testing::TempDir dir;
  WalWriter wal;
  wal.Add(Payload(100, 'a'));
  size_t last = wal.Add(Payload(100, 'b'));
  std::string damaged = wal.bytes();
  damaged[50] ^= 0x40;
  WriteFile(dir.Sub("000004.log"), damaged);
  // Torn, but an older log is damaged: nothing may be cut.
  WriteFile(dir.Sub("000006.log"), wal.bytes().substr(0, last + 50));

  ASSERT_OK_AND_ASSIGN(WalCheck check, CheckWals(dir.path()));
  EXPECT_FALSE(check.cut.has_value());
  EXPECT_EQ(check.damage, "000004.log: checksum mismatch at byte 0");
  EXPECT_EQ(std::filesystem::file_size(dir.Sub("000006.log")), last + 50);
}

}  // namespace
}  // namespace chainkg::graph::internal
