// chainkg-server: serves a chainkg database over gRPC (and HTTP/JSON).
//
//   chainkg-server --db DIR [--listen 127.0.0.1:50051]
//                  [--http-listen 127.0.0.1:8080] [--tokens FILE]
//   chainkg-server token new --tokens FILE --role ROLE --name NAME
//
// SIGTERM or SIGINT stops accepting calls, lets in-flight calls finish (up to
// --shutdown-grace-ms) and closes the database cleanly.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

#include "server/auth.h"
#include "server/server.h"
#include "util/command_line.h"

namespace {

constexpr char kUsage[] =
    R"(usage: chainkg-server --db DIR [options]

Serves the chainkg graph in DIR (an embedded RocksDB, created if missing)
over gRPC: chainkg.v1.GraphService, AnalysisService, AdminService,
grpc.health.v1.Health and server reflection; with --http-listen, the same
services as HTTP/JSON (POST /api/<package.Service>/<Method>, docs/api.md).

options:
  --db DIR                    database directory (required)
  --listen HOST:PORT          address to listen on (default 127.0.0.1:50051;
                              port 0 picks a free port)
  --http-listen HOST:PORT     also serve HTTP/JSON there (off unless given;
                              loopback only without --tokens)
  --http-allow-origin ORIGIN  the one other web origin allowed to call the
                              HTTP API from a browser (CORS; none by default)
  --http-max-body-bytes N     largest HTTP request body (default 16777216)
  --web-root DIR              serve the files of DIR at / on the HTTP port
  --default-deadline-ms N     deadline for calls that set none (default 30000)
  --max-message-bytes N       largest request or response (default 67108864)
  --shutdown-grace-ms N       time in-flight calls get on SIGTERM (default 10000)
  --tokens FILE               bearer tokens with roles (reader, writer, admin);
                              without it every caller may do anything, and
                              only a loopback --listen address is allowed
  --tls-cert FILE --tls-key FILE   serve TLS with this PEM certificate chain
                              and key
  --tls-client-ca FILE        require client certificates signed by this CA
                              (mutual TLS)
  --backup-dir DIR            where AdminService.Checkpoint (chainkg admin
                              checkpoint NAME) writes; restore = start a
                              server on a copy of a checkpoint
  --help                      this text

chainkg-server token new --tokens FILE --role reader|writer|admin --name NAME
  makes a random token, appends its SHA-256 hash with the role and name to
  FILE (created with mode 600) and prints the token once: keep it secret.
  docs/operations.md explains tokens and TLS.
)";

int Fail(const std::string& message) {
  std::cerr << "chainkg-server: " << message << "\n";
  return 1;
}

