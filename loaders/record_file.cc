#include "loaders/record_file.h"

#include <cassert>
#include <fstream>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

#include "graph/store/validate.h"
#include "loaders/cell_values.h"
#include "loaders/csv_reader.h"
#include "util/field_error.h"
#include "util/status_macros.h"

namespace chainkg::loaders {
namespace {

// ---------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------

struct Column {
  const char* name;
  std::vector<const char*> aliases;
  bool required = false;
};

const std::vector<Column>& ColumnsOf(FileKind kind) {
  static const auto* columns = new std::map<FileKind, std::vector<Column>>{
      {FileKind::kFirms,
       {{"key", {"统一社会信用代码", "uscc", "信用代码"}, true},
        {"name", {"企业名称", "名称"}, true},
        {"former_names", {"曾用名"}},
        {"aliases", {"简称", "证券简称"}},
        {"region_code", {"行政区划代码", "区划代码"}},
        {"country", {"国家"}},
        {"industry_code", {"行业代码"}}}},
      {FileKind::kCredentials,
       {{"firm_key", {"统一社会信用代码", "uscc", "key"}, true},
        {"kind", {"资质", "资质类型"}, true},
        {"level", {"级别"}},
        {"year", {"年份"}},
        {"batch", {"批次"}},
        {"valid_from", {"有效期起"}},
        {"valid_to", {"有效期止"}},
        {"status", {"状态"}}}},
      {FileKind::kProducts,
       {{"key", {"产品编码"}, true},
        {"name", {"产品名称"}, true},
        {"aliases", {"别名"}},
        {"kind", {"类型"}},
        {"key_core_technology", {"关键核心技术"}}}},
      {FileKind::kChains,
       {{"key", {"链代码"}, true},
        {"name", {"链名称"}, true},
        {"category", {"类别"}}}},
      {FileKind::kChainProducts,
       {{"chain_key", {"链代码"}, true},
        {"product_key", {"产品编码"}, true},
        {"stage", {"环节位置"}},
        {"segment", {"环节"}}}},
      {FileKind::kEdges,
       {{"kind", {}, true},
        {"from_kind", {}},
        {"from_key", {}, true},
        {"to_kind", {}},
        {"to_key", {}, true},
        {"product_key", {}},
        {"share", {}},
        {"since", {}},
        {"until", {}},
        {"confidence", {}},
        {"maturity", {}},
        {"revenue_share", {}},
        {"essential", {}},
        {"stage", {}},
        {"segment", {}},
        {"role", {}}}},
      {FileKind::kConsortia, {{"key", {}, true}, {"name", {"名称"}, true}}},
      {FileKind::kPlatforms,
       {{"key", {}, true},
        {"name", {"名称"}, true},
        {"type", {"类型"}},
        {"level", {"级别"}},
        {"region_code", {"行政区划代码"}},
        {"country", {"国家"}}}},
      {FileKind::kIndustries,
       {{"key", {"行业代码"}, true},
        {"name", {"行业名称"}, true},
        {"scheme", {"标准"}},
        {"parent_key", {"上级行业代码"}}}},
      {FileKind::kProjects,
       {{"key", {}, true},
        {"name", {"项目名称"}, true},
        {"type", {"类型"}},
        {"start_date", {"开始日期"}},
        {"end_date", {"结束日期"}}}},
  };
  return columns->at(kind);
}

// One row's cells, kept by the position of their column in ColumnsOf(kind)
// and read by column name. Absent columns read as empty.
class Cells {
 public:
  explicit Cells(const std::vector<Column>& columns)
      : columns_(columns), values_(columns.size()) {}

  // The position of the named column in ColumnsOf(kind), or -1.
  int IndexOf(absl::string_view name) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (name == columns_[i].name) return static_cast<int>(i);
    }
    return -1;
  }

  // Requires: name is a column of the kind (the row builders only ask for
  // those).
  const std::string& Get(absl::string_view name) const {
    int index = IndexOf(name);
    assert(index >= 0);  // a row builder asked for a column of another kind
    return index < 0 ? Empty() : values_[index];
  }
  bool Has(absl::string_view name) const { return !Get(name).empty(); }

