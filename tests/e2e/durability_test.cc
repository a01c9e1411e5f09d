// Durability of the chainkg-server binary (issue 5): SIGKILL at random
// moments during streaming ingest, a damaged or cut-short write-ahead log,
// and a full disk. Each test runs the real server process on its own
// database and talks to it through the generated GraphService stub.
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

#include "chainkg/v1/graph_service.grpc.pb.h"
#include "graph/store/store.h"
#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace chainkg {
namespace {

using ::chainkg::testing::ChildProcess;
using ::chainkg::testing::MakeEdge;
using ::chainkg::testing::MakeFirm;
using ::chainkg::testing::ProcessResult;
using ::chainkg::testing::Ref;
using ::chainkg::testing::RunProcess;
using ::chainkg::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAnchorKey[] = "CRASH:ANCHOR";

// The shape of the test batches: `firms` firms, a SUPPLIES ring among them
// and one edge from the first to the anchor firm every batch shares, so
// that a batch applied in part shows as some of its records missing.
struct BatchShape {
  int firms = 4;
  int name_padding = 0;  // extra bytes in each name, to fill a disk faster
  int records() const { return 2 * firms + 1; }
};

std::string FirmKey(int64_t batch, int firm) {
  return absl::StrCat("CRASH:", batch, "-", firm);
}

// The batch a firm key belongs to; -1 for the anchor and foreign keys.
int64_t BatchOfKey(absl::string_view key) {
  if (!absl::ConsumePrefix(&key, "CRASH:")) return -1;
  std::vector<absl::string_view> parts = absl::StrSplit(key, '-');
  int64_t batch = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &batch)) return -1;
  return batch;
}

v1::IngestRequest MakeBatch(int64_t batch, const BatchShape& shape) {
  v1::IngestRequest request;
  request.set_batch_id(batch);
  request.set_all_or_nothing(true);
  for (int i = 0; i < shape.firms; ++i) {
    // The name carries the batch tag too: a record is checked against it.
    *request.add_vertices() = MakeFirm(
        FirmKey(batch, i), absl::StrCat("crash batch ", batch, " firm ", i,
                                        std::string(shape.name_padding, 'x')));
  }
  for (int i = 0; i < shape.firms; ++i) {
    *request.add_edges() = MakeEdge(
        v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, FirmKey(batch, i)),
        Ref(v1::VERTEX_KIND_FIRM, FirmKey(batch, (i + 1) % shape.firms)));
  }
  *request.add_edges() = MakeEdge(v1::EDGE_KIND_SUPPLIES,
                                  Ref(v1::VERTEX_KIND_FIRM, FirmKey(batch, 0)),
                                  Ref(v1::VERTEX_KIND_FIRM, kAnchorKey));
  return request;
}

// chainkg-server on a database directory and a free loopback port.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& db)
      : child_({CHAINKG_SERVER_PATH, "--db", db, "--listen", "127.0.0.1:0"}) {
    std::string line = child_.ReadLine(absl::Seconds(60));
    const std::string kListening = "listening on ";
    size_t at = line.find(kListening);
    if (at == std::string::npos) return;
    at += kListening.size();
    address_ = line.substr(at, line.find(' ', at) - at);
    channel_ =
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    stub_ = v1::GraphService::NewStub(channel_);
  }

  // Empty when the server did not start.
  const std::string& address() const { return address_; }
  v1::GraphService::Stub& stub() { return *stub_; }

  void Kill() {
    child_.Signal(SIGKILL);
    child_.Wait(absl::Seconds(30));
  }
  // Closes the connection, then SIGTERM; the exit code.
  int Stop() {
    // An open client connection holds the server's shutdown for seconds.
    stub_.reset();
    channel_.reset();
    child_.Signal(SIGTERM);
    return child_.Wait(absl::Seconds(30));
  }

 private:
  ChildProcess child_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::GraphService::Stub> stub_;
};

