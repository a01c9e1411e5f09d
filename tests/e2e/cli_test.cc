// The chainkg CLI binary against a real server, and the chainkg-server
// binary itself (start-up line, SIGTERM).
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

#include "chainkg/v1/analysis_service.pb.h"
#include "chainkg/v1/graph_service.pb.h"
#include "tests/e2e/server_fixture.h"
#include "tests/testing/db_dump.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"

namespace chainkg {
namespace {

using ::chainkg::testing::ChildProcess;
using ::chainkg::testing::ProcessResult;
using ::chainkg::testing::RunProcess;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kFirmJson[] = R"({
  "key": "91441900708017879M",
  "name": "广东拓斯达科技股份有限公司（东莞）",
  "region_code": "441900",
  "credentials": [
    {"kind": "CREDENTIAL_KIND_CHAIN_LEADER", "level": "LEVEL_MUNICIPAL", "year": 2022},
    {"kind": "CREDENTIAL_KIND_LITTLE_GIANT", "level": "LEVEL_NATIONAL", "year": 2021,
     "valid_from": "2021-07-01", "valid_to": "2024-06-30"}
  ]
})";

// The databases in two directories hold the same keys and values, apart
// from the audit records a server keeps of each acknowledged batch
// (docs/operations.md), which an offline import has no caller to record.
void ExpectSameDatabase(const std::string& streamed,
                        const std::string& imported) {
  ASSERT_OK_AND_ASSIGN(testing::DatabaseDump a,
                       testing::DumpDatabase(streamed));
  ASSERT_OK_AND_ASSIGN(testing::DatabaseDump b,
                       testing::DumpDatabase(imported));
  ASSERT_EQ(a.size(), 5u);
  // The one expected difference: audit records (docs/operations.md). The
  // server keeps one per acknowledged batch, the offline import one for
  // the whole import.
  auto drop_audit = [](testing::DatabaseDump& dump) {
    auto& meta = dump["default"];
    size_t before = meta.size();
    meta.erase(std::remove_if(meta.begin(), meta.end(),
                              [](const auto& entry) {
                                return entry.first.rfind("audit/", 0) == 0;
                              }),
               meta.end());
    return before - meta.size();
  };
  EXPECT_GT(drop_audit(a), 0u) << "the streamed load left audit records";
  EXPECT_EQ(drop_audit(b), 1u) << "the import's own audit record";
  for (const auto& [family, entries] : a) {
    ASSERT_TRUE(b.count(family)) << family;
    EXPECT_EQ(entries.size(), b[family].size()) << family;
    EXPECT_TRUE(entries == b[family])
        << "column family " << family << " differs";
  }
}

class CliTest : public testing::ServerFixture {
 protected:
  // Runs the CLI. An analysis verb sees every write made before it, as
  // these tests expect: it gets --min-sequence of the latest write unless
  // the test passes its own (analyses answer on the newest view ready,
  // which may not hold a write made a moment ago).
  ProcessResult Cli(std::vector<std::string> args,
                    const std::string& stdin_text = "") {
    static const std::set<std::string> kAnalyses = {
        "critical",   "impact", "gaps",        "upstream",
        "downstream", "path",   "substitutes", "stats"};
    bool analysis = std::any_of(args.begin(), args.end(), [](const auto& a) {
      return kAnalyses.count(a) > 0;
    });
    if (analysis &&
        std::find(args.begin(), args.end(), "--min-sequence") == args.end()) {
      args.insert(args.end(),
                  {"--min-sequence", std::to_string(LatestSequence())});
    }
    return RawCli(std::move(args), stdin_text);
  }
  ProcessResult RawCli(std::vector<std::string> args,
                       const std::string& stdin_text = "") {
    args.insert(args.begin(),
                {CHAINKG_CLI_PATH, "--server", server_->address()});
    return RunProcess(args, stdin_text);
  }
};

TEST_F(CliTest, UpsertedFirmIsFoundByHalfWidthSpellingAfterRestart) {
  ProcessResult upsert = Cli({"upsert", "firm"}, kFirmJson);
  ASSERT_EQ(upsert.exit_code, 0) << upsert.err;
  EXPECT_THAT(upsert.out, HasSubstr("created 1"));

  StopServer();
  StartServer();

  ProcessResult table = Cli({"firm", "search", "拓斯达科技股份有限公司(东莞)"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("91441900708017879M"));
  EXPECT_THAT(table.out, HasSubstr("小巨人(国家级,2021)"));

  ProcessResult by_credential =
      Cli({"firm", "search", "--credential", "小巨人", "--region", "4419"});
  ASSERT_EQ(by_credential.exit_code, 0) << by_credential.err;
  EXPECT_THAT(by_credential.out, HasSubstr("91441900708017879M"));
}

TEST_F(CliTest, JsonAndCsvCarryTheSameData) {
  ASSERT_EQ(Cli({"upsert", "firm"}, kFirmJson).exit_code, 0);
  ProcessResult json = Cli({"--format", "json", "firm", "search", "拓斯达"});
  ProcessResult csv = Cli({"--format", "csv", "firm", "search", "拓斯达"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  ASSERT_EQ(csv.exit_code, 0) << csv.err;

  v1::SearchVerticesResponse response;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(json.out, &response).ok())
      << json.out;
  ASSERT_EQ(response.vertices_size(), 1);
  const v1::Firm& firm = response.vertices(0).firm();

  ASSERT_THAT(csv.out, StartsWith("\xEF\xBB\xBF"));
  std::vector<std::string> lines =
      absl::StrSplit(csv.out.substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << csv.out;
  std::vector<std::string> header = absl::StrSplit(lines[0], ',');
  std::vector<std::string> row = absl::StrSplit(lines[1], ',');
  ASSERT_EQ(header.size(), row.size());
  auto cell = [&](const std::string& column) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == column) return row[i];
    }
    return std::string("<no column ") + column + ">";
  };
  EXPECT_EQ(cell("key"), firm.key());
  EXPECT_EQ(cell("name"), firm.name());
  EXPECT_EQ(cell("region_code"), firm.region_code());
  ASSERT_EQ(firm.credentials_size(), 2);
  EXPECT_EQ(cell("credentials"),
            "chain_leader|municipal|2022||||; "
            "little_giant|national|2021||2021-07-01|2024-06-30|");
}

