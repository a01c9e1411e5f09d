// VertexId: the store's fixed-width internal id of a vertex. The top byte is
// the VertexKind, the low 56 bits a per-kind sequence starting at 1, so ids
// sort by kind and a vertex's kind is known from its id alone.
#pragma once

#include <cstdint>

#include "chainkg/v1/model.pb.h"

namespace chainkg::graph {

// A plain value type; thread-compatible.
class VertexId {
 public:
  static constexpr int kKindShift = 56;
  static constexpr uint64_t kSequenceMask = (uint64_t{1} << kKindShift) - 1;

  constexpr VertexId() = default;
  constexpr explicit VertexId(uint64_t value) : value_(value) {}
  static constexpr VertexId Make(v1::VertexKind kind, uint64_t sequence) {
    return VertexId((static_cast<uint64_t>(kind) << kKindShift) |
                    (sequence & kSequenceMask));
  }

  constexpr uint64_t value() const { return value_; }
  constexpr v1::VertexKind kind() const {
    return static_cast<v1::VertexKind>(value_ >> kKindShift);
  }
  constexpr uint64_t sequence() const { return value_ & kSequenceMask; }
  constexpr bool IsValid() const { return sequence() != 0; }

  friend constexpr bool operator==(VertexId a, VertexId b) {
    return a.value_ == b.value_;
  }
  friend constexpr bool operator!=(VertexId a, VertexId b) {
    return a.value_ != b.value_;
  }
  friend constexpr bool operator<(VertexId a, VertexId b) {
    return a.value_ < b.value_;
  }

 private:
  uint64_t value_ = 0;
};

}  // namespace chainkg::graph
