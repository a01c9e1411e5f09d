#include "cli/commands.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"

#include "cli/flag_values.h"
#include "cli/gaps_command.h"
#include "cli/load_command.h"
#include "cli/rpc_call.h"
#include "cli/traverse_command.h"
#include "loaders/demo_generator.h"
#include "util/status_macros.h"

namespace chainkg::cli {

const char kUsage[] =
    R"(usage: chainkg [--server HOST:PORT] [--format table|json|csv] VERB ...

verbs:
  get KIND KEY                  one vertex (KIND: firm product chain consortium
                                platform industry project)
  firm get KEY                  one firm
  firm search [TEXT]            firms by name (full-width/half-width, brackets
                                and spaces do not matter) and filters:
      --credential K            chain_leader single_item_champion little_giant
                                specialized_sme innovative_sme
                                high_tech_enterprise smart_factory (or 链主 单项冠军
                                小巨人 专精特新 创新型中小企业 高新技术企业 智能工厂)
      --level L                 national provincial municipal (国家级 省级 市级)
      --as-of YYYY-MM-DD        credentials in force on that date
      --region PREFIX           GB/T 2260 prefix, e.g. 4419 (Dongguan)
      --country CC              ISO 3166 alpha-2, e.g. CN, JP
      --match substring|prefix|exact   (default substring)
  search KIND [TEXT]            the same for any kind
  list KIND                     vertices of one kind
  edges KIND KEY                edges of a vertex
      --direction out|in        (default out)
      --edge-kind K             produces supplies input_to subclass_of in_chain
                                leads member_of supports targets in_industry
                                subindustry_of
  load dataset NAME DIR         load a third-party dataset through its adapter
                                (chainkg, tivac, willems2008, ickg; DIR is its
                                folder, e.g. ../shared/data/tivac) and print
                                the defects met in it
  demo generate --out DIR       write the Dongguan demo data set as CSV files
      --scale small|city|national   (default city)  --seed N (default 1)
  load FILE|DIR...              load CSV/JSONL files (docs/formats.md), UTF-8 or
                                GBK/GB18030; directories: every .csv/.jsonl in
                                them; vertices are loaded before edges
      --as KIND                 file kind when the name does not say it
      --strict                  load nothing from a file with any bad row
      --batch-size N            records per acknowledged batch (default 1000)
  critical --firm KEY           the firms whose removal alone would stop one of
                                the firm's production lines (AND over essential
                                inputs, OR over suppliers)
      --mode observed|capability   recorded supplies (default) or any maker
      --country CC, --region P  capability mode: only such suppliers count
  gaps --chain KEY | --product KEY [--depth N (2)]
                                the chain's products (or the product and its
                                inputs to N levels) with their class (卡脖子
                                CHOKEPOINT, 缺链 MISSING, 断链风险 BREAK_RISK,
                                短板 WEAK, COVERED), evidence, firms to attract
                                and who works on them; --format dot|svg draws
                                the chain coloured by class
      --region PREFIX           our region (default: the whole home country)
      --home-country CC (CN), --as-of YYYY-MM-DD, --candidates N (5)
      --hhi X (0.25), --outside-share X (0.5), --mode observed|capability
      --lang zh|en              evidence and reasons in Chinese (default) or
                                English
  upstream|downstream           breadth-first from a firm or product: its
      --firm KEY | --product KEY  suppliers and inputs (upstream) or customers
                                and uses (downstream), by depth
      --depth N (3), --edge-kind K (repeatable; default supplies and
                                input_to; add produces for makers)
      --region P, --country CC, --credential K, --as-of DATE
                                report only such firms (the walk goes on)
      --paths                   each row with its path from the start
      --limit N (rows; default the server's 100,000), --max-visited N:
                                past either the call fails (exit 1); CSV
                                rows written by then are only a first part
      --encoding columns|rows   how the server sends the rows (default
                                columns, faster; rows with --paths)
  path FROM_KEY TO_KEY          a shortest path (default over supplies)
      --kind firm|product, --edge-kind K, --undirected, --depth N (10)
  substitutes --firm KEY --product KEY
                                other makers of one of the firm's inputs,
                                nearest first (same city, province, country,
                                abroad), then by credential and maturity
      --as-of YYYY-MM-DD, --limit N (20), --lang zh|en (reasons)
  impact                        what stops if firms, a region or a country are
                                cut off (same AND/OR rule, from the world as
                                it is), with the propagation depth
      --remove-firm KEY (repeatable), --remove-region P, --remove-country CC
      --mode observed|capability
  stats                         firms by credential kind and level, by region
                                and by chain
      --region PREFIX, --as-of YYYY-MM-DD
  admin checkpoint NAME         (admin role) a consistent copy of the database
                                in the server's --backup-dir/NAME
  admin verify                  (admin role) check every table file's checksums
  admin audit [--limit N]       (admin role) who wrote what and when, newest
                                first
  upsert KIND|edge              records as JSON from stdin or --file F: one
                                object, an array, or one object per line
      --replace                 replace stored records instead of merging
  delete KIND KEY...            vertices with their edges

options:
  --server HOST:PORT            default $CHAINKG_SERVER or 127.0.0.1:50051
  --format table|json|csv       json: proto3 JSON of the response; csv: UTF-8
                                with BOM (opens in Excel); gaps also dot|svg
  --limit N                     at most N results, following pages (default
                                100 in a table, all in csv or json; 0 = all;
                                a cut list says so on stderr)
  --timeout-ms N                per-call deadline (default 30000)
  --min-sequence N              analyses: answer on data that holds the write
                                with this sequence (upsert, delete and load
                                print it), waiting for it within the deadline;
                                by default the newest data ready, which may
                                lag the latest writes (each answer says so)
  --token TOKEN                 bearer token (default $CHAINKG_TOKEN); needed
                                when the server runs with --tokens
  --tls-ca FILE                 use TLS; the server certificate's CA (PEM)
  --tls-cert FILE --tls-key FILE   client certificate for mutual TLS
)";

