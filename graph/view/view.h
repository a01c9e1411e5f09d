// View: an immutable, compact in-memory copy of the graph for analytics:
// dense vertex indexes, one CSR adjacency per edge kind in each direction,
// and attribute columns. Built from one store snapshot (or, in tests, from
// records directly) and tagged with that snapshot's sequence number, so an
// answer computed on it is consistent.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/graph_changes.h"
#include "graph/store/store.h"
#include "graph/store/vertex_id.h"

namespace chainkg::graph {

// The dense index of a vertex in one View (0 .. vertex_count()-1). Not
// stable across views; use VertexId or natural keys to persist.
class ViewIndex {
 public:
  constexpr ViewIndex() = default;
  constexpr explicit ViewIndex(uint32_t value) : value_(value) {}
  constexpr uint32_t value() const { return value_; }
  friend constexpr bool operator==(ViewIndex a, ViewIndex b) {
    return a.value_ == b.value_;
  }
  friend constexpr bool operator!=(ViewIndex a, ViewIndex b) {
    return a.value_ != b.value_;
  }
  friend constexpr bool operator<(ViewIndex a, ViewIndex b) {
    return a.value_ < b.value_;
  }

 private:
  uint32_t value_ = 0;
};

// One adjacency entry: the vertex at the other end and a per-kind
// attribute: INPUT_TO 1 = essential; SUPPLIES the supplied product's
// ViewIndex + 1 (0 = not given); PRODUCES the Maturity; IN_CHAIN the Stage
// in the low 2 bits and the segment (View::segment) above; MEMBER_OF the
// MemberRole; other kinds 0.
struct Adjacent {
  ViewIndex other;
  uint32_t attribute = 0;
};

// A date as the number yyyymmdd ("2024-05-01" -> 20240501); 0 = none.
using DateNumber = int32_t;

// "YYYY-MM-DD" as a DateNumber; 0 for an empty or malformed text.
DateNumber ParseDateNumber(absl::string_view date);

// A firm's credential, compactly.
struct CredentialFact {
  v1::CredentialKind kind = v1::CREDENTIAL_KIND_UNSPECIFIED;
  v1::Level level = v1::LEVEL_UNSPECIFIED;
  v1::CredentialStatus status = v1::CREDENTIAL_STATUS_UNSPECIFIED;
  int32_t year = 0;
  DateNumber valid_from = 0;  // 0: open
  DateNumber valid_to = 0;    // 0: open
};

// As CredentialInForce of graph/store/vertex_record.h: not revoked and, when
// as_of != 0, as_of within [valid_from, valid_to].
bool InForce(const CredentialFact& credential, DateNumber as_of);

// One observed supply of a product: a SUPPLIES supplier -> buyer edge that
// names it. share is the buyer's share from the edge (0: not given).
struct SupplyFact {
  ViewIndex supplier;
  ViewIndex buyer;
  float share = 0;
};

inline constexpr int kViewEdgeKinds = v1::EdgeKind_ARRAYSIZE;

// Compressed sparse rows: the entries of vertex v are
// entries[offsets[v] .. offsets[v + 1]).
struct ViewCsr {
  std::vector<uint32_t> offsets;
  std::vector<Adjacent> entries;
};

// The compact part of a View: its vertices in index order, one CSR per
// edge kind and direction, attribute columns. Immutable once built.
struct ViewBase {
  size_t edge_count = 0;
  std::vector<VertexId> ids;
  // Text record of vertex v at text_offsets[v] in text
  // (View::kTextHeaderBytes: the kind, four sizes, the strings).
  std::vector<uint64_t> text_offsets;
  std::string text;
  std::vector<bool> key_core_technology;
  std::vector<uint8_t> subkinds;
  // credentials[credential_offsets[v] .. credential_offsets[v + 1]).
  std::vector<uint32_t> credential_offsets;
  std::vector<CredentialFact> credentials;
  // supplies[supply_offsets[p] .. supply_offsets[p + 1]).
  std::vector<uint32_t> supply_offsets;
  std::vector<SupplyFact> supplies;
  std::vector<std::string> segments;  // [0] = ""
  absl::flat_hash_map<uint64_t, uint32_t> index_of_id;
  // kind byte + natural key -> index.
  absl::flat_hash_map<std::string, uint32_t> index_of_key;
  std::array<ViewCsr, kViewEdgeKinds> out;
  std::array<ViewCsr, kViewEdgeKinds> in;
};

// Immutable after construction, so thread-safe; share it with
// std::shared_ptr<const View> among the queries that use it.
//
// A view is a compact base (CSR adjacency and attribute columns, built in
// one pass) plus, optionally, a delta: the vertices that writes after the
// base changed or added, each with its own copy of what changed (its texts,
// its credentials, the adjacency lists that changed). Apply makes a new
// view from this one and a store's changes without copying the base, as a
// multiversioned CSR does (LLAMA, Macko et al., ICDE 2015); Compact folds
// the delta into a new base. A view with a delta answers every accessor
// exactly as a view built from scratch at its sequence would, except that
// the vertices added since the base have the highest indexes (a fresh build
// numbers vertices in id order) and a deleted vertex keeps its index with
// kind VERTEX_KIND_UNSPECIFIED, empty texts and no edges.
class View {
 public:
  // Builds a view of every vertex and edge of the store's current snapshot.
  // Errors of Store::ScanAll; RESOURCE_EXHAUSTED past 2^32 - 1 vertices;
  // CANCELLED when stop returns true (asked now and then).
  static absl::StatusOr<std::shared_ptr<const View>> Build(
      const Store& store, const std::function<bool()>& stop = nullptr);