  // Sets the cell of the column at index (IndexOf), trimmed.
  void Set(int index, absl::string_view value) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(value);
    values_[index].assign(trimmed.data(), trimmed.size());
  }
  // Sets a cell by column name; a name that is no column is dropped, since
  // nothing reads it.
  void Set(absl::string_view name, absl::string_view value) {
    int index = IndexOf(name);
    if (index >= 0) Set(index, value);
  }
  // Empties every cell, for the next row.
  void Clear() {
    for (std::string& value : values_) value.clear();
  }

 private:
  static const std::string& Empty() {
    static const std::string* const empty = new std::string();
    return *empty;
  }

  const std::vector<Column>& columns_;
  std::vector<std::string> values_;
};

// A problem with one cell: the column it names and why.
absl::Status CellError(absl::string_view column, const absl::Status& status) {
  return InvalidField(column, status.message());
}

template <typename T>
absl::StatusOr<T> ParseEnum(const Cells& cells, absl::string_view column,
                            const google::protobuf::EnumDescriptor* type) {
  absl::StatusOr<int> value = ParseEnumCell(type, cells.Get(column));
  if (!value.ok()) return CellError(column, value.status());
  return static_cast<T>(*value);
}

// Sets an optional enum field from a cell when the cell is not empty.
#define CHAINKG_SET_ENUM(cells, column, Type, setter)                          \
  if ((cells).Has(column)) {                                                   \
    CHAINKG_ASSIGN_OR_RETURN(                                                  \
        Type value_, ParseEnum<Type>((cells), (column), Type##_descriptor())); \
    setter(value_);                                                            \
  }

absl::Status SetDate(const Cells& cells, absl::string_view column,
                     std::string* out) {
  if (!cells.Has(column)) return absl::OkStatus();
  absl::StatusOr<std::string> date = ParseDateCell(cells.Get(column));
  if (!date.ok()) return CellError(column, date.status());
  *out = *date;
  return absl::OkStatus();
}

absl::Status SetShare(const Cells& cells, absl::string_view column,
                      double* out) {
  if (!cells.Has(column)) return absl::OkStatus();
  absl::StatusOr<double> share = ParseShareCell(cells.Get(column));
  if (!share.ok()) return CellError(column, share.status());
  *out = *share;
  return absl::OkStatus();
}

absl::Status CheckFirmKey(const std::string& key, absl::string_view column) {
  absl::Status damage = CheckExcelDamage(key);
  return damage.ok() ? damage : CellError(column, damage);
}

// ---------------------------------------------------------------------------
// Rows to records
// ---------------------------------------------------------------------------

v1::Source SourceOf(const std::string& file, int64_t line) {
  v1::Source source;
  source.set_file(file);
  source.set_line(line);
  return source;
}

absl::Status BuildVertexRow(FileKind kind, const Cells& cells,
                            const v1::Source& source, ParsedRow* row) {
  v1::Vertex vertex;
  switch (kind) {
    case FileKind::kFirms: {
      v1::Firm* firm = vertex.mutable_firm();
      CHAINKG_RETURN_IF_ERROR(CheckFirmKey(cells.Get("key"), "key"));
      firm->set_key(cells.Get("key"));
      firm->set_name(cells.Get("name"));
      for (std::string& name : SplitListCell(cells.Get("former_names"))) {
        firm->add_former_names(std::move(name));
      }
      for (std::string& name : SplitListCell(cells.Get("aliases"))) {
        firm->add_aliases(std::move(name));
      }
      firm->set_region_code(cells.Get("region_code"));
      firm->set_country(cells.Get("country"));
      firm->set_industry_code(cells.Get("industry_code"));
      *firm->mutable_source() = source;
      break;
    }
    case FileKind::kCredentials: {
      // A partial firm: MERGE adds the credential to the stored firm.
      v1::Firm* firm = vertex.mutable_firm();
      CHAINKG_RETURN_IF_ERROR(CheckFirmKey(cells.Get("firm_key"), "firm_key"));
      firm->set_key(cells.Get("firm_key"));
      v1::Credential* credential = firm->add_credentials();
      CHAINKG_ASSIGN_OR_RETURN(
          v1::CredentialKind credential_kind,
          ParseEnum<v1::CredentialKind>(cells, "kind",
                                        v1::CredentialKind_descriptor()));
      credential->set_kind(credential_kind);
      CHAINKG_SET_ENUM(cells, "level", v1::Level, credential->set_level);
      CHAINKG_SET_ENUM(cells, "status", v1::CredentialStatus,
                       credential->set_status);
      if (cells.Has("year")) {
        absl::StatusOr<int> year = ParseIntCell(cells.Get("year"));
        if (!year.ok()) return CellError("year", year.status());
        credential->set_year(*year);
      }
      credential->set_batch(cells.Get("batch"));
      CHAINKG_RETURN_IF_ERROR(
          SetDate(cells, "valid_from", credential->mutable_valid_from()));
      CHAINKG_RETURN_IF_ERROR(
          SetDate(cells, "valid_to", credential->mutable_valid_to()));
      *credential->mutable_source() = source;
      break;
    }
    case FileKind::kProducts: {
      v1::Product* product = vertex.mutable_product();
      product->set_key(cells.Get("key"));
      product->set_name(cells.Get("name"));
      for (std::string& alias : SplitListCell(cells.Get("aliases"))) {
        product->add_aliases(std::move(alias));
      }
      CHAINKG_SET_ENUM(cells, "kind", v1::ProductKind, product->set_kind);
      if (cells.Has("key_core_technology")) {
        absl::StatusOr<bool> core =
            ParseBoolCell(cells.Get("key_core_technology"));
        if (!core.ok()) return CellError("key_core_technology", core.status());
        product->set_key_core_technology(*core);
      }
      *product->mutable_source() = source;
      break;
    }
    case FileKind::kChains: {
      v1::Chain* chain = vertex.mutable_chain();
      chain->set_key(cells.Get("key"));
      chain->set_name(cells.Get("name"));
      CHAINKG_SET_ENUM(cells, "category", v1::ChainCategory,
                       chain->set_category);
      *chain->mutable_source() = source;
      break;
    }
    case FileKind::kConsortia:
      vertex.mutable_consortium()->set_key(cells.Get("key"));
      vertex.mutable_consortium()->set_name(cells.Get("name"));
      *vertex.mutable_consortium()->mutable_source() = source;
      break;
    case FileKind::kPlatforms: {
      v1::Platform* platform = vertex.mutable_platform();
      platform->set_key(cells.Get("key"));
      platform->set_name(cells.Get("name"));
      CHAINKG_SET_ENUM(cells, "type", v1::PlatformType, platform->set_type);
      CHAINKG_SET_ENUM(cells, "level", v1::Level, platform->set_level);
      platform->set_region_code(cells.Get("region_code"));
      platform->set_country(cells.Get("country"));
      *platform->mutable_source() = source;
      break;
    }
    case FileKind::kIndustries: {
      v1::Industry* industry = vertex.mutable_industry();
      industry->set_key(cells.Get("key"));
      industry->set_name(cells.Get("name"));
      industry->set_scheme(cells.Get("scheme"));
      *industry->mutable_source() = source;
      if (cells.Has("parent_key")) {
        v1::Edge edge;
        edge.set_kind(v1::EDGE_KIND_SUBINDUSTRY_OF);
        edge.mutable_from()->set_kind(v1::VERTEX_KIND_INDUSTRY);
        edge.mutable_from()->set_key(cells.Get("key"));
        edge.mutable_to()->set_kind(v1::VERTEX_KIND_INDUSTRY);
        edge.mutable_to()->set_key(cells.Get("parent_key"));
        *edge.mutable_source() = source;
        row->edges.push_back(std::move(edge));
      }
      break;
    }
    case FileKind::kProjects: {
      v1::Project* project = vertex.mutable_project();
      project->set_key(cells.Get("key"));
      project->set_name(cells.Get("name"));
      CHAINKG_SET_ENUM(cells, "type", v1::ProjectType, project->set_type);
      CHAINKG_RETURN_IF_ERROR(
          SetDate(cells, "start_date", project->mutable_start_date()));
      CHAINKG_RETURN_IF_ERROR(
          SetDate(cells, "end_date", project->mutable_end_date()));
      *project->mutable_source() = source;
      break;
    }
    case FileKind::kChainProducts:
    case FileKind::kEdges:
      return absl::InternalError("not a vertex kind");
  }
  row->vertices.insert(row->vertices.begin(), std::move(vertex));
  return absl::OkStatus();
}

// The endpoint kinds an edge kind implies, UNSPECIFIED where it has a choice.
std::pair<v1::VertexKind, v1::VertexKind> ImpliedEndpoints(v1::EdgeKind kind) {
  using K = v1::VertexKind;
  switch (kind) {
    case v1::EDGE_KIND_PRODUCES:
      return {K::VERTEX_KIND_FIRM, K::VERTEX_KIND_PRODUCT};
    case v1::EDGE_KIND_SUPPLIES:
      return {K::VERTEX_KIND_FIRM, K::VERTEX_KIND_FIRM};
    case v1::EDGE_KIND_INPUT_TO:
    case v1::EDGE_KIND_SUBCLASS_OF:
      return {K::VERTEX_KIND_PRODUCT, K::VERTEX_KIND_PRODUCT};
    case v1::EDGE_KIND_IN_CHAIN:
      return {K::VERTEX_KIND_PRODUCT, K::VERTEX_KIND_CHAIN};
    case v1::EDGE_KIND_LEADS:
      return {K::VERTEX_KIND_UNSPECIFIED, K::VERTEX_KIND_UNSPECIFIED};
    case v1::EDGE_KIND_MEMBER_OF:
      return {K::VERTEX_KIND_UNSPECIFIED, K::VERTEX_KIND_CONSORTIUM};
    case v1::EDGE_KIND_SUPPORTS:
      return {K::VERTEX_KIND_UNSPECIFIED, K::VERTEX_KIND_PRODUCT};
    case v1::EDGE_KIND_TARGETS:
      return {K::VERTEX_KIND_PROJECT, K::VERTEX_KIND_PRODUCT};
    case v1::EDGE_KIND_IN_INDUSTRY:
      return {K::VERTEX_KIND_FIRM, K::VERTEX_KIND_INDUSTRY};
    case v1::EDGE_KIND_SUBINDUSTRY_OF:
      return {K::VERTEX_KIND_INDUSTRY, K::VERTEX_KIND_INDUSTRY};
    default:
      return {K::VERTEX_KIND_UNSPECIFIED, K::VERTEX_KIND_UNSPECIFIED};
  }
}

absl::Status BuildEdgeRow(FileKind kind, const Cells& cells,
                          const v1::Source& source, ParsedRow* row) {
  v1::Edge edge;
  *edge.mutable_source() = source;
  if (kind == FileKind::kChainProducts) {
    edge.set_kind(v1::EDGE_KIND_IN_CHAIN);
    edge.mutable_from()->set_kind(v1::VERTEX_KIND_PRODUCT);
    edge.mutable_from()->set_key(cells.Get("product_key"));
    edge.mutable_to()->set_kind(v1::VERTEX_KIND_CHAIN);
    edge.mutable_to()->set_key(cells.Get("chain_key"));
    CHAINKG_SET_ENUM(cells, "stage", v1::Stage,
                     edge.mutable_in_chain()->set_stage);
    if (cells.Has("segment")) {
      edge.mutable_in_chain()->set_segment(cells.Get("segment"));
    }
    row->edges.push_back(std::move(edge));
    return absl::OkStatus();
  }
  CHAINKG_ASSIGN_OR_RETURN(
      v1::EdgeKind edge_kind,
      ParseEnum<v1::EdgeKind>(cells, "kind", v1::EdgeKind_descriptor()));
  edge.set_kind(edge_kind);
  auto [from_kind, to_kind] = ImpliedEndpoints(edge_kind);
  CHAINKG_SET_ENUM(cells, "from_kind", v1::VertexKind,
                   from_kind = static_cast<v1::VertexKind>);
  CHAINKG_SET_ENUM(cells, "to_kind", v1::VertexKind,
                   to_kind = static_cast<v1::VertexKind>);
  if (from_kind == v1::VERTEX_KIND_UNSPECIFIED) {
    return InvalidField("from_kind", "required for this edge kind");
  }
  if (to_kind == v1::VERTEX_KIND_UNSPECIFIED) {
    return InvalidField("to_kind", "required for this edge kind");
  }
  if (from_kind == v1::VERTEX_KIND_FIRM) {
    CHAINKG_RETURN_IF_ERROR(CheckFirmKey(cells.Get("from_key"), "from_key"));
  }
  if (to_kind == v1::VERTEX_KIND_FIRM) {
    CHAINKG_RETURN_IF_ERROR(CheckFirmKey(cells.Get("to_key"), "to_key"));
  }
  edge.mutable_from()->set_kind(from_kind);
  edge.mutable_from()->set_key(cells.Get("from_key"));
  edge.mutable_to()->set_kind(to_kind);
  edge.mutable_to()->set_key(cells.Get("to_key"));
  switch (edge_kind) {
    case v1::EDGE_KIND_PRODUCES: {
      v1::ProducesProps* props = edge.mutable_produces();
      CHAINKG_SET_ENUM(cells, "maturity", v1::Maturity, props->set_maturity);
      double share = 0;
      CHAINKG_RETURN_IF_ERROR(SetShare(cells, "revenue_share", &share));
      props->set_revenue_share(share);
      break;
    }
    case v1::EDGE_KIND_SUPPLIES: {
      v1::SuppliesProps* props = edge.mutable_supplies();
      props->set_product_key(cells.Get("product_key"));
      double share = 0, confidence = 0;
      CHAINKG_RETURN_IF_ERROR(SetShare(cells, "share", &share));
      CHAINKG_RETURN_IF_ERROR(SetShare(cells, "confidence", &confidence));
      props->set_share(share);
      props->set_confidence(confidence);
      CHAINKG_RETURN_IF_ERROR(SetDate(cells, "since", props->mutable_since()));
      CHAINKG_RETURN_IF_ERROR(SetDate(cells, "until", props->mutable_until()));
      break;
    }
    case v1::EDGE_KIND_INPUT_TO:
      if (cells.Has("essential")) {
        absl::StatusOr<bool> essential = ParseBoolCell(cells.Get("essential"));
        if (!essential.ok()) return CellError("essential", essential.status());
        edge.mutable_input_to()->set_essential(*essential);
      }
      break;
    case v1::EDGE_KIND_IN_CHAIN:
      CHAINKG_SET_ENUM(cells, "stage", v1::Stage,
                       edge.mutable_in_chain()->set_stage);
      if (cells.Has("segment")) {
        edge.mutable_in_chain()->set_segment(cells.Get("segment"));
      }
      break;
    case v1::EDGE_KIND_MEMBER_OF:
      CHAINKG_SET_ENUM(cells, "role", v1::MemberRole,
                       edge.mutable_member_of()->set_role);
      break;
    default:
      break;
  }
  // An empty props message carries nothing; leave the oneof unset.
  if (edge.props_case() != v1::Edge::PROPS_NOT_SET) {
    static const google::protobuf::OneofDescriptor* const props =
        v1::Edge::descriptor()->FindOneofByName("props");
    const auto* reflection = edge.GetReflection();
    const auto* field = reflection->GetOneofFieldDescriptor(edge, props);
    if (reflection->GetMessage(edge, field).ByteSizeLong() == 0) {
      reflection->ClearField(&edge, field);
    }
  }
  row->edges.push_back(std::move(edge));
  return absl::OkStatus();
}

}  // namespace

std::string ColumnOfField(FileKind kind, const std::string& path) {
  if (kind == FileKind::kChainProducts && (path == "to" || path == "to.key")) {
    return "chain_key";
  }
  if (kind == FileKind::kChainProducts &&
      (path == "from" || path == "from.key")) {
    return "product_key";
  }
  if (path == "from" || path == "to") return path + "_key";
  if (kind == FileKind::kCredentials &&
      (path == "firm.key" || path == "firm.name")) {
    return "firm_key";
  }
  if (absl::StartsWith(path, "from.") || absl::StartsWith(path, "to.")) {
    std::string column = path;
    column[column.find('.')] = '_';
    return column;
  }
  std::string last = path.substr(path.rfind('.') + 1);
  last = last.substr(0, last.find('['));
  return last;
}

namespace {

// The first problem with a row's records, with the warnings of those
// before it.
absl::Status CheckRecords(FileKind kind, absl::Span<v1::Vertex> vertices,
                          absl::Span<v1::Edge> edges,
                          std::vector<std::string>* warnings) {
  graph::NameRequirement names = kind == FileKind::kCredentials
                                     ? graph::NameRequirement::kOptional
                                     : graph::NameRequirement::kRequired;
  for (v1::Vertex& vertex : vertices) {
    absl::StatusOr<std::vector<std::string>> vertex_warnings =
        graph::CanonicalizeVertex(&vertex, names);
    if (!vertex_warnings.ok()) return vertex_warnings.status();
    warnings->insert(warnings->end(), vertex_warnings->begin(),
                     vertex_warnings->end());
  }
  for (v1::Edge& edge : edges) {
    CHAINKG_RETURN_IF_ERROR(graph::CanonicalizeEdge(&edge));
  }
  return absl::OkStatus();
}

// The issue of a row that could not be built or checked.
Issue RowError(FileKind kind, const std::string& file, int64_t line,
               const absl::Status& status) {
  std::optional<std::string> field = FieldOf(status);
  std::string reason(status.message());
  std::string column;
  if (field.has_value()) {
    column = ColumnOfField(kind, *field);
    std::string prefix = absl::StrCat(*field, ": ");
    if (absl::StartsWith(reason, prefix)) reason.erase(0, prefix.size());
  }
  return {file, line, column, reason, Severity::kError};
}

}  // namespace

RowCheck CheckRow(FileKind kind, const std::string& file, int64_t line,
                  absl::Span<v1::Vertex> vertices, absl::Span<v1::Edge> edges) {
  RowCheck check;
  std::vector<std::string> warnings;
  absl::Status status = CheckRecords(kind, vertices, edges, &warnings);
  if (!status.ok()) {
    check.ok = false;
    check.issues.push_back(RowError(kind, file, line, status));
    return check;
  }
  for (const std::string& warning : warnings) {
    // "firm.key: USCC ... fails the check digit ..."
    size_t colon = warning.find(": ");
    std::string field = warning.substr(0, colon);
    check.issues.push_back({file, line, ColumnOfField(kind, field),
                            warning.substr(colon + 2), Severity::kWarning});
  }
  return check;
}

namespace {

// ---------------------------------------------------------------------------
// JSONL
// ---------------------------------------------------------------------------

std::string JsonScalarText(const google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kStringValue:
      return value.string_value();
    case google::protobuf::Value::kNumberValue:
      return absl::StrCat(value.number_value());
    case google::protobuf::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    default:
      return "";
  }
}

// Builds one JSONL row. Vertex kinds and edges are the proto3 JSON of their
// message; credentials and chain_products are flat objects read like CSV
// cells; industries may add "parent_key".
absl::Status BuildJsonRow(FileKind kind, const std::string& json,
                          const v1::Source& source, ParsedRow* row) {
  google::protobuf::Struct object;
  auto parsed = google::protobuf::util::JsonStringToMessage(json, &object);
  if (!parsed.ok()) {
    return InvalidField(
        "", absl::StrCat("not a JSON object: ", parsed.message().as_string()));
  }
  if (kind == FileKind::kCredentials || kind == FileKind::kChainProducts) {
    Cells cells(ColumnsOf(kind));
    for (const auto& [name, value] : object.fields()) {
      cells.Set(name, JsonScalarText(value));
    }
    for (const Column& column : ColumnsOf(kind)) {
      if (column.required && !cells.Has(column.name)) {
        return InvalidField(column.name, "required");
      }
    }
    return kind == FileKind::kCredentials
               ? BuildVertexRow(kind, cells, source, row)
               : BuildEdgeRow(kind, cells, source, row);
  }
  std::string parent_key;
  if (kind == FileKind::kIndustries) {
    auto parent = object.fields().find("parent_key");
    if (parent != object.fields().end()) {
      parent_key = JsonScalarText(parent->second);
      object.mutable_fields()->erase("parent_key");
    }
  }
  std::string record_json;
  if (!google::protobuf::util::MessageToJsonString(object, &record_json).ok()) {
    return absl::InternalError("re-encoding a JSON object failed");
  }
  auto parse = [&](google::protobuf::Message* message) -> absl::Status {
    auto status =
        google::protobuf::util::JsonStringToMessage(record_json, message);
    if (!status.ok()) {
      return InvalidField("", status.message().as_string());
    }
    return absl::OkStatus();
  };
  if (kind == FileKind::kEdges) {
    v1::Edge edge;
    CHAINKG_RETURN_IF_ERROR(parse(&edge));
    if (!edge.has_source()) *edge.mutable_source() = source;
    row->edges.push_back(std::move(edge));
    return absl::OkStatus();
  }
  v1::Vertex vertex;
  google::protobuf::Message* record = nullptr;
  switch (kind) {
    case FileKind::kFirms:
      record = vertex.mutable_firm();
      break;
    case FileKind::kProducts:
      record = vertex.mutable_product();
      break;
    case FileKind::kChains:
      record = vertex.mutable_chain();
      break;
    case FileKind::kConsortia:
      record = vertex.mutable_consortium();
      break;
    case FileKind::kPlatforms:
      record = vertex.mutable_platform();
      break;
    case FileKind::kIndustries:
      record = vertex.mutable_industry();
      break;
    case FileKind::kProjects:
      record = vertex.mutable_project();
      break;
    default:
      return absl::InternalError("unexpected kind");
  }
  CHAINKG_RETURN_IF_ERROR(parse(record));
  const auto* source_field = record->GetDescriptor()->FindFieldByName("source");
  if (!record->GetReflection()->HasField(*record, source_field)) {
    record->GetReflection()
        ->MutableMessage(record, source_field)
        ->CopyFrom(source);
  }
  if (vertex.has_firm()) {
    CHAINKG_RETURN_IF_ERROR(CheckFirmKey(vertex.firm().key(), "key"));
  }
  if (!parent_key.empty()) {
    v1::Edge edge;
    edge.set_kind(v1::EDGE_KIND_SUBINDUSTRY_OF);
    edge.mutable_from()->set_kind(v1::VERTEX_KIND_INDUSTRY);
    edge.mutable_from()->set_key(vertex.industry().key());
    *edge.mutable_source() = source;
    edge.mutable_to()->set_kind(v1::VERTEX_KIND_INDUSTRY);
    edge.mutable_to()->set_key(parent_key);
    row->edges.push_back(std::move(edge));
  }
  row->vertices.push_back(std::move(vertex));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  }
  // Straight into a string of the file's size: a stringstream would copy
  // it twice more.
  std::streamoff size = file.tellg();
  if (size < 0) {
    return absl::UnavailableError(absl::StrCat(path, ": read error"));
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  file.seekg(0);
  file.read(bytes.data(), size);
  if (file.bad() || file.gcount() != size) {
    return absl::UnavailableError(absl::StrCat(path, ": read error"));
  }
  return bytes;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

enum class Syntax { kCsv, kJsonl };

absl::StatusOr<Syntax> SyntaxOf(const std::string& path) {
  std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".csv") || absl::EndsWith(lower, ".txt")) {
    return Syntax::kCsv;
  }
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson") ||
      absl::EndsWith(lower, ".json")) {
    return Syntax::kJsonl;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": unknown file type; use .csv or .jsonl (docs/formats.md)"));
}

}  // namespace