namespace {

// "电池包 (cell-pack), 电芯 (cell)": names with their keys.
std::string NamesText(
    const google::protobuf::RepeatedPtrField<v1::NamedKey>& named) {
  std::vector<std::string> texts;
  for (const v1::NamedKey& one : named) {
    texts.push_back(absl::StrCat(one.name(), " (", one.key(), ")"));
  }
  return absl::StrJoin(texts, ", ");
}

// "广东拓斯达科技股份有限公司 (SZSE:300607), ..." for a chain's leaders.
std::string LeadersText(const v1::ChainStats& chain) {
  std::vector<std::string> leaders;
  for (const v1::FirmSummary& leader : chain.leaders()) {
    leaders.push_back(absl::StrCat(leader.name(), " (", leader.key(), ")"));
  }
  return absl::StrJoin(leaders, ", ");
}

using google::protobuf::EnumDescriptor;

// Calls rpc page after page until `limit` items (0: no limit) or the end,
// appending each page's items to *merged, which ends with the last page's
// token and sequence.
template <typename Request, typename Response, typename Rpc, typename ItemsOf>
absl::Status FetchPages(Request request, int limit, const Context& context,
                        Rpc rpc, ItemsOf items_of, Response* merged) {
  do {
    int wanted = limit == 0 ? 1000 : limit - items_of(*merged)->size();
    request.set_page_size(std::min(wanted, 1000));
    Response page;
    auto call = CallContext(context);
    CHAINKG_RETURN_IF_ERROR(FromRpc(rpc(call.get(), request, &page), context));
    for (auto& item : *items_of(page)) {
      *items_of(*merged)->Add() = std::move(item);
    }
    merged->set_next_page_token(page.next_page_token());
    merged->set_sequence(page.sequence());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() &&
           (limit == 0 || items_of(*merged)->size() < limit));
  return absl::OkStatus();
}

// Prints vertices in the chosen format; json prints `response`.
void PrintVertices(const std::vector<v1::Vertex>& vertices,
                   const google::protobuf::Message& response,
                   const Context& context, bool single) {
  switch (context.format) {
    case Format::kJson:
      WriteJson(response, *context.out);
      return;
    case Format::kCsv:
      WriteCsv(VertexRows(vertices, /*for_table=*/false), *context.out);
      return;
    case Format::kTable:
    case Format::kDot:  // refused before the verb runs
    case Format::kSvg:
      break;
  }
  if (vertices.empty()) {
    *context.out << "(no results)\n";
    return;
  }
  // Mixed kinds would need different columns: print one table per kind.
  std::vector<v1::Vertex> group;
  auto flush = [&] {
    if (group.empty()) return;
    Rows rows = VertexRows(group, /*for_table=*/true);
    if (single) {
      WriteRecord(rows, *context.out);
    } else {
      WriteTable(rows, *context.out);
    }
    group.clear();
  };
  for (const v1::Vertex& vertex : vertices) {
    if (!group.empty() && group.back().record_case() != vertex.record_case()) {
      flush();
    }
    group.push_back(vertex);
  }
  flush();
}

absl::Status CmdGet(v1::VertexKind kind, const std::string& key,
                    Context& context) {
  v1::GetVertexRequest request;
  request.mutable_ref()->set_kind(kind);
  request.mutable_ref()->set_key(key);
  v1::GetVertexResponse response;
  auto call = CallContext(context);
  CHAINKG_RETURN_IF_ERROR(FromRpc(
      context.graph->GetVertex(call.get(), request, &response), context));
  PrintVertices({response.vertex()}, response, context, /*single=*/true);
  return absl::OkStatus();
}

bool IsFileFormat(const Context& context) {
  return context.format == Format::kCsv || context.format == Format::kJson;
}

// A listing that stopped at --limit says so on stderr, in every format.
void SayIfCut(const std::string& next_page_token, int rows,
              const Context& context) {
  if (next_page_token.empty()) return;
  *context.err << "chainkg: cut at " << rows
               << " rows: there are more; raise --limit, or --limit 0 for "
                  "all\n";
}

absl::Status CmdSearch(v1::VertexKind kind, const std::string& text,
                       const CommandLine& flags, Context& context) {
  v1::SearchVerticesRequest request;
  request.set_kind(kind);
  request.set_text(text);
  if (flags.Has("credential")) {
    CHAINKG_ASSIGN_OR_RETURN(v1::CredentialKind credential,
                             ParseCredential(flags.Get("credential", "")));
    request.set_credential_kind(credential);
  }
  if (flags.Has("level")) {
    CHAINKG_ASSIGN_OR_RETURN(v1::Level level,
                             ParseLevel(flags.Get("level", "")));
    request.set_credential_level(level);
  }
  std::string match = flags.Get("match", "substring");
  if (match == "prefix") {
    request.set_match(v1::NAME_MATCH_PREFIX);
  } else if (match == "exact") {
    request.set_match(v1::NAME_MATCH_EXACT);
  } else if (match != "substring") {
    return Usage("--match must be substring, prefix or exact");
  }
  request.set_as_of(flags.Get("as-of", ""));
  request.set_region_prefix(flags.Get("region", ""));
  request.set_country(absl::AsciiStrToUpper(flags.Get("country", "")));
  CHAINKG_ASSIGN_OR_RETURN(int limit, Limit(flags, IsFileFormat(context)));

  v1::SearchVerticesResponse merged;
  CHAINKG_RETURN_IF_ERROR(FetchPages(
      request, limit, context,
      [&](grpc::ClientContext* call, const v1::SearchVerticesRequest& r,
          v1::SearchVerticesResponse* page) {
        return context.graph->SearchVertices(call, r, page);
      },
      [](v1::SearchVerticesResponse& r) { return r.mutable_vertices(); },
      &merged));
  std::vector<v1::Vertex> vertices(merged.vertices().begin(),
                                   merged.vertices().end());
  PrintVertices(vertices, merged, context, /*single=*/false);
  SayIfCut(merged.next_page_token(), merged.vertices_size(), context);
  return absl::OkStatus();
}

absl::Status CmdList(v1::VertexKind kind, const CommandLine& flags,
                     Context& context) {
  CHAINKG_ASSIGN_OR_RETURN(int limit, Limit(flags, IsFileFormat(context)));
  v1::ListVerticesRequest request;
  request.set_kind(kind);
  v1::ListVerticesResponse merged;
  CHAINKG_RETURN_IF_ERROR(FetchPages(
      request, limit, context,
      [&](grpc::ClientContext* call, const v1::ListVerticesRequest& r,
          v1::ListVerticesResponse* page) {
        return context.graph->ListVertices(call, r, page);
      },
      [](v1::ListVerticesResponse& r) { return r.mutable_vertices(); },
      &merged));
  std::vector<v1::Vertex> vertices(merged.vertices().begin(),
                                   merged.vertices().end());
  PrintVertices(vertices, merged, context, /*single=*/false);
  SayIfCut(merged.next_page_token(), merged.vertices_size(), context);
  return absl::OkStatus();
}

absl::Status CmdEdges(v1::VertexKind kind, const std::string& key,
                      const CommandLine& flags, Context& context) {
  v1::ListEdgesRequest request;
  request.mutable_ref()->set_kind(kind);
  request.mutable_ref()->set_key(key);
  std::string direction = flags.Get("direction", "out");
  if (direction == "in") {
    request.set_direction(v1::DIRECTION_IN);
  } else if (direction == "out") {
    request.set_direction(v1::DIRECTION_OUT);
  } else {
    return Usage("--direction must be out or in");
  }
  if (flags.Has("edge-kind")) {
    CHAINKG_ASSIGN_OR_RETURN(
        int edge_kind, ParseEnum(v1::EdgeKind_descriptor(),
                                 flags.Get("edge-kind", ""), "--edge-kind"));
    request.set_kind(static_cast<v1::EdgeKind>(edge_kind));
  }
  CHAINKG_ASSIGN_OR_RETURN(int limit, Limit(flags, IsFileFormat(context)));
  v1::ListEdgesResponse merged;
  CHAINKG_RETURN_IF_ERROR(FetchPages(
      request, limit, context,
      [&](grpc::ClientContext* call, const v1::ListEdgesRequest& r,
          v1::ListEdgesResponse* page) {
        return context.graph->ListEdges(call, r, page);
      },
      [](v1::ListEdgesResponse& r) { return r.mutable_edges(); }, &merged));
  std::vector<v1::Edge> edges(merged.edges().begin(), merged.edges().end());
  switch (context.format) {
    case Format::kJson:
      WriteJson(merged, *context.out);
      break;
    case Format::kCsv:
      WriteCsv(EdgeRows(edges, /*for_table=*/false), *context.out);
      break;
    case Format::kTable:
    case Format::kDot:  // refused before the verb runs
    case Format::kSvg:
      if (edges.empty()) {
        *context.out << "(no edges)\n";
      } else {
        WriteTable(EdgeRows(edges, /*for_table=*/true), *context.out);
      }
      break;
  }
  SayIfCut(merged.next_page_token(), merged.edges_size(), context);
  return absl::OkStatus();
}

// Splits upsert input into JSON texts of single records: a JSON array, one
// object, or one object per line. Each text is paired with its line number.
absl::StatusOr<std::vector<std::pair<int, std::string>>> SplitRecords(
    const std::string& input, absl::string_view source_name) {
  std::vector<std::pair<int, std::string>> records;
  absl::string_view trimmed = absl::StripAsciiWhitespace(input);
  if (absl::StartsWith(trimmed, "[")) {
    google::protobuf::Value value;
    auto status = google::protobuf::util::JsonStringToMessage(
        std::string(trimmed), &value);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          source_name, ": not a JSON array: ", status.message().as_string()));
    }
    for (const auto& item : value.list_value().values()) {
      std::string json;
      if (!google::protobuf::util::MessageToJsonString(item, &json).ok()) {
        return absl::InternalError("re-encoding a JSON array element failed");
      }
      records.emplace_back(0, std::move(json));
    }
    return records;
  }
  // One object spread over several lines, or one object per line: try the
  // whole text as one object first.
  google::protobuf::Value whole;
  if (google::protobuf::util::JsonStringToMessage(std::string(trimmed), &whole)
          .ok() &&
      whole.has_struct_value()) {
    records.emplace_back(0, std::string(trimmed));
    return records;
  }
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(input, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    records.emplace_back(line_number, std::string(line));
  }
  return records;
}

