// chainkg-server: serves a chainkg database over gRPC.
//
//   chainkg-server --db DIR [--listen 127.0.0.1:50051]
//
// SIGTERM or SIGINT stops accepting calls, lets in-flight calls finish (up to
// --shutdown-grace-ms) and closes the database cleanly.
#include <signal.h>

#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

#include "server/server.h"
#include "util/command_line.h"

namespace {

constexpr char kUsage[] =
    R"(usage: chainkg-server --db DIR [options]

Serves the chainkg graph in DIR (an embedded RocksDB, created if missing)
over gRPC: chainkg.v1.GraphService, grpc.health.v1.Health and server
reflection.

options:
  --db DIR                    database directory (required)
  --listen HOST:PORT          address to listen on (default 127.0.0.1:50051;
                              port 0 picks a free port)
  --default-deadline-ms N     deadline for calls that set none (default 30000)
  --max-message-bytes N       largest request or response (default 67108864)
  --shutdown-grace-ms N       time in-flight calls get on SIGTERM (default 10000)
  --help                      this text
)";

int Fail(const std::string& message) {
  std::cerr << "chainkg-server: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<chainkg::CommandLine> flags =
      chainkg::CommandLine::Parse(args, {{"db"},
                                         {"listen"},
                                         {"default-deadline-ms"},
                                         {"max-message-bytes"},
                                         {"shutdown-grace-ms"},
                                         {"help", false}});
  if (!flags.ok()) {
    return Fail(absl::StrCat(flags.status().message(), " (see --help)"));
  }
  if (flags->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!flags->positional().empty()) {
    return Fail(absl::StrCat("unexpected argument \"", flags->positional()[0],
                             "\" (see --help)"));
  }
  if (!flags->Has("db")) return Fail("--db DIR is required (see --help)");

  chainkg::server::ServerOptions options;
  options.db_path = flags->Get("db", "");
  options.listen_address = flags->Get("listen", "127.0.0.1:50051");
  absl::StatusOr<long long> deadline_ms =
      flags->GetInt("default-deadline-ms", 30000);
  absl::StatusOr<long long> max_bytes =
      flags->GetInt("max-message-bytes", 64 << 20);
  absl::StatusOr<long long> grace_ms =
      flags->GetInt("shutdown-grace-ms", 10000);
  for (const auto* value : {&deadline_ms, &max_bytes, &grace_ms}) {
    if (!value->ok()) return Fail(std::string(value->status().message()));
    if (**value <= 0) return Fail("numeric flags must be positive");
  }
  if (*max_bytes > (1ll << 30))
    return Fail("--max-message-bytes is at most 1 GiB");
  options.graph_service.default_deadline = absl::Milliseconds(*deadline_ms);
  options.max_receive_message_bytes = static_cast<int>(*max_bytes);
  options.max_send_message_bytes = static_cast<int>(*max_bytes);

  // Block the stop signals in every thread (gRPC's included, which inherit
  // this mask) so that only the waiter below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<std::unique_ptr<chainkg::server::ChainkgServer>> server =
      chainkg::server::ChainkgServer::Start(options);
  if (!server.ok()) return Fail(server.status().ToString());
  std::cout << "chainkg-server: listening on " << (*server)->address()
            << " (database " << options.db_path << ")" << std::endl;

  absl::Duration grace = absl::Milliseconds(*grace_ms);
  std::thread waiter([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    std::cout << "chainkg-server: "
              << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT")
              << ", finishing in-flight calls" << std::endl;
    (*server)->Shutdown(grace);
  });
  (*server)->Wait();
  waiter.join();
  server->reset();  // closes the database
  std::cout << "chainkg-server: stopped, database closed" << std::endl;
  return 0;
}
