#include "loaders/datasets/ickg_dataset.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

#include "chainkg/v1/model.pb.h"
#include "graph/store/validate.h"
#include "graph/store/vertex_record.h"
#include "util/codes.h"
#include "util/status_macros.h"

namespace chainkg::loaders {
namespace {

constexpr char kDatasetName[] = "ICKG";

// Read in this order: on equal dates the first part's quadruple is kept.
const char* const kParts[] = {"ICKG25", "ICKG-subset"};
const char* const kSplits[] = {"train.txt", "valid.txt", "test.txt"};

v1::Source SourceAt(const std::string& file, int64_t line) {
  v1::Source source;
  source.set_dataset(kDatasetName);
  source.set_file(file);
  source.set_line(line);
  return source;
}

std::string Where(const std::string& file, int64_t line) {
  return absl::StrCat(file, ":", line);
}

std::string EdgeKindName(v1::EdgeKind kind) {
  return v1::EdgeKind_Name(kind).substr(std::string("EDGE_KIND_").size());
}

// ---------------------------------------------------------------------------
// Reading lines
// ---------------------------------------------------------------------------

// Calls on_line for every non-blank line of dir/file with its 1-based line
// number; on_line returns whether the line had the expected shape.
// NOT_FOUND / UNAVAILABLE when the file cannot be opened or read; DATA_LOSS
// when it has lines but none has the expected shape.
absl::Status ForEachLine(
    const std::string& dir, const std::string& file,
    const std::function<bool(int64_t, absl::string_view)>& on_line) {
  std::string path = absl::StrCat(dir, "/", file);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    return absl::UnavailableError(absl::StrCat(path, ": cannot open"));
  }
  int64_t line_number = 0;
  int64_t nonblank = 0;
  int64_t good = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    absl::string_view text = absl::StripTrailingAsciiWhitespace(line);
    if (absl::StripAsciiWhitespace(text).empty()) continue;
    ++nonblank;
    if (on_line(line_number, text)) ++good;
  }
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat(path, ": read error"));
  }
  if (nonblank > 0 && good == 0) {
    return absl::DataLossError(
        absl::StrCat(file, ": no line has the expected shape"));
  }
  return absl::OkStatus();
}

// Splits "name<sep>id" at the last (entity2id, relation2id) or first
// (time2id: "id,date") separator.
bool SplitNameId(absl::string_view text, char separator, bool id_first,
                 std::string* name, int64_t* id) {
  size_t at = id_first ? text.find(separator) : text.rfind(separator);
  if (at == absl::string_view::npos) return false;
  absl::string_view id_text =
      id_first ? text.substr(0, at) : text.substr(at + 1);
  absl::string_view name_text =
      id_first ? text.substr(at + 1) : text.substr(0, at);
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(id_text), id)) {
    return false;
  }
  *name = std::string(absl::StripAsciiWhitespace(name_text));
  return !name->empty();
}

// ---------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------

// Sends records to the sink, one ParsedRow each, after graph::
// CanonicalizeVertex / CanonicalizeEdge. Remembers the vertices it sent, so
// that an edge naming any other vertex is a defect rather than a dangling
// edge, and the edges, so that an identity goes out once. Counts records per
// kind in the report. Borrows sink and report for its lifetime. Not
// thread-safe.
class RecordSender {
 public:
  RecordSender(const RowSink& sink, DatasetReport* report)
      : sink_(sink), report_(report) {}

  RecordSender(const RecordSender&) = delete;
  RecordSender& operator=(const RecordSender&) = delete;

