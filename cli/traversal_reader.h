// Reading the rows of a Traverse stream in either encoding (TraversalRow
// messages or TraversalColumns) as one kind of row: views of the strings,
// for the CLI's CSV writer, and conversion back to TraversalRow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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

// Decodes the TraversalColumns of a stream, message by message. A row names
// its parent by its number in the stream, and the parent of a row at depth
// d is a row at depth d - 1 (breadth-first order), so the reader keeps a
// copy of the keys of two depths only: the one before the rows it reads
// and theirs. Rows at max_depth are nobody's parent, so their keys are not
// kept at all. (A CLI process starts with fresh memory, and on a virtual
// machine first touching memory costs more than decoding the rows.) Not
// thread-safe.
class TraversalReader {
 public:
  // max_depth: the request's; 0: not known (every depth is kept in turn).
  explicit TraversalReader(int max_depth = 0) : max_depth_(max_depth) {}
  TraversalReader(const TraversalReader&) = delete;
  TraversalReader& operator=(const TraversalReader&) = delete;

  // The rows of the next message of the stream. The span and the views in
  // it (parent_key included) are valid until the next call and as long as
  // columns does not change. INTERNAL when the message is malformed
  // (columns of different lengths, lengths past the text, depths out of
  // order or past max_depth, a parent that is not a row of the depth
  // before).
  absl::StatusOr<absl::Span<const TraversalRowView>> Add(
      const v1::TraversalColumns& columns);

  // Rows read so far.
  int64_t rows() const { return rows_; }

 private:
  // The keys of the rows of one depth, rows first_row, first_row + 1, ...
  // one after the other in keys; key i ends at ends[i].
  struct Depth {
    int depth = 0;
    int64_t first_row = 0;
    std::string keys;
    std::vector<size_t> ends;
  };
  // Starts depth `depth` at row rows_: the current depth becomes the one
  // before when it is depth - 1.
  void StartDepth(int depth);
  // The key of row `row` of previous_, which must hold it.
  absl::string_view PreviousKey(int64_t row) const;

  const int max_depth_;
  int64_t rows_ = 0;
  std::string start_key_;
  // Held by pointer: views point into the keys, and moving a short string
  // would move its characters.
  std::unique_ptr<Depth> previous_ = std::make_unique<Depth>();
  std::unique_ptr<Depth> current_ = std::make_unique<Depth>();
  // Depths left behind in this call (views of its rows may still point
  // into them) and, from the next call on, free for reuse.
  std::vector<std::unique_ptr<Depth>> retired_;
  std::vector<std::unique_ptr<Depth>> spare_;
  std::vector<TraversalRowView> batch_;
};

}  // namespace chainkg::cli