TEST_F(CliTest, BadInputExitsNonZeroWithOneClearLine) {
  ProcessResult bad = Cli({"upsert", "firm"}, R"({"key": "123", "name": "x"})");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(bad.err, HasSubstr("vertices[0].firm.key"));

  ProcessResult missing = Cli({"get", "firm", "EXT:none"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));

  ProcessResult usage = Cli({"get", "planet", "x"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, HasSubstr("unknown value \"planet\""));

  ProcessResult not_json = Cli({"upsert", "product"}, "{\"key\": 1,,}\n");
  EXPECT_NE(not_json.exit_code, 0);
  EXPECT_THAT(not_json.err, HasSubstr("stdin:1"));
}

TEST_F(CliTest, EdgesAreUpsertedAndListed) {
  ASSERT_EQ(Cli({"upsert", "firm"}, kFirmJson).exit_code, 0);
  ASSERT_EQ(Cli({"upsert", "product"},
                "{\"key\": \"robot\", \"name\": \"工业机器人\"}\n"
                "{\"key\": \"servo\", \"name\": \"伺服电机\"}\n")
                .exit_code,
            0);
  ProcessResult edge = Cli({"upsert", "edge"},
                           R"([{"kind": "EDGE_KIND_PRODUCES",
           "from": {"kind": "VERTEX_KIND_FIRM", "key": "91441900708017879M"},
           "to": {"kind": "VERTEX_KIND_PRODUCT", "key": "robot"},
           "produces": {"maturity": "MATURITY_MASS"}},
          {"kind": "EDGE_KIND_INPUT_TO",
           "from": {"kind": "VERTEX_KIND_PRODUCT", "key": "servo"},
           "to": {"kind": "VERTEX_KIND_PRODUCT", "key": "robot"},
           "input_to": {"essential": true}}])");
  ASSERT_EQ(edge.exit_code, 0) << edge.err;
  EXPECT_THAT(edge.out, HasSubstr("created 2"));
  ProcessResult in = Cli({"edges", "product", "robot", "--direction", "in"});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_THAT(in.out, HasSubstr("91441900708017879M"));
  EXPECT_THAT(in.out, HasSubstr("servo"));
  EXPECT_THAT(in.out, HasSubstr("essential=yes"));
}

