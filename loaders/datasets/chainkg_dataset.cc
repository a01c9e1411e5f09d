#include "loaders/datasets/chainkg_dataset.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "util/codes.h"
#include "util/status_macros.h"

namespace chainkg::loaders {
namespace {

using google::protobuf::Struct;

constexpr char kDatasetName[] = "ChainKnowledgeGraph";

constexpr char kCompanyFile[] = "original/company.json";
constexpr char kIndustryFile[] = "original/industry.json";
constexpr char kProductFile[] = "original/product.json";
constexpr char kCompanyIndustryFile[] = "original/company_industry.json";
constexpr char kIndustryIndustryFile[] = "original/industry_industry.json";
constexpr char kIndustryUpFile[] = "original/industry_up.json";
constexpr char kCompanyProductFile[] = "reconstructed/company_product.jsonl";
constexpr char kProductProductFile[] = "reconstructed/product_product.jsonl";

v1::Source SourceAt(const std::string& file, int64_t line) {
  v1::Source source;
  source.set_dataset(kDatasetName);
  source.set_file(file);
  source.set_line(line);
  return source;
}

// "original/company.json" -> "company.json", the prefix of defect kinds.
std::string BaseName(const std::string& file) {
  size_t slash = file.rfind('/');
  return slash == std::string::npos ? file : file.substr(slash + 1);
}

std::string Where(const std::string& file, int64_t line) {
  return absl::StrCat(BaseName(file), ":", line);
}

// "PRODUCES" for EDGE_KIND_PRODUCES, the report's name for an edge kind.
std::string EdgeKindName(v1::EdgeKind kind) {
  return v1::EdgeKind_Name(kind).substr(std::string("EDGE_KIND_").size());
}

// ---------------------------------------------------------------------------
// Reading JSON lines
// ---------------------------------------------------------------------------

// Calls on_object for every line of dir/file that is a JSON object, with
// its 1-based line. Blank lines are skipped; other lines are a defect.
// NOT_FOUND / UNAVAILABLE when the file cannot be opened or read; DATA_LOSS
// when it has lines but none is a JSON object (not this dataset's format).
absl::Status ForEachJsonLine(
    const std::string& dir, const std::string& file, DefectCounter* defects,
    const std::function<void(int64_t, const Struct&)>& on_object) {
  std::string path = absl::StrCat(dir, "/", file);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    return absl::UnavailableError(absl::StrCat(path, ": cannot open"));
  }
  int64_t line_number = 0;
  int64_t nonblank = 0;
  int64_t objects = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty()) continue;
    ++nonblank;
    Struct object;
    auto parsed =
        google::protobuf::util::JsonStringToMessage(std::string(text), &object);
    if (!parsed.ok()) {
      defects->Add(
          absl::StrCat(BaseName(file), ": line is not a JSON object (skipped)"),
          Where(file, line_number));
      continue;
    }
    ++objects;
    on_object(line_number, object);
  }
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat(path, ": read error"));
  }
  if (nonblank > 0 && objects == 0) {
    return absl::DataLossError(
        absl::StrCat(file, ": no line is a JSON object"));
  }
  return absl::OkStatus();
}

// The value of a string field; nullopt when absent or not a string.
std::optional<std::string> StringField(const Struct& object, const char* name) {
  auto it = object.fields().find(name);
  if (it == object.fields().end() ||
      it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return std::nullopt;
  }
  return it->second.string_value();
}

std::optional<double> NumberField(const Struct& object, const char* name) {
  auto it = object.fields().find(name);
  if (it == object.fields().end() ||
      it->second.kind_case() != google::protobuf::Value::kNumberValue) {
    return std::nullopt;
  }
  return it->second.number_value();
}

