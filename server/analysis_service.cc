#include "server/analysis_service.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

#include "graph/analysis/gaps.h"
#include "graph/analysis/stats.h"
#include "graph/analysis/substitutes.h"
#include "graph/analysis/supply_network.h"
#include "graph/analysis/traversal.h"
#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "server/grpc_status.h"
#include "util/codes.h"
#include "util/field_error.h"
#include "util/throttled_check.h"

namespace chainkg::server {
namespace {

// The analyses' cancellation check for a call. The sync server's
// ServerContext::IsCancelled polls the call's completion queue (a pollset
// pass with a lock and a wake-up, several microseconds), and an analysis
// asks every few thousand steps: a 71k-row walk spent ~8% of its server CPU
// there. Asked at most once a millisecond, a cancelled call still ends
// within about a millisecond.
std::function<bool()> CancelledCheck(const grpc::ServerContext& context) {
  return ThrottledCheck([&context] { return context.IsCancelled(); },
                        absl::Milliseconds(1));
}

}  // namespace

AnalysisServiceImpl::AnalysisServiceImpl(graph::LiveView& views,
                                         graph::AnalysisCache& cache,
                                         const Authorizer& auth,
                                         const GraphServiceOptions& options)
    : views_(views), cache_(cache), auth_(auth), options_(options) {}

absl::StatusOr<std::shared_ptr<const graph::View>> AnalysisServiceImpl::ViewFor(
    uint64_t min_sequence, grpc::ServerContext& context) const {
  absl::StatusOr<std::shared_ptr<const graph::View>> view =
      views_.Get(min_sequence, DeadlineOf(context), CancelledCheck(context));
  if (view.status().code() == absl::StatusCode::kOutOfRange) {
    return FieldError(absl::StatusCode::kOutOfRange, "min_sequence",
                      view.status().message());
  }
  return view;
}

void AnalysisServiceImpl::SetFreshness(const graph::View& view,
                                       v1::Freshness* out) const {
  graph::ViewLag lag = views_.LagOf(view);
  out->set_latest_sequence(lag.latest_sequence);
  out->set_behind_ms(absl::ToInt64Milliseconds(lag.behind));
}

absl::Time AnalysisServiceImpl::DeadlineOf(
    const grpc::ServerContext& context) const {
  auto deadline = context.deadline();
  return deadline == std::chrono::system_clock::time_point::max()
             ? absl::Now() + options_.default_deadline
             : absl::FromChrono(deadline);
}

graph::AnalysisLimits AnalysisServiceImpl::LimitsOf(
    grpc::ServerContext& context) const {
  graph::AnalysisLimits limits;
  limits.deadline = DeadlineOf(context);
  limits.cancelled = CancelledCheck(context);
  return limits;
}

namespace {

void Summarize(const graph::View& view, graph::ViewIndex firm,
               v1::FirmSummary* out) {
  out->set_key(std::string(view.key(firm)));
  out->set_name(std::string(view.name(firm)));
  out->set_country(std::string(view.country(firm)));
  out->set_region_code(std::string(view.region(firm)));
}

// INVALID_ARGUMENT naming field when value is set and fails validate; an
// empty value means "not given" and passes.
absl::Status CheckOptional(absl::string_view field, absl::string_view value,
                           absl::Status (*validate)(absl::string_view)) {
  if (value.empty()) return absl::OkStatus();
  absl::Status status = validate(value);
  return status.ok() ? status : InvalidField(field, status.message());
}

void Describe(const graph::View::Texts& texts, v1::TraversalRow* out) {
  out->set_kind(texts.kind);
  out->set_key(std::string(texts.key));
  out->set_name(std::string(texts.name));
  out->set_country(std::string(texts.country));
  out->set_region_code(std::string(texts.region));
}

void Describe(const graph::View& view, graph::ViewIndex v,
              v1::TraversalRow* out) {
  Describe(view.texts(v), out);
}

// The vertex a request names, in the view. INVALID_ARGUMENT / NOT_FOUND
// name the field.
absl::StatusOr<graph::ViewIndex> Resolve(const graph::View& view,
                                         const v1::VertexRef& wire,
                                         absl::string_view field) {
  v1::VertexRef ref = wire;
  absl::Status valid = graph::CanonicalizeRef(&ref);
  if (!valid.ok()) return InvalidField(field, valid.message());
  std::optional<graph::ViewIndex> v = view.Find(ref.kind(), ref.key());
  if (!v.has_value()) {
    return FieldError(absl::StatusCode::kNotFound, field,
                      absl::StrCat("no ", graph::KindName(ref.kind()), " \"",
                                   ref.key(), "\""));
  }
  return *v;
}

absl::StatusOr<std::vector<v1::EdgeKind>> EdgeKinds(
    const google::protobuf::RepeatedField<int>& wire) {
  std::vector<v1::EdgeKind> kinds;
  for (int i = 0; i < wire.size(); ++i) {
    if (wire[i] == v1::EDGE_KIND_UNSPECIFIED ||
        !v1::EdgeKind_IsValid(wire[i])) {
      return InvalidField(absl::StrCat("edge_kinds[", i, "]"),
                          "not an edge kind");
    }
    kinds.push_back(static_cast<v1::EdgeKind>(wire[i]));
  }
  return kinds;
}

// A limit field: 0 means fallback; otherwise 1..max.
absl::StatusOr<int64_t> Limit(int64_t value, int64_t fallback, int64_t max,
                              absl::string_view field) {
  if (value == 0) return fallback;
  if (value < 0 || value > max) {
    return InvalidField(field, absl::StrCat("must be within 1..", max));
  }
  return value;
}

// Makes chunk the last message of a Traverse stream, with the walk's totals.
void SetTotals(const graph::TraversalResult& result,
               v1::TraverseResponse* chunk) {
  chunk->set_visited(result.visited);
  chunk->set_total_rows(static_cast<int64_t>(result.hits.size()));
  chunk->set_last(true);
}

// Writes the rows of a traversal as TraversalColumns while the walk goes
// on, about kColumnBytes of text per message: small enough that the client
// reads a message while the next is written (with 1 MiB it waited longer
// for the first and worked alone on the last), large enough that a
// message's fixed cost does not count. Write fails once the call is
// cancelled (the client went away, or the deadline passed); asking
// IsCancelled before each message too cost a completion queue poll per
// message.
class ColumnsWriter {
 public:
  ColumnsWriter(const graph::View& view, const v1::Freshness& freshness,
                graph::ViewIndex start,
                grpc::ServerWriter<v1::TraverseResponse>& writer)
      : view_(view), writer_(writer) {
    static_assert(graph::TraversalHit::kStart == -1 &&
                      graph::TraversalHit::kNotAHit == -2,
                  "parent_rows numbers the parents as TraversalHit does");
    chunk_.set_sequence(view.sequence());
    *chunk_.mutable_freshness() = freshness;
    columns_ = chunk_.mutable_columns();
    columns_->set_start_key(std::string(view.key(start)));
    text_ = columns_->mutable_text();
    text_->reserve(kColumnBytes + 4096);
  }

