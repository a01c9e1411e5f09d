#include "server/graph_service.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
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
std::string ClientOf(const grpc::ServerContextBase& context) {
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

namespace {

// The acknowledgement of a committed Ingest batch.
v1::IngestResponse IngestResponseOf(int64_t batch_id,
                                    const graph::WriteResult& result) {
  v1::IngestResponse response;
  response.set_batch_id(batch_id);
  response.set_created(result.created);
  response.set_updated(result.updated);
  response.set_unchanged(result.unchanged);
  response.set_sequence(result.sequence);
  for (const std::string& warning : result.warnings) {
    response.add_warnings(warning);
  }
  for (const graph::Rejected& rejected : result.rejected) {
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
    if (field.compare(0, record_prefix.size() + 1, record_prefix + ".") == 0) {
      field = field.substr(record_prefix.size() + 1);
    } else if (field == record_prefix) {
      field.clear();
    }
    out->set_field(field);
    out->set_reason(reason);
  }
  return response;
}

// Batches an Ingest stream reads ahead of its acknowledgements.
constexpr size_t kMaxUnacknowledged = 16;

// A reactor for a call refused before it started (authorization).
template <typename Request, typename Response>
class FinishedReactor final
    : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit FinishedReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

// Ingest, as a reactor so that reading, applying and acknowledging overlap
// without a thread per stream: batch N+1 is read and applied while the
// store syncs batch N, each batch is acknowledged in order once durable
// (whether or not the client sends more), and an error ends the stream
// with its status at once, even while a read is pending.
class IngestReactor final
    : public grpc::ServerBidiReactor<v1::IngestRequest, v1::IngestResponse> {
 public:
  IngestReactor(graph::Store& store, std::string client,
                graph::AuditEntry audit)
      : store_(store), client_(std::move(client)), audit_(std::move(audit)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client is done sending, or the call broke
      Proceed([this] {
        reading_ = false;
        reads_done_ = true;
      });
      return;
    }
    const int64_t batch_id = request_.batch_id();
    absl::Status invalid = CheckRequest();
    if (!invalid.ok()) {
      Proceed([&] {
        reading_ = false;
        reads_done_ = true;
        acks_.push_back({batch_id, std::move(invalid)});
        failed_ = true;
      });
      return;
    }
    Ack* ack = nullptr;
    {
      // Decided together with the push: once the stream has failed or is
      // finished (a cancel, a failed commit), nothing more is written, and
      // every Ack without a result is a store callback still to come,
      // which keeps Proceed from finishing (and OnDone from deleting this).
      absl::MutexLock lock(&mu_);
      if (!finished_ && !failed_ && !end_.has_value()) {
        acks_.push_back({batch_id, std::nullopt});
        ack = &acks_.back();  // deque: stays put while others come and go
      }
    }
    if (ack == nullptr) {
      Proceed([this] {
        reading_ = false;
        reads_done_ = true;
      });
      return;
    }
    // Applying runs on this gRPC callback thread and may wait for a slot
    // in the store's commit queue (an fsync or two); gRPC's other
    // reactions run on its other threads meanwhile.
    store_.Submit(TakeWrite(),
                  [this, ack](absl::StatusOr<graph::WriteResult> result) {
                    Proceed([&] {
                      if (!result.ok()) failed_ = true;
                      ack->result = std::move(result);
                    });
                  });
    Proceed([this] { reading_ = false; });
  }

  void OnWriteDone(bool ok) override {
    Proceed([&] {
      writing_ = false;
      if (!ok && !end_.has_value()) {
        end_ = grpc::Status(grpc::StatusCode::CANCELLED,
                            "Ingest: the client went away");
      }
    });
  }

  void OnCancel() override {
    Proceed([this] {
      if (!end_.has_value()) {
        end_ = grpc::Status(grpc::StatusCode::CANCELLED,
                            "Ingest: the client cancelled the call");
      }
    });
  }

  void OnDone() override { delete this; }

 private:
  // A batch in the order it was read: its result once the store has one.
  struct Ack {
    int64_t batch_id = 0;
    std::optional<absl::StatusOr<graph::WriteResult>> result;
  };

  // Errors name fields within the batch; Proceed nests them under it.
  absl::Status CheckRequest() const {
    if (request_.vertices_size() + request_.edges_size() > kMaxRecordsPerCall) {
      return absl::InvalidArgumentError(
          absl::StrCat("at most ", kMaxRecordsPerCall, " records per batch"));
    }
    if (!v1::UpsertMode_IsValid(request_.mode())) {
      return InvalidField("mode", "unknown value");
    }
    return absl::OkStatus();
  }

  // The records move out of the request, which the next read refills.
  graph::WriteRequest TakeWrite() {
    graph::WriteRequest write;
    write.vertices.assign(
        std::make_move_iterator(request_.mutable_vertices()->begin()),
        std::make_move_iterator(request_.mutable_vertices()->end()));
    write.edges.assign(
        std::make_move_iterator(request_.mutable_edges()->begin()),
        std::make_move_iterator(request_.mutable_edges()->end()));
    write.client = client_;
    write.audit = audit_;
    write.mode = request_.mode() == v1::UPSERT_MODE_REPLACE
                     ? graph::UpsertMode::kReplace
                     : graph::UpsertMode::kMerge;
    write.on_invalid = request_.all_or_nothing()
                           ? graph::FailurePolicy::kAllOrNothing
                           : graph::FailurePolicy::kSkipInvalid;
    return write;
  }

  // Applies change, then does what the new state allows: acknowledge the
  // oldest batch, read the next one, or finish. The caller must not touch
  // the reactor after Proceed returns: finishing may delete it.
  template <typename Change>
  void Proceed(Change change) {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      change();
      if (finished_) return;
      // Batches are acknowledged in order; the first error ends the stream
      // (batches after it are not acknowledged: they failed or may not be
      // durable).
      while (!writing_ && !acks_.empty() && acks_.front().result.has_value()) {
        Ack& oldest = acks_.front();
        if (!end_.has_value()) {
          if (oldest.result->ok()) {
            response_ = IngestResponseOf(oldest.batch_id, **oldest.result);
            writing_ = true;
            StartWrite(&response_);
          } else {
            end_ =
                ToGrpcStatus(NestField(oldest.result->status(),
                                       absl::StrCat("batch ", oldest.batch_id)),
                             "Ingest");
          }
        }
        acks_.pop_front();
      }
      // After a failed batch nothing more is read: the batches after it are
      // neither written nor acknowledged.
      // A client that does not read its acknowledgements is not read
      // either, past kMaxUnacknowledged batches.
      if (!reading_ && !reads_done_ && !failed_ && !end_.has_value() &&
          acks_.size() < kMaxUnacknowledged) {
        reading_ = true;
        StartRead(&request_);
      }
      // Finish once no write is pending and the store holds no callback
      // into this reactor. A pending read then fails; gRPC calls OnDone
      // only after every reaction has returned.
      bool store_done =
          std::all_of(acks_.begin(), acks_.end(),
                      [](const Ack& ack) { return ack.result.has_value(); });
      bool done = end_.has_value() || (reads_done_ && acks_.empty());
      if (done && !writing_ && store_done) {
        finished_ = true;
        finish = end_.value_or(grpc::Status::OK);
      }
    }
    if (finish.has_value()) Finish(*finish);
  }

  graph::Store& store_;
  const std::string client_;
  const graph::AuditEntry audit_;
  v1::IngestRequest request_;  // touched by the read side only
  v1::IngestResponse response_;

  absl::Mutex mu_;
  std::deque<Ack> acks_ ABSL_GUARDED_BY(mu_);
  // A read is pending or being handled: no other read may start.
  bool reading_ ABSL_GUARDED_BY(mu_) = true;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;  // some batch failed
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> end_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerBidiReactor<v1::IngestRequest, v1::IngestResponse>*
GraphServiceImpl::Ingest(grpc::CallbackServerContext* context) {
  absl::StatusOr<Principal> caller =
      auth_.Authorize(*context, Role::kWriter, "Ingest");
  if (!caller.ok()) {
    return new FinishedReactor<v1::IngestRequest, v1::IngestResponse>(
        ToGrpcStatus(caller.status(), "Ingest"));
  }
  return new IngestReactor(
      store_, ClientOf(*context),
      graph::AuditEntry{caller->name, "Ingest", context->peer()});
}

}  // namespace chainkg::server