std::unique_ptr<grpc::ClientContext> Call(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

void UpsertAnchor(v1::GraphService::Stub& stub) {
  v1::UpsertVerticesRequest request;
  *request.add_vertices() = MakeFirm(kAnchorKey, "crash anchor");
  v1::UpsertVerticesResponse response;
  grpc::Status status =
      stub.UpsertVertices(Call(absl::Seconds(30)).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// What one Ingest stream achieved.
struct StreamResult {
  std::vector<int64_t> sent;  // handed to the stream; maybe never received
  std::vector<int64_t> acknowledged;
  int rejected = 0;  // records the server left out (none expected)
  grpc::Status status;
};

// Streams the batches `ids` through one Ingest call, at most `window`
// unacknowledged at a time, until they run out or the stream breaks. With
// kill_after set, SIGKILLs the server that long after the stream started.
StreamResult StreamBatches(ServerProcess& server,
                           const std::vector<int64_t>& ids,
                           const BatchShape& shape, int window,
                           std::optional<absl::Duration> kill_after) {
  struct Flow {
    static bool CanSend(Flow* flow) ABSL_EXCLUSIVE_LOCKS_REQUIRED(flow->mu) {
      return flow->stopped || flow->in_flight < flow->window;
    }
    absl::Mutex mu;
    int window = 1;
    int in_flight ABSL_GUARDED_BY(mu) = 0;
    bool stopped ABSL_GUARDED_BY(mu) = false;  // the stream is over
  };
  Flow flow;
  flow.window = window;
  StreamResult result;
  std::unique_ptr<grpc::ClientContext> context = Call(absl::Seconds(120));
  std::unique_ptr<
      grpc::ClientReaderWriter<v1::IngestRequest, v1::IngestResponse>>
      stream = server.stub().Ingest(context.get());
  std::thread writer([&] {
    for (int64_t id : ids) {
      {
        absl::MutexLock lock(&flow.mu);
        flow.mu.Await(absl::Condition(&Flow::CanSend, &flow));
        if (flow.stopped) break;
        ++flow.in_flight;
        result.sent.push_back(id);
      }
      if (!stream->Write(MakeBatch(id, shape))) break;
    }
    stream->WritesDone();
  });
  std::thread reader([&] {
    v1::IngestResponse response;
    while (stream->Read(&response)) {
      absl::MutexLock lock(&flow.mu);
      result.acknowledged.push_back(response.batch_id());
      result.rejected += response.rejected_size();
      --flow.in_flight;
    }
    absl::MutexLock lock(&flow.mu);
    flow.stopped = true;
  });
  if (kill_after.has_value()) {
    absl::SleepFor(*kill_after);
    server.Kill();
    // Acknowledgements not read by now count as never received.
    context->TryCancel();
  }
  writer.join();
  reader.join();
  result.status = stream->Finish();
  return result;
}

// How many of a batch's firms the server has.
int FirmsPresent(v1::GraphService::Stub& stub, int64_t batch,
                 const BatchShape& shape) {
  v1::BatchGetVerticesRequest request;
  for (int i = 0; i < shape.firms; ++i) {
    *request.add_refs() = Ref(v1::VERTEX_KIND_FIRM, FirmKey(batch, i));
  }
  v1::BatchGetVerticesResponse response;
  grpc::Status status =
      stub.BatchGetVertices(Call(absl::Seconds(30)).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.vertices_size();
}

// What a verification found.
struct Tally {
  int64_t lost = 0;        // records of acknowledged batches missing
  int64_t holes = 0;       // batches present in part
  int64_t dangling = 0;    // edges naming a missing vertex
  int64_t asymmetric = 0;  // out-edges without in-edge mirror, or reverse
  int64_t other = 0;       // any other inconsistency or stray record

  Tally& operator+=(const Tally& more) {
    lost += more.lost;
    holes += more.holes;
    dangling += more.dangling;
    asymmetric += more.asymmetric;
    other += more.other;
    return *this;
  }
};

// Opens the database of a stopped server and checks every batch sent:
// an acknowledged one whole, any other whole or absent; and the layout's
// invariants (Store::CheckConsistency). repaired counts the opens that cut
// a torn WAL tail.
absl::StatusOr<Tally> Verify(const std::string& db, const BatchShape& shape,
                             const std::set<int64_t>& sent,
                             const std::set<int64_t>& acknowledged,
                             int* repaired) {
  graph::StoreOptions options;
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<graph::Store>> store =
      graph::Store::Open(db, options);
  if (!store.ok()) return store.status();
  if (!(*store)->recovery_note().empty()) ++*repaired;
  Tally tally;
  absl::flat_hash_map<int64_t, int> present;
  graph::ScanVisitor visitor;
  visitor.vertex = [&](graph::VertexId, const v1::Vertex& vertex) {
    int64_t batch = BatchOfKey(vertex.firm().key());
    if (batch < 0) return absl::OkStatus();
    ++present[batch];
    // The batch tag in the name must match the key's.
    if (!absl::StartsWith(vertex.firm().name(),
                          absl::StrCat("crash batch ", batch, " firm "))) {
      ++tally.other;
    }
    return absl::OkStatus();
  };
  visitor.edge = [&](const graph::StoredEdge& edge) {
    int64_t batch = BatchOfKey(edge.record->from().key());
    if (batch >= 0) ++present[batch];
    return absl::OkStatus();
  };
  absl::StatusOr<uint64_t> scanned = (*store)->ScanAll(visitor);
  if (!scanned.ok()) return scanned.status();
  for (int64_t batch : sent) {
    int records = present[batch];
    if (acknowledged.count(batch) != 0) tally.lost += shape.records() - records;
    if (records > 0 && records < shape.records()) ++tally.holes;
  }
  for (const auto& [batch, records] : present) {
    if (sent.count(batch) == 0) ++tally.other;
  }
  absl::StatusOr<graph::ConsistencyReport> report =
      (*store)->CheckConsistency();
  if (!report.ok()) return report.status();
  for (const std::string& problem : report->problems) {
    if (absl::StrContains(problem, "dangling endpoint")) {
      ++tally.dangling;
    } else if (absl::StrContains(problem, "mirror")) {
      ++tally.asymmetric;
    } else {
      ++tally.other;
      std::cerr << "inconsistency: " << problem << "\n";
    }
  }
  tally.other +=
      report->problem_count - static_cast<int64_t>(report->problems.size());
  return tally;
}

// The newest non-empty write-ahead log of a database directory.
std::string NewestWal(const std::string& db) {
  std::string newest;  // names are zero-padded numbers: they sort
  for (const auto& entry : std::filesystem::directory_iterator(db)) {
    std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, ".log") && entry.file_size() > 0 &&
        name > newest) {
      newest = name;
    }
  }
  return newest.empty() ? "" : absl::StrCat(db, "/", newest);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<int64_t> Range(int64_t first, int64_t count) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < count; ++i) ids.push_back(first + i);
  return ids;
}

// Issue 5: 50 SIGKILLs at random moments of a streaming ingest, the server
// restarted on the same database each time. After each kill the database
// is checked: every acknowledged batch whole, every other batch whole or
// absent, no dangling edge, adjacency symmetric.
TEST(CrashTest, SigkillDuringStreamingIngestLosesNoAcknowledgedBatch) {
  constexpr int kCycles = 50;
  constexpr uint32_t kSeed = 20240505;  // the kill schedule
  TempDir dir;
  const std::string db = dir.Sub("db");
  const BatchShape shape;
  {
    ServerProcess server(db);
    ASSERT_FALSE(server.address().empty()) << "the server did not start";
    UpsertAnchor(server.stub());
    server.Kill();
  }
  std::mt19937 random(kSeed);
  std::uniform_int_distribution<int> kill_after_ms(0, 250);
  std::set<int64_t> sent;
  std::set<int64_t> acknowledged;
  int64_t next_batch = 1;
  Tally total;
  int repaired = 0;
  int rejected = 0;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    ServerProcess server(db);
    ASSERT_FALSE(server.address().empty())
        << "cycle " << cycle << ": the server did not restart";
    // A loader re-sends what it has no acknowledgement for, then goes on.
    std::vector<int64_t> ids;
    for (int64_t batch : sent) {
      if (acknowledged.count(batch) == 0) ids.push_back(batch);
    }
    std::vector<int64_t> fresh = Range(next_batch, 100000);
    ids.insert(ids.end(), fresh.begin(), fresh.end());
    StreamResult stream =
        StreamBatches(server, ids, shape, /*window=*/4,
                      absl::Milliseconds(kill_after_ms(random)));
    rejected += stream.rejected;
    for (int64_t batch : stream.sent) {
      sent.insert(batch);
      next_batch = std::max(next_batch, batch + 1);
    }
    acknowledged.insert(stream.acknowledged.begin(), stream.acknowledged.end());
    absl::StatusOr<Tally> tally =
        Verify(db, shape, sent, acknowledged, &repaired);
    ASSERT_TRUE(tally.ok()) << "cycle " << cycle << ": " << tally.status();
    total += *tally;
  }
  {
    ServerProcess server(db);
    ASSERT_FALSE(server.address().empty()) << "no restart after the last kill";
    EXPECT_EQ(server.Stop(), 0);
  }
  std::cout << "crash test: " << kCycles << " cycles, " << acknowledged.size()
            << " batches acknowledged, acknowledged lost " << total.lost
            << ", holes " << total.holes << ", dangling " << total.dangling
            << ", asymmetric " << total.asymmetric << std::endl;
  ::testing::Test::RecordProperty("torn_wal_tails_cut", repaired);
  EXPECT_EQ(total.lost, 0);
  EXPECT_EQ(total.holes, 0);
  EXPECT_EQ(total.dangling, 0);
  EXPECT_EQ(total.asymmetric, 0);
  EXPECT_EQ(total.other, 0);
  EXPECT_EQ(rejected, 0);
  // The kills must have hit a running ingest, not an idle server.
  EXPECT_GT(acknowledged.size(), static_cast<size_t>(kCycles));
}