// Counts "<file>: line lacks field <name> (skipped)" and returns false
// when a required string field is missing.
bool RequireFields(const Struct& object,
                   std::initializer_list<const char*> names,
                   const std::string& file, int64_t line,
                   DefectCounter* defects) {
  for (const char* name : names) {
    if (!StringField(object, name).has_value()) {
      defects->Add(absl::StrCat(BaseName(file), ": line lacks string field ",
                                name, " (skipped)"),
                   Where(file, line));
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Names and codes
// ---------------------------------------------------------------------------

bool IsControl(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

bool HasControl(absl::string_view text) {
  for (char c : text) {
    if (IsControl(c)) return true;
  }
  return false;
}

// A product name as a key: each control character becomes a space, runs of
// spaces collapse to one, and the ends are trimmed. The names come from
// annual-report tables, where a newline is a line wrap ("光纤复合\n架空地线").
std::string CleanName(absl::string_view text) {
  std::string out;
  if (!HasControl(text)) {
    out = std::string(absl::StripAsciiWhitespace(text));
    return out;
  }
  for (char c : text) {
    char d = IsControl(c) ? ' ' : c;
    if (d == ' ' && !out.empty() && out.back() == ' ') continue;
    out.push_back(d);
  }
  return std::string(absl::StripAsciiWhitespace(out));
}

// Undoes the second JSON escaping of a product.json name. "\\" decodes to
// "/" because the relation files spell those names with a slash
// ("钢铁\\不锈钢立柱" is "钢铁/不锈钢立柱" in product_product.jsonl).
std::string DecodeSecondEscape(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out.push_back(text[i]);
      continue;
    }
    char next = text[++i];
    switch (next) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case '"':
        out.push_back('"');
        break;
      case '/':
      case '\\':
        out.push_back('/');
        break;
      default:
        out.push_back('\\');
        out.push_back(next);
    }
  }
  return out;
}

// The CJK unified ideographs (U+4E00..U+9FFF) of valid UTF-8 text; they are
// three bytes, 0xE4 0xB8 0x80 .. 0xE9 0xBF 0xBF.
std::set<std::string> Ideographs(absl::string_view text) {
  std::set<std::string> out;
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0xE4 && lead <= 0xE9 &&
        (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) & 0xC0) == 0x80) {
      if (lead == 0xE4 && static_cast<unsigned char>(text[i + 1]) < 0xB8) {
        continue;  // below U+4E00
      }
      out.insert(std::string(text.substr(i, 3)));
      i += 2;
    }
  }
  return out;
}

// True when the short name has ideographs and the fullname has none of
// them: the fullname is another company's (a shifted row), not a renaming
// ("ST宏盛" / "郑州德恒宏盛科技发展股份有限公司" share 宏盛).
bool FullnameUnrelated(absl::string_view short_name,
                       absl::string_view fullname) {
  std::set<std::string> short_chars = Ideographs(short_name);
  if (short_chars.empty()) return false;
  std::set<std::string> full_chars = Ideographs(fullname);
  for (const std::string& c : short_chars) {
    if (full_chars.count(c) > 0) return false;
  }
  return true;
}

enum class Exchange { kSse, kSzse, kBse };

std::string FirmKey(Exchange exchange, absl::string_view digits) {
  switch (exchange) {
    case Exchange::kSse:
      return absl::StrCat("SSE:", digits);
    case Exchange::kSzse:
      return absl::StrCat("SZSE:", digits);
    case Exchange::kBse:
      return absl::StrCat("BSE:", digits);
  }
  return "";
}

std::optional<Exchange> ExchangeOfLocation(absl::string_view location) {
  if (location == "上海证券交易所") return Exchange::kSse;
  if (location == "深圳证券交易所") return Exchange::kSzse;
  if (location == "北京证券交易所") return Exchange::kBse;
  return std::nullopt;
}

// A stock code as the files write it: six digits, optionally ".SH", ".SZ"
// or ".BJ" (any case).
struct StockCode {
  std::string digits;
  std::optional<Exchange> exchange;  // from the suffix
  bool lower_case_suffix = false;
};

