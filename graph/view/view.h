// View: an immutable, compact in-memory copy of the graph for analytics:
// dense vertex indexes, one CSR adjacency per edge kind in each direction,
// and attribute columns. Built from one store snapshot (or, in tests, from
// records directly) and tagged with that snapshot's sequence number, so an
// answer computed on it is consistent.
#pragma once

#include <array>
#include <cstdint>
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
// ViewIndex + 1 (0 = not given); other kinds 0.
struct Adjacent {
  ViewIndex other;
  uint32_t attribute = 0;
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
    std::unique_ptr<View> view_;
    std::vector<PendingEdge> edges_;
  };

  uint64_t sequence() const { return sequence_; }
  size_t vertex_count() const { return ids_.size(); }
  size_t edge_count() const { return edge_count_; }

  VertexId id(ViewIndex v) const { return ids_[v.value()]; }
  v1::VertexKind kind(ViewIndex v) const { return ids_[v.value()].kind(); }
  const std::string& key(ViewIndex v) const { return keys_[v.value()]; }
  const std::string& name(ViewIndex v) const { return names_[v.value()]; }
  // Firms and platforms: GB/T 2260 code or empty; ISO country ("CN" when
  // the record leaves it empty). Other kinds: empty.
  const std::string& region(ViewIndex v) const { return regions_[v.value()]; }
  const std::string& country(ViewIndex v) const {
    return countries_[v.value()];
  }

  std::optional<ViewIndex> Find(v1::VertexKind kind,
                                absl::string_view key) const;
  std::optional<ViewIndex> Find(VertexId id) const;

  // Edges of one kind leaving / entering v. Valid as long as the view.
  absl::Span<const Adjacent> Out(v1::EdgeKind kind, ViewIndex v) const;
  absl::Span<const Adjacent> In(v1::EdgeKind kind, ViewIndex v) const;

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
  static constexpr int kEdgeKinds = v1::EdgeKind_ARRAYSIZE;

  uint64_t sequence_ = 0;
  size_t edge_count_ = 0;
  std::vector<VertexId> ids_;
  std::vector<std::string> keys_;
  std::vector<std::string> names_;
  std::vector<std::string> regions_;
  std::vector<std::string> countries_;
  absl::flat_hash_map<uint64_t, uint32_t> index_of_id_;
  // kind byte + natural key -> index.
  absl::flat_hash_map<std::string, uint32_t> index_of_key_;
  std::array<Csr, kEdgeKinds> out_;
  std::array<Csr, kEdgeKinds> in_;
};

}  // namespace chainkg::graph
