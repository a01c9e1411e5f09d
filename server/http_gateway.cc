#include "server/http_gateway.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"

#include "chainkg/v1/analysis_service.grpc.pb.h"
#include "chainkg/v1/error.pb.h"
#include "httplib.h"

namespace chainkg::server {
namespace {

using google::protobuf::Message;

// The services the gateway reaches; reflection and health are gRPC-only.
constexpr absl::string_view kServices[] = {
    "chainkg.v1.GraphService",
    "chainkg.v1.AnalysisService",
    "chainkg.v1.AdminService",
};

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kNdjson[] = "application/x-ndjson; charset=utf-8";

std::string ToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a valid message cannot fail (protobuf 3.21's Status is not
  // [[nodiscard]]; an error would be a protobuf bug).
  google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

// {"code": "NOT_FOUND", "message": ..., "field": ..., "details": [...]}.
std::string ErrorJson(grpc::StatusCode code, absl::string_view message,
                      const std::string& details_bin) {
  v1::HttpError error;
  error.set_code(absl::StatusCodeToString(static_cast<absl::StatusCode>(code)));
  error.set_message(std::string(message));
  v1::RpcStatus rpc_status;
  if (!details_bin.empty() && rpc_status.ParseFromString(details_bin)) {
    for (const google::protobuf::Any& any : rpc_status.details()) {
      v1::ErrorDetail detail;
      if (!any.UnpackTo(&detail)) continue;
      if (error.field().empty()) error.set_field(detail.field());
      *error.add_details() = std::move(detail);
    }
  }
  return ToJson(error);
}

void ReplyError(httplib::Response& response, grpc::StatusCode code,
                absl::string_view message,
                const std::string& details_bin = std::string()) {
  response.status = HttpStatusOf(code);
  response.set_content(ErrorJson(code, message, details_bin), kJson);
}

void ReplyError(httplib::Response& response, const grpc::Status& status) {
  ReplyError(response, status.error_code(), status.error_message(),
             status.error_details());
}

// The call's context: the caller's bearer token and deadline. A header
// gRPC would refuse as metadata (a byte outside printable ASCII) is refused
// here: gRPC aborts the process on such metadata.
absl::Status PrepareContext(const httplib::Request& request,
                            grpc::ClientContext& context) {
  std::string authorization = request.get_header_value("Authorization");
  for (char c : authorization) {
    if (c < 0x20 || c > 0x7e) {
      return absl::UnauthenticatedError(
          "Authorization: only printable ASCII is allowed");
    }
  }
  if (!authorization.empty()) {
    context.AddMetadata("authorization", authorization);
  }
  std::string timeout = request.get_header_value("X-Timeout-Ms");
  absl::string_view source = "X-Timeout-Ms";
  if (timeout.empty() && request.has_param("timeout_ms")) {
    timeout = request.get_param_value("timeout_ms");
    source = "timeout_ms";
  }
  if (!timeout.empty()) {
    int64_t ms = 0;
    constexpr int64_t kDay = 24 * 3600 * 1000;
    if (!absl::SimpleAtoi(timeout, &ms) || ms <= 0 || ms > kDay) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": must be a number of milliseconds within 1..",
                       kDay, ", got \"", timeout, "\""));
    }
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(ms));
  }
  return absl::OkStatus();
}

}  // namespace

int HttpStatusOf(int grpc_code) {
  switch (static_cast<grpc::StatusCode>(grpc_code)) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:  // UNKNOWN, INTERNAL, DATA_LOSS
      return 500;
  }
}

// The route handlers, apart from the listener's life cycle.
class HttpGateway::Handlers {
 public:
  explicit Handlers(std::shared_ptr<grpc::Channel> channel,
                    const HttpGatewayOptions& options)
      : channel_(channel), generic_(channel), options_(options) {}