std::optional<StockCode> ParseStockCode(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() != 6 && text.size() != 9) return std::nullopt;
  StockCode code;
  code.digits = std::string(text.substr(0, 6));
  for (char c : code.digits) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
  }
  if (text.size() == 6) return code;
  if (text[6] != '.') return std::nullopt;
  std::string suffix(text.substr(7));
  code.lower_case_suffix = suffix != absl::AsciiStrToUpper(suffix);
  absl::AsciiStrToUpper(&suffix);
  if (suffix == "SH") {
    code.exchange = Exchange::kSse;
  } else if (suffix == "SZ") {
    code.exchange = Exchange::kSzse;
  } else if (suffix == "BJ") {
    code.exchange = Exchange::kBse;
  } else {
    return std::nullopt;
  }
  return code;
}

// ---------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------

// Sends records to the sink, one ParsedRow each, after graph::
// CanonicalizeVertex / CanonicalizeEdge. Remembers the vertices it sent, so
// that an edge naming any other vertex is a defect rather than a dangling
// edge, and the edges, so that an identity stated twice goes out once.
// Counts records per kind in the report. Borrows sink and report for its
// lifetime. Not thread-safe.
class RecordSender {
 public:
  RecordSender(const RowSink& sink, DatasetReport* report)
      : sink_(sink), report_(report) {}

  RecordSender(const RecordSender&) = delete;
  RecordSender& operator=(const RecordSender&) = delete;

  // A vertex the validation rejects is a defect and is not sent. Errors:
  // those of the sink; INTERNAL after the first edge (our bug).
  absl::Status SendVertex(v1::Vertex vertex, const v1::Source& source) {
    if (edges_started_) {
      return absl::InternalError("vertex sent after the first edge");
    }
    absl::StatusOr<std::vector<std::string>> checked =
        graph::CanonicalizeVertex(&vertex);
    std::string kind(graph::KindName(graph::KindOf(vertex)));
    if (!checked.ok()) {
      report_->defects.Add(absl::StrCat(BaseName(source.file()), ": ", kind,
                                        " rejected by validation (skipped)"),
                           absl::StrCat(Where(source.file(), source.line()),
                                        " ", checked.status().message()));
      return absl::OkStatus();
    }
    vertices_.emplace(graph::KindOf(vertex), graph::KeyOf(vertex));
    ParsedRow row;
    row.line = source.line();
    row.vertices.push_back(std::move(vertex));
    CHAINKG_RETURN_IF_ERROR(sink_(std::move(row)));
    ++report_->records[kind];
    return absl::OkStatus();
  }

  // Sends edge unless the validation rejects it, it names a vertex that was
  // not sent, or an edge with its identity was sent already: each a defect.
  absl::Status SendEdge(v1::Edge edge) {
    edges_started_ = true;
    std::string file = BaseName(edge.source().file());
    std::string where = Where(edge.source().file(), edge.source().line());
    std::string kind = EdgeKindName(edge.kind());
    absl::Status checked = graph::CanonicalizeEdge(&edge);
    if (!checked.ok()) {
      report_->defects.Add(
          absl::StrCat(file, ": ", kind, " rejected by validation (skipped)"),
          absl::StrCat(where, " ", checked.message()));
      return absl::OkStatus();
    }
    for (const v1::VertexRef* ref : {&edge.from(), &edge.to()}) {
      if (vertices_.count({ref->kind(), ref->key()}) == 0) {
        report_->defects.Add(
            absl::StrCat(file, ": ", kind,
                         " names a vertex that was not loaded (skipped)"),
            absl::StrCat(where, " ", ref->key()));
        return absl::OkStatus();
      }
    }
    std::string identity =
        absl::StrCat(edge.kind(), "\x1f", edge.from().kind(), "\x1f",
                     edge.from().key(), "\x1f", edge.to().kind(), "\x1f",
                     edge.to().key(), "\x1f", edge.supplies().product_key());
    if (!edges_.insert(identity).second) {
      report_->defects.Add(
          absl::StrCat(file, ": duplicate ", kind, " edge (first kept)"),
          absl::StrCat(where, " ", edge.from().key(), " -> ", edge.to().key()));
      return absl::OkStatus();
    }
    ParsedRow row;
    row.line = edge.source().line();
    row.edges.push_back(std::move(edge));
    CHAINKG_RETURN_IF_ERROR(sink_(std::move(row)));
    ++report_->records[kind];
    return absl::OkStatus();
  }

