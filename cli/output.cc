#include "cli/output.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"

#include "util/text_normalize.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace chainkg::cli {
namespace {

using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr int kMaxTableCellWidth = 60;

// "PRODUCT_KIND_MATERIAL" -> "material": the enum's own prefix removed.
std::string EnumText(const EnumValueDescriptor* value) {
  // A value added by a newer server is unknown here.
  if (value == nullptr) return "?";
  std::string name = value->name();
  std::string prefix = value->type()->value(0)->name();
  size_t cut = prefix.rfind("UNSPECIFIED");
  if (cut != std::string::npos) prefix.resize(cut);
  if (name.compare(0, prefix.size(), prefix) == 0)
    name = name.substr(prefix.size());
  if (value->number() == 0) return "";
  return absl::AsciiStrToLower(name);
}

std::string ChineseCredential(v1::CredentialKind kind) {
  switch (kind) {
    case v1::CREDENTIAL_KIND_CHAIN_LEADER:
      return "链主";
    case v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION:
      return "单项冠军";
    case v1::CREDENTIAL_KIND_LITTLE_GIANT:
      return "小巨人";
    case v1::CREDENTIAL_KIND_SPECIALIZED_SME:
      return "专精特新";
    case v1::CREDENTIAL_KIND_INNOVATIVE_SME:
      return "创新型中小企业";
    case v1::CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE:
      return "高新技术企业";
    case v1::CREDENTIAL_KIND_SMART_FACTORY:
      return "智能工厂";
    default:
      return "?";
  }
}

std::string ChineseLevel(v1::Level level) {
  switch (level) {
    case v1::LEVEL_NATIONAL:
      return "国家级";
    case v1::LEVEL_PROVINCIAL:
      return "省级";
    case v1::LEVEL_MUNICIPAL:
      return "市级";
    default:
      return "";
  }
}

std::string SourceText(const v1::Source& source) {
  std::vector<std::string> parts;
  if (!source.file().empty()) {
    parts.push_back(source.line() > 0
                        ? absl::StrCat(source.file(), ":", source.line())
                        : source.file());
  }
  if (!source.dataset().empty()) parts.push_back(source.dataset());
  if (!source.client().empty()) parts.push_back(source.client());
  if (!source.observed_on().empty()) parts.push_back(source.observed_on());
  return absl::StrJoin(parts, " ");
}

// Full form: every field, "|"-separated, one credential per "; " item.
std::string CredentialText(const v1::Credential& c) {
  return absl::StrJoin(
      {EnumText(v1::CredentialKind_descriptor()->FindValueByNumber(c.kind())),
       EnumText(v1::Level_descriptor()->FindValueByNumber(c.level())),
       c.year() == 0 ? std::string() : absl::StrCat(c.year()), c.batch(),
       c.valid_from(), c.valid_to(),
       EnumText(
           v1::CredentialStatus_descriptor()->FindValueByNumber(c.status()))},
      "|");
}

std::string CredentialSummary(const v1::Credential& c) {
  std::string text = ChineseCredential(c.kind());
  std::vector<std::string> detail;
  if (c.level() != v1::LEVEL_UNSPECIFIED)
    detail.push_back(ChineseLevel(c.level()));
  if (c.year() != 0) detail.push_back(absl::StrCat(c.year()));
  if (c.status() == v1::CREDENTIAL_STATUS_REVOKED) detail.push_back("已撤销");
  if (!detail.empty())
    absl::StrAppend(&text, "(", absl::StrJoin(detail, ","), ")");
  return text;
}

std::string FieldText(const Message& message, const FieldDescriptor* field,
                      bool for_table) {
  const auto* reflection = message.GetReflection();
  if (field->is_repeated()) {
    std::vector<std::string> items;
    for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        items.push_back(reflection->GetRepeatedString(message, field, i));
      } else if (field->message_type() == v1::Credential::descriptor()) {
        const auto& c = static_cast<const v1::Credential&>(
            reflection->GetRepeatedMessage(message, field, i));
        items.push_back(for_table ? CredentialSummary(c) : CredentialText(c));
      }
    }
    return absl::StrJoin(items, for_table ? " " : "; ");
  }
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return reflection->GetString(message, field);
    case FieldDescriptor::CPPTYPE_BOOL:
      return reflection->GetBool(message, field) ? "yes" : "";
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumText(reflection->GetEnum(message, field));
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(reflection->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(reflection->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double value = reflection->GetDouble(message, field);
      return value == 0 ? "" : absl::StrCat(value);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (field->message_type() == v1::Source::descriptor()) {
        return SourceText(static_cast<const v1::Source&>(
            reflection->GetMessage(message, field)));
      }
      return "";
    default:
      return "";
  }
}

