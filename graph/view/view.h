// View: an immutable, compact in-memory copy of the graph for analytics:
// dense vertex indexes, one CSR adjacency per edge kind in each direction,
// and attribute columns. Built from one store snapshot (or, in tests, from
// records directly) and tagged with that snapshot's sequence number, so an
// answer computed on it is consistent.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

#include "chainkg/v1/model.pb.h"
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

// Immutable after construction, so thread-safe; share it with
// std::shared_ptr<const View> among the queries that use it.
class View {
 public:
  // Builds a view of every vertex and edge of the store's current snapshot.
  // Errors of Store::ScanAll; RESOURCE_EXHAUSTED past 2^32 - 1 vertices.
  static absl::StatusOr<std::shared_ptr<const View>> Build(const Store& store);

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

    std::unique_ptr<View> view_;
    std::vector<PendingEdge> edges_;
    std::vector<PendingSupply> supplies_;
    absl::flat_hash_map<std::string, uint32_t> segment_ids_;
  };

  uint64_t sequence() const { return sequence_; }
  size_t vertex_count() const { return ids_.size(); }
  size_t edge_count() const { return edge_count_; }

  VertexId id(ViewIndex v) const { return ids_[v.value()]; }
  v1::VertexKind kind(ViewIndex v) const { return ids_[v.value()].kind(); }

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
    const char* record = text_.data() + text_offsets_[v.value()];
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
  absl::string_view key(ViewIndex v) const { return texts(v).key; }
  absl::string_view name(ViewIndex v) const { return texts(v).name; }
  absl::string_view region(ViewIndex v) const { return texts(v).region; }
  absl::string_view country(ViewIndex v) const { return texts(v).country; }
  // Firms: their credentials, as stored. Other kinds: none.
  absl::Span<const CredentialFact> credentials(ViewIndex v) const;
  // The record's own kind enum as a number: a chain's ChainCategory, a
  // product's ProductKind, a platform's PlatformType, a project's
  // ProjectType; 0 for the other kinds.
  int subkind(ViewIndex v) const { return subkinds_[v.value()]; }
  // Products: the 关键核心技术 flag.
  bool key_core_technology(ViewIndex v) const {
    return key_core_technology_[v.value()];
  }
  // Products: the SUPPLIES edges naming it, in edge order.
  absl::Span<const SupplyFact> SuppliesOf(ViewIndex product) const;
  // The segment name of an IN_CHAIN attribute ("" when none).
  const std::string& segment(uint32_t in_chain_attribute) const {
    return segments_[in_chain_attribute >> 2];
  }

  std::optional<ViewIndex> Find(v1::VertexKind kind,
                                absl::string_view key) const;
  std::optional<ViewIndex> Find(VertexId id) const;

  // Edges of one kind leaving / entering v. Valid as long as the view.
  // Inline: walks call them once per vertex and kind.
  absl::Span<const Adjacent> Out(v1::EdgeKind kind, ViewIndex v) const {
    return Adjacency(out_[kind], v);
  }
  absl::Span<const Adjacent> In(v1::EdgeKind kind, ViewIndex v) const {
    return Adjacency(in_[kind], v);
  }

  // Hints to the CPU, for loops that know which vertices come next (a
  // vertex's data is scattered over columns a cache miss apart): start
  // loading where v's entries of In(kind, v) / Out(kind, v) are, or where
  // v's Texts are (PrefetchTexts then loads them). No effect on results.
  void PrefetchIn(v1::EdgeKind kind, ViewIndex v) const {
    __builtin_prefetch(&in_[kind].offsets[v.value()]);
  }
  void PrefetchOut(v1::EdgeKind kind, ViewIndex v) const {
    __builtin_prefetch(&out_[kind].offsets[v.value()]);
  }
  void PrefetchTextsOffset(ViewIndex v) const {
    __builtin_prefetch(&text_offsets_[v.value()]);
  }
  // Requires: where v's Texts are is loaded or on its way
  // (PrefetchTextsOffset).
  void PrefetchTexts(ViewIndex v) const {
    const char* record = text_.data() + text_offsets_[v.value()];
    __builtin_prefetch(record);
    __builtin_prefetch(record + 64);
  }

  // Approximate bytes held, for reports.
  size_t MemoryBytes() const;

 private:
  View() = default;

  // Compressed sparse rows: the entries of vertex v are
  // entries[offsets[v] .. offsets[v + 1]).
  struct Csr {
    std::vector<uint32_t> offsets;
    std::vector<Adjacent> entries;
  };
  static absl::Span<const Adjacent> Adjacency(const Csr& csr, ViewIndex v) {
    return absl::MakeConstSpan(
        csr.entries.data() + csr.offsets[v.value()],
        csr.offsets[v.value() + 1] - csr.offsets[v.value()]);
  }
  static constexpr int kEdgeKinds = v1::EdgeKind_ARRAYSIZE;

  uint64_t sequence_ = 0;
  size_t edge_count_ = 0;
  std::vector<VertexId> ids_;
  // Per vertex, at text_offsets_[v] in text_: the kind (one byte), the
  // byte sizes of key, name, country and region as four uint32_t (native
  // order, unaligned), then the strings.
  static constexpr size_t kTextHeaderBytes = 1 + 4 * sizeof(uint32_t);
  std::vector<uint64_t> text_offsets_;
  std::string text_;
  std::vector<bool> key_core_technology_;
  std::vector<uint8_t> subkinds_;
  // credentials_[credential_offsets_[v] .. credential_offsets_[v + 1]).
  std::vector<uint32_t> credential_offsets_;
  std::vector<CredentialFact> credentials_;
  // supplies_[supply_offsets_[p] .. supply_offsets_[p + 1]).
  std::vector<uint32_t> supply_offsets_;
  std::vector<SupplyFact> supplies_;
  std::vector<std::string> segments_;  // [0] = ""
  absl::flat_hash_map<uint64_t, uint32_t> index_of_id_;
  // kind byte + natural key -> index.
  absl::flat_hash_map<std::string, uint32_t> index_of_key_;
  std::array<Csr, kEdgeKinds> out_;
  std::array<Csr, kEdgeKinds> in_;
};

}  // namespace chainkg::graph