 private:
  const RowSink& sink_;
  DatasetReport* report_;
  std::set<std::pair<int, std::string>> vertices_;
  std::set<std::string> edges_;
  bool edges_started_ = false;
};

// ---------------------------------------------------------------------------
// The dataset
// ---------------------------------------------------------------------------

struct PendingVertex {
  v1::Vertex vertex;
  v1::Source source;
};

// Everything read before anything is sent: vertices first, in file order,
// then the edges, because a relation file can add products.
struct Collected {
  std::vector<PendingVertex> vertices;
  std::vector<v1::Edge> edges;
  std::set<std::string> firm_keys;
  std::map<std::string, std::string> industry_name_of_code;
  std::map<std::string, std::string> industry_code_of_name;
  std::set<std::string> product_keys;
};

v1::VertexRef Ref(v1::VertexKind kind, const std::string& key) {
  v1::VertexRef ref;
  ref.set_kind(kind);
  ref.set_key(key);
  return ref;
}

v1::Edge MakeEdge(v1::EdgeKind kind, v1::VertexRef from, v1::VertexRef to,
                  v1::Source source) {
  v1::Edge edge;
  edge.set_kind(kind);
  *edge.mutable_from() = std::move(from);
  *edge.mutable_to() = std::move(to);
  *edge.mutable_source() = std::move(source);
  return edge;
}

absl::Status ReadCompanies(const std::string& dir, Collected* collected,
                           DefectCounter* defects) {
  const std::string file = kCompanyFile;
  const std::string prefix = BaseName(file) + ": ";
  return ForEachJsonLine(
      dir, file, defects, [&](int64_t line, const Struct& object) {
        if (!RequireFields(object, {"code", "name", "fullname", "location"},
                           file, line, defects)) {
          return;
        }
        std::string raw_code = *StringField(object, "code");
        std::string short_name(
            absl::StripAsciiWhitespace(*StringField(object, "name")));
        std::string fullname(
            absl::StripAsciiWhitespace(*StringField(object, "fullname")));
        std::string location = *StringField(object, "location");
        std::string where = absl::StrCat(Where(file, line), " ", raw_code);
        std::optional<StockCode> code = ParseStockCode(raw_code);
        if (!code.has_value()) {
          defects->Add(prefix + "code is not 6 digits (skipped)", where);
          return;
        }
        std::optional<Exchange> exchange = ExchangeOfLocation(location);
        if (!exchange.has_value()) {
          if (!code->exchange.has_value()) {
            defects->Add(prefix + "location is not an exchange (skipped)",
                         absl::StrCat(where, " ", location));
            return;
          }
          defects->Add(prefix +
                           "location is not an exchange (exchange taken "
                           "from the code suffix)",
                       absl::StrCat(where, " ", location));
          exchange = code->exchange;
        } else if (code->exchange.has_value() && code->exchange != exchange) {
          defects->Add(prefix +
                           "code suffix disagrees with location "
                           "(location kept)",
                       absl::StrCat(where, " ", location));
        }
        // The listing time is not loaded, but a shifted value there shows
        // the row was assembled badly.
        std::optional<std::string> time = StringField(object, "time");
        if (!time.has_value() || !ValidateDate(*time).ok()) {
          defects->Add(prefix + "time is not a date (time not loaded)",
                       absl::StrCat(where, " ", time.value_or("")));
        }
        std::string key = FirmKey(*exchange, code->digits);
        if (collected->firm_keys.count(key) > 0) {
          defects->Add(prefix + "duplicate company code (first kept)",
                       absl::StrCat(where, " ", fullname));
          return;
        }
        std::string name = fullname;
        if (fullname.empty()) {
          defects->Add(prefix + "no fullname (short name used as the name)",
                       where);
          name = short_name;
        } else if (FullnameUnrelated(short_name, fullname)) {
          defects->Add(prefix +
                           "fullname shares no character with the short "
                           "name (short name used as the name)",
                       absl::StrCat(where, " ", short_name, " / ", fullname));
          name = short_name;
        }
        collected->firm_keys.insert(key);
        PendingVertex pending;
        pending.source = SourceAt(file, line);
        v1::Firm* firm = pending.vertex.mutable_firm();
        firm->set_key(key);
        firm->set_name(name);
        if (!short_name.empty() && short_name != name) {
          firm->add_aliases(short_name);
        }
        firm->set_country("CN");
        *firm->mutable_source() = pending.source;
        collected->vertices.push_back(std::move(pending));
      });
}