// Ingests batches 1..count of `shape` through one stream, then (when set)
// batch count + 1 of `last` through another, into a fresh server on db, and
// SIGKILLs it, so that the batches are in the WAL only. Returns the batches
// acknowledged.
std::vector<int64_t> IngestThenKill(const std::string& db, int count,
                                    const BatchShape& shape,
                                    std::optional<BatchShape> last) {
  ServerProcess server(db);
  EXPECT_FALSE(server.address().empty()) << "the server did not start";
  if (server.address().empty()) return {};
  UpsertAnchor(server.stub());
  StreamResult stream = StreamBatches(server, Range(1, count), shape,
                                      /*window=*/4, std::nullopt);
  EXPECT_TRUE(stream.status.ok()) << stream.status.error_message();
  std::vector<int64_t> acknowledged = stream.acknowledged;
  if (last.has_value()) {
    StreamResult final_batch = StreamBatches(server, {count + 1}, *last,
                                             /*window=*/1, std::nullopt);
    EXPECT_TRUE(final_batch.status.ok()) << final_batch.status.error_message();
    acknowledged.insert(acknowledged.end(), final_batch.acknowledged.begin(),
                        final_batch.acknowledged.end());
  }
  server.Kill();
  return acknowledged;
}

TEST(CorruptWalTest, FlippedByteInTheMiddleStopsStartWithAClearMessage) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  const BatchShape shape{4, 100};
  std::vector<int64_t> acknowledged =
      IngestThenKill(db, 40, shape, std::nullopt);
  ASSERT_EQ(acknowledged.size(), 40u);
  std::string wal = NewestWal(db);
  ASSERT_FALSE(wal.empty());
  const std::string intact = ReadFile(wal);
  std::string damaged = intact;
  damaged[damaged.size() / 2] ^= 0x20;
  WriteFile(wal, damaged);

  ProcessResult result =
      RunProcess({CHAINKG_SERVER_PATH, "--db", db, "--listen", "127.0.0.1:0"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.out, Not(HasSubstr("listening")));
  EXPECT_THAT(result.err, HasSubstr("DATA_LOSS"));
  EXPECT_THAT(result.err,
              HasSubstr(absl::StrCat(
                  "the database is corrupted: write-ahead log ",
                  std::filesystem::path(wal).filename().string(), ": ")));
  EXPECT_THAT(result.err, HasSubstr("refusing to start"));
  EXPECT_THAT(result.err, HasSubstr("restore the latest checkpoint"));
  EXPECT_EQ(ReadFile(wal), damaged) << "the damaged WAL was changed";

  // Nothing was dropped: with the byte put back every batch is there.
  WriteFile(wal, intact);
  ServerProcess server(db);
  ASSERT_FALSE(server.address().empty());
  for (int64_t batch : acknowledged) {
    EXPECT_EQ(FirmsPresent(server.stub(), batch, shape), shape.firms)
        << "batch " << batch;
  }
  EXPECT_EQ(server.Stop(), 0);
}

