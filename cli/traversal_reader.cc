#include "cli/traversal_reader.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace chainkg::cli {
namespace {

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("Traverse: malformed columns from the server: ", what));
}

}  // namespace

TraversalRowView ViewOf(const v1::TraversalRow& row) {
  TraversalRowView view;
  view.depth = row.depth();
  view.kind = row.kind();
  view.key = row.key();
  view.name = row.name();
  view.country = row.country();
  view.region_code = row.region_code();
  view.parent_key = row.parent_key();
  view.via = row.via();
  return view;
}

void ToRow(const TraversalRowView& view, v1::TraversalRow* row) {
  row->set_kind(static_cast<v1::VertexKind>(view.kind));
  row->set_key(std::string(view.key));
  row->set_name(std::string(view.name));
  row->set_country(std::string(view.country));
  row->set_region_code(std::string(view.region_code));
  row->set_depth(view.depth);
  row->set_parent_key(std::string(view.parent_key));
  row->set_via(static_cast<v1::EdgeKind>(view.via));
}

absl::string_view TraversalReader::Keep(absl::string_view key) {
  constexpr size_t kChunkBytes = 1 << 20;
  if (key_chunks_.empty() ||
      key_chunks_.back().capacity() - key_chunks_.back().size() < key.size()) {
    key_chunks_.emplace_back().reserve(std::max(kChunkBytes, key.size()));
  }
  std::string& chunk = key_chunks_.back();
  size_t at = chunk.size();
  chunk.append(key.data(), key.size());
  return absl::string_view(chunk.data() + at, key.size());
}

absl::StatusOr<absl::Span<const TraversalRowView>> TraversalReader::Add(
    const v1::TraversalColumns& columns) {
  const int n = columns.kinds_size();
  if (columns.depths_size() != n || columns.vias_size() != n ||
      columns.parent_rows_size() != n || columns.text_lengths_size() != 4 * n) {
    return Malformed("columns of different lengths");
  }
  const absl::string_view start_key = Keep(columns.start_key());
  const std::string& text = columns.text();
  batch_.clear();
  batch_.reserve(n);
  size_t offset = 0;
  int next_parent_key = 0;
  for (int i = 0; i < n; ++i) {
    TraversalRowView row;
    row.kind = columns.kinds(i);
    row.depth = columns.depths(i);
    row.via = columns.vias(i);
    absl::string_view* fields[4] = {&row.key, &row.name, &row.country,
                                    &row.region_code};
    const size_t row_offset = offset;
    for (int f = 0; f < 4; ++f) {
      uint32_t length = columns.text_lengths(4 * i + f);
      if (length > text.size() - offset) {
        return Malformed("text lengths past the text");
      }
      *fields[f] = absl::string_view(text.data() + offset, length);
      offset += length;
    }
    row.text = absl::string_view(text.data() + row_offset, offset - row_offset);
    int64_t parent = columns.parent_rows(i);
    if (parent == -1) {
      row.parent_key = start_key;
    } else if (parent == -2) {
      if (next_parent_key >= columns.parent_keys_size()) {
        return Malformed("more rows with parent -2 than parent keys");
      }
      row.parent_key = Keep(columns.parent_keys(next_parent_key++));
    } else if (parent >= 0 && parent < static_cast<int64_t>(keys_.size())) {
      row.parent_key = keys_[parent];
    } else {
      return Malformed(
          absl::StrCat("parent row ", parent, " is not an earlier row"));
    }
    keys_.push_back(Keep(row.key));
    batch_.push_back(row);
  }
  if (offset != text.size()) return Malformed("text longer than its rows");
  return absl::Span<const TraversalRowView>(batch_);
}

}  // namespace chainkg::cli
