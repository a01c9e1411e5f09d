#include "cli/traversal_reader.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chainkg::cli {
namespace {

using ::testing::HasSubstr;

// Appends one row to columns the way the server writes them.
void AddRow(v1::TraversalColumns& columns, int depth, int64_t parent,
            const std::vector<std::string>& text) {
  columns.add_kinds(v1::VERTEX_KIND_FIRM);
  columns.add_depths(depth);
  columns.add_vias(v1::EDGE_KIND_SUPPLIES);
  columns.add_parent_rows(parent);
  for (const std::string& field : text) {
    columns.mutable_text()->append(field);
    columns.add_text_lengths(static_cast<uint32_t>(field.size()));
  }
}

TEST(TraversalReaderTest, ParentsAreTheStartEarlierRowsOrNamedKeys) {
  TraversalReader reader;
  v1::TraversalColumns first;
  first.set_start_key("S");
  AddRow(first, 1, -1, {"A", "甲,公司", "CN", "441900"});
  AddRow(first, 2, 0, {"B", "乙", "JP", ""});
  absl::StatusOr<absl::Span<const TraversalRowView>> rows = reader.Add(first);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].key, "A");
  EXPECT_EQ((*rows)[0].name, "甲,公司");
  EXPECT_EQ((*rows)[0].region_code, "441900");
  EXPECT_EQ((*rows)[0].parent_key, "S");
  EXPECT_EQ((*rows)[0].text, "A甲,公司CN441900");
  EXPECT_EQ((*rows)[1].text, "B乙JP");
  EXPECT_EQ((*rows)[1].parent_key, "A");
  EXPECT_EQ((*rows)[1].country, "JP");
  EXPECT_EQ((*rows)[1].region_code, "");

  // Rows of a later message name rows of earlier ones, and vertices that
  // are not rows by key.
  v1::TraversalColumns second;
  second.set_start_key("S");
  AddRow(second, 3, 1, {"C", "丙", "CN", "440300"});
  AddRow(second, 3, -2, {"D", "丁", "CN", "440300"});
  second.add_parent_keys("HIDDEN");
  rows = reader.Add(second);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].parent_key, "B");
  EXPECT_EQ((*rows)[1].parent_key, "HIDDEN");
  EXPECT_EQ(reader.rows(), 4);

  v1::TraversalRow row;
  ToRow((*rows)[0], &row);
  EXPECT_EQ(row.key(), "C");
  EXPECT_EQ(row.parent_key(), "B");
  EXPECT_EQ(row.depth(), 3);
  EXPECT_EQ(row.via(), v1::EDGE_KIND_SUPPLIES);
  TraversalRowView back = ViewOf(row);
  EXPECT_EQ(back.region_code, "440300");
  EXPECT_EQ(back.kind, v1::VERTEX_KIND_FIRM);
  EXPECT_EQ(back.text, "") << "rows do not come as one text";
}

TEST(TraversalReaderTest, MalformedColumnsAreAnInternalError) {
  auto expect_malformed = [](v1::TraversalColumns columns,
                             absl::string_view what) {
    TraversalReader reader;
    absl::StatusOr<absl::Span<const TraversalRowView>> rows =
        reader.Add(columns);
    ASSERT_FALSE(rows.ok()) << what;
    EXPECT_EQ(rows.status().code(), absl::StatusCode::kInternal) << what;
    EXPECT_THAT(rows.status().message(), HasSubstr(what));
  };
  v1::TraversalColumns good;
  AddRow(good, 1, -1, {"A", "甲", "CN", "441900"});

  v1::TraversalColumns short_column = good;
  short_column.clear_depths();
  expect_malformed(short_column, "different lengths");
  v1::TraversalColumns long_length = good;
  long_length.set_text_lengths(3, 100);
  expect_malformed(long_length, "past the text");
  v1::TraversalColumns extra_text = good;
  extra_text.mutable_text()->append("x");
  expect_malformed(extra_text, "longer than its rows");
  v1::TraversalColumns self_parent = good;
  self_parent.set_parent_rows(0, 0);
  expect_malformed(self_parent, "not an earlier row");
  v1::TraversalColumns no_key = good;
  no_key.set_parent_rows(0, -2);
  expect_malformed(no_key, "parent keys");

  // Parents are rows of the depth before; rows come by depth.
  v1::TraversalColumns skips_a_depth = good;
  AddRow(skips_a_depth, 2, 0, {"B", "乙", "CN", ""});
  AddRow(skips_a_depth, 3, 0, {"C", "丙", "CN", ""});
  expect_malformed(skips_a_depth,
                   "parent row 0 of row 2 is not an earlier "
                   "row at depth 2");
  v1::TraversalColumns back_up = good;
  AddRow(back_up, 2, 0, {"B", "乙", "CN", ""});
  AddRow(back_up, 1, -1, {"C", "丙", "CN", ""});
  expect_malformed(back_up, "row 2 at depth 1 after depth 2");
  v1::TraversalColumns depth_zero = good;
  depth_zero.set_depths(0, 0);
  expect_malformed(depth_zero, "at depth 0");
}