  // A vertex the validation rejects is a defect and is not sent. Errors:
  // those of the sink; INTERNAL after the first edge (our bug).
  absl::Status SendVertex(v1::Vertex vertex, const v1::Source& source) {
    if (edges_started_) {
      return absl::InternalError("vertex sent after the first edge");
    }
    absl::StatusOr<std::vector<std::string>> checked =
        graph::CanonicalizeVertex(&vertex);
    std::string kind(graph::KindName(graph::KindOf(vertex)));
    if (!checked.ok()) {
      report_->defects.Add(
          absl::StrCat(kind, " rejected by validation (skipped)"),
          absl::StrCat(Where(source.file(), source.line()), " ",
                       checked.status().message()));
      return absl::OkStatus();
    }
    vertices_.emplace(graph::KindOf(vertex), graph::KeyOf(vertex));
    ParsedRow row;
    row.line = source.line();
    row.vertices.push_back(std::move(vertex));
    CHAINKG_RETURN_IF_ERROR(sink_(std::move(row)));
    ++report_->records[kind];
    return absl::OkStatus();
  }

  // Sends edge unless the validation rejects it, it names a vertex that was
  // not sent, or an edge with its identity was sent already: each a defect.
  absl::Status SendEdge(v1::Edge edge) {
    edges_started_ = true;
    std::string where = Where(edge.source().file(), edge.source().line());
    std::string kind = EdgeKindName(edge.kind());
    absl::Status checked = graph::CanonicalizeEdge(&edge);
    if (!checked.ok()) {
      report_->defects.Add(
          absl::StrCat(kind, " rejected by validation (skipped)"),
          absl::StrCat(where, " ", checked.message()));
      return absl::OkStatus();
    }
    for (const v1::VertexRef* ref : {&edge.from(), &edge.to()}) {
      if (vertices_.count({ref->kind(), ref->key()}) == 0) {
        report_->defects.Add(
            absl::StrCat(kind, " names a vertex that was not loaded (skipped)"),
            absl::StrCat(where, " ", ref->key()));
        return absl::OkStatus();
      }
    }
    std::string identity =
        absl::StrCat(edge.kind(), "\x1f", edge.from().kind(), "\x1f",
                     edge.from().key(), "\x1f", edge.to().kind(), "\x1f",
                     edge.to().key(), "\x1f", edge.supplies().product_key());
    if (!edges_.insert(identity).second) {
      report_->defects.Add(absl::StrCat("duplicate ", kind, " edge (skipped)"),
                           where);
      return absl::OkStatus();
    }
    ParsedRow row;
    row.line = edge.source().line();
    row.edges.push_back(std::move(edge));
    CHAINKG_RETURN_IF_ERROR(sink_(std::move(row)));
    ++report_->records[kind];
    return absl::OkStatus();
  }

 private:
  const RowSink& sink_;
  DatasetReport* report_;
  std::set<std::pair<int, std::string>> vertices_;
  std::set<std::string> edges_;
  bool edges_started_ = false;
};

// ---------------------------------------------------------------------------
// The dataset
// ---------------------------------------------------------------------------

// How a relation becomes an edge. from_tail: the edge runs tail -> head.
struct EdgeRule {
  v1::EdgeKind kind;
  v1::VertexKind from_kind;
  v1::VertexKind to_kind;
  bool from_tail;
};

const std::map<std::string, EdgeRule>& EdgeRules() {
  static const auto* rules = new std::map<std::string, EdgeRule>{
      {"涉足行业",
       {v1::EDGE_KIND_IN_INDUSTRY, v1::VERTEX_KIND_FIRM,
        v1::VERTEX_KIND_INDUSTRY, false}},
      {"归属于行业",
       {v1::EDGE_KIND_IN_INDUSTRY, v1::VERTEX_KIND_FIRM,
        v1::VERTEX_KIND_INDUSTRY, false}},
      {"包含",
       {v1::EDGE_KIND_SUBINDUSTRY_OF, v1::VERTEX_KIND_INDUSTRY,
        v1::VERTEX_KIND_INDUSTRY, true}},
      {"供给",
       {v1::EDGE_KIND_SUPPLIES, v1::VERTEX_KIND_FIRM, v1::VERTEX_KIND_FIRM,
        false}},
      {"基于专利生产",
       {v1::EDGE_KIND_PRODUCES, v1::VERTEX_KIND_FIRM, v1::VERTEX_KIND_PRODUCT,
        false}},
  };
  return *rules;
}

