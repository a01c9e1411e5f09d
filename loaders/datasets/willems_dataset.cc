#include "loaders/datasets/willems_dataset.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "loaders/csv_reader.h"
#include "util/status_macros.h"

namespace chainkg::loaders {
namespace {

namespace fs = std::filesystem;

constexpr char kDataset[] = "Willems 2008";
constexpr char kCsvFolder[] = "csv";
constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

// The columns read; the others (costs, demand, service times, drawing
// positions) have no place in the model.
constexpr char kArcFrom[] = "/arcs/arc/@from";
constexpr char kArcTo[] = "/arcs/arc/@to";
constexpr char kStageName[] = "/stages/stage/@stageName";
constexpr char kStageClass[] = "/stages/stage/@stageClassification";
constexpr char kSicDescription[] = "/@sicDescription";

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code error;
    if (!fs::exists(path, error)) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    return absl::UnavailableError(absl::StrCat(path, ": cannot open"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat(path, ": read error"));
  }
  return text.str();
}

// What a stage classification means in the model.
struct StageClass {
  v1::ProductKind kind = v1::PRODUCT_KIND_UNSPECIFIED;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  std::string segment;  // the classification in Willems' spelling
};

// Part -> component, upstream; Manuf -> product, midstream; Dist and Trans
// -> service, downstream (moving and holding goods); Retail -> product,
// downstream (the finished good at its point of sale). nullopt for a
// classification Willems does not use.
std::optional<StageClass> ClassOf(const std::string& classification) {
  if (classification == "Part" || classification == "Parts") {
    return StageClass{v1::PRODUCT_KIND_COMPONENT, v1::STAGE_UPSTREAM, "Part"};
  }
  if (classification == "Manuf") {
    return StageClass{v1::PRODUCT_KIND_PRODUCT, v1::STAGE_MIDSTREAM, "Manuf"};
  }
  if (classification == "Dist" || classification == "Trans") {
    return StageClass{v1::PRODUCT_KIND_SERVICE, v1::STAGE_DOWNSTREAM,
                      classification};
  }
  if (classification == "Retail") {
    return StageClass{v1::PRODUCT_KIND_PRODUCT, v1::STAGE_DOWNSTREAM, "Retail"};
  }
  return std::nullopt;
}

// The records of the whole dataset, gathered before any is sent because
// every vertex must go out before any edge.
struct Gathered {
  std::vector<v1::Vertex> chains;
  std::vector<v1::Vertex> products;
  std::vector<v1::Edge> edges;
};

v1::Source MakeSource(const std::string& relative, int64_t line) {
  v1::Source source;
  source.set_dataset(kDataset);
  source.set_file(relative);
  source.set_line(line);
  return source;
}

struct Arc {
  std::string from;
  std::string to;
  int64_t line = 0;
};

// Reads one chain file, file_name ("01.csv") in dir/csv.
absl::Status ReadChainFile(const fs::path& dir, const std::string& file_name,
                           Gathered* out, DefectCounter* defects) {
  const std::string relative = absl::StrCat(kCsvFolder, "/", file_name);
  const std::string number(absl::StripSuffix(file_name, ".csv"));
  CHAINKG_ASSIGN_OR_RETURN(std::string text,
                           ReadWholeFile((dir / relative).string()));
  absl::string_view body(text);
  // Excel's export starts with a UTF-8 BOM, which would otherwise stick to
  // the first cell ("\xEF\xBB\xBF/chain").
  absl::ConsumePrefix(&body, kUtf8Bom);
  CsvReader reader(body);
  std::vector<CsvRow> rows;
  while (true) {
    CsvRow row;
    absl::StatusOr<bool> more = reader.Next(&row);
    if (!more.ok()) {
      return absl::DataLossError(
          absl::StrCat(relative, ": ", more.status().message()));
    }
    if (!*more) break;
    rows.push_back(std::move(row));
  }

  // The header is the row naming the stage columns: the second row after
  // the "/chain" line of the XML export, or the first without it.
  size_t header_at = 0;
  while (header_at < rows.size() && header_at < 2 &&
         std::find(rows[header_at].cells.begin(), rows[header_at].cells.end(),
                   kStageName) == rows[header_at].cells.end()) {
    ++header_at;
  }
  if (header_at >= rows.size() || header_at >= 2) {
    return absl::DataLossError(
        absl::StrCat(relative, ": not a Willems chain export (no ", kStageName,
                     " column in the first two rows)"));
  }
  if (header_at != 1 || rows[0].cells.empty() || rows[0].cells[0] != "/chain") {
    defects->Add("file without the /chain line", relative);
  }
  const std::vector<std::string>& header = rows[header_at].cells;
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header.size(); ++i) column.emplace(header[i], i);
  for (const char* required : {kArcFrom, kArcTo, kStageName, kStageClass}) {
    if (column.count(required) == 0) {
      return absl::DataLossError(
          absl::StrCat(relative, ": no column ", required));
    }
  }
  // Sparse rows: a missing trailing cell is an empty one.
  auto cell = [&](const CsvRow& row, const char* name) -> std::string {
    auto it = column.find(name);
    if (it == column.end() || it->second >= row.cells.size()) return "";
    return std::string(absl::StripAsciiWhitespace(row.cells[it->second]));
  };

