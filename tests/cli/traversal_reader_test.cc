#include "cli/traversal_reader.h"

#include <string>
#include <vector>

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
  absl::string_view kept = (*rows)[1].key;

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
  EXPECT_EQ(kept, "B");  // views of earlier messages stay valid
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
}

}  // namespace
}  // namespace chainkg::cli