absl::StatusOr<std::string> ReadInput(const CommandLine& flags,
                                      Context& context, std::string* name) {
  std::stringstream buffer;
  if (flags.Has("file")) {
    *name = flags.Get("file", "");
    std::ifstream file(*name, std::ios::binary);
    if (!file) {
      return absl::NotFoundError(absl::StrCat(*name, ": cannot open"));
    }
    buffer << file.rdbuf();
  } else {
    *name = "stdin";
    buffer << context.in->rdbuf();
  }
  return buffer.str();
}

template <typename Message>
absl::Status ParseRecord(const std::pair<int, std::string>& record,
                         size_t index, absl::string_view source_name,
                         Message* message) {
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(record.second,
                                                            message, options);
  if (!status.ok()) {
    std::string where = record.first > 0
                            ? absl::StrCat(source_name, ":", record.first)
                            : absl::StrCat(source_name, " record ", index + 1);
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", status.message().as_string()));
  }
  return absl::OkStatus();
}

absl::Status CmdUpsert(const std::string& what, const CommandLine& flags,
                       Context& context) {
  std::string source_name;
  CHAINKG_ASSIGN_OR_RETURN(std::string input,
                           ReadInput(flags, context, &source_name));
  CHAINKG_ASSIGN_OR_RETURN(auto records, SplitRecords(input, source_name));
  if (records.empty()) return Usage(absl::StrCat(source_name, ": no records"));
  auto call = CallContext(context);
  if (what == "edge") {
    v1::UpsertEdgesRequest request;
    for (size_t i = 0; i < records.size(); ++i) {
      CHAINKG_RETURN_IF_ERROR(
          ParseRecord(records[i], i, source_name, request.add_edges()));
    }
    v1::UpsertEdgesResponse response;
    CHAINKG_RETURN_IF_ERROR(FromRpc(
        context.graph->UpsertEdges(call.get(), request, &response), context));
    if (context.format == Format::kJson) {
      WriteJson(response, *context.out);
    } else {
      *context.out << "edges: created " << response.created() << ", updated "
                   << response.updated() << ", unchanged "
                   << response.unchanged() << " (sequence "
                   << response.sequence() << ")\n";
    }
    return absl::OkStatus();
  }
  CHAINKG_ASSIGN_OR_RETURN(v1::VertexKind kind, ParseKind(what));
  v1::UpsertVerticesRequest request;
  request.set_mode(flags.Has("replace") ? v1::UPSERT_MODE_REPLACE
                                        : v1::UPSERT_MODE_MERGE);
  const auto* record_field = v1::Vertex::descriptor()->FindFieldByNumber(kind);
  for (size_t i = 0; i < records.size(); ++i) {
    v1::Vertex* vertex = request.add_vertices();
    google::protobuf::Message* record =
        vertex->GetReflection()->MutableMessage(vertex, record_field);
    CHAINKG_RETURN_IF_ERROR(ParseRecord(records[i], i, source_name, record));
  }
  v1::UpsertVerticesResponse response;
  CHAINKG_RETURN_IF_ERROR(FromRpc(
      context.graph->UpsertVertices(call.get(), request, &response), context));
  for (const std::string& warning : response.warnings()) {
    *context.err << "warning: " << warning << "\n";
  }
  if (context.format == Format::kJson) {
    WriteJson(response, *context.out);
  } else {
    *context.out << record_field->name() << ": created " << response.created()
                 << ", updated " << response.updated() << ", unchanged "
                 << response.unchanged() << " (sequence " << response.sequence()
                 << ")\n";
  }
  return absl::OkStatus();
}

