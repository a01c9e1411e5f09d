// GraphChanges: what committed writes did to vertices and edges, as the
// final state of each record they touched. Store::ChangesSince hands them to
// a live in-memory view (graph/view/live_view.h), which applies them to its
// last version instead of scanning the whole store again.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/time.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/vertex_id.h"

namespace chainkg::graph {

struct VertexChange {
  VertexId id;
  std::optional<v1::Vertex> record;  // nullopt: the vertex was deleted
};

// An edge by its identity (kind, from, to, supplied product) and its new
// record.
struct EdgeChange {
  VertexId from;
  v1::EdgeKind kind = v1::EDGE_KIND_UNSPECIFIED;
  VertexId to;
  VertexId product;                // SUPPLIES naming a product; else invalid
  std::optional<v1::Edge> record;  // nullopt: the edge was deleted
};

// The writes committed after sequence `after` up to and including
// `sequence`, merged: a record touched by several of them appears once, in
// the state the last one left. Applying them to the graph as of `after`
// gives the graph as of `sequence`.
struct GraphChanges {
  uint64_t after = 0;
  uint64_t sequence = 0;
  std::vector<VertexChange> vertices;  // in id order
  std::vector<EdgeChange> edges;       // in out-edge key order
  int64_t writes = 0;                  // how many writes were merged
  // When the oldest of them was committed (InfinitePast when none).
  absl::Time first_commit = absl::InfinitePast();
};

}  // namespace chainkg::graph
