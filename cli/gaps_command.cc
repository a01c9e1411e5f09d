#include "cli/gaps_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

#include "cli/flag_values.h"
#include "cli/output.h"
#include "cli/rpc_call.h"
#include "util/status_macros.h"

namespace chainkg::cli {
namespace {

std::string ClassLabel(v1::GapClass gap_class) {
  switch (gap_class) {
    case v1::GAP_CLASS_CHOKEPOINT:
      return "卡脖子 CHOKEPOINT";
    case v1::GAP_CLASS_MISSING:
      return "缺链 MISSING";
    case v1::GAP_CLASS_BREAK_RISK:
      return "断链风险 BREAK_RISK";
    case v1::GAP_CLASS_WEAK:
      return "短板 WEAK";
    case v1::GAP_CLASS_COVERED:
      return "已覆盖 COVERED";
    default:
      return "?";
  }
}

std::string StageLabel(v1::Stage stage) {
  switch (stage) {
    case v1::STAGE_UPSTREAM:
      return "上游 upstream";
    case v1::STAGE_MIDSTREAM:
      return "中游 midstream";
    case v1::STAGE_DOWNSTREAM:
      return "下游 downstream";
    default:
      return "";
  }
}

std::string FirmText(const v1::FirmSummary& firm) {
  std::string region =
      firm.region_name().empty()
          ? firm.region_code()
          : absl::StrCat(firm.region_name(), " ", firm.region_code());
  std::string where = firm.country() == "CN" || firm.country().empty()
                          ? region
                          : (firm.region_code().empty()
                                 ? firm.country()
                                 : absl::StrCat(firm.country(), " ", region));
  return absl::StrCat(firm.name(), " (", firm.key(),
                      where.empty() ? "" : absl::StrCat(", ", where), ")");
}

std::string WorkingOnText(const v1::GapRow& row) {
  std::vector<std::string> names;
  for (const v1::WorkingOn& worker : row.working_on()) {
    absl::string_view kind =
        worker.kind() == v1::VERTEX_KIND_CONSORTIUM ? "consortium 联合体"
        : worker.kind() == v1::VERTEX_KIND_PLATFORM ? "platform 平台"
                                                    : "project 项目";
    names.push_back(absl::StrCat(worker.name(), " (", kind, ")"));
  }
  return absl::StrJoin(names, "; ");
}

std::string ShareText(const v1::GapRow& row) {
  if (!row.has_outside_share()) return "";
  return absl::StrCat(static_cast<int>(row.outside_share() * 100 + 0.5), "%");
}

// "chain 新能源汽车 (NEV)" or "product 电池包 (cell-pack) and its inputs".
std::string TargetText(const v1::GapsResponse& response) {
  return response.product_key().empty()
             ? absl::StrCat("chain ", response.chain_name(), " (",
                            response.chain_key(), ")")
             : absl::StrCat("product ", response.product_name(), " (",
                            response.product_key(), ") and its inputs");
}

std::string RegionText(const v1::GapsResponse& response) {
  if (response.region_prefix().empty()) return response.home_country();
  return response.region_name().empty()
             ? response.region_prefix()
             : absl::StrCat(response.region_name(), " (",
                            response.region_prefix(), ")");
}

Rows CsvRows(const v1::GapsResponse& response) {
  Rows rows;
  rows.header = {"rank",
                 "class",
                 "类别",
                 "all_classes",
                 "product_key",
                 "product_name",
                 "key_core_technology",
                 "stage",
                 "segment",
                 "local_producers",
                 "domestic_producers",
                 "foreign_producers",
                 "unknown_country_producers",
                 "local_credentialed",
                 "local_users",
                 "outside_share",
                 "hhi",
                 "foreign_countries",
                 "evidence",
                 "working_on",
                 "candidates",
                 "local_producers_list"};
  int rank = 0;
  for (const v1::GapRow& row : response.rows()) {
    std::string label = ClassLabel(row.gap_class());
    std::string chinese = label.substr(0, label.find(' '));
    std::vector<std::string> classes;
    for (int c : row.classes()) {
      classes.push_back(v1::GapClass_Name(static_cast<v1::GapClass>(c))
                            .substr(std::string("GAP_CLASS_").size()));
    }
    std::vector<std::string> candidates;
    for (const v1::GapCandidate& candidate : row.candidates()) {
      candidates.push_back(
          absl::StrCat(FirmText(candidate.firm()), ": ", candidate.reason()));
    }
    std::vector<std::string> locals;
    for (const v1::FirmSummary& firm : row.local_producers_list()) {
      locals.push_back(FirmText(firm));
    }
    rows.cells.push_back(
        {absl::StrCat(++rank),
         v1::GapClass_Name(row.gap_class())
             .substr(std::string("GAP_CLASS_").size()),
         chinese,
         absl::StrJoin(classes, " "),
         row.product_key(),
         row.product_name(),
         row.key_core_technology() ? "yes" : "",
         StageLabel(row.stage()),
         row.segment(),
         absl::StrCat(row.local_producers()),
         absl::StrCat(row.domestic_producers()),
         absl::StrCat(row.foreign_producers()),
         absl::StrCat(row.unknown_country_producers()),
         absl::StrCat(row.local_credentialed()),
         absl::StrCat(row.local_users()),
         ShareText(row),
         row.has_hhi() ? absl::StrCat(static_cast<int>(row.hhi() * 10000 + 0.5))
                       : "",
         absl::StrJoin(row.foreign_countries(), " "),
         absl::StrJoin(row.evidence(), "; "),
         WorkingOnText(row),
         absl::StrJoin(candidates, " | "),
         absl::StrJoin(locals, "; ")});
  }
  return rows;
}

void WriteReport(const v1::GapsResponse& response, std::ostream& out) {
  out << "gaps of " << TargetText(response) << " in " << RegionText(response)
      << ", " << ViewText(response.sequence(), response.freshness()) << "\n";
  std::vector<std::string> counts;
  for (const v1::GapClassCount& count : response.class_counts()) {
    counts.push_back(
        absl::StrCat(ClassLabel(count.gap_class()), " ", count.products()));
  }
  out << response.rows_size() << " products: " << absl::StrJoin(counts, ", ")
      << "\n";
  if (response.local_leaders().empty()) {
    out << "no local chain leader (foreign critical suppliers not checked)\n";
  } else {
    std::vector<std::string> leaders;
    for (const v1::FirmSummary& leader : response.local_leaders()) {
      leaders.push_back(FirmText(leader));
    }
    out << "local chain leaders: " << absl::StrJoin(leaders, ", ") << "\n";
  }
  out << "\n";
  Rows table;
  table.header = {"#",       "class",        "product", "stage / segment",
                  "local",   "elsewhere CN", "abroad",  "local users",
                  "outside", "worked on"};
  int rank = 0;
  for (const v1::GapRow& row : response.rows()) {
    std::string stage = StageLabel(row.stage());
    if (!row.segment().empty()) {
      stage = stage.empty() ? row.segment()
                            : absl::StrCat(stage, " / ", row.segment());
    }
    table.cells.push_back(
        {absl::StrCat(++rank), ClassLabel(row.gap_class()),
         absl::StrCat(row.product_name(), " (", row.product_key(), ")",
                      row.key_core_technology() ? " *" : ""),
         stage, absl::StrCat(row.local_producers()),
         absl::StrCat(row.domestic_producers()),
         absl::StrCat(
             row.foreign_producers(),
             row.unknown_country_producers() > 0
                 ? absl::StrCat(" (+", row.unknown_country_producers(), " ?)")
                 : ""),
         absl::StrCat(row.local_users()), ShareText(row),
         absl::StrCat(row.working_on_size())});
  }
  WriteTable(table, out);
  out << "(* key core technology 关键核心技术; outside: share of observed "
         "supply to local buyers from outside the region; ? unknown "
         "country)\n";
  rank = 0;
  for (const v1::GapRow& row : response.rows()) {
    ++rank;
    if (row.gap_class() == v1::GAP_CLASS_COVERED) continue;
    out << "\n"
        << rank << ". [" << ClassLabel(row.gap_class()) << "] "
        << row.product_name() << " (" << row.product_key() << ")\n";
    for (const std::string& evidence : row.evidence()) {
      out << "   why: " << evidence << "\n";
    }
    if (row.working_on().empty()) {
      out << "   worked on by: nobody (no consortium, platform or project)\n";
    } else {
      out << "   worked on by: " << WorkingOnText(row) << "\n";
    }
    int n = 0;
    for (const v1::GapCandidate& candidate : row.candidates()) {
      out << "   attract " << ++n << ": " << FirmText(candidate.firm()) << " — "
          << candidate.reason() << "\n";
    }
    if (row.candidates().empty()) {
      out << "   attract: no producer outside the region is known\n";
    }
  }
}

std::string DotQuote(absl::string_view text) {
  return absl::StrCat(
      "\"",
      absl::StrReplaceAll(text,
                          {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}),
      "\"");
}

std::string Dot(const v1::GapsResponse& response) {
  auto colour = [](v1::GapClass gap_class) -> std::string {
    switch (gap_class) {
      case v1::GAP_CLASS_CHOKEPOINT:
        return "fillcolor=\"#d73027\", fontcolor=white";
      case v1::GAP_CLASS_MISSING:
        return "fillcolor=\"#fc8d59\"";
      case v1::GAP_CLASS_BREAK_RISK:
        return "fillcolor=\"#fee08b\"";
      case v1::GAP_CLASS_WEAK:
        return "fillcolor=\"#d9ef8b\"";
      default:
        return "fillcolor=\"#91cf60\"";
    }
  };
  std::ostringstream dot;
  dot << "digraph gaps {\n"
      << "  graph [rankdir=LR, labelloc=t, fontname=\"Noto Sans CJK SC\", "
         "label="
      << DotQuote(absl::StrCat(TargetText(response), ": gaps in ",
                               RegionText(response), ", view ",
                               response.sequence()))
      << "];\n"
      << "  node [shape=box, style=\"rounded,filled\", fontname=\"Noto Sans "
         "CJK SC\"];\n";
  for (const v1::GapRow& row : response.rows()) {
    std::string label = absl::StrCat(
        row.product_name(), "\n", ClassLabel(row.gap_class()), "\nlocal ",
        row.local_producers(), " / CN ", row.domestic_producers(), " / abroad ",
        row.foreign_producers());
    bool urgent =
        row.gap_class() != v1::GAP_CLASS_COVERED && row.working_on().empty();
    dot << "  " << DotQuote(row.product_key()) << " [label=" << DotQuote(label)
        << ", " << colour(row.gap_class()) << (urgent ? ", penwidth=3" : "")
        << "];\n";
  }
  for (const v1::ChainLink& link : response.links()) {
    dot << "  " << DotQuote(link.from_product_key()) << " -> "
        << DotQuote(link.to_product_key())
        << (link.essential() ? "" : " [style=dashed]") << ";\n";
  }
  dot << "  subgraph cluster_legend {\n    label=\"legend\";\n";
  for (v1::GapClass gap_class :
       {v1::GAP_CLASS_CHOKEPOINT, v1::GAP_CLASS_MISSING,
        v1::GAP_CLASS_BREAK_RISK, v1::GAP_CLASS_WEAK, v1::GAP_CLASS_COVERED}) {
    dot << "    " << DotQuote(absl::StrCat("legend ", gap_class))
        << " [label=" << DotQuote(ClassLabel(gap_class)) << ", "
        << colour(gap_class) << "];\n";
  }
  dot << "    \"legend note\" [shape=plaintext, style=\"\", label=\"thick "
         "border: nobody works on it; dashed arrow: non-essential input\"];\n"
      << "  }\n}\n";
  return dot.str();
}

// Renders DOT to SVG with Graphviz's dot. FAILED_PRECONDITION when dot is
// not installed or fails.
absl::StatusOr<std::string> Svg(const std::string& dot) {
  std::error_code error;
  std::filesystem::path dir = std::filesystem::temp_directory_path(error);
  if (error) return absl::InternalError("no temporary directory");
  std::filesystem::path file =
      dir / absl::StrCat("chainkg-gaps-", ::getpid(), ".dot");
  {
    std::ofstream out(file);
    out << dot;
    if (!out) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", file.string()));
    }
  }
  std::string command = absl::StrCat("dot -Tsvg '", file.string(), "' 2>&1");
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string svg;
  if (pipe != nullptr) {
    char buffer[65536];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
      svg.append(buffer, got);
    }
  }
  int exit_code = pipe == nullptr ? -1 : ::pclose(pipe);
  std::filesystem::remove(file, error);
  if (exit_code != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--format svg needs Graphviz (apt-get install graphviz) or use "
        "--format dot: ",
        svg.substr(0, 200)));
  }
  return svg;
}

}  // namespace