  // Assembles a view record by record (tests, tools). Not thread-safe.
  class Builder {
   public:
    Builder();
    // INVALID_ARGUMENT for a second vertex with the same id.
    absl::Status AddVertex(VertexId id, const v1::Vertex& vertex);
    // NOT_FOUND when an endpoint (or the supplied product) was not added.
    absl::Status AddEdge(const StoredEdge& edge);
    std::shared_ptr<const View> Finish(uint64_t sequence) &&;

   private:
    struct PendingEdge {
      v1::EdgeKind kind;
      uint32_t from;
      uint32_t to;
      uint32_t attribute;
    };
    struct PendingSupply {
      uint32_t product;
      SupplyFact fact;
    };
    uint32_t SegmentId(const std::string& segment);

    std::unique_ptr<ViewBase> base_;
    std::vector<PendingEdge> edges_;
    std::vector<PendingSupply> supplies_;
    absl::flat_hash_map<std::string, uint32_t> segment_ids_;
  };

  // This view with the changes of the writes after it applied: the view at
  // changes.sequence. Shares this view's base; copies its delta (the
  // patches' pointers and one pointer per 4096 vertices) and adds the
  // changed vertices to it. FAILED_PRECONDITION when
  // changes.after is not this view's sequence; INTERNAL when a change
  // names a vertex neither this view nor the changes hold (the changes do
  // not follow this view: build it again from the store).
  absl::StatusOr<std::shared_ptr<const View>> Apply(
      const GraphChanges& changes) const;

  // The same graph with the delta folded into a new compact base, vertex
  // indexes in id order as a fresh build gives them: the view Build would
  // make at this sequence. O(vertices + edges); stop as in Build.
  absl::StatusOr<std::shared_ptr<const View>> Compact(
      const std::function<bool()>& stop = nullptr) const;

  // How much the delta holds: vertices changed or added since the base,
  // and the adjacency and supply entries copied for them.
  struct DeltaSize {
    size_t vertices = 0;
    size_t entries = 0;
  };
  DeltaSize delta_size() const;
  // The vertices and edges of the base; with delta_size, when to Compact.
  size_t base_vertex_count() const { return base_->ids.size(); }
  size_t base_edge_count() const { return base_->edge_count; }

