#include "loaders/datasets/tivac_dataset.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
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
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "util/status_macros.h"
#include "util/text_normalize.h"

namespace chainkg::loaders {
namespace {

namespace fs = std::filesystem;
using google::protobuf::ListValue;
using google::protobuf::Value;

constexpr char kDataset[] = "TIVAC";
constexpr char kChainFolder[] = "datasets/demo/individual_chains";
constexpr char kChainNamesFile[] = "datasets/demo/chain_names.json";
// CLDR's "unknown region": TIVAC names foreign firms without their country,
// and an empty country would make them Chinese (model.proto).
constexpr char kUnknownCountry[] = "ZZ";

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

// The files are whole pretty-printed JSON documents (not JSON lines), read
// into a generic protobuf Value. `relative` names the file in messages.
absl::StatusOr<Value> ParseJsonFile(const std::string& dir,
                                    const std::string& relative) {
  CHAINKG_ASSIGN_OR_RETURN(std::string text,
                           ReadWholeFile(absl::StrCat(dir, "/", relative)));
  Value value;
  auto status = google::protobuf::util::JsonStringToMessage(text, &value);
  if (!status.ok()) {
    return absl::DataLossError(
        absl::StrCat(relative, ": not JSON: ", status.ToString()));
  }
  return value;
}

// Member `name` of a JSON object, or nullptr when object is not an object or
// has no such member.
const Value* Member(const Value& object, const char* name) {
  if (object.kind_case() != Value::kStructValue) return nullptr;
  const auto& fields = object.struct_value().fields();
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

// A string member, trimmed; "" when absent, null or not a string.
std::string StringMember(const Value& object, const char* name) {
  const Value* value = Member(object, name);
  if (value == nullptr || value->kind_case() != Value::kStringValue) return "";
  return std::string(absl::StripAsciiWhitespace(value->string_value()));
}

// A list member; nullptr when absent or not a list.
const ListValue* ListMember(const Value& object, const char* name) {
  const Value* value = Member(object, name);
  if (value == nullptr || value->kind_case() != Value::kListValue) {
    return nullptr;
  }
  return &value->list_value();
}

// Whether utf8 holds a Private Use Area character (U+E000..U+F8FF, planes 15
// and 16). TIVAC has one, a Big5 vendor glyph that shows as a box anywhere
// but on the Taipei Exchange site; the name is kept, the defect counted.
bool HasPrivateUseCharacter(absl::string_view utf8) {
  size_t i = 0;
  while (i < utf8.size()) {
    unsigned char lead = static_cast<unsigned char>(utf8[i]);
    int length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (i + length > utf8.size()) return false;
    uint32_t code_point = length == 1   ? lead
                          : length == 2 ? lead & 0x1F
                          : length == 3 ? lead & 0x0F
                                        : lead & 0x07;
    for (int k = 1; k < length; ++k) {
      code_point =
          (code_point << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    if ((code_point >= 0xE000 && code_point <= 0xF8FF) ||
        code_point >= 0xF0000) {
      return true;
    }
    i += length;
  }
  return false;
}

// The stage of a column of the chain map, from its title: "上游", "中游",
// "下游", also with a qualifier ("上游設備製造業"). Chains such as 區塊鏈 or
// 金融 use their own column names, which say nothing about the stage.
v1::Stage StageOfGroup(const std::string& title) {
  if (absl::StartsWith(title, "上游")) return v1::STAGE_UPSTREAM;
  if (absl::StartsWith(title, "中游")) return v1::STAGE_MIDSTREAM;
  if (absl::StartsWith(title, "下游")) return v1::STAGE_DOWNSTREAM;
  return v1::STAGE_UNSPECIFIED;
}

// One chain file being read: where its records come from and the chain key
// that scopes its product keys (segment ids are only unique per chain).
struct ChainFile {
  std::string relative;  // path relative to the dataset folder
  std::string chain_key;
};

// The records of the whole dataset. They are gathered before any is sent: a
// firm first met in the last file may be named by edges of the first, and
// every vertex must go out before any edge.
struct Gathered {
  std::vector<v1::Vertex> chains;
  std::vector<v1::Vertex> products;
  std::vector<v1::Vertex> firms;
  std::vector<v1::Edge> edges;
  std::map<std::string, size_t> firm_index;  // firm key -> index in firms
  // NormalizeName of a foreign firm's name -> its key, so "K-SAT（x）" and
  // "K-SAT (x)" are one firm.
  std::map<std::string, std::string> foreign_keys;
  std::set<std::string> product_keys;
  std::set<std::string> chain_titles;
};

v1::Source MakeSource(const std::string& relative) {
  v1::Source source;
  source.set_dataset(kDataset);
  source.set_file(relative);
  return source;
}

v1::VertexRef Ref(v1::VertexKind kind, const std::string& key) {
  v1::VertexRef ref;
  ref.set_kind(kind);
  ref.set_key(key);
  return ref;
}

// An edge of `kind` read from file; the caller sets its ends.
v1::Edge NewEdge(v1::EdgeKind kind, const ChainFile& file) {
  v1::Edge edge;
  edge.set_kind(kind);
  *edge.mutable_source() = MakeSource(file.relative);
  return edge;
}

// Adds product (key, name and aliases set) read from file.
void AddProduct(v1::Product product, const ChainFile& file, Gathered* out) {
  *product.mutable_source() = MakeSource(file.relative);
  v1::Vertex vertex;
  *vertex.mutable_product() = std::move(product);
  out->products.push_back(std::move(vertex));
}

void AddInChain(const std::string& product_key, v1::Stage stage,
                const std::string& segment, const ChainFile& file,
                Gathered* out) {
  v1::Edge edge = NewEdge(v1::EDGE_KIND_IN_CHAIN, file);
  *edge.mutable_from() = Ref(v1::VERTEX_KIND_PRODUCT, product_key);
  *edge.mutable_to() = Ref(v1::VERTEX_KIND_CHAIN, file.chain_key);
  edge.mutable_in_chain()->set_stage(stage);
  edge.mutable_in_chain()->set_segment(segment);
  out->edges.push_back(std::move(edge));
}

// Adds `alias` to a firm met again under another spelling; true if new.
bool AddAlias(const std::string& alias, v1::Firm* firm) {
  if (alias == firm->name()) return false;
  for (const std::string& known : firm->aliases()) {
    if (known == alias) return false;
  }
  firm->add_aliases(alias);
  return true;
}

// Adds firm (key, name and country set), first met in file.
void AddFirm(v1::Firm firm, const ChainFile& file, Gathered* out,
             DefectCounter* defects) {
  *firm.mutable_source() = MakeSource(file.relative);
  if (HasPrivateUseCharacter(firm.name())) {
    defects->Add("name with a private-use character",
                 absl::StrCat(firm.key(), " \"", firm.name(), "\""));
  }
  out->firm_index[firm.key()] = out->firms.size();
  v1::Vertex vertex;
  *vertex.mutable_firm() = std::move(firm);
  out->firms.push_back(std::move(vertex));
}

// The stock code in a company link "company_basic.php?stk_code=1101", or
// "" when the link has none (foreign firms link to their own sites).
std::string StockCodeOf(const std::string& url) {
  const std::string parameter = "stk_code=";
  size_t at = url.find(parameter);
  if (at == std::string::npos) return "";
  std::string code = url.substr(at + parameter.size());
  return code.substr(0, code.find('&'));
}

bool IsForeign(const Value& company) {
  const Value* flag = Member(company, "is_foreign");
  if (flag == nullptr) return false;
  if (flag->kind_case() == Value::kBoolValue) return flag->bool_value();
  return flag->kind_case() == Value::kStringValue &&
         absl::EqualsIgnoreCase(flag->string_value(), "true");
}

// The key of the firm a company entry names, creating the firm when first
// met; "" (and a defect) when the entry names no usable firm.
std::string FirmKeyOf(const Value& company, const std::string& where,
                      const ChainFile& file, Gathered* out,
                      DefectCounter* defects) {
  std::string name = StringMember(company, "name");
  std::string url = StringMember(company, "url");
  bool foreign = IsForeign(company);
  bool has_stock_code = url.find("stk_code=") != std::string::npos;
  if (name.empty()) {
    defects->Add("company without a name", absl::StrCat(where, ": ", url));
    return "";
  }
  if (has_stock_code) {
    std::string code = StockCodeOf(url);
    bool usable = !code.empty() &&
                  std::all_of(code.begin(), code.end(),
                              [](char c) { return absl::ascii_isalnum(c); });
    if (!usable) {
      defects->Add("unusable stock code (company skipped)",
                   absl::StrCat(where, ": ", name, " ", url));
      return "";
    }
    // Taiwan stock codes are four digits; ETFs and preferred shares have
    // longer ones, which are kept but worth a look.
    bool four_digits =
        code.size() == 4 && std::all_of(code.begin(), code.end(), [](char c) {
          return absl::ascii_isdigit(c);
        });
    if (!four_digits) {
      defects->Add("stock code of odd shape (kept)",
                   absl::StrCat(where, ": ", name, " ", code));
    }
    if (foreign) {
      defects->Add("foreign company with a stock code (taken as listed)",
                   absl::StrCat(where, ": ", name, " ", code));
    }
    std::string key = absl::StrCat("TW:", code);
    auto known = out->firm_index.find(key);
    if (known == out->firm_index.end()) {
      v1::Firm firm;
      firm.set_key(key);
      firm.set_name(name);
      firm.set_country("TW");
      AddFirm(std::move(firm), file, out, defects);
    } else if (AddAlias(name, out->firms[known->second].mutable_firm())) {
      defects->Add("stock code listed under several names",
                   absl::StrCat(key, " \"", name, "\""));
    }
    return key;
  }
  std::string normalized = NormalizeName(name);
  auto known = out->foreign_keys.find(normalized);
  if (known != out->foreign_keys.end()) {
    v1::Firm* firm =
        out->firms[out->firm_index.at(known->second)].mutable_firm();
    if (AddAlias(name, firm)) {
      defects->Add("foreign firm spelled several ways",
                   absl::StrCat(known->second, " / \"", name, "\""));
    }
    return known->second;
  }
  std::string key = absl::StrCat("EXT:", name);
  v1::Firm firm;
  firm.set_key(key);
  firm.set_name(name);
  if (foreign) {
    firm.set_country(kUnknownCountry);
    defects->Add("foreign firm without country", name);
  } else {
    firm.set_country("TW");
    defects->Add("local company without a stock code",
                 absl::StrCat(where, ": ", name));
  }
  AddFirm(std::move(firm), file, out, defects);
  out->foreign_keys[normalized] = key;
  return key;
}

// Adds PRODUCES firm -> product for each company of one JSON list. An entry
// whose subcategory_id names a sub-category of the segment belongs to that
// sub-category's product (B000's segment lists repeat their sub-categories'
// members that way). Returns the number of entries.
int AddCompanies(const ListValue* list, const std::string& default_target,
                 const std::map<std::string, std::string>& sub_targets,
                 const std::string& where, const ChainFile& file, Gathered* out,
                 DefectCounter* defects) {
  if (list == nullptr) return 0;
  std::set<std::pair<std::string, std::string>> listed;  // (firm, product)
  for (const Value& company : list->values()) {
    std::string firm_key = FirmKeyOf(company, where, file, out, defects);
    if (firm_key.empty()) continue;
    std::string target = default_target;
    auto sub = sub_targets.find(StringMember(company, "subcategory_id"));
    if (sub != sub_targets.end()) target = sub->second;
    if (!listed.emplace(firm_key, target).second) {
      defects->Add("company listed twice in one segment",
                   absl::StrCat(where, ": ", firm_key));
      continue;
    }
    v1::Edge edge = NewEdge(v1::EDGE_KIND_PRODUCES, file);
    *edge.mutable_from() = Ref(v1::VERTEX_KIND_FIRM, firm_key);
    *edge.mutable_to() = Ref(v1::VERTEX_KIND_PRODUCT, target);
    out->edges.push_back(std::move(edge));
  }
  return list->values_size();
}

// One box of the chain map: a segment with its page (detailed_data), which
// lists its companies directly or by sub-category.
void ReadSegment(const Value& segment, v1::Stage stage, const ChainFile& file,
                 Gathered* out, DefectCounter* defects) {
  std::string id = StringMember(segment, "id");
  // The map label breaks lines with "/" ("太陽能/電池"); the segment page's
  // title is the clean name ("太陽能電池"). Some chains link to another
  // chain instead of a page (金融科技 -> 人工智慧): then only the label.
  std::string label = StringMember(segment, "text");
  const Value no_details;
  const Value* details = Member(segment, "detailed_data");
  if (details == nullptr) details = &no_details;
  std::string name = StringMember(*details, "title");
  if (name.empty()) name = label;
  if (name.empty()) {
    defects->Add("segment without a name (skipped)",
                 absl::StrCat(file.relative, ": ", id));
    return;
  }
  std::string where = absl::StrCat(file.relative, ": ", name);
  if (id.empty()) {
    defects->Add("segment without id (keyed by name)", where);
    id = name;
  }
  std::string key = absl::StrCat(file.chain_key, "/", id);
  if (!out->product_keys.insert(key).second) {
    // Its companies still count for the segment met first.
    defects->Add("segment id repeated in a chain",
                 absl::StrCat(where, " ", id));
  } else {
    v1::Product product;
    product.set_key(key);
    product.set_name(name);
    if (!label.empty() && label != name) product.add_aliases(label);
    AddProduct(std::move(product), file, out);
    AddInChain(key, stage, name, file, out);
  }

  bool has_details = details->kind_case() == Value::kStructValue &&
                     details->struct_value().fields_size() > 0;
  if (!has_details) {
    defects->Add("segment without detailed data (no companies)", where);
    return;
  }
  std::map<std::string, std::string> sub_targets;  // sub-category id -> key
  int entries = 0;
  if (const ListValue* subs = ListMember(*details, "subcategories")) {
    for (const Value& sub : subs->values()) {
      std::string sub_id = StringMember(sub, "id");
      std::string title = StringMember(sub, "title");
      std::string target = key;
      if (title.empty()) {
        // A sub-category without a title cannot be named or found; its
        // companies still make the segment.
        defects->Add("sub-category without title (companies kept on segment)",
                     absl::StrCat(where, " ", sub_id));
      } else {
        if (sub_id.empty()) {
          defects->Add("sub-category without id (keyed by title)",
                       absl::StrCat(where, " ", title));
          sub_id = title;
        }
        target = absl::StrCat(file.chain_key, "/", sub_id);
        if (!out->product_keys.insert(target).second) {
          defects->Add("sub-category id repeated in a chain",
                       absl::StrCat(where, " ", sub_id));
        } else {
          v1::Product product;
          product.set_key(target);
          product.set_name(title);
          AddProduct(std::move(product), file, out);
          v1::Edge subclass = NewEdge(v1::EDGE_KIND_SUBCLASS_OF, file);
          *subclass.mutable_from() = Ref(v1::VERTEX_KIND_PRODUCT, target);
          *subclass.mutable_to() = Ref(v1::VERTEX_KIND_PRODUCT, key);
          out->edges.push_back(std::move(subclass));
          AddInChain(target, stage, name, file, out);
        }
      }
      if (!sub_id.empty()) sub_targets[sub_id] = target;
      std::string sub_where = absl::StrCat(where, " > ", title);
      int sub_entries = AddCompanies(ListMember(sub, "companies"), target, {},
                                     sub_where, file, out, defects);
      if (sub_entries == 0) {
        defects->Add("sub-category without companies", sub_where);
      }
      entries += sub_entries;
    }
  }
  entries += AddCompanies(ListMember(*details, "companies"), key, sub_targets,
                          where, file, out, defects);
  if (entries == 0) defects->Add("segment without companies", where);
}

// Reads one chain file: the chain, then its map columns (stage groups) and
// their segments.
absl::Status ReadChainFile(const std::string& dir, const ChainFile& file,
                           const std::string& name_from_file, Gathered* out,
                           DefectCounter* defects) {
  const std::string& relative = file.relative;
  CHAINKG_ASSIGN_OR_RETURN(Value root, ParseJsonFile(dir, relative));
  const ListValue* groups = ListMember(root, "chains");
  if (groups == nullptr) {
    return absl::DataLossError(absl::StrCat(
        relative, ": not a TIVAC chain (no \"chains\" list at the top)"));
  }
  std::string title = StringMember(root, "title");
  std::string name(absl::StripSuffix(title, "產業鏈"));
  if (title.empty()) {
    defects->Add("chain without title (named after its file)", relative);
    name = name_from_file;
  } else {
    out->chain_titles.insert(title);
  }
  if (name.empty()) name = title;
  v1::Vertex vertex;
  v1::Chain* chain = vertex.mutable_chain();
  chain->set_key(file.chain_key);
  chain->set_name(name);
  *chain->mutable_source() = MakeSource(relative);
  out->chains.push_back(std::move(vertex));

  int column = 0;
  for (const Value& group : groups->values()) {
    ++column;
    std::string group_title = StringMember(group, "title");
    v1::Stage stage = StageOfGroup(group_title);
    if (group_title.empty()) {
      defects->Add("stage group without title (stage unspecified)",
                   absl::StrCat(relative, ": column ", column));
    } else if (stage == v1::STAGE_UNSPECIFIED) {
      defects->Add("stage group not upstream/midstream/downstream",
                   absl::StrCat(relative, ": ", group_title));
    }
    const ListValue* segments = ListMember(group, "companies");
    if (segments == nullptr || segments->values_size() == 0) {
      defects->Add("stage group without segments",
                   absl::StrCat(relative, ": ", group_title));
      continue;
    }
    for (const Value& segment : segments->values()) {
      ReadSegment(segment, stage, file, out, defects);
    }
  }
  return absl::OkStatus();
}

// Cross-checks the chain titles against the dataset's master list.
absl::Status CheckChainNames(const std::string& dir, const Gathered& gathered,
                             DefectCounter* defects) {
  std::error_code error;
  if (!fs::exists(absl::StrCat(dir, "/", kChainNamesFile), error)) {
    defects->Add("chain_names.json missing", kChainNamesFile);
    return absl::OkStatus();
  }
  CHAINKG_ASSIGN_OR_RETURN(Value root, ParseJsonFile(dir, kChainNamesFile));
  const ListValue* names = ListMember(root, "chain_names");
  if (names == nullptr) {
    return absl::DataLossError(
        absl::StrCat(kChainNamesFile, ": no \"chain_names\" list"));
  }
  std::set<std::string> listed;
  for (const Value& name : names->values()) {
    if (name.kind_case() == Value::kStringValue) {
      listed.insert(
          std::string(absl::StripAsciiWhitespace(name.string_value())));
    }
  }
  for (const std::string& title : gathered.chain_titles) {
    if (listed.count(title) == 0) {
      defects->Add("chain title missing from chain_names.json", title);
    }
  }
  for (const std::string& title : listed) {
    if (gathered.chain_titles.count(title) == 0) {
      defects->Add("chain_names.json entry without a chain file", title);
    }
  }
  return absl::OkStatus();
}

// The source of the records this adapter makes (chains, products, firms).
const v1::Source& SourceOf(const v1::Vertex& vertex) {
  switch (vertex.record_case()) {
    case v1::Vertex::kFirm:
      return vertex.firm().source();
    case v1::Vertex::kProduct:
      return vertex.product().source();
    case v1::Vertex::kChain:
      return vertex.chain().source();
    default:
      return v1::Source::default_instance();
  }
}

// "PRODUCES" for EDGE_KIND_PRODUCES, as DatasetReport::records names edges.
std::string EdgeKindName(v1::EdgeKind kind) {
  return std::string(absl::StripPrefix(v1::EdgeKind_Name(kind), "EDGE_KIND_"));
}

// Brings every gathered record to the store's canonical form and sends all
// vertices, then all edges. A record the store would reject is counted and
// dropped, and so is every edge naming a dropped vertex, so the sink never
// sees an edge whose endpoint it was not sent. Edges are sent once per
// identity (kind, from, to).
absl::Status SendGathered(Gathered gathered, const RowSink& sink,
                          DatasetReport* report) {
  std::set<std::pair<int, std::string>> sent_vertices;  // (kind, key)
  auto send_vertex = [&](v1::Vertex& vertex) -> absl::Status {
    // Copied: canonicalization may change the record it points into.
    const v1::Source source = SourceOf(vertex);
    absl::StatusOr<std::vector<std::string>> warnings =
        graph::CanonicalizeVertex(&vertex);
    if (!warnings.ok()) {
      report->defects.Add(
          "record rejected by validation (skipped)",
          absl::StrCat(source.file(), ": ", warnings.status().message()));
      return absl::OkStatus();
    }
    for (const std::string& warning : *warnings) {
      report->defects.Add("validation warning",
                          absl::StrCat(source.file(), ": ", warning));
    }
    v1::VertexKind kind = graph::KindOf(vertex);
    if (!sent_vertices.emplace(kind, graph::KeyOf(vertex)).second) {
      report->defects.Add(
          "vertex key met twice (first kept)",
          absl::StrCat(source.file(), ": ", graph::KeyOf(vertex)));
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
  for (v1::Vertex& vertex : gathered.firms) {
    CHAINKG_RETURN_IF_ERROR(send_vertex(vertex));
  }

  std::set<std::tuple<int, int, std::string, int, std::string>> sent_edges;
  for (v1::Edge& edge : gathered.edges) {
    absl::Status status = graph::CanonicalizeEdge(&edge);
    if (!status.ok()) {
      report->defects.Add(
          "record rejected by validation (skipped)",
          absl::StrCat(edge.source().file(), ": ", status.message()));
      continue;
    }
    if (sent_vertices.count({edge.from().kind(), edge.from().key()}) == 0 ||
        sent_vertices.count({edge.to().kind(), edge.to().key()}) == 0) {
      report->defects.Add(
          "edge naming a skipped vertex (skipped)",
          absl::StrCat(edge.source().file(), ": ", edge.from().key(), " -> ",
                       edge.to().key()));
      continue;
    }
    if (!sent_edges
             .emplace(edge.kind(), edge.from().kind(), edge.from().key(),
                      edge.to().kind(), edge.to().key())
             .second) {
      continue;  // the same fact from another list; duplicates within one
                 // list were counted while reading
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

absl::Status ReadTivacDataset(const std::string& dir, const RowSink& sink,
                              DatasetReport* report) {
  std::string folder = absl::StrCat(dir, "/", kChainFolder);
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    return absl::NotFoundError(absl::StrCat(folder, ": no such folder"));
  }
  std::vector<std::string> file_names;
  for (fs::directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    std::string file_name = it->path().filename().string();
    if (absl::EndsWith(file_name, ".json")) file_names.push_back(file_name);
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat(folder, ": cannot list: ", error.message()));
  }
  if (file_names.empty()) {
    return absl::NotFoundError(absl::StrCat(folder, ": no .json files"));
  }
  // Directory order is arbitrary; sorted order makes keys of firms met
  // under several spellings, and the order of records, reproducible.
  std::sort(file_names.begin(), file_names.end());

  Gathered gathered;
  for (const std::string& file_name : file_names) {
    std::string relative = absl::StrCat(kChainFolder, "/", file_name);
    // "<code>_<name>.json", e.g. "A200_LED 照明.json" (with a space).
    std::string stem(absl::StripSuffix(file_name, ".json"));
    size_t underscore = stem.find('_');
    if (underscore == 0 || underscore == std::string::npos) {
      report->defects.Add("file name without a chain code (skipped)", relative);
      continue;
    }
    ChainFile file{relative, absl::StrCat("TW-", stem.substr(0, underscore))};
    CHAINKG_RETURN_IF_ERROR(ReadChainFile(
        dir, file, stem.substr(underscore + 1), &gathered, &report->defects));
  }
  CHAINKG_RETURN_IF_ERROR(CheckChainNames(dir, gathered, &report->defects));
  return SendGathered(std::move(gathered), sink, report);
}

}  // namespace chainkg::loaders
