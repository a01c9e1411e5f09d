#include "cli/traverse_command.h"

#include <charconv>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/grpcpp.h"

#include "cli/flag_values.h"
#include "cli/large_answer_memory.h"
#include "cli/output.h"
#include "cli/rpc_call.h"
#include "cli/traversal_reader.h"
#include "util/status_macros.h"

namespace chainkg::cli {
namespace {

std::string KindText(int kind, const google::protobuf::EnumDescriptor* type) {
  const auto* value = type->FindValueByNumber(kind);
  if (value == nullptr || kind == 0) return "";
  std::string name = value->name();
  std::string prefix = type->value(0)->name();
  prefix.resize(prefix.rfind("UNSPECIFIED"));
  return absl::AsciiStrToLower(name.substr(prefix.size()));
}

absl::StatusOr<std::vector<v1::EdgeKind>> EdgeKindFlags(
    const CommandLine& flags) {
  std::vector<v1::EdgeKind> kinds;
  for (const std::string& text : flags.GetAll("edge-kind")) {
    CHAINKG_ASSIGN_OR_RETURN(v1::EdgeKind kind, ParseEdgeKind(text));
    kinds.push_back(kind);
  }
  return kinds;
}

absl::StatusOr<int> DepthFlag(const CommandLine& flags, int fallback) {
  CHAINKG_ASSIGN_OR_RETURN(long long depth, flags.GetInt("depth", fallback));
  if (depth < 1 || depth > 64) return Usage("--depth must be within 1..64");
  return static_cast<int>(depth);
}

// Lower-case names of the values of an enum, indexed by number ("" for
// UNSPECIFIED and numbers it does not have), computed once per command
// rather than per row.
class EnumTexts {
 public:
  explicit EnumTexts(const google::protobuf::EnumDescriptor* type)
      : type_(type) {
    for (int i = 0; i < type->value_count(); ++i) {
      int number = type->value(i)->number();
      if (number < 0 || number > 255) continue;
      if (static_cast<size_t>(number) >= texts_.size()) {
        texts_.resize(number + 1);
      }
      texts_[number] = KindText(number, type);
    }
  }
  absl::string_view operator()(int number) const {
    if (number >= 0 && static_cast<size_t>(number) < texts_.size()) {
      return texts_[number];
    }
    return "";
  }

 private:
  const google::protobuf::EnumDescriptor* type_;
  std::vector<std::string> texts_;
};

// CSV of the rows (no path column), as WriteCsv writes it, through one
// block that goes to out whenever it is nearly full: a large result is
// written while it streams in, without keeping it. So a call that fails
// part-way may leave the rows read so far in out (the exit code says it
// failed); a small result is written only by Finish.
class TraversalCsv {
 public:
  explicit TraversalCsv(std::ostream& out)
      : out_(out),
        kinds_(v1::VertexKind_descriptor()),
        vias_(v1::EdgeKind_descriptor()),
        block_(new char[kBlockBytes]) {
    Append(
        "\xEF\xBB\xBF"
        "depth,kind,key,name,country,region,parent,via\r\n");
    header_bytes_ = used_;
  }
  // plain: the row's strings (parent key included) are known to need no
  // quotes. Such a row (nearly every row) is copied straight into the
  // block, field by field; any other is built as a line first, each cell
  // quoted where it needs to be.
  void Add(const TraversalRowView& row, bool plain) {
    // Enum names ([a-z_]) never need quotes.
    const absl::string_view kind = kinds_(row.kind);
    const absl::string_view via = vias_(row.via);
    const absl::string_view cells[] = {row.key, row.name, row.country,
                                       row.region_code, row.parent_key};
    size_t most = kIntChars + kind.size() + via.size() + 9;  // , and \r\n
    for (absl::string_view cell : cells) most += cell.size();
    bool guarded = false;
    for (absl::string_view cell : cells) {
      guarded = guarded || CsvCellNeedsGuard(cell);
    }
    if (!plain || guarded || most > kBlockBytes) {
      line_.clear();
      absl::StrAppend(&line_, row.depth, ",", kind, ",");
      for (absl::string_view cell : cells) {
        AppendCsvCell(cell, &line_);
        line_.push_back(',');
      }
      absl::StrAppend(&line_, via, "\r\n");
      Append(line_);
      return;
    }
    if (most > kBlockBytes - used_) Flush();
    char* at = block_.get() + used_;
    at = std::to_chars(at, at + kIntChars, row.depth).ptr;
    *at++ = ',';
    at = Copy(kind, at);
    *at++ = ',';
    for (absl::string_view cell : cells) {
      at = Copy(cell, at);
      *at++ = ',';
    }
    at = Copy(via, at);
    *at++ = '\r';
    *at++ = '\n';
    used_ = static_cast<size_t>(at - block_.get());
  }
  void Finish() { Flush(); }
  // Whether any row has gone to out (rows stay in the block until it
  // fills or Finish).
  bool wrote_rows() const { return wrote_rows_; }

