// The verbs of the chainkg CLI. Each verb makes GraphService calls through a
// stub and prints the result in the chosen format.
#pragma once

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

#include "chainkg/v1/admin_service.grpc.pb.h"
#include "chainkg/v1/analysis_service.grpc.pb.h"
#include "chainkg/v1/graph_service.grpc.pb.h"
#include "cli/output.h"
#include "util/command_line.h"

namespace chainkg::cli {

// What every verb gets: the connection, the output format and streams.
struct Context {
  v1::GraphService::StubInterface* graph = nullptr;
  v1::AnalysisService::StubInterface* analysis = nullptr;
  v1::AdminService::StubInterface* admin = nullptr;
  std::string server_address;
  Format format = Format::kTable;
  absl::Duration timeout = absl::Seconds(30);
  std::istream* in = &std::cin;
  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
};

// The flags the CLI accepts (for CommandLine::Parse).
std::vector<FlagSpec> CommandFlags();

// Runs the verb named by the positional arguments. INVALID_ARGUMENT for a
// usage error (the message says what is wrong); an RPC failure keeps its
// canonical code and the server's message.
absl::Status RunCommand(const CommandLine& command_line, Context& context);

// The usage text.
extern const char kUsage[];

}  // namespace chainkg::cli
