// The parts of graph/view's View that view.cc (the base, the accessors) and
// view_delta.cc (Apply, Compact) share: how a record becomes the view's
// text record, credential facts and edge attribute, and the delta's types.
// Internal to graph/view.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

#include "chainkg/v1/model.pb.h"
#include "graph/view/view.h"

namespace chainkg::graph {
namespace internal {

// Vertices between two looks at a stop request in long passes.
inline constexpr size_t kStopCheckInterval = 65536;

// The kind byte and the natural key: the key of View's key index.
std::string KindKey(v1::VertexKind kind, absl::string_view key);

// Appends a text record (View::kTextHeaderBytes) to out.
void AppendTextRecord(v1::VertexKind kind, absl::string_view key,
                      absl::string_view name, absl::string_view country,
                      absl::string_view region, std::string* out);
void AppendTextRecord(VertexId id, const v1::Vertex& vertex, std::string* out);

// View::subkind and View::key_core_technology of a record.
int SubkindOf(const v1::Vertex& vertex);
bool KeyCoreTechnologyOf(const v1::Vertex& vertex);

// Appends a firm's credentials (none for other kinds).
void AppendCredentials(const v1::Vertex& vertex,
                       std::vector<CredentialFact>* out);

// The share a SUPPLIES record gives (0 when none).
float ShareOf(const v1::Edge* record);

// The per-kind attribute of an edge (Adjacent::attribute), except the
// SUPPLIES product, which the caller sets. segment_id maps an IN_CHAIN
// segment name to its number.
template <typename SegmentId>
uint32_t EdgeAttribute(v1::EdgeKind kind, const v1::Edge* record,
                       SegmentId segment_id) {
  if (record == nullptr) return 0;
  switch (kind) {
    case v1::EDGE_KIND_INPUT_TO:
      return record->input_to().essential() ? 1 : 0;
    case v1::EDGE_KIND_PRODUCES:
      return static_cast<uint32_t>(record->produces().maturity());
    case v1::EDGE_KIND_IN_CHAIN:
      return static_cast<uint32_t>(record->in_chain().stage() & 3) |
             segment_id(record->in_chain().segment()) << 2;
    case v1::EDGE_KIND_MEMBER_OF:
      return static_cast<uint32_t>(record->member_of().role());
    default:
      return 0;
  }
}

}  // namespace internal

// A vertex's state replacing the base's (or, for an added vertex, its whole
// state). A null list is the base's list (none for an added vertex).
struct View::Patch {
  // What Out and In give for the vertex: its own lists or the base's, set
  // when the patch is made (the lists and the base do not change after),
  // so that a walk reads one place.
  std::array<absl::Span<const Adjacent>, kEdgeKinds> out_span;
  std::array<absl::Span<const Adjacent>, kEdgeKinds> in_span;
  VertexId id;
  std::string text;  // a text record; kind byte 0 once deleted
  uint8_t subkind = 0;
  bool key_core_technology = false;
  std::vector<CredentialFact> credentials;
  std::array<std::shared_ptr<std::vector<Adjacent>>, kEdgeKinds> out;
  std::array<std::shared_ptr<std::vector<Adjacent>>, kEdgeKinds> in;
  std::shared_ptr<std::vector<SupplyFact>> supplies;
};

// The patch places of 4096 consecutive vertices (kNoSlot: no patch).
struct View::SlotPage {
  std::array<uint32_t, kSlotsPerPage> slots;
};

struct View::Delta {
  // One bit per vertex index: set when the vertex has a patch (a quick
  // test that stays in cache), and its patch's place in patches, in pages
  // shared between versions (null: no patch in the page), so that a new
  // version copies a pointer per 4096 vertices and the pages it changes.
  std::vector<uint64_t> bits;
  std::vector<std::shared_ptr<SlotPage>> slot_pages;
  std::vector<std::shared_ptr<const Patch>> patches;
  // Vertices added since the base (indexes from base_vertex_count()).
  absl::flat_hash_map<uint64_t, uint32_t> added_ids;
  absl::flat_hash_map<std::string, uint32_t> added_keys;  // KindKey
  // Segment names first seen since the base, numbered after the base's.
  std::vector<std::string> added_segments;
  absl::flat_hash_map<std::string, uint32_t> added_segment_ids;
  // Adjacency and supply entries the patches hold.
  size_t entries = 0;
};

}  // namespace chainkg::graph
