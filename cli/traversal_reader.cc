#include "cli/traversal_reader.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

#include "util/region_names.h"

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
  // The columns carry no names of regions; the same table as the server's.
  row->set_region_name(RegionName(view.region_code));
  row->set_depth(view.depth);
  row->set_parent_key(std::string(view.parent_key));
  row->set_via(static_cast<v1::EdgeKind>(view.via));
}

void TraversalReader::StartDepth(int depth) {
  std::unique_ptr<Depth> fresh;
  if (spare_.empty()) {
    fresh = std::make_unique<Depth>();
  } else {
    fresh = std::move(spare_.back());
    spare_.pop_back();
    fresh->keys.clear();
    fresh->ends.clear();
  }
  fresh->depth = depth;
  fresh->first_row = rows_;
  // Rows of this call may view the keys of previous_: its storage is
  // reused from the next call on.
  retired_.push_back(std::move(previous_));
  if (current_->depth == depth - 1) {
    previous_ = std::move(current_);
  } else {
    retired_.push_back(std::move(current_));
    previous_ = std::make_unique<Depth>();
  }
  current_ = std::move(fresh);
}

absl::string_view TraversalReader::PreviousKey(int64_t row) const {
  const Depth& depth = *previous_;
  const auto i = static_cast<size_t>(row - depth.first_row);
  const size_t begin = i == 0 ? 0 : depth.ends[i - 1];
  return absl::string_view(depth.keys).substr(begin, depth.ends[i] - begin);
}

absl::StatusOr<absl::Span<const TraversalRowView>> TraversalReader::Add(
    const v1::TraversalColumns& columns) {
  const int n = columns.kinds_size();
  if (columns.depths_size() != n || columns.vias_size() != n ||
      columns.parent_rows_size() != n || columns.text_lengths_size() != 4 * n) {
    return Malformed("columns of different lengths");
  }
  for (std::unique_ptr<Depth>& depth : retired_) {
    spare_.push_back(std::move(depth));
  }
  retired_.clear();
  if (start_key_ != columns.start_key()) start_key_ = columns.start_key();
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
    if (row.depth < std::max(current_->depth, 1) ||
        (max_depth_ > 0 && row.depth > max_depth_)) {
      return Malformed(absl::StrCat(
          "row ", rows_, " at depth ", row.depth, " after depth ",
          current_->depth, " (rows go by depth",
          max_depth_ > 0 ? absl::StrCat(", up to ", max_depth_) : "", ")"));
    }
    if (row.depth != current_->depth) StartDepth(row.depth);
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
    const int64_t parent = columns.parent_rows(i);
    if (parent == -1) {
      row.parent_key = start_key_;
    } else if (parent == -2) {
      if (next_parent_key >= columns.parent_keys_size()) {
        return Malformed("more rows with parent -2 than parent keys");
      }
      row.parent_key = columns.parent_keys(next_parent_key++);
    } else if (parent >= previous_->first_row &&
               parent - previous_->first_row <
                   static_cast<int64_t>(previous_->ends.size())) {
      row.parent_key = PreviousKey(parent);
    } else {
      return Malformed(absl::StrCat("parent row ", parent, " of row ", rows_,
                                    " is not an earlier row at depth ",
                                    row.depth - 1));
    }
    if (max_depth_ == 0 || row.depth < max_depth_) {
      current_->keys.append(row.key.data(), row.key.size());
      current_->ends.push_back(current_->keys.size());
    }
    ++rows_;
    batch_.push_back(row);
  }
  if (offset != text.size()) return Malformed("text longer than its rows");
  return absl::Span<const TraversalRowView>(batch_);
}

}  // namespace chainkg::cli