  uint64_t sequence() const { return sequence_; }
  size_t vertex_count() const { return vertex_count_; }
  size_t edge_count() const { return edge_count_; }

  VertexId id(ViewIndex v) const {
    if (ABSL_PREDICT_FALSE(IsPatched(v))) return PatchedId(v);
    return base_->ids[v.value()];
  }
  // VERTEX_KIND_UNSPECIFIED for a vertex deleted since the base.
  v1::VertexKind kind(ViewIndex v) const {
    if (ABSL_PREDICT_FALSE(IsPatched(v))) return PatchedTexts(v).kind;
    return base_->ids[v.value()].kind();
  }

  // A vertex's strings and its kind, kept next to each other (one record
  // per vertex), so that a loop reporting many vertices reads one place per
  // vertex. Firms and platforms: region is a GB/T 2260 code or empty,
  // country an ISO code ("CN" when the record leaves it empty). Other
  // kinds: both empty. The views are valid as long as the View.
  struct Texts {
    v1::VertexKind kind = v1::VERTEX_KIND_UNSPECIFIED;
    absl::string_view key;
    absl::string_view name;
    absl::string_view country;
    absl::string_view region;
    // The four one after the other: key, name, country, region.
    absl::string_view joined;
  };
  Texts texts(ViewIndex v) const {
    if (ABSL_PREDICT_FALSE(IsPatched(v))) return PatchedTexts(v);
    return ParseTexts(base_->text.data() + base_->text_offsets[v.value()]);
  }
  absl::string_view key(ViewIndex v) const { return texts(v).key; }
  absl::string_view name(ViewIndex v) const { return texts(v).name; }
  absl::string_view region(ViewIndex v) const { return texts(v).region; }
  absl::string_view country(ViewIndex v) const { return texts(v).country; }
  // Firms: their credentials, as stored. Other kinds: none.
  absl::Span<const CredentialFact> credentials(ViewIndex v) const;
  // The record's own kind enum as a number: a chain's ChainCategory, a
  // product's ProductKind, a platform's PlatformType, a project's
  // ProjectType; 0 for the other kinds.
  int subkind(ViewIndex v) const;
  // Products: the 关键核心技术 flag.
  bool key_core_technology(ViewIndex v) const;
  // Products: the SUPPLIES edges naming it, in edge order.
  absl::Span<const SupplyFact> SuppliesOf(ViewIndex product) const;
  // The segment name of an IN_CHAIN attribute ("" when none).
  const std::string& segment(uint32_t in_chain_attribute) const;

  std::optional<ViewIndex> Find(v1::VertexKind kind,
                                absl::string_view key) const;
  std::optional<ViewIndex> Find(VertexId id) const;

  // Edges of one kind leaving / entering v. Valid as long as the view.
  // Inline: walks call them once per vertex and kind.
  absl::Span<const Adjacent> Out(v1::EdgeKind kind, ViewIndex v) const {
    if (ABSL_PREDICT_FALSE(IsPatched(v)))
      return PatchedAdjacency(true, kind, v);
    return Adjacency(base_->out[kind], v);
  }
  absl::Span<const Adjacent> In(v1::EdgeKind kind, ViewIndex v) const {
    if (ABSL_PREDICT_FALSE(IsPatched(v))) {
      return PatchedAdjacency(false, kind, v);
    }
    return Adjacency(base_->in[kind], v);
  }