  ColumnsWriter(const ColumnsWriter&) = delete;
  ColumnsWriter& operator=(const ColumnsWriter&) = delete;

  // Adds rows, sending each message as it fills; false when a send failed.
  bool Add(absl::Span<const graph::TraversalHit> hits) {
    return graph::ForEachHitTexts(
        view_, hits,
        [&](const graph::TraversalHit& hit, const graph::View::Texts& texts) {
          columns_->add_kinds(texts.kind);
          columns_->add_depths(hit.depth);
          columns_->add_vias(hit.via);
          columns_->add_parent_rows(hit.parent_hit);
          if (hit.parent_hit == graph::TraversalHit::kNotAHit) {
            columns_->add_parent_keys(std::string(view_.key(hit.parent)));
          }
          text_->append(texts.joined.data(), texts.joined.size());
          for (absl::string_view field :
               {texts.key, texts.name, texts.country, texts.region}) {
            columns_->add_text_lengths(static_cast<uint32_t>(field.size()));
          }
          return text_->size() < kColumnBytes || Send();
        });
  }

  // The last message: the rows left and the totals.
  bool Finish(const graph::TraversalResult& result) {
    SetTotals(result, &chunk_);
    return Send();
  }

 private:
  static constexpr size_t kColumnBytes = 256 << 10;

  bool Send() {
    if (!writer_.Write(chunk_)) return false;
    columns_->clear_kinds();
    columns_->clear_depths();
    columns_->clear_vias();
    columns_->clear_parent_rows();
    columns_->clear_parent_keys();
    columns_->clear_text_lengths();
    text_->clear();
    return true;
  }

  const graph::View& view_;
  grpc::ServerWriter<v1::TraverseResponse>& writer_;
  v1::TraverseResponse chunk_;
  v1::TraversalColumns* columns_;
  std::string* text_;
};

// The same as TraversalRow messages of kRowsPerMessage rows, each with its
// path when asked for.
class RowsWriter {
 public:
  RowsWriter(const graph::View& view, const v1::Freshness& freshness,
             bool include_paths,
             grpc::ServerWriter<v1::TraverseResponse>& writer)
      : view_(view), include_paths_(include_paths), writer_(writer) {
    chunk_.set_sequence(view.sequence());
    *chunk_.mutable_freshness() = freshness;
  }

  // Adds rows [from, to) of the walk so far; false when a send failed.
  bool Add(const graph::TraversalResult& so_far, size_t from, size_t to) {
    return graph::ForEachHitTexts(
        view_,
        absl::Span<const graph::TraversalHit>(so_far.hits)
            .subspan(from, to - from),
        [&](const graph::TraversalHit& hit, const graph::View::Texts& texts) {
          v1::TraversalRow* row = chunk_.add_rows();
          Describe(texts, row);
          row->set_depth(hit.depth);
          row->set_parent_key(std::string(view_.key(hit.parent)));
          row->set_via(hit.via);
          if (include_paths_) {
            for (graph::ViewIndex step : graph::PathTo(so_far, hit)) {
              row->add_path(std::string(view_.key(step)));
            }
          }
          return chunk_.rows_size() < kRowsPerMessage || Send();
        });
  }

  bool Finish(const graph::TraversalResult& result) {
    SetTotals(result, &chunk_);
    return Send();
  }

 private:
  static constexpr int kRowsPerMessage = 1000;

  bool Send() {
    if (!writer_.Write(chunk_)) return false;
    chunk_.clear_rows();
    return true;
  }

