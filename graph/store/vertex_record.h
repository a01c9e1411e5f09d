// Uniform access to the seven vertex records of model.proto (kind, natural
// key, names, location, credentials) and the documented MERGE rule of
// upserts. Pure functions on protobuf messages; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

#include "chainkg/v1/model.pb.h"

namespace chainkg::graph {

// The record message set in vertex (a Firm, a Product, ...), or nullptr.
google::protobuf::Message* MutableRecordOf(v1::Vertex* vertex);

// The kind of the record set in vertex; UNSPECIFIED when none is set.
v1::VertexKind KindOf(const v1::Vertex& vertex);

// Lower-case kind name for messages: "firm", "product", ...
absl::string_view KindName(v1::VertexKind kind);

// The natural key / display name of the record (empty when none is set).
const std::string& KeyOf(const v1::Vertex& vertex);
const std::string& NameOf(const v1::Vertex& vertex);

// The VertexRef naming this vertex.
v1::VertexRef RefOf(const v1::Vertex& vertex);

// Distinct normalized forms (NormalizeName) of the name, former names and
// aliases (firms and products), sorted; empty forms are left out.
std::vector<std::string> NormalizedNamesOf(const v1::Vertex& vertex);

// Where a firm or platform is. Other kinds have no location.
struct Location {
  std::string country;  // effective: "CN" when the record leaves it empty
  std::string region;   // GB/T 2260 code or empty
};
std::optional<Location> LocationOf(const v1::Vertex& vertex);

// True if the credential is in force on as_of ("YYYY-MM-DD"): not revoked
// and as_of within [valid_from, valid_to] (empty bounds are open). An empty
// as_of only checks that the credential is not revoked.
bool CredentialInForce(const v1::Credential& credential,
                       absl::string_view as_of);

// The MERGE upsert rule. Requires: KindOf(stored) == KindOf(update).
// Scalars set (non-default) in update overwrite stored; repeated strings
// (former names, aliases) are unioned, stored order first; credentials are
// merged by identity (kind, level, year, batch), update winning; a source
// set in update replaces the stored one. A field cannot be cleared by MERGE:
// use REPLACE for that.
v1::Vertex MergeVertex(const v1::Vertex& stored, const v1::Vertex& update);

}  // namespace chainkg::graph
