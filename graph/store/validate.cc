#include "graph/store/validate.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"

#include "graph/store/vertex_record.h"
#include "util/codes.h"
#include "util/field_error.h"
#include "util/status_macros.h"
#include "util/text_normalize.h"

namespace chainkg::graph {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr size_t kMaxKeyBytes = 256;
constexpr size_t kMaxStringBytes = 4096;

constexpr int kMaxRepeated = 200;

// Where CheckFields is in a record: the chain of fields from the root,
// turned into a path string ("firm.credentials[0].batch") only for an
// error, since the walk runs on every record written.
struct FieldPath {
  const FieldPath* parent;  // nullptr: a field of the record itself
  const FieldDescriptor* field;
  int index;  // in a repeated field, else -1
};

std::string PathText(const FieldPath* path) {
  if (path == nullptr) return "";
  std::string text = PathText(path->parent);
  if (!text.empty()) text += ".";
  text += path->field->name();
  if (path->index >= 0) absl::StrAppend(&text, "[", path->index, "]");
  return text;
}

// What CheckFields looks at in one message type: the fields that can hold
// something invalid, i.e. strings, enums, messages and the size of every
// repeated field (a double or a bool cannot be wrong). Computed once per
// type from its descriptor, so every field added to model.proto is
// checked without code here, and the walk per record needs no descriptor
// search, no field list and no sort (what Reflection::ListFields costs).
struct MessagePlan;
struct FieldCheck {
  const FieldDescriptor* field;
  const MessagePlan* message = nullptr;  // CPPTYPE_MESSAGE: its plan
  std::vector<bool> enum_known;          // CPPTYPE_ENUM: by number >= 0
};
struct MessagePlan {
  std::vector<FieldCheck> fields;
};

// The plan of type and of every message type under it. Thread-safe; plans
// live as long as the process.
const MessagePlan& PlanOf(const google::protobuf::Descriptor* type) {
  ABSL_CONST_INIT static absl::Mutex mu(absl::kConstInit);
  static auto* plans =
      new absl::flat_hash_map<const google::protobuf::Descriptor*,
                              std::unique_ptr<MessagePlan>>();
  absl::MutexLock lock(&mu);
  // Depth first; a type is entered in plans before its fields are planned,
  // so a recursive type points at its own plan.
  std::function<const MessagePlan*(const google::protobuf::Descriptor*)> plan =
      [&](const google::protobuf::Descriptor* message) -> const MessagePlan* {
    std::unique_ptr<MessagePlan>& slot = (*plans)[message];
    if (slot != nullptr) return slot.get();
    slot = std::make_unique<MessagePlan>();
    MessagePlan* result = slot.get();  // stable: the map holds pointers
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      FieldCheck check{field, nullptr, {}};
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          const google::protobuf::EnumDescriptor* type = field->enum_type();
          for (int v = 0; v < type->value_count(); ++v) {
            int number = type->value(v)->number();
            if (number < 0) continue;  // looked up by number instead
            if (static_cast<size_t>(number) >= check.enum_known.size()) {
              check.enum_known.resize(number + 1, false);
            }
            check.enum_known[number] = true;
          }
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          check.message = plan(field->message_type());
          break;
        default:
          if (!field->is_repeated()) continue;  // nothing to check
      }
      result->fields.push_back(std::move(check));
    }
    // In field-number order, as ListFields went: the first error reported
    // does not depend on the order of declaration.
    std::sort(result->fields.begin(), result->fields.end(),
              [](const FieldCheck& a, const FieldCheck& b) {
                return a.field->number() < b.field->number();
              });
    return result;
  };
  return *plan(type);
}

bool IsKnownEnumValue(const FieldCheck& check, int value) {
  if (value >= 0 && static_cast<size_t>(value) < check.enum_known.size()) {
    return check.enum_known[value];
  }
  return check.field->enum_type()->FindValueByNumber(value) != nullptr;
}

