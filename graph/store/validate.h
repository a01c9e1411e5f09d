// Validation and canonical form of the records written to the store. Every
// write path (RPCs, loaders, bulk import) goes through these, so the store
// holds only records that pass them.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

#include "chainkg/v1/model.pb.h"

namespace chainkg::graph {

// Brings vertex to canonical form (trims keys and names, upper-cases USCCs
// and country codes) and checks it. Returns warnings for accepted but
// suspicious values (a USCC whose check digit fails). INVALID_ARGUMENT with a
// field path relative to the vertex ("firm.key") for anything malformed: no
// record, empty key or name, a name with control characters or nothing
// visible, invalid UTF-8, an enum number this build does not know, more than
// 200 entries in a repeated field, malformed USCC or namespaced key, region,
// country, industry code or date, dates out of order, credential without
// kind. Unknown protobuf fields are dropped.
// Whether a vertex record must carry a name: a MERGE upsert may send a
// partial record for a vertex that already exists.
enum class NameRequirement { kRequired, kOptional };

absl::StatusOr<std::vector<std::string>> CanonicalizeVertex(
    v1::Vertex* vertex, NameRequirement name = NameRequirement::kRequired);

// Canonicalizes and checks an edge: kind set, both refs named, endpoint
// kinds allowed for the edge kind (e.g. PRODUCES is firm -> product),
// properties matching the kind, shares in [0, 1], valid dates.
// INVALID_ARGUMENT with a field path relative to the edge ("to.kind").
absl::Status CanonicalizeEdge(v1::Edge* edge);

// Like CanonicalizeEdge, for deletes: keeps and checks only the identity
// fields (kind, from, to, supplies.product_key), so stale properties in a
// delete request do not matter.
absl::Status CanonicalizeEdgeIdentity(v1::Edge* edge);

// Canonicalizes and checks a ref (kind set, key non-empty), trimming the key
// and upper-casing a USCC the way CanonicalizeVertex does, so the same
// spelling finds the vertex.
absl::Status CanonicalizeRef(v1::VertexRef* ref);

namespace internal {

// The fast path of CanonicalizeEdge's field check, exposed for its tests:
// true when every string under edge is valid UTF-8 of bounded size, every
// enum value is known and no message carries unknown fields; false sends
// the edge through the full reflective check, which names what failed.
bool EdgeFieldsPass(const v1::Edge& edge);

// The fields EdgeFieldsPass looks at or knows need no check, by full name.
// A test compares them with the fields under Edge in model.proto, so a
// field added there is not left unchecked.
std::vector<std::string> EdgeFieldsPassCovers();

}  // namespace internal
}  // namespace chainkg::graph
