// Running the project's binaries from tests: a one-shot Run() that captures
// output and exit code, and ChildProcess for long-running servers.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace chainkg::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] with the arguments, feeding stdin_text, and waits for it.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::string& stdin_text = "");

// A child process whose stdout can be read line by line. Killed (SIGKILL)
// on destruction if still running. Not thread-safe.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next stdout line without its newline; empty at end of output or
  // after timeout.
  std::string ReadLine(absl::Duration timeout);
  void Signal(int signal_number);
  // Waits for exit; returns the exit code, or -1 if killed by a signal or
  // still running after timeout (then it is killed).
  int Wait(absl::Duration timeout);

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
};

}  // namespace chainkg::testing