TEST_F(CliTest, LoadsTheFixtureOnceAndReportsDefectsOfAnExcelExport) {
  std::string data = CHAINKG_TEST_DATA_DIR;
  ProcessResult first = Cli({"load", data + "/fixture"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("total: rows read 52, created 52"));
  ProcessResult again = Cli({"load", data + "/fixture"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("created 0, updated 0, unchanged 52"));

  ProcessResult excel = Cli({"load", data + "/excel/firms_gbk.csv"});
  EXPECT_EQ(excel.exit_code, 1);
  EXPECT_THAT(excel.out, HasSubstr("firms_gbk.csv (GB18030, firms)"));
  EXPECT_THAT(excel.err, HasSubstr("firms_gbk.csv:3: key: \"9.14419E+17\""));
  EXPECT_THAT(excel.err, HasSubstr("firms_gbk.csv:5: region_code"));
  EXPECT_THAT(excel.err, HasSubstr("2 rows were not loaded"));
  // A good row of the GBK file, found by its half-width spelling.
  ProcessResult found = Cli({"firm", "search", "精密隔膜材料有限公司(松山湖)"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_THAT(found.out, HasSubstr("914419006177625157"));

  ProcessResult stats = Cli({"stats", "--region", "4419"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("链主 chain leader"));
  EXPECT_THAT(stats.out, HasSubstr("HKEX:02689"));
}

TEST_F(CliTest, ServerSideRejectionsNameTheInputLine) {
  testing::TempDir dir;
  std::string edges = dir.Sub("edges.csv");
  std::ofstream(edges) << "kind,from_key,to_key\n"
                          "subclass_of,p1,p2\n"
                          "subclass_of,p1,nowhere\n";
  ASSERT_EQ(Cli({"upsert", "product"},
                "{\"key\": \"p1\", \"name\": \"甲\"}\n"
                "{\"key\": \"p2\", \"name\": \"乙\"}\n")
                .exit_code,
            0);
  ProcessResult loaded = Cli({"load", edges});
  EXPECT_EQ(loaded.exit_code, 1);
  EXPECT_THAT(loaded.out, HasSubstr("created 1"));
  EXPECT_THAT(loaded.err,
              HasSubstr("edges.csv:3: to_key: no product \"nowhere\""));

  // --strict loads nothing from a file with a dangling reference.
  std::ofstream(edges) << "kind,from_key,to_key\n"
                          "subclass_of,p2,p1\n"
                          "subclass_of,p2,nowhere\n";
  ProcessResult strict = Cli({"load", "--strict", edges});
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_THAT(strict.err, HasSubstr("edges.csv:3: dangling reference: no "
                                    "product \"nowhere\""));
  ProcessResult listed = Cli({"edges", "product", "p2"});
  EXPECT_THAT(listed.out, HasSubstr("(no edges)"));
}

TEST_F(CliTest, BulkImportBuildsTheSameDatabaseAsStreamingLoad) {
  std::string data = CHAINKG_TEST_DATA_DIR;
  std::vector<std::string> inputs = {data + "/fixture", CHAINKG_EXAMPLES_DIR,
                                     data + "/excel/firms_gbk.csv"};
  std::vector<std::string> load = {"load"};
  load.insert(load.end(), inputs.begin(), inputs.end());
  ProcessResult streamed = Cli(load);
  EXPECT_EQ(streamed.exit_code, 1) << streamed.err;  // the GBK file's 2 rows
  StopServer();                                      // closes the database

  std::vector<std::string> import = {CHAINKG_IMPORT_PATH, "--db",
                                     dir_.Sub("imported")};
  import.insert(import.end(), inputs.begin(), inputs.end());
  ProcessResult imported = RunProcess(import);
  EXPECT_EQ(imported.exit_code, 1) << imported.err;
  // Both report the same rows and the same problems.
  auto totals = [](const std::string& out) {
    return out.substr(out.find("total: "), out.find('\n', out.find("total: ")) -
                                               out.find("total: "));
  };
  EXPECT_EQ(totals(streamed.out), totals(imported.out));
  EXPECT_EQ(streamed.err.substr(0, streamed.err.find("chainkg:")),
            imported.err.substr(0, imported.err.find("chainkg-import:")));

  ExpectSameDatabase(dir_.Sub("db"), dir_.Sub("imported"));
  ASSERT_OK_AND_ASSIGN(testing::DatabaseDump a,
                       testing::DumpDatabase(dir_.Sub("db")));
  EXPECT_GT(a["out_edge"].size(), 25u);
  StartServer();  // for the fixture's teardown
}

// The importer counts a repeated edge when it sorts the edges, at the end;
// its counts must still be those of chainkg load, which looks each edge up
// as it comes: the examples' edges again from the same file (unchanged:
// same source line) and from a copy (updated: another source file).
TEST_F(CliTest, BulkImportCountsRepeatedEdgesAsStreamingLoadDoes) {
  std::string examples = CHAINKG_EXAMPLES_DIR;
  std::filesystem::create_directories(dir_.Sub("again"));
  std::filesystem::copy_file(examples + "/edges.csv",
                             dir_.Sub("again/edges_again.csv"));
  std::vector<std::string> inputs = {examples, examples + "/edges.csv",
                                     dir_.Sub("again/edges_again.csv")};
  std::vector<std::string> load = {"load"};
  load.insert(load.end(), inputs.begin(), inputs.end());
  ProcessResult streamed = Cli(load);
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  StopServer();
  std::vector<std::string> import = {CHAINKG_IMPORT_PATH, "--db",
                                     dir_.Sub("imported")};
  import.insert(import.end(), inputs.begin(), inputs.end());
  ProcessResult imported = RunProcess(import);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto line_of = [](const std::string& out, const std::string& start) {
    size_t at = out.find(start);
    return at == std::string::npos ? std::string()
                                   : out.substr(at, out.find('\n', at) - at);
  };
  std::string total = line_of(imported.out, "total: ");
  EXPECT_EQ(line_of(streamed.out, "total: "), total);
  EXPECT_THAT(line_of(imported.out, "edges_again.csv"),
              HasSubstr("created 0, updated"));
  EXPECT_THAT(total, Not(HasSubstr("unchanged 0,")));
  ExpectSameDatabase(dir_.Sub("db"), dir_.Sub("imported"));
  StartServer();  // for the fixture's teardown
}

// Within a batch vertices are applied before edges, so where a batch ends
// decides whether an edge finds a vertex defined further down the file:
// both tools must cut the same batches around rows refused by the checks.
// (chainkg load cut them after dropping such rows, chainkg-import before:
// here the edge C1 -> P was stored by one and refused by the other.)
TEST_F(CliTest, BulkImportAndLoadCutTheSameBatchesAroundRefusedRows) {
  std::string industries = dir_.Sub("industries.csv");
  std::ofstream(industries) << "key,name,parent_key\n"
                            << std::string(300, 'x') << ",过长的代码,\n"
                            << "C1,子行业,P\n"
                            << "P,母行业,\n";
  ProcessResult streamed = Cli({"load", "--batch-size", "3", industries});
  EXPECT_EQ(streamed.exit_code, 1) << streamed.err;
  StopServer();
  ProcessResult imported =
      RunProcess({CHAINKG_IMPORT_PATH, "--db", dir_.Sub("imported"),
                  "--batch-size", "3", industries});
  EXPECT_EQ(imported.exit_code, 1) << imported.err;
  EXPECT_EQ(streamed.err.substr(0, streamed.err.find("chainkg:")),
            imported.err.substr(0, imported.err.find("chainkg-import:")));
  ExpectSameDatabase(dir_.Sub("db"), dir_.Sub("imported"));
  StartServer();  // for the fixture's teardown
}

// The what-if loop of a planner: add a second maker of an input, then ask
// again with the write's sequence; the answer holds the write at once.
TEST_F(CliTest, AWriteIsSeenByTheNextAnalysisThatAsksForItsSequence) {
  ProcessResult loaded =
      Cli({"load", std::string(CHAINKG_TEST_DATA_DIR) + "/design_example"});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_THAT(loaded.out, HasSubstr("analyses see this load with "
                                    "--min-sequence"));
  ProcessResult before =
      Cli({"critical", "--firm", "EXT:F", "--mode", "capability"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(before.out, HasSubstr("EXT:D"));
  ASSERT_EQ(
      RawCli({"upsert", "firm"}, R"({"key": "EXT:D2", "name": "D2 电机"})")
          .exit_code,
      0);
  ProcessResult edges = RawCli({"upsert", "edge"}, R"([
    {"kind": "EDGE_KIND_PRODUCES", "from": {"kind": "VERTEX_KIND_FIRM", "key": "EXT:D2"},
     "to": {"kind": "VERTEX_KIND_PRODUCT", "key": "p2"}}])");
  ASSERT_EQ(edges.exit_code, 0) << edges.err;
  // "edges: created 1, updated 0, unchanged 0 (sequence N)"
  size_t at = edges.out.rfind("(sequence ");
  ASSERT_NE(at, std::string::npos) << edges.out;
  std::string sequence = edges.out.substr(at + 10);
  sequence = sequence.substr(0, sequence.find(')'));
  ProcessResult after = RawCli({"critical", "--firm", "EXT:F", "--mode",
                                "capability", "--min-sequence", sequence});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, Not(HasSubstr("EXT:D ")));
  EXPECT_THAT(after.out, HasSubstr("EXT:R1"));
  EXPECT_THAT(after.out, HasSubstr(absl::StrCat("view ", sequence)))
      << "the view holds exactly the writes up to the sequence asked for";
  // A sequence no write has yet is refused, not waited for.
  ProcessResult ahead = RawCli(
      {"stats", "--min-sequence", absl::StrCat(std::stoull(sequence) + 100)});
  EXPECT_EQ(ahead.exit_code, 1);
  EXPECT_THAT(ahead.err, HasSubstr("OUT_OF_RANGE: min_sequence"));
}

TEST_F(CliTest, CriticalSuppliersOfTheDesignExampleAreCDAndR1) {
  ProcessResult loaded =
      Cli({"load", std::string(CHAINKG_TEST_DATA_DIR) + "/design_example"});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  ProcessResult critical = Cli({"--format", "json", "critical", "--firm",
                                "EXT:F", "--mode", "capability"});
  ASSERT_EQ(critical.exit_code, 0) << critical.err;
  v1::CriticalSuppliersResponse response;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(critical.out, &response).ok())
      << critical.out;
  ASSERT_EQ(response.lines_size(), 1);
  std::vector<std::string> keys;
  for (const v1::FirmSummary& firm : response.lines(0).critical_firms()) {
    keys.push_back(firm.key());
  }
  EXPECT_THAT(keys,
              ::testing::UnorderedElementsAre("EXT:C", "EXT:D", "EXT:R1"));
  EXPECT_GT(response.sequence(), 0u);
  // The plain supply graph's dominator tree finds nothing (DESIGN.md);
  // C and B cut R2's branch off.
  EXPECT_EQ(response.dominators_size(), 0);
  std::vector<std::string> cuts;
  for (const v1::FirmSummary& firm : response.articulation_points()) {
    cuts.push_back(firm.key());
  }
  EXPECT_THAT(cuts, ::testing::UnorderedElementsAre("EXT:B", "EXT:C"));
  EXPECT_EQ(response.cone_firms(), 6);

  // Observed mode with no recorded supplies: a gap, not a criticality.
  ProcessResult observed = Cli({"critical", "--firm", "EXT:F"});
  ASSERT_EQ(observed.exit_code, 0) << observed.err;
  EXPECT_THAT(observed.out,
              HasSubstr("no: no working supplier of 电池包 (p1), 电机 (p2)"));

  ProcessResult unknown = Cli({"critical", "--firm", "EXT:nobody"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND: firm_key"));

  // Cutting R1 off stops A and D (depth 1), then F (depth 2); C keeps
  // working through B.
  ProcessResult impact = Cli({"--format", "json", "impact", "--remove-firm",
                              "EXT:R1", "--mode", "capability"});
  ASSERT_EQ(impact.exit_code, 0) << impact.err;
  v1::ImpactResponse hit;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(impact.out, &hit).ok())
      << impact.out;
  std::map<std::string, int> depths;
  for (const v1::FirmHit& firm : hit.firms_hit()) {
    depths[firm.firm().key()] = firm.depth();
  }
  EXPECT_EQ(depths, (std::map<std::string, int>{
                        {"EXT:A", 1}, {"EXT:D", 1}, {"EXT:F", 2}}));
  EXPECT_EQ(hit.max_depth(), 2);
  // The example's firms hold no credential: all three under "none".
  ASSERT_EQ(hit.firms_hit_by_tier_size(), 1);
  EXPECT_EQ(hit.firms_hit_by_tier(0).kind(), v1::CREDENTIAL_KIND_UNSPECIFIED);
  EXPECT_EQ(hit.firms_hit_by_tier(0).firms(), 3);
  EXPECT_THAT(hit.products_lost(), ::testing::Contains("f"));
  // Names beside the keys (issue 16), in the answer and in the table.
  std::map<std::string, std::string> lost;
  for (const v1::NamedKey& product : hit.lost_products()) {
    lost[product.key()] = product.name();
  }
  EXPECT_EQ(lost["f"], "整车");
  ProcessResult table =
      Cli({"impact", "--remove-firm", "EXT:R1", "--mode", "capability"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("整车 (f)"));
  ProcessResult nothing = Cli({"impact"});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_THAT(nothing.err, HasSubstr("INVALID_ARGUMENT: remove_firm_keys"));
}

TEST_F(CliTest, GapsOfTheDemoChainsReadAsTablesCsvJsonAndDot) {
  std::string demo = ::testing::TempDir() + "/gaps-demo";
  ProcessResult generated =
      Cli({"demo", "generate", "--out", demo, "--scale", "small"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  ProcessResult loaded = Cli({"load", demo});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;

  ProcessResult json =
      Cli({"--format", "json", "gaps", "--chain", "EIT", "--region", "4419"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::GapsResponse response;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(json.out, &response).ok())
      << json.out;
  EXPECT_EQ(response.chain_key(), "EIT");
  EXPECT_GT(response.sequence(), 0u);
  ASSERT_GT(response.rows_size(), 10);
  int64_t counted = 0;
  for (const v1::GapClassCount& count : response.class_counts()) {
    counted += count.products();
  }
  EXPECT_EQ(counted, response.rows_size());
  // Most urgent first, and every non-covered row says why.
  for (int i = 1; i < response.rows_size(); ++i) {
    EXPECT_LE(response.rows(i - 1).gap_class(), response.rows(i).gap_class());
  }
  for (const v1::GapRow& row : response.rows()) {
    EXPECT_FALSE(row.evidence().empty()) << row.product_key();
    for (const v1::GapCandidate& candidate : row.candidates()) {
      EXPECT_FALSE(candidate.firm().region_code().rfind("4419", 0) == 0 &&
                   candidate.firm().country() == "CN")
          << "a local firm proposed as a candidate for " << row.product_key();
    }
  }

  ProcessResult table = Cli({"gaps", "--chain", "EIT", "--region", "4419"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("gaps of chain"));
  EXPECT_THAT(table.out, HasSubstr(response.rows(0).product_name()));
  ProcessResult csv =
      Cli({"--format", "csv", "gaps", "--chain", "EIT", "--region", "4419"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out, StartsWith("\xEF\xBB\xBFrank,class,"));
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'),
            response.rows_size() + 1)
      << "one line per product (no line breaks inside cells)";
  ProcessResult dot =
      Cli({"--format", "dot", "gaps", "--chain", "EIT", "--region", "4419"});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_THAT(dot.out, StartsWith("digraph gaps {"));
  EXPECT_THAT(dot.out, HasSubstr(" -> "));

  // A product and its inputs instead of a chain.
  ProcessResult of_product =
      Cli({"--format", "json", "gaps", "--product",
           response.rows(0).product_key(), "--depth", "1", "--region", "4419"});
  ASSERT_EQ(of_product.exit_code, 0) << of_product.err;
  v1::GapsResponse product_gaps;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(of_product.out, &product_gaps)
          .ok());
  EXPECT_EQ(product_gaps.product_key(), response.rows(0).product_key());
  EXPECT_GE(product_gaps.rows_size(), 1);
  ProcessResult both = Cli({"gaps", "--chain", "EIT", "--product", "x"});
  EXPECT_EQ(both.exit_code, 2);

  ProcessResult unknown = Cli({"gaps", "--chain", "NOPE"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND: chain_key"));
  ProcessResult bad_region = Cli({"gaps", "--chain", "EIT", "--region", "44x"});
  EXPECT_EQ(bad_region.exit_code, 1);
  EXPECT_THAT(bad_region.err, HasSubstr("INVALID_ARGUMENT: region_prefix"));
  ProcessResult dot_elsewhere = Cli({"--format", "dot", "stats"});
  EXPECT_EQ(dot_elsewhere.exit_code, 2);  // a usage error
  EXPECT_THAT(dot_elsewhere.err, HasSubstr("for chainkg gaps"));
}

TEST_F(CliTest, UpstreamDownstreamAndPathWalkTheDesignExample) {
  ProcessResult loaded =
      Cli({"load", std::string(CHAINKG_TEST_DATA_DIR) + "/design_example"});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  // Inputs of f, by depth: p1 p2, then p0 raw, then p0-a p0-b (variants,
  // reached over SUBCLASS_OF against its direction), then raw2.
  ProcessResult json = Cli({"--format", "json", "upstream", "--product", "f",
                            "--edge-kind", "input_to", "--edge-kind",
                            "subclass_of", "--depth", "10", "--paths"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::TraverseResponse response;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(json.out, &response).ok())
      << json.out;
  std::map<std::string, int> depth;
  for (const v1::TraversalRow& row : response.rows()) {
    depth[row.key()] = row.depth();
    EXPECT_EQ(row.path_size(), row.depth() + 1);
    EXPECT_EQ(row.path(0), "f");
  }
  EXPECT_EQ(depth, (std::map<std::string, int>{{"p1", 1},
                                               {"p2", 1},
                                               {"p0", 2},
                                               {"raw", 2},
                                               {"p0-a", 3},
                                               {"p0-b", 3},
                                               {"raw2", 4}}));
  EXPECT_EQ(response.total_rows(), 7);
  EXPECT_GT(response.sequence(), 0u);

  // Makers of f's direct inputs: upstream over PRODUCES too.
  ProcessResult makers =
      Cli({"--format", "csv", "upstream", "--product", "f", "--edge-kind",
           "input_to", "--edge-kind", "produces", "--depth", "2"});
  ASSERT_EQ(makers.exit_code, 0) << makers.err;
  EXPECT_THAT(makers.out, HasSubstr("EXT:C"));
  EXPECT_THAT(makers.out, HasSubstr("EXT:D"));

  ProcessResult down = Cli({"downstream", "--product", "raw", "--edge-kind",
                            "input_to", "--depth", "1"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_THAT(down.out, HasSubstr("2 rows"));  // p0-a and p2

  // R1 -> raw -> p2 <- D: a path over PRODUCES and INPUT_TO, undirected.
  ProcessResult path =
      Cli({"--format", "json", "path", "EXT:R1", "EXT:D", "--edge-kind",
           "produces", "--edge-kind", "input_to", "--undirected"});
  ASSERT_EQ(path.exit_code, 0) << path.err;
  v1::ShortestPathResponse shortest;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(path.out, &shortest).ok())
      << path.out;
  ASSERT_TRUE(shortest.found());
  std::vector<std::string> keys;
  for (const v1::PathStep& step : shortest.steps()) {
    keys.push_back(step.vertex().key());
  }
  EXPECT_THAT(keys, ::testing::ElementsAre("EXT:R1", "raw", "p2", "EXT:D"));
  ProcessResult none = Cli({"path", "EXT:R1", "EXT:D"});  // no SUPPLIES
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, HasSubstr("no path"));

  // Substitutes for F's input p0: its variants' makers A and B.
  ProcessResult substitutes = Cli({"--format", "json", "substitutes", "--firm",
                                   "EXT:C", "--product", "p0"});
  ASSERT_EQ(substitutes.exit_code, 0) << substitutes.err;
  v1::SubstitutesResponse others;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(substitutes.out, &others)
          .ok())
      << substitutes.out;
  EXPECT_TRUE(others.uses_it());
  std::vector<std::string> makers_of_p0;
  for (const v1::SubstituteFirm& firm : others.substitutes()) {
    makers_of_p0.push_back(firm.firm().key());
  }
  EXPECT_THAT(makers_of_p0, ::testing::ElementsAre("EXT:A", "EXT:B"));
  ProcessResult no_product =
      Cli({"substitutes", "--firm", "EXT:C", "--product", "nothing"});
  EXPECT_EQ(no_product.exit_code, 1);
  EXPECT_THAT(no_product.err, HasSubstr("NOT_FOUND: product_key"));

  ProcessResult unknown = Cli({"upstream", "--firm", "EXT:nobody"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND: start"));
  ProcessResult budget =
      Cli({"upstream", "--product", "f", "--edge-kind", "input_to", "--depth",
           "5", "--max-visited", "3"});
  EXPECT_EQ(budget.exit_code, 1);
  EXPECT_THAT(budget.err, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(budget.err, HasSubstr("max_visited"));
}

// The COLUMNS encoding (the default) gives byte for byte what the ROWS
// encoding gives, in every format, with and without filters (a filtered
// row's parent may be a vertex that is not a row).
TEST_F(CliTest, TraversalOutputIsTheSameInBothEncodings) {
  // The city scale, so that the closure spans several messages in both
  // encodings (about 3,500 rows fit in one message of columns).
  std::string demo = ::testing::TempDir() + "/traverse-demo";
  ProcessResult generated =
      Cli({"demo", "generate", "--out", demo, "--scale", "city"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  ProcessResult loaded = Cli({"load", demo});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  // A supplier whose name needs CSV quotes, two hops up from a leader.
  ASSERT_EQ(Cli({"upsert", "firm"},
                R"({"key": "EXT:quoted", "name": "甲, \"乙\" 公司"})")
                .exit_code,
            0);
  ProcessResult edge = Cli({"upsert", "edge"},
                           R"([{"kind": "EDGE_KIND_SUPPLIES",
           "from": {"kind": "VERTEX_KIND_FIRM", "key": "EXT:quoted"},
           "to": {"kind": "VERTEX_KIND_FIRM", "key": "HKEX:02689"}}])");
  ASSERT_EQ(edge.exit_code, 0) << edge.err;
  const std::vector<std::vector<std::string>> queries = {
      {"--format", "csv", "upstream", "--firm", "SZSE:300410", "--depth", "64",
       "--edge-kind", "supplies", "--limit", "10000000"},
      {"--format", "csv", "upstream", "--firm", "SZSE:300607", "--depth", "6",
       "--edge-kind", "supplies", "--region", "4403"},
      {"--format", "csv", "downstream", "--product", "caustic-soda", "--depth",
       "3", "--edge-kind", "input_to", "--edge-kind", "subclass_of"},
      {"--format", "csv", "upstream", "--product", "wood-pulp", "--depth", "2",
       "--edge-kind", "input_to", "--edge-kind", "produces"},
      {"--format", "json", "upstream", "--firm", "HKEX:02689", "--depth", "3",
       "--edge-kind", "supplies", "--country", "CN"},
      {"upstream", "--firm", "SZSE:300410", "--depth", "2", "--edge-kind",
       "supplies"},
      {"--format", "csv", "upstream", "--firm", "HKEX:02689", "--depth", "4",
       "--edge-kind", "supplies"},
  };
  for (const std::vector<std::string>& query : queries) {
    std::vector<std::string> rows_query = query;
    rows_query.insert(rows_query.end(), {"--encoding", "rows"});
    ProcessResult columns = Cli(query);
    ProcessResult rows = Cli(rows_query);
    std::string line = absl::StrJoin(query, " ");
    ASSERT_EQ(columns.exit_code, 0) << line << ": " << columns.err;
    ASSERT_EQ(rows.exit_code, 0) << line << ": " << rows.err;
    EXPECT_GT(std::count(rows.out.begin(), rows.out.end(), '\n'), 10) << line;
    EXPECT_EQ(columns.out, rows.out) << line;
  }
  // The closure is longer than one message of columns and than one turn
  // of streaming while the walk goes on, and the filtered
  // walk reports rows whose parent is not one.
  ProcessResult closure = Cli(queries[0]);
  // (a header and more than 16,384 rows)
  EXPECT_GT(std::count(closure.out.begin(), closure.out.end(), '\n'), 16385);
  // Rows stream while the walk goes on (16,384 at a time), except with
  // paths: the closure with paths, its path column dropped, is the same.
  std::vector<std::string> with_paths_query = queries[0];
  with_paths_query.push_back("--paths");
  ProcessResult with_paths = Cli(with_paths_query);
  ASSERT_EQ(with_paths.exit_code, 0) << with_paths.err;
  std::string without_path_column;
  for (absl::string_view line :
       absl::StrSplit(with_paths.out, "\r\n", absl::SkipEmpty())) {
    absl::StrAppend(&without_path_column, line.substr(0, line.rfind(',')),
                    "\r\n");
  }
  EXPECT_EQ(without_path_column, closure.out);
  // A budget hit after rows went out: the CSV holds the first rows of the
  // answer, and the error says so.
  ProcessResult cut =
      Cli({"--format", "csv", "upstream", "--firm", "SZSE:300410", "--depth",
           "64", "--edge-kind", "supplies", "--limit", "17000"});
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_THAT(cut.err, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(cut.err, HasSubstr("max_results"));
  EXPECT_THAT(cut.err, HasSubstr("only the first part of the answer"));
  EXPECT_GT(std::count(cut.out.begin(), cut.out.end(), '\n'), 1000);
  EXPECT_LT(cut.out.size(), closure.out.size());
  EXPECT_EQ(cut.out, closure.out.substr(0, cut.out.size()));
  EXPECT_TRUE(absl::EndsWith(cut.out, "\r\n"));
  ProcessResult filtered = Cli(queries[1]);
  EXPECT_THAT(filtered.out, HasSubstr(",4403"));
  ProcessResult quoted =
      Cli({"--format", "csv", "upstream", "--firm", "HKEX:02689", "--edge-kind",
           "supplies", "--depth", "1"});
  EXPECT_THAT(quoted.out, HasSubstr(",EXT:quoted,\"甲, \"\"乙\"\" 公司\","));

  ProcessResult paths = Cli({"upstream", "--firm", "SZSE:300410", "--paths",
                             "--encoding", "columns"});
  EXPECT_EQ(paths.exit_code, 2);
  EXPECT_THAT(paths.err, HasSubstr("--paths needs --encoding rows"));
}

// Splits one CSV line (quotes allowed) into cells.
std::vector<std::string> CsvCells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

// Rows of a demo CSV file as column -> value maps.
std::vector<std::map<std::string, std::string>> ReadCsv(
    const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);
  std::vector<std::string> header = CsvCells(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells = CsvCells(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) {
      row[header[i]] = cells[i];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Issue 16: regions carry their names, a region with no firm is an error
// naming it, and CSV cells a spreadsheet would mangle are guarded.
TEST_F(CliTest, RegionsAreNamedAndAnEmptyRegionIsAnError) {
  std::string demo = ::testing::TempDir() + "/names-demo";
  ASSERT_EQ(
      Cli({"demo", "generate", "--out", demo, "--scale", "small"}).exit_code,
      0);
  ASSERT_EQ(Cli({"load", demo}).exit_code, 0);
  ProcessResult stats = Cli({"stats", "--region", "4419"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("region 4419 广东省 东莞市"));
  ProcessResult gaps = Cli({"gaps", "--chain", "EIT", "--region", "4419"});
  ASSERT_EQ(gaps.exit_code, 0) << gaps.err;
  EXPECT_THAT(gaps.out, HasSubstr("广东省 东莞市 (4419)"));
  // Evidence and reasons in Chinese, English on request.
  EXPECT_THAT(gaps.out, HasSubstr("生产企业"));
  ProcessResult english =
      Cli({"gaps", "--chain", "EIT", "--region", "4419", "--lang", "en"});
  ASSERT_EQ(english.exit_code, 0) << english.err;
  EXPECT_THAT(english.out, HasSubstr("producer"));
  EXPECT_THAT(english.out, Not(HasSubstr("生产企业")));
  ProcessResult french =
      Cli({"gaps", "--chain", "EIT", "--region", "4419", "--lang", "fr"});
  EXPECT_EQ(french.exit_code, 1);
  EXPECT_THAT(french.err,
              HasSubstr("INVALID_ARGUMENT: lang: must be zh or en"));
  for (const char* verb : {"gaps", "stats"}) {
    std::vector<std::string> args = {verb, "--region", "99"};
    if (std::string(verb) == "gaps")
      args.insert(args.end(), {"--chain", "EIT"});
    ProcessResult typo = Cli(args);
    EXPECT_EQ(typo.exit_code, 1) << verb << ": " << typo.out;
    EXPECT_THAT(typo.err,
                HasSubstr("NOT_FOUND: region_prefix: no firm of the graph is "
                          "in 99 (not a GB/T 2260 region code)"))
        << verb;
  }
  ProcessResult empty = Cli({"stats", "--region", "6501"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_THAT(empty.err, HasSubstr("6501 (新疆维吾尔自治区 乌鲁木齐市)"));

  // A firm whose name a spreadsheet would run, and an all-digit USCC.
  ProcessResult upserted = Cli(
      {"upsert", "firm"},
      R"json({"key":"914419008118813448","name":"=HYPERLINK(\"http://x\")",)json"
      R"json("region_code":"441900"})json");
  ASSERT_EQ(upserted.exit_code, 0) << upserted.err;
  ProcessResult csv = Cli(
      {"--format", "csv", "firm", "search", "HYPERLINK", "--region", "4419"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out, HasSubstr("\"=\"\"914419008118813448\"\"\""));
  EXPECT_THAT(csv.out, HasSubstr("\"'=HYPERLINK(\"\"http://x\"\")\""));
}

// Issue 16: a file holds every row unless --limit says otherwise, a cut
// listing says so in every format, and stats writes every table.
TEST_F(CliTest, FilesHoldEveryRowAndEveryTableOrSayTheyAreCut) {
  std::string demo = ::testing::TempDir() + "/files-demo";
  ASSERT_EQ(
      Cli({"demo", "generate", "--out", demo, "--scale", "small"}).exit_code,
      0);
  ASSERT_EQ(Cli({"load", demo}).exit_code, 0);
  ProcessResult json = Cli({"--format", "json", "stats"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::StatsResponse stats;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(json.out, &stats).ok());
  ASSERT_GT(stats.firms(), 100);

  ProcessResult all = Cli({"--format", "csv", "list", "firm"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::vector<std::string> lines =
      absl::StrSplit(all.out, "\r\n", absl::SkipEmpty());
  EXPECT_EQ(static_cast<int64_t>(lines.size()) - 1, stats.firms());
  EXPECT_THAT(all.err, Not(HasSubstr("cut at")));

  ProcessResult five = Cli({"--format", "csv", "--limit", "5", "list", "firm"});
  ASSERT_EQ(five.exit_code, 0) << five.err;
  lines = absl::StrSplit(five.out, "\r\n", absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 6u);
  EXPECT_THAT(five.err, HasSubstr("cut at 5 rows"));
  ProcessResult table = Cli({"list", "firm"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.err, HasSubstr("cut at 100 rows"));

  ProcessResult csv = Cli({"--format", "csv", "stats", "--region", "4419"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out, HasSubstr("credentials\r\ncredential,level,firms\r\n"));
  EXPECT_THAT(csv.out, HasSubstr("\r\n\r\nchains\r\nchain,name,"));
  EXPECT_THAT(csv.out, HasSubstr("\r\n\r\nregions\r\nregion,region_name,"
                                 "firms\r\n441900,广东省 东莞市,"));
}

TEST_F(CliTest, StatsOfTheDemoMatchACountOfItsFiles) {
  std::string demo = ::testing::TempDir() + "/stats-demo";
  ASSERT_EQ(
      Cli({"demo", "generate", "--out", demo, "--scale", "small"}).exit_code,
      0);
  ProcessResult loaded = Cli({"load", demo});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  for (const std::string& as_of :
       {std::string(""), std::string("2023-06-30")}) {
    SCOPED_TRACE("as of " + as_of);
    std::vector<std::string> args = {"--format", "json", "stats", "--region",
                                     "4419"};
    if (!as_of.empty()) args.insert(args.end(), {"--as-of", as_of});
    ProcessResult json = Cli(args);
    ASSERT_EQ(json.exit_code, 0) << json.err;
    v1::StatsResponse response;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(json.out, &response).ok())
        << json.out;
    // The oracle: the files themselves.
    std::set<std::string> local;
    for (const auto& firm : ReadCsv(demo + "/firms.csv")) {
      std::string country =
          firm.at("country").empty() ? "CN" : firm.at("country");
      if (country == "CN" && firm.at("region_code").rfind("4419", 0) == 0) {
        local.insert(firm.at("key"));
      }
    }
    std::map<std::pair<std::string, std::string>, std::set<std::string>> held;
    for (const auto& credential : ReadCsv(demo + "/credentials.csv")) {
      if (!local.count(credential.at("firm_key"))) continue;
      if (credential.at("status") == "revoked") continue;
      if (!as_of.empty() && ((!credential.at("valid_from").empty() &&
                              as_of < credential.at("valid_from")) ||
                             (!credential.at("valid_to").empty() &&
                              as_of > credential.at("valid_to")))) {
        continue;
      }
      held[{credential.at("kind"), credential.at("level")}].insert(
          credential.at("firm_key"));
    }
    EXPECT_EQ(response.firms(), static_cast<int64_t>(local.size()));
    std::map<std::pair<std::string, std::string>, int64_t> got, want;
    for (const v1::CredentialCount& count : response.credentials()) {
      std::string kind = v1::CredentialKind_Name(count.kind());
      std::string level = v1::Level_Name(count.level());
      for (auto* name : {&kind, &level}) {
        *name = name->substr(name->find('_', name == &kind ? 11 : 0) + 1);
        for (char& c : *name) c = static_cast<char>(std::tolower(c));
      }
      got[{kind, level}] = count.firms();
    }
    for (const auto& [key, firms] : held) {
      want[key] = static_cast<int64_t>(firms.size());
    }
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(got, want);
    EXPECT_GT(response.sequence(), 0u);
  }
}

TEST(ServerBinaryTest, SaysWhereItListensAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  std::string db = dir.Sub("db");
  {
    ChildProcess server(
        {CHAINKG_SERVER_PATH, "--db", db, "--listen", "127.0.0.1:0"});
    std::string line = server.ReadLine(absl::Seconds(20));
    EXPECT_THAT(line, HasSubstr("listening on 127.0.0.1:"));
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(absl::Seconds(20)), 0);
  }
  // The database lock was released: it opens again.
  ChildProcess again(
      {CHAINKG_SERVER_PATH, "--db", db, "--listen", "127.0.0.1:0"});
  EXPECT_THAT(again.ReadLine(absl::Seconds(20)), HasSubstr("listening on"));
  again.Signal(SIGTERM);
  EXPECT_EQ(again.Wait(absl::Seconds(20)), 0);
}

TEST(ServerBinaryTest, RefusesToStartWithoutDb) {
  ProcessResult result = RunProcess({CHAINKG_SERVER_PATH});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("--db DIR is required"));
}

}  // namespace
}  // namespace chainkg