  std::string chain_key = absl::StrCat("W08-", number);
  std::string name = absl::StrCat("Willems 2008 chain ", number);
  int64_t chain_line = 0;
  if (header_at + 1 < rows.size()) {
    const CsvRow& first = rows[header_at + 1];
    chain_line = first.line;
    // The published files are anonymized: the company fields hold their
    // own column captions ("SIC Description"), not data.
    std::string description = cell(first, kSicDescription);
    if (!description.empty() && description != "SIC Description") {
      absl::StrAppend(&name, " (", description, ")");
    }
  }
  v1::Vertex chain_vertex;
  v1::Chain* chain = chain_vertex.mutable_chain();
  chain->set_key(chain_key);
  chain->set_name(name);
  *chain->mutable_source() = MakeSource(relative, chain_line);
  out->chains.push_back(std::move(chain_vertex));

  std::map<std::string, std::string> stage_keys;  // stage name -> product key
  std::vector<Arc> arcs;
  bool reported_width = false;
  for (size_t r = header_at + 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    std::string where = absl::StrCat(relative, ":", row.line);
    if (row.cells.size() != header.size() && !reported_width) {
      // Once per file: a whole file of short rows is one problem.
      defects->Add("rows narrower or wider than the header", where);
      reported_width = true;
    }
    std::string from = cell(row, kArcFrom);
    std::string to = cell(row, kArcTo);
    std::string stage_name = cell(row, kStageName);
    bool is_arc = !from.empty() || !to.empty();
    bool is_stage = !stage_name.empty();
    if (!is_arc && !is_stage) {
      defects->Add("row with neither an arc nor a stage (skipped)", where);
      continue;
    }
    if (is_arc && is_stage) {
      defects->Add("row with both an arc and a stage (both read)", where);
    }
    if (is_arc) arcs.push_back(Arc{from, to, row.line});
    if (!is_stage) continue;

    std::string key = absl::StrCat(chain_key, "/", stage_name);
    if (!stage_keys.emplace(stage_name, key).second) {
      defects->Add("stage defined twice (first kept)",
                   absl::StrCat(where, " ", stage_name));
      continue;
    }
    std::string classification = cell(row, kStageClass);
    std::optional<StageClass> stage_class = ClassOf(classification);
    if (classification.empty()) {
      defects->Add("stage without classification",
                   absl::StrCat(where, " ", stage_name));
    } else if (!stage_class.has_value()) {
      defects->Add(
          "unknown stage classification",
          absl::StrCat(where, " ", stage_name, " \"", classification, "\""));
    } else if (classification == "Parts") {
      defects->Add("stage classification \"Parts\" (read as Part)",
                   absl::StrCat(where, " ", stage_name));
    }
    v1::Vertex vertex;
    v1::Product* product = vertex.mutable_product();
    product->set_key(key);
    product->set_name(stage_name);
    if (stage_class.has_value()) product->set_kind(stage_class->kind);
    *product->mutable_source() = MakeSource(relative, row.line);
    out->products.push_back(std::move(vertex));

    v1::Edge in_chain;
    in_chain.set_kind(v1::EDGE_KIND_IN_CHAIN);
    in_chain.mutable_from()->set_kind(v1::VERTEX_KIND_PRODUCT);
    in_chain.mutable_from()->set_key(key);
    in_chain.mutable_to()->set_kind(v1::VERTEX_KIND_CHAIN);
    in_chain.mutable_to()->set_key(chain_key);
    if (stage_class.has_value()) {
      in_chain.mutable_in_chain()->set_stage(stage_class->stage);
      in_chain.mutable_in_chain()->set_segment(stage_class->segment);
    } else {
      in_chain.mutable_in_chain()->set_segment(classification);
    }
    *in_chain.mutable_source() = MakeSource(relative, row.line);
    out->edges.push_back(std::move(in_chain));
  }

