#include "graph/store/key_codec.h"

#include "absl/strings/str_cat.h"

namespace chainkg::graph {
namespace {

// Region bytes as stored: the code, or kNoRegion when empty.
absl::string_view StoredRegion(absl::string_view region) {
  return region.empty() ? absl::string_view(kNoRegion) : region;
}

absl::string_view StoredCountry(absl::string_view country) {
  return country.empty() ? absl::string_view("CN") : country;
}

}  // namespace

void AppendUint64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

uint64_t ReadUint64(absl::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return value;
}

std::string NextSequenceKey(v1::VertexKind kind) {
  std::string key = "next_sequence/";
  key.push_back(static_cast<char>(kind));
  return key;
}

std::string AuditKey(int64_t time_us, uint64_t sequence) {
  std::string key = kAuditKeyPrefix;
  AppendUint64(&key, static_cast<uint64_t>(time_us));
  AppendUint64(&key, sequence);
  return key;
}

std::string VertexKey(VertexId id) {
  std::string key;
  AppendUint64(&key, id.value());
  return key;
}

std::optional<VertexId> ParseVertexKey(absl::string_view key) {
  if (key.size() != kIdBytes) return std::nullopt;
  return VertexId(ReadUint64(key));
}

std::string VertexKindBegin(v1::VertexKind kind) {
  return VertexKey(VertexId::Make(kind, 0));
}

std::string EdgeKey(const EdgeKeyParts& parts) {
  std::string key;
  key.reserve(kEdgeKeyBytes);
  AppendUint64(&key, parts.near.value());
  key.push_back(static_cast<char>(parts.kind));
  AppendUint64(&key, parts.far.value());
  AppendUint64(&key, parts.qualifier);
  return key;
}

std::optional<EdgeKeyParts> ParseEdgeKey(absl::string_view key) {
  if (key.size() != kEdgeKeyBytes) return std::nullopt;
  EdgeKeyParts parts;
  parts.near = VertexId(ReadUint64(key));
  parts.kind = static_cast<v1::EdgeKind>(static_cast<uint8_t>(key[8]));
  parts.far = VertexId(ReadUint64(key.substr(9)));
  parts.qualifier = ReadUint64(key.substr(17));
  return parts;
}

std::string EdgePrefix(VertexId near, v1::EdgeKind kind) {
  std::string key;
  AppendUint64(&key, near.value());
  if (kind != v1::EDGE_KIND_UNSPECIFIED) key.push_back(static_cast<char>(kind));
  return key;
}

std::string MirrorEdgeKey(const EdgeKeyParts& parts) {
  return EdgeKey({parts.far, parts.kind, parts.near, parts.qualifier});
}

std::string NaturalKeyIndexKey(v1::VertexKind kind, absl::string_view key) {
  std::string out;
  AssignNaturalKeyIndexKey(kind, key, &out);
  return out;
}

void AssignNaturalKeyIndexKey(v1::VertexKind kind, absl::string_view key,
                              std::string* out) {
  out->clear();
  out->push_back(kIndexNaturalKey);
  out->push_back(static_cast<char>(kind));
  out->append(key.data(), key.size());
}

std::string NameIndexPrefix(v1::VertexKind kind,
                            absl::string_view normalized_prefix) {
  std::string out;
  out.push_back(kIndexName);
  out.push_back(static_cast<char>(kind));
  out.append(normalized_prefix.data(), normalized_prefix.size());
  return out;
}

std::string NameIndexKey(v1::VertexKind kind, absl::string_view normalized,
                         VertexId id) {
  std::string out = NameIndexPrefix(kind, normalized);
  out.push_back('\0');
  AppendUint64(&out, id.value());
  return out;
}

std::string RegionIndexPrefix(v1::VertexKind kind, absl::string_view country,
                              absl::string_view region_prefix) {
  std::string out;
  out.push_back(kIndexRegion);
  out.push_back(static_cast<char>(kind));
  absl::StrAppend(&out, StoredCountry(country), region_prefix);
  return out;
}

std::string RegionIndexKey(v1::VertexKind kind, absl::string_view country,
                           absl::string_view region, VertexId id) {
  std::string out = RegionIndexPrefix(kind, country, StoredRegion(region));
  AppendUint64(&out, id.value());
  return out;
}

std::string CredentialIndexPrefix(v1::CredentialKind kind,
                                  absl::string_view country,
                                  absl::string_view region_prefix) {
  std::string out;
  out.push_back(kIndexCredential);
  out.push_back(static_cast<char>(kind));
  if (!country.empty()) absl::StrAppend(&out, country, region_prefix);
  return out;
}

std::string CredentialIndexKey(v1::CredentialKind kind,
                               absl::string_view country,
                               absl::string_view region, v1::Level level,
                               VertexId firm) {
  std::string out =
      CredentialIndexPrefix(kind, StoredCountry(country), StoredRegion(region));
  out.push_back(static_cast<char>(level));
  AppendUint64(&out, firm.value());
  return out;
}

v1::Level CredentialIndexLevel(absl::string_view key) {
  return static_cast<v1::Level>(static_cast<uint8_t>(key[key.size() - 9]));
}

std::string QualifierIndexKey(VertexId product,
                              absl::string_view out_edge_key) {
  std::string out = QualifierIndexPrefix(product);
  out.append(out_edge_key.data(), out_edge_key.size());
  return out;
}

std::string QualifierIndexPrefix(VertexId product) {
  std::string out;
  out.push_back(kIndexQualifier);
  AppendUint64(&out, product.value());
  return out;
}

VertexId TrailingId(absl::string_view key) {
  return VertexId(ReadUint64(key.substr(key.size() - kIdBytes)));
}

std::string PrefixSuccessor(absl::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto last = static_cast<uint8_t>(out.back());
    if (last != 0xff) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

}  // namespace chainkg::graph
