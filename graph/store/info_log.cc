#include "graph/store/info_log.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace chainkg::graph::internal {
namespace {

// Thread-safe: one write(2) per line on an O_APPEND descriptor, so lines
// from concurrent threads never interleave.
class FileInfoLog final : public rocksdb::Logger {
 public:
  explicit FileInfoLog(int fd) : fd_(fd) {}
  ~FileInfoLog() override {
    if (!closed_) Close().PermitUncheckedError();
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char buffer[1024];
    va_list copy;
    va_copy(copy, ap);
    int length = std::vsnprintf(buffer, sizeof buffer, format, copy);
    va_end(copy);
    if (length < 0) return;
    std::string message;
    if (static_cast<size_t>(length) < sizeof buffer) {
      message.assign(buffer, length);
    } else {
      message.resize(static_cast<size_t>(length) + 1);
      std::vsnprintf(message.data(), message.size(), format, ap);
      message.resize(static_cast<size_t>(length));
    }
    std::string line = absl::StrCat(
        absl::FormatTime("%Y/%m/%d-%H:%M:%E6S", absl::Now(),
                         absl::LocalTimeZone()),
        " ", absl::Hex(static_cast<uint64_t>(pthread_self())), " ", message,
        message.empty() || message.back() != '\n' ? "\n" : "");
    // A failed or short write (a full disk) loses this line, nothing else.
    ssize_t written = write(fd_, line.data(), line.size());
    static_cast<void>(written);
  }

 protected:
  rocksdb::Status CloseImpl() override {
    if (fd_ >= 0 && close(fd_) != 0) {
      fd_ = -1;
      return rocksdb::Status::IOError("close info log");
    }
    fd_ = -1;
    return rocksdb::Status::OK();
  }

 private:
  int fd_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> OpenInfoLog(const std::string& dir,
                                             bool create_dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (create_dir) fs::create_directories(dir, error);
  if (!fs::is_directory(dir, error)) return nullptr;
  std::string file = absl::StrCat(dir, "/LOG");
  // Keeps the previous run's log; an error only means there was none.
  fs::rename(file, absl::StrCat(dir, "/LOG.old"), error);
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return nullptr;
  return std::make_shared<FileInfoLog>(fd);
}

}  // namespace chainkg::graph::internal
