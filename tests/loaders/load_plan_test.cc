#include "loaders/load_plan.h"

#include <algorithm>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace chainkg::loaders {
namespace {

using ::chainkg::testing::TempDir;

std::vector<std::string> Format(const std::vector<Issue>& issues) {
  std::vector<std::string> lines;
  for (const Issue& issue : issues) lines.push_back(FormatIssue(issue));
  return lines;
}

// What one way of reading a file left: the records, serialized in order,
// and the issues of the rows.
struct Outcome {
  std::vector<std::string> records;
  std::vector<std::string> issues;
};

// chainkg-import reads rows unchecked and checks them batch by batch
// (CheckBatch, on whichever thread is free); chainkg load checks each row
// as it is read. Both must keep the same records and report the same
// issues, also for rows of two records (an industry and the edge to its
// parent) where only one record fails, which drops the row whole.
TEST(CheckBatchTest, KeepsAndReportsWhatCheckingEachRowAsReadDoes) {
  TempDir dir;
  std::string long_key(300, 'x');
  std::string industries = dir.Sub("industries.csv");
  std::ofstream(industries, std::ios::binary)
      << "key,name,parent_key\n"
      << "C,制造业,\n"
      << "C34,通用设备制造业,C\n"
      << "C35,专用设备制造业," << long_key << "\n"  // the edge fails
      << long_key << ",过长,C\n"                    // the vertex fails
      << "C36,汽车制造业,C\n";
  std::string firms = dir.Sub("firms.csv");
  std::ofstream(firms, std::ios::binary)
      << "key,name,region_code\n"
      << "SZSE:300607,广东拓斯达科技股份有限公司,441900\n"
      << "12345,短码,441900\n"                           // malformed USCC
      << "91350211M00013FA1N,校验位错误,441900\n"        // a warning only
      << "SZSE:300410,广东正业科技股份有限公司,4419\n";  // bad region
  const std::pair<std::string, size_t> files[] = {{industries, 2}, {firms, 3}};
  for (const auto& [path, expected_issues] : files) {
    SCOPED_TRACE(path);
    Outcome as_read, batched;
    RecordFileOptions options;
    ASSERT_OK_AND_ASSIGN(RecordFileResult checked,
                         ReadRecordFile(path, options, [&](ParsedRow&& row) {
                           for (const v1::Vertex& v : row.vertices) {
                             as_read.records.push_back(v.SerializeAsString());
                           }
                           for (const v1::Edge& e : row.edges) {
                             as_read.records.push_back(e.SerializeAsString());
                           }
                           return absl::OkStatus();
                         }));
    as_read.issues = Format(checked.issues);

    options.check_rows = false;
    std::vector<Issue> issues;
    RowBatcher batcher(2, [&](RecordBatch&& batch) {
      std::vector<Issue> found =
          CheckBatch(checked.kind, path.substr(path.rfind('/') + 1), &batch);
      issues.insert(issues.end(), found.begin(), found.end());
      // Vertices, then edges, of each batch, as they are applied.
      for (const v1::Vertex& v : batch.vertices) {
        batched.records.push_back(v.SerializeAsString());
      }
      for (const v1::Edge& e : batch.edges) {
        batched.records.push_back(e.SerializeAsString());
      }
      return absl::OkStatus();
    });
    ASSERT_OK_AND_ASSIGN(RecordFileResult unchecked,
                         ReadRecordFile(path, options, [&](ParsedRow&& row) {
                           return batcher.Add(std::move(row));
                         }));
    ASSERT_OK(batcher.Flush());
    issues.insert(issues.begin(), unchecked.issues.begin(),
                  unchecked.issues.end());
    std::stable_sort(
        issues.begin(), issues.end(),
        [](const Issue& a, const Issue& b) { return a.line < b.line; });
    batched.issues = Format(issues);

    EXPECT_EQ(batched.issues, as_read.issues);
    EXPECT_EQ(unchecked.rows, checked.rows);
    EXPECT_EQ(as_read.issues.size(), expected_issues);
    // The same records, apart from order within a batch (vertices first).
    std::sort(as_read.records.begin(), as_read.records.end());
    std::sort(batched.records.begin(), batched.records.end());
    EXPECT_EQ(batched.records, as_read.records);
    EXPECT_GE(as_read.records.size(), 2u);
  }
}

}  // namespace
}  // namespace chainkg::loaders
