#include "graph/view/view.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

#include "graph/store/vertex_record.h"
#include "graph/view/view_parts.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace internal {

std::string KindKey(v1::VertexKind kind, absl::string_view key) {
  std::string out(1, static_cast<char>(kind));
  out.append(key.data(), key.size());
  return out;
}

void AppendTextRecord(v1::VertexKind kind, absl::string_view key,
                      absl::string_view name, absl::string_view country,
                      absl::string_view region, std::string* out) {
  static_assert(v1::VertexKind_MAX < 256, "a kind fits the record's byte");
  out->push_back(static_cast<char>(static_cast<uint8_t>(kind)));
  // Protobuf strings are shorter than 2 GiB, so every size fits.
  for (absl::string_view text : {key, name, country, region}) {
    const auto size32 = static_cast<uint32_t>(text.size());
    out->append(reinterpret_cast<const char*>(&size32), sizeof(size32));
  }
  for (absl::string_view text : {key, name, country, region}) {
    out->append(text.data(), text.size());
  }
}

void AppendTextRecord(VertexId id, const v1::Vertex& vertex, std::string* out) {
  std::optional<Location> location = LocationOf(vertex);
  AppendTextRecord(
      id.kind(), KeyOf(vertex), NameOf(vertex),
      location.has_value() ? absl::string_view(location->country) : "",
      location.has_value() ? absl::string_view(location->region) : "", out);
}

int SubkindOf(const v1::Vertex& vertex) {
  return vertex.has_chain()      ? vertex.chain().category()
         : vertex.has_product()  ? vertex.product().kind()
         : vertex.has_platform() ? vertex.platform().type()
         : vertex.has_project()  ? vertex.project().type()
                                 : 0;
}

bool KeyCoreTechnologyOf(const v1::Vertex& vertex) {
  return vertex.has_product() && vertex.product().key_core_technology();
}

void AppendCredentials(const v1::Vertex& vertex,
                       std::vector<CredentialFact>* out) {
  if (!vertex.has_firm()) return;
  for (const v1::Credential& credential : vertex.firm().credentials()) {
    out->push_back({credential.kind(), credential.level(), credential.status(),
                    credential.year(), ParseDateNumber(credential.valid_from()),
                    ParseDateNumber(credential.valid_to())});
  }
}

float ShareOf(const v1::Edge* record) {
  return record != nullptr ? static_cast<float>(record->supplies().share())
                           : 0.0f;
}

}  // namespace internal

using internal::AppendCredentials;
using internal::AppendTextRecord;
using internal::EdgeAttribute;
using internal::KeyCoreTechnologyOf;
using internal::KindKey;
using internal::kStopCheckInterval;
using internal::ShareOf;
using internal::SubkindOf;

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

// ---------------------------------------------------------------------------
// Reading a patched vertex (the delta itself: view_parts.h, view_delta.cc).
// ---------------------------------------------------------------------------

const View::Patch& View::patch(ViewIndex v) const {
  return *patches_[slot_pages_[v.value() / kSlotsPerPage]
                       ->slots[v.value() % kSlotsPerPage]];
}

VertexId View::PatchedId(ViewIndex v) const { return patch(v).id; }

View::Texts View::PatchedTexts(ViewIndex v) const {
  return ParseTexts(patch(v).text.data());
}

absl::Span<const Adjacent> View::PatchedAdjacency(bool out, v1::EdgeKind kind,
                                                  ViewIndex v) const {
  const Patch& p = patch(v);
  return out ? p.out_span[kind] : p.in_span[kind];
}

absl::Span<const CredentialFact> View::credentials(ViewIndex v) const {
  if (IsPatched(v)) return absl::MakeConstSpan(patch(v).credentials);
  const ViewBase& b = *base_;
  return absl::MakeConstSpan(
      b.credentials.data() + b.credential_offsets[v.value()],
      b.credential_offsets[v.value() + 1] - b.credential_offsets[v.value()]);
}

int View::subkind(ViewIndex v) const {
  if (IsPatched(v)) return patch(v).subkind;
  return base_->subkinds[v.value()];
}

bool View::key_core_technology(ViewIndex v) const {
  if (IsPatched(v)) return patch(v).key_core_technology;
  return base_->key_core_technology[v.value()];
}

absl::Span<const SupplyFact> View::SuppliesOf(ViewIndex product) const {
  if (IsPatched(product)) {
    const Patch& p = patch(product);
    if (p.supplies != nullptr) return absl::MakeConstSpan(*p.supplies);
    if (product.value() >= base_->ids.size()) return {};
  }
  const ViewBase& b = *base_;
  return absl::MakeConstSpan(
      b.supplies.data() + b.supply_offsets[product.value()],
      b.supply_offsets[product.value() + 1] -
          b.supply_offsets[product.value()]);
}

const std::string& View::segment(uint32_t in_chain_attribute) const {
  uint32_t id = in_chain_attribute >> 2;
  if (id < base_->segments.size()) return base_->segments[id];
  return delta_->added_segments[id - base_->segments.size()];
}