absl::Status CmdDelete(v1::VertexKind kind,
                       const std::vector<std::string>& keys, Context& context) {
  v1::DeleteVerticesRequest request;
  for (const std::string& key : keys) {
    v1::VertexRef* ref = request.add_refs();
    ref->set_kind(kind);
    ref->set_key(key);
  }
  v1::DeleteVerticesResponse response;
  auto call = CallContext(context);
  CHAINKG_RETURN_IF_ERROR(FromRpc(
      context.graph->DeleteVertices(call.get(), request, &response), context));
  if (context.format == Format::kJson) {
    WriteJson(response, *context.out);
  } else {
    *context.out << "deleted " << response.deleted() << " vertices and "
                 << response.edges_deleted() << " edges (sequence "
                 << response.sequence() << ")\n";
  }
  return absl::OkStatus();
}

absl::Status CmdDemo(const CommandLine& flags, Context& context) {
  const std::vector<std::string>& args = flags.positional();
  if (args.size() != 2 || args[1] != "generate" || !flags.Has("out")) {
    return Usage(
        "usage: chainkg demo generate --out DIR [--scale S] [--seed N]");
  }
  loaders::DemoOptions options;
  options.out_dir = flags.Get("out", "");
  CHAINKG_ASSIGN_OR_RETURN(options.scale,
                           loaders::ParseDemoScale(flags.Get("scale", "city")));
  CHAINKG_ASSIGN_OR_RETURN(long long seed, flags.GetInt("seed", 1));
  options.seed = static_cast<uint64_t>(seed);
  absl::Time start = absl::Now();
  CHAINKG_ASSIGN_OR_RETURN(loaders::DemoSummary summary,
                           loaders::GenerateDemo(options));
  *context.out << "wrote " << options.out_dir << " ("
               << loaders::DemoScaleName(options.scale) << ", seed "
               << options.seed << ") in "
               << absl::FormatDuration(absl::Now() - start) << ": "
               << summary.firms << " firms, " << summary.credentials
               << " credentials, " << summary.products << " products, "
               << summary.chains << " chains, "
               << summary.edges + summary.chain_products
               << " edges\nload it with: chainkg load " << options.out_dir
               << "  (or chainkg-import --db DIR " << options.out_dir << ")\n";
  return absl::OkStatus();
}