  // POST /api/<service>/<method>.
  void Call(const httplib::Request& request, httplib::Response& response) {
    if (absl::Status allowed = Admit(request); !allowed.ok()) {
      ReplyError(response, static_cast<grpc::StatusCode>(allowed.code()),
                 allowed.message());
      if (absl::StartsWith(allowed.message(), "Content-Type")) {
        response.status = 415;
      }
      return;
    }
    const std::string service_name = request.matches[1];
    const std::string method_name = request.matches[2];
    const google::protobuf::MethodDescriptor* method =
        FindMethod(service_name, method_name);
    if (method == nullptr) {
      ReplyError(response, grpc::StatusCode::NOT_FOUND,
                 absl::StrCat("no method ", service_name, "/", method_name,
                              " (POST /api/<package.Service>/<Method>, e.g. "
                              "/api/chainkg.v1.AnalysisService/Gaps)"));
      return;
    }
    if (method->client_streaming()) {
      ReplyError(response, grpc::StatusCode::UNIMPLEMENTED,
                 absl::StrCat(method->full_name(),
                              " streams requests: call it over gRPC (chainkg "
                              "load does)"));
      return;
    }
    const Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(
            method->input_type());
    std::unique_ptr<Message> input(prototype->New());
    if (!request.body.empty()) {
      google::protobuf::util::JsonParseOptions options;
      auto parsed = google::protobuf::util::JsonStringToMessage(
          request.body, input.get(), options);
      if (!parsed.ok()) {
        ReplyError(
            response, grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("request body: not a ",
                         method->input_type()->full_name(),
                         " in proto3 JSON: ", parsed.message().as_string()));
        return;
      }
    }
    auto context = std::make_unique<grpc::ClientContext>();
    if (absl::Status prepared = PrepareContext(request, *context);
        !prepared.ok()) {
      ReplyError(response, static_cast<grpc::StatusCode>(prepared.code()),
                 prepared.message());
      return;
    }
    if (method->server_streaming()) {
      Stream(*method, *input, std::move(context), response);
      return;
    }
    Unary(*method, *input, *context, response);
  }