std::optional<ViewIndex> View::Find(v1::VertexKind kind,
                                    absl::string_view key) const {
  std::string kind_key = KindKey(kind, key);
  std::optional<ViewIndex> found;
  if (delta_ != nullptr) {
    auto it = delta_->added_keys.find(kind_key);
    if (it != delta_->added_keys.end()) found = ViewIndex(it->second);
  }
  if (!found.has_value()) {
    auto it = base_->index_of_key.find(kind_key);
    if (it == base_->index_of_key.end()) return std::nullopt;
    found = ViewIndex(it->second);
  }
  if (this->kind(*found) == v1::VERTEX_KIND_UNSPECIFIED) return std::nullopt;
  return found;
}

std::optional<ViewIndex> View::Find(VertexId id) const {
  std::optional<ViewIndex> found;
  if (delta_ != nullptr) {
    auto it = delta_->added_ids.find(id.value());
    if (it != delta_->added_ids.end()) found = ViewIndex(it->second);
  }
  if (!found.has_value()) {
    auto it = base_->index_of_id.find(id.value());
    if (it == base_->index_of_id.end()) return std::nullopt;
    found = ViewIndex(it->second);
  }
  if (kind(*found) == v1::VERTEX_KIND_UNSPECIFIED) return std::nullopt;
  return found;
}

View::DeltaSize View::delta_size() const {
  if (delta_ == nullptr) return {};
  return {delta_->patches.size(), delta_->entries};
}

size_t View::MemoryBytes() const {
  const ViewBase& b = *base_;
  size_t bytes = b.ids.capacity() * sizeof(VertexId);
  bytes += b.text_offsets.capacity() * sizeof(uint64_t) + b.text.capacity();
  for (const auto* csrs : {&b.out, &b.in}) {
    for (const ViewCsr& csr : *csrs) {
      bytes += csr.offsets.capacity() * sizeof(uint32_t) +
               csr.entries.capacity() * sizeof(Adjacent);
    }
  }
  bytes += b.key_core_technology.capacity() / 8 + b.subkinds.capacity() +
           b.credential_offsets.capacity() * sizeof(uint32_t) +
           b.credentials.capacity() * sizeof(CredentialFact) +
           b.supply_offsets.capacity() * sizeof(uint32_t) +
           b.supplies.capacity() * sizeof(SupplyFact);
  for (const std::string& s : b.segments) bytes += sizeof(s) + s.capacity();
  bytes += b.index_of_id.capacity() * (sizeof(uint64_t) + sizeof(uint32_t));
  bytes += b.index_of_key.capacity() * (sizeof(std::string) + sizeof(uint32_t));
  if (delta_ != nullptr) {
    size_t pages = 0;
    for (const auto& page : delta_->slot_pages) pages += page != nullptr;
    bytes += delta_->bits.capacity() * sizeof(uint64_t) +
             pages * sizeof(SlotPage) +
             delta_->patches.size() * (sizeof(Patch) + 64) +
             delta_->entries * sizeof(Adjacent) +
             delta_->added_keys.size() * (sizeof(std::string) + 32);
  }
  return bytes;
}

// ---------------------------------------------------------------------------
// Builder: a base from records.
// ---------------------------------------------------------------------------

View::Builder::Builder() : base_(std::make_unique<ViewBase>()) {
  base_->segments.emplace_back();
  base_->credential_offsets.push_back(0);
  segment_ids_.emplace("", 0);
}

uint32_t View::Builder::SegmentId(const std::string& segment) {
  auto [it, inserted] = segment_ids_.try_emplace(
      segment, static_cast<uint32_t>(base_->segments.size()));
  if (inserted) base_->segments.push_back(segment);
  return it->second;
}

absl::Status View::Builder::AddVertex(VertexId id, const v1::Vertex& vertex) {
  ViewBase& base = *base_;
  if (base.ids.size() >= UINT32_MAX) {
    return absl::ResourceExhaustedError("a view holds at most 2^32-1 vertices");
  }
  auto index = static_cast<uint32_t>(base.ids.size());
  if (!base.index_of_id.emplace(id.value(), index).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("vertex id ", id.value(), " added twice"));
  }
  base.index_of_key.emplace(KindKey(id.kind(), KeyOf(vertex)), index);
  base.ids.push_back(id);
  base.text_offsets.push_back(base.text.size());
  AppendTextRecord(id, vertex, &base.text);
  base.key_core_technology.push_back(KeyCoreTechnologyOf(vertex));
  base.subkinds.push_back(static_cast<uint8_t>(SubkindOf(vertex)));
  AppendCredentials(vertex, &base.credentials);
  base.credential_offsets.push_back(
      static_cast<uint32_t>(base.credentials.size()));
  return absl::OkStatus();
}