// `token new`: a fresh token, its hash appended to the token file.
int NewToken(const chainkg::CommandLine& flags) {
  const std::vector<std::string>& args = flags.positional();
  if (args.size() != 2 || args[1] != "new" || !flags.Has("tokens") ||
      !flags.Has("role") || !flags.Has("name")) {
    return Fail(
        "usage: chainkg-server token new --tokens FILE --role "
        "reader|writer|admin --name NAME");
  }
  std::string role = flags.Get("role", "");
  std::string name = flags.Get("name", "");
  if (role != "reader" && role != "writer" && role != "admin") {
    return Fail("--role must be reader, writer or admin");
  }
  if (name.empty() || name.find_first_of(" \t\n#") != std::string::npos) {
    return Fail("--name must be one word");
  }
  std::string path = flags.Get("tokens", "");
  // Only the owner may read the hashes (they cannot be reversed, but a
  // weak secret could be guessed offline).
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (fd < 0) return Fail(absl::StrCat(path, ": cannot open for appending"));
  std::string token = chainkg::server::NewToken();
  std::string line = absl::StrCat(role, " ", name, " ",
                                  chainkg::server::HashToken(token), "\n");
  bool written = ::write(fd, line.data(), line.size()) ==
                 static_cast<ssize_t>(line.size());
  written = ::close(fd) == 0 && written;
  if (!written) return Fail(absl::StrCat(path, ": write failed"));
  std::cout << token << std::endl;
  std::cerr << "chainkg-server: token for " << name << " (" << role
            << ") added to " << path
            << "; restart the server to use it. It is shown only now.\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<chainkg::CommandLine> flags =
      chainkg::CommandLine::Parse(args, {{"db"},
                                         {"listen"},
                                         {"http-listen"},
                                         {"http-allow-origin"},
                                         {"http-max-body-bytes"},
                                         {"web-root"},
                                         {"default-deadline-ms"},
                                         {"max-message-bytes"},
                                         {"shutdown-grace-ms"},
                                         {"tokens"},
                                         {"role"},
                                         {"name"},
                                         {"tls-cert"},
                                         {"tls-key"},
                                         {"tls-client-ca"},
                                         {"backup-dir"},
                                         {"help", false}});
  if (!flags.ok()) {
    return Fail(absl::StrCat(flags.status().message(), " (see --help)"));
  }
  if (flags->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!flags->positional().empty() && flags->positional()[0] == "token") {
    return NewToken(*flags);
  }
  if (!flags->positional().empty()) {
    return Fail(absl::StrCat("unexpected argument \"", flags->positional()[0],
                             "\" (see --help)"));
  }
  if (!flags->Has("db")) return Fail("--db DIR is required (see --help)");

  chainkg::server::ServerOptions options;
  options.db_path = flags->Get("db", "");
  options.listen_address = flags->Get("listen", "127.0.0.1:50051");
  options.http.listen_address = flags->Get("http-listen", "");
  options.http.allow_origin = flags->Get("http-allow-origin", "");
  options.http.web_root = flags->Get("web-root", "");
  options.tokens_file = flags->Get("tokens", "");
  options.tls_cert_file = flags->Get("tls-cert", "");
  options.tls_key_file = flags->Get("tls-key", "");
  options.tls_client_ca_file = flags->Get("tls-client-ca", "");
  options.backup_dir = flags->Get("backup-dir", "");
  absl::StatusOr<long long> deadline_ms =
      flags->GetInt("default-deadline-ms", 30000);
  absl::StatusOr<long long> max_bytes =
      flags->GetInt("max-message-bytes", 64 << 20);
  absl::StatusOr<long long> grace_ms =
      flags->GetInt("shutdown-grace-ms", 10000);
  absl::StatusOr<long long> max_body_bytes =
      flags->GetInt("http-max-body-bytes", 16 << 20);
  for (const auto* value :
       {&deadline_ms, &max_bytes, &grace_ms, &max_body_bytes}) {
    if (!value->ok()) return Fail(std::string(value->status().message()));
    if (**value <= 0) return Fail("numeric flags must be positive");
  }
  if (*max_bytes > (1ll << 30))
    return Fail("--max-message-bytes is at most 1 GiB");
  options.graph_service.default_deadline = absl::Milliseconds(*deadline_ms);
  options.max_receive_message_bytes = static_cast<int>(*max_bytes);
  options.max_send_message_bytes = static_cast<int>(*max_bytes);
  options.http.max_body_bytes = static_cast<size_t>(*max_body_bytes);

  // Block the stop signals in every thread (gRPC's included, which inherit
  // this mask) so that only the waiter below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<std::unique_ptr<chainkg::server::ChainkgServer>> server =
      chainkg::server::ChainkgServer::Start(options);
  if (!server.ok()) {
    if (server.status().code() == absl::StatusCode::kDataLoss) {
      // Never serve what is left of a damaged database: say what to do.
      Fail(server.status().ToString());
      return Fail(
          "refusing to start rather than serve a database that may miss "
          "acknowledged writes; the files were left as they are. Keep a copy "
          "of the directory, restore the latest checkpoint and load again "
          "what was written after it (docs/operations.md, Durability)");
    }
    return Fail(server.status().ToString());
  }
  std::cout << "chainkg-server: listening on " << (*server)->address()
            << " (database " << options.db_path << ", "
            << (options.tls_cert_file.empty()        ? "plaintext"
                : options.tls_client_ca_file.empty() ? "TLS"
                                                     : "mutual TLS")
            << ", "
            << (options.tokens_file.empty()
                    ? "open access: no --tokens, every caller may write"
                    : absl::StrCat("tokens from ", options.tokens_file))
            << ")" << std::endl;
  if (std::string http = (*server)->http_address(); !http.empty()) {
    std::cout << "chainkg-server: HTTP/JSON on http://" << http
              << "/api/ (plaintext; for TLS put nginx in front, "
                 "docs/operations.md)"
              << std::endl;
  }

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