  // Hints to the CPU, for loops that know which vertices come next (a
  // vertex's data is scattered over columns a cache miss apart): start
  // loading where v's entries of In(kind, v) / Out(kind, v) are, or where
  // v's Texts are (PrefetchTexts then loads them). No effect on results.
  void PrefetchIn(v1::EdgeKind kind, ViewIndex v) const {
    if (v.value() < base_->ids.size()) {
      __builtin_prefetch(&base_->in[kind].offsets[v.value()]);
    }
  }
  void PrefetchOut(v1::EdgeKind kind, ViewIndex v) const {
    if (v.value() < base_->ids.size()) {
      __builtin_prefetch(&base_->out[kind].offsets[v.value()]);
    }
  }
  void PrefetchTextsOffset(ViewIndex v) const {
    if (v.value() < base_->ids.size()) {
      __builtin_prefetch(&base_->text_offsets[v.value()]);
    }
  }
  // Requires: where v's Texts are is loaded or on its way
  // (PrefetchTextsOffset).
  void PrefetchTexts(ViewIndex v) const {
    if (v.value() >= base_->ids.size()) return;
    const char* record = base_->text.data() + base_->text_offsets[v.value()];
    __builtin_prefetch(record);
    __builtin_prefetch(record + 64);
  }

  // Approximate bytes held, for reports (the base and the delta).
  size_t MemoryBytes() const;

  static constexpr int kEdgeKinds = kViewEdgeKinds;
  // Per vertex in a text record: the kind (one byte), the byte sizes of
  // key, name, country and region as four uint32_t (native order,
  // unaligned), then the strings.
  static constexpr size_t kTextHeaderBytes = 1 + 4 * sizeof(uint32_t);

 private:
  struct Patch;
  struct Delta;
  struct SlotPage;
  class Editor;
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  static constexpr uint32_t kSlotsPerPage = 4096;
  View() = default;
  // For Apply: a version that shares the base and the delta.
  View(const View&) = default;
  View& operator=(const View&) = delete;

  static absl::Span<const Adjacent> Adjacency(const ViewCsr& csr, ViewIndex v) {
    return absl::MakeConstSpan(
        csr.entries.data() + csr.offsets[v.value()],
        csr.offsets[v.value() + 1] - csr.offsets[v.value()]);
  }
  static Texts ParseTexts(const char* record) {
    uint32_t sizes[4];
    std::memcpy(sizes, record + 1, sizeof(sizes));
    const char* at = record + kTextHeaderBytes;
    Texts texts;
    texts.kind = static_cast<v1::VertexKind>(static_cast<uint8_t>(record[0]));
    texts.key = absl::string_view(at, sizes[0]);
    texts.name = absl::string_view(at += sizes[0], sizes[1]);
    texts.country = absl::string_view(at += sizes[1], sizes[2]);
    texts.region = absl::string_view(at += sizes[2], sizes[3]);
    texts.joined = absl::string_view(record + kTextHeaderBytes,
                                     at + sizes[3] - record - kTextHeaderBytes);
    return texts;
  }
  // Whether v is in the delta (changed, added or deleted since the base).
  bool IsPatched(ViewIndex v) const {
    return patched_bits_ != nullptr &&
           ((patched_bits_[v.value() >> 6] >> (v.value() & 63)) & 1) != 0;
  }
  // Requires: IsPatched(v).
  const Patch& patch(ViewIndex v) const;
  VertexId PatchedId(ViewIndex v) const;
  Texts PatchedTexts(ViewIndex v) const;
  absl::Span<const Adjacent> PatchedAdjacency(bool out, v1::EdgeKind kind,
                                              ViewIndex v) const;

  uint64_t sequence_ = 0;
  size_t vertex_count_ = 0;
  size_t edge_count_ = 0;
  // Shared by every view made from it by Apply.
  std::shared_ptr<const ViewBase> base_;
  std::shared_ptr<const Delta> delta_;  // null: none
  // delta_'s bits, slot pages and patches, or null: set with delta_ and
  // only valid with it (which is why a View is not copied or moved but by
  // Apply, which shares the delta).
  const uint64_t* patched_bits_ = nullptr;
  const std::shared_ptr<SlotPage>* slot_pages_ = nullptr;
  const std::shared_ptr<const Patch>* patches_ = nullptr;
};

}  // namespace chainkg::graph
