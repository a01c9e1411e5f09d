#include "graph/store/rocksdb_status.h"

#include "gtest/gtest.h"

namespace chainkg::graph {
namespace {

TEST(RocksDbStatusTest, MapsEachRocksDbCodeToACanonicalCode) {
  struct Case {
    rocksdb::Status in;
    absl::StatusCode out;
  };
  const Case cases[] = {
      {rocksdb::Status::OK(), absl::StatusCode::kOk},
      {rocksdb::Status::NotFound("x"), absl::StatusCode::kNotFound},
      {rocksdb::Status::Corruption("x"), absl::StatusCode::kDataLoss},
      {rocksdb::Status::NotSupported("x"), absl::StatusCode::kUnimplemented},
      {rocksdb::Status::InvalidArgument("x"),
       absl::StatusCode::kInvalidArgument},
      {rocksdb::Status::IOError("x"), absl::StatusCode::kUnavailable},
      {rocksdb::Status::NoSpace("x"), absl::StatusCode::kResourceExhausted},
      {rocksdb::Status::Busy("x"), absl::StatusCode::kUnavailable},
      {rocksdb::Status::TimedOut("x"), absl::StatusCode::kUnavailable},
      {rocksdb::Status::TryAgain("x"), absl::StatusCode::kUnavailable},
      {rocksdb::Status::Aborted("x"), absl::StatusCode::kAborted},
      {rocksdb::Status::Incomplete("x"), absl::StatusCode::kUnavailable},
      {rocksdb::Status::ShutdownInProgress("x"),
       absl::StatusCode::kUnavailable},
      {rocksdb::Status::ColumnFamilyDropped("x"),
       absl::StatusCode::kFailedPrecondition},
  };
  for (const Case& c : cases) {
    absl::Status status = FromRocksDb(c.in, "ctx");
    EXPECT_EQ(status.code(), c.out) << c.in.ToString();
    if (!status.ok()) {
      EXPECT_EQ(status.message().substr(0, 5), "ctx: ") << status;
    }
  }
}

}  // namespace
}  // namespace chainkg::graph