absl::Status ReadIndustries(const std::string& dir, Collected* collected,
                            DefectCounter* defects) {
  const std::string file = kIndustryFile;
  return ForEachJsonLine(
      dir, file, defects, [&](int64_t line, const Struct& object) {
        if (!RequireFields(object, {"code", "name"}, file, line, defects)) {
          return;
        }
        std::string code(
            absl::StripAsciiWhitespace(*StringField(object, "code")));
        std::string name(
            absl::StripAsciiWhitespace(*StringField(object, "name")));
        if (collected->industry_name_of_code.count(code) > 0) {
          defects->Add(BaseName(file) + ": duplicate code (first kept)",
                       absl::StrCat(Where(file, line), " ", code));
          return;
        }
        collected->industry_name_of_code[code] = name;
        collected->industry_code_of_name.emplace(name, code);
        PendingVertex pending;
        pending.source = SourceAt(file, line);
        v1::Industry* industry = pending.vertex.mutable_industry();
        industry->set_key(code);
        industry->set_name(name);
        industry->set_scheme("SW-2021");
        *industry->mutable_source() = pending.source;
        collected->vertices.push_back(std::move(pending));
      });
}

// Adds a product vertex for key unless there is one.
void AddProduct(const std::string& key, v1::Source source,
                Collected* collected) {
  if (!collected->product_keys.insert(key).second) return;
  PendingVertex pending;
  v1::Product* product = pending.vertex.mutable_product();
  product->set_key(key);
  product->set_name(key);
  *product->mutable_source() = source;
  pending.source = std::move(source);
  collected->vertices.push_back(std::move(pending));
}

// A product name from a relation file as a key, cleaned like product.json
// names; a product not in product.json is added, and both are defects.
// Returns "" when nothing is left.
std::string RelationProduct(const std::string& raw, const std::string& file,
                            int64_t line, Collected* collected,
                            DefectCounter* defects) {
  const std::string prefix = BaseName(file) + ": ";
  std::string key = CleanName(raw);
  if (HasControl(raw)) {
    defects->Add(prefix +
                     "product name with control characters (replaced "
                     "by a space)",
                 absl::StrCat(Where(file, line), " ", key));
  }
  if (key.empty()) {
    defects->Add(prefix + "empty product name (skipped)", Where(file, line));
    return "";
  }
  if (collected->product_keys.count(key) == 0) {
    std::string stem = BaseName(file).substr(0, BaseName(file).find('.'));
    defects->Add(
        absl::StrCat(prefix, "product only in ", stem, " (vertex added)"),
        absl::StrCat(Where(file, line), " ", key));
    AddProduct(key, SourceAt(file, line), collected);
  }
  return key;
}

absl::Status ReadProducts(const std::string& dir, Collected* collected,
                          DefectCounter* defects) {
  const std::string file = kProductFile;
  const std::string prefix = BaseName(file) + ": ";
  return ForEachJsonLine(
      dir, file, defects, [&](int64_t line, const Struct& object) {
        if (!RequireFields(object, {"name"}, file, line, defects)) return;
        std::string raw = *StringField(object, "name");
        std::string where = Where(file, line);
        if (raw.find('\\') != std::string::npos) {
          defects->Add(prefix + "name escaped twice (decoded)",
                       absl::StrCat(where, " ", raw));
          raw = DecodeSecondEscape(raw);
        }
        std::string key = CleanName(raw);
        if (HasControl(raw)) {
          defects->Add(prefix +
                           "name with control characters (replaced by "
                           "a space)",
                       absl::StrCat(where, " ", key));
        }
        if (key.empty()) {
          defects->Add(prefix + "empty name (skipped)", where);
          return;
        }
        if (collected->product_keys.count(key) > 0) {
          defects->Add(prefix + "duplicate product name (first kept)",
                       absl::StrCat(where, " ", key));
          return;
        }
        AddProduct(key, SourceAt(file, line), collected);
      });
}

