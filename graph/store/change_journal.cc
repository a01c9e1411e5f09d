#include "graph/store/change_journal.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"

#include "graph/store/key_codec.h"

namespace chainkg::graph::internal {

void ChangeJournal::Start(size_t max_bytes) {
  absl::MutexLock lock(&mu_);
  if (started_) {
    max_bytes_ = max_bytes;
    return;
  }
  started_ = true;
  max_bytes_ = max_bytes;
  // Writes before now were not recorded; Record raises this for each
  // write it sees, so only writes from now on can be served.
  complete_after_ = UINT64_MAX;
}

bool ChangeJournal::started() const {
  absl::MutexLock lock(&mu_);
  return started_;
}

void ChangeJournal::Record(JournalWrite write) {
  absl::MutexLock lock(&mu_);
  if (!started_) return;
  if (complete_after_ == UINT64_MAX) {
    // The first write recorded: those before it were not.
    complete_after_ = write.first_sequence - 1;
  }
  bytes_ += write.bytes;
  writes_.push_back(std::make_shared<const JournalWrite>(std::move(write)));
  while (bytes_ > max_bytes_ && !writes_.empty()) {
    bytes_ -= writes_.front()->bytes;
    complete_after_ = writes_.front()->last_sequence;
    writes_.pop_front();
  }
}

absl::Time ChangeJournal::FirstCommitAfter(uint64_t after) const {
  absl::MutexLock lock(&mu_);
  for (const auto& write : writes_) {
    if (write->last_sequence > after) return write->committed;
  }
  return absl::InfinitePast();
}

absl::StatusOr<GraphChanges> ChangeJournal::Take(uint64_t after,
                                                 absl::Time wait_until) {
  // The merged final state per key; std::map keeps key order, which is id
  // order for vertices and (from, kind, to, product) for edges.
  // (Views into the taken writes, which live until the function ends.)
  std::map<absl::string_view, const std::optional<std::string>*> vertices;
  std::map<absl::string_view, const std::optional<std::string>*> edges;
  GraphChanges changes;
  changes.after = after;
  changes.sequence = after;
  std::vector<std::shared_ptr<const JournalWrite>> taken;
  {
    absl::MutexLock lock(&mu_);
    if (!started_) {
      return absl::FailedPreconditionError("the change journal is not started");
    }
    while (!writes_.empty() && writes_.front()->last_sequence <= after) {
      bytes_ -= writes_.front()->bytes;
      writes_.pop_front();
    }
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !writes_.empty();
    };
    mu_.AwaitWithDeadline(absl::Condition(&ready), wait_until);
    if (complete_after_ != UINT64_MAX && complete_after_ > after) {
      return absl::OutOfRangeError(absl::StrCat(
          "the changes after sequence ", after,
          " are no longer kept (kept from ", complete_after_, ")"));
    }
    if (complete_after_ == UINT64_MAX && !writes_.empty()) {
      return absl::InternalError("change journal: writes without a start");
    }
    taken.assign(writes_.begin(), writes_.end());
  }
  // Merged outside the lock: the commit thread keeps recording.
  for (const auto& write : taken) {
    if (changes.writes == 0) changes.first_commit = write->committed;
    ++changes.writes;
    changes.sequence = write->last_sequence;
    for (const auto& [key, value] : write->vertices) vertices[key] = &value;
    for (const auto& [key, value] : write->edges) edges[key] = &value;
  }
  changes.vertices.reserve(vertices.size());
  for (auto& [key, value] : vertices) {
    std::optional<VertexId> id = ParseVertexKey(key);
    if (!id.has_value()) {
      return absl::DataLossError("change journal: a malformed vertex key");
    }
    VertexChange change;
    change.id = *id;
    if (value->has_value()) {
      change.record.emplace();
      if (!change.record->ParseFromString(**value)) {
        return absl::DataLossError(
            absl::StrCat("vertex ", id->value(), " does not parse"));
      }
    }
    changes.vertices.push_back(std::move(change));
  }
  changes.edges.reserve(edges.size());
  for (auto& [key, value] : edges) {
    std::optional<EdgeKeyParts> parts = ParseEdgeKey(key);
    if (!parts.has_value()) {
      return absl::DataLossError("change journal: a malformed edge key");
    }
    EdgeChange change;
    change.from = parts->near;
    change.kind = parts->kind;
    change.to = parts->far;
    change.product = VertexId(parts->qualifier);
    if (value->has_value()) {
      change.record.emplace();
      if (!change.record->ParseFromString(**value)) {
        return absl::DataLossError(absl::StrCat("edge ", change.from.value(),
                                                " -> ", change.to.value(),
                                                " does not parse"));
      }
    }
    changes.edges.push_back(std::move(change));
  }
  return changes;
}

}  // namespace chainkg::graph::internal