// An entity as a vertex: its kind and its name.
using Entity = std::pair<v1::VertexKind, std::string>;

// One fact: the earliest quadruple stating it.
struct Fact {
  v1::EdgeKind kind = v1::EDGE_KIND_UNSPECIFIED;
  Entity from;
  Entity to;
  std::string date;  // "" when the time was not a date
  v1::Source source;
};

// What the two parts hold, merged by name.
struct Collected {
  // The first entity2id.txt line of each name.
  std::map<std::string, v1::Source> entity_source;
  // Facts in the order first stated, and their index by identity.
  std::vector<Fact> facts;
  std::map<std::tuple<int, std::string, std::string>, size_t> fact_index;
};

std::string VertexKeyOf(const Entity& entity) {
  return entity.first == v1::VERTEX_KIND_FIRM
             ? absl::StrCat("EXT:", entity.second)
             : entity.second;
}

// The ids of one part.
struct PartIds {
  std::map<int64_t, std::string> entities;
  std::map<int64_t, std::string> relations;
  std::map<int64_t, std::string> times;
};

absl::Status ReadIds(const std::string& dir, const std::string& part,
                     PartIds* ids, Collected* collected,
                     DefectCounter* defects) {
  struct IdFile {
    const char* name;
    char separator;
    bool id_first;
    std::map<int64_t, std::string>* out;
  };
  for (const IdFile& id_file :
       {IdFile{"entity2id.txt", '\t', false, &ids->entities},
        IdFile{"relation2id.txt", '\t', false, &ids->relations},
        IdFile{"time2id.txt", ',', true, &ids->times}}) {
    std::string file = absl::StrCat(part, "/", id_file.name);
    bool entities = id_file.out == &ids->entities;
    std::set<std::string> names;
    CHAINKG_RETURN_IF_ERROR(
        ForEachLine(dir, file, [&](int64_t line, absl::string_view text) {
          std::string name;
          int64_t id = 0;
          if (!SplitNameId(text, id_file.separator, id_file.id_first, &name,
                           &id)) {
            defects->Add(absl::StrCat(file, ": malformed line (skipped)"),
                         Where(file, line));
            return false;
          }
          if (!id_file.out->emplace(id, name).second) {
            defects->Add(absl::StrCat(file, ": id listed twice (first kept)"),
                         Where(file, line));
            return true;
          }
          if (entities) {
            // ICKG25 lists 177 names under two ids; facts are merged by
            // name, as a reader would.
            if (!names.insert(name).second) {
              defects->Add(absl::StrCat(file,
                                        ": name listed under several ids "
                                        "(merged)"),
                           absl::StrCat(Where(file, line), " ", name));
            }
            collected->entity_source.emplace(name, SourceAt(file, line));
          }
          return true;
        }));
  }

  // stat.txt: "<entities> <relations> <times>", checked against the files.
  std::string stat_file = absl::StrCat(part, "/stat.txt");
  std::vector<int64_t> stated;
  CHAINKG_RETURN_IF_ERROR(
      ForEachLine(dir, stat_file, [&](int64_t, absl::string_view text) {
        for (absl::string_view field :
             absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
          int64_t value = 0;
          if (!absl::SimpleAtoi(field, &value)) return false;
          stated.push_back(value);
        }
        return true;
      }));
  if (stated.size() != 3) {
    defects->Add(absl::StrCat(stat_file, ": not three counts"), stat_file);
    return absl::OkStatus();
  }
  const std::pair<const char*, size_t> actual[] = {
      {"entity2id.txt", ids->entities.size()},
      {"relation2id.txt", ids->relations.size()},
      {"time2id.txt", ids->times.size()}};
  for (int i = 0; i < 3; ++i) {
    if (stated[i] != static_cast<int64_t>(actual[i].second)) {
      defects->Add(
          absl::StrCat(stat_file, ": count disagrees with ", actual[i].first),
          absl::StrCat(stat_file, " says ", stated[i], ", ", actual[i].first,
                       " has ", actual[i].second));
    }
  }
  return absl::OkStatus();
}

