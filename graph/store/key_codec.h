// The on-disk key layout of graph/store, specified once, here. Everything
// that builds or parses a RocksDB key goes through these functions.
//
// Format version 1 (stored as "format_version" in the meta column family;
// Store::Open refuses other versions with FAILED_PRECONDITION).
//
// All integers are fixed-width big-endian, so byte order is numeric order.
// VertexId = [kind:1][sequence:7] (see vertex_id.h).
//
//   column family "default" (meta)
//     "format_version"                        -> decimal text "1"
//     "next_sequence/" [kind:1]               -> [u64] next unused sequence
//     "audit/" [time_us:8] [sequence:8]       -> chainkg.v1.AuditRecord
//       One per API write, in the write's own WriteBatch: time order, then
//       the RocksDB sequence the write got (unique). Added without a format
//       change: readers that do not know "audit/" keys never look at them.
//
//   column family "vertex"
//     [id:8]                                  -> chainkg.v1.Vertex
//       Sorted by kind, then creation order: List(kind) is one range and
//       page tokens are just the last id.
//
//   column family "out_edge"
//     [from:8][edge_kind:1][to:8][qualifier:8] -> chainkg.v1.Edge
//   column family "in_edge"
//     [to:8][edge_kind:1][from:8][qualifier:8] -> (empty)
//       Adjacency of a vertex, then of one edge kind, is one range in either
//       direction. The Edge record lives only in out_edge; in_edge is its
//       mirror (same four fields), so both directions stay in one
//       WriteBatch and the value is stored once. qualifier is the supplied
//       Product's id for SUPPLIES edges with a product_key, else 0: it makes
//       "A supplies B with p" and "A supplies B with q" distinct edges.
//
//   column family "index" (one leading tag byte per index)
//     'k' [vertex_kind:1] [natural key bytes]  -> [id:8]
//         natural-key index: exact lookup by (kind, key)
//     'n' [vertex_kind:1] [normalized name] 0x00 [id:8] -> (empty)
//         name index: one entry per distinct normalized name, former name
//         and alias; prefix search is a range scan. Normalized names never
//         contain 0x00 (NormalizeName drops control characters).
//     'r' [vertex_kind:1] [country:2] [region:6] [id:8] -> (empty)
//         region index, for firms and platforms; region is the GB/T 2260
//         code or "------" when unknown or abroad; country defaults to "CN".
//         A region prefix ("4419") is a range scan under country "CN".
//     'c' [credential_kind:1] [country:2] [region:6] [level:1] [firm:8]
//         -> (empty)
//         credential index: one entry per (firm, credential kind, level).
//         Region before level so "little giants in 4419, any level" is one
//         range; the level byte is filtered without reading the firm.
//     'q' [product:8] [out_edge key:25]        -> (empty)
//         qualifier index: SUPPLIES edges naming a product, so deleting the
//         product deletes them too and leaves nothing dangling.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/vertex_id.h"

namespace chainkg::graph {

inline constexpr int kFormatVersion = 1;

inline constexpr char kMetaFormatVersionKey[] = "format_version";
inline constexpr size_t kIdBytes = 8;
inline constexpr size_t kEdgeKeyBytes = 8 + 1 + 8 + 8;
inline constexpr char kNoRegion[] = "------";

inline constexpr char kIndexNaturalKey = 'k';
inline constexpr char kIndexName = 'n';
inline constexpr char kIndexRegion = 'r';
inline constexpr char kIndexCredential = 'c';
inline constexpr char kIndexQualifier = 'q';

// Appends value as 8 big-endian bytes.
void AppendUint64(std::string* out, uint64_t value);
// Reads 8 big-endian bytes. Requires: bytes.size() >= 8.
uint64_t ReadUint64(absl::string_view bytes);

std::string NextSequenceKey(v1::VertexKind kind);

// "audit/" and the key of one audit record.
inline constexpr char kAuditKeyPrefix[] = "audit/";
std::string AuditKey(int64_t time_us, uint64_t sequence);

std::string VertexKey(VertexId id);
// The id in a vertex key; nullopt if the key is not 8 bytes.
std::optional<VertexId> ParseVertexKey(absl::string_view key);
// Keys of kind k are in [VertexKindBegin(k), VertexKindBegin(k + 1)).
std::string VertexKindBegin(v1::VertexKind kind);

// The parts of an out_edge or in_edge key. For an in_edge key, `near` is the
// "to" vertex and `far` the "from" vertex; for out_edge the reverse.
struct EdgeKeyParts {
  VertexId near;
  v1::EdgeKind kind = v1::EDGE_KIND_UNSPECIFIED;
  VertexId far;
  uint64_t qualifier = 0;
};
std::string EdgeKey(const EdgeKeyParts& parts);
std::optional<EdgeKeyParts> ParseEdgeKey(absl::string_view key);
// Prefix of all edges of `near` (and of one kind when kind != UNSPECIFIED).
std::string EdgePrefix(VertexId near, v1::EdgeKind kind);
// The in_edge key mirroring an out_edge key and vice versa.
std::string MirrorEdgeKey(const EdgeKeyParts& parts);

std::string NaturalKeyIndexKey(v1::VertexKind kind, absl::string_view key);
// Sets *out to NaturalKeyIndexKey(kind, key), reusing its buffer.
void AssignNaturalKeyIndexKey(v1::VertexKind kind, absl::string_view key,
                              std::string* out);
std::string NameIndexPrefix(v1::VertexKind kind,
                            absl::string_view normalized_prefix);
std::string NameIndexKey(v1::VertexKind kind, absl::string_view normalized,
                         VertexId id);
// Region: six digits or empty (stored as kNoRegion). Country: empty = "CN".
std::string RegionIndexPrefix(v1::VertexKind kind, absl::string_view country,
                              absl::string_view region_prefix);
std::string RegionIndexKey(v1::VertexKind kind, absl::string_view country,
                           absl::string_view region, VertexId id);
std::string CredentialIndexPrefix(v1::CredentialKind kind,
                                  absl::string_view country,
                                  absl::string_view region_prefix);
std::string CredentialIndexKey(v1::CredentialKind kind,
                               absl::string_view country,
                               absl::string_view region, v1::Level level,
                               VertexId firm);
// The level byte of a credential index key. Requires: a well-formed key.
v1::Level CredentialIndexLevel(absl::string_view key);
std::string QualifierIndexKey(VertexId product, absl::string_view out_edge_key);
std::string QualifierIndexPrefix(VertexId product);

// The id an 'n', 'r' or 'c' index key ends with. Requires: key.size() >= 8.
VertexId TrailingId(absl::string_view key);

// The smallest key greater than every key with this prefix; empty when the
// prefix is all 0xff (no upper bound).
std::string PrefixSuccessor(absl::string_view prefix);

}  // namespace chainkg::graph
