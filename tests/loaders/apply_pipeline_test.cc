#include "loaders/apply_pipeline.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "graph/store/bulk_importer.h"
#include "tests/testing/db_dump.h"
#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace chainkg::loaders {
namespace {

using ::chainkg::testing::MakeEdge;
using ::chainkg::testing::MakeFirm;
using ::chainkg::testing::Ref;
using ::chainkg::testing::StatusIs;
using ::testing::HasSubstr;

std::string Firm(int i) { return absl::StrCat("EXT:firm-", i); }

// A batch of firms first, lines 2.. of firms.csv.
Job FirmJob(int first, int count, LoadSummary* summary,
            std::vector<Issue>* rejected) {
  Job job{{}, "firms.csv", FileKind::kFirms, summary, rejected, {}};
  for (int i = first; i < first + count; ++i) {
    job.batch.vertices.push_back(
        MakeFirm(Firm(i), absl::StrCat("公司", i), ""));
    job.batch.vertex_lines.push_back(i + 2);
  }
  return job;
}

// Edges firm i -> firm i + 1 for i in [first, first + count), on lines
// 2.. of edges.csv.
Job EdgeJob(int first, int count, LoadSummary* summary,
            std::vector<Issue>* rejected) {
  Job job{{}, "edges.csv", FileKind::kEdges, summary, rejected, {}};
  for (int i = first; i < first + count; ++i) {
    job.batch.edges.push_back(MakeEdge(v1::EDGE_KIND_SUPPLIES,
                                       Ref(v1::VERTEX_KIND_FIRM, Firm(i)),
                                       Ref(v1::VERTEX_KIND_FIRM, Firm(i + 1))));
    job.batch.edge_lines.push_back(i + 2);
  }
  return job;
}

// Many jobs, more records than the queue holds, some repeated: every job
// is checked and applied once, in order (an edge applies only after the
// firms it names), and the summaries count what the importer did, with
// the repeated edges recounted after the importer's Finish.
TEST(ApplyPipelineTest, AppliesEveryJobInOrderAndCountsIt) {
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<graph::BulkImporter> importer,
                       graph::BulkImporter::Create(dir.Sub("db")));
  constexpr int kFirms = 6000;
  constexpr int kBatch = 500;
  LoadSummary firms, edges, again;
  std::vector<Issue> firm_issues, edge_issues;
  {
    ApplyPipeline pipeline(*importer);
    for (int first = 0; first < kFirms; first += kBatch) {
      ASSERT_OK(pipeline.Submit(FirmJob(first, kBatch, &firms, &firm_issues)));
    }
    // The same firms again: unchanged.
    ASSERT_OK(pipeline.Submit(FirmJob(0, kBatch, &firms, &firm_issues)));
    // Edges up to the last firm; the last names a firm that does not
    // exist and is rejected, with its line.
    for (int first = 0; first < kFirms; first += kBatch) {
      ASSERT_OK(pipeline.Submit(EdgeJob(first, kBatch, &edges, &edge_issues)));
    }
    // Edges again, as another file would bring them: a batch unchanged,
    // then half a batch with a share (updated).
    ASSERT_OK(pipeline.Submit(EdgeJob(0, kBatch, &again, &edge_issues)));
    Job changed = EdgeJob(kBatch, kBatch / 2, &again, &edge_issues);
    for (v1::Edge& edge : changed.batch.edges) {
      edge.mutable_supplies()->set_share(0.5);
    }
    ASSERT_OK(pipeline.Submit(std::move(changed)));
    ASSERT_OK(pipeline.Drain());
    EXPECT_EQ(pipeline.submitted_jobs(), 2 * kFirms / kBatch + 3);
    EXPECT_EQ(pipeline.finished_jobs(), pipeline.submitted_jobs());
    EXPECT_EQ(again.created, kBatch + kBatch / 2);  // until recounted
    ASSERT_OK_AND_ASSIGN(graph::ImportResult imported, importer->Finish());
    ASSERT_OK(pipeline.Recount(imported.recounts));
  }
  EXPECT_EQ(firms.created, kFirms);
  EXPECT_EQ(firms.unchanged, kBatch);
  EXPECT_EQ(edges.created, kFirms - 1);
  EXPECT_EQ(edges.updated + edges.unchanged, 0);
  EXPECT_EQ(again.created, 0);
  EXPECT_EQ(again.unchanged, kBatch);
  EXPECT_EQ(again.updated, kBatch / 2);
  EXPECT_TRUE(firm_issues.empty());
  ASSERT_EQ(edge_issues.size(), 1u);
  EXPECT_EQ(edge_issues[0].file, "edges.csv");
  EXPECT_EQ(edge_issues[0].line, kFirms - 1 + 2);
  EXPECT_THAT(edge_issues[0].reason, HasSubstr(Firm(kFirms)));
  ASSERT_OK_AND_ASSIGN(testing::DatabaseDump dump,
                       testing::DumpDatabase(dir.Sub("db")));
  EXPECT_EQ(dump["vertex"].size(), static_cast<size_t>(kFirms));
  EXPECT_EQ(dump["out_edge"].size(), static_cast<size_t>(kFirms - 1));
  EXPECT_EQ(dump["in_edge"].size(), static_cast<size_t>(kFirms - 1));
}

// A job the importer refuses ends the pipeline's work: Drain and every
// later Submit return the error with the job's file in front, and nothing
// after it is applied.
TEST(ApplyPipelineTest, AnApplyErrorStopsTheRestAndNamesTheFile) {
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<graph::BulkImporter> importer,
                       graph::BulkImporter::Create(dir.Sub("db")));
  LoadSummary summary;
  std::vector<Issue> issues;
  ApplyPipeline pipeline(*importer);
  ASSERT_OK(pipeline.Submit(FirmJob(0, 10, &summary, &issues)));
  ASSERT_OK(pipeline.Drain());
  EXPECT_EQ(summary.created, 10);
  // The importer refuses writes once finished.
  ASSERT_OK(importer->Finish());
  ASSERT_OK(pipeline.Submit(EdgeJob(0, 5, &summary, &issues)));
  EXPECT_THAT(pipeline.Drain(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("edges.csv: import already finished")));
  EXPECT_THAT(pipeline.Submit(FirmJob(10, 10, &summary, &issues)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(pipeline.finished_jobs(), 1);
  EXPECT_EQ(summary.created, 10);
}

}  // namespace
}  // namespace chainkg::loaders