  const graph::View& view_;
  const bool include_paths_;
  grpc::ServerWriter<v1::TraverseResponse>& writer_;
  v1::TraverseResponse chunk_;
};

}  // namespace

grpc::Status AnalysisServiceImpl::Traverse(
    grpc::ServerContext* context, const v1::TraverseRequest* request,
    grpc::ServerWriter<v1::TraverseResponse>* writer) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "Traverse");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "Traverse");
  }
  constexpr absl::string_view kRpc = "Traverse";
  if (!v1::TraverseDirection_IsValid(request->direction())) {
    return ToGrpcStatus(InvalidField("direction", "unknown value"), kRpc);
  }
  graph::TraversalOptions options;
  options.direction = request->direction() == v1::TRAVERSE_DIRECTION_DOWNSTREAM
                          ? graph::FlowDirection::kDownstream
                          : graph::FlowDirection::kUpstream;
  absl::StatusOr<std::vector<v1::EdgeKind>> kinds =
      EdgeKinds(request->edge_kinds());
  if (!kinds.ok()) return ToGrpcStatus(kinds.status(), kRpc);
  options.edge_kinds = *kinds;
  absl::StatusOr<int64_t> depth =
      Limit(request->max_depth(), 3, 64, "max_depth");
  absl::StatusOr<int64_t> visited =
      Limit(request->max_visited(), 1'000'000, 50'000'000, "max_visited");
  absl::StatusOr<int64_t> results =
      Limit(request->max_results(), 100'000, 10'000'000, "max_results");
  for (const auto* limit : {&depth, &visited, &results}) {
    if (!limit->ok()) return ToGrpcStatus(limit->status(), kRpc);
  }
  options.budget.max_depth = static_cast<int>(*depth);
  options.budget.max_visited = *visited;
  options.budget.max_results = *results;
  options.budget.deadline = DeadlineOf(*context);
  options.budget.cancelled = CancelledCheck(*context);
  options.region_prefix = request->region_prefix();
  if (absl::Status status = CheckOptional(
          "region_prefix", options.region_prefix, ValidateRegionPrefix);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  options.country = request->country();
  if (absl::Status status =
          CheckOptional("country", options.country, ValidateCountryCode);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  if (!v1::CredentialKind_IsValid(request->credential())) {
    return ToGrpcStatus(InvalidField("credential", "unknown value"), kRpc);
  }
  options.credential = request->credential();
  if (absl::Status status =
          CheckOptional("as_of", request->as_of(), ValidateDate);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  options.as_of = graph::ParseDateNumber(request->as_of());
  if (!v1::TraversalEncoding_IsValid(request->encoding())) {
    return ToGrpcStatus(InvalidField("encoding", "unknown value"), kRpc);
  }
  const bool columns = request->encoding() == v1::TRAVERSAL_ENCODING_COLUMNS;
  if (columns && request->include_paths()) {
    return ToGrpcStatus(
        InvalidField("include_paths",
                     "paths are sent with the ROWS encoding only"),
        kRpc);
  }
  absl::StatusOr<std::shared_ptr<const graph::View>> view =
      ViewFor(request->min_sequence(), *context);
  if (!view.ok()) return ToGrpcStatus(view.status(), kRpc);
  const graph::View& v = **view;
  absl::StatusOr<graph::ViewIndex> start =
      Resolve(v, request->start(), "start");
  if (!start.ok()) return ToGrpcStatus(start.status(), kRpc);
  // Rows go out while the walk goes on: the client starts on them sooner,
  // and a budget or the deadline may then end the call after some rows.
  // Not with paths: each row is then many times larger, and a client that
  // gets them while a walk runs into its deadline spent that time on rows
  // it throws away (the 20-hop supernode walk with a 100 ms deadline took
  // 160 ms to fail in the CLI instead of 110).
  std::optional<ColumnsWriter> columns_writer;
  std::optional<RowsWriter> rows_writer;
  v1::Freshness freshness;
  SetFreshness(v, &freshness);
  if (columns) {
    columns_writer.emplace(v, freshness, *start, *writer);
  } else {
    rows_writer.emplace(v, freshness, request->include_paths(), *writer);
  }
  bool sent = true;
  auto add = [&](const graph::TraversalResult& so_far, size_t from, size_t to) {
    sent = columns ? columns_writer->Add(
                         absl::Span<const graph::TraversalHit>(so_far.hits)
                             .subspan(from, to - from))
                   : rows_writer->Add(so_far, from, to);
    return sent;
  };
  const bool streamed = !request->include_paths();
  if (streamed) options.sink = add;
  absl::StatusOr<graph::TraversalResult> result =
      graph::Traverse(v, *start, options);
  if (sent && !result.ok()) return ToGrpcStatus(result.status(), kRpc);
  if (sent && !streamed) add(*result, 0, result->hits.size());
  if (!sent || !(columns ? columns_writer->Finish(*result)
                         : rows_writer->Finish(*result))) {
    return grpc::Status(grpc::StatusCode::CANCELLED,
                        "Traverse: the client went away");
  }
  return grpc::Status::OK;
}

grpc::Status AnalysisServiceImpl::ShortestPath(
    grpc::ServerContext* context, const v1::ShortestPathRequest* request,
    v1::ShortestPathResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "ShortestPath");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "ShortestPath");
  }
  constexpr absl::string_view kRpc = "ShortestPath";
  graph::PathOptions options;
  absl::StatusOr<std::vector<v1::EdgeKind>> kinds =
      EdgeKinds(request->edge_kinds());
  if (!kinds.ok()) return ToGrpcStatus(kinds.status(), kRpc);
  options.edge_kinds = *kinds;
  options.undirected = request->undirected();
  absl::StatusOr<int64_t> depth =
      Limit(request->max_depth(), 10, 64, "max_depth");
  if (!depth.ok()) return ToGrpcStatus(depth.status(), kRpc);
  absl::StatusOr<int64_t> visited =
      Limit(request->max_visited(), 1'000'000, 50'000'000, "max_visited");
  if (!visited.ok()) return ToGrpcStatus(visited.status(), kRpc);
  options.budget.max_depth = static_cast<int>(*depth);
  options.budget.max_visited = *visited;
  options.budget.deadline = DeadlineOf(*context);
  options.budget.cancelled = CancelledCheck(*context);
  absl::StatusOr<std::shared_ptr<const graph::View>> view =
      ViewFor(request->min_sequence(), *context);
  if (!view.ok()) return ToGrpcStatus(view.status(), kRpc);
  const graph::View& v = **view;
  absl::StatusOr<graph::ViewIndex> from = Resolve(v, request->from(), "from");
  if (!from.ok()) return ToGrpcStatus(from.status(), kRpc);
  absl::StatusOr<graph::ViewIndex> to = Resolve(v, request->to(), "to");
  if (!to.ok()) return ToGrpcStatus(to.status(), kRpc);
  absl::StatusOr<std::optional<graph::Path>> path =
      graph::ShortestPath(v, *from, *to, options);
  if (!path.ok()) return ToGrpcStatus(path.status(), kRpc);
  response->set_sequence(v.sequence());
  SetFreshness(v, response->mutable_freshness());
  if (!path->has_value()) return grpc::Status::OK;
  response->set_found(true);
  const graph::Path& p = **path;
  for (size_t i = 0; i < p.vertices.size(); ++i) {
    v1::PathStep* step = response->add_steps();
    Describe(v, p.vertices[i], step->mutable_vertex());
    step->mutable_vertex()->set_depth(static_cast<int32_t>(i));
    if (i > 0) {
      step->set_via(p.steps[i - 1]);
      step->set_reversed(p.reversed[i - 1]);
    }
  }
  return grpc::Status::OK;
}