TEST(CorruptWalTest, WriteCutShortByACrashIsDroppedAndTheServerStarts) {
  TempDir dir;
  const std::string db = dir.Sub("db");
  const BatchShape shape;
  const BatchShape last{50, 2000};  // spans several 32 KiB WAL blocks
  std::vector<int64_t> acknowledged = IngestThenKill(db, 10, shape, last);
  ASSERT_EQ(acknowledged.size(), 11u);
  // What a SIGKILL in the middle of the last write leaves.
  std::string wal = NewestWal(db);
  ASSERT_FALSE(wal.empty());
  std::filesystem::resize_file(wal, std::filesystem::file_size(wal) - 100);

  {
    // Opening cuts the incomplete record off, and says so.
    std::string copy = dir.Sub("copy");
    std::filesystem::copy(db, copy);
    graph::StoreOptions options;
    options.create_if_missing = false;
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<graph::Store> store,
                         graph::Store::Open(copy, options));
    EXPECT_THAT(store->recovery_note(), HasSubstr("never acknowledged"));
  }
  ServerProcess server(db);
  ASSERT_FALSE(server.address().empty()) << "a torn WAL tail stopped start-up";
  for (int64_t batch = 1; batch <= 10; ++batch) {
    EXPECT_EQ(FirmsPresent(server.stub(), batch, shape), shape.firms);
  }
  EXPECT_EQ(FirmsPresent(server.stub(), 11, last), 0);
  EXPECT_EQ(server.Stop(), 0);
}