absl::Status CmdCritical(const CommandLine& flags, Context& context) {
  if (!flags.Has("firm")) {
    return Usage(
        "usage: chainkg critical --firm KEY [--mode observed|capability]");
  }
  v1::CriticalSuppliersRequest request;
  request.set_firm_key(flags.Get("firm", ""));
  std::string mode = flags.Get("mode", "observed");
  CHAINKG_ASSIGN_OR_RETURN(v1::SupplyMode supply_mode, ParseSupplyMode(mode));
  request.set_mode(supply_mode);
  request.set_supplier_country(absl::AsciiStrToUpper(flags.Get("country", "")));
  request.set_supplier_region_prefix(flags.Get("region", ""));
  CHAINKG_ASSIGN_OR_RETURN(uint64_t min_sequence, MinSequence(flags));
  request.set_min_sequence(min_sequence);
  v1::CriticalSuppliersResponse response;
  auto call = CallContext(context);
  CHAINKG_RETURN_IF_ERROR(FromRpc(
      context.analysis->CriticalSuppliers(call.get(), request, &response),
      context));
  if (context.format == Format::kJson) {
    WriteJson(response, *context.out);
    return absl::OkStatus();
  }
  Rows rows;
  rows.header = {"product", "works",  "critical_key", "critical_name",
                 "country", "region", "region_name"};
  for (const v1::LineCriticality& line : response.lines()) {
    std::string product =
        absl::StrCat(line.product_name(), " (", line.product_key(), ")");
    if (!line.works()) {
      rows.cells.push_back({product,
                            absl::StrCat("no: no working supplier of ",
                                         NamesText(line.unsupplied_inputs())),
                            "", "", "", "", ""});
      continue;
    }
    if (line.critical_firms().empty()) {
      rows.cells.push_back({product, "yes", "(none)", "", "", "", ""});
    }
    for (const v1::FirmSummary& firm : line.critical_firms()) {
      rows.cells.push_back({product, "yes", firm.key(), firm.name(),
                            firm.country(), firm.region_code(),
                            firm.region_name()});
    }
  }
  if (context.format == Format::kCsv) {
    WriteCsv(rows, *context.out);
    return absl::OkStatus();
  }
  *context.out << "critical suppliers of " << response.firm().name() << " ("
               << response.firm().key() << "), " << mode << " mode, "
               << ViewText(response.sequence(), response.freshness()) << "\n";
  WriteTable(rows, *context.out);
  Rows inputs;
  inputs.header = {"product", "input", "working_firms", "working_lines",
                   "self_supplied"};
  for (const v1::LineCriticality& line : response.lines()) {
    for (const v1::InputSupply& input : line.inputs()) {
      inputs.cells.push_back(
          {line.product_key(),
           absl::StrCat(input.product_name(), " (", input.product_key(), ")"),
           absl::StrCat(input.working_firms()),
           absl::StrCat(input.working_lines()),
           input.self_supplied() ? "yes" : ""});
    }
  }
  if (!inputs.cells.empty()) {
    *context.out << "\nredundancy of each essential input:\n";
    WriteTable(inputs, *context.out);
  }
  auto names = [](const auto& firms) {
    std::vector<std::string> out;
    for (const v1::FirmSummary& firm : firms) {
      out.push_back(absl::StrCat(firm.name(), " (", firm.key(), ")"));
    }
    return out.empty() ? std::string("none") : absl::StrJoin(out, ", ");
  };
  *context.out << "\nclassic measures of the plain supply graph ("
               << response.cone_firms()
               << " firms upstream; they ignore that inputs are needed "
                  "together):\n  dominators: "
               << names(response.dominators()) << "\n  articulation points: "
               << names(response.articulation_points()) << "\n";
  return absl::OkStatus();
}

