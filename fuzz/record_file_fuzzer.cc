// libFuzzer target for loader input files: the bytes of one file are read
// as CSV (loaders/csv_reader.h) and, through ReadRecordFile
// (loaders/record_file.h), as a .csv and a .jsonl file of every FileKind.
// Checks that every record a row yields is already in canonical form.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "chainkg/v1/model.pb.h"
#include "fuzz/require.h"
#include "graph/store/validate.h"
#include "loaders/csv_reader.h"
#include "loaders/file_kind.h"
#include "loaders/record_file.h"

namespace chainkg::loaders {
namespace {

using fuzz::Require;

constexpr FileKind kKinds[] = {
    FileKind::kFirms,     FileKind::kCredentials,   FileKind::kProducts,
    FileKind::kChains,    FileKind::kChainProducts, FileKind::kEdges,
    FileKind::kConsortia, FileKind::kPlatforms,     FileKind::kIndustries,
    FileKind::kProjects,
};

// A private directory holding the input as "input.csv" and, linked to the
// same bytes, "input.jsonl": ReadRecordFile takes a path and picks the
// syntax from its extension. Removed at exit.
class InputFiles {
 public:
  InputFiles() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(
            tmp != nullptr && *tmp != '\0'
                ? tmp
                : (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp")) +
        "/chainkg-record-fuzz-XXXXXX";
    Require(mkdtemp(pattern.data()) != nullptr, "mkdtemp works");
    dir_ = pattern;
    csv_ = dir_ + "/input.csv";
    jsonl_ = dir_ + "/input.jsonl";
    std::ofstream(csv_).flush();
    Require(symlink("input.csv", jsonl_.c_str()) == 0, "symlink works");
  }
  ~InputFiles() {
    unlink(jsonl_.c_str());
    unlink(csv_.c_str());
    rmdir(dir_.c_str());
  }
  InputFiles(const InputFiles&) = delete;
  InputFiles& operator=(const InputFiles&) = delete;

  void Write(absl::string_view bytes) const {
    std::ofstream out(csv_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    Require(out.good(), "the input file can be written");
  }
  const std::string& csv() const { return csv_; }
  const std::string& jsonl() const { return jsonl_; }

 private:
  std::string dir_;
  std::string csv_;
  std::string jsonl_;
};

void ReadCsv(absl::string_view text) {
  CsvReader reader(text);
  CsvRow row;
  int64_t last_line = 0;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&row);
    if (!more.ok() || !*more) break;
    Require(row.line > last_line, "CSV rows start on increasing lines");
    Require(!row.cells.empty(), "a CSV row has a cell");
    last_line = row.line;
  }
}

// The store canonicalizes every record it is sent again: a record the
// loader yields must come out of that unchanged, or a re-sent file would
// look changed.
absl::Status CheckRow(FileKind kind, ParsedRow&& row) {
  Require(row.line > 0, "a row has a line");
  Require(!row.vertices.empty() || !row.edges.empty(), "a row yields records");
  graph::NameRequirement names = kind == FileKind::kCredentials
                                     ? graph::NameRequirement::kOptional
                                     : graph::NameRequirement::kRequired;
  for (const v1::Vertex& vertex : row.vertices) {
    v1::Vertex again = vertex;
    Require(graph::CanonicalizeVertex(&again, names).ok(),
            "a loaded vertex passes the store's checks");
    Require(again.SerializeAsString() == vertex.SerializeAsString(),
            "a loaded vertex is canonical");
  }
  for (const v1::Edge& edge : row.edges) {
    v1::Edge again = edge;
    Require(graph::CanonicalizeEdge(&again).ok(),
            "a loaded edge passes the store's checks");
    Require(again.SerializeAsString() == edge.SerializeAsString(),
            "a loaded edge is canonical");
  }
  return absl::OkStatus();
}

void ReadAsEveryKind(const std::string& path) {
  for (FileKind kind : kKinds) {
    RecordFileOptions options;
    options.kind = kind;
    absl::StatusOr<RecordFileResult> result = ReadRecordFile(
        path, options,
        [kind](ParsedRow&& row) { return CheckRow(kind, std::move(row)); });
    if (!result.ok()) {
      Require(result.status().code() == absl::StatusCode::kInvalidArgument,
              "a bad file is INVALID_ARGUMENT");
      continue;
    }
    Require(result->kind == kind, "the kind asked for is the kind read");
    for (const Issue& issue : result->issues) {
      Require(!issue.reason.empty(), "an issue says what is wrong");
    }
  }
}

}  // namespace
}  // namespace chainkg::loaders

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const chainkg::loaders::InputFiles files;  // removed at exit
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  chainkg::loaders::ReadCsv(bytes);
  files.Write(bytes);
  chainkg::loaders::ReadAsEveryKind(files.csv());
  chainkg::loaders::ReadAsEveryKind(files.jsonl());
  return 0;
}