const Message* RecordOf(const v1::Vertex& vertex) {
  const auto* oneof = v1::Vertex::descriptor()->FindOneofByName("record");
  const FieldDescriptor* field =
      vertex.GetReflection()->GetOneofFieldDescriptor(vertex, oneof);
  if (field == nullptr) return nullptr;
  return &vertex.GetReflection()->GetMessage(vertex, field);
}

void AppendPadded(std::string* line, const std::string& cell, int width) {
  line->append(cell);
  line->append(static_cast<size_t>(std::max(0, width - DisplayWidth(cell))),
               ' ');
}

// Cuts a cell to at most max_width display columns, marking the cut.
std::string Clip(const std::string& cell, int max_width) {
  if (DisplayWidth(cell) <= max_width) return cell;
  std::string out;
  // Walk UTF-8 sequences so a character is never split.
  for (size_t i = 0; i < cell.size();) {
    size_t len = 1;
    auto byte = static_cast<unsigned char>(cell[i]);
    if (byte >= 0xf0)
      len = 4;
    else if (byte >= 0xe0)
      len = 3;
    else if (byte >= 0xc0)
      len = 2;
    std::string next = out + cell.substr(i, len);
    if (DisplayWidth(next) > max_width - 1) break;
    out = std::move(next);
    i += len;
  }
  return out + "…";
}

// Whether any byte of word is `byte`: the "has a zero byte" test of
// word ^ (byte in every lane), exact as a yes / no answer.
bool HasByte(uint64_t word, uint8_t byte) {
  const uint64_t x = word ^ (0x0101010101010101ULL * byte);
  return ((x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL) != 0;
}

bool WordIsSpecial(const char* at) {
  uint64_t word;
  std::memcpy(&word, at, 8);
  return HasByte(word, ',') || HasByte(word, '"') || HasByte(word, '\r') ||
         HasByte(word, '\n');
}

#if defined(__SSE2__)
bool BlockIsSpecial(const char* at) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i special =
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(',')),
                                _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'))),
                   _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')),
                                _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n'))));
  return _mm_movemask_epi8(special) != 0;
}
#endif

}  // namespace