absl::Status CmdSubstitutes(const CommandLine& flags, Context& context) {
  if (!flags.Has("firm") || !flags.Has("product")) {
    return Usage("usage: chainkg substitutes --firm KEY --product KEY");
  }
  v1::SubstitutesRequest request;
  request.set_firm_key(flags.Get("firm", ""));
  request.set_product_key(flags.Get("product", ""));
  request.set_as_of(flags.Get("as-of", ""));
  CHAINKG_ASSIGN_OR_RETURN(long long limit, flags.GetInt("limit", 20));
  if (limit < 1 || limit > 1000) return Usage("--limit must be within 1..1000");
  request.set_max_results(static_cast<int>(limit));
  request.set_lang(flags.Get("lang", ""));
  CHAINKG_ASSIGN_OR_RETURN(uint64_t min_sequence, MinSequence(flags));
  request.set_min_sequence(min_sequence);
  v1::SubstitutesResponse response;
  auto call = CallContext(context);
  CHAINKG_RETURN_IF_ERROR(FromRpc(
      context.analysis->Substitutes(call.get(), request, &response), context));
  if (context.format == Format::kJson) {
    WriteJson(response, *context.out);
    return absl::OkStatus();
  }
  Rows rows;
  rows.header = {"#",      "key",         "name",  "country",
                 "region", "region_name", "reason"};
  int rank = 0;
  for (const v1::SubstituteFirm& s : response.substitutes()) {
    rows.cells.push_back({absl::StrCat(++rank), s.firm().key(), s.firm().name(),
                          s.firm().country(), s.firm().region_code(),
                          s.firm().region_name(), s.reason()});
  }
  if (context.format == Format::kCsv) {
    WriteCsv(rows, *context.out);
    return absl::OkStatus();
  }
  *context.out << "substitutes for " << response.product_name() << " ("
               << response.product_key() << ") at " << response.firm().name()
               << " (" << response.firm().key() << "), "
               << ViewText(response.sequence(), response.freshness()) << "\n";
  if (response.makes_it()) {
    *context.out << "the firm makes it itself (vertical integration)\n";
  } else if (!response.uses_it()) {
    *context.out << "note: the firm records no use of this product\n";
  }
  std::vector<std::string> current;
  for (const v1::FirmSummary& firm : response.current_suppliers()) {
    current.push_back(absl::StrCat(firm.name(), " (", firm.key(), ")"));
  }
  *context.out << "current suppliers: "
               << (current.empty() ? "none recorded"
                                   : absl::StrJoin(current, ", "))
               << "\n"
               << response.total() << " other makers"
               << (response.total() > response.substitutes_size()
                       ? absl::StrCat(", best ", response.substitutes_size(),
                                      " listed")
                       : "")
               << "\n";
  if (!rows.cells.empty()) WriteTable(rows, *context.out);
  return absl::OkStatus();
}

absl::Status CmdAdmin(const CommandLine& flags, Context& context) {
  const std::vector<std::string>& args = flags.positional();
  if (args.size() == 3 && args[1] == "checkpoint") {
    v1::CheckpointRequest request;
    request.set_name(args[2]);
    v1::CheckpointResponse response;
    auto call = CallContext(context);
    CHAINKG_RETURN_IF_ERROR(FromRpc(
        context.admin->Checkpoint(call.get(), request, &response), context));
    if (context.format == Format::kJson) {
      WriteJson(response, *context.out);
    } else {
      *context.out << "checkpoint written to " << response.path()
                   << " (sequence " << response.sequence() << ", "
                   << response.bytes()
                   << " bytes); restore: stop the server, then start it with "
                      "--db on a copy of that directory\n";
    }
    return absl::OkStatus();
  }
  if (args.size() == 2 && args[1] == "verify") {
    v1::VerifyChecksumsRequest request;
    v1::VerifyChecksumsResponse response;
    auto call = CallContext(context);
    CHAINKG_RETURN_IF_ERROR(
        FromRpc(context.admin->VerifyChecksums(call.get(), request, &response),
                context));
    *context.out << "checksums verified: every table file is intact\n";
    return absl::OkStatus();
  }
  if (args.size() == 2 && args[1] == "audit") {
    v1::ListAuditRequest request;
    CHAINKG_ASSIGN_OR_RETURN(int limit, Limit(flags, IsFileFormat(context)));
    request.set_limit(std::min(limit == 0 ? 10000 : limit, 10000));
    v1::ListAuditResponse response;
    auto call = CallContext(context);
    CHAINKG_RETURN_IF_ERROR(FromRpc(
        context.admin->ListAudit(call.get(), request, &response), context));
    if (context.format == Format::kJson) {
      WriteJson(response, *context.out);
      return absl::OkStatus();
    }
    Rows rows;
    rows.header = {"time",    "principal", "rpc",      "records", "created",
                   "updated", "deleted",   "rejected", "peer",    "sequence"};
    for (const v1::AuditRecord& r : response.records()) {
      rows.cells.push_back(
          {r.time(), r.principal(), r.rpc(), absl::StrCat(r.records()),
           absl::StrCat(r.created()), absl::StrCat(r.updated()),
           absl::StrCat(r.deleted()), absl::StrCat(r.rejected()), r.peer(),
           absl::StrCat(r.sequence())});
    }
    if (context.format == Format::kCsv) {
      WriteCsv(rows, *context.out);
    } else {
      WriteTable(rows, *context.out);
    }
    return absl::OkStatus();
  }
  return Usage(
      "usage: chainkg admin checkpoint NAME | verify | audit [--limit N]");
}

