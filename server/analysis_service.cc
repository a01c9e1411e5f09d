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
#include "server/analysis_wire.h"
#include "server/grpc_status.h"
#include "util/codes.h"
#include "util/field_error.h"
#include "util/region_names.h"
#include "util/status_macros.h"
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

// INVALID_ARGUMENT naming field when value is set and fails validate; an
// empty value means "not given" and passes.
absl::Status CheckOptional(absl::string_view field, absl::string_view value,
                           absl::Status (*validate)(absl::string_view)) {
  if (value.empty()) return absl::OkStatus();
  absl::Status status = validate(value);
  return status.ok() ? status : InvalidField(field, status.message());
}

// The gap report's options from a request: defaults filled in, every
// field checked (INVALID_ARGUMENT naming it). The target is checked by the
// handler, the limits are the call's.
// The language of a request's sentences: "zh" or empty Chinese, "en".
absl::StatusOr<graph::Language> LanguageOf(const std::string& lang) {
  if (lang.empty() || lang == "zh") return graph::Language::kChinese;
  if (lang == "en") return graph::Language::kEnglish;
  return InvalidField("lang",
                      absl::StrCat("must be zh or en, got \"", lang, "\""));
}

absl::StatusOr<graph::GapOptions> GapOptionsOf(const v1::GapsRequest& request) {
  if (request.upstream_depth() < 0 || request.upstream_depth() > 20) {
    return InvalidField("upstream_depth", "must be within 0..20");
  }
  if (!v1::SupplyMode_IsValid(request.mode())) {
    return InvalidField("mode", "unknown value");
  }
  graph::GapOptions options;
  CHAINKG_ASSIGN_OR_RETURN(options.language, LanguageOf(request.lang()));
  options.upstream_depth =
      request.upstream_depth() == 0 ? 2 : request.upstream_depth();
  options.region_prefix = request.region_prefix();
  if (absl::Status status = CheckOptional(
          "region_prefix", options.region_prefix, ValidateRegionPrefix);
      !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckOptional(
          "home_country", request.home_country(), ValidateCountryCode);
      !status.ok()) {
    return status;
  }
  if (!request.home_country().empty()) {
    options.home_country = request.home_country();
  }
  if (absl::Status status =
          CheckOptional("as_of", request.as_of(), ValidateDate);
      !status.ok()) {
    return status;
  }
  options.as_of = graph::ParseDateNumber(request.as_of());
  auto threshold = [](double value, double fallback) {
    return value == 0 ? fallback : value;
  };
  options.hhi_threshold = threshold(request.hhi_threshold(), 0.25);
  options.outside_share_threshold =
      threshold(request.outside_share_threshold(), 0.5);
  // NaN fails both comparisons, so test for inside rather than outside.
  if (!(options.hhi_threshold > 0 && options.hhi_threshold <= 1)) {
    return InvalidField("hhi_threshold", "must be within 0..1");
  }
  if (!(options.outside_share_threshold > 0 &&
        options.outside_share_threshold <= 1)) {
    return InvalidField("outside_share_threshold", "must be within 0..1");
  }
  if (request.max_candidates() < 0 || request.max_candidates() > 100) {
    return InvalidField("max_candidates", "must be within 0..100");
  }
  options.max_candidates =
      request.max_candidates() == 0 ? 5 : request.max_candidates();
  options.supply.mode = request.mode() == v1::SUPPLY_MODE_CAPABILITY
                            ? graph::SupplyMode::kCapability
                            : graph::SupplyMode::kObserved;
  return options;
}