// Reads the quadruples of one split into collected->facts.
absl::Status ReadQuadruples(const std::string& dir, const std::string& file,
                            const PartIds& ids, Collected* collected,
                            DefectCounter* defects) {
  return ForEachLine(dir, file, [&](int64_t line, absl::string_view text) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    int64_t number[4] = {0, 0, 0, 0};
    bool shaped = fields.size() == 4;
    for (size_t i = 0; shaped && i < 4; ++i) {
      shaped = absl::SimpleAtoi(fields[i], &number[i]);
    }
    if (!shaped) {
      defects->Add("quadruple line is not four ids (skipped)",
                   Where(file, line));
      return false;
    }
    auto head = ids.entities.find(number[0]);
    auto relation = ids.relations.find(number[1]);
    auto tail = ids.entities.find(number[2]);
    auto time = ids.times.find(number[3]);
    if (head == ids.entities.end() || relation == ids.relations.end() ||
        tail == ids.entities.end() || time == ids.times.end()) {
      defects->Add("quadruple names an unknown id (skipped)",
                   Where(file, line));
      return true;
    }
    std::string where = absl::StrCat(Where(file, line), " ", head->second, " ",
                                     relation->second, " ", tail->second);
    auto rule = EdgeRules().find(relation->second);
    if (rule == EdgeRules().end()) {
      defects->Add(absl::StrCat("relation ", relation->second,
                                " has no edge kind (skipped)"),
                   where);
      return true;
    }
    if (head->second == tail->second) {
      defects->Add(absl::StrCat("relation ", relation->second,
                                " from an entity to itself (skipped)"),
                   where);
      return true;
    }
    std::string date = time->second;
    if (!ValidateDate(date).ok()) {
      defects->Add("time is not a date (fact kept undated)",
                   absl::StrCat(where, " ", date));
      date.clear();
    }
    const EdgeRule& edge_rule = rule->second;
    const std::string& from = edge_rule.from_tail ? tail->second : head->second;
    const std::string& to = edge_rule.from_tail ? head->second : tail->second;
    Fact fact;
    fact.kind = edge_rule.kind;
    fact.from = {edge_rule.from_kind, from};
    fact.to = {edge_rule.to_kind, to};
    fact.date = date;
    fact.source = SourceAt(file, line);
    fact.source.set_observed_on(date);
    // Endpoint kinds follow from the edge kind, so kind and names identify
    // the fact.
    auto [it, added] = collected->fact_index.emplace(
        std::make_tuple(static_cast<int>(fact.kind), from, to),
        collected->facts.size());
    if (added) {
      collected->facts.push_back(std::move(fact));
      return true;
    }
    Fact& kept = collected->facts[it->second];
    defects->Add("fact stated more than once (earliest date kept)",
                 absl::StrCat(where, " ", time->second, " (also ",
                              Where(kept.source.file(), kept.source.line()),
                              " ", kept.date, ")"));
    if (!fact.date.empty() && (kept.date.empty() || fact.date < kept.date)) {
      kept.date = fact.date;
      kept.source = fact.source;
    }
    return true;
  });
}