absl::Status CmdImpact(const CommandLine& flags, Context& context) {
  v1::ImpactRequest request;
  for (const std::string& key : flags.GetAll("remove-firm")) {
    request.add_remove_firm_keys(key);
  }
  request.set_remove_region_prefix(flags.Get("remove-region", ""));
  request.set_remove_country(
      absl::AsciiStrToUpper(flags.Get("remove-country", "")));
  std::string mode = flags.Get("mode", "observed");
  CHAINKG_ASSIGN_OR_RETURN(v1::SupplyMode supply_mode, ParseSupplyMode(mode));
  request.set_mode(supply_mode);
  CHAINKG_ASSIGN_OR_RETURN(int limit, Limit(flags, IsFileFormat(context)));
  request.set_max_rows(limit == 0 ? 1000000 : limit);
  CHAINKG_ASSIGN_OR_RETURN(uint64_t min_sequence, MinSequence(flags));
  request.set_min_sequence(min_sequence);
  v1::ImpactResponse response;
  auto call = CallContext(context);
  CHAINKG_RETURN_IF_ERROR(FromRpc(
      context.analysis->Impact(call.get(), request, &response), context));
  if (context.format == Format::kJson) {
    WriteJson(response, *context.out);
    return absl::OkStatus();
  }
  Rows firms;
  firms.header = {"depth", "key", "name", "country", "region", "region_name"};
  for (const v1::FirmHit& hit : response.firms_hit()) {
    firms.cells.push_back({absl::StrCat(hit.depth()), hit.firm().key(),
                           hit.firm().name(), hit.firm().country(),
                           hit.firm().region_code(), hit.firm().region_name()});
  }
  if (context.format == Format::kCsv) {
    WriteCsv(firms, *context.out);
    return absl::OkStatus();
  }
  *context.out << "removed " << response.firms_removed() << " firms (" << mode
               << " mode, "
               << ViewText(response.sequence(), response.freshness())
               << "): " << response.lines_stopped()
               << " production lines stop, " << response.firms_hit_count()
               << " more firms hit, depth " << response.max_depth() << "\n";
  if (!response.hit_chains().empty()) {
    *context.out << "chains hit: " << NamesText(response.hit_chains()) << "\n";
  }
  if (!response.leaders_hit().empty()) {
    std::vector<std::string> leaders;
    for (const v1::FirmSummary& leader : response.leaders_hit()) {
      leaders.push_back(absl::StrCat(leader.name(), " (", leader.key(), ")"));
    }
    *context.out << "chain leaders hit: " << absl::StrJoin(leaders, ", ")
                 << "\n";
  }
  if (!response.lost_products().empty()) {
    *context.out << "products no longer made: "
                 << NamesText(response.lost_products()) << "\n";
  }
  if (!response.firms_hit_by_tier().empty()) {
    std::vector<std::string> tiers;
    for (const v1::CredentialCount& tier : response.firms_hit_by_tier()) {
      tiers.push_back(tier.kind() == v1::CREDENTIAL_KIND_UNSPECIFIED
                          ? absl::StrCat("no credential ", tier.firms())
                          : absl::StrCat(LevelLabel(tier.level()), " ",
                                         CredentialLabel(tier.kind()), " ",
                                         tier.firms()));
    }
    *context.out << "firms hit by tier: " << absl::StrJoin(tiers, ", ") << "\n";
  }
  if (!firms.cells.empty()) {
    *context.out << "\n";
    WriteTable(firms, *context.out);
  }
  return absl::OkStatus();
}

absl::Status CmdStats(const CommandLine& flags, Context& context) {
  v1::StatsRequest request;
  request.set_region_prefix(flags.Get("region", ""));
  request.set_as_of(flags.Get("as-of", ""));
  CHAINKG_ASSIGN_OR_RETURN(uint64_t min_sequence, MinSequence(flags));
  request.set_min_sequence(min_sequence);
  v1::StatsResponse response;
  auto call = CallContext(context);
  CHAINKG_RETURN_IF_ERROR(FromRpc(
      context.analysis->Stats(call.get(), request, &response), context));
  if (context.format == Format::kJson) {
    WriteJson(response, *context.out);
    return absl::OkStatus();
  }
  Rows credentials;
  credentials.header = {"credential", "level", "firms"};
  for (const v1::CredentialCount& count : response.credentials()) {
    credentials.cells.push_back({CredentialLabel(count.kind()),
                                 LevelLabel(count.level()),
                                 absl::StrCat(count.firms())});
  }
  Rows chains;
  chains.header = {
      "chain",  "name", "products", "made_in_region", "producers_in_region",
      "leaders"};
  for (const v1::ChainStats& chain : response.chains()) {
    chains.cells.push_back(
        {chain.chain_key(), chain.name(), absl::StrCat(chain.products()),
         absl::StrCat(chain.products_made_in_region()),
         absl::StrCat(chain.producers_in_region()), LeadersText(chain)});
  }
  Rows regions;
  regions.header = {"region", "region_name", "firms"};
  for (const v1::RegionCount& count : response.regions()) {
    regions.cells.push_back({count.region_code(), count.region_name(),
                             absl::StrCat(count.firms())});
  }
  if (context.format == Format::kCsv) {
    WriteCsvTables({{"credentials", &credentials},
                    {"chains", &chains},
                    {"regions", &regions}},
                   *context.out);
    return absl::OkStatus();
  }
  *context.out << "region "
               << (response.region_prefix().empty()
                       ? std::string("(all)")
                       : absl::StrCat(response.region_prefix(), " ",
                                      response.region_name()))
               << ", as of "
               << (response.as_of().empty() ? "(any date, not revoked)"
                                            : response.as_of())
               << ": " << response.firms() << " firms\n\n";
  WriteTable(credentials, *context.out);
  *context.out << "\n";
  WriteTable(chains, *context.out);
  *context.out << "\n";
  WriteTable(regions, *context.out);
  return absl::OkStatus();
}

}  // namespace

