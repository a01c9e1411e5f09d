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

DateNumber ParseDateNumber(absl::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return 0;
  DateNumber number = 0;
  for (size_t i = 0; i < date.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (date[i] < '0' || date[i] > '9') return 0;
    number = number * 10 + (date[i] - '0');
  }
  return number;
}

bool InForce(const CredentialFact& credential, DateNumber as_of) {
  if (credential.status == v1::CREDENTIAL_STATUS_REVOKED) return false;
  if (as_of == 0) return true;
  if (credential.valid_from != 0 && as_of < credential.valid_from) {
    return false;
  }
  if (credential.valid_to != 0 && as_of > credential.valid_to) return false;
  return true;
}

View::Builder::Builder() : view_(new View()) {
  view_->segments_.emplace_back();
  view_->credential_offsets_.push_back(0);
  segment_ids_.emplace("", 0);
}

uint32_t View::Builder::SegmentId(const std::string& segment) {
  auto [it, inserted] = segment_ids_.try_emplace(
      segment, static_cast<uint32_t>(view_->segments_.size()));
  if (inserted) view_->segments_.push_back(segment);
  return it->second;
}

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
  std::optional<Location> location = LocationOf(vertex);
  const std::string& key = KeyOf(vertex);
  const std::string& name = NameOf(vertex);
  const absl::string_view country =
      location.has_value() ? absl::string_view(location->country) : "";
  const absl::string_view region =
      location.has_value() ? absl::string_view(location->region) : "";
  view.text_offsets_.push_back(view.text_.size());
  static_assert(v1::VertexKind_MAX < 256, "a kind fits the record's byte");
  view.text_.push_back(static_cast<char>(static_cast<uint8_t>(id.kind())));
  // Protobuf strings are shorter than 2 GiB, so every size fits.
  for (size_t size : {key.size(), name.size(), country.size(), region.size()}) {
    const auto size32 = static_cast<uint32_t>(size);
    view.text_.append(reinterpret_cast<const char*>(&size32), sizeof(size32));
  }
  for (absl::string_view text :
       {absl::string_view(key), absl::string_view(name), country, region}) {
    view.text_.append(text.data(), text.size());
  }
  view.key_core_technology_.push_back(vertex.has_product() &&
                                      vertex.product().key_core_technology());
  int subkind = vertex.has_chain()      ? vertex.chain().category()
                : vertex.has_product()  ? vertex.product().kind()
                : vertex.has_platform() ? vertex.platform().type()
                : vertex.has_project()  ? vertex.project().type()
                                        : 0;
  view.subkinds_.push_back(static_cast<uint8_t>(subkind));
  if (vertex.has_firm()) {
    for (const v1::Credential& credential : vertex.firm().credentials()) {
      view.credentials_.push_back({credential.kind(), credential.level(),
                                   credential.status(), credential.year(),
                                   ParseDateNumber(credential.valid_from()),
                                   ParseDateNumber(credential.valid_to())});
    }
  }
  view.credential_offsets_.push_back(
      static_cast<uint32_t>(view.credentials_.size()));
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
  if (edge.record != nullptr) {
    switch (edge.kind) {
      case v1::EDGE_KIND_INPUT_TO:
        attribute = edge.record->input_to().essential() ? 1 : 0;
        break;
      case v1::EDGE_KIND_PRODUCES:
        attribute = static_cast<uint32_t>(edge.record->produces().maturity());
        break;
      case v1::EDGE_KIND_IN_CHAIN:
        attribute = static_cast<uint32_t>(edge.record->in_chain().stage() & 3) |
                    SegmentId(edge.record->in_chain().segment()) << 2;
        break;
      case v1::EDGE_KIND_MEMBER_OF:
        attribute = static_cast<uint32_t>(edge.record->member_of().role());
        break;
      default:
        break;
    }
  }
  if (edge.kind == v1::EDGE_KIND_SUPPLIES && edge.product.IsValid()) {
    std::optional<uint32_t> product = index(edge.product);
    if (!product.has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "supplied product ", edge.product.value(), " is not in the view"));
    }
    attribute = *product + 1;
    float share = edge.record != nullptr
                      ? static_cast<float>(edge.record->supplies().share())
                      : 0.0f;
    supplies_.push_back({*product, {ViewIndex(*from), ViewIndex(*to), share}});
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
  view.text_.shrink_to_fit();
  view.text_offsets_.shrink_to_fit();
  view.supply_offsets_.assign(n + 1, 0);
  for (const PendingSupply& s : supplies_)
    ++view.supply_offsets_[s.product + 1];
  for (size_t v = 0; v < n; ++v) {
    view.supply_offsets_[v + 1] += view.supply_offsets_[v];
  }
  view.supplies_.resize(supplies_.size());
  std::vector<uint32_t> supply_fill(view.supply_offsets_.begin(),
                                    view.supply_offsets_.end() - 1);
  for (const PendingSupply& s : supplies_) {
    view.supplies_[supply_fill[s.product]++] = s.fact;
  }
  supplies_.clear();
  supplies_.shrink_to_fit();
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

absl::Span<const CredentialFact> View::credentials(ViewIndex v) const {
  return absl::MakeConstSpan(
      credentials_.data() + credential_offsets_[v.value()],
      credential_offsets_[v.value() + 1] - credential_offsets_[v.value()]);
}

absl::Span<const SupplyFact> View::SuppliesOf(ViewIndex product) const {
  return absl::MakeConstSpan(
      supplies_.data() + supply_offsets_[product.value()],
      supply_offsets_[product.value() + 1] - supply_offsets_[product.value()]);
}

size_t View::MemoryBytes() const {
  size_t bytes = ids_.capacity() * sizeof(VertexId);
  bytes += text_offsets_.capacity() * sizeof(uint64_t) + text_.capacity();
  for (const auto* csrs : {&out_, &in_}) {
    for (const Csr& csr : *csrs) {
      bytes += csr.offsets.capacity() * sizeof(uint32_t) +
               csr.entries.capacity() * sizeof(Adjacent);
    }
  }
  bytes += key_core_technology_.capacity() / 8 + subkinds_.capacity() +
           credential_offsets_.capacity() * sizeof(uint32_t) +
           credentials_.capacity() * sizeof(CredentialFact) +
           supply_offsets_.capacity() * sizeof(uint32_t) +
           supplies_.capacity() * sizeof(SupplyFact);
  for (const std::string& s : segments_) bytes += sizeof(s) + s.capacity();
  bytes += index_of_id_.capacity() * (sizeof(uint64_t) + sizeof(uint32_t));
  bytes += index_of_key_.capacity() * (sizeof(std::string) + sizeof(uint32_t));
  return bytes;
}

}  // namespace chainkg::graph
