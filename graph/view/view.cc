#include "graph/view/view.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

#include "graph/store/vertex_record.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace {

// Vertices between two looks at a stop request in long passes.
constexpr size_t kStopCheckInterval = 65536;

std::string KindKey(v1::VertexKind kind, absl::string_view key) {
  std::string out(1, static_cast<char>(kind));
  out.append(key.data(), key.size());
  return out;
}

// Appends a text record (View::kTextHeaderBytes) to out.
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

float ShareOf(const v1::Edge* record) {
  return record != nullptr ? static_cast<float>(record->supplies().share())
                           : 0.0f;
}

// Builds the CSR of one kind and direction from per-vertex lists.
template <typename ListOf>
void FillCsr(size_t n, ListOf list_of, ViewCsr* csr) {
  csr->offsets.assign(n + 1, 0);
  size_t total = 0;
  for (size_t v = 0; v < n; ++v) {
    total += list_of(v).size();
    csr->offsets[v + 1] = static_cast<uint32_t>(total);
  }
  csr->entries.resize(total);
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

// ---------------------------------------------------------------------------
// The delta.
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Apply: a new version with a delta.
// ---------------------------------------------------------------------------

// Makes the next view's delta from the current view's: patches are copied
// on their first change in this round (the current view's stay as they are,
// shared with the queries still on it), lists likewise.
class View::Editor {
 public:
  explicit Editor(const View& current)
      : current_(current), next_(new View(current)) {
    delta_ = current.delta_ != nullptr
                 ? std::make_shared<Delta>(*current.delta_)
                 : std::make_shared<Delta>();
    Resize(current.vertex_count_);
    next_->delta_ = delta_;
  }

  absl::Status ApplyVertex(const VertexChange& change) {
    std::optional<uint32_t> index = IndexOf(change.id);
    if (!change.record.has_value()) {
      if (!index.has_value()) return absl::OkStatus();  // never seen
      Patch& p = Mutable(*index);
      p.text.clear();
      AppendTextRecord(v1::VERTEX_KIND_UNSPECIFIED, "", "", "", "", &p.text);
      p.credentials.clear();
      p.subkind = 0;
      p.key_core_technology = false;
      return absl::OkStatus();
    }
    const v1::Vertex& vertex = *change.record;
    if (!index.has_value()) {
      if (next_->vertex_count_ >= UINT32_MAX) {
        return absl::ResourceExhaustedError(
            "a view holds at most 2^32-1 vertices");
      }
      auto added = static_cast<uint32_t>(next_->vertex_count_++);
      Resize(next_->vertex_count_);
      delta_->added_ids[change.id.value()] = added;
      delta_->added_keys[KindKey(change.id.kind(), KeyOf(vertex))] = added;
      auto fresh = std::make_shared<Patch>();
      fresh->id = change.id;
      SetPatch(added, fresh);
      index = added;
    }
    Patch& p = Mutable(*index);
    p.text.clear();
    AppendTextRecord(change.id, vertex, &p.text);
    p.credentials.clear();
    AppendCredentials(vertex, &p.credentials);
    p.subkind = static_cast<uint8_t>(SubkindOf(vertex));
    p.key_core_technology = KeyCoreTechnologyOf(vertex);
    return absl::OkStatus();
  }

  absl::Status ApplyEdge(const EdgeChange& change) {
    std::optional<uint32_t> from = IndexOf(change.from);
    std::optional<uint32_t> to = IndexOf(change.to);
    std::optional<uint32_t> product;
    const bool named_product =
        change.kind == v1::EDGE_KIND_SUPPLIES && change.product.IsValid();
    if (named_product) product = IndexOf(change.product);
    if (!from.has_value() || !to.has_value() ||
        (named_product && !product.has_value())) {
      if (!change.record.has_value()) return absl::OkStatus();
      return absl::InternalError(absl::StrCat(
          "changes name an edge ", change.from.value(), " -> ",
          change.to.value(), " whose vertices the view does not hold"));
    }
    if (change.kind <= v1::EDGE_KIND_UNSPECIFIED || change.kind >= kEdgeKinds) {
      return absl::InternalError("changes name an unknown edge kind");
    }
    const uint32_t product_attribute = named_product ? *product + 1 : 0;
    const v1::Edge* record =
        change.record.has_value() ? &*change.record : nullptr;
    uint32_t attribute =
        named_product
            ? product_attribute
            : EdgeAttribute(change.kind, record, [this](const std::string& s) {
                return SegmentId(s);
              });
    const bool supplies = change.kind == v1::EDGE_KIND_SUPPLIES;
    // Edge identity within a list: the other end, and for SUPPLIES the
    // product (Adjacent::attribute).
    auto same = [supplies, product_attribute](uint32_t other) {
      return [=](const Adjacent& a) {
        return a.other.value() == other &&
               (!supplies || a.attribute == product_attribute);
      };
    };
    bool existed =
        Edit(MutableList(*from, true, change.kind), same(*to),
             record != nullptr, Adjacent{ViewIndex(*to), attribute}, supplies);
    Edit(MutableList(*to, false, change.kind), same(*from), record != nullptr,
         Adjacent{ViewIndex(*from), attribute}, supplies);
    if (existed && record == nullptr) --next_->edge_count_;
    if (!existed && record != nullptr) ++next_->edge_count_;
    if (named_product) {
      std::vector<SupplyFact>& facts = MutableSupplies(*product);
      auto it =
          std::find_if(facts.begin(), facts.end(), [&](const SupplyFact& f) {
            return f.supplier.value() == *from && f.buyer.value() == *to;
          });
      if (it != facts.end()) {
        facts.erase(it);
        --delta_->entries;
      }
      if (record != nullptr) {
        ++delta_->entries;
        SupplyFact fact{ViewIndex(*from), ViewIndex(*to), ShareOf(record)};
        // Edge order, as a fresh build gives: supplier id, then buyer id.
        auto order = [this](const SupplyFact& a, const SupplyFact& b) {
          uint64_t as = IdOf(a.supplier.value()), bs = IdOf(b.supplier.value());
          if (as != bs) return as < bs;
          return IdOf(a.buyer.value()) < IdOf(b.buyer.value());
        };
        facts.insert(std::upper_bound(facts.begin(), facts.end(), fact, order),
                     fact);
      }
    }
    return absl::OkStatus();
  }

  std::shared_ptr<const View> Finish(uint64_t sequence) {
    const ViewBase& base = *current_.base_;
    for (auto& [index, p] : writable_) {
      for (int k = 0; k < kEdgeKinds; ++k) {
        for (bool out : {true, false}) {
          const std::shared_ptr<std::vector<Adjacent>>& list =
              out ? p->out[k] : p->in[k];
          absl::Span<const Adjacent>& span =
              out ? p->out_span[k] : p->in_span[k];
          span =
              list != nullptr ? absl::MakeConstSpan(*list)
              : index < base.ids.size()
                  ? Adjacency(out ? base.out[k] : base.in[k], ViewIndex(index))
                  : absl::Span<const Adjacent>();
        }
      }
    }
    next_->sequence_ = sequence;
    next_->patched_bits_ = delta_->bits.data();
    next_->slot_pages_ = delta_->slot_pages.data();
    next_->patches_ = delta_->patches.data();
    return std::shared_ptr<const View>(std::move(next_));
  }

 private:
  void Resize(size_t vertices) {
    delta_->bits.resize((vertices + 63) / 64, 0);
    delta_->slot_pages.resize((vertices + kSlotsPerPage - 1) / kSlotsPerPage);
  }

  uint32_t SlotOf(uint32_t index) const {
    const std::shared_ptr<SlotPage>& page =
        delta_->slot_pages[index / kSlotsPerPage];
    return page == nullptr ? kNoSlot : page->slots[index % kSlotsPerPage];
  }

  // The page of index copied on its first change in this round.
  uint32_t& MutableSlot(uint32_t index) {
    std::shared_ptr<SlotPage>& page = delta_->slot_pages[index / kSlotsPerPage];
    if (page == nullptr || !fresh_pages_.contains(page.get())) {
      auto copy = std::make_shared<SlotPage>();
      if (page == nullptr) {
        copy->slots.fill(kNoSlot);
      } else {
        copy->slots = page->slots;
      }
      page = std::move(copy);
      fresh_pages_.insert(page.get());
    }
    return page->slots[index % kSlotsPerPage];
  }

  // A vertex's id; ids never change, so a base vertex's is the base's.
  uint64_t IdOf(uint32_t index) const {
    if (index < current_.base_->ids.size()) {
      return current_.base_->ids[index].value();
    }
    return delta_->patches[SlotOf(index)]->id.value();
  }

  // The index of a vertex in the next view, dead or alive.
  std::optional<uint32_t> IndexOf(VertexId id) const {
    if (auto it = delta_->added_ids.find(id.value());
        it != delta_->added_ids.end()) {
      return it->second;
    }
    const auto& base_ids = current_.base_->index_of_id;
    if (auto it = base_ids.find(id.value()); it != base_ids.end()) {
      return it->second;
    }
    return std::nullopt;
  }

  void SetPatch(uint32_t index, std::shared_ptr<Patch> p) {
    delta_->bits[index >> 6] |= uint64_t{1} << (index & 63);
    writable_[index] = p.get();
    uint32_t& slot = MutableSlot(index);
    if (slot == kNoSlot) {
      slot = static_cast<uint32_t>(delta_->patches.size());
      delta_->patches.push_back(std::move(p));
    } else {
      delta_->patches[slot] = std::move(p);
    }
  }

  Patch& Mutable(uint32_t index) {
    if (auto it = writable_.find(index); it != writable_.end()) {
      return *it->second;
    }
    std::shared_ptr<Patch> p;
    if (uint32_t slot = SlotOf(index); slot != kNoSlot) {
      p = std::make_shared<Patch>(*delta_->patches[slot]);  // lists shared
    } else {
      // A base vertex's first patch: its texts and attributes copied,
      // its lists still the base's (null).
      const ViewBase& b = *current_.base_;
      ViewIndex v(index);
      p = std::make_shared<Patch>();
      p->id = b.ids[index];
      Texts t = ParseTexts(b.text.data() + b.text_offsets[index]);
      AppendTextRecord(t.kind, t.key, t.name, t.country, t.region, &p->text);
      p->subkind = b.subkinds[index];
      p->key_core_technology = b.key_core_technology[index];
      absl::Span<const CredentialFact> credentials = current_.credentials(v);
      p->credentials.assign(credentials.begin(), credentials.end());
    }
    Patch& ref = *p;
    SetPatch(index, std::move(p));
    return ref;
  }

  std::vector<Adjacent>& MutableList(uint32_t index, bool out,
                                     v1::EdgeKind kind) {
    Patch& p = Mutable(index);
    std::shared_ptr<std::vector<Adjacent>>& list =
        out ? p.out[kind] : p.in[kind];
    if (list == nullptr || !fresh_lists_.contains(list.get())) {
      absl::Span<const Adjacent> now =
          list != nullptr ? absl::MakeConstSpan(*list)
          : index < current_.base_->ids.size()
              ? Adjacency(
                    out ? current_.base_->out[kind] : current_.base_->in[kind],
                    ViewIndex(index))
              : absl::Span<const Adjacent>();
      if (list != nullptr) delta_->entries -= list->size();
      list = std::make_shared<std::vector<Adjacent>>(now.begin(), now.end());
      fresh_lists_.insert(list.get());
      delta_->entries += list->size();
    }
    return *list;
  }

  std::vector<SupplyFact>& MutableSupplies(uint32_t index) {
    Patch& p = Mutable(index);
    if (p.supplies == nullptr || !fresh_supplies_.contains(p.supplies.get())) {
      absl::Span<const SupplyFact> now =
          p.supplies != nullptr ? absl::MakeConstSpan(*p.supplies)
          : index < current_.base_->ids.size()
              ? current_.SuppliesOf(ViewIndex(index))
              : absl::Span<const SupplyFact>();
      if (p.supplies != nullptr) delta_->entries -= p.supplies->size();
      p.supplies =
          std::make_shared<std::vector<SupplyFact>>(now.begin(), now.end());
      fresh_supplies_.insert(p.supplies.get());
      delta_->entries += p.supplies->size();
    }
    return *p.supplies;
  }

  // Removes the entry matching from list, then inserts entry when put,
  // in the order a fresh build gives: by the other end's id, then (SUPPLIES)
  // the product's id. Returns whether an entry matched.
  template <typename Match>
  bool Edit(std::vector<Adjacent>& list, Match match, bool put,
            const Adjacent& entry, bool supplies) {
    auto it = std::find_if(list.begin(), list.end(), match);
    bool existed = it != list.end();
    if (existed) {
      list.erase(it);
      --delta_->entries;
    }
    if (!put) return existed;
    ++delta_->entries;
    auto order_key = [this, supplies](const Adjacent& a) {
      return std::make_pair(IdOf(a.other.value()), supplies && a.attribute != 0
                                                       ? IdOf(a.attribute - 1)
                                                       : uint64_t{0});
    };
    auto key = order_key(entry);
    auto at = std::upper_bound(
        list.begin(), list.end(), key,
        [&](const auto& k, const Adjacent& a) { return k < order_key(a); });
    list.insert(at, entry);
    return existed;
  }

  uint32_t SegmentId(const std::string& segment) {
    const std::vector<std::string>& base_segments = current_.base_->segments;
    // Base segments are few (a chain's segment names): a scan is enough.
    for (size_t i = 0; i < base_segments.size(); ++i) {
      if (base_segments[i] == segment) return static_cast<uint32_t>(i);
    }
    auto [it, inserted] = delta_->added_segment_ids.try_emplace(
        segment, static_cast<uint32_t>(base_segments.size() +
                                       delta_->added_segments.size()));
    if (inserted) delta_->added_segments.push_back(segment);
    return it->second;
  }

  const View& current_;
  std::unique_ptr<View> next_;
  std::shared_ptr<Delta> delta_;
  // Patches and lists made in this round, which may still change.
  absl::flat_hash_map<uint32_t, Patch*> writable_;
  absl::flat_hash_set<const void*> fresh_lists_;
  absl::flat_hash_set<const void*> fresh_pages_;
  absl::flat_hash_set<const void*> fresh_supplies_;
};

absl::StatusOr<std::shared_ptr<const View>> View::Apply(
    const GraphChanges& changes) const {
  if (changes.after != sequence_) {
    return absl::FailedPreconditionError(
        absl::StrCat("changes after sequence ", changes.after,
                     " do not follow a view at sequence ", sequence_));
  }
  if (changes.vertices.empty() && changes.edges.empty()) {
    // Writes that touched no vertex or edge (an audit record alone): the
    // same graph at a later sequence.
    std::shared_ptr<View> same(new View(*this));
    same->sequence_ = changes.sequence;
    return std::shared_ptr<const View>(std::move(same));
  }
  Editor editor(*this);
  // Vertices first: the edges of the same changes may name added ones.
  for (const VertexChange& change : changes.vertices) {
    CHAINKG_RETURN_IF_ERROR(editor.ApplyVertex(change));
  }
  for (const EdgeChange& change : changes.edges) {
    CHAINKG_RETURN_IF_ERROR(editor.ApplyEdge(change));
  }
  return editor.Finish(changes.sequence);
}

// ---------------------------------------------------------------------------
// Compact: a new base.
// ---------------------------------------------------------------------------

absl::StatusOr<std::shared_ptr<const View>> View::Compact(
    const std::function<bool()>& stop) const {
  auto check = [&]() -> absl::Status {
    if (stop != nullptr && stop()) {
      return absl::CancelledError("view compaction stopped");
    }
    return absl::OkStatus();
  };
  // Live vertices in id order: the base's are in id order already, the
  // added ones are sorted and merged in (ids looked up once each).
  std::vector<std::pair<uint64_t, uint32_t>> base_live, added;
  const size_t base_n = base_->ids.size();
  for (uint32_t v = 0; v < vertex_count_; ++v) {
    if (kind(ViewIndex(v)) == v1::VERTEX_KIND_UNSPECIFIED) continue;
    (v < base_n ? base_live : added).emplace_back(id(ViewIndex(v)).value(), v);
  }
  std::sort(added.begin(), added.end());
  std::vector<std::pair<uint64_t, uint32_t>> merged(base_live.size() +
                                                    added.size());
  std::merge(base_live.begin(), base_live.end(), added.begin(), added.end(),
             merged.begin());
  base_live = {};
  added = {};
  std::vector<uint32_t> order(merged.size());
  for (size_t i = 0; i < merged.size(); ++i) order[i] = merged[i].second;
  merged = {};
  const size_t n = order.size();
  std::vector<uint32_t> renumber(vertex_count_, UINT32_MAX);
  for (size_t i = 0; i < n; ++i) renumber[order[i]] = static_cast<uint32_t>(i);
  CHAINKG_RETURN_IF_ERROR(check());

  auto fresh = std::make_unique<ViewBase>();
  ViewBase& b = *fresh;
  b.edge_count = edge_count_;
  b.segments = base_->segments;
  if (delta_ != nullptr) {
    b.segments.insert(b.segments.end(), delta_->added_segments.begin(),
                      delta_->added_segments.end());
  }
  b.ids.reserve(n);
  b.text_offsets.reserve(n);
  b.text.reserve(base_->text.size());
  b.subkinds.reserve(n);
  b.key_core_technology.reserve(n);
  b.credential_offsets.reserve(n + 1);
  b.credential_offsets.push_back(0);
  b.index_of_id.reserve(n);
  b.index_of_key.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (i % kStopCheckInterval == 0) CHAINKG_RETURN_IF_ERROR(check());
    ViewIndex v(order[i]);
    VertexId vertex_id = id(v);
    Texts t = texts(v);
    b.ids.push_back(vertex_id);
    b.index_of_id.emplace(vertex_id.value(), static_cast<uint32_t>(i));
    b.index_of_key.emplace(KindKey(t.kind, t.key), static_cast<uint32_t>(i));
    b.text_offsets.push_back(b.text.size());
    AppendTextRecord(t.kind, t.key, t.name, t.country, t.region, &b.text);
    b.subkinds.push_back(static_cast<uint8_t>(subkind(v)));
    b.key_core_technology.push_back(key_core_technology(v));
    absl::Span<const CredentialFact> credentials = this->credentials(v);
    b.credentials.insert(b.credentials.end(), credentials.begin(),
                         credentials.end());
    b.credential_offsets.push_back(static_cast<uint32_t>(b.credentials.size()));
  }
  CHAINKG_RETURN_IF_ERROR(check());
  for (int k = 0; k < kEdgeKinds; ++k) {
    const auto kind = static_cast<v1::EdgeKind>(k);
    const bool supplies = kind == v1::EDGE_KIND_SUPPLIES;
    for (bool out : {true, false}) {
      auto list_of = [&](size_t i) {
        return out ? Out(kind, ViewIndex(order[i]))
                   : In(kind, ViewIndex(order[i]));
      };
      ViewCsr& csr = out ? b.out[k] : b.in[k];
      FillCsr(n, list_of, &csr);
      size_t at = 0;
      for (size_t i = 0; i < n; ++i) {
        if (i % kStopCheckInterval == 0) CHAINKG_RETURN_IF_ERROR(check());
        for (const Adjacent& a : list_of(i)) {
          uint32_t attribute = a.attribute;
          if (supplies && attribute != 0) {
            attribute = renumber[attribute - 1] + 1;
          }
          csr.entries[at++] = {ViewIndex(renumber[a.other.value()]), attribute};
        }
      }
    }
    CHAINKG_RETURN_IF_ERROR(check());
  }
  b.supply_offsets.assign(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    absl::Span<const SupplyFact> facts = SuppliesOf(ViewIndex(order[i]));
    b.supply_offsets[i + 1] =
        b.supply_offsets[i] + static_cast<uint32_t>(facts.size());
    for (const SupplyFact& f : facts) {
      b.supplies.push_back({ViewIndex(renumber[f.supplier.value()]),
                            ViewIndex(renumber[f.buyer.value()]), f.share});
    }
  }
  std::shared_ptr<View> view(new View());
  view->sequence_ = sequence_;
  view->vertex_count_ = n;
  view->edge_count_ = edge_count_;
  view->base_ = std::move(fresh);
  return std::shared_ptr<const View>(std::move(view));
}

}  // namespace chainkg::graph