v1::Vertex VertexOf(const Entity& entity) {
  v1::Vertex vertex;
  switch (entity.first) {
    case v1::VERTEX_KIND_FIRM: {
      v1::Firm* firm = vertex.mutable_firm();
      firm->set_key(VertexKeyOf(entity));
      firm->set_name(entity.second);
      firm->set_country("CN");
      break;
    }
    case v1::VERTEX_KIND_INDUSTRY: {
      v1::Industry* industry = vertex.mutable_industry();
      industry->set_key(VertexKeyOf(entity));
      industry->set_name(entity.second);
      industry->set_scheme("ICKG");
      break;
    }
    default: {
      v1::Product* product = vertex.mutable_product();
      product->set_key(VertexKeyOf(entity));
      product->set_name(entity.second);
      break;
    }
  }
  return vertex;
}

void SetSource(v1::Vertex* vertex, const v1::Source& source) {
  switch (vertex->record_case()) {
    case v1::Vertex::kFirm:
      *vertex->mutable_firm()->mutable_source() = source;
      break;
    case v1::Vertex::kIndustry:
      *vertex->mutable_industry()->mutable_source() = source;
      break;
    default:
      *vertex->mutable_product()->mutable_source() = source;
      break;
  }
}

v1::Edge EdgeOf(const Fact& fact) {
  v1::Edge edge;
  edge.set_kind(fact.kind);
  edge.mutable_from()->set_kind(fact.from.first);
  edge.mutable_from()->set_key(VertexKeyOf(fact.from));
  edge.mutable_to()->set_kind(fact.to.first);
  edge.mutable_to()->set_key(VertexKeyOf(fact.to));
  if (fact.kind == v1::EDGE_KIND_SUPPLIES) {
    edge.mutable_supplies()->set_since(fact.date);
  }
  *edge.mutable_source() = fact.source;
  return edge;
}

}  // namespace

absl::Status ReadIckgDataset(const std::string& dir, const RowSink& sink,
                             DatasetReport* report) {
  DefectCounter* defects = &report->defects;
  Collected collected;
  for (const char* part : kParts) {
    PartIds ids;
    CHAINKG_RETURN_IF_ERROR(ReadIds(dir, part, &ids, &collected, defects));
    for (const char* split : kSplits) {
      CHAINKG_RETURN_IF_ERROR(ReadQuadruples(
          dir, absl::StrCat(part, "/", split), ids, &collected, defects));
    }
  }

  // The vertices are the ends of the facts, in the order first named.
  std::vector<Entity> entities;
  std::set<Entity> seen;
  std::map<std::string, std::set<v1::VertexKind>> kinds_of_name;
  for (const Fact& fact : collected.facts) {
    for (const Entity& entity : {fact.from, fact.to}) {
      if (seen.insert(entity).second) {
        entities.push_back(entity);
        kinds_of_name[entity.second].insert(entity.first);
      }
    }
  }
  for (const auto& [name, kinds] : kinds_of_name) {
    if (kinds.size() < 2) continue;
    std::string kind_names;
    for (v1::VertexKind kind : kinds) {
      absl::StrAppend(&kind_names, kind_names.empty() ? "" : " and ",
                      graph::KindName(kind));
    }
    defects->Add(absl::StrCat("entity used as ", kind_names,
                              " (one vertex of each kind)"),
                 name);
  }
  for (const auto& [name, source] : collected.entity_source) {
    if (kinds_of_name.count(name) == 0) {
      defects->Add(
          "entity in no loaded fact (not loaded)",
          absl::StrCat(Where(source.file(), source.line()), " ", name));
    }
  }

  RecordSender sender(sink, report);
  for (const Entity& entity : entities) {
    v1::Vertex vertex = VertexOf(entity);
    // Every name of a fact was read from an entity2id.txt line.
    const v1::Source& source = collected.entity_source.at(entity.second);
    SetSource(&vertex, source);
    CHAINKG_RETURN_IF_ERROR(sender.SendVertex(std::move(vertex), source));
  }
  for (const Fact& fact : collected.facts) {
    CHAINKG_RETURN_IF_ERROR(sender.SendEdge(EdgeOf(fact)));
  }
  return absl::OkStatus();
}

}  // namespace chainkg::loaders