std::vector<FlagSpec> CommandFlags() {
  return {
      {"server"},
      {"format"},
      {"timeout-ms"},
      {"credential"},
      {"level"},
      {"region"},
      {"country"},
      {"as-of"},
      {"match"},
      {"limit"},
      {"file"},
      {"replace", false},
      {"direction"},
      {"edge-kind"},
      {"help", false},
      {"as"},
      {"strict", false},
      {"batch-size"},
      {"out"},
      {"scale"},
      {"seed"},
      {"firm"},
      {"mode"},
      {"remove-firm"},
      {"remove-region"},
      {"remove-country"},
      {"chain"},
      {"home-country"},
      {"hhi"},
      {"outside-share"},
      {"candidates"},
      {"product"},
      {"lang"},
      {"depth"},
      {"paths", false},
      {"encoding"},
      {"max-visited"},
      {"kind"},
      {"undirected", false},
      {"token"},
      {"tls-ca"},
      {"tls-cert"},
      {"tls-key"},
      {"min-sequence"},
  };
}

absl::Status RunCommand(const CommandLine& command_line, Context& context) {
  const std::vector<std::string>& args = command_line.positional();
  if (args.empty()) return Usage("no verb given");
  const std::string& verb = args[0];
  if ((context.format == Format::kDot || context.format == Format::kSvg) &&
      verb != "gaps") {
    return Usage("--format dot and svg are for chainkg gaps");
  }
  auto need = [&](size_t count, absl::string_view form) -> absl::Status {
    if (args.size() < count)
      return Usage(absl::StrCat("usage: chainkg ", form));
    return absl::OkStatus();
  };
  if (verb == "firm") {
    CHAINKG_RETURN_IF_ERROR(need(2, "firm get KEY | firm search [TEXT]"));
    if (args[1] == "get") {
      CHAINKG_RETURN_IF_ERROR(need(3, "firm get KEY"));
      return CmdGet(v1::VERTEX_KIND_FIRM, args[2], context);
    }
    if (args[1] == "search") {
      return CmdSearch(v1::VERTEX_KIND_FIRM, args.size() > 2 ? args[2] : "",
                       command_line, context);
    }
    return Usage(absl::StrCat("unknown firm verb \"", args[1], "\""));
  }
  if (verb == "get") {
    CHAINKG_RETURN_IF_ERROR(need(3, "get KIND KEY"));
    CHAINKG_ASSIGN_OR_RETURN(v1::VertexKind kind, ParseKind(args[1]));
    return CmdGet(kind, args[2], context);
  }
  if (verb == "search") {
    CHAINKG_RETURN_IF_ERROR(need(2, "search KIND [TEXT]"));
    CHAINKG_ASSIGN_OR_RETURN(v1::VertexKind kind, ParseKind(args[1]));
    return CmdSearch(kind, args.size() > 2 ? args[2] : "", command_line,
                     context);
  }
  if (verb == "list") {
    CHAINKG_RETURN_IF_ERROR(need(2, "list KIND"));
    CHAINKG_ASSIGN_OR_RETURN(v1::VertexKind kind, ParseKind(args[1]));
    return CmdList(kind, command_line, context);
  }
  if (verb == "edges") {
    CHAINKG_RETURN_IF_ERROR(need(3, "edges KIND KEY"));
    CHAINKG_ASSIGN_OR_RETURN(v1::VertexKind kind, ParseKind(args[1]));
    return CmdEdges(kind, args[2], command_line, context);
  }
  if (verb == "upsert") {
    CHAINKG_RETURN_IF_ERROR(need(2, "upsert KIND|edge [--file F]"));
    return CmdUpsert(args[1], command_line, context);
  }
  if (verb == "load") return RunLoad(command_line, context);
  if (verb == "demo") return CmdDemo(command_line, context);
  if (verb == "critical") return CmdCritical(command_line, context);
  if (verb == "impact") return CmdImpact(command_line, context);
  if (verb == "admin") return CmdAdmin(command_line, context);
  if (verb == "gaps") return RunGaps(command_line, context);
  if (verb == "upstream" || verb == "downstream") {
    return RunTraverse(command_line, context);
  }
  if (verb == "path") return RunPath(command_line, context);
  if (verb == "substitutes") return CmdSubstitutes(command_line, context);
  if (verb == "stats") return CmdStats(command_line, context);
  if (verb == "delete") {
    CHAINKG_RETURN_IF_ERROR(need(3, "delete KIND KEY..."));
    CHAINKG_ASSIGN_OR_RETURN(v1::VertexKind kind, ParseKind(args[1]));
    return CmdDelete(kind, {args.begin() + 2, args.end()}, context);
  }
  return Usage(absl::StrCat("unknown verb \"", verb, "\""));
}

}  // namespace chainkg::cli
