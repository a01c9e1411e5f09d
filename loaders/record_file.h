// Reading one loader input file (CSV or JSONL, docs/formats.md) into domain
// records, row by row, with every problem reported as file:line: field.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

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

// Reads the file at path: decodes it (BOM, UTF-8 or GB18030), parses it as
// CSV (".csv") or JSONL (".jsonl", ".json", ".ndjson"), checks each row
// with the store's record rules and calls on_row for every row that yields
// records, in file order. A bad row becomes an Issue and is skipped.
// Errors: NOT_FOUND / UNAVAILABLE when the file cannot be read;
// INVALID_ARGUMENT "path:line: ..." for a problem with the whole file
// (unknown kind or extension, undecodable bytes, a missing required column,
// broken CSV quoting); any error on_row returns, unchanged.
absl::StatusOr<RecordFileResult> ReadRecordFile(
    const std::string& path, const RecordFileOptions& options,
    const std::function<absl::Status(ParsedRow&&)>& on_row);

}  // namespace chainkg::loaders