  // Arcs come before the stages they name, so they are checked only now.
  std::set<std::pair<std::string, std::string>> seen_arcs;
  std::set<std::string> stages_on_arcs;
  for (const Arc& arc : arcs) {
    std::string where =
        absl::StrCat(relative, ":", arc.line, " ", arc.from, " -> ", arc.to);
    if (arc.from.empty() || arc.to.empty()) {
      defects->Add("arc with an empty end (skipped)", where);
      continue;
    }
    if (arc.from == arc.to) {
      defects->Add("self-arc (skipped)", where);
      continue;
    }
    auto from = stage_keys.find(arc.from);
    auto to = stage_keys.find(arc.to);
    if (from == stage_keys.end() || to == stage_keys.end()) {
      defects->Add("arc naming an undefined stage (skipped)", where);
      continue;
    }
    if (!seen_arcs.emplace(arc.from, arc.to).second) {
      defects->Add("duplicate arc (skipped)", where);
      continue;
    }
    stages_on_arcs.insert(arc.from);
    stages_on_arcs.insert(arc.to);
    v1::Edge edge;
    edge.set_kind(v1::EDGE_KIND_INPUT_TO);
    edge.mutable_from()->set_kind(v1::VERTEX_KIND_PRODUCT);
    edge.mutable_from()->set_key(from->second);
    edge.mutable_to()->set_kind(v1::VERTEX_KIND_PRODUCT);
    edge.mutable_to()->set_key(to->second);
    edge.mutable_input_to()->set_essential(true);
    *edge.mutable_source() = MakeSource(relative, arc.line);
    out->edges.push_back(std::move(edge));
  }
  // A lone stage is a chain of one, which is fine; in a larger chain a
  // stage on no arc is cut off from the rest.
  if (stage_keys.size() > 1) {
    for (const auto& [stage_name, key] : stage_keys) {
      if (stages_on_arcs.count(stage_name) == 0) {
        defects->Add("stage on no arc",
                     absl::StrCat(relative, " ", stage_name));
      }
    }
  }
  return absl::OkStatus();
}

// "INPUT_TO" for EDGE_KIND_INPUT_TO, as DatasetReport::records names edges.
std::string EdgeKindName(v1::EdgeKind kind) {
  return std::string(absl::StripPrefix(v1::EdgeKind_Name(kind), "EDGE_KIND_"));
}

// The source of the records this adapter makes (chains and products).
const v1::Source& SourceOf(const v1::Vertex& vertex) {
  return vertex.has_chain() ? vertex.chain().source()
                            : vertex.product().source();
}