void Describe(const graph::View::Texts& texts, v1::TraversalRow* out) {
  out->set_kind(texts.kind);
  out->set_key(std::string(texts.key));
  out->set_name(std::string(texts.name));
  out->set_country(std::string(texts.country));
  out->set_region_code(std::string(texts.region));
  out->set_region_name(RegionName(texts.region));
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

// The firms an ImpactRequest removes, in view: the named ones (NOT_FOUND
// naming remove_firm_keys[i]), plus every firm of remove_country and of
// remove_region_prefix; sorted, each once.
absl::StatusOr<std::vector<graph::ViewIndex>> RemovedFirms(
    const graph::View& v, const v1::ImpactRequest& request) {
  std::vector<graph::ViewIndex> removed;
  for (int i = 0; i < request.remove_firm_keys_size(); ++i) {
    v1::VertexRef ref;
    ref.set_kind(v1::VERTEX_KIND_FIRM);
    ref.set_key(request.remove_firm_keys(i));
    std::string field = absl::StrCat("remove_firm_keys[", i, "]");
    if (absl::Status valid = graph::CanonicalizeRef(&ref); !valid.ok()) {
      return InvalidField(field, valid.message());
    }
    std::optional<graph::ViewIndex> firm =
        v.Find(v1::VERTEX_KIND_FIRM, ref.key());
    if (!firm.has_value()) {
      return FieldError(absl::StatusCode::kNotFound, field,
                        absl::StrCat("no firm \"", ref.key(), "\""));
    }
    removed.push_back(*firm);
  }
  // A country and a region prefix add up.
  if (!request.remove_country().empty()) {
    for (graph::ViewIndex firm :
         graph::FirmsIn(v, request.remove_country(), "")) {
      removed.push_back(firm);
    }
  }
  if (!request.remove_region_prefix().empty()) {
    for (graph::ViewIndex firm :
         graph::FirmsIn(v, "", request.remove_region_prefix())) {
      removed.push_back(firm);
    }
  }
  std::sort(removed.begin(), removed.end());
  removed.erase(std::unique(removed.begin(), removed.end()), removed.end());
  return removed;
}

// The walk a TraverseRequest asks for, every field checked; not the
// deadline and cancellation, which come from the call.
absl::StatusOr<graph::TraversalOptions> TraversalOptionsOf(
    const v1::TraverseRequest& request) {
  if (!v1::TraverseDirection_IsValid(request.direction())) {
    return InvalidField("direction", "unknown value");
  }
  graph::TraversalOptions options;
  options.direction = request.direction() == v1::TRAVERSE_DIRECTION_DOWNSTREAM
                          ? graph::FlowDirection::kDownstream
                          : graph::FlowDirection::kUpstream;
  CHAINKG_ASSIGN_OR_RETURN(options.edge_kinds, EdgeKinds(request.edge_kinds()));
  CHAINKG_ASSIGN_OR_RETURN(int64_t depth,
                           Limit(request.max_depth(), 3, 64, "max_depth"));
  CHAINKG_ASSIGN_OR_RETURN(
      options.budget.max_visited,
      Limit(request.max_visited(), 1'000'000, 50'000'000, "max_visited"));
  CHAINKG_ASSIGN_OR_RETURN(
      options.budget.max_results,
      Limit(request.max_results(), 100'000, 10'000'000, "max_results"));
  options.budget.max_depth = static_cast<int>(depth);
  options.region_prefix = request.region_prefix();
  CHAINKG_RETURN_IF_ERROR(CheckOptional("region_prefix", options.region_prefix,
                                        ValidateRegionPrefix));
  options.country = request.country();
  CHAINKG_RETURN_IF_ERROR(
      CheckOptional("country", options.country, ValidateCountryCode));
  if (!v1::CredentialKind_IsValid(request.credential())) {
    return InvalidField("credential", "unknown value");
  }
  options.credential = request.credential();
  CHAINKG_RETURN_IF_ERROR(
      CheckOptional("as_of", request.as_of(), ValidateDate));
  options.as_of = graph::ParseDateNumber(request.as_of());
  if (!v1::TraversalEncoding_IsValid(request.encoding())) {
    return InvalidField("encoding", "unknown value");
  }
  if (request.encoding() == v1::TRAVERSAL_ENCODING_COLUMNS &&
      request.include_paths()) {
    return InvalidField("include_paths",
                        "paths are sent with the ROWS encoding only");
  }
  return options;
}

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
  absl::StatusOr<graph::TraversalOptions> parsed = TraversalOptionsOf(*request);
  if (!parsed.ok()) return ToGrpcStatus(parsed.status(), kRpc);
  graph::TraversalOptions options = *std::move(parsed);
  options.budget.deadline = DeadlineOf(*context);
  options.budget.cancelled = CancelledCheck(*context);
  const bool columns = request->encoding() == v1::TRAVERSAL_ENCODING_COLUMNS;
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
  absl::StatusOr<graph::Language> language = LanguageOf(request->lang());
  if (!language.ok()) return ToGrpcStatus(language.status(), kRpc);
  options.language = *language;
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
  absl::StatusOr<std::vector<graph::ViewIndex>> removed =
      RemovedFirms(v, *request);
  if (!removed.ok()) return ToGrpcStatus(removed.status(), kRpc);
  absl::StatusOr<graph::ImpactResult> impact =
      (*network)->Impact(*removed, limits);
  if (!impact.ok()) return ToGrpcStatus(impact.status(), kRpc);
  ImpactToWire(v, (*network)->Summarize(*impact, *removed), removed->size(),
               max_rows, response);
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
  const graph::View& v = answer->network->view();
  CriticalToWire(*answer, response);
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
  absl::StatusOr<graph::GapOptions> parsed = GapOptionsOf(*request);
  if (!parsed.ok()) return ToGrpcStatus(parsed.status(), kRpc);
  graph::GapOptions options = *std::move(parsed);
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
  GapsToWire(*answer, options, of_product, response);
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
  absl::StatusOr<graph::GraphStats> stats = graph::ComputeStats(v, query);
  if (!stats.ok()) return ToGrpcStatus(stats.status(), kRpc);
  response->set_region_prefix(request->region_prefix());
  response->set_as_of(request->as_of());
  StatsToWire(v, *stats, response);
  response->set_sequence(v.sequence());
  SetFreshness(v, response->mutable_freshness());
  return grpc::Status::OK;
}

}  // namespace chainkg::server
