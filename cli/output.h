// Rendering of chainkg records for the CLI: aligned tables (display-width
// aware, so Chinese text lines up), CSV with a UTF-8 BOM for Excel, and the
// proto3 JSON of a response.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

#include "chainkg/v1/analysis_service.pb.h"
#include "chainkg/v1/model.pb.h"

namespace chainkg::cli {

// kDot and kSvg (Graphviz) draw pictures; only `gaps` has them.
enum class Format { kTable, kJson, kCsv, kDot, kSvg };

// Parses "table", "json", "csv", "dot" or "svg". INVALID_ARGUMENT
// otherwise.
absl::StatusOr<Format> ParseFormat(absl::string_view text);

// Rows of text with a header; every row has header.size() cells.
struct Rows {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> cells;
};

// One row per record of the same kind: every field of the record in
// declaration order (repeated strings joined by "; ", credentials in full,
// source as "file:line" or client). `for_table` shortens credentials to a
// readable Chinese summary and leaves out the source.
Rows VertexRows(const std::vector<v1::Vertex>& vertices, bool for_table);
Rows EdgeRows(const std::vector<v1::Edge>& edges, bool for_table);

// "view N" for an analysis answer's data version, and how far it is behind
// the latest write when it is ("view N, 1.2 s behind the latest write
// (sequence M)").
std::string ViewText(uint64_t sequence, const v1::Freshness& freshness);

// Writes rows as a table whose columns are aligned by display width.
void WriteTable(const Rows& rows, std::ostream& out);
// Writes rows as RFC 4180 CSV preceded by a UTF-8 BOM, each cell as
// AppendCsvCell writes it.
void WriteCsv(const Rows& rows, std::ostream& out);
// Several tables in one CSV file (one BOM): each preceded by a line with its
// title and followed by an empty line.
void WriteCsvTables(
    const std::vector<std::pair<std::string, const Rows*>>& tables,
    std::ostream& out);
// Appends one cell as WriteCsv writes it: quoted when it holds a comma, a
// quote or a line break; guarded (CsvCellNeedsGuard) so that a spreadsheet
// shows what the cell says:
//  - a cell a spreadsheet would evaluate (starting with = + - @, a tab or a
//    CR: a firm named =HYPERLINK(...)) gets a leading ' and is quoted;
//  - a code of 12 or more digits (an all-digit USCC) or with a leading zero
//    is written ="914419008118813448", which Excel and LibreOffice show as
//    that text, every digit kept (as a number they would round it to 15
//    significant digits and show 9.14419E+17).
void AppendCsvCell(absl::string_view cell, std::string* out);
// Whether AppendCsvCell would quote text (or any cell cut from it) for what
// it holds; the guards are decided per cell, by CsvCellNeedsGuard.
bool CsvNeedsQuotes(absl::string_view text);
// Whether AppendCsvCell guards the cell (see there).
bool CsvCellNeedsGuard(absl::string_view cell);
// Writes one record as "field  value" lines (for a single `get`).
void WriteRecord(const Rows& rows, std::ostream& out);
// "链主 chain leader", "国家级 national": labels for tables.
std::string CredentialLabel(v1::CredentialKind kind);
std::string LevelLabel(v1::Level level);

// Writes the proto3 JSON of message, indented, field names as in the .proto.
void WriteJson(const google::protobuf::Message& message, std::ostream& out);

}  // namespace chainkg::cli
