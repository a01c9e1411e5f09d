// Reading one loader input file (CSV or JSONL, docs/formats.md) into domain
// records, row by row, with every problem reported as file:line: field.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

#include "chainkg/v1/model.pb.h"
#include "loaders/file_kind.h"
#include "loaders/load_issue.h"
#include "util/text_encoding.h"

namespace chainkg::loaders {

// The records one input row yields (a row of industries.csv with a
// parent_key yields a vertex and an edge). Vertices and edges are canonical
// and checked (CanonicalizeVertex, CanonicalizeEdge); a credentials row
// yields a partial firm (key and credentials only) meant for a MERGE
// upsert. Every record's source names the file's base name and the row's
// line.
struct ParsedRow {
  int64_t line = 0;
  std::vector<v1::Vertex> vertices;
  std::vector<v1::Edge> edges;
};

struct RecordFileOptions {
  // The kind of records; when unset it comes from the file name.
  std::optional<FileKind> kind;
  // When false, rows are passed on as built, not yet checked nor
  // canonicalized: the caller checks each with CheckRow (chainkg-import
  // does, on whichever of its threads is free).
  bool check_rows = true;
};

struct RecordFileResult {
  FileKind kind = FileKind::kFirms;
  TextEncoding encoding = TextEncoding::kUtf8;
  int64_t rows = 0;  // data rows read (header excluded)
  // Row errors (the row yielded nothing) and warnings, in file order.
  std::vector<Issue> issues;
};

// The input column a record field path refers to, for messages:
// "firm.credentials[0].valid_to" -> "valid_to", "from.key" or "from" ->
// "from_key"; in a credentials file "firm.key" -> "firm_key".
std::string ColumnOfField(FileKind kind, const std::string& path);

// What CheckRow found in one row: ok, or not (the row must be dropped
// whole), and its issues (the error, or the warnings of a row kept).
struct RowCheck {
  bool ok = true;
  std::vector<Issue> issues;
};

// Checks and canonicalizes the records of the row at line of file (its
// base name) with the store's record rules, so that a load reports what
// the server would refuse, with the input column.
RowCheck CheckRow(FileKind kind, const std::string& file, int64_t line,
                  absl::Span<v1::Vertex> vertices, absl::Span<v1::Edge> edges);

// Reads the file at path: decodes it (BOM, UTF-8 or GB18030), parses it as
// CSV (".csv") or JSONL (".jsonl", ".json", ".ndjson"), checks each row
// with the store's record rules and calls on_row for every row that yields
// records, in file order. A bad row becomes an Issue and is skipped
// (unless options.check_rows is false: then every row built is passed on).
// Errors: NOT_FOUND / UNAVAILABLE when the file cannot be read;
// INVALID_ARGUMENT "path:line: ..." for a problem with the whole file
// (unknown kind or extension, undecodable bytes, a missing required column,
// broken CSV quoting); any error on_row returns, unchanged.
absl::StatusOr<RecordFileResult> ReadRecordFile(
    const std::string& path, const RecordFileOptions& options,
    const std::function<absl::Status(ParsedRow&&)>& on_row);

}  // namespace chainkg::loaders