// An 8 MiB tmpfs holding a 2 MiB ballast file (deleted to free space) and
// the database directory. Skips the test when not root or mount fails.
class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    std::filesystem::create_directory(disk_);
    if (mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=8m") != 0) {
      GTEST_SKIP() << "cannot mount an 8 MiB tmpfs on " << disk_ << ": "
                   << std::strerror(errno);
    }
    mounted_ = true;
    WriteFile(ballast_, std::string(2 << 20, '\0'));
  }
  void TearDown() override {
    if (mounted_) umount2(disk_.c_str(), MNT_DETACH);
  }

  // Ingests batches from 1 on, one at a time, until a write fails, and
  // checks that it failed for lack of space and was not acknowledged.
  StreamResult FillDisk(ServerProcess& server) {
    UpsertAnchor(server.stub());
    StreamResult full = StreamBatches(server, Range(1, 1000), shape_,
                                      /*window=*/1, std::nullopt);
    EXPECT_FALSE(full.status.ok()) << "8 MiB never filled up";
    EXPECT_EQ(full.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << full.status.error_message();
    EXPECT_THAT(full.status.error_message(), HasSubstr("No space"));
    EXPECT_FALSE(full.acknowledged.empty());
    // The batch that failed is the only one not acknowledged.
    EXPECT_EQ(full.sent.size(), full.acknowledged.size() + 1);
    return full;
  }

  TempDir dir_;
  const std::string disk_ = dir_.Sub("tmpfs");
  const std::string ballast_ = disk_ + "/ballast";
  const std::string db_ = disk_ + "/db";
  const BatchShape shape_{20, 1000};
  bool mounted_ = false;
};

