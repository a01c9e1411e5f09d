// View::Apply and View::Compact: a new version of a view with the changes
// of later writes as a delta, and the delta folded into a new base.
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

#include "graph/store/vertex_record.h"
#include "graph/view/view.h"
#include "graph/view/view_parts.h"
#include "util/status_macros.h"

namespace chainkg::graph {
namespace {

using internal::AppendCredentials;
using internal::AppendTextRecord;
using internal::EdgeAttribute;
using internal::KeyCoreTechnologyOf;
using internal::KindKey;
using internal::kStopCheckInterval;
using internal::ShareOf;
using internal::SubkindOf;

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