absl::Status View::Builder::AddEdge(const StoredEdge& edge) {
  const ViewBase& base = *base_;
  auto index = [&base](VertexId id) -> std::optional<uint32_t> {
    auto it = base.index_of_id.find(id.value());
    if (it == base.index_of_id.end()) return std::nullopt;
    return it->second;
  };
  std::optional<uint32_t> from = index(edge.from);
  std::optional<uint32_t> to = index(edge.to);
  if (!from.has_value() || !to.has_value()) {
    return absl::NotFoundError(absl::StrCat("edge ", edge.from.value(), " -> ",
                                            edge.to.value(),
                                            " names a vertex not in the view"));
  }
  uint32_t attribute =
      EdgeAttribute(edge.kind, edge.record,
                    [this](const std::string& s) { return SegmentId(s); });
  if (edge.kind == v1::EDGE_KIND_SUPPLIES && edge.product.IsValid()) {
    std::optional<uint32_t> product = index(edge.product);
    if (!product.has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "supplied product ", edge.product.value(), " is not in the view"));
    }
    attribute = *product + 1;
    supplies_.push_back(
        {*product, {ViewIndex(*from), ViewIndex(*to), ShareOf(edge.record)}});
  }
  edges_.push_back({edge.kind, *from, *to, attribute});
  return absl::OkStatus();
}

std::shared_ptr<const View> View::Builder::Finish(uint64_t sequence) && {
  ViewBase& base = *base_;
  base.edge_count = edges_.size();
  size_t n = base.ids.size();
  // Counting sort into each kind's CSR, forward and reverse: O(V + E), and
  // adjacency keeps the order edges were added in (key order from a store).
  for (auto* csr_array : {&base.out, &base.in}) {
    for (ViewCsr& csr : *csr_array) csr.offsets.assign(n + 1, 0);
  }
  for (const PendingEdge& e : edges_) {
    ++base.out[e.kind].offsets[e.from + 1];
    ++base.in[e.kind].offsets[e.to + 1];
  }
  for (auto* csr_array : {&base.out, &base.in}) {
    for (ViewCsr& csr : *csr_array) {
      for (size_t v = 0; v < n; ++v) csr.offsets[v + 1] += csr.offsets[v];
      csr.entries.resize(csr.offsets[n]);
    }
  }
  std::array<std::vector<uint32_t>, kEdgeKinds> out_fill, in_fill;
  for (int k = 0; k < kEdgeKinds; ++k) {
    out_fill[k].assign(base.out[k].offsets.begin(),
                       base.out[k].offsets.end() - 1);
    in_fill[k].assign(base.in[k].offsets.begin(), base.in[k].offsets.end() - 1);
  }
  for (const PendingEdge& e : edges_) {
    base.out[e.kind].entries[out_fill[e.kind][e.from]++] = {ViewIndex(e.to),
                                                            e.attribute};
    base.in[e.kind].entries[in_fill[e.kind][e.to]++] = {ViewIndex(e.from),
                                                        e.attribute};
  }
  edges_.clear();
  edges_.shrink_to_fit();
  base.text.shrink_to_fit();
  base.text_offsets.shrink_to_fit();
  base.supply_offsets.assign(n + 1, 0);
  for (const PendingSupply& s : supplies_) ++base.supply_offsets[s.product + 1];
  for (size_t v = 0; v < n; ++v) {
    base.supply_offsets[v + 1] += base.supply_offsets[v];
  }
  base.supplies.resize(supplies_.size());
  std::vector<uint32_t> supply_fill(base.supply_offsets.begin(),
                                    base.supply_offsets.end() - 1);
  for (const PendingSupply& s : supplies_) {
    base.supplies[supply_fill[s.product]++] = s.fact;
  }
  supplies_.clear();
  supplies_.shrink_to_fit();
  std::shared_ptr<View> view(new View());
  view->sequence_ = sequence;
  view->vertex_count_ = n;
  view->edge_count_ = base.edge_count;
  view->base_ = std::move(base_);
  return view;
}

absl::StatusOr<std::shared_ptr<const View>> View::Build(
    const Store& store, const std::function<bool()>& stop) {
  Builder builder;
  int64_t visits = 0;
  auto stopped = [&]() -> absl::Status {
    if (stop != nullptr && ++visits % kStopCheckInterval == 0 && stop()) {
      return absl::CancelledError("view build stopped");
    }
    return absl::OkStatus();
  };
  ScanVisitor visitor;
  visitor.vertex = [&](VertexId id, const v1::Vertex& vertex) {
    CHAINKG_RETURN_IF_ERROR(stopped());
    return builder.AddVertex(id, vertex);
  };
  visitor.edge = [&](const StoredEdge& edge) {
    CHAINKG_RETURN_IF_ERROR(stopped());
    return builder.AddEdge(edge);
  };
  CHAINKG_ASSIGN_OR_RETURN(uint64_t sequence, store.ScanAll(visitor));
  return std::move(builder).Finish(sequence);
}

}  // namespace chainkg::graph
