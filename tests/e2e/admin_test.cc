// AdminService end to end: checkpoints confined to the backup directory, a
// restore from one, checksum verification that finds a flipped byte in a
// table file, and the admin role.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

#include "chainkg/v1/admin_service.grpc.pb.h"
#include "chainkg/v1/graph_service.grpc.pb.h"
#include "server/admin_service.h"
#include "server/auth.h"
#include "server/server.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace chainkg {
namespace {

namespace fs = std::filesystem;
using ::chainkg::testing::ProcessResult;
using ::chainkg::testing::RunProcess;
using ::testing::HasSubstr;

TEST(ConfinedPathTest, RefusesPathsDotDotSymlinksAndNulBytes) {
  testing::TempDir dir;
  std::string root = dir.Sub("backups");
  fs::create_directory(root);
  for (const std::string& name :
       {std::string("../escape"), std::string("/etc"), std::string("a/b"),
        std::string("."), std::string(".."), std::string(""),
        std::string("x\0y", 3), std::string("name with space")}) {
    absl::StatusOr<std::string> path = server::ConfinedPath(root, name);
    EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument)
        << "\"" << name << "\"";
  }
  // A dangling symlink planted at the name is taken, not followed.
  fs::create_symlink("/tmp/somewhere-else", root + "/planted");
  EXPECT_EQ(server::ConfinedPath(root, "planted").status().code(),
            absl::StatusCode::kAlreadyExists);
  fs::create_directory(root + "/taken");
  EXPECT_EQ(server::ConfinedPath(root, "taken").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(server::ConfinedPath("", "ok").status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<std::string> ok = server::ConfinedPath(root, "nightly-1.v2");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, fs::canonical(root).string() + "/nightly-1.v2");
}

std::unique_ptr<server::ChainkgServer> Start(const std::string& db,
                                             const std::string& backups,
                                             const std::string& tokens = "") {
  server::ServerOptions options;
  options.db_path = db;
  options.listen_address = "127.0.0.1:0";
  options.backup_dir = backups;
  options.tokens_file = tokens;
  absl::StatusOr<std::unique_ptr<server::ChainkgServer>> started =
      server::ChainkgServer::Start(options);
  EXPECT_TRUE(started.ok()) << started.status();
  return started.ok() ? *std::move(started) : nullptr;
}

ProcessResult Cli(const server::ChainkgServer& server,
                  std::vector<std::string> args, const std::string& in = "") {
  args.insert(args.begin(), {CHAINKG_CLI_PATH, "--server", server.address()});
  return RunProcess(args, in);
}

TEST(AdminTest, CheckpointRestoresTheGraphAsItWasWhenTaken) {
  testing::TempDir dir;
  fs::create_directory(dir.Sub("backups"));
  std::unique_ptr<server::ChainkgServer> server =
      Start(dir.Sub("db"), dir.Sub("backups"));
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(
      Cli(*server, {"upsert", "firm"}, R"({"key":"EXT:before","name":"B"})")
          .exit_code,
      0);
  ProcessResult checkpoint = Cli(*server, {"admin", "checkpoint", "c1"});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  EXPECT_THAT(checkpoint.out, HasSubstr(dir.Sub("backups")));
  ProcessResult again = Cli(*server, {"admin", "checkpoint", "c1"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("ALREADY_EXISTS"));
  ProcessResult escape = Cli(*server, {"admin", "checkpoint", "../c2"});
  EXPECT_EQ(escape.exit_code, 1);
  EXPECT_THAT(escape.err, HasSubstr("INVALID_ARGUMENT: name"));
  EXPECT_FALSE(fs::exists(dir.Sub("c2")));
  ASSERT_EQ(
      Cli(*server, {"upsert", "firm"}, R"({"key":"EXT:after","name":"A"})")
          .exit_code,
      0);
  ProcessResult verify = Cli(*server, {"admin", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  server.reset();

  // Restore: a server on a copy of the checkpoint has the firm written
  // before it and not the one written after.
  fs::copy(dir.Sub("backups") + "/c1", dir.Sub("restored"),
           fs::copy_options::recursive);
  std::unique_ptr<server::ChainkgServer> restored =
      Start(dir.Sub("restored"), "");
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(Cli(*restored, {"firm", "get", "EXT:before"}).exit_code, 0);
  ProcessResult after = Cli(*restored, {"firm", "get", "EXT:after"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_THAT(after.err, HasSubstr("NOT_FOUND"));
  ProcessResult no_backup_dir = Cli(*restored, {"admin", "checkpoint", "x"});
  EXPECT_EQ(no_backup_dir.exit_code, 1);
  EXPECT_THAT(no_backup_dir.err, HasSubstr("FAILED_PRECONDITION"));
}

TEST(AdminTest, VerifyChecksumsFindsAFlippedByteInATableFile) {
  testing::TempDir dir;
  // A database of table files only: chainkg-import writes SSTs.
  ProcessResult imported = RunProcess(
      {CHAINKG_IMPORT_PATH, "--db", dir.Sub("db"), CHAINKG_EXAMPLES_DIR});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  std::unique_ptr<server::ChainkgServer> server = Start(dir.Sub("db"), "");
  ASSERT_NE(server, nullptr);
  ProcessResult clean = Cli(*server, {"admin", "verify"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  // Flip one byte in the middle of the biggest table file under the
  // running server.
  std::string biggest;
  uintmax_t size = 0;
  for (const auto& entry : fs::directory_iterator(dir.Sub("db"))) {
    if (entry.path().extension() == ".sst" && entry.file_size() > size) {
      size = entry.file_size();
      biggest = entry.path().string();
    }
  }
  ASSERT_FALSE(biggest.empty());
  {
    std::fstream file(biggest, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(size / 3));
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(static_cast<std::streamoff>(size / 3));
    byte = static_cast<char>(byte ^ 0x55);
    file.write(&byte, 1);
  }
  ProcessResult verify = Cli(*server, {"admin", "verify"});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_THAT(verify.err, HasSubstr("DATA_LOSS"));
  server.reset();
  // And a server does not start on it: no silently shortened answers.
  server::ServerOptions options;
  options.db_path = dir.Sub("db");
  options.listen_address = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<server::ChainkgServer>> reopened =
      server::ChainkgServer::Start(options);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
}

TEST(AdminTest, OnlyAdminsMayCheckpoint) {
  testing::TempDir dir;
  fs::create_directory(dir.Sub("backups"));
  std::string writer = server::NewToken();
  std::string admin = server::NewToken();
  std::ofstream(dir.Sub("tokens"))
      << "writer w " << server::HashToken(writer) << "\nadmin a "
      << server::HashToken(admin) << "\n";
  std::unique_ptr<server::ChainkgServer> server =
      Start(dir.Sub("db"), dir.Sub("backups"), dir.Sub("tokens"));
  ASSERT_NE(server, nullptr);
  ProcessResult as_writer =
      Cli(*server, {"--token", writer, "admin", "checkpoint", "w"});
  EXPECT_EQ(as_writer.exit_code, 1);
  EXPECT_THAT(as_writer.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_FALSE(fs::exists(dir.Sub("backups") + "/w"));
  ProcessResult as_admin =
      Cli(*server, {"--token", admin, "admin", "checkpoint", "a"});
  EXPECT_EQ(as_admin.exit_code, 0) << as_admin.err;
  ProcessResult verify = Cli(*server, {"--token", writer, "admin", "verify"});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_THAT(verify.err, HasSubstr("PERMISSION_DENIED"));
}

TEST(AdminTest, EveryAcknowledgedWriteHasAnAuditRecordAndRefusedOnesNone) {
  testing::TempDir dir;
  std::string reader = server::NewToken();
  std::string writer = server::NewToken();
  std::string admin = server::NewToken();
  std::ofstream(dir.Sub("tokens"))
      << "reader r " << server::HashToken(reader) << "\nwriter loader "
      << server::HashToken(writer) << "\nadmin ops " << server::HashToken(admin)
      << "\n";
  std::unique_ptr<server::ChainkgServer> server =
      Start(dir.Sub("db"), "", dir.Sub("tokens"));
  ASSERT_NE(server, nullptr);
  const char* two =
      R"([{"key":"EXT:a","name":"A"},{"key":"EXT:b","name":"B"}])";
  EXPECT_EQ(Cli(*server, {"--token", reader, "upsert", "firm"}, two).exit_code,
            1);  // refused: no record
  EXPECT_EQ(Cli(*server, {"--token", writer, "upsert", "firm"},
                R"({"key":"EXT:bad"})")
                .exit_code,
            1);  // rejected (no name): nothing written, no record
  ProcessResult written =
      Cli(*server, {"--token", writer, "upsert", "firm"}, two);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  ProcessResult deleted =
      Cli(*server, {"--token", admin, "delete", "firm", "EXT:b"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;

  ProcessResult audit =
      Cli(*server, {"--token", admin, "--format", "json", "admin", "audit"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  v1::ListAuditResponse response;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(audit.out, &response).ok())
      << audit.out;
  ASSERT_EQ(response.records_size(), 2);
  const v1::AuditRecord& newest = response.records(0);
  EXPECT_EQ(newest.principal(), "ops");
  EXPECT_EQ(newest.rpc(), "DeleteVertices");
  EXPECT_EQ(newest.deleted(), 1);
  const v1::AuditRecord& upsert = response.records(1);
  EXPECT_EQ(upsert.principal(), "loader");
  EXPECT_EQ(upsert.rpc(), "UpsertVertices");
  EXPECT_EQ(upsert.records(), 2);
  EXPECT_EQ(upsert.created(), 2);
  EXPECT_FALSE(upsert.time().empty());
  EXPECT_FALSE(upsert.peer().empty());
  EXPECT_LT(upsert.sequence(), newest.sequence());
  ProcessResult not_admin = Cli(*server, {"--token", writer, "admin", "audit"});
  EXPECT_EQ(not_admin.exit_code, 1);
  EXPECT_THAT(not_admin.err, HasSubstr("PERMISSION_DENIED"));
}

}  // namespace
}  // namespace chainkg