// The firm key of a relation file's company_code ("688268.SH"), or "" (a
// defect) when it is malformed.
std::string RelationFirmKey(const std::string& raw, const std::string& file,
                            int64_t line, DefectCounter* defects) {
  const std::string prefix = BaseName(file) + ": ";
  std::optional<StockCode> code = ParseStockCode(raw);
  if (!code.has_value() || !code->exchange.has_value()) {
    defects->Add(prefix +
                     "company_code is not <6 digits>.<SH|SZ|BJ> "
                     "(skipped)",
                 absl::StrCat(Where(file, line), " ", raw));
    return "";
  }
  if (code->lower_case_suffix) {
    defects->Add(prefix + "lower-case exchange suffix (accepted)",
                 absl::StrCat(Where(file, line), " ", raw));
  }
  return FirmKey(*code->exchange, code->digits);
}

absl::Status ReadCompanyIndustry(const std::string& dir, Collected* collected,
                                 DefectCounter* defects) {
  const std::string file = kCompanyIndustryFile;
  const std::string prefix = BaseName(file) + ": ";
  return ForEachJsonLine(
      dir, file, defects, [&](int64_t line, const Struct& object) {
        if (!RequireFields(object,
                           {"company_code", "industry_code", "industry_name"},
                           file, line, defects)) {
          return;
        }
        std::string where = Where(file, line);
        std::string firm_key = RelationFirmKey(
            *StringField(object, "company_code"), file, line, defects);
        if (firm_key.empty()) return;
        std::string code(
            absl::StripAsciiWhitespace(*StringField(object, "industry_code")));
        std::string name(
            absl::StripAsciiWhitespace(*StringField(object, "industry_name")));
        auto by_code = collected->industry_name_of_code.find(code);
        auto by_name = collected->industry_code_of_name.find(name);
        bool code_known = by_code != collected->industry_name_of_code.end();
        bool name_known = by_name != collected->industry_code_of_name.end();
        std::string industry_key = code;
        if (code_known && by_code->second == name) {
          // The usual case: code and name agree with industry.json.
        } else if (name_known) {
          // The name is the more reliable half: the codes that disagree are
          // those of another SW edition (水泥制造 is 610101 here, 610102
          // there; 640401 does not exist here).
          industry_key = by_name->second;
          defects->Add(
              prefix +
                  "industry code disagrees with industry.json "
                  "(matched by name)",
              absl::StrCat(where, " ", code, " ", name, " -> ", industry_key));
        } else if (code_known) {
          defects->Add(prefix +
                           "industry name differs from industry.json "
                           "(code kept)",
                       absl::StrCat(where, " ", code, " ", name, " / ",
                                    by_code->second));
        } else {
          defects->Add(prefix + "unknown industry (skipped)",
                       absl::StrCat(where, " ", code, " ", name));
          return;
        }
        if (collected->firm_keys.count(firm_key) == 0) {
          // company.json misses some listed firms (中芯国际 688981); this
          // file names them, so the firm can be added under its short name.
          std::string short_name(absl::StripAsciiWhitespace(
              StringField(object, "company_name").value_or("")));
          if (short_name.empty()) {
            defects->Add(prefix + "company unknown and unnamed (skipped)",
                         absl::StrCat(where, " ", firm_key));
            return;
          }
          defects->Add(prefix +
                           "company only in company_industry (firm "
                           "added, short name as the name)",
                       absl::StrCat(where, " ", firm_key, " ", short_name));
          collected->firm_keys.insert(firm_key);
          PendingVertex pending;
          pending.source = SourceAt(file, line);
          v1::Firm* firm = pending.vertex.mutable_firm();
          firm->set_key(firm_key);
          firm->set_name(short_name);
          firm->set_country("CN");
          *firm->mutable_source() = pending.source;
          collected->vertices.push_back(std::move(pending));
        }
        collected->edges.push_back(MakeEdge(
            v1::EDGE_KIND_IN_INDUSTRY, Ref(v1::VERTEX_KIND_FIRM, firm_key),
            Ref(v1::VERTEX_KIND_INDUSTRY, industry_key), SourceAt(file, line)));
      });
}