// Large exports check every cell, most of them a few dozen bytes: whole
// blocks of sixteen bytes where SSE2 is (x86-64), else of eight, the last
// block overlapping the one before rather than a byte-by-byte tail.
bool CsvNeedsQuotes(absl::string_view cell) {
  const char* data = cell.data();
  const size_t size = cell.size();
#if defined(__SSE2__)
  if (size >= 16) {
    for (size_t i = 0; i + 16 < size; i += 16) {
      if (BlockIsSpecial(data + i)) return true;
    }
    return BlockIsSpecial(data + size - 16);
  }
#endif
  if (size >= 8) {
    for (size_t i = 0; i + 8 < size; i += 8) {
      if (WordIsSpecial(data + i)) return true;
    }
    return WordIsSpecial(data + size - 8);
  }
  for (size_t i = 0; i < size; ++i) {
    const char c = data[i];
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

absl::StatusOr<Format> ParseFormat(absl::string_view text) {
  if (text == "table") return Format::kTable;
  if (text == "json") return Format::kJson;
  if (text == "csv") return Format::kCsv;
  if (text == "dot") return Format::kDot;
  if (text == "svg") return Format::kSvg;
  return absl::InvalidArgumentError(absl::StrCat(
      "--format must be table, json, csv, dot or svg, got \"", text, "\""));
}

Rows VertexRows(const std::vector<v1::Vertex>& vertices, bool for_table) {
  Rows rows;
  for (const v1::Vertex& vertex : vertices) {
    const Message* record = RecordOf(vertex);
    if (record == nullptr) continue;
    const auto* descriptor = record->GetDescriptor();
    if (rows.header.empty()) {
      for (int i = 0; i < descriptor->field_count(); ++i) {
        if (for_table && descriptor->field(i)->name() == "source") continue;
        rows.header.push_back(descriptor->field(i)->name());
      }
    }
    std::vector<std::string> row;
    for (int i = 0; i < descriptor->field_count(); ++i) {
      if (for_table && descriptor->field(i)->name() == "source") continue;
      row.push_back(FieldText(*record, descriptor->field(i), for_table));
    }
    rows.cells.push_back(std::move(row));
  }
  return rows;
}

Rows EdgeRows(const std::vector<v1::Edge>& edges, bool for_table) {
  Rows rows;
  rows.header = {"kind",    "from_kind", "from_key",
                 "to_kind", "to_key",    "properties"};
  if (!for_table) rows.header.push_back("source");
  for (const v1::Edge& edge : edges) {
    std::vector<std::string> props;
    const auto* oneof = v1::Edge::descriptor()->FindOneofByName("props");
    const FieldDescriptor* field =
        edge.GetReflection()->GetOneofFieldDescriptor(edge, oneof);
    if (field != nullptr) {
      const Message& message = edge.GetReflection()->GetMessage(edge, field);
      const auto* descriptor = message.GetDescriptor();
      for (int i = 0; i < descriptor->field_count(); ++i) {
        std::string text = FieldText(message, descriptor->field(i), for_table);
        if (!text.empty()) {
          props.push_back(
              absl::StrCat(descriptor->field(i)->name(), "=", text));
        }
      }
    }
    std::vector<std::string> row = {
        EnumText(v1::EdgeKind_descriptor()->FindValueByNumber(edge.kind())),
        EnumText(
            v1::VertexKind_descriptor()->FindValueByNumber(edge.from().kind())),
        edge.from().key(),
        EnumText(
            v1::VertexKind_descriptor()->FindValueByNumber(edge.to().kind())),
        edge.to().key(),
        absl::StrJoin(props, " ")};
    if (!for_table) row.push_back(SourceText(edge.source()));
    rows.cells.push_back(std::move(row));
  }
  return rows;
}

void WriteTable(const Rows& rows, std::ostream& out) {
  if (rows.header.empty()) return;
  std::vector<std::vector<std::string>> clipped;
  for (const auto& row : rows.cells) {
    std::vector<std::string> cells;
    for (const std::string& cell : row) {
      cells.push_back(Clip(cell, kMaxTableCellWidth));
    }
    clipped.push_back(std::move(cells));
  }
  std::vector<int> widths;
  for (const std::string& title : rows.header) {
    widths.push_back(DisplayWidth(title));
  }
  for (const auto& row : clipped) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  auto write_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i + 1 == row.size()) {
        line.append(row[i]);
      } else {
        AppendPadded(&line, row[i], widths[i]);
        line.append("  ");
      }
    }
    out << line << "\n";
  };
  write_row(rows.header);
  std::vector<std::string> rule;
  for (int width : widths) rule.emplace_back(static_cast<size_t>(width), '-');
  write_row(rule);
  for (const auto& row : clipped) write_row(row);
}

