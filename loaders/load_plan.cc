#include "loaders/load_plan.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

#include "util/status_macros.h"

namespace chainkg::loaders {
namespace {

int LoadOrder(FileKind kind) {
  switch (kind) {
    case FileKind::kFirms:
      return 0;
    case FileKind::kProducts:
      return 1;
    case FileKind::kChains:
      return 2;
    case FileKind::kIndustries:
      return 3;
    case FileKind::kConsortia:
      return 4;
    case FileKind::kPlatforms:
      return 5;
    case FileKind::kProjects:
      return 6;
    case FileKind::kCredentials:
      return 7;
    case FileKind::kChainProducts:
      return 8;
    case FileKind::kEdges:
      return 9;
  }
  return 10;
}

bool IsInputFile(const std::filesystem::path& path) {
  std::string extension = absl::AsciiStrToLower(path.extension().string());
  return extension == ".csv" || extension == ".jsonl" || extension == ".json" ||
         extension == ".ndjson";
}

}  // namespace

absl::StatusOr<std::vector<InputFile>> PlanInputs(
    const std::vector<std::string>& args, std::optional<FileKind> forced_kind) {
  std::vector<std::string> paths;
  for (const std::string& arg : args) {
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      std::vector<std::string> found;
      for (const auto& entry :
           std::filesystem::directory_iterator(arg, error)) {
        if (entry.is_regular_file() && IsInputFile(entry.path())) {
          found.push_back(entry.path().string());
        }
      }
      if (error) {
        return absl::UnavailableError(
            absl::StrCat(arg, ": cannot list: ", error.message()));
      }
      std::sort(found.begin(), found.end());
      paths.insert(paths.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(arg, error)) {
      paths.push_back(arg);
    } else {
      return absl::NotFoundError(absl::StrCat(arg, ": no such file"));
    }
  }
  std::vector<InputFile> files;
  for (const std::string& path : paths) {
    InputFile file;
    file.path = path;
    if (forced_kind.has_value()) {
      file.kind = *forced_kind;
    } else {
      CHAINKG_ASSIGN_OR_RETURN(file.kind, FileKindFromPath(path));
    }
    files.push_back(std::move(file));
  }
  std::stable_sort(files.begin(), files.end(),
                   [](const InputFile& a, const InputFile& b) {
                     return LoadOrder(a.kind) < LoadOrder(b.kind);
                   });
  return files;
}

absl::Status RowBatcher::Add(ParsedRow&& row) {
  for (v1::Vertex& vertex : row.vertices) {
    pending_.vertices.push_back(std::move(vertex));
    pending_.vertex_lines.push_back(row.line);
  }
  for (v1::Edge& edge : row.edges) {
    pending_.edges.push_back(std::move(edge));
    pending_.edge_lines.push_back(row.line);
  }
  if (pending_.size() >= batch_size_) return Flush();
  return absl::OkStatus();
}

absl::Status RowBatcher::Flush() {
  if (pending_.size() == 0) return absl::OkStatus();
  RecordBatch batch = std::move(pending_);
  pending_ = RecordBatch();
  return flush_(std::move(batch));
}

}  // namespace chainkg::loaders
