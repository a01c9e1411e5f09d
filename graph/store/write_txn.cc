#include "graph/store/write_txn.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

#include "graph/store/key_codec.h"
#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "util/field_error.h"
#include "util/status_macros.h"

namespace chainkg::graph::internal {

std::vector<std::string> SecondaryIndexKeys(const v1::Vertex& vertex,
                                            VertexId id) {
  std::vector<std::string> keys;
  v1::VertexKind kind = KindOf(vertex);
  for (const std::string& name : NormalizedNamesOf(vertex)) {
    keys.push_back(NameIndexKey(kind, name, id));
  }
  std::optional<Location> location = LocationOf(vertex);
  if (location.has_value()) {
    keys.push_back(
        RegionIndexKey(kind, location->country, location->region, id));
    if (vertex.has_firm()) {
      for (const v1::Credential& credential : vertex.firm().credentials()) {
        keys.push_back(CredentialIndexKey(credential.kind(), location->country,
                                          location->region, credential.level(),
                                          id));
      }
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string RefText(const v1::VertexRef& ref) {
  return RefText(ref.kind(), ref.key());
}

std::string RefText(v1::VertexKind kind, absl::string_view key) {
  return absl::StrCat(KindName(kind), " \"", key, "\"");
}

void WriteTxn::SetSavePoint() {
  target_.SetSavePoint();
  saved_sequences_.push_back(next_sequence_);
}

absl::Status WriteTxn::RollbackToSavePoint() {
  id_cache_.clear();  // it may hold ids created after the savepoint
  next_sequence_ = saved_sequences_.back();
  saved_sequences_.pop_back();
  return target_.RollbackToSavePoint();
}

absl::Status WriteTxn::PopSavePoint() {
  saved_sequences_.pop_back();
  return target_.PopSavePoint();
}

absl::Status WriteTxn::WriteCounters() {
  for (v1::VertexKind kind : kAllVertexKinds) {
    if (next_sequence_[kind] == initial_sequence_[kind]) continue;
    std::string value;
    AppendUint64(&value, next_sequence_[kind]);
    CHAINKG_RETURN_IF_ERROR(target_.Put(kMeta, NextSequenceKey(kind), value));
  }
  return absl::OkStatus();
}

void WriteTxn::PublishIds(CommittedIds* committed_ids) const {
  for (const std::string& key : deleted_) committed_ids->erase(key);
  for (const auto& [key, id] : id_cache_) {
    if (id.has_value()) {
      committed_ids->insert_or_assign(key, *id);
    } else {
      committed_ids->erase(key);
    }
  }
}

absl::StatusOr<std::optional<VertexId>> WriteTxn::LookupId(
    v1::VertexKind kind, absl::string_view key) {
  AssignNaturalKeyIndexKey(kind, key, &index_key_);
  if (cache_ids_) {
    auto cached = id_cache_.find(index_key_);
    if (cached != id_cache_.end()) return cached->second;
    if (committed_ids_ != nullptr && !deleted_.contains(index_key_)) {
      auto known = committed_ids_->find(index_key_);
      if (known != committed_ids_->end()) return known->second;
    }
  }
  CHAINKG_ASSIGN_OR_RETURN(std::optional<std::string> value,
                           target_.Get(kIndex, index_key_));
  std::optional<VertexId> id;
  if (value.has_value()) {
    if (value->size() != kIdBytes) {
      return absl::DataLossError(absl::StrCat(
          "natural-key index entry of ", RefText(kind, key), " is malformed"));
    }
    id = VertexId(ReadUint64(*value));
  }
  if (cache_ids_) id_cache_.emplace(index_key_, id);
  return id;
}

absl::StatusOr<v1::Vertex> WriteTxn::ReadVertex(VertexId id) {
  CHAINKG_ASSIGN_OR_RETURN(std::optional<std::string> value,
                           target_.Get(kVertex, VertexKey(id)));
  v1::Vertex vertex;
  if (!value.has_value() || !vertex.ParseFromString(*value)) {
    return absl::DataLossError(
        absl::StrCat("vertex ", id.value(), " is missing or corrupt"));
  }
  return vertex;
}

namespace {

// Sets source.client on a record that has no source.
void StampClient(v1::Vertex* vertex, absl::string_view client) {
  if (client.empty()) return;
  google::protobuf::Message* record = MutableRecordOf(vertex);
  if (record == nullptr) return;
  const auto* field = record->GetDescriptor()->FindFieldByName("source");
  if (record->GetReflection()->HasField(*record, field)) return;
  static_cast<v1::Source*>(
      record->GetReflection()->MutableMessage(record, field))
      ->set_client(std::string(client));
}

}  // namespace

absl::Status WriteTxn::UpsertVertex(const v1::Vertex& vertex, UpsertMode mode,
                                    absl::string_view client,
                                    WriteResult* result) {
  v1::VertexRef ref = RefOf(vertex);
  CHAINKG_ASSIGN_OR_RETURN(std::optional<VertexId> existing, LookupId(ref));
  VertexId id;
  v1::Vertex stored_form;
  if (existing.has_value()) {
    id = *existing;
    CHAINKG_ASSIGN_OR_RETURN(v1::Vertex old, ReadVertex(id));
    if (mode == UpsertMode::kMerge) {
      stored_form = MergeVertex(old, vertex);
    } else {
      stored_form = vertex;
      StampClient(&stored_form, client);
    }
    if (mode == UpsertMode::kMerge) {
      // Each half may be valid while the merge is not (country JP from the
      // stored record, a region code from the update).
      absl::StatusOr<std::vector<std::string>> merged =
          CanonicalizeVertex(&stored_form);
      if (!merged.ok()) {
        absl::Status status(
            merged.status().code(),
            absl::StrCat(merged.status().message(),
                         " (after merging with the stored record)"));
        std::optional<std::string> field = FieldOf(merged.status());
        if (field.has_value()) {
          status.SetPayload(kFieldPayloadUrl, absl::Cord(*field));
        }
        return status;
      }
    }
    std::string value = stored_form.SerializeAsString();
    if (value == old.SerializeAsString()) {
      ++result->unchanged;
      return absl::OkStatus();
    }
    // Only the index entries that change: a merge that adds a credential
    // keeps the name and region entries as they are.
    std::vector<std::string> old_keys = SecondaryIndexKeys(old, id);
    std::vector<std::string> new_keys = SecondaryIndexKeys(stored_form, id);
    std::vector<std::string> removed, added;
    std::set_difference(old_keys.begin(), old_keys.end(), new_keys.begin(),
                        new_keys.end(), std::back_inserter(removed));
    std::set_difference(new_keys.begin(), new_keys.end(), old_keys.begin(),
                        old_keys.end(), std::back_inserter(added));
    for (const std::string& key : removed) {
      CHAINKG_RETURN_IF_ERROR(target_.Delete(kIndex, key));
    }
    for (const std::string& key : added) {
      CHAINKG_RETURN_IF_ERROR(target_.Put(kIndex, key, ""));
    }
    ++result->updated;
    return target_.Put(kVertex, VertexKey(id), value);
  } else {
    if (NameOf(vertex).empty()) {
      return InvalidField(
          absl::StrCat(KindName(ref.kind()), ".name"),
          absl::StrCat("required to create ", RefText(ref), " (no stored ",
                       KindName(ref.kind()), " to merge into)"));
    }
    uint64_t& next = next_sequence_[ref.kind()];
    if (next > VertexId::kSequenceMask) {
      return absl::ResourceExhaustedError(
          absl::StrCat("no ids left for ", KindName(ref.kind()), " vertices"));
    }
    id = VertexId::Make(ref.kind(), next++);
    std::string index_key = NaturalKeyIndexKey(ref.kind(), ref.key());
    CHAINKG_RETURN_IF_ERROR(target_.Put(kIndex, index_key, VertexKey(id)));
    if (cache_ids_) id_cache_[std::move(index_key)] = id;
    stored_form = vertex;
    StampClient(&stored_form, client);
    ++result->created;
  }
  for (const std::string& key : SecondaryIndexKeys(stored_form, id)) {
    CHAINKG_RETURN_IF_ERROR(target_.Put(kIndex, key, ""));
  }
  return target_.Put(kVertex, VertexKey(id), stored_form.SerializeAsString());
}

absl::Status WriteTxn::RemoveEdge(const EdgeKeyParts& out_parts) {
  std::string out_key = EdgeKey(out_parts);
  CHAINKG_RETURN_IF_ERROR(target_.Delete(kOutEdge, out_key));
  CHAINKG_RETURN_IF_ERROR(target_.Delete(kInEdge, MirrorEdgeKey(out_parts)));
  if (out_parts.qualifier != 0) {
    CHAINKG_RETURN_IF_ERROR(target_.Delete(
        kIndex, QualifierIndexKey(VertexId(out_parts.qualifier), out_key)));
  }
  return absl::OkStatus();
}

absl::Status WriteTxn::DeleteVertex(const v1::VertexRef& ref,
                                    WriteResult* result) {
  CHAINKG_ASSIGN_OR_RETURN(std::optional<VertexId> existing, LookupId(ref));
  if (!existing.has_value()) return absl::OkStatus();
  VertexId id = *existing;
  CHAINKG_ASSIGN_OR_RETURN(v1::Vertex old, ReadVertex(id));
  // Out-edges, then in-edges: a self-loop is gone from in_edge by the time
  // in-edges are listed, so it is counted once.
  CHAINKG_ASSIGN_OR_RETURN(
      std::vector<std::string> out_keys,
      target_.KeysWithPrefix(kOutEdge,
                             EdgePrefix(id, v1::EDGE_KIND_UNSPECIFIED)));
  for (const std::string& key : out_keys) {
    CHAINKG_RETURN_IF_ERROR(RemoveEdge(*ParseEdgeKey(key)));
    ++result->edges_deleted;
  }
  CHAINKG_ASSIGN_OR_RETURN(
      std::vector<std::string> in_keys,
      target_.KeysWithPrefix(kInEdge,
                             EdgePrefix(id, v1::EDGE_KIND_UNSPECIFIED)));
  for (const std::string& key : in_keys) {
    EdgeKeyParts in_parts = *ParseEdgeKey(key);
    CHAINKG_RETURN_IF_ERROR(RemoveEdge(
        {in_parts.far, in_parts.kind, in_parts.near, in_parts.qualifier}));
    ++result->edges_deleted;
  }
  if (id.kind() == v1::VERTEX_KIND_PRODUCT) {
    std::string prefix = QualifierIndexPrefix(id);
    CHAINKG_ASSIGN_OR_RETURN(std::vector<std::string> qualified,
                             target_.KeysWithPrefix(kIndex, prefix));
    for (const std::string& key : qualified) {
      std::optional<EdgeKeyParts> parts =
          ParseEdgeKey(absl::string_view(key).substr(prefix.size()));
      if (!parts.has_value()) {
        return absl::DataLossError("malformed qualifier index entry");
      }
      CHAINKG_RETURN_IF_ERROR(RemoveEdge(*parts));
      ++result->edges_deleted;
    }
  }
  for (const std::string& key : SecondaryIndexKeys(old, id)) {
    CHAINKG_RETURN_IF_ERROR(target_.Delete(kIndex, key));
  }
  std::string index_key = NaturalKeyIndexKey(ref.kind(), ref.key());
  CHAINKG_RETURN_IF_ERROR(target_.Delete(kIndex, index_key));
  deleted_.insert(index_key);
  if (cache_ids_) id_cache_[std::move(index_key)] = std::nullopt;
  CHAINKG_RETURN_IF_ERROR(target_.Delete(kVertex, VertexKey(id)));
  ++result->deleted;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<EdgeKeyParts>> WriteTxn::ResolveEdge(
    const v1::Edge& edge, bool require_endpoints) {
  auto resolve =
      [&](v1::VertexKind kind, absl::string_view key,
          absl::string_view field) -> absl::StatusOr<std::optional<VertexId>> {
    CHAINKG_ASSIGN_OR_RETURN(std::optional<VertexId> id, LookupId(kind, key));
    if (!id.has_value() && require_endpoints) {
      return FieldError(absl::StatusCode::kNotFound, field,
                        absl::StrCat("no ", RefText(kind, key)));
    }
    return id;
  };
  CHAINKG_ASSIGN_OR_RETURN(
      std::optional<VertexId> from,
      resolve(edge.from().kind(), edge.from().key(), "from"));
  CHAINKG_ASSIGN_OR_RETURN(std::optional<VertexId> to,
                           resolve(edge.to().kind(), edge.to().key(), "to"));
  uint64_t qualifier = 0;
  if (edge.has_supplies() && !edge.supplies().product_key().empty()) {
    CHAINKG_ASSIGN_OR_RETURN(
        std::optional<VertexId> product_id,
        resolve(v1::VERTEX_KIND_PRODUCT, edge.supplies().product_key(),
                "supplies.product_key"));
    if (!product_id.has_value()) return std::optional<EdgeKeyParts>();
    qualifier = product_id->value();
  }
  if (!from.has_value() || !to.has_value()) {
    return std::optional<EdgeKeyParts>();
  }
  return std::optional<EdgeKeyParts>(
      EdgeKeyParts{*from, edge.kind(), *to, qualifier});
}

void WriteTxn::PrefetchEdge(const v1::Edge& edge) {
  if (!target_.Prefetches()) return;  // spare building the keys
  AssignNaturalKeyIndexKey(edge.from().kind(), edge.from().key(), &index_key_);
  target_.Prefetch(kIndex, index_key_);
  AssignNaturalKeyIndexKey(edge.to().kind(), edge.to().key(), &index_key_);
  target_.Prefetch(kIndex, index_key_);
}

absl::Status WriteTxn::UpsertEdge(const v1::Edge& edge,
                                  absl::string_view client,
                                  WriteResult* result) {
  CHAINKG_ASSIGN_OR_RETURN(std::optional<EdgeKeyParts> parts,
                           ResolveEdge(edge, /*require_endpoints=*/true));
  std::string out_key = EdgeKey(*parts);
  std::optional<std::string> old;
  if (!target_.SettlesEdgeRepeats()) {
    CHAINKG_ASSIGN_OR_RETURN(old, target_.Get(kOutEdge, out_key));
  }
  std::string value;
  if (!edge.has_source() && !client.empty()) {
    v1::Edge stamped = edge;
    stamped.mutable_source()->set_client(std::string(client));
    value = stamped.SerializeAsString();
  } else {
    value = edge.SerializeAsString();
  }
  if (old.has_value()) {
    if (*old == value) {
      ++result->unchanged;
      return absl::OkStatus();
    }
    ++result->updated;
  } else {
    ++result->created;
  }
  CHAINKG_RETURN_IF_ERROR(target_.Put(kOutEdge, out_key, value));
  CHAINKG_RETURN_IF_ERROR(target_.Put(kInEdge, MirrorEdgeKey(*parts), ""));
  if (parts->qualifier != 0) {
    CHAINKG_RETURN_IF_ERROR(target_.Put(
        kIndex, QualifierIndexKey(VertexId(parts->qualifier), out_key), ""));
  }
  return absl::OkStatus();
}

absl::Status WriteTxn::DeleteEdge(const v1::Edge& edge, WriteResult* result) {
  CHAINKG_ASSIGN_OR_RETURN(std::optional<EdgeKeyParts> parts,
                           ResolveEdge(edge, /*require_endpoints=*/false));
  if (!parts.has_value()) return absl::OkStatus();
  CHAINKG_ASSIGN_OR_RETURN(std::optional<std::string> old,
                           target_.Get(kOutEdge, EdgeKey(*parts)));
  if (!old.has_value()) return absl::OkStatus();
  CHAINKG_RETURN_IF_ERROR(RemoveEdge(*parts));
  ++result->deleted;
  return absl::OkStatus();
}

absl::StatusOr<PreparedWrite> PrepareWrite(WriteRequest request) {
  PreparedWrite prepared;
  prepared.mode = request.mode;
  prepared.client = std::move(request.client);
  prepared.skip_invalid = request.on_invalid == FailurePolicy::kSkipInvalid;
  // MERGE accepts partial records (a name-less firm carrying credentials);
  // the merged result is checked in full when applied.
  NameRequirement names = request.mode == UpsertMode::kMerge
                              ? NameRequirement::kOptional
                              : NameRequirement::kRequired;
  prepared.vertices = std::move(request.vertices);
  prepared.vertex_ok.assign(prepared.vertices.size(), true);
  if (request.records == RecordForm::kCanonical) {
    prepared.edges = std::move(request.edges);
    prepared.edge_ok.assign(prepared.edges.size(), true);
    return prepared;
  }
  for (size_t i = 0; i < prepared.vertices.size(); ++i) {
    std::string field = absl::StrCat("vertices[", i, "]");
    absl::StatusOr<std::vector<std::string>> warnings =
        CanonicalizeVertex(&prepared.vertices[i], names);
    if (!warnings.ok()) {
      absl::Status status = NestField(warnings.status(), field);
      if (!prepared.skip_invalid) return status;
      prepared.early.rejected.push_back({false, i, status});
      prepared.vertex_ok[i] = false;
      continue;
    }
    for (const std::string& warning : *warnings) {
      prepared.early.warnings.push_back(absl::StrCat(field, ".", warning));
    }
  }
  prepared.edges = std::move(request.edges);
  prepared.edge_ok.assign(prepared.edges.size(), true);
  for (size_t i = 0; i < prepared.edges.size(); ++i) {
    absl::Status status = NestField(CanonicalizeEdge(&prepared.edges[i]),
                                    absl::StrCat("edges[", i, "]"));
    if (!status.ok()) {
      if (!prepared.skip_invalid) return status;
      prepared.early.rejected.push_back({true, i, status});
      prepared.edge_ok[i] = false;
    }
  }
  return prepared;
}

absl::Status ApplyPrepared(const PreparedWrite& write, WriteTxn& txn,
                           WriteResult* result) {
  auto apply = [&](bool edge, size_t i, auto&& body) -> absl::Status {
    txn.SetSavePoint();
    // Only the counters change inside body; saving them is enough (this
    // runs once per record, on the hot path).
    const int counts[] = {result->created, result->updated, result->unchanged,
                          result->deleted, result->edges_deleted};
    absl::Status status = body();
    if (status.ok()) return txn.PopSavePoint();
    status =
        NestField(status, absl::StrCat(edge ? "edges[" : "vertices[", i, "]"));
    bool per_record = status.code() == absl::StatusCode::kInvalidArgument ||
                      status.code() == absl::StatusCode::kNotFound;
    // The record's savepoint is undone on every path, so that the caller's
    // own savepoint is the innermost again: a caller that rolls the whole
    // write back must not undo only this record.
    CHAINKG_RETURN_IF_ERROR(txn.RollbackToSavePoint());
    if (!write.skip_invalid || !per_record) return status;
    result->created = counts[0];
    result->updated = counts[1];
    result->unchanged = counts[2];
    result->deleted = counts[3];
    result->edges_deleted = counts[4];
    result->rejected.push_back({edge, i, status});
    return absl::OkStatus();
  };
  for (size_t i = 0; i < write.vertices.size(); ++i) {
    if (!write.vertex_ok[i]) continue;
    CHAINKG_RETURN_IF_ERROR(apply(false, i, [&] {
      return txn.UpsertVertex(write.vertices[i], write.mode, write.client,
                              result);
    }));
  }
  // How many edges ahead their endpoints' index entries are fetched: a
  // national import's lookups are cache misses, which then overlap.
  constexpr size_t kPrefetchEdges = 8;
  for (size_t i = 0; i < write.edges.size(); ++i) {
    if (i + kPrefetchEdges < write.edges.size() &&
        write.edge_ok[i + kPrefetchEdges]) {
      txn.PrefetchEdge(write.edges[i + kPrefetchEdges]);
    }
    if (!write.edge_ok[i]) continue;
    CHAINKG_RETURN_IF_ERROR(apply(true, i, [&] {
      return txn.UpsertEdge(write.edges[i], write.client, result);
    }));
  }
  // Rejections found while preparing come first, as the request orders them
  // (vertices before edges).
  result->rejected.insert(result->rejected.begin(),
                          write.early.rejected.begin(),
                          write.early.rejected.end());
  result->warnings.insert(result->warnings.end(), write.early.warnings.begin(),
                          write.early.warnings.end());
  return absl::OkStatus();
}

void AuditCounts::Add(int64_t write_records, const WriteResult& result) {
  records += write_records;
  created += result.created;
  updated += result.updated;
  unchanged += result.unchanged;
  deleted += result.deleted + result.edges_deleted;
  rejected += static_cast<int64_t>(result.rejected.size());
}

v1::AuditRecord MakeAuditRecord(const AuditEntry& audit, absl::Time time,
                                const AuditCounts& counts, uint64_t sequence) {
  v1::AuditRecord record;
  record.set_principal(audit.principal);
  record.set_rpc(audit.rpc);
  record.set_peer(audit.peer);
  record.set_time(
      absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone()));
  record.set_records(counts.records);
  record.set_created(counts.created);
  record.set_updated(counts.updated);
  record.set_unchanged(counts.unchanged);
  record.set_deleted(counts.deleted);
  record.set_rejected(counts.rejected);
  record.set_sequence(sequence);
  return record;
}

}  // namespace chainkg::graph::internal