 private:
  // Whether a request may reach the services at all: JSON only, from the
  // gateway's own origin (or the one allowed), to a loopback Host when
  // access is open.
  absl::Status Admit(const httplib::Request& request) const {
    std::string type = request.get_header_value("Content-Type");
    if (!absl::StartsWithIgnoreCase(type, "application/json")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Content-Type: must be application/json, got \"", type, "\""));
    }
    const std::string host = request.get_header_value("Host");
    if (options_.loopback_hosts_only && !IsLoopbackHost(host)) {
      return absl::PermissionDeniedError(
          absl::StrCat("Host ", host,
                       ": without --tokens only loopback names are served "
                       "(docs/operations.md)"));
    }
    const std::string origin = request.get_header_value("Origin");
    if (!origin.empty() && origin != absl::StrCat("http://", host) &&
        origin != options_.allow_origin) {
      return absl::PermissionDeniedError(
          absl::StrCat("Origin ", origin,
                       ": cross-origin calls are refused (chainkg-server "
                       "--http-allow-origin)"));
    }
    return absl::OkStatus();
  }

  // "localhost", "127.0.0.1", "[::1]", with or without a port.
  static bool IsLoopbackHost(absl::string_view host) {
    if (absl::StartsWith(host, "[::1]")) return true;
    host = host.substr(0, host.rfind(':'));
    return host == "localhost" || absl::StartsWith(host, "127.");
  }

  static const google::protobuf::MethodDescriptor* FindMethod(
      const std::string& service_name, const std::string& method_name) {
    bool known = false;
    for (absl::string_view s : kServices) known = known || s == service_name;
    if (!known) return nullptr;
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            service_name);
    return service == nullptr ? nullptr
                              : service->FindMethodByName(method_name);
  }

  void Unary(const google::protobuf::MethodDescriptor& method,
             const Message& input, grpc::ClientContext& context,
             httplib::Response& response) {
    grpc::ByteBuffer request_bytes;
    bool own_buffer = false;
    grpc::SerializationTraits<Message>::Serialize(input, &request_bytes,
                                                  &own_buffer);
    grpc::ByteBuffer response_bytes;
    // Shared with the callback, which may still be returning from
    // set_value when get() wakes this thread.
    auto done = std::make_shared<std::promise<grpc::Status>>();
    std::future<grpc::Status> answer = done->get_future();
    generic_.UnaryCall(
        &context,
        absl::StrCat("/", method.service()->full_name(), "/", method.name()),
        grpc::StubOptions(), &request_bytes, &response_bytes,
        [done](grpc::Status status) { done->set_value(std::move(status)); });
    grpc::Status status = answer.get();
    if (!status.ok()) {
      ReplyError(response, status);
      return;
    }
    std::unique_ptr<Message> output(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(method.output_type())
            ->New());
    grpc::Status parsed = grpc::SerializationTraits<Message>::Deserialize(
        &response_bytes, output.get());
    if (!parsed.ok()) {
      ReplyError(response, grpc::StatusCode::INTERNAL,
                 absl::StrCat("cannot read the answer of ", method.full_name(),
                              ": ", parsed.error_message()));
      return;
    }
    response.status = 200;
    response.set_content(ToJson(*output), kJson);
  }

  // The one server-streaming RPC, Traverse: newline-delimited JSON. The
  // first answer is read before replying, so that an error at once (a
  // refused token, a bad argument) keeps its HTTP status.
  void Stream(const google::protobuf::MethodDescriptor& method,
              const Message& input,
              std::unique_ptr<grpc::ClientContext> context,
              httplib::Response& response) {
    if (method.full_name() != "chainkg.v1.AnalysisService.Traverse") {
      ReplyError(response, grpc::StatusCode::UNIMPLEMENTED,
                 absl::StrCat(method.full_name(), " is not served over HTTP"));
      return;
    }
    struct Walk {
      std::unique_ptr<grpc::ClientContext> context;
      std::unique_ptr<v1::AnalysisService::Stub> stub;
      std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>> reader;
      v1::TraverseResponse next;
      bool has_next = false;
      bool finished = false;
      ~Walk() {
        if (finished || reader == nullptr) return;
        // The client went away: stop the walk on the server.
        context->TryCancel();
        while (reader->Read(&next)) {
        }
        reader->Finish().ok();
      }
    };
    auto walk = std::make_shared<Walk>();
    walk->context = std::move(context);
    walk->stub = v1::AnalysisService::NewStub(channel_);
    walk->reader = walk->stub->Traverse(
        walk->context.get(), static_cast<const v1::TraverseRequest&>(input));
    walk->has_next = walk->reader->Read(&walk->next);
    if (!walk->has_next) {
      grpc::Status status = walk->reader->Finish();
      walk->finished = true;
      if (!status.ok()) {
        ReplyError(response, status);
        return;
      }
    }
    response.status = 200;
    // Every line is written within one call of the provider: between
    // calls httplib ends a stream early once the server is stopping, and
    // the walk should have the grace other calls get.
    response.set_chunked_content_provider(
        kNdjson, [walk](size_t /*offset*/, httplib::DataSink& sink) {
          while (walk->has_next) {
            std::string line = ToJson(walk->next);
            line.push_back('\n');
            if (!sink.write(line.data(), line.size())) return false;
            walk->has_next = walk->reader->Read(&walk->next);
          }
          grpc::Status status = walk->reader->Finish();
          walk->finished = true;
          if (!status.ok()) {
            std::string line = absl::StrCat(
                "{\"error\":",
                ErrorJson(status.error_code(), status.error_message(),
                          status.error_details()),
                "}\n");
            sink.write(line.data(), line.size());
          }
          sink.done();
          return true;
        });
  }

  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub generic_;
  const HttpGatewayOptions options_;
};