grpc::Status AnalysisServiceImpl::Substitutes(
    grpc::ServerContext* context, const v1::SubstitutesRequest* request,
    v1::SubstitutesResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "Substitutes");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "Substitutes");
  }
  constexpr absl::string_view kRpc = "Substitutes";
  graph::SubstituteOptions options;
  if (absl::Status status =
          CheckOptional("as_of", request->as_of(), ValidateDate);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  options.as_of = graph::ParseDateNumber(request->as_of());
  absl::StatusOr<int64_t> rows =
      Limit(request->max_results(), 20, 1000, "max_results");
  if (!rows.ok()) return ToGrpcStatus(rows.status(), kRpc);
  options.max_results = static_cast<int>(*rows);
  absl::StatusOr<std::shared_ptr<const graph::View>> view =
      ViewFor(request->min_sequence(), *context);
  if (!view.ok()) return ToGrpcStatus(view.status(), kRpc);
  const graph::View& v = **view;
  v1::VertexRef firm_ref;
  firm_ref.set_kind(v1::VERTEX_KIND_FIRM);
  firm_ref.set_key(request->firm_key());
  absl::StatusOr<graph::ViewIndex> firm = Resolve(v, firm_ref, "firm_key");
  if (!firm.ok()) return ToGrpcStatus(firm.status(), kRpc);
  v1::VertexRef product_ref;
  product_ref.set_kind(v1::VERTEX_KIND_PRODUCT);
  product_ref.set_key(request->product_key());
  absl::StatusOr<graph::ViewIndex> product =
      Resolve(v, product_ref, "product_key");
  if (!product.ok()) return ToGrpcStatus(product.status(), kRpc);
  absl::StatusOr<graph::SubstitutesResult> result =
      graph::Substitutes(v, *firm, *product, options);
  if (!result.ok()) return ToGrpcStatus(result.status(), kRpc);
  Summarize(v, *firm, response->mutable_firm());
  response->set_product_key(std::string(v.key(*product)));
  response->set_product_name(std::string(v.name(*product)));
  response->set_makes_it(result->makes_it);
  response->set_uses_it(result->uses_it);
  for (graph::ViewIndex supplier : result->current_suppliers) {
    Summarize(v, supplier, response->add_current_suppliers());
  }
  response->set_total(result->total);
  for (const graph::Substitute& s : result->substitutes) {
    v1::SubstituteFirm* out = response->add_substitutes();
    Summarize(v, s.firm, out->mutable_firm());
    out->set_proximity(
        static_cast<v1::Proximity>(static_cast<int>(s.proximity) + 1));
    out->set_credential_kind(s.best_credential.kind);
    out->set_credential_level(s.best_credential.level);
    out->set_maturity(static_cast<v1::Maturity>(s.maturity));
    out->set_customers(s.customers);
    out->set_reason(s.reason);
  }
  response->set_sequence(v.sequence());
  SetFreshness(v, response->mutable_freshness());
  return grpc::Status::OK;
}