 private:
  static char* Copy(absl::string_view text, char* at) {
    std::memcpy(at, text.data(), text.size());
    return at + text.size();
  }
  void Append(absl::string_view text) {
    if (text.size() > kBlockBytes - used_) Flush();
    if (text.size() > kBlockBytes) {
      out_.write(text.data(), static_cast<std::streamsize>(text.size()));
      wrote_rows_ = true;  // the header is never this long
      return;
    }
    used_ =
        static_cast<size_t>(Copy(text, block_.get() + used_) - block_.get());
  }
  void Flush() {
    out_.write(block_.get(), static_cast<std::streamsize>(used_));
    wrote_rows_ = wrote_rows_ || used_ > header_bytes_;
    header_bytes_ = 0;
    used_ = 0;
  }

  static constexpr size_t kBlockBytes = 256 << 10;
  static constexpr size_t kIntChars = 11;  // "-2147483648"
  std::ostream& out_;
  EnumTexts kinds_;
  EnumTexts vias_;
  std::unique_ptr<char[]> block_;
  size_t used_ = 0;
  size_t header_bytes_ = 0;  // of the block, until its first flush
  bool wrote_rows_ = false;
  std::string line_;  // a row that is not plain
};

std::vector<std::string> RowCells(const v1::TraversalRow& row) {
  return {absl::StrCat(row.depth()),
          KindText(row.kind(), v1::VertexKind_descriptor()),
          row.key(),
          row.name(),
          row.country(),
          row.region_code(),
          row.parent_key(),
          KindText(row.via(), v1::EdgeKind_descriptor()),
          absl::StrJoin(row.path(), " > ")};
}

}  // namespace

absl::Status RunTraverse(const CommandLine& flags, Context& context) {
  const std::string& verb = flags.positional()[0];
  if (flags.Has("firm") == flags.Has("product")) {
    return Usage(absl::StrCat("usage: chainkg ", verb,
                              " --firm KEY | --product KEY [--depth N]"));
  }
  v1::TraverseRequest request;
  request.mutable_start()->set_kind(
      flags.Has("firm") ? v1::VERTEX_KIND_FIRM : v1::VERTEX_KIND_PRODUCT);
  request.mutable_start()->set_key(
      flags.Get(flags.Has("firm") ? "firm" : "product", ""));
  request.set_direction(verb == "downstream" ? v1::TRAVERSE_DIRECTION_DOWNSTREAM
                                             : v1::TRAVERSE_DIRECTION_UPSTREAM);
  CHAINKG_ASSIGN_OR_RETURN(int depth, DepthFlag(flags, 3));
  request.set_max_depth(depth);
  CHAINKG_ASSIGN_OR_RETURN(std::vector<v1::EdgeKind> kinds,
                           EdgeKindFlags(flags));
  for (v1::EdgeKind kind : kinds) request.add_edge_kinds(kind);
  request.set_region_prefix(flags.Get("region", ""));
  request.set_country(absl::AsciiStrToUpper(flags.Get("country", "")));
  if (flags.Has("credential")) {
    CHAINKG_ASSIGN_OR_RETURN(v1::CredentialKind credential,
                             ParseCredential(flags.Get("credential", "")));
    request.set_credential(credential);
  }
  request.set_as_of(flags.Get("as-of", ""));
  CHAINKG_ASSIGN_OR_RETURN(uint64_t min_sequence, MinSequence(flags));
  request.set_min_sequence(min_sequence);
  request.set_include_paths(flags.Has("paths"));
  // Rows past --limit are a budget hit (RESOURCE_EXHAUSTED), so without
  // --limit the server's default budget applies, not the listing default.
  int limit = 0;
  if (flags.Has("limit")) {
    CHAINKG_ASSIGN_OR_RETURN(limit, Limit(flags, /*file_format=*/false));
  }
  request.set_max_results(limit);
  CHAINKG_ASSIGN_OR_RETURN(long long max_visited,
                           flags.GetInt("max-visited", 0));
  if (max_visited < 0) return Usage("--max-visited must not be negative");
  request.set_max_visited(max_visited);

  // COLUMNS unless paths are asked for (or --encoding rows); a server that
  // predates the encodings ignores the field and sends rows, which are read
  // as well.
  std::string encoding =
      flags.Get("encoding", request.include_paths() ? "rows" : "columns");
  if (encoding == "columns") {
    if (request.include_paths()) {
      return Usage("--paths needs --encoding rows");
    }
    request.set_encoding(v1::TRAVERSAL_ENCODING_COLUMNS);
  } else if (encoding == "rows") {
    request.set_encoding(v1::TRAVERSAL_ENCODING_ROWS);
  } else {
    return Usage("--encoding must be rows or columns");
  }

  PrepareHeapForLargeAnswers();
  auto call = CallContext(context);
  std::unique_ptr<grpc::ClientReaderInterface<v1::TraverseResponse>> reader =
      context.analysis->Traverse(call.get(), request);
  Rows rows;
  rows.header = {"depth",  "kind",   "key", "name", "country",
                 "region", "parent", "via", "path"};
  // Without paths, CSV is written straight from the rows' strings.
  const bool direct_csv =
      context.format == Format::kCsv && !request.include_paths();
  TraversalCsv csv(*context.out);
  TraversalReader columns(depth);
  v1::TraverseResponse merged;
  v1::TraverseResponse chunk;
  while (reader->Read(&chunk)) {
    if (chunk.has_columns()) {
      absl::StatusOr<absl::Span<const TraversalRowView>> batch =
          columns.Add(chunk.columns());
      if (!batch.ok()) {
        call->TryCancel();
        // The malformed message is the error to report, not how the
        // cancelled call ends.
        reader->Finish();
        return batch.status();
      }
      for (const TraversalRowView& row : *batch) {
        if (direct_csv) {
          // One check over the row's four strings, which came adjacent,
          // and one over its parent's key, rather than one per cell.
          csv.Add(row,
                  !CsvNeedsQuotes(row.text) && !CsvNeedsQuotes(row.parent_key));
        } else {
          ToRow(row, merged.add_rows());
        }
      }
    }
    for (v1::TraversalRow& row : *chunk.mutable_rows()) {
      if (direct_csv) {
        csv.Add(ViewOf(row), /*plain=*/false);
      } else {
        merged.add_rows()->Swap(&row);
      }
    }
    merged.set_sequence(chunk.sequence());
    *merged.mutable_freshness() = chunk.freshness();
    if (chunk.last()) {
      merged.set_visited(chunk.visited());
      merged.set_total_rows(chunk.total_rows());
      merged.set_last(true);
    }
  }
  if (absl::Status finished = FromRpc(reader->Finish(), context);
      !finished.ok()) {
    // Rows are sent while the server walks, so a budget or the deadline
    // can end the call after some went out.
    if (direct_csv && csv.wrote_rows()) {
      return absl::Status(
          finished.code(),
          absl::StrCat(finished.message(),
                       " (the CSV rows written before this error are only "
                       "the first part of the answer)"));
    }
    return finished;
  }
  if (direct_csv) {
    csv.Finish();
    return absl::OkStatus();
  }
  if (context.format != Format::kJson) {
    for (const v1::TraversalRow& row : merged.rows()) {
      rows.cells.push_back(RowCells(row));
    }
  }
  if (!request.include_paths()) {
    rows.header.pop_back();
    for (auto& cells : rows.cells) cells.pop_back();
  }
  switch (context.format) {
    case Format::kJson:
      WriteJson(merged, *context.out);
      break;
    case Format::kCsv:
      WriteCsv(rows, *context.out);
      break;
    default:
      *context.out << verb << " of " << request.start().key() << ", depth "
                   << depth << ": " << merged.total_rows() << " rows, "
                   << merged.visited() << " vertices visited, "
                   << ViewText(merged.sequence(), merged.freshness()) << "\n";
      if (!rows.cells.empty()) WriteTable(rows, *context.out);
      break;
  }
  return absl::OkStatus();
}

absl::Status RunPath(const CommandLine& flags, Context& context) {
  const std::vector<std::string>& args = flags.positional();
  if (args.size() != 3) {
    return Usage("usage: chainkg path FROM_KEY TO_KEY [--kind firm|product]");
  }
  CHAINKG_ASSIGN_OR_RETURN(v1::VertexKind kind,
                           ParseKind(flags.Get("kind", "firm")));
  v1::ShortestPathRequest request;
  request.mutable_from()->set_kind(kind);
  request.mutable_from()->set_key(args[1]);
  request.mutable_to()->set_kind(kind);
  request.mutable_to()->set_key(args[2]);
  CHAINKG_ASSIGN_OR_RETURN(std::vector<v1::EdgeKind> kinds,
                           EdgeKindFlags(flags));
  for (v1::EdgeKind edge_kind : kinds) request.add_edge_kinds(edge_kind);
  request.set_undirected(flags.Has("undirected"));
  CHAINKG_ASSIGN_OR_RETURN(int depth, DepthFlag(flags, 10));
  request.set_max_depth(depth);
  CHAINKG_ASSIGN_OR_RETURN(uint64_t min_sequence, MinSequence(flags));
  request.set_min_sequence(min_sequence);
  v1::ShortestPathResponse response;
  auto call = CallContext(context);
  CHAINKG_RETURN_IF_ERROR(FromRpc(
      context.analysis->ShortestPath(call.get(), request, &response), context));
  if (context.format == Format::kJson) {
    WriteJson(response, *context.out);
    return absl::OkStatus();
  }
  Rows rows;
  rows.header = {"step", "via", "kind", "key", "name", "country", "region"};
  for (const v1::PathStep& step : response.steps()) {
    std::string via = KindText(step.via(), v1::EdgeKind_descriptor());
    if (step.reversed()) via = absl::StrCat("(reverse) ", via);
    rows.cells.push_back(
        {absl::StrCat(step.vertex().depth()), via,
         KindText(step.vertex().kind(), v1::VertexKind_descriptor()),
         step.vertex().key(), step.vertex().name(), step.vertex().country(),
         step.vertex().region_code()});
  }
  if (context.format == Format::kCsv) {
    WriteCsv(rows, *context.out);
    return absl::OkStatus();
  }
  if (!response.found()) {
    *context.out << "no path from " << args[1] << " to " << args[2]
                 << " within " << depth << " steps ("
                 << ViewText(response.sequence(), response.freshness())
                 << ")\n";
    return absl::OkStatus();
  }
  *context.out << "shortest path from " << args[1] << " to " << args[2] << ": "
               << response.steps_size() - 1 << " steps ("
               << ViewText(response.sequence(), response.freshness()) << ")\n";
  WriteTable(rows, *context.out);
  return absl::OkStatus();
}

}  // namespace chainkg::cli