// Brings every gathered record to the store's canonical form and sends all
// vertices, then all edges. A record the store would reject is counted and
// dropped, and so is every edge naming a dropped vertex, so the sink never
// sees an edge whose endpoint it was not sent.
absl::Status SendGathered(Gathered gathered, const RowSink& sink,
                          DatasetReport* report) {
  std::set<std::pair<int, std::string>> sent_vertices;  // (kind, key)
  auto send_vertex = [&](v1::Vertex& vertex) -> absl::Status {
    // Copied: canonicalization may change the record it points into.
    const v1::Source source = SourceOf(vertex);
    absl::StatusOr<std::vector<std::string>> warnings =
        graph::CanonicalizeVertex(&vertex);
    std::string where = absl::StrCat(source.file(), ":", source.line());
    if (!warnings.ok()) {
      report->defects.Add(
          "record rejected by validation (skipped)",
          absl::StrCat(where, ": ", warnings.status().message()));
      return absl::OkStatus();
    }
    for (const std::string& warning : *warnings) {
      report->defects.Add("validation warning",
                          absl::StrCat(where, ": ", warning));
    }
    v1::VertexKind kind = graph::KindOf(vertex);
    if (!sent_vertices.emplace(kind, graph::KeyOf(vertex)).second) {
      // Two stage names that differ only in surrounding white space.
      report->defects.Add("vertex key met twice (first kept)",
                          absl::StrCat(where, ": ", graph::KeyOf(vertex)));
      return absl::OkStatus();
    }
    ++report->records[std::string(graph::KindName(kind))];
    ParsedRow row;
    row.line = source.line();
    row.vertices.push_back(std::move(vertex));
    return sink(std::move(row));
  };
  for (v1::Vertex& vertex : gathered.chains) {
    CHAINKG_RETURN_IF_ERROR(send_vertex(vertex));
  }
  for (v1::Vertex& vertex : gathered.products) {
    CHAINKG_RETURN_IF_ERROR(send_vertex(vertex));
  }

  std::set<std::tuple<int, int, std::string, int, std::string>> sent_edges;
  for (v1::Edge& edge : gathered.edges) {
    std::string where =
        absl::StrCat(edge.source().file(), ":", edge.source().line());
    absl::Status status = graph::CanonicalizeEdge(&edge);
    if (!status.ok()) {
      report->defects.Add("record rejected by validation (skipped)",
                          absl::StrCat(where, ": ", status.message()));
      continue;
    }
    if (sent_vertices.count({edge.from().kind(), edge.from().key()}) == 0 ||
        sent_vertices.count({edge.to().kind(), edge.to().key()}) == 0) {
      report->defects.Add("edge naming a skipped vertex (skipped)",
                          absl::StrCat(where, ": ", edge.from().key(), " -> ",
                                       edge.to().key()));
      continue;
    }
    // Duplicate arcs were dropped while reading; this only guards the
    // contract (one edge per identity) against keys that canonicalize alike.
    if (!sent_edges
             .emplace(edge.kind(), edge.from().kind(), edge.from().key(),
                      edge.to().kind(), edge.to().key())
             .second) {
      continue;
    }
    ++report->records[EdgeKindName(edge.kind())];
    ParsedRow row;
    row.line = edge.source().line();
    row.edges.push_back(std::move(edge));
    CHAINKG_RETURN_IF_ERROR(sink(std::move(row)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadWillemsDataset(const std::string& dir, const RowSink& sink,
                                DatasetReport* report) {
  std::string folder = absl::StrCat(dir, "/", kCsvFolder);
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    return absl::NotFoundError(absl::StrCat(folder, ": no such folder"));
  }
  std::vector<std::string> file_names;
  for (fs::directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    std::string file_name = it->path().filename().string();
    if (absl::EndsWith(file_name, ".csv")) file_names.push_back(file_name);
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat(folder, ": cannot list: ", error.message()));
  }
  if (file_names.empty()) {
    return absl::NotFoundError(absl::StrCat(folder, ": no .csv files"));
  }
  // Directory order is arbitrary; "01.csv" .. "38.csv" sort by number.
  std::sort(file_names.begin(), file_names.end());

  Gathered gathered;
  for (const std::string& file_name : file_names) {
    CHAINKG_RETURN_IF_ERROR(
        ReadChainFile(fs::path(dir), file_name, &gathered, &report->defects));
  }
  return SendGathered(std::move(gathered), sink, report);
}

}  // namespace chainkg::loaders