TEST_F(DiskFullTest, FailedWriteIsNotAcknowledgedAndWritesResumeWhenFreed) {
  const std::string& db = db_;
  const BatchShape& shape = shape_;
  ServerProcess server(db);
  ASSERT_FALSE(server.address().empty());
  StreamResult full = FillDisk(server);
  ASSERT_FALSE(full.acknowledged.empty());
  ASSERT_EQ(full.sent.size(), full.acknowledged.size() + 1);
  std::vector<int64_t> acknowledged = full.acknowledged;
  const int64_t failed = full.sent.back();
  EXPECT_EQ(FirmsPresent(server.stub(), failed, shape), 0);
  // Reads keep working.
  for (int64_t batch : acknowledged) {
    ASSERT_EQ(FirmsPresent(server.stub(), batch, shape), shape.firms);
  }
  // So does refusing writes, until space is freed.
  StreamResult refused =
      StreamBatches(server, {failed}, shape, /*window=*/1, std::nullopt);
  EXPECT_TRUE(refused.acknowledged.empty());
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.status.error_message();

  std::filesystem::remove(ballast_);
  // The server retries resuming writes once a second.
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  StreamResult resumed;
  while (resumed.acknowledged.empty() && absl::Now() < deadline) {
    resumed =
        StreamBatches(server, {failed}, shape, /*window=*/1, std::nullopt);
    if (resumed.acknowledged.empty()) absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_FALSE(resumed.acknowledged.empty())
      << "writes did not resume: " << resumed.status.error_message();
  acknowledged.push_back(failed);
  StreamResult more = StreamBatches(server, Range(failed + 1, 5), shape,
                                    /*window=*/1, std::nullopt);
  EXPECT_TRUE(more.status.ok()) << more.status.error_message();
  acknowledged.insert(acknowledged.end(), more.acknowledged.begin(),
                      more.acknowledged.end());

  // Nothing acknowledged is lost, across a crash either.
  server.Kill();
  {
    ServerProcess again(db);
    ASSERT_FALSE(again.address().empty());
    for (int64_t batch : acknowledged) {
      EXPECT_EQ(FirmsPresent(again.stub(), batch, shape), shape.firms)
          << "batch " << batch;
    }
    EXPECT_EQ(again.Stop(), 0);
  }
  std::set<int64_t> all(acknowledged.begin(), acknowledged.end());
  int repaired = 0;
  ASSERT_OK_AND_ASSIGN(Tally tally, Verify(db, shape, all, all, &repaired));
  EXPECT_EQ(tally.lost, 0);
  EXPECT_EQ(tally.holes, 0);
  EXPECT_EQ(tally.dangling + tally.asymmetric + tally.other, 0);
}

// The server crashes while the disk is full; it is restarted before and
// after space is freed.
TEST_F(DiskFullTest, CrashWhileTheDiskIsFullLosesNothingAcknowledged) {
  std::vector<int64_t> acknowledged;
  int64_t failed = 0;
  {
    ServerProcess server(db_);
    ASSERT_FALSE(server.address().empty());
    StreamResult full = FillDisk(server);
    ASSERT_FALSE(full.sent.empty());
    acknowledged = full.acknowledged;
    failed = full.sent.back();
    server.Kill();
  }
  // Recovery writes the WAL's records to a table file: with the disk still
  // full the server refuses to start, saying why. (timeout(1) ends a
  // server that started anyway, which fails the test instead of hanging.)
  ProcessResult still_full =
      RunProcess({"/usr/bin/timeout", "30", CHAINKG_SERVER_PATH, "--db", db_,
                  "--listen", "127.0.0.1:0"});
  EXPECT_EQ(still_full.exit_code, 1) << still_full.out;
  EXPECT_THAT(still_full.err, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(still_full.err, HasSubstr("No space"));

  std::filesystem::remove(ballast_);
  ServerProcess server(db_);
  ASSERT_FALSE(server.address().empty());
  for (int64_t batch : acknowledged) {
    EXPECT_EQ(FirmsPresent(server.stub(), batch, shape_), shape_.firms)
        << "batch " << batch;
  }
  int present = FirmsPresent(server.stub(), failed, shape_);
  EXPECT_TRUE(present == 0 || present == shape_.firms) << present;
  StreamResult more = StreamBatches(server, {failed, failed + 1}, shape_,
                                    /*window=*/1, std::nullopt);
  EXPECT_TRUE(more.status.ok()) << more.status.error_message();
  EXPECT_EQ(more.acknowledged.size(), 2u);
  EXPECT_EQ(server.Stop(), 0);
}

// `chainkg load` into a server whose disk fills up ends with the server's
// RESOURCE_EXHAUSTED, not a generic "stream ended early".
TEST_F(DiskFullTest, ChainkgLoadReportsTheFullDisk) {
  ServerProcess server(db_);
  ASSERT_FALSE(server.address().empty());
  std::string firms = dir_.Sub("firms.csv");
  std::string csv = "key,name,region_code\n";
  for (int i = 0; i < 120000; ++i) {
    absl::StrAppend(&csv, "EXT:full-", i, ",满盘测试公司", i, ",441900\n");
  }
  WriteFile(firms, csv);
  testing::ProcessResult load = testing::RunProcess(
      {CHAINKG_CLI_PATH, "--server", server.address(), "load", firms});
  EXPECT_EQ(load.exit_code, 1) << load.err;
  EXPECT_THAT(load.err, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(load.err, HasSubstr("No space"));
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace chainkg