absl::Status ReadIndustryIndustry(const std::string& dir, Collected* collected,
                                  DefectCounter* defects) {
  const std::string file = kIndustryIndustryFile;
  const std::string prefix = BaseName(file) + ": ";
  return ForEachJsonLine(
      dir, file, defects, [&](int64_t line, const Struct& object) {
        if (!RequireFields(object, {"from_code", "to_code"}, file, line,
                           defects)) {
          return;
        }
        std::string from(
            absl::StripAsciiWhitespace(*StringField(object, "from_code")));
        std::string to(
            absl::StripAsciiWhitespace(*StringField(object, "to_code")));
        std::optional<std::string> rel = StringField(object, "rel");
        if (rel.has_value() && *rel != "上级行业") {
          defects->Add(prefix + "rel is not 上级行业 (skipped)",
                       absl::StrCat(Where(file, line), " ", *rel));
          return;
        }
        if (collected->industry_name_of_code.count(from) == 0 ||
            collected->industry_name_of_code.count(to) == 0) {
          defects->Add(prefix + "industry code not in industry.json (skipped)",
                       absl::StrCat(Where(file, line), " ", from, " -> ", to));
          return;
        }
        collected->edges.push_back(MakeEdge(
            v1::EDGE_KIND_SUBINDUSTRY_OF, Ref(v1::VERTEX_KIND_INDUSTRY, from),
            Ref(v1::VERTEX_KIND_INDUSTRY, to), SourceAt(file, line)));
      });
}

absl::Status ReadCompanyProduct(const std::string& dir, Collected* collected,
                                DefectCounter* defects) {
  const std::string file = kCompanyProductFile;
  const std::string prefix = BaseName(file) + ": ";
  return ForEachJsonLine(
      dir, file, defects, [&](int64_t line, const Struct& object) {
        if (!RequireFields(object, {"company_code", "product_name"}, file, line,
                           defects)) {
          return;
        }
        std::string where = Where(file, line);
        std::optional<std::string> rel = StringField(object, "rel");
        if (rel.has_value() && *rel != "主营产品") {
          defects->Add(prefix + "rel is not 主营产品 (loaded as PRODUCES)",
                       absl::StrCat(where, " ", *rel));
        }
        std::string firm_key = RelationFirmKey(
            *StringField(object, "company_code"), file, line, defects);
        if (firm_key.empty()) return;
        if (collected->firm_keys.count(firm_key) == 0) {
          // Nothing names the firm, so there is no vertex to add.
          defects->Add(prefix +
                           "company unknown in company.json and "
                           "company_industry.json (skipped)",
                       absl::StrCat(where, " ", firm_key));
          return;
        }
        std::string product =
            RelationProduct(*StringField(object, "product_name"), file, line,
                            collected, defects);
        if (product.empty()) return;
        v1::Edge edge = MakeEdge(
            v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_FIRM, firm_key),
            Ref(v1::VERTEX_KIND_PRODUCT, product), SourceAt(file, line));
        std::optional<double> weight = NumberField(object, "rel_weight");
        if (!weight.has_value()) {
          defects->Add(prefix + "rel_weight missing (revenue_share unset)",
                       where);
        } else if (*weight >= 0.0 && *weight <= 1.0) {
          edge.mutable_produces()->set_revenue_share(*weight);
        } else {
          defects->Add(prefix +
                           "rel_weight outside [0, 1] (revenue_share "
                           "unset)",
                       absl::StrCat(where, " ", *weight));
        }
        collected->edges.push_back(std::move(edge));
      });
}