namespace {

bool StartsLikeAFormula(absl::string_view cell) {
  if (cell.empty()) return false;
  switch (cell[0]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

// All digits, and 12 or more of them or a leading zero (not "0" alone).
bool IsDigitCode(absl::string_view cell) {
  if (cell.size() < 2) return false;
  for (char c : cell) {
    if (c < '0' || c > '9') return false;
  }
  return cell.size() >= 12 || cell[0] == '0';
}

}  // namespace

bool CsvCellNeedsGuard(absl::string_view cell) {
  return StartsLikeAFormula(cell) || (!cell.empty() && cell[0] >= '0' &&
                                      cell[0] <= '9' && IsDigitCode(cell));
}

void AppendCsvCell(absl::string_view cell, std::string* out) {
  if (IsDigitCode(cell)) {
    out->append("\"=\"\"");
    out->append(cell.data(), cell.size());
    out->append("\"\"\"");
    return;
  }
  const bool formula = StartsLikeAFormula(cell);
  if (!formula && !CsvNeedsQuotes(cell)) {
    out->append(cell.data(), cell.size());
    return;
  }
  out->push_back('"');
  if (formula) out->push_back('\'');
  for (char c : cell) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

namespace {

void WriteCsvRows(const Rows& rows, std::ostream& out) {
  std::string line;
  auto write_row = [&](const std::vector<std::string>& row) {
    line.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line.push_back(',');
      AppendCsvCell(row[i], &line);
    }
    line.append("\r\n");
    out << line;
  };
  write_row(rows.header);
  for (const auto& row : rows.cells) write_row(row);
}

constexpr char kBom[] = "\xEF\xBB\xBF";  // Excel then reads UTF-8

}  // namespace

void WriteCsv(const Rows& rows, std::ostream& out) {
  out << kBom;
  WriteCsvRows(rows, out);
}

void WriteCsvTables(
    const std::vector<std::pair<std::string, const Rows*>>& tables,
    std::ostream& out) {
  out << kBom;
  for (size_t i = 0; i < tables.size(); ++i) {
    if (i > 0) out << "\r\n";
    std::string title;
    AppendCsvCell(tables[i].first, &title);
    out << title << "\r\n";
    WriteCsvRows(*tables[i].second, out);
  }
}

void WriteRecord(const Rows& rows, std::ostream& out) {
  int width = 0;
  for (const std::string& title : rows.header) {
    width = std::max(width, DisplayWidth(title));
  }
  for (const auto& row : rows.cells) {
    for (size_t i = 0; i < row.size(); ++i) {
      std::string line;
      AppendPadded(&line, rows.header[i], width);
      out << line << "  " << row[i] << "\n";
    }
  }
}

void WriteJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a valid message cannot fail; protobuf 3.21's own Status type
  // is not [[nodiscard]], and an error would be a protobuf bug.
  google::protobuf::util::MessageToJsonString(message, &json, options);
  out << json;
  if (json.empty() || json.back() != '\n') out << "\n";
}

std::string CredentialLabel(v1::CredentialKind kind) {
  switch (kind) {
    case v1::CREDENTIAL_KIND_CHAIN_LEADER:
      return "链主 chain leader";
    case v1::CREDENTIAL_KIND_SINGLE_ITEM_CHAMPION:
      return "单项冠军 single-item champion";
    case v1::CREDENTIAL_KIND_LITTLE_GIANT:
      return "小巨人 little giant";
    case v1::CREDENTIAL_KIND_SPECIALIZED_SME:
      return "专精特新 specialized SME";
    case v1::CREDENTIAL_KIND_INNOVATIVE_SME:
      return "创新型中小企业 innovative SME";
    case v1::CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE:
      return "高新技术企业 high-tech enterprise";
    case v1::CREDENTIAL_KIND_SMART_FACTORY:
      return "智能工厂 smart factory";
    default:
      return "?";
  }
}

std::string LevelLabel(v1::Level level) {
  switch (level) {
    case v1::LEVEL_NATIONAL:
      return "国家级 national";
    case v1::LEVEL_PROVINCIAL:
      return "省级 provincial";
    case v1::LEVEL_MUNICIPAL:
      return "市级 municipal";
    default:
      return "-";
  }
}

std::string ViewText(uint64_t sequence, const v1::Freshness& freshness) {
  std::string text = absl::StrCat("view ", sequence);
  if (freshness.latest_sequence() <= sequence) return text;
  if (freshness.behind_ms() > 0) {
    absl::StrAppend(&text, ", ",
                    absl::StrFormat("%.1f", freshness.behind_ms() / 1000.0),
                    " s behind the latest write (sequence ",
                    freshness.latest_sequence(), ")");
  } else {
    absl::StrAppend(&text, ", the latest write is sequence ",
                    freshness.latest_sequence());
  }
  return text;
}

}  // namespace chainkg::cli