absl::StatusOr<RecordFileResult> ReadRecordFile(
    const std::string& path, const RecordFileOptions& options,
    const std::function<absl::Status(ParsedRow&&)>& on_row) {
  RecordFileResult result;
  if (options.kind.has_value()) {
    result.kind = *options.kind;
  } else {
    CHAINKG_ASSIGN_OR_RETURN(result.kind, FileKindFromPath(path));
  }
  CHAINKG_ASSIGN_OR_RETURN(Syntax syntax, SyntaxOf(path));
  CHAINKG_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(path));
  absl::StatusOr<DecodedText> text = DecodeText(std::move(bytes));
  if (!text.ok()) return Annotate(text.status(), path);
  result.encoding = text->encoding;
  std::string file = BaseName(path);
  FileKind kind = result.kind;
  bool vertex_kind =
      kind != FileKind::kEdges && kind != FileKind::kChainProducts;

  // Turns one row's cells (CSV) or JSON text into records, or an Issue.
  auto finish_row = [&](int64_t line, absl::Status built,
                        ParsedRow row) -> absl::Status {
    if (!built.ok()) {
      result.issues.push_back(RowError(kind, file, line, built));
      return absl::OkStatus();
    }
    if (options.check_rows) {
      RowCheck check = CheckRow(kind, file, line, absl::MakeSpan(row.vertices),
                                absl::MakeSpan(row.edges));
      result.issues.insert(result.issues.end(), check.issues.begin(),
                           check.issues.end());
      if (!check.ok) return absl::OkStatus();
    }
    return on_row(std::move(row));
  };

  if (syntax == Syntax::kJsonl) {
    int64_t line = 0;
    for (absl::string_view text_line : absl::StrSplit(text->utf8, '\n')) {
      ++line;
      text_line = absl::StripAsciiWhitespace(text_line);
      if (text_line.empty()) continue;
      ++result.rows;
      ParsedRow row;
      row.line = line;
      absl::Status built = BuildJsonRow(kind, std::string(text_line),
                                        SourceOf(file, line), &row);
      CHAINKG_RETURN_IF_ERROR(finish_row(line, built, std::move(row)));
    }
    return result;
  }

  CsvReader reader(text->utf8);
  CsvRow header;
  absl::StatusOr<bool> has_header = reader.Next(&header);
  if (!has_header.ok()) return Annotate(has_header.status(), path);
  if (!*has_header) return result;  // empty file
  const std::vector<Column>& columns = ColumnsOf(kind);
  std::vector<std::string> names(header.cells.size());
  // The position in columns of each header cell's column, or -1.
  std::vector<int> column_of(header.cells.size(), -1);
  for (size_t i = 0; i < header.cells.size(); ++i) {
    std::string title =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.cells[i]));
    for (const Column& column : columns) {
      bool match = title == column.name;
      for (const char* alias : column.aliases) {
        match = match || title == absl::AsciiStrToLower(alias);
      }
      if (match) {
        names[i] = column.name;
        column_of[i] = static_cast<int>(&column - columns.data());
      }
    }
    if (names[i].empty() && !title.empty()) {
      result.issues.push_back({file, header.line, header.cells[i],
                               "unknown column, ignored", Severity::kWarning});
    }
  }
  for (const Column& column : columns) {
    if (column.required &&
        std::find(names.begin(), names.end(), column.name) == names.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", header.line, ": missing required column \"", column.name,
          "\" for ", FileKindName(kind), " (docs/formats.md)"));
    }
  }
  CsvRow csv_row;
  Cells cells(columns);
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&csv_row);
    if (!more.ok()) return Annotate(more.status(), path);
    if (!*more) break;
    ++result.rows;
    cells.Clear();
    for (size_t i = 0; i < csv_row.cells.size() && i < names.size(); ++i) {
      if (column_of[i] >= 0) cells.Set(column_of[i], csv_row.cells[i]);
    }
    absl::Status built = absl::OkStatus();
    for (const Column& column : columns) {
      if (column.required && !cells.Has(column.name)) {
        built = InvalidField(column.name, "required");
        break;
      }
    }
    ParsedRow row;
    row.line = csv_row.line;
    if (built.ok()) {
      v1::Source source = SourceOf(file, csv_row.line);
      built = vertex_kind ? BuildVertexRow(kind, cells, source, &row)
                          : BuildEdgeRow(kind, cells, source, &row);
    }
    CHAINKG_RETURN_IF_ERROR(finish_row(csv_row.line, built, std::move(row)));
  }
  return result;
}

}  // namespace chainkg::loaders
