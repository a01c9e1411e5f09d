#include "loaders/load_plan.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"

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

std::vector<Issue> CheckBatch(FileKind kind, const std::string& file,
                              RecordBatch* batch) {
  std::vector<Issue> issues;
  std::vector<v1::Vertex>& vertices = batch->vertices;
  std::vector<v1::Edge>& edges = batch->edges;
  const std::vector<int64_t>& vertex_lines = batch->vertex_lines;
  const std::vector<int64_t>& edge_lines = batch->edge_lines;
  // Records of a row are adjacent and rows come in line order, in both
  // lists: walk them together, one row at a time.
  absl::flat_hash_set<int64_t> failed;
  size_t v = 0, e = 0;
  while (v < vertices.size() || e < edges.size()) {
    int64_t line = std::min(v < vertices.size() ? vertex_lines[v] : INT64_MAX,
                            e < edges.size() ? edge_lines[e] : INT64_MAX);
    size_t v_end = v, e_end = e;
    while (v_end < vertices.size() && vertex_lines[v_end] == line) ++v_end;
    while (e_end < edges.size() && edge_lines[e_end] == line) ++e_end;
    RowCheck check = CheckRow(kind, file, line,
                              absl::MakeSpan(vertices.data() + v, v_end - v),
                              absl::MakeSpan(edges.data() + e, e_end - e));
    if (!check.ok) failed.insert(line);
    issues.insert(issues.end(), std::make_move_iterator(check.issues.begin()),
                  std::make_move_iterator(check.issues.end()));
    v = v_end;
    e = e_end;
  }
  if (failed.empty()) return issues;
  auto drop_failed = [&failed](auto& records, std::vector<int64_t>& lines) {
    size_t kept = 0;
    for (size_t i = 0; i < records.size(); ++i) {
      if (failed.contains(lines[i])) continue;
      if (kept != i) {
        records[kept] = std::move(records[i]);
        lines[kept] = lines[i];
      }
      ++kept;
    }
    records.resize(kept);
    lines.resize(kept);
  };
  drop_failed(vertices, batch->vertex_lines);
  drop_failed(edges, batch->edge_lines);
  return issues;
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
