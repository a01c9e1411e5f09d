#include "graph/view/view.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

#include "graph/store/vertex_record.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace {

std::string KindKey(v1::VertexKind kind, absl::string_view key) {
  std::string out(1, static_cast<char>(kind));
  out.append(key.data(), key.size());
  return out;
}

}  // namespace

View::Builder::Builder() : view_(new View()) {}

absl::Status View::Builder::AddVertex(VertexId id, const v1::Vertex& vertex) {
  View& view = *view_;
  if (view.ids_.size() >= UINT32_MAX) {
    return absl::ResourceExhaustedError("a view holds at most 2^32-1 vertices");
  }
  auto index = static_cast<uint32_t>(view.ids_.size());
  if (!view.index_of_id_.emplace(id.value(), index).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("vertex id ", id.value(), " added twice"));
  }
  view.index_of_key_.emplace(KindKey(id.kind(), KeyOf(vertex)), index);
  view.ids_.push_back(id);
  view.keys_.push_back(KeyOf(vertex));
  view.names_.push_back(NameOf(vertex));
  std::optional<Location> location = LocationOf(vertex);
  view.regions_.push_back(location.has_value() ? location->region : "");
  view.countries_.push_back(location.has_value() ? location->country : "");
  return absl::OkStatus();
}

absl::Status View::Builder::AddEdge(const StoredEdge& edge) {
  const View& view = *view_;
  auto index = [&view](VertexId id) -> std::optional<uint32_t> {
    auto it = view.index_of_id_.find(id.value());
    if (it == view.index_of_id_.end()) return std::nullopt;
    return it->second;
  };
  std::optional<uint32_t> from = index(edge.from);
  std::optional<uint32_t> to = index(edge.to);
  if (!from.has_value() || !to.has_value()) {
    return absl::NotFoundError(absl::StrCat("edge ", edge.from.value(), " -> ",
                                            edge.to.value(),
                                            " names a vertex not in the view"));
  }
  uint32_t attribute = 0;
  if (edge.kind == v1::EDGE_KIND_INPUT_TO && edge.record != nullptr) {
    attribute = edge.record->input_to().essential() ? 1 : 0;
  }
  if (edge.kind == v1::EDGE_KIND_SUPPLIES && edge.product.IsValid()) {
    std::optional<uint32_t> product = index(edge.product);
    if (!product.has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "supplied product ", edge.product.value(), " is not in the view"));
    }
    attribute = *product + 1;
  }
  edges_.push_back({edge.kind, *from, *to, attribute});
  return absl::OkStatus();
}

std::shared_ptr<const View> View::Builder::Finish(uint64_t sequence) && {
  View& view = *view_;
  view.sequence_ = sequence;
  view.edge_count_ = edges_.size();
  size_t n = view.ids_.size();
  // Counting sort into each kind's CSR, forward and reverse: O(V + E), and
  // adjacency keeps the order edges were added in (key order from a store).
  for (Csr* csr_array : {view.out_.data(), view.in_.data()}) {
    for (int k = 0; k < kEdgeKinds; ++k) csr_array[k].offsets.assign(n + 1, 0);
  }
  for (const PendingEdge& e : edges_) {
    ++view.out_[e.kind].offsets[e.from + 1];
    ++view.in_[e.kind].offsets[e.to + 1];
  }
  for (Csr* csr_array : {view.out_.data(), view.in_.data()}) {
    for (int k = 0; k < kEdgeKinds; ++k) {
      Csr& csr = csr_array[k];
      for (size_t v = 0; v < n; ++v) csr.offsets[v + 1] += csr.offsets[v];
      csr.entries.resize(csr.offsets[n]);
    }
  }
  std::array<std::vector<uint32_t>, kEdgeKinds> out_fill, in_fill;
  for (int k = 0; k < kEdgeKinds; ++k) {
    out_fill[k].assign(view.out_[k].offsets.begin(),
                       view.out_[k].offsets.end() - 1);
    in_fill[k].assign(view.in_[k].offsets.begin(),
                      view.in_[k].offsets.end() - 1);
  }
  for (const PendingEdge& e : edges_) {
    view.out_[e.kind].entries[out_fill[e.kind][e.from]++] = {ViewIndex(e.to),
                                                             e.attribute};
    view.in_[e.kind].entries[in_fill[e.kind][e.to]++] = {ViewIndex(e.from),
                                                         e.attribute};
  }
  edges_.clear();
  edges_.shrink_to_fit();
  return std::shared_ptr<const View>(std::move(view_));
}

absl::StatusOr<std::shared_ptr<const View>> View::Build(const Store& store) {
  Builder builder;
  ScanVisitor visitor;
  visitor.vertex = [&builder](VertexId id, const v1::Vertex& vertex) {
    return builder.AddVertex(id, vertex);
  };
  visitor.edge = [&builder](const StoredEdge& edge) {
    return builder.AddEdge(edge);
  };
  CHAINKG_ASSIGN_OR_RETURN(uint64_t sequence, store.ScanAll(visitor));
  return std::move(builder).Finish(sequence);
}

std::optional<ViewIndex> View::Find(v1::VertexKind kind,
                                    absl::string_view key) const {
  auto it = index_of_key_.find(KindKey(kind, key));
  if (it == index_of_key_.end()) return std::nullopt;
  return ViewIndex(it->second);
}

std::optional<ViewIndex> View::Find(VertexId id) const {
  auto it = index_of_id_.find(id.value());
  if (it == index_of_id_.end()) return std::nullopt;
  return ViewIndex(it->second);
}

absl::Span<const Adjacent> View::Out(v1::EdgeKind kind, ViewIndex v) const {
  const Csr& csr = out_[kind];
  return absl::MakeConstSpan(
      csr.entries.data() + csr.offsets[v.value()],
      csr.offsets[v.value() + 1] - csr.offsets[v.value()]);
}

absl::Span<const Adjacent> View::In(v1::EdgeKind kind, ViewIndex v) const {
  const Csr& csr = in_[kind];
  return absl::MakeConstSpan(
      csr.entries.data() + csr.offsets[v.value()],
      csr.offsets[v.value() + 1] - csr.offsets[v.value()]);
}

size_t View::MemoryBytes() const {
  size_t bytes = ids_.capacity() * sizeof(VertexId);
  for (const auto* strings : {&keys_, &names_, &regions_, &countries_}) {
    for (const std::string& s : *strings) bytes += sizeof(s) + s.capacity();
  }
  for (const auto* csrs : {&out_, &in_}) {
    for (const Csr& csr : *csrs) {
      bytes += csr.offsets.capacity() * sizeof(uint32_t) +
               csr.entries.capacity() * sizeof(Adjacent);
    }
  }
  bytes += index_of_id_.capacity() * (sizeof(uint64_t) + sizeof(uint32_t));
  bytes += index_of_key_.capacity() * (sizeof(std::string) + sizeof(uint32_t));
  return bytes;
}

}  // namespace chainkg::graph
