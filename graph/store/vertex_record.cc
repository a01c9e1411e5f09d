#include "graph/store/vertex_record.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"

#include "util/text_normalize.h"

namespace chainkg::graph {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The record message set in vertex, or nullptr.
const Message* RecordOf(const v1::Vertex& vertex) {
  switch (vertex.record_case()) {
    case v1::Vertex::kFirm:
      return &vertex.firm();
    case v1::Vertex::kProduct:
      return &vertex.product();
    case v1::Vertex::kChain:
      return &vertex.chain();
    case v1::Vertex::kConsortium:
      return &vertex.consortium();
    case v1::Vertex::kPlatform:
      return &vertex.platform();
    case v1::Vertex::kIndustry:
      return &vertex.industry();
    case v1::Vertex::kProject:
      return &vertex.project();
    case v1::Vertex::RECORD_NOT_SET:
      break;
  }
  return nullptr;
}

const std::string& EmptyString() {
  static const std::string* const empty = new std::string();
  return *empty;
}

bool SameCredentialIdentity(const v1::Credential& a, const v1::Credential& b) {
  return a.kind() == b.kind() && a.level() == b.level() &&
         a.year() == b.year() && a.batch() == b.batch();
}

void MergeCredentials(const v1::Firm& update, v1::Firm* out) {
  for (const v1::Credential& incoming : update.credentials()) {
    bool replaced = false;
    for (v1::Credential& existing : *out->mutable_credentials()) {
      if (SameCredentialIdentity(existing, incoming)) {
        existing = incoming;
        replaced = true;
        break;
      }
    }
    if (!replaced) *out->add_credentials() = incoming;
  }
}

// Applies the MERGE rule field by field through reflection, so every record
// kind (and every field added later) follows the same documented rule.
void MergeRecord(const Message& update, Message* out) {
  const Reflection* reflection = update.GetReflection();
  const auto* descriptor = update.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        absl::flat_hash_set<std::string> seen;
        for (int j = 0; j < out->GetReflection()->FieldSize(*out, field); ++j) {
          seen.insert(out->GetReflection()->GetRepeatedString(*out, field, j));
        }
        for (int j = 0; j < reflection->FieldSize(update, field); ++j) {
          std::string value = reflection->GetRepeatedString(update, field, j);
          if (seen.insert(value).second) {
            out->GetReflection()->AddString(out, field, value);
          }
        }
      }
      // Repeated messages (credentials) are merged by identity by the caller.
      continue;
    }
    if (reflection->HasField(update, field)) {
      // proto3: HasField is true for a scalar iff it is non-default, and
      // for a message iff it is set.
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        out->GetReflection()
            ->MutableMessage(out, field)
            ->CopyFrom(reflection->GetMessage(update, field));
      } else {
        switch (field->cpp_type()) {
          case FieldDescriptor::CPPTYPE_STRING:
            out->GetReflection()->SetString(
                out, field, reflection->GetString(update, field));
            break;
          case FieldDescriptor::CPPTYPE_INT32:
            out->GetReflection()->SetInt32(out, field,
                                           reflection->GetInt32(update, field));
            break;
          case FieldDescriptor::CPPTYPE_INT64:
            out->GetReflection()->SetInt64(out, field,
                                           reflection->GetInt64(update, field));
            break;
          case FieldDescriptor::CPPTYPE_UINT32:
            out->GetReflection()->SetUInt32(
                out, field, reflection->GetUInt32(update, field));
            break;
          case FieldDescriptor::CPPTYPE_UINT64:
            out->GetReflection()->SetUInt64(
                out, field, reflection->GetUInt64(update, field));
            break;
          case FieldDescriptor::CPPTYPE_DOUBLE:
            out->GetReflection()->SetDouble(
                out, field, reflection->GetDouble(update, field));
            break;
          case FieldDescriptor::CPPTYPE_FLOAT:
            out->GetReflection()->SetFloat(out, field,
                                           reflection->GetFloat(update, field));
            break;
          case FieldDescriptor::CPPTYPE_BOOL:
            out->GetReflection()->SetBool(out, field,
                                          reflection->GetBool(update, field));
            break;
          case FieldDescriptor::CPPTYPE_ENUM:
            out->GetReflection()->SetEnumValue(
                out, field, reflection->GetEnumValue(update, field));
            break;
          case FieldDescriptor::CPPTYPE_MESSAGE:
            break;
        }
      }
    }
  }
}

}  // namespace

