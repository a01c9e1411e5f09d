#include "server/graph_service.h"

#include <chrono>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

#include "graph/store/vertex_record.h"
#include "server/grpc_status.h"
#include "util/field_error.h"

namespace chainkg::server {
namespace {

constexpr int kMaxRefsPerCall = 1000;
constexpr int kMaxRecordsPerCall = 10000;

grpc::Status TooMany(absl::string_view field, int limit,
                     absl::string_view rpc) {
  return ToGrpcStatus(InvalidField(field, absl::StrCat("at most ", limit,
                                                       " per call; split "
                                                       "the request")),
                      rpc);
}

// "grpc:ipv4:127.0.0.1" — the peer without its ephemeral port, which would
// make every re-sent record look changed.
std::string ClientOf(const grpc::ServerContext& context) {
  std::string peer = context.peer();
  size_t colon = peer.rfind(':');
  if (colon != std::string::npos && colon > peer.find(':')) peer.resize(colon);
  return absl::StrCat("grpc:", peer);
}

graph::PageRequest PageOf(int page_size, const std::string& token) {
  graph::PageRequest page;
  page.page_size = page_size;
  page.page_token = token;
  return page;
}

}  // namespace

GraphServiceImpl::GraphServiceImpl(graph::Store& store, const Authorizer& auth,
                                   const GraphServiceOptions& options)
    : store_(store), auth_(auth), options_(options) {}

graph::ScanLimits GraphServiceImpl::LimitsFor(
    const grpc::ServerContext& context) const {
  graph::ScanLimits limits;
  limits.max_scanned = options_.max_scanned_per_call;
  auto deadline = context.deadline();
  limits.deadline = deadline == std::chrono::system_clock::time_point::max()
                        ? absl::Now() + options_.default_deadline
                        : absl::FromChrono(deadline);
  return limits;
}

grpc::Status GraphServiceImpl::GetVertex(grpc::ServerContext* context,
                                         const v1::GetVertexRequest* request,
                                         v1::GetVertexResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "GetVertex");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "GetVertex");
  }
  constexpr absl::string_view kRpc = "GetVertex";
  absl::StatusOr<graph::VertexLookup> lookup = store_.GetVertex(request->ref());
  if (!lookup.ok()) {
    return ToGrpcStatus(NestField(lookup.status(), "ref"), kRpc);
  }
  if (!lookup->vertex.has_value()) {
    return ToGrpcStatus(
        FieldError(absl::StatusCode::kNotFound, "ref",
                   absl::StrCat("no ", graph::KindName(request->ref().kind()),
                                " with key \"", request->ref().key(), "\"")),
        kRpc);
  }
  *response->mutable_vertex() = std::move(*lookup->vertex);
  response->set_sequence(lookup->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::BatchGetVertices(
    grpc::ServerContext* context, const v1::BatchGetVerticesRequest* request,
    v1::BatchGetVerticesResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "BatchGetVertices");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "BatchGetVertices");
  }
  constexpr absl::string_view kRpc = "BatchGetVertices";
  if (request->refs_size() > kMaxRefsPerCall) {
    return TooMany("refs", kMaxRefsPerCall, kRpc);
  }
  std::vector<v1::VertexRef> refs(request->refs().begin(),
                                  request->refs().end());
  absl::StatusOr<graph::BatchLookup> lookup = store_.BatchGetVertices(refs);
  if (!lookup.ok()) {
    absl::Status status = lookup.status();
    // A one-ref batch reports the ref's own field; name it under refs[0].
    if (request->refs_size() == 1) status = NestField(status, "refs[0]");
    return ToGrpcStatus(status, kRpc);
  }
  for (int i = 0; i < request->refs_size(); ++i) {
    if (lookup->vertices[i].has_value()) {
      *response->add_vertices() = std::move(*lookup->vertices[i]);
    } else {
      *response->add_missing() = request->refs(i);
    }
  }
  response->set_sequence(lookup->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::ListVertices(
    grpc::ServerContext* context, const v1::ListVerticesRequest* request,
    v1::ListVerticesResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "ListVertices");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "ListVertices");
  }
  absl::StatusOr<graph::VertexPage> page = store_.ListVertices(
      request->kind(), PageOf(request->page_size(), request->page_token()),
      LimitsFor(*context));
  if (!page.ok()) return ToGrpcStatus(page.status(), "ListVertices");
  for (v1::Vertex& vertex : page->vertices) {
    *response->add_vertices() = std::move(vertex);
  }
  response->set_next_page_token(page->next_page_token);
  response->set_sequence(page->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::SearchVertices(
    grpc::ServerContext* context, const v1::SearchVerticesRequest* request,
    v1::SearchVerticesResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "SearchVertices");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "SearchVertices");
  }
  if (!v1::NameMatch_IsValid(request->match())) {
    return ToGrpcStatus(InvalidField("match", "unknown value"),
                        "SearchVertices");
  }
  graph::SearchQuery query;
  query.kind = request->kind();
  query.text = request->text();
  switch (request->match()) {
    case v1::NAME_MATCH_PREFIX:
      query.match = graph::NameMatch::kPrefix;
      break;
    case v1::NAME_MATCH_EXACT:
      query.match = graph::NameMatch::kExact;
      break;
    default:
      query.match = graph::NameMatch::kSubstring;
      break;
  }
  query.credential_kind = request->credential_kind();
  query.credential_level = request->credential_level();
  query.as_of = request->as_of();
  query.region_prefix = request->region_prefix();
  query.country = request->country();
  absl::StatusOr<graph::VertexPage> page = store_.SearchVertices(
      query, PageOf(request->page_size(), request->page_token()),
      LimitsFor(*context));
  if (!page.ok()) return ToGrpcStatus(page.status(), "SearchVertices");
  for (v1::Vertex& vertex : page->vertices) {
    *response->add_vertices() = std::move(vertex);
  }
  response->set_next_page_token(page->next_page_token);
  response->set_sequence(page->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::UpsertVertices(
    grpc::ServerContext* context, const v1::UpsertVerticesRequest* request,
    v1::UpsertVerticesResponse* response) {
  absl::StatusOr<Principal> caller =
      auth_.Authorize(*context, Role::kWriter, "UpsertVertices");
  if (!caller.ok()) return ToGrpcStatus(caller.status(), "UpsertVertices");
  const graph::AuditEntry audit = {caller->name, "UpsertVertices",
                                   context->peer()};
  constexpr absl::string_view kRpc = "UpsertVertices";
  if (request->vertices_size() > kMaxRecordsPerCall) {
    return TooMany("vertices", kMaxRecordsPerCall, kRpc);
  }
  if (!v1::UpsertMode_IsValid(request->mode())) {
    return ToGrpcStatus(InvalidField("mode", "unknown value"), kRpc);
  }
  graph::WriteRequest write;
  write.vertices.assign(request->vertices().begin(), request->vertices().end());
  write.mode = request->mode() == v1::UPSERT_MODE_REPLACE
                   ? graph::UpsertMode::kReplace
                   : graph::UpsertMode::kMerge;
  write.client = ClientOf(*context);
  write.audit = audit;
  absl::StatusOr<graph::WriteResult> result = store_.Apply(std::move(write));
  if (!result.ok()) return ToGrpcStatus(result.status(), kRpc);
  response->set_created(result->created);
  response->set_updated(result->updated);
  response->set_unchanged(result->unchanged);
  for (const std::string& warning : result->warnings) {
    response->add_warnings(warning);
  }
  response->set_sequence(result->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::DeleteVertices(
    grpc::ServerContext* context, const v1::DeleteVerticesRequest* request,
    v1::DeleteVerticesResponse* response) {
  absl::StatusOr<Principal> caller =
      auth_.Authorize(*context, Role::kWriter, "DeleteVertices");
  if (!caller.ok()) return ToGrpcStatus(caller.status(), "DeleteVertices");
  const graph::AuditEntry audit = {caller->name, "DeleteVertices",
                                   context->peer()};
  constexpr absl::string_view kRpc = "DeleteVertices";
  if (request->refs_size() > kMaxRecordsPerCall) {
    return TooMany("refs", kMaxRecordsPerCall, kRpc);
  }
  std::vector<v1::VertexRef> refs(request->refs().begin(),
                                  request->refs().end());
  absl::StatusOr<graph::WriteResult> result =
      store_.DeleteVertices(refs, audit);
  if (!result.ok()) return ToGrpcStatus(result.status(), kRpc);
  response->set_deleted(result->deleted);
  response->set_edges_deleted(result->edges_deleted);
  response->set_sequence(result->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::UpsertEdges(
    grpc::ServerContext* context, const v1::UpsertEdgesRequest* request,
    v1::UpsertEdgesResponse* response) {
  absl::StatusOr<Principal> caller =
      auth_.Authorize(*context, Role::kWriter, "UpsertEdges");
  if (!caller.ok()) return ToGrpcStatus(caller.status(), "UpsertEdges");
  const graph::AuditEntry audit = {caller->name, "UpsertEdges",
                                   context->peer()};
  constexpr absl::string_view kRpc = "UpsertEdges";
  if (request->edges_size() > kMaxRecordsPerCall) {
    return TooMany("edges", kMaxRecordsPerCall, kRpc);
  }
  graph::WriteRequest write;
  write.edges.assign(request->edges().begin(), request->edges().end());
  write.client = ClientOf(*context);
  write.audit = audit;
  absl::StatusOr<graph::WriteResult> result = store_.Apply(std::move(write));
  if (!result.ok()) return ToGrpcStatus(result.status(), kRpc);
  response->set_created(result->created);
  response->set_updated(result->updated);
  response->set_unchanged(result->unchanged);
  response->set_sequence(result->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::DeleteEdges(
    grpc::ServerContext* context, const v1::DeleteEdgesRequest* request,
    v1::DeleteEdgesResponse* response) {
  absl::StatusOr<Principal> caller =
      auth_.Authorize(*context, Role::kWriter, "DeleteEdges");
  if (!caller.ok()) return ToGrpcStatus(caller.status(), "DeleteEdges");
  const graph::AuditEntry audit = {caller->name, "DeleteEdges",
                                   context->peer()};
  constexpr absl::string_view kRpc = "DeleteEdges";
  if (request->edges_size() > kMaxRecordsPerCall) {
    return TooMany("edges", kMaxRecordsPerCall, kRpc);
  }
  std::vector<v1::Edge> edges(request->edges().begin(), request->edges().end());
  absl::StatusOr<graph::WriteResult> result = store_.DeleteEdges(edges, audit);
  if (!result.ok()) return ToGrpcStatus(result.status(), kRpc);
  response->set_deleted(result->deleted);
  response->set_sequence(result->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::ListEdges(grpc::ServerContext* context,
                                         const v1::ListEdgesRequest* request,
                                         v1::ListEdgesResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "ListEdges");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "ListEdges");
  }
  if (!v1::Direction_IsValid(request->direction())) {
    return ToGrpcStatus(InvalidField("direction", "unknown value"),
                        "ListEdges");
  }
  graph::Direction direction = request->direction() == v1::DIRECTION_IN
                                   ? graph::Direction::kIn
                                   : graph::Direction::kOut;
  absl::StatusOr<graph::EdgePage> page = store_.ListEdges(
      request->ref(), direction, request->kind(),
      PageOf(request->page_size(), request->page_token()), LimitsFor(*context));
  if (!page.ok()) return ToGrpcStatus(page.status(), "ListEdges");
  for (v1::Edge& edge : page->edges) *response->add_edges() = std::move(edge);
  response->set_next_page_token(page->next_page_token);
  response->set_sequence(page->sequence);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::Ingest(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::IngestResponse, v1::IngestRequest>* stream) {
  absl::StatusOr<Principal> caller =
      auth_.Authorize(*context, Role::kWriter, "Ingest");
  if (!caller.ok()) return ToGrpcStatus(caller.status(), "Ingest");
  const graph::AuditEntry audit = {caller->name, "Ingest", context->peer()};
  constexpr absl::string_view kRpc = "Ingest";
  std::string client = ClientOf(*context);
  v1::IngestRequest request;
  while (stream->Read(&request)) {
    std::string batch = absl::StrCat("batch ", request.batch_id());
    if (request.vertices_size() + request.edges_size() > kMaxRecordsPerCall) {
      return ToGrpcStatus(
          InvalidField(batch, absl::StrCat("at most ", kMaxRecordsPerCall,
                                           " records per batch")),
          kRpc);
    }
    if (!v1::UpsertMode_IsValid(request.mode())) {
      return ToGrpcStatus(
          InvalidField(absl::StrCat(batch, ".mode"), "unknown value"), kRpc);
    }
    // The records move out of the request, which the next Read refills.
    graph::WriteRequest write;
    write.vertices.assign(
        std::make_move_iterator(request.mutable_vertices()->begin()),
        std::make_move_iterator(request.mutable_vertices()->end()));
    write.edges.assign(
        std::make_move_iterator(request.mutable_edges()->begin()),
        std::make_move_iterator(request.mutable_edges()->end()));
    write.client = client;
    write.audit = audit;
    write.mode = request.mode() == v1::UPSERT_MODE_REPLACE
                     ? graph::UpsertMode::kReplace
                     : graph::UpsertMode::kMerge;
    write.on_invalid = request.all_or_nothing()
                           ? graph::FailurePolicy::kAllOrNothing
                           : graph::FailurePolicy::kSkipInvalid;
    absl::StatusOr<graph::WriteResult> result = store_.Apply(std::move(write));
    if (!result.ok())
      return ToGrpcStatus(NestField(result.status(), batch), kRpc);
    v1::IngestResponse response;
    response.set_batch_id(request.batch_id());
    response.set_created(result->created);
    response.set_updated(result->updated);
    response.set_unchanged(result->unchanged);
    response.set_sequence(result->sequence);
    for (const std::string& warning : result->warnings) {
      response.add_warnings(warning);
    }
    for (const graph::Rejected& rejected : result->rejected) {
      v1::IngestRejection* out = response.add_rejected();
      out->set_edge(rejected.edge);
      out->set_index(static_cast<int32_t>(rejected.index));
      out->set_code(static_cast<int32_t>(rejected.status.code()));
      // The store names "vertices[3].firm.key"; the client wants the field
      // within the record.
      std::string field = FieldOf(rejected.status).value_or("");
      std::string reason(rejected.status.message());
      std::string record_prefix = absl::StrCat(
          rejected.edge ? "edges[" : "vertices[", rejected.index, "]");
      if (reason.compare(0, field.size() + 2, field + ": ") == 0) {
        reason = reason.substr(field.size() + 2);
      }
      if (field.compare(0, record_prefix.size() + 1, record_prefix + ".") ==
          0) {
        field = field.substr(record_prefix.size() + 1);
      } else if (field == record_prefix) {
        field.clear();
      }
      out->set_field(field);
      out->set_reason(reason);
    }
    if (!stream->Write(response)) break;  // the client went away
  }
  return grpc::Status::OK;
}

}  // namespace chainkg::server
