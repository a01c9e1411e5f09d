// Reading the rows of a Traverse stream in either encoding (TraversalRow
// messages or TraversalColumns) as one kind of row: views of the strings,
// for the CLI's CSV writer, and conversion back to TraversalRow.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

#include "chainkg/v1/analysis_service.pb.h"

namespace chainkg::cli {

// One row of a traversal; the strings belong to the TraversalReader (or the
// TraversalRow) it was read from.
struct TraversalRowView {
  int depth = 0;
  int kind = 0;  // v1::VertexKind
  absl::string_view key;
  absl::string_view name;
  absl::string_view country;
  absl::string_view region_code;
  absl::string_view parent_key;
  int via = 0;  // v1::EdgeKind
  // Read from columns: key, name, country and region_code as they came,
  // one after the other (so that one check covers them); otherwise empty.
  absl::string_view text;
};

// A view of a TraversalRow's fields (path left out); valid while row is.
TraversalRowView ViewOf(const v1::TraversalRow& row);

// The TraversalRow a view stands for (no path).
void ToRow(const TraversalRowView& view, v1::TraversalRow* row);

// Decodes the TraversalColumns of a stream, message by message. Keeps the
// text of every message read, since a row names its parent by its number
// in the stream. Not thread-safe.
class TraversalReader {
 public:
  TraversalReader() = default;
  TraversalReader(const TraversalReader&) = delete;
  TraversalReader& operator=(const TraversalReader&) = delete;

  // The rows of the next message of the stream. The span is valid until
  // the next call; the views until columns changes (parent_key: as long as
  // this reader, which keeps a copy of every key). INTERNAL when the
  // message is malformed (columns of different lengths, lengths past the
  // text, a parent that is not an earlier row).
  absl::StatusOr<absl::Span<const TraversalRowView>> Add(
      const v1::TraversalColumns& columns);

  // Rows read so far.
  int64_t rows() const { return static_cast<int64_t>(keys_.size()); }

 private:
  // A copy of key in keys_chunks_, valid as long as this reader.
  absl::string_view Keep(absl::string_view key);

  // Blocks of keys, each filled up to the capacity reserved at its start,
  // so views into them stay valid; std::deque never moves its elements.
  std::deque<std::string> key_chunks_;
  // Per row of the stream. A deque grows without copying what it holds:
  // a vector's doublings would touch twice the memory, all of it fresh in
  // a short-lived CLI process.
  std::deque<absl::string_view> keys_;
  std::vector<TraversalRowView> batch_;
};

}  // namespace chainkg::cli