grpc::Status AnalysisServiceImpl::Impact(grpc::ServerContext* context,
                                         const v1::ImpactRequest* request,
                                         v1::ImpactResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "Impact");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "Impact");
  }
  constexpr absl::string_view kRpc = "Impact";
  if (!v1::SupplyMode_IsValid(request->mode())) {
    return ToGrpcStatus(InvalidField("mode", "unknown value"), kRpc);
  }
  if (request->remove_firm_keys_size() == 0 &&
      request->remove_region_prefix().empty() &&
      request->remove_country().empty()) {
    return ToGrpcStatus(
        InvalidField("remove_firm_keys",
                     "name firms, a region prefix or a country to remove"),
        kRpc);
  }
  if (absl::Status status =
          CheckOptional("remove_region_prefix", request->remove_region_prefix(),
                        ValidateRegionPrefix);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  if (absl::Status status = CheckOptional(
          "remove_country", request->remove_country(), ValidateCountryCode);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  if (request->max_rows() < 0) {
    return ToGrpcStatus(InvalidField("max_rows", "must not be negative"), kRpc);
  }
  size_t max_rows = request->max_rows() == 0 ? 1000 : request->max_rows();
  absl::StatusOr<std::shared_ptr<const graph::View>> latest =
      ViewFor(request->min_sequence(), *context);
  if (!latest.ok()) return ToGrpcStatus(latest.status(), kRpc);
  graph::SupplyOptions options;
  options.mode = request->mode() == v1::SUPPLY_MODE_CAPABILITY
                     ? graph::SupplyMode::kCapability
                     : graph::SupplyMode::kObserved;
  graph::AnalysisLimits limits = LimitsOf(*context);
  absl::StatusOr<std::shared_ptr<const graph::SupplyNetwork>> network =
      cache_.Network(*latest, options, request->min_sequence(), limits);
  if (!network.ok()) return ToGrpcStatus(network.status(), kRpc);
  // The firms are looked up in the view the network was built on.
  const graph::View& v = (*network)->view();
  std::vector<graph::ViewIndex> removed;
  for (int i = 0; i < request->remove_firm_keys_size(); ++i) {
    v1::VertexRef ref;
    ref.set_kind(v1::VERTEX_KIND_FIRM);
    ref.set_key(request->remove_firm_keys(i));
    std::string field = absl::StrCat("remove_firm_keys[", i, "]");
    absl::Status valid = graph::CanonicalizeRef(&ref);
    if (!valid.ok()) {
      return ToGrpcStatus(InvalidField(field, valid.message()), kRpc);
    }
    std::optional<graph::ViewIndex> firm =
        v.Find(v1::VERTEX_KIND_FIRM, ref.key());
    if (!firm.has_value()) {
      return ToGrpcStatus(
          FieldError(absl::StatusCode::kNotFound, field,
                     absl::StrCat("no firm \"", ref.key(), "\"")),
          kRpc);
    }
    removed.push_back(*firm);
  }
  // A country and a region prefix add up.
  if (!request->remove_country().empty()) {
    for (graph::ViewIndex firm :
         graph::FirmsIn(v, request->remove_country(), "")) {
      removed.push_back(firm);
    }
  }
  if (!request->remove_region_prefix().empty()) {
    for (graph::ViewIndex firm :
         graph::FirmsIn(v, "", request->remove_region_prefix())) {
      removed.push_back(firm);
    }
  }
  std::sort(removed.begin(), removed.end());
  removed.erase(std::unique(removed.begin(), removed.end()), removed.end());
  absl::StatusOr<graph::ImpactResult> impact =
      (*network)->Impact(removed, limits);
  if (!impact.ok()) return ToGrpcStatus(impact.status(), kRpc);
  graph::ImpactSummary summary = (*network)->Summarize(*impact, removed);
  response->set_firms_removed(static_cast<int64_t>(removed.size()));
  response->set_lines_stopped(summary.lines_stopped);
  response->set_max_depth(summary.max_depth);
  response->set_firms_hit_count(static_cast<int64_t>(summary.firms_hit.size()));
  for (const auto& [firm, depth] : summary.firms_hit) {
    if (static_cast<size_t>(response->firms_hit_size()) >= max_rows) break;
    v1::FirmHit* hit = response->add_firms_hit();
    Summarize(v, firm, hit->mutable_firm());
    hit->set_depth(depth);
  }
  for (graph::ViewIndex product : summary.products_lost) {
    if (static_cast<size_t>(response->products_lost_size()) >= max_rows) break;
    response->add_products_lost(std::string(v.key(product)));
  }
  for (graph::ViewIndex chain : summary.chains_hit) {
    if (static_cast<size_t>(response->chains_hit_size()) >= max_rows) break;
    response->add_chains_hit(std::string(v.key(chain)));
  }
  for (graph::ViewIndex leader : summary.leaders_hit) {
    if (static_cast<size_t>(response->leaders_hit_size()) >= max_rows) break;
    Summarize(v, leader, response->add_leaders_hit());
  }
  for (const auto& [region, firms] : summary.firms_hit_by_region) {
    if (static_cast<size_t>(response->firms_hit_by_region_size()) >= max_rows) {
      break;
    }
    v1::RegionCount* count = response->add_firms_hit_by_region();
    count->set_region_code(region);
    count->set_firms(firms);
  }
  for (const graph::ImpactSummary::TierCount& tier :
       summary.firms_hit_by_tier) {
    v1::CredentialCount* count = response->add_firms_hit_by_tier();
    count->set_kind(tier.kind);
    count->set_level(tier.level);
    count->set_firms(tier.firms);
  }
  response->set_sequence(v.sequence());
  SetFreshness(v, response->mutable_freshness());
  return grpc::Status::OK;
}

grpc::Status AnalysisServiceImpl::CriticalSuppliers(
    grpc::ServerContext* context, const v1::CriticalSuppliersRequest* request,
    v1::CriticalSuppliersResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "CriticalSuppliers");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "CriticalSuppliers");
  }
  constexpr absl::string_view kRpc = "CriticalSuppliers";
  if (!v1::SupplyMode_IsValid(request->mode())) {
    return ToGrpcStatus(InvalidField("mode", "unknown value"), kRpc);
  }
  v1::VertexRef ref;
  ref.set_kind(v1::VERTEX_KIND_FIRM);
  ref.set_key(request->firm_key());
  absl::Status valid = graph::CanonicalizeRef(&ref);
  if (!valid.ok()) {
    return ToGrpcStatus(InvalidField("firm_key", valid.message()), kRpc);
  }
  graph::SupplyOptions options;
  options.mode = request->mode() == v1::SUPPLY_MODE_CAPABILITY
                     ? graph::SupplyMode::kCapability
                     : graph::SupplyMode::kObserved;
  options.supplier_country = request->supplier_country();
  options.supplier_region_prefix = request->supplier_region_prefix();
  if (options.mode != graph::SupplyMode::kCapability &&
      (!options.supplier_country.empty() ||
       !options.supplier_region_prefix.empty())) {
    return ToGrpcStatus(
        InvalidField(options.supplier_country.empty() ? "supplier_region_prefix"
                                                      : "supplier_country",
                     "supplier filters apply in capability mode only "
                     "(observed mode follows the recorded supplies)"),
        kRpc);
  }
  if (absl::Status status = CheckOptional(
          "supplier_country", options.supplier_country, ValidateCountryCode);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  if (absl::Status status =
          CheckOptional("supplier_region_prefix",
                        options.supplier_region_prefix, ValidateRegionPrefix);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  absl::StatusOr<std::shared_ptr<const graph::View>> latest =
      ViewFor(request->min_sequence(), *context);
  if (!latest.ok()) return ToGrpcStatus(latest.status(), kRpc);
  absl::StatusOr<graph::CriticalAnswer> answer = cache_.CriticalSuppliers(
      *latest, options, ref.key(), request->min_sequence(), LimitsOf(*context));
  if (answer.status().code() == absl::StatusCode::kNotFound &&
      absl::StartsWith(answer.status().message(), "no ")) {
    return ToGrpcStatus(FieldError(absl::StatusCode::kNotFound, "firm_key",
                                   answer.status().message()),
                        kRpc);
  }
  if (!answer.ok()) return ToGrpcStatus(answer.status(), kRpc);
  const graph::SupplyNetwork& network = *answer->network;
  const graph::View& v = network.view();
  const graph::ViewIndex* firm = &answer->firm;
  const std::vector<graph::CriticalSuppliersResult>* results =
      answer->lines.get();
  Summarize(v, *firm, response->mutable_firm());
  const graph::SupplyStructure& structure = *answer->structure;
  for (graph::ViewIndex dominator : structure.dominators) {
    Summarize(v, dominator, response->add_dominators());
  }
  for (graph::ViewIndex point : structure.articulation_points) {
    Summarize(v, point, response->add_articulation_points());
  }
  response->set_cone_firms(structure.cone_firms);
  for (const graph::CriticalSuppliersResult& result : *results) {
    v1::LineCriticality* line = response->add_lines();
    graph::ViewIndex product = network.line(result.line).product;
    line->set_product_key(std::string(v.key(product)));
    line->set_product_name(std::string(v.name(product)));
    line->set_works(result.works);
    for (graph::ViewIndex input : result.unsupplied_inputs) {
      line->add_unsupplied_input_keys(std::string(v.key(input)));
    }
    for (graph::ViewIndex critical : result.critical_firms) {
      Summarize(v, critical, line->add_critical_firms());
    }
    for (const graph::InputRedundancy& input : result.inputs) {
      v1::InputSupply* supply = line->add_inputs();
      supply->set_product_key(std::string(v.key(input.product)));
      supply->set_product_name(std::string(v.name(input.product)));
      supply->set_working_lines(input.working_lines);
      supply->set_working_firms(input.working_firms);
      supply->set_self_supplied(input.self_supplied);
    }
  }
  response->set_sequence(v.sequence());
  SetFreshness(v, response->mutable_freshness());
  return grpc::Status::OK;
}

grpc::Status AnalysisServiceImpl::Gaps(grpc::ServerContext* context,
                                       const v1::GapsRequest* request,
                                       v1::GapsResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "Gaps");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "Gaps");
  }
  constexpr absl::string_view kRpc = "Gaps";
  if (request->chain_key().empty() == request->product_key().empty()) {
    return ToGrpcStatus(
        InvalidField("chain_key", "name a chain or (product_key) a product"),
        kRpc);
  }
  const bool of_product = !request->product_key().empty();
  const absl::string_view target_field =
      of_product ? "product_key" : "chain_key";
  v1::VertexRef ref;
  ref.set_kind(of_product ? v1::VERTEX_KIND_PRODUCT : v1::VERTEX_KIND_CHAIN);
  ref.set_key(of_product ? request->product_key() : request->chain_key());
  absl::Status valid = graph::CanonicalizeRef(&ref);
  if (!valid.ok()) {
    return ToGrpcStatus(InvalidField(target_field, valid.message()), kRpc);
  }
  if (request->upstream_depth() < 0 || request->upstream_depth() > 20) {
    return ToGrpcStatus(InvalidField("upstream_depth", "must be within 0..20"),
                        kRpc);
  }
  if (!v1::SupplyMode_IsValid(request->mode())) {
    return ToGrpcStatus(InvalidField("mode", "unknown value"), kRpc);
  }
  graph::GapOptions options;
  options.upstream_depth =
      request->upstream_depth() == 0 ? 2 : request->upstream_depth();
  options.region_prefix = request->region_prefix();
  if (absl::Status status = CheckOptional(
          "region_prefix", options.region_prefix, ValidateRegionPrefix);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  if (absl::Status status = CheckOptional(
          "home_country", request->home_country(), ValidateCountryCode);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  if (!request->home_country().empty()) {
    options.home_country = request->home_country();
  }
  if (absl::Status status =
          CheckOptional("as_of", request->as_of(), ValidateDate);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  options.as_of = graph::ParseDateNumber(request->as_of());
  auto threshold = [](double value, double fallback) {
    return value == 0 ? fallback : value;
  };
  options.hhi_threshold = threshold(request->hhi_threshold(), 0.25);
  options.outside_share_threshold =
      threshold(request->outside_share_threshold(), 0.5);
  // NaN fails both comparisons, so test for inside rather than outside.
  if (!(options.hhi_threshold > 0 && options.hhi_threshold <= 1)) {
    return ToGrpcStatus(InvalidField("hhi_threshold", "must be within 0..1"),
                        kRpc);
  }
  if (!(options.outside_share_threshold > 0 &&
        options.outside_share_threshold <= 1)) {
    return ToGrpcStatus(
        InvalidField("outside_share_threshold", "must be within 0..1"), kRpc);
  }
  if (request->max_candidates() < 0 || request->max_candidates() > 100) {
    return ToGrpcStatus(InvalidField("max_candidates", "must be within 0..100"),
                        kRpc);
  }
  options.max_candidates =
      request->max_candidates() == 0 ? 5 : request->max_candidates();
  options.supply.mode = request->mode() == v1::SUPPLY_MODE_CAPABILITY
                            ? graph::SupplyMode::kCapability
                            : graph::SupplyMode::kObserved;
  options.limits = LimitsOf(*context);
  absl::StatusOr<std::shared_ptr<const graph::View>> latest =
      ViewFor(request->min_sequence(), *context);
  if (!latest.ok()) return ToGrpcStatus(latest.status(), kRpc);
  absl::StatusOr<graph::GapAnswer> answer = cache_.Gaps(
      *latest, ref.kind(), ref.key(), options, request->min_sequence());
  if (answer.status().code() == absl::StatusCode::kNotFound &&
      absl::StartsWith(answer.status().message(), "no ")) {
    return ToGrpcStatus(FieldError(absl::StatusCode::kNotFound, target_field,
                                   answer.status().message()),
                        kRpc);
  }
  if (!answer.ok()) return ToGrpcStatus(answer.status(), kRpc);
  const graph::View& v = *answer->view;
  const graph::ViewIndex* chain = &answer->target;
  const graph::GapReport* report = &answer->report;
  if (of_product) {
    response->set_product_key(std::string(v.key(*chain)));
    response->set_product_name(std::string(v.name(*chain)));
  } else {
    response->set_chain_key(std::string(v.key(*chain)));
    response->set_chain_name(std::string(v.name(*chain)));
  }
  response->set_region_prefix(options.region_prefix);
  response->set_home_country(options.home_country);
  for (graph::ViewIndex leader : report->local_leaders) {
    Summarize(v, leader, response->add_local_leaders());
  }
  auto wire_class = [](graph::GapClass gap_class) {
    return static_cast<v1::GapClass>(static_cast<int>(gap_class) + 1);
  };
  for (const graph::GapRow& row : report->rows) {
    v1::GapRow* out = response->add_rows();
    out->set_product_key(std::string(v.key(row.product)));
    out->set_product_name(std::string(v.name(row.product)));
    out->set_key_core_technology(v.key_core_technology(row.product));
    out->set_stage(static_cast<v1::Stage>(row.stage));
    out->set_segment(row.segment);
    out->set_local_producers(row.local_producers);
    out->set_domestic_producers(row.domestic_producers);
    out->set_foreign_producers(row.foreign_producers);
    out->set_unknown_country_producers(row.unknown_country_producers);
    out->set_local_credentialed(row.local_credentialed);
    out->set_local_users(row.local_users);
    if (row.outside_share.has_value()) {
      out->set_outside_share(*row.outside_share);
    }
    if (row.hhi.has_value()) out->set_hhi(*row.hhi);
    for (const std::string& country : row.foreign_countries) {
      out->add_foreign_countries(country);
    }
    out->set_gap_class(wire_class(row.gap_class));
    for (graph::GapClass gap_class : row.classes) {
      out->add_classes(wire_class(gap_class));
    }
    for (const std::string& evidence : row.evidence) {
      out->add_evidence(evidence);
    }
    for (const graph::GapCandidate& candidate : row.candidates) {
      v1::GapCandidate* wire = out->add_candidates();
      Summarize(v, candidate.firm, wire->mutable_firm());
      wire->set_credential_kind(candidate.best_credential.kind);
      wire->set_credential_level(candidate.best_credential.level);
      wire->set_maturity(static_cast<v1::Maturity>(candidate.maturity));
      wire->set_chain_products(candidate.chain_products);
      wire->set_local_buyers(candidate.local_buyers);
      wire->set_domestic(candidate.domestic);
      wire->set_reason(candidate.reason);
    }
    for (graph::ViewIndex firm : row.local_producer_list) {
      Summarize(v, firm, out->add_local_producers_list());
    }
    for (graph::ViewIndex worker : row.working_on) {
      v1::WorkingOn* wire = out->add_working_on();
      wire->set_kind(v.kind(worker));
      wire->set_key(std::string(v.key(worker)));
      wire->set_name(std::string(v.name(worker)));
    }
    for (const graph::ForeignCriticalSupplier& pair : row.foreign_critical) {
      v1::ForeignCriticalSupplier* wire = out->add_foreign_critical();
      Summarize(v, pair.firm, wire->mutable_firm());
      Summarize(v, pair.leader, wire->mutable_leader());
    }
  }
  for (size_t i = 0; i < report->class_counts.size(); ++i) {
    v1::GapClassCount* count = response->add_class_counts();
    count->set_gap_class(wire_class(static_cast<graph::GapClass>(i)));
    count->set_products(report->class_counts[i]);
  }
  for (const graph::GapReport::Link& link : report->links) {
    v1::ChainLink* wire = response->add_links();
    wire->set_from_product_key(std::string(v.key(link.from)));
    wire->set_to_product_key(std::string(v.key(link.to)));
    wire->set_essential(link.essential);
  }
  response->set_hhi_threshold(options.hhi_threshold);
  response->set_outside_share_threshold(options.outside_share_threshold);
  response->set_sequence(v.sequence());
  SetFreshness(v, response->mutable_freshness());
  return grpc::Status::OK;
}

grpc::Status AnalysisServiceImpl::Stats(grpc::ServerContext* context,
                                        const v1::StatsRequest* request,
                                        v1::StatsResponse* response) {
  if (absl::StatusOr<Principal> caller =
          auth_.Authorize(*context, Role::kReader, "Stats");
      !caller.ok()) {
    return ToGrpcStatus(caller.status(), "Stats");
  }
  constexpr absl::string_view kRpc = "Stats";
  graph::StatsQuery query;
  query.region_prefix = request->region_prefix();
  if (absl::Status status = CheckOptional("region_prefix", query.region_prefix,
                                          ValidateRegionPrefix);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  if (absl::Status status =
          CheckOptional("as_of", request->as_of(), ValidateDate);
      !status.ok()) {
    return ToGrpcStatus(status, kRpc);
  }
  query.as_of = graph::ParseDateNumber(request->as_of());
  absl::StatusOr<std::shared_ptr<const graph::View>> view =
      ViewFor(request->min_sequence(), *context);
  if (!view.ok()) return ToGrpcStatus(view.status(), kRpc);
  const graph::View& v = **view;
  graph::GraphStats stats = graph::ComputeStats(v, query);
  response->set_region_prefix(request->region_prefix());
  response->set_as_of(request->as_of());
  response->set_firms(stats.firms);
  for (const auto& tally : stats.credentials) {
    v1::CredentialCount* count = response->add_credentials();
    count->set_kind(tally.kind);
    count->set_level(tally.level);
    count->set_firms(tally.firms);
  }
  for (const auto& [region, firms] : stats.regions) {
    v1::RegionCount* count = response->add_regions();
    count->set_region_code(region);
    count->set_firms(firms);
  }
  for (const auto& tally : stats.chains) {
    v1::ChainStats* chain = response->add_chains();
    chain->set_chain_key(std::string(v.key(tally.chain)));
    chain->set_name(std::string(v.name(tally.chain)));
    chain->set_category(static_cast<v1::ChainCategory>(v.subkind(tally.chain)));
    chain->set_products(tally.products);
    chain->set_products_made_in_region(tally.products_made_in_region);
    chain->set_producers_in_region(tally.producers_in_region);
    for (graph::ViewIndex leader : tally.leaders) {
      chain->add_leader_keys(std::string(v.key(leader)));
    }
  }
  response->set_sequence(v.sequence());
  SetFreshness(v, response->mutable_freshness());
  return grpc::Status::OK;
}

}  // namespace chainkg::server