absl::Status RunGaps(const CommandLine& flags, Context& context) {
  if (flags.Has("chain") == flags.Has("product")) {
    return Usage(
        "usage: chainkg gaps --chain KEY | --product KEY [--depth N] "
        "[--region PREFIX]");
  }
  v1::GapsRequest request;
  request.set_chain_key(flags.Get("chain", ""));
  request.set_product_key(flags.Get("product", ""));
  if (flags.Has("depth")) {
    CHAINKG_ASSIGN_OR_RETURN(long long depth, flags.GetInt("depth", 2));
    if (depth < 1 || depth > 20) return Usage("--depth must be within 1..20");
    request.set_upstream_depth(static_cast<int>(depth));
  }
  request.set_region_prefix(flags.Get("region", ""));
  request.set_home_country(
      absl::AsciiStrToUpper(flags.Get("home-country", "")));
  request.set_as_of(flags.Get("as-of", ""));
  for (const auto& [flag, setter] :
       std::vector<std::pair<std::string, void (v1::GapsRequest::*)(double)>>{
           {"hhi", &v1::GapsRequest::set_hhi_threshold},
           {"outside-share", &v1::GapsRequest::set_outside_share_threshold}}) {
    if (!flags.Has(flag)) continue;
    double value = 0;
    if (!absl::SimpleAtod(flags.Get(flag, ""), &value) || !(value > 0) ||
        value > 1) {
      return Usage(absl::StrCat("--", flag, " must be a number in (0, 1]"));
    }
    (request.*setter)(value);
  }
  if (flags.Has("candidates")) {
    int candidates = 0;
    if (!absl::SimpleAtoi(flags.Get("candidates", ""), &candidates) ||
        candidates < 1 || candidates > 100) {
      return Usage("--candidates must be a number from 1 to 100");
    }
    request.set_max_candidates(candidates);
  }
  request.set_lang(flags.Get("lang", ""));
  CHAINKG_ASSIGN_OR_RETURN(v1::SupplyMode mode,
                           ParseSupplyMode(flags.Get("mode", "observed")));
  request.set_mode(mode);
  CHAINKG_ASSIGN_OR_RETURN(uint64_t min_sequence, MinSequence(flags));
  request.set_min_sequence(min_sequence);
  v1::GapsResponse response;
  auto call = CallContext(context);
  CHAINKG_RETURN_IF_ERROR(
      FromRpc(context.analysis->Gaps(call.get(), request, &response), context));
  switch (context.format) {
    case Format::kJson:
      WriteJson(response, *context.out);
      break;
    case Format::kCsv:
      WriteCsv(CsvRows(response), *context.out);
      break;
    case Format::kDot:
      *context.out << Dot(response);
      break;
    case Format::kSvg: {
      CHAINKG_ASSIGN_OR_RETURN(std::string svg, Svg(Dot(response)));
      *context.out << svg;
      break;
    }
    case Format::kTable:
      WriteReport(response, *context.out);
      break;
  }
  return absl::OkStatus();
}

}  // namespace chainkg::cli