absl::Status ReadProductProduct(const std::string& dir, Collected* collected,
                                DefectCounter* defects) {
  const std::string file = kProductProductFile;
  const std::string prefix = BaseName(file) + ": ";
  return ForEachJsonLine(
      dir, file, defects, [&](int64_t line, const Struct& object) {
        if (!RequireFields(object, {"from_entity", "rel", "to_entity"}, file,
                           line, defects)) {
          return;
        }
        std::string where = Where(file, line);
        std::string rel = *StringField(object, "rel");
        v1::EdgeKind kind = v1::EDGE_KIND_UNSPECIFIED;
        bool reversed = false;  // the edge goes to_entity -> from_entity
        if (rel == "上游材料") {
          kind = v1::EDGE_KIND_INPUT_TO;
          reversed = true;
        } else if (rel == "下游产品") {
          kind = v1::EDGE_KIND_INPUT_TO;
        } else if (rel == "产品小类") {
          kind = v1::EDGE_KIND_SUBCLASS_OF;
          reversed = true;
        } else {
          defects->Add(
              absl::StrCat(prefix, "rel ", rel, " has no edge kind (skipped)"),
              where);
          return;
        }
        std::string from_raw = *StringField(object, "from_entity");
        std::string to_raw = *StringField(object, "to_entity");
        if (CleanName(from_raw) == CleanName(to_raw)) {
          defects->Add(prefix + "self-loop (skipped)",
                       absl::StrCat(where, " ", rel, " ", CleanName(from_raw)));
          return;
        }
        std::string from =
            RelationProduct(from_raw, file, line, collected, defects);
        std::string to =
            RelationProduct(to_raw, file, line, collected, defects);
        if (from.empty() || to.empty()) return;
        if (reversed) std::swap(from, to);
        v1::Edge edge =
            MakeEdge(kind, Ref(v1::VERTEX_KIND_PRODUCT, from),
                     Ref(v1::VERTEX_KIND_PRODUCT, to), SourceAt(file, line));
        if (kind == v1::EDGE_KIND_INPUT_TO) {
          // essential stays false: the dataset does not say.
          edge.mutable_input_to();
        }
        collected->edges.push_back(std::move(edge));
      });
}

// industry_up.json is read only to count its lines: its industry-level
// upstream counts have no edge kind in the model.
absl::Status CountIndustryUp(const std::string& dir, DefectCounter* defects) {
  const std::string file = kIndustryUpFile;
  return ForEachJsonLine(dir, file, defects, [&](int64_t line, const Struct&) {
    defects->Add(
        "industry_up.json not loaded: industry-level "
        "upstream counts have no edge kind",
        Where(file, line));
  });
}

}  // namespace

absl::Status ReadChainKgDataset(const std::string& dir, const RowSink& sink,
                                DatasetReport* report) {
  DefectCounter* defects = &report->defects;
  Collected collected;
  // Order matters: the relation files check codes and names against the
  // vertex files.
  CHAINKG_RETURN_IF_ERROR(ReadCompanies(dir, &collected, defects));
  CHAINKG_RETURN_IF_ERROR(ReadIndustries(dir, &collected, defects));
  CHAINKG_RETURN_IF_ERROR(ReadProducts(dir, &collected, defects));
  CHAINKG_RETURN_IF_ERROR(ReadCompanyIndustry(dir, &collected, defects));
  CHAINKG_RETURN_IF_ERROR(ReadIndustryIndustry(dir, &collected, defects));
  CHAINKG_RETURN_IF_ERROR(ReadCompanyProduct(dir, &collected, defects));
  CHAINKG_RETURN_IF_ERROR(ReadProductProduct(dir, &collected, defects));
  CHAINKG_RETURN_IF_ERROR(CountIndustryUp(dir, defects));

  RecordSender sender(sink, report);
  for (PendingVertex& pending : collected.vertices) {
    CHAINKG_RETURN_IF_ERROR(
        sender.SendVertex(std::move(pending.vertex), pending.source));
  }
  collected.vertices.clear();
  for (v1::Edge& edge : collected.edges) {
    CHAINKG_RETURN_IF_ERROR(sender.SendEdge(std::move(edge)));
  }
  return absl::OkStatus();
}

}  // namespace chainkg::loaders