Message* MutableRecordOf(v1::Vertex* vertex) {
  switch (vertex->record_case()) {
    case v1::Vertex::kFirm:
      return vertex->mutable_firm();
    case v1::Vertex::kProduct:
      return vertex->mutable_product();
    case v1::Vertex::kChain:
      return vertex->mutable_chain();
    case v1::Vertex::kConsortium:
      return vertex->mutable_consortium();
    case v1::Vertex::kPlatform:
      return vertex->mutable_platform();
    case v1::Vertex::kIndustry:
      return vertex->mutable_industry();
    case v1::Vertex::kProject:
      return vertex->mutable_project();
    case v1::Vertex::RECORD_NOT_SET:
      break;
  }
  return nullptr;
}

v1::VertexKind KindOf(const v1::Vertex& vertex) {
  switch (vertex.record_case()) {
    case v1::Vertex::kFirm:
      return v1::VERTEX_KIND_FIRM;
    case v1::Vertex::kProduct:
      return v1::VERTEX_KIND_PRODUCT;
    case v1::Vertex::kChain:
      return v1::VERTEX_KIND_CHAIN;
    case v1::Vertex::kConsortium:
      return v1::VERTEX_KIND_CONSORTIUM;
    case v1::Vertex::kPlatform:
      return v1::VERTEX_KIND_PLATFORM;
    case v1::Vertex::kIndustry:
      return v1::VERTEX_KIND_INDUSTRY;
    case v1::Vertex::kProject:
      return v1::VERTEX_KIND_PROJECT;
    case v1::Vertex::RECORD_NOT_SET:
      break;
  }
  return v1::VERTEX_KIND_UNSPECIFIED;
}

absl::string_view KindName(v1::VertexKind kind) {
  switch (kind) {
    case v1::VERTEX_KIND_FIRM:
      return "firm";
    case v1::VERTEX_KIND_PRODUCT:
      return "product";
    case v1::VERTEX_KIND_CHAIN:
      return "chain";
    case v1::VERTEX_KIND_CONSORTIUM:
      return "consortium";
    case v1::VERTEX_KIND_PLATFORM:
      return "platform";
    case v1::VERTEX_KIND_INDUSTRY:
      return "industry";
    case v1::VERTEX_KIND_PROJECT:
      return "project";
    default:
      break;
  }
  return "unspecified";
}

const std::string& KeyOf(const v1::Vertex& vertex) {
  const Message* record = RecordOf(vertex);
  if (record == nullptr) return EmptyString();
  const FieldDescriptor* field =
      record->GetDescriptor()->FindFieldByName("key");
  return record->GetReflection()->GetStringReference(*record, field, nullptr);
}

const std::string& NameOf(const v1::Vertex& vertex) {
  const Message* record = RecordOf(vertex);
  if (record == nullptr) return EmptyString();
  const FieldDescriptor* field =
      record->GetDescriptor()->FindFieldByName("name");
  return record->GetReflection()->GetStringReference(*record, field, nullptr);
}

v1::VertexRef RefOf(const v1::Vertex& vertex) {
  v1::VertexRef ref;
  ref.set_kind(KindOf(vertex));
  ref.set_key(KeyOf(vertex));
  return ref;
}

std::vector<std::string> NormalizedNamesOf(const v1::Vertex& vertex) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& name) {
    std::string normalized = NormalizeName(name);
    if (!normalized.empty()) names.push_back(std::move(normalized));
  };
  add(NameOf(vertex));
  if (vertex.has_firm()) {
    for (const std::string& name : vertex.firm().former_names()) add(name);
    for (const std::string& name : vertex.firm().aliases()) add(name);
  }
  if (vertex.has_product()) {
    for (const std::string& name : vertex.product().aliases()) add(name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<Location> LocationOf(const v1::Vertex& vertex) {
  auto make = [](const std::string& country, const std::string& region) {
    return Location{country.empty() ? "CN" : country, region};
  };
  if (vertex.has_firm()) {
    return make(vertex.firm().country(), vertex.firm().region_code());
  }
  if (vertex.has_platform()) {
    return make(vertex.platform().country(), vertex.platform().region_code());
  }
  return std::nullopt;
}

bool CredentialInForce(const v1::Credential& credential,
                       absl::string_view as_of) {
  if (credential.status() == v1::CREDENTIAL_STATUS_REVOKED) return false;
  if (as_of.empty()) return true;
  // ISO dates compare correctly as strings.
  if (!credential.valid_from().empty() && as_of < credential.valid_from()) {
    return false;
  }
  if (!credential.valid_to().empty() && as_of > credential.valid_to()) {
    return false;
  }
  return true;
}

v1::Vertex MergeVertex(const v1::Vertex& stored, const v1::Vertex& update) {
  v1::Vertex merged = stored;
  const Message* update_record = RecordOf(update);
  Message* merged_record = MutableRecordOf(&merged);
  if (update_record == nullptr || merged_record == nullptr) return merged;
  MergeRecord(*update_record, merged_record);
  if (update.has_firm()) {
    MergeCredentials(update.firm(), merged.mutable_firm());
  }
  return merged;
}

}  // namespace chainkg::graph