absl::StatusOr<std::unique_ptr<HttpGateway>> HttpGateway::Start(
    const HttpGatewayOptions& options, std::shared_ptr<grpc::Channel> channel) {
  std::unique_ptr<HttpGateway> gateway(new HttpGateway());
  gateway->handlers_ = std::make_unique<Handlers>(std::move(channel), options);
  gateway->http_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *gateway->http_;
  int threads = options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(options.max_body_bytes);
  // httplib writes the headers and the body in separate sends; with Nagle's
  // algorithm and the client's delayed ACK every answer waited ~40 ms.
  http.set_tcp_nodelay(true);
  http.set_read_timeout(absl::ToChronoSeconds(options.read_timeout));
  http.set_keep_alive_timeout(absl::ToInt64Seconds(options.keep_alive_timeout));
  if (!options.web_root.empty()) {
    struct stat info;
    if (stat(options.web_root.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
        !http.set_mount_point("/", options.web_root)) {
      return absl::NotFoundError(
          absl::StrCat("--web-root ", options.web_root, ": not a folder"));
    }
  }
  Handlers* handlers = gateway->handlers_.get();
  http.Post(
      R"(/api/([^/]+)/([^/]+))",
      [handlers](const httplib::Request& request, httplib::Response& response) {
        handlers->Call(request, response);
      });
  http.Get("/healthz",
           [](const httplib::Request&, httplib::Response& response) {
             response.set_content("SERVING\n", "text/plain; charset=utf-8");
           });
  // Errors httplib answers itself (no such route, a body too large) get a
  // JSON body too.
  http.set_error_handler(
      [](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty()) return;
        grpc::StatusCode code = grpc::StatusCode::NOT_FOUND;
        std::string message =
            absl::StrCat("no such route: ", request.method, " ", request.path);
        if (response.status == 413) {
          code = grpc::StatusCode::RESOURCE_EXHAUSTED;
          message = "request body too large";
        } else if (response.status != 404) {
          code = grpc::StatusCode::INVALID_ARGUMENT;
          message = absl::StrCat("bad request (HTTP ", response.status, ")");
        }
        response.set_content(ErrorJson(code, message, std::string()), kJson);
      });
  if (!options.allow_origin.empty()) {
    std::string origin = options.allow_origin;
    http.set_post_routing_handler(
        [origin](const httplib::Request&, httplib::Response& response) {
          response.set_header("Access-Control-Allow-Origin", origin);
          response.set_header("Vary", "Origin");
        });
    http.Options(
        R"(/api/.*)", [](const httplib::Request&, httplib::Response& response) {
          response.status = 204;
          response.set_header("Access-Control-Allow-Methods", "POST");
          response.set_header("Access-Control-Allow-Headers",
                              "Authorization, Content-Type, X-Timeout-Ms");
          response.set_header("Access-Control-Max-Age", "600");
        });
  }

  const std::string& address = options.listen_address;
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen ", address, ": expected host:port"));
  }
  std::string host = address.substr(0, colon);
  std::string bind_host = host;
  if (bind_host.size() > 2 && bind_host.front() == '[') {
    bind_host = bind_host.substr(1, bind_host.size() - 2);
  }
  if (port == 0) {
    port = http.bind_to_any_port(bind_host);
    if (port < 0) port = 0;
  } else if (!http.bind_to_port(bind_host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address,
                     " for HTTP (address in use or not "
                     "local?)"));
  }
  gateway->port_ = port;
  gateway->address_ = absl::StrCat(host, ":", port);
  gateway->listener_ = std::thread([&http] { http.listen_after_bind(); });
  // Until it runs, a stop would not reach the listener.
  absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!http.is_running()) {
    if (absl::Now() > give_up) {
      gateway->Stop();
      return absl::UnavailableError(
          absl::StrCat("the HTTP listener on ", address, " did not start"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return gateway;
}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (http_ != nullptr) http_->stop();
  if (listener_.joinable()) listener_.join();
}

}  // namespace chainkg::server