// Every field of a record, nested ones included: strings valid UTF-8 and of
// bounded size, enum values known to this build, repeated fields bounded.
// Nothing invalid is ever stored. Drops unknown fields on the way, which
// would be stored unchecked and returned to readers. plan is
// PlanOf(message's type).
absl::Status CheckFields(Message* message, const MessagePlan& plan,
                         const FieldPath* path) {
  const auto* reflection = message->GetReflection();
  if (!reflection->GetUnknownFields(*message).empty()) {
    reflection->MutableUnknownFields(message)->Clear();
  }
  std::string scratch;
  for (const FieldCheck& check : plan.fields) {
    const FieldDescriptor* field = check.field;
    bool repeated = field->is_repeated();
    int count;
    if (repeated) {
      count = reflection->FieldSize(*message, field);
      if (count > kMaxRepeated) {
        FieldPath field_path{path, field, -1};
        return InvalidField(PathText(&field_path),
                            absl::StrCat("at most ", kMaxRepeated, " entries"));
      }
    } else {
      count = reflection->HasField(*message, field) ? 1 : 0;
    }
    for (int i = 0; i < count; ++i) {
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          const std::string& value =
              repeated
                  ? reflection->GetRepeatedStringReference(*message, field, i,
                                                           &scratch)
                  : reflection->GetStringReference(*message, field, &scratch);
          if (!IsValidUtf8(value)) {
            FieldPath item_path{path, field, repeated ? i : -1};
            return InvalidField(PathText(&item_path), "not valid UTF-8");
          }
          if (value.size() > kMaxStringBytes) {
            FieldPath item_path{path, field, repeated ? i : -1};
            return InvalidField(
                PathText(&item_path),
                absl::StrCat("longer than ", kMaxStringBytes, " bytes"));
          }
          break;
        }
        case FieldDescriptor::CPPTYPE_ENUM: {
          int value = repeated
                          ? reflection->GetRepeatedEnumValue(*message, field, i)
                          : reflection->GetEnumValue(*message, field);
          if (!IsKnownEnumValue(check, value)) {
            FieldPath item_path{path, field, repeated ? i : -1};
            return InvalidField(
                PathText(&item_path),
                absl::StrCat("unknown ", field->enum_type()->name(), " value ",
                             value));
          }
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          Message* child =
              repeated ? reflection->MutableRepeatedMessage(message, field, i)
                       : reflection->MutableMessage(message, field);
          FieldPath item_path{path, field, repeated ? i : -1};
          CHAINKG_RETURN_IF_ERROR(
              CheckFields(child, *check.message, &item_path));
          break;
        }
        default:
          break;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckFields(v1::Vertex* vertex) {
  static const MessagePlan& plan = PlanOf(v1::Vertex::descriptor());
  return CheckFields(vertex, plan, nullptr);
}

// Unknown fields are dropped by the full check; the fast path leaves them
// to it.
bool NoUnknownFields(const Message& message) {
  return message.GetReflection()->GetUnknownFields(message).empty();
}

bool StringPasses(const std::string& value) {
  return value.size() <= kMaxStringBytes && IsValidUtf8(value);
}

bool RefPasses(const v1::VertexRef& ref) {
  return NoUnknownFields(ref) && v1::VertexKind_IsValid(ref.kind()) &&
         StringPasses(ref.key());
}

bool SourcePasses(const v1::Source& source) {
  return NoUnknownFields(source) && StringPasses(source.file()) &&
         StringPasses(source.client()) && StringPasses(source.dataset()) &&
         StringPasses(source.observed_on());
}

absl::Status CheckFields(v1::Edge* edge) {
  // Nearly every edge passes: the generated accessors say so several times
  // faster than the walk, which then only runs to name what failed.
  if (internal::EdgeFieldsPass(*edge)) return absl::OkStatus();
  static const MessagePlan& plan = PlanOf(v1::Edge::descriptor());
  return CheckFields(edge, plan, nullptr);
}

std::string Trimmed(absl::string_view s) {
  return std::string(absl::StripAsciiWhitespace(s));
}

bool HasControlCharacter(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// A firm key is a USCC, or "NS:ID" with an upper-case namespace.
absl::Status CanonicalizeFirmKey(std::string* key,
                                 std::vector<std::string>* warnings,
                                 absl::string_view field) {
  size_t colon = key->find(':');
  if (colon == std::string::npos) {
    absl::AsciiStrToUpper(key);
    absl::Status shape = ValidateUsccShape(*key);
    if (!shape.ok()) {
      return InvalidField(
          field, absl::StrCat(shape.message(),
                              " (use \"NS:ID\", e.g. \"SSE:600373\", for firms "
                              "without a USCC)"));
    }
    if (warnings != nullptr && !UsccCheckDigitOk(*key)) {
      warnings->push_back(absl::StrCat(
          field, ": USCC \"", *key, "\" fails the GB 32100-2015 check digit ",
          "(expected '", std::string(1, UsccCheckCharacter(*key)),
          "'); kept as given"));
    }
    return absl::OkStatus();
  }
  std::string ns = key->substr(0, colon);
  absl::AsciiStrToUpper(&ns);
  bool ns_ok = !ns.empty() && absl::ascii_isalpha(ns[0]);
  for (char c : ns) {
    if (!absl::ascii_isalnum(c) && c != '_') ns_ok = false;
  }
  if (!ns_ok) {
    return InvalidField(field,
                        absl::StrCat("namespace \"", key->substr(0, colon),
                                     "\" must be letters, digits or _ "
                                     "starting with a letter"));
  }
  std::string id = Trimmed(key->substr(colon + 1));
  if (id.empty()) {
    return InvalidField(field, absl::StrCat("namespaced key \"", *key,
                                            "\" has nothing after ':'"));
  }
  *key = absl::StrCat(ns, ":", id);
  return absl::OkStatus();
}

absl::Status CanonicalizeKey(v1::VertexKind kind, std::string* key,
                             std::vector<std::string>* warnings,
                             absl::string_view field) {
  *key = Trimmed(*key);
  if (key->empty()) return InvalidField(field, "required");
  if (key->size() > kMaxKeyBytes) {
    return InvalidField(field,
                        absl::StrCat("longer than ", kMaxKeyBytes, " bytes"));
  }
  if (!IsValidUtf8(*key)) return InvalidField(field, "not valid UTF-8");
  if (HasControlCharacter(*key)) {
    return InvalidField(field, "contains a control character");
  }
  if (kind == v1::VERTEX_KIND_FIRM) {
    return CanonicalizeFirmKey(key, warnings, field);
  }
  return absl::OkStatus();
}

// Trims a display name and checks it: no control characters, and something
// left to index after normalization (a name of only zero-width or space
// characters could never be found).
absl::Status CanonicalizeName(std::string* name, absl::string_view field) {
  *name = Trimmed(*name);
  if (name->empty()) return InvalidField(field, "required");
  if (HasControlCharacter(*name)) {
    return InvalidField(field, "contains a control character");
  }
  if (NormalizeName(*name).empty()) {
    return InvalidField(field, "has no visible characters");
  }
  return absl::OkStatus();
}

absl::Status CanonicalizeNames(
    google::protobuf::RepeatedPtrField<std::string>* names,
    absl::string_view field) {
  for (int i = 0; i < names->size(); ++i) {
    CHAINKG_RETURN_IF_ERROR(
        CanonicalizeName(names->Mutable(i), absl::StrCat(field, "[", i, "]")));
  }
  return absl::OkStatus();
}

// Requires both dates valid or empty; INVALID_ARGUMENT on `last_field` when
// last is before first.
absl::Status CheckDateOrder(const std::string& first, const std::string& last,
                            absl::string_view last_field,
                            absl::string_view first_name) {
  if (!first.empty() && !last.empty() && last < first) {
    return InvalidField(last_field, absl::StrCat("is before ", first_name));
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalDate(const std::string& date,
                               absl::string_view field) {
  if (date.empty()) return absl::OkStatus();
  absl::Status status = ValidateDate(date);
  return status.ok() ? status : InvalidField(field, status.message());
}

absl::Status CanonicalizeLocation(std::string* country, std::string* region,
                                  absl::string_view prefix) {
  *country = Trimmed(*country);
  absl::AsciiStrToUpper(country);
  *region = Trimmed(*region);
  if (!country->empty()) {
    absl::Status status = ValidateCountryCode(*country);
    if (!status.ok()) {
      return InvalidField(absl::StrCat(prefix, ".country"), status.message());
    }
  }
  if (!region->empty()) {
    absl::Status status = ValidateRegionCode(*region);
    if (!status.ok()) {
      return InvalidField(absl::StrCat(prefix, ".region_code"),
                          status.message());
    }
    if (!country->empty() && *country != "CN") {
      return InvalidField(absl::StrCat(prefix, ".region_code"),
                          absl::StrCat("GB/T 2260 region codes are for CN; "
                                       "country is \"",
                                       *country, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCredential(const v1::Credential& credential,
                             const std::string& field) {
  if (credential.kind() == v1::CREDENTIAL_KIND_UNSPECIFIED) {
    return InvalidField(absl::StrCat(field, ".kind"), "required");
  }
  CHAINKG_RETURN_IF_ERROR(CheckOptionalDate(
      credential.valid_from(), absl::StrCat(field, ".valid_from")));
  CHAINKG_RETURN_IF_ERROR(CheckOptionalDate(credential.valid_to(),
                                            absl::StrCat(field, ".valid_to")));
  CHAINKG_RETURN_IF_ERROR(
      CheckDateOrder(credential.valid_from(), credential.valid_to(),
                     absl::StrCat(field, ".valid_to"), "valid_from"));
  if (credential.year() < 0 || credential.year() > 9999) {
    return InvalidField(absl::StrCat(field, ".year"), "must be 0..9999");
  }
  return absl::OkStatus();
}

absl::Status CheckShare(double share, absl::string_view field) {
  if (!(share >= 0.0 && share <= 1.0)) {
    return InvalidField(field, "must be in [0, 1]");
  }
  return absl::OkStatus();
}

// "PRODUCES" for EDGE_KIND_PRODUCES.
std::string EdgeKindName(v1::EdgeKind kind) {
  std::string name = v1::EdgeKind_Name(kind);
  return name.substr(std::string("EDGE_KIND_").size());
}

bool AllowedEndpoints(v1::EdgeKind kind, v1::VertexKind from,
                      v1::VertexKind to) {
  using K = v1::VertexKind;
  switch (kind) {
    case v1::EDGE_KIND_PRODUCES:
      return from == K::VERTEX_KIND_FIRM && to == K::VERTEX_KIND_PRODUCT;
    case v1::EDGE_KIND_SUPPLIES:
      return from == K::VERTEX_KIND_FIRM && to == K::VERTEX_KIND_FIRM;
    case v1::EDGE_KIND_INPUT_TO:
    case v1::EDGE_KIND_SUBCLASS_OF:
      return from == K::VERTEX_KIND_PRODUCT && to == K::VERTEX_KIND_PRODUCT;
    case v1::EDGE_KIND_IN_CHAIN:
      return from == K::VERTEX_KIND_PRODUCT && to == K::VERTEX_KIND_CHAIN;
    case v1::EDGE_KIND_LEADS:
      return (from == K::VERTEX_KIND_FIRM &&
              (to == K::VERTEX_KIND_CHAIN || to == K::VERTEX_KIND_PROJECT)) ||
             (from == K::VERTEX_KIND_CONSORTIUM &&
              to == K::VERTEX_KIND_PROJECT);
    case v1::EDGE_KIND_MEMBER_OF:
      return (from == K::VERTEX_KIND_FIRM || from == K::VERTEX_KIND_PLATFORM) &&
             to == K::VERTEX_KIND_CONSORTIUM;
    case v1::EDGE_KIND_SUPPORTS:
      return (from == K::VERTEX_KIND_PLATFORM ||
              from == K::VERTEX_KIND_CONSORTIUM) &&
             to == K::VERTEX_KIND_PRODUCT;
    case v1::EDGE_KIND_TARGETS:
      return from == K::VERTEX_KIND_PROJECT && to == K::VERTEX_KIND_PRODUCT;
    case v1::EDGE_KIND_IN_INDUSTRY:
      return from == K::VERTEX_KIND_FIRM && to == K::VERTEX_KIND_INDUSTRY;
    case v1::EDGE_KIND_SUBINDUSTRY_OF:
      return from == K::VERTEX_KIND_INDUSTRY && to == K::VERTEX_KIND_INDUSTRY;
    default:
      return false;
  }
}

// The props case an edge kind may carry (PROPS_NOT_SET: none).
v1::Edge::PropsCase PropsFor(v1::EdgeKind kind) {
  switch (kind) {
    case v1::EDGE_KIND_PRODUCES:
      return v1::Edge::kProduces;
    case v1::EDGE_KIND_SUPPLIES:
      return v1::Edge::kSupplies;
    case v1::EDGE_KIND_INPUT_TO:
      return v1::Edge::kInputTo;
    case v1::EDGE_KIND_IN_CHAIN:
      return v1::Edge::kInChain;
    case v1::EDGE_KIND_MEMBER_OF:
      return v1::Edge::kMemberOf;
    default:
      return v1::Edge::PROPS_NOT_SET;
  }
}

absl::Status CanonicalizeRefAt(v1::VertexRef* ref, absl::string_view field) {
  auto path = [field](absl::string_view name) {
    return field.empty() ? std::string(name) : absl::StrCat(field, ".", name);
  };
  if (ref->kind() == v1::VERTEX_KIND_UNSPECIFIED ||
      !v1::VertexKind_IsValid(ref->kind())) {
    return InvalidField(path("kind"),
                        "required (firm, product, chain, consortium, "
                        "platform, industry or project)");
  }
  return CanonicalizeKey(ref->kind(), ref->mutable_key(), nullptr, path("key"));
}

}  // namespace

absl::Status CanonicalizeRef(v1::VertexRef* ref) {
  return CanonicalizeRefAt(ref, "");
}

absl::StatusOr<std::vector<std::string>> CanonicalizeVertex(
    v1::Vertex* vertex, NameRequirement name_requirement) {
  std::vector<std::string> warnings;
  v1::VertexKind kind = KindOf(*vertex);
  if (kind == v1::VERTEX_KIND_UNSPECIFIED) {
    return InvalidField("record",
                        "no record set (one of firm, product, chain, "
                        "consortium, platform, industry, project)");
  }
  std::string prefix(KindName(kind));
  CHAINKG_RETURN_IF_ERROR(CheckFields(vertex));

  // Key and name live at the same field numbers in every record; reach them
  // through the typed accessors per kind.
  std::string* key = nullptr;
  std::string* name = nullptr;
  switch (vertex->record_case()) {
    case v1::Vertex::kFirm: {
      v1::Firm* firm = vertex->mutable_firm();
      key = firm->mutable_key();
      name = firm->mutable_name();
      CHAINKG_RETURN_IF_ERROR(CanonicalizeLocation(
          firm->mutable_country(), firm->mutable_region_code(), prefix));
      std::string industry = Trimmed(firm->industry_code());
      absl::AsciiStrToUpper(&industry);
      firm->set_industry_code(industry);
      if (!industry.empty()) {
        absl::Status status = ValidateIndustryCode(industry);
        if (!status.ok()) {
          return InvalidField("firm.industry_code", status.message());
        }
      }
      for (int i = 0; i < firm->credentials_size(); ++i) {
        CHAINKG_RETURN_IF_ERROR(CheckCredential(
            firm->credentials(i), absl::StrCat("firm.credentials[", i, "]")));
      }
      break;
    }
    case v1::Vertex::kProduct:
      key = vertex->mutable_product()->mutable_key();
      name = vertex->mutable_product()->mutable_name();
      break;
    case v1::Vertex::kChain:
      key = vertex->mutable_chain()->mutable_key();
      name = vertex->mutable_chain()->mutable_name();
      break;
    case v1::Vertex::kConsortium:
      key = vertex->mutable_consortium()->mutable_key();
      name = vertex->mutable_consortium()->mutable_name();
      break;
    case v1::Vertex::kPlatform: {
      v1::Platform* platform = vertex->mutable_platform();
      key = platform->mutable_key();
      name = platform->mutable_name();
      CHAINKG_RETURN_IF_ERROR(
          CanonicalizeLocation(platform->mutable_country(),
                               platform->mutable_region_code(), prefix));
      break;
    }
    case v1::Vertex::kIndustry:
      key = vertex->mutable_industry()->mutable_key();
      name = vertex->mutable_industry()->mutable_name();
      break;
    case v1::Vertex::kProject: {
      v1::Project* project = vertex->mutable_project();
      key = project->mutable_key();
      name = project->mutable_name();
      CHAINKG_RETURN_IF_ERROR(
          CheckOptionalDate(project->start_date(), "project.start_date"));
      CHAINKG_RETURN_IF_ERROR(
          CheckOptionalDate(project->end_date(), "project.end_date"));
      CHAINKG_RETURN_IF_ERROR(CheckDateOrder(project->start_date(),
                                             project->end_date(),
                                             "project.end_date", "start_date"));
      break;
    }
    case v1::Vertex::RECORD_NOT_SET:
      break;
  }
  CHAINKG_RETURN_IF_ERROR(
      CanonicalizeKey(kind, key, &warnings, absl::StrCat(prefix, ".key")));
  if (name_requirement == NameRequirement::kRequired ||
      !Trimmed(*name).empty()) {
    CHAINKG_RETURN_IF_ERROR(
        CanonicalizeName(name, absl::StrCat(prefix, ".name")));
  } else {
    name->clear();
  }
  if (vertex->has_firm()) {
    CHAINKG_RETURN_IF_ERROR(CanonicalizeNames(
        vertex->mutable_firm()->mutable_former_names(), "firm.former_names"));
    CHAINKG_RETURN_IF_ERROR(CanonicalizeNames(
        vertex->mutable_firm()->mutable_aliases(), "firm.aliases"));
  }
  if (vertex->has_product()) {
    CHAINKG_RETURN_IF_ERROR(CanonicalizeNames(
        vertex->mutable_product()->mutable_aliases(), "product.aliases"));
  }
  return warnings;
}

absl::Status CanonicalizeEdge(v1::Edge* edge) {
  if (edge->kind() == v1::EDGE_KIND_UNSPECIFIED ||
      !v1::EdgeKind_IsValid(edge->kind())) {
    return InvalidField("kind", "required (an EdgeKind such as PRODUCES)");
  }
  CHAINKG_RETURN_IF_ERROR(CheckFields(edge));
  CHAINKG_RETURN_IF_ERROR(CanonicalizeRefAt(edge->mutable_from(), "from"));
  CHAINKG_RETURN_IF_ERROR(CanonicalizeRefAt(edge->mutable_to(), "to"));
  if (!AllowedEndpoints(edge->kind(), edge->from().kind(), edge->to().kind())) {
    return InvalidField(
        "kind", absl::StrCat(EdgeKindName(edge->kind()), " cannot link ",
                             KindName(edge->from().kind()), " -> ",
                             KindName(edge->to().kind())));
  }
  if (edge->props_case() != v1::Edge::PROPS_NOT_SET &&
      edge->props_case() != PropsFor(edge->kind())) {
    return InvalidField("props",
                        absl::StrCat("properties do not belong to a ",
                                     EdgeKindName(edge->kind()), " edge"));
  }
  switch (edge->props_case()) {
    case v1::Edge::kProduces:
      return CheckShare(edge->produces().revenue_share(),
                        "produces.revenue_share");
    case v1::Edge::kSupplies: {
      v1::SuppliesProps* supplies = edge->mutable_supplies();
      supplies->set_product_key(Trimmed(supplies->product_key()));
      CHAINKG_RETURN_IF_ERROR(CheckShare(supplies->share(), "supplies.share"));
      CHAINKG_RETURN_IF_ERROR(
          CheckShare(supplies->confidence(), "supplies.confidence"));
      CHAINKG_RETURN_IF_ERROR(
          CheckOptionalDate(supplies->since(), "supplies.since"));
      CHAINKG_RETURN_IF_ERROR(
          CheckOptionalDate(supplies->until(), "supplies.until"));
      return CheckDateOrder(supplies->since(), supplies->until(),
                            "supplies.until", "since");
    }
    default:
      break;
  }
  return absl::OkStatus();
}

absl::Status CanonicalizeEdgeIdentity(v1::Edge* edge) {
  v1::Edge identity;
  identity.set_kind(edge->kind());
  *identity.mutable_from() = edge->from();
  *identity.mutable_to() = edge->to();
  if (edge->has_supplies()) {
    identity.mutable_supplies()->set_product_key(
        edge->supplies().product_key());
  }
  CHAINKG_RETURN_IF_ERROR(CanonicalizeEdge(&identity));
  *edge = std::move(identity);
  return absl::OkStatus();
}

namespace internal {

bool EdgeFieldsPass(const v1::Edge& edge) {
  if (!NoUnknownFields(edge) || !v1::EdgeKind_IsValid(edge.kind())) {
    return false;
  }
  if (edge.has_from() && !RefPasses(edge.from())) return false;
  if (edge.has_to() && !RefPasses(edge.to())) return false;
  switch (edge.props_case()) {
    case v1::Edge::kProduces:
      if (!NoUnknownFields(edge.produces()) ||
          !v1::Maturity_IsValid(edge.produces().maturity())) {
        return false;
      }
      break;
    case v1::Edge::kSupplies: {
      const v1::SuppliesProps& supplies = edge.supplies();
      if (!NoUnknownFields(supplies) || !StringPasses(supplies.product_key()) ||
          !StringPasses(supplies.since()) || !StringPasses(supplies.until())) {
        return false;
      }
      break;
    }
    case v1::Edge::kInputTo:
      if (!NoUnknownFields(edge.input_to())) return false;
      break;
    case v1::Edge::kInChain:
      if (!NoUnknownFields(edge.in_chain()) ||
          !v1::Stage_IsValid(edge.in_chain().stage()) ||
          !StringPasses(edge.in_chain().segment())) {
        return false;
      }
      break;
    case v1::Edge::kMemberOf:
      if (!NoUnknownFields(edge.member_of()) ||
          !v1::MemberRole_IsValid(edge.member_of().role())) {
        return false;
      }
      break;
    case v1::Edge::PROPS_NOT_SET:
      break;
  }
  return !edge.has_source() || SourcePasses(edge.source());
}

std::vector<std::string> EdgeFieldsPassCovers() {
  return {
      "chainkg.v1.Edge.kind",
      "chainkg.v1.Edge.from",
      "chainkg.v1.Edge.to",
      "chainkg.v1.Edge.produces",
      "chainkg.v1.Edge.supplies",
      "chainkg.v1.Edge.input_to",
      "chainkg.v1.Edge.in_chain",
      "chainkg.v1.Edge.member_of",
      "chainkg.v1.Edge.source",
      "chainkg.v1.VertexRef.kind",
      "chainkg.v1.VertexRef.key",
      "chainkg.v1.ProducesProps.maturity",
      "chainkg.v1.ProducesProps.revenue_share",  // a double: nothing to check
      "chainkg.v1.SuppliesProps.product_key",
      "chainkg.v1.SuppliesProps.share",  // double
      "chainkg.v1.SuppliesProps.since",
      "chainkg.v1.SuppliesProps.until",
      "chainkg.v1.SuppliesProps.confidence",  // double
      "chainkg.v1.InputToProps.essential",    // bool
      "chainkg.v1.InChainProps.stage",
      "chainkg.v1.InChainProps.segment",
      "chainkg.v1.MemberOfProps.role",
      "chainkg.v1.Source.file",
      "chainkg.v1.Source.line",  // int64
      "chainkg.v1.Source.client",
      "chainkg.v1.Source.dataset",
      "chainkg.v1.Source.observed_on",
  };
}

}  // namespace internal

}  // namespace chainkg::graph