TEST(TraversalReaderTest, RowsPastMaxDepthAreMalformed) {
  v1::TraversalColumns columns;
  columns.set_start_key("S");
  AddRow(columns, 1, -1, {"A", "甲", "CN", ""});
  AddRow(columns, 2, 0, {"B", "乙", "CN", ""});
  TraversalReader reader(1);
  absl::StatusOr<absl::Span<const TraversalRowView>> rows = reader.Add(columns);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(rows.status().message(), HasSubstr("up to 1"));
  TraversalReader deeper(2);
  rows = deeper.Add(columns);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[1].parent_key, "A");
}

// A breadth-first stream of random shape (depths of 0 to 40 rows, some
// depths skipped, parents anywhere in the depth before, some parents not
// reported), cut into messages at random rows: every row's parent key is
// the one the stream names, with max_depth known or not. Keys short and
// long, so that both inline and allocated strings hold them.
TEST(TraversalReaderTest, ParentKeysOfRandomStreamsCutAnywhere) {
  std::mt19937 random(20261127);
  for (int trial = 0; trial < 200; ++trial) {
    struct Row {
      int depth;
      int64_t parent;  // -1, -2 or a row number
      std::string key;
      std::string parent_key;
    };
    std::vector<Row> stream;
    const int max_depth = 1 + static_cast<int>(random() % 6);
    std::vector<int64_t> before;  // rows of the depth before
    for (int depth = 1; depth <= max_depth; ++depth) {
      std::vector<int64_t> here;
      const int count = static_cast<int>(random() % 41);
      for (int i = 0; i < count; ++i) {
        Row row;
        row.depth = depth;
        row.key = random() % 2 == 0
                      ? absl::StrCat("k", stream.size())
                      : absl::StrCat("a-long-natural-key-", stream.size(), "-",
                                     std::string(random() % 30, 'x'));
        const uint32_t pick = random() % 10;
        if (depth == 1) {
          row.parent = -1;
          row.parent_key = "START";
        } else if (pick == 0 || before.empty()) {
          row.parent = -2;
          row.parent_key = absl::StrCat("hidden-", stream.size());
        } else {
          row.parent = before[random() % before.size()];
          row.parent_key = stream[row.parent].key;
        }
        here.push_back(static_cast<int64_t>(stream.size()));
        stream.push_back(row);
      }
      before = here;
    }
    for (int known : {0, max_depth}) {
      TraversalReader reader(known);
      size_t next = 0;
      while (next < stream.size() || next == 0) {
        v1::TraversalColumns columns;
        columns.set_start_key("START");
        const size_t end = std::min(stream.size(), next + 1 + random() % 25);
        for (size_t i = next; i < end; ++i) {
          AddRow(columns, stream[i].depth, stream[i].parent,
                 {stream[i].key, "名", "CN", "441900"});
          if (stream[i].parent == -2) {
            columns.add_parent_keys(stream[i].parent_key);
          }
        }
        absl::StatusOr<absl::Span<const TraversalRowView>> rows =
            reader.Add(columns);
        ASSERT_TRUE(rows.ok()) << rows.status() << " trial " << trial;
        ASSERT_EQ(rows->size(), end - next);
        for (size_t i = next; i < end; ++i) {
          const TraversalRowView& row = (*rows)[i - next];
          ASSERT_EQ(row.key, stream[i].key);
          ASSERT_EQ(row.parent_key, stream[i].parent_key)
              << "trial " << trial << " row " << i;
        }
        next = std::max(end, size_t{1});
      }
      EXPECT_EQ(reader.rows(), static_cast<int64_t>(stream.size()));
    }
  }
}

}  // namespace
}  // namespace chainkg::cli
