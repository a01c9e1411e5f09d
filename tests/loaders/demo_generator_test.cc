#include "loaders/demo_generator.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

#include "util/codes.h"

namespace chainkg::loaders {
namespace {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
        "/demo_generator_test.XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const char* made = mkdtemp(buffer.data());
    if (made == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = made;
  }
  ~ScratchDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr const char* kFileNames[] = {
    "firms.csv",          "credentials.csv", "products.csv",  "chains.csv",
    "chain_products.csv", "edges.csv",       "consortia.csv", "platforms.csv",
    "industries.csv",     "projects.csv"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A small RFC 4180 reader, independent of loaders/csv_reader: skips a UTF-8
// BOM, honours quotes ("" inside quotes, separators and line ends in quoted
// cells), calls row() for each record including the header.
void ForEachRecord(const std::string& path,
                   const std::function<void(std::vector<std::string>&)>& row) {
  std::string text = ReadFile(path);
  size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  bool any = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
      any = true;
    } else if (c == '\n') {
      cells.push_back(std::move(cell));
      cell.clear();
      row(cells);
      cells.clear();
      any = false;
    } else if (c != '\r') {
      cell += c;
      any = true;
    }
  }
  if (any) {
    cells.push_back(std::move(cell));
    row(cells);
  }
}

// A whole file: its header and its data rows, cells found by column name.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int ragged_rows = 0;  // rows whose width differs from the header's

  int Column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
};

Table ReadTable(const std::string& path) {
  Table table;
  bool first = true;
  ForEachRecord(path, [&](std::vector<std::string>& cells) {
    if (first) {
      table.header = cells;
      first = false;
      return;
    }
    if (cells.size() != table.header.size()) ++table.ragged_rows;
    table.rows.push_back(std::move(cells));
  });
  return table;
}

struct Edge {
  std::string kind, from_kind, from_key, to_kind, to_key, product_key;
  std::string share, since, until, confidence, maturity, revenue_share;
  std::string essential, stage, segment, role;
};

struct Firm {
  std::string name, region_code, country, industry_code;
};

// Everything one GenerateDemo call wrote, parsed back.
struct Dataset {
  absl::Status status;
  DemoSummary summary;
  std::map<std::string, Table> tables;  // by file name; edges.csv left out
  std::vector<Edge> edges;
  int ragged_edges = 0;
  std::unordered_map<std::string, Firm> firms;
  int duplicate_firm_keys = 0;
  std::map<std::string, std::string> chain_category;
  std::map<std::string, std::set<std::string>> chain_products;

  const Table& table(const std::string& name) const { return tables.at(name); }
};

std::unique_ptr<Dataset> Generate(const std::string& dir, DemoScale scale,
                                  uint64_t seed) {
  auto data = std::make_unique<Dataset>();
  DemoOptions options;
  options.out_dir = dir;
  options.scale = scale;
  options.seed = seed;
  absl::StatusOr<DemoSummary> summary = GenerateDemo(options);
  data->status = summary.status();
  if (!summary.ok()) return data;
  data->summary = *summary;
  for (const char* name : kFileNames) {
    if (std::string(name) == "edges.csv") continue;
    data->tables[name] = ReadTable(dir + "/" + name);
  }
  bool first = true;
  ForEachRecord(dir + "/edges.csv", [&](std::vector<std::string>& c) {
    if (first) {
      first = false;
      return;
    }
    if (c.size() != 16) {
      ++data->ragged_edges;
      return;
    }
    data->edges.push_back({c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8],
                           c[9], c[10], c[11], c[12], c[13], c[14], c[15]});
  });
  const Table& firms = data->table("firms.csv");
  for (const auto& row : firms.rows) {
    Firm firm{row[firms.Column("name")], row[firms.Column("region_code")],
              row[firms.Column("country")], row[firms.Column("industry_code")]};
    if (!data->firms.emplace(row[firms.Column("key")], firm).second) {
      ++data->duplicate_firm_keys;
    }
  }
  const Table& chains = data->table("chains.csv");
  for (const auto& row : chains.rows) {
    data->chain_category[row[chains.Column("key")]] =
        row[chains.Column("category")];
  }
  const Table& members = data->table("chain_products.csv");
  for (const auto& row : members.rows) {
    data->chain_products[row[members.Column("chain_key")]].insert(
        row[members.Column("product_key")]);
  }
  return data;
}

// The city and small data sets, generated once for the tests that only
// read them; their directories are removed at exit.
const Dataset& City() {
  static const ScratchDir dir;
  static const std::unique_ptr<Dataset> data =
      Generate(dir.path() + "/city", DemoScale::kCity, 1);
  return *data;
}

const Dataset& Small() {
  static const ScratchDir dir;
  static const std::unique_ptr<Dataset> data =
      Generate(dir.path() + "/small", DemoScale::kSmall, 1);
  return *data;
}

// Firms of region 441900 with a non-revoked credential, by "kind/level".
std::map<std::string, int> DongguanFigures(const Dataset& data) {
  const Table& credentials = data.table("credentials.csv");
  std::map<std::string, std::set<std::string>> holders;
  for (const auto& row : credentials.rows) {
    const std::string& key = row[credentials.Column("firm_key")];
    auto firm = data.firms.find(key);
    if (firm == data.firms.end() || firm->second.region_code != "441900") {
      continue;
    }
    if (row[credentials.Column("status")] == "revoked") continue;
    holders[row[credentials.Column("kind")] + "/" +
            row[credentials.Column("level")]]
        .insert(key);
  }
  std::map<std::string, int> figures;
  for (const auto& [slot, firms] : holders) {
    figures[slot] = static_cast<int>(firms.size());
  }
  return figures;
}

// Firms with at least one non-revoked credential.
std::set<std::string> CredentialedFirms(const Dataset& data) {
  const Table& credentials = data.table("credentials.csv");
  std::set<std::string> firms;
  for (const auto& row : credentials.rows) {
    if (row[credentials.Column("status")] != "revoked") {
      firms.insert(row[credentials.Column("firm_key")]);
    }
  }
  return firms;
}

// product -> firms that PRODUCE it.
std::map<std::string, std::set<std::string>> Producers(const Dataset& data) {
  std::map<std::string, std::set<std::string>> producers;
  for (const Edge& edge : data.edges) {
    if (edge.kind == "produces") producers[edge.to_key].insert(edge.from_key);
  }
  return producers;
}

#define ASSERT_GENERATED(data)                      \
  ASSERT_TRUE((data).status.ok()) << (data).status; \
  ASSERT_EQ((data).ragged_edges, 0);                \
  for (const auto& [name, table] : (data).tables) { \
    ASSERT_EQ(table.ragged_rows, 0) << name;        \
  }

TEST(DemoGeneratorTest, CityScaleHasTheSeedReportFigures) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  std::map<std::string, int> expected = {
      {"single_item_champion/national", 15},
      {"single_item_champion/provincial", 92},
      {"little_giant/national", 236},
      {"specialized_sme/provincial", 3318},
      {"innovative_sme/provincial", 5483},
      {"high_tech_enterprise/national", 10200},
      {"smart_factory/national", 2},
      {"smart_factory/provincial", 18},
      {"smart_factory/municipal", 163},
      {"chain_leader/municipal", 3},
  };
  EXPECT_EQ(DongguanFigures(data), expected);
  EXPECT_GE(data.summary.firms, 25000);
  EXPECT_LE(data.summary.firms, 40000);
  EXPECT_LE(data.summary.edges, 500000);
}

TEST(DemoGeneratorTest, SmallScaleHasTheFiguresDividedByFifty) {
  const Dataset& data = Small();
  ASSERT_GENERATED(data);
  std::map<std::string, int> expected = {
      {"single_item_champion/national", 1},
      {"single_item_champion/provincial", 2},
      {"little_giant/national", 5},
      {"specialized_sme/provincial", 66},
      {"innovative_sme/provincial", 110},
      {"high_tech_enterprise/national", 204},
      {"smart_factory/national", 1},
      {"smart_factory/provincial", 1},
      {"smart_factory/municipal", 3},
      {"chain_leader/municipal", 3},
  };
  EXPECT_EQ(DongguanFigures(data), expected);
  EXPECT_GE(data.summary.firms, 400);
  EXPECT_LE(data.summary.firms, 700);
}

TEST(DemoGeneratorTest, CredentialedFirmsOverlapLikeTheRealLists) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  const Table& credentials = data.table("credentials.csv");
  std::map<std::string, std::set<std::string>> holders;
  for (const auto& row : credentials.rows) {
    if (row[credentials.Column("status")] == "revoked") continue;
    holders[row[credentials.Column("kind")]].insert(
        row[credentials.Column("firm_key")]);
  }
  auto share_in = [&](const std::string& kind, const std::string& in) {
    int inside = 0;
    for (const std::string& firm : holders[kind]) {
      inside += holders[in].count(firm);
    }
    return holders[kind].empty() ? 0.0 : 1.0 * inside / holders[kind].size();
  };
  EXPECT_GE(share_in("little_giant", "specialized_sme"), 0.9);
  EXPECT_GE(share_in("little_giant", "high_tech_enterprise"), 0.8);
  EXPECT_GE(share_in("single_item_champion", "high_tech_enterprise"), 0.9);
  EXPECT_GE(share_in("specialized_sme", "innovative_sme"), 0.6);
}

TEST(DemoGeneratorTest, NonRevokedCredentialsAreInForceAtTheEndOf2025) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  const Table& credentials = data.table("credentials.csv");
  int revoked = 0;
  std::set<std::string> identities;
  for (const auto& row : credentials.rows) {
    // A credential's identity within its firm; a repeat would replace it.
    EXPECT_TRUE(identities
                    .insert(row[credentials.Column("firm_key")] + "|" +
                            row[credentials.Column("kind")] + "|" +
                            row[credentials.Column("level")] + "|" +
                            row[credentials.Column("year")] + "|" +
                            row[credentials.Column("batch")])
                    .second);
    const std::string& status = row[credentials.Column("status")];
    EXPECT_TRUE(data.firms.count(row[credentials.Column("firm_key")]));
    if (status == "revoked") {
      ++revoked;
      continue;
    }
    EXPECT_TRUE(status == "granted" || status == "publicized" ||
                status == "rereviewed")
        << status;
    const std::string& from = row[credentials.Column("valid_from")];
    const std::string& to = row[credentials.Column("valid_to")];
    EXPECT_TRUE(ValidateDate(from).ok()) << from;
    EXPECT_LE(from, "2025-06-30");
    EXPECT_TRUE(to.empty() || to >= "2026-12-31") << to;
  }
  EXPECT_GT(revoked, 0);
}

TEST(DemoGeneratorTest, ChainLeadersHoldTheirCredentialAndLeadTheirChains) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  const std::map<std::string, std::pair<std::string, std::string>> leaders = {
      {"SZSE:300607", {"广东拓斯达科技股份有限公司", "ROBOT"}},
      {"SZSE:300410", {"广东正业科技股份有限公司", "EIT"}},
      {"HKEX:02689", {"玖龙纸业（控股）有限公司", "PAPER"}},
  };
  const Table& credentials = data.table("credentials.csv");
  std::set<std::string> holders;
  for (const auto& row : credentials.rows) {
    if (row[credentials.Column("kind")] == "chain_leader" &&
        row[credentials.Column("level")] == "municipal" &&
        row[credentials.Column("status")] != "revoked") {
      holders.insert(row[credentials.Column("firm_key")]);
    }
  }
  std::set<std::pair<std::string, std::string>> leads;
  for (const Edge& edge : data.edges) {
    if (edge.kind == "leads" && edge.to_kind == "chain") {
      EXPECT_EQ(edge.from_kind, "firm");
      leads.insert({edge.from_key, edge.to_key});
    }
  }
  std::set<std::string> expected_holders;
  std::set<std::pair<std::string, std::string>> expected_leads;
  for (const auto& [key, leader] : leaders) {
    ASSERT_TRUE(data.firms.count(key)) << key;
    EXPECT_EQ(data.firms.at(key).name, leader.first);
    EXPECT_EQ(data.firms.at(key).region_code, "441900");
    expected_holders.insert(key);
    expected_leads.insert({key, leader.second});
  }
  EXPECT_EQ(holders, expected_holders);
  EXPECT_EQ(leads, expected_leads);
}

TEST(DemoGeneratorTest, ChainLeadersBuyAnEssentialInputFromOneForeignSupplier) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  std::set<std::pair<std::string, std::string>> essential_inputs;
  std::map<std::string, std::set<std::string>> makes;
  for (const Edge& edge : data.edges) {
    if (edge.kind == "input_to" && edge.essential == "true") {
      essential_inputs.insert({edge.from_key, edge.to_key});
    }
    if (edge.kind == "produces") makes[edge.from_key].insert(edge.to_key);
  }
  for (const std::string leader :
       {"SZSE:300607", "SZSE:300410", "HKEX:02689"}) {
    std::map<std::string, std::set<std::string>> suppliers;  // by product
    for (const Edge& edge : data.edges) {
      if (edge.kind == "supplies" && edge.to_key == leader) {
        suppliers[edge.product_key].insert(edge.from_key);
      }
    }
    EXPECT_GE(suppliers.size(), 3u) << leader;
    bool found = false;
    for (const auto& [product, firms] : suppliers) {
      if (firms.size() != 1) continue;
      const Firm& supplier = data.firms.at(*firms.begin());
      if (supplier.country == "CN") continue;
      for (const std::string& output : makes[leader]) {
        found = found || essential_inputs.count({product, output}) != 0;
      }
    }
    EXPECT_TRUE(found) << leader;
    // Tier 2: some supplier of the leader has suppliers of its own.
    bool tier2 = false;
    for (const auto& [product, firms] : suppliers) {
      for (const Edge& edge : data.edges) {
        if (edge.kind == "supplies" && firms.count(edge.to_key)) {
          tier2 = true;
          break;
        }
      }
      if (tier2) break;
    }
    EXPECT_TRUE(tier2) << leader;
  }
}

TEST(DemoGeneratorTest, BothConsortiaHaveALeadMembersAndSupportedProducts) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  const Table& consortia = data.table("consortia.csv");
  std::map<std::string, std::string> names;
  for (const auto& row : consortia.rows) {
    names[row[consortia.Column("key")]] = row[consortia.Column("name")];
  }
  EXPECT_EQ(names["DG-BIOAI"], "生物医药AI协作创新联合体");
  EXPECT_EQ(names["DG-SLEEP"], "数字人体与智慧睡眠创新联合体");
  for (const std::string consortium : {"DG-BIOAI", "DG-SLEEP"}) {
    int leads = 0, firms = 0, platforms = 0, supports = 0;
    for (const Edge& edge : data.edges) {
      if (edge.kind == "member_of" && edge.to_key == consortium) {
        leads += edge.role == "lead";
        firms += edge.from_kind == "firm";
        platforms += edge.from_kind == "platform";
      }
      if (edge.kind == "supports" && edge.from_key == consortium) ++supports;
    }
    EXPECT_EQ(leads, 1) << consortium;
    EXPECT_GE(firms, 3) << consortium;
    EXPECT_GE(platforms, 1) << consortium;
    EXPECT_GE(supports, 1) << consortium;
  }
}

TEST(DemoGeneratorTest, PlatformsIncludeTheSongshanLakeFacilities) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  const Table& platforms = data.table("platforms.csv");
  std::map<std::string, std::string> type_by_name;
  for (const auto& row : platforms.rows) {
    type_by_name[row[platforms.Column("name")]] = row[platforms.Column("type")];
  }
  EXPECT_EQ(type_by_name["松山湖材料实验室"], "new_rd_institute");
  EXPECT_EQ(type_by_name["中国散裂中子源"], "big_science_facility");
  EXPECT_EQ(type_by_name["南方光源"], "big_science_facility");
  EXPECT_EQ(type_by_name["东莞理工学院"], "university");
  EXPECT_EQ(type_by_name["广东医科大学"], "university");
}

TEST(DemoGeneratorTest, FirmKeysAreUniqueAndUsccsMatchTheirRegion) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  EXPECT_EQ(data.duplicate_firm_keys, 0);
  std::set<std::string> countries;
  std::set<std::string> regions;
  for (const auto& [key, firm] : data.firms) {
    if (key.rfind("EXT:", 0) == 0) {
      EXPECT_NE(firm.country, "CN") << key;
      EXPECT_TRUE(ValidateCountryCode(firm.country).ok()) << key;
      EXPECT_EQ(firm.region_code, "") << key;
      countries.insert(firm.country);
      continue;
    }
    EXPECT_EQ(firm.country, "CN") << key;
    EXPECT_TRUE(ValidateRegionCode(firm.region_code).ok()) << key;
    EXPECT_TRUE(ValidateIndustryCode(firm.industry_code).ok()) << key;
    regions.insert(firm.region_code);
    if (key.find(':') != std::string::npos) continue;  // SZSE:..., HKEX:...
    ASSERT_TRUE(ValidateUsccShape(key).ok()) << key;
    EXPECT_TRUE(UsccCheckDigitOk(key)) << key;
    EXPECT_EQ(key.substr(2, 6), firm.region_code) << key;
  }
  for (const char* country : {"JP", "US", "DE", "KR", "NL", "FR"}) {
    EXPECT_TRUE(countries.count(country)) << country;
  }
  for (const char* region :
       {"441900", "440300", "440100", "440600", "441300"}) {
    EXPECT_TRUE(regions.count(region)) << region;
  }
  // Other provinces too.
  int elsewhere = 0;
  for (const std::string& region : regions)
    elsewhere += region.rfind("44", 0) != 0;
  EXPECT_GE(elsewhere, 5);
}

TEST(DemoGeneratorTest, EveryEdgeLinksExistingVerticesOfAllowedKinds) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  std::map<std::string, std::set<std::string>> vertices;
  for (const auto& [key, firm] : data.firms) vertices["firm"].insert(key);
  const std::map<std::string, std::string> files = {
      {"product", "products.csv"},     {"chain", "chains.csv"},
      {"consortium", "consortia.csv"}, {"platform", "platforms.csv"},
      {"industry", "industries.csv"},  {"project", "projects.csv"}};
  for (const auto& [kind, file] : files) {
    const Table& table = data.table(file);
    for (const auto& row : table.rows) {
      EXPECT_TRUE(vertices[kind].insert(row[table.Column("key")]).second)
          << kind << " " << row[table.Column("key")];
    }
  }
  // kind -> allowed (from_kind, to_kind).
  const std::multimap<std::string, std::pair<std::string, std::string>>
      allowed = {
          {"produces", {"firm", "product"}},
          {"supplies", {"firm", "firm"}},
          {"input_to", {"product", "product"}},
          {"subclass_of", {"product", "product"}},
          {"leads", {"firm", "chain"}},
          {"leads", {"firm", "project"}},
          {"leads", {"consortium", "project"}},
          {"member_of", {"firm", "consortium"}},
          {"member_of", {"platform", "consortium"}},
          {"supports", {"platform", "product"}},
          {"supports", {"consortium", "product"}},
          {"targets", {"project", "product"}},
          {"in_industry", {"firm", "industry"}},
      };
  auto in_unit_interval = [](const std::string& cell) {
    if (cell.empty()) return true;
    double value = std::stod(cell);
    return value >= 0.0 && value <= 1.0;
  };
  std::set<std::string> identities;
  std::map<std::string, int> kinds;
  for (const Edge& edge : data.edges) {
    ++kinds[edge.kind];
    bool ok = false;
    auto range = allowed.equal_range(edge.kind);
    for (auto it = range.first; it != range.second; ++it) {
      ok = ok || it->second == std::make_pair(edge.from_kind, edge.to_kind);
    }
    ASSERT_TRUE(ok) << edge.kind << " " << edge.from_kind << " -> "
                    << edge.to_kind;
    ASSERT_TRUE(vertices[edge.from_kind].count(edge.from_key))
        << edge.kind << " from " << edge.from_key;
    ASSERT_TRUE(vertices[edge.to_kind].count(edge.to_key))
        << edge.kind << " to " << edge.to_key;
    EXPECT_TRUE(identities
                    .insert(edge.kind + "|" + edge.from_key + "|" +
                            edge.to_key + "|" + edge.product_key)
                    .second)
        << "duplicate " << edge.kind << " " << edge.from_key << " -> "
        << edge.to_key;
    EXPECT_TRUE(in_unit_interval(edge.share)) << edge.share;
    EXPECT_TRUE(in_unit_interval(edge.confidence)) << edge.confidence;
    EXPECT_TRUE(in_unit_interval(edge.revenue_share)) << edge.revenue_share;
    if (edge.kind == "supplies") {
      ASSERT_TRUE(vertices["product"].count(edge.product_key))
          << edge.product_key;
      EXPECT_TRUE(ValidateDate(edge.since).ok()) << edge.since;
      EXPECT_TRUE(edge.until.empty() ||
                  (ValidateDate(edge.until).ok() && edge.until > edge.since));
      EXPECT_FALSE(edge.share.empty());
    } else {
      EXPECT_EQ(edge.product_key + edge.share + edge.since + edge.until +
                    edge.confidence,
                "");
    }
    if (edge.kind == "produces") {
      EXPECT_TRUE(edge.maturity == "mass" || edge.maturity == "pilot" ||
                  edge.maturity == "rd")
          << edge.maturity;
    }
    if (edge.kind == "input_to") {
      EXPECT_TRUE(edge.essential == "true" || edge.essential == "false");
    }
    if (edge.kind == "member_of") {
      EXPECT_TRUE(edge.role == "lead" || edge.role == "member") << edge.role;
    }
  }
  for (const char* kind :
       {"produces", "supplies", "input_to", "leads", "member_of", "supports",
        "targets", "in_industry", "subclass_of"}) {
    EXPECT_GT(kinds[kind], 0) << kind;
  }
  const Table& members = data.table("chain_products.csv");
  for (const auto& row : members.rows) {
    EXPECT_TRUE(vertices["chain"].count(row[members.Column("chain_key")]));
    EXPECT_TRUE(vertices["product"].count(row[members.Column("product_key")]));
    const std::string& stage = row[members.Column("stage")];
    EXPECT_TRUE(stage == "upstream" || stage == "midstream" ||
                stage == "downstream")
        << stage;
    EXPECT_FALSE(row[members.Column("segment")].empty());
  }
  const Table& industries = data.table("industries.csv");
  for (const auto& row : industries.rows) {
    const std::string& parent = row[industries.Column("parent_key")];
    EXPECT_TRUE(parent.empty() || vertices["industry"].count(parent)) << parent;
    EXPECT_EQ(row[industries.Column("scheme")], "GB/T 4754-2017");
  }
  for (const auto& [key, firm] : data.firms) {
    if (!firm.industry_code.empty()) {
      EXPECT_TRUE(vertices["industry"].count(firm.industry_code)) << key;
    }
  }
}

TEST(DemoGeneratorTest, SuppliersMakeWhatTheySupplyForWhatTheBuyerMakes) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  std::set<std::pair<std::string, std::string>> makes;
  std::set<std::pair<std::string, std::string>> input_to;
  for (const Edge& edge : data.edges) {
    if (edge.kind == "produces") makes.insert({edge.from_key, edge.to_key});
    if (edge.kind == "input_to") input_to.insert({edge.from_key, edge.to_key});
  }
  std::map<std::string, std::set<std::string>> outputs_of;
  for (const auto& [firm, product] : makes) outputs_of[firm].insert(product);
  int supplies = 0;
  std::map<std::pair<std::string, std::string>, double> coverage;
  for (const Edge& edge : data.edges) {
    if (edge.kind != "supplies") continue;
    ++supplies;
    coverage[{edge.to_key, edge.product_key}] += std::stod(edge.share);
    ASSERT_TRUE(makes.count({edge.from_key, edge.product_key}))
        << edge.from_key << " does not make " << edge.product_key;
    bool feeds = false;
    for (const std::string& output : outputs_of[edge.to_key]) {
      feeds = feeds || input_to.count({edge.product_key, output}) != 0;
    }
    ASSERT_TRUE(feeds) << edge.product_key << " is no input of what "
                       << edge.to_key << " makes";
  }
  EXPECT_GT(supplies, 10000);
  // The suppliers of one buyer's need of one product cover all of it.
  for (const auto& [need, share] : coverage) {
    ASSERT_NEAR(share, 1.0, 1e-9) << need.first << " " << need.second;
  }
}

TEST(DemoGeneratorTest, ProductsFormOneInputDagWithALongEitChain) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  std::map<std::string, std::vector<std::string>> consumers;
  std::map<std::string, int> pending;
  const Table& products = data.table("products.csv");
  for (const auto& row : products.rows)
    pending[row[products.Column("key")]] = 0;
  for (const Edge& edge : data.edges) {
    if (edge.kind != "input_to") continue;
    consumers[edge.from_key].push_back(edge.to_key);
    ++pending[edge.to_key];
  }
  std::vector<std::string> ready;
  for (const auto& [product, count] : pending) {
    if (count == 0) ready.push_back(product);
  }
  size_t done = 0;
  while (!ready.empty()) {
    std::string product = ready.back();
    ready.pop_back();
    ++done;
    for (const std::string& consumer : consumers[product]) {
      if (--pending[consumer] == 0) ready.push_back(consumer);
    }
  }
  EXPECT_EQ(done, pending.size()) << "INPUT_TO has a cycle";
  EXPECT_EQ(data.chain_category.size(), 11u);
  EXPECT_GE(data.chain_products.at("EIT").size(), 180u);
  EXPECT_LE(data.chain_products.at("EIT").size(), 220u);
  EXPECT_LT(Small().chain_products.at("EIT").size(), 120u);
  // Products may be in several chains.
  std::map<std::string, int> chains_of;
  for (const auto& [chain, members] : data.chain_products) {
    for (const std::string& product : members) ++chains_of[product];
  }
  int shared = 0;
  for (const auto& [product, count] : chains_of) shared += count > 1;
  EXPECT_GT(shared, 5);
}

// Per chain, the gap classes of DESIGN.md each have at least one product.
TEST(DemoGeneratorTest, EveryChainHasMissingWeakAndBreakRiskProducts) {
  for (const Dataset* data : {&City(), &Small()}) {
    ASSERT_GENERATED(*data);
    const auto producers = Producers(*data);
    const std::set<std::string> credentialed = CredentialedFirms(*data);
    // product -> share bought by local buyers from outside / in total.
    std::map<std::string, std::pair<double, double>> local_buying;
    for (const Edge& edge : data->edges) {
      if (edge.kind != "supplies" ||
          data->firms.at(edge.to_key).region_code != "441900") {
        continue;
      }
      double share = std::stod(edge.share);
      auto& [outside, total] = local_buying[edge.product_key];
      total += share;
      if (data->firms.at(edge.from_key).region_code != "441900") {
        outside += share;
      }
    }
    for (const auto& [chain, members] : data->chain_products) {
      bool missing = false, weak = false, break_risk = false;
      for (const std::string& product : members) {
        auto it = producers.find(product);
        if (it == producers.end()) continue;
        std::vector<std::string> local;
        bool domestic_elsewhere = false;
        for (const std::string& firm : it->second) {
          const Firm& f = data->firms.at(firm);
          if (f.region_code == "441900") local.push_back(firm);
          if (f.country == "CN" && f.region_code != "441900") {
            domestic_elsewhere = true;
          }
        }
        missing = missing || (local.empty() && domestic_elsewhere);
        weak = weak || (local.size() == 1 && !credentialed.count(local[0]));
        auto buying = local_buying.find(product);
        break_risk =
            break_risk || (!local.empty() && buying != local_buying.end() &&
                           buying->second.first >= 0.6 * buying->second.second);
      }
      const char* scale = data == &Small() ? "small " : "city ";
      EXPECT_TRUE(missing) << scale << chain;
      EXPECT_TRUE(weak) << scale << chain;
      EXPECT_TRUE(break_risk) << scale << chain;
    }
  }
}

TEST(DemoGeneratorTest,
     EmergingAndFutureChainsHaveProductsMadeOnlyInOneForeignCountry) {
  for (const Dataset* data : {&City(), &Small()}) {
    ASSERT_GENERATED(*data);
    const auto producers = Producers(*data);
    int checked = 0;
    for (const auto& [chain, category] : data->chain_category) {
      if (category != "emerging" && category != "future") continue;
      ++checked;
      bool chokepoint = false;
      for (const std::string& product : data->chain_products.at(chain)) {
        auto it = producers.find(product);
        if (it == producers.end()) continue;
        std::set<std::string> countries;
        for (const std::string& firm : it->second) {
          countries.insert(data->firms.at(firm).country);
        }
        chokepoint =
            chokepoint || (countries.size() == 1 && !countries.count("CN"));
      }
      EXPECT_TRUE(chokepoint)
          << (data == &Small() ? "small " : "city ") << chain;
    }
    EXPECT_EQ(checked, 7);
  }
}

TEST(DemoGeneratorTest, ProjectsHaveOneLeadAndTargetProductsNotMadeInDongguan) {
  const Dataset& data = City();
  ASSERT_GENERATED(data);
  const auto producers = Producers(data);
  const Table& projects = data.table("projects.csv");
  std::set<std::string> types;
  for (const auto& row : projects.rows) {
    const std::string& key = row[projects.Column("key")];
    types.insert(row[projects.Column("type")]);
    int leads = 0, targets = 0;
    for (const Edge& edge : data.edges) {
      if (edge.kind == "leads" && edge.to_key == key) ++leads;
      if (edge.kind == "targets" && edge.from_key == key) {
        ++targets;
        for (const std::string& firm : producers.at(edge.to_key)) {
          EXPECT_NE(data.firms.at(firm).region_code, "441900")
              << key << " targets " << edge.to_key;
        }
      }
    }
    EXPECT_EQ(leads, 1) << key;
    EXPECT_GE(targets, 1) << key;
  }
  EXPECT_EQ(types,
            (std::set<std::string>{"chain_integration", "major_science_tech",
                                   "open_competition"}));
}

TEST(DemoGeneratorTest, FilesHaveABomTheDocumentedHeaderAndTheSummaryCounts) {
  const std::map<std::string, std::string> headers = {
      {"firms.csv",
       "key,name,former_names,aliases,region_code,country,industry_code"},
      {"credentials.csv",
       "firm_key,kind,level,year,batch,valid_from,valid_to,status"},
      {"products.csv", "key,name,aliases,kind,key_core_technology"},
      {"chains.csv", "key,name,category"},
      {"chain_products.csv", "chain_key,product_key,stage,segment"},
      {"edges.csv",
       "kind,from_kind,from_key,to_kind,to_key,product_key,share,since,until,"
       "confidence,maturity,revenue_share,essential,stage,segment,role"},
      {"consortia.csv", "key,name"},
      {"platforms.csv", "key,name,type,level,region_code,country"},
      {"industries.csv", "key,name,scheme,parent_key"},
      {"projects.csv", "key,name,type,start_date,end_date"},
  };
  ScratchDir dir;
  DemoOptions options;
  options.out_dir = dir.path();
  options.scale = DemoScale::kSmall;
  absl::StatusOr<DemoSummary> summary = GenerateDemo(options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  for (const auto& [name, header] : headers) {
    std::string text = ReadFile(dir.path() + "/" + name);
    EXPECT_EQ(text.substr(0, 3), "\xEF\xBB\xBF") << name;
    EXPECT_EQ(text.substr(3, header.size() + 1), header + "\n") << name;
    EXPECT_EQ(text.find('\r'), std::string::npos) << name;
    EXPECT_EQ(text.back(), '\n') << name;
  }
  auto rows = [&](const char* name) {
    int64_t count = -1;  // the header
    ForEachRecord(dir.path() + "/" + name,
                  [&](std::vector<std::string>&) { ++count; });
    return count;
  };
  EXPECT_EQ(summary->firms, rows("firms.csv"));
  EXPECT_EQ(summary->credentials, rows("credentials.csv"));
  EXPECT_EQ(summary->products, rows("products.csv"));
  EXPECT_EQ(summary->chains, rows("chains.csv"));
  EXPECT_EQ(summary->chain_products, rows("chain_products.csv"));
  EXPECT_EQ(summary->edges, rows("edges.csv"));
  EXPECT_EQ(summary->consortia, rows("consortia.csv"));
  EXPECT_EQ(summary->platforms, rows("platforms.csv"));
  EXPECT_EQ(summary->industries, rows("industries.csv"));
  EXPECT_EQ(summary->projects, rows("projects.csv"));
}

TEST(DemoGeneratorTest, SameSeedGivesIdenticalFilesAndAnotherSeedDiffers) {
  ScratchDir dir;
  auto generate = [&](const std::string& sub, uint64_t seed) {
    DemoOptions options;
    options.out_dir = dir.path() + "/" + sub;
    options.scale = DemoScale::kSmall;
    options.seed = seed;
    absl::StatusOr<DemoSummary> summary = GenerateDemo(options);
    EXPECT_TRUE(summary.ok()) << summary.status();
  };
  generate("a", 7);
  generate("b", 7);
  generate("c", 8);
  bool any_difference = false;
  for (const char* name : kFileNames) {
    std::string a = ReadFile(dir.path() + "/a/" + name);
    EXPECT_FALSE(a.empty()) << name;
    EXPECT_EQ(a, ReadFile(dir.path() + "/b/" + name)) << name;
    any_difference = any_difference || a != ReadFile(dir.path() + "/c/" + name);
  }
  EXPECT_TRUE(any_difference);
  EXPECT_NE(ReadFile(dir.path() + "/a/firms.csv"),
            ReadFile(dir.path() + "/c/firms.csv"));
  // The catalogue does not depend on the seed.
  EXPECT_EQ(ReadFile(dir.path() + "/a/products.csv"),
            ReadFile(dir.path() + "/c/products.csv"));
}

TEST(DemoGeneratorTest, RewritingADirectoryReplacesItsFiles) {
  ScratchDir dir;
  DemoOptions options;
  options.out_dir = dir.path() + "/nested/out";
  options.scale = DemoScale::kSmall;
  ASSERT_TRUE(GenerateDemo(options).ok());
  std::ofstream(options.out_dir + "/notes.txt") << "keep me";
  std::string first = ReadFile(options.out_dir + "/edges.csv");
  ASSERT_TRUE(GenerateDemo(options).ok());
  EXPECT_EQ(ReadFile(options.out_dir + "/edges.csv"), first);
  EXPECT_EQ(ReadFile(options.out_dir + "/notes.txt"), "keep me");
}

TEST(DemoGeneratorTest, EmptyOutDirIsInvalidArgument) {
  DemoOptions options;
  EXPECT_EQ(GenerateDemo(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DemoGeneratorTest, OutDirUnderAFileIsUnavailableAndNamesThePath) {
  ScratchDir dir;
  std::ofstream(dir.path() + "/plain") << "x";
  DemoOptions options;
  options.out_dir = dir.path() + "/plain/out";
  absl::Status status = GenerateDemo(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find(options.out_dir), absl::string_view::npos)
      << status;
}

TEST(DemoGeneratorTest, ParseDemoScaleAcceptsTheThreeNames) {
  for (DemoScale scale :
       {DemoScale::kSmall, DemoScale::kCity, DemoScale::kNational}) {
    absl::StatusOr<DemoScale> parsed = ParseDemoScale(DemoScaleName(scale));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, scale);
  }
  absl::StatusOr<DemoScale> padded = ParseDemoScale("  City\t");
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(*padded, DemoScale::kCity);
  absl::Status bad = ParseDemoScale("huge").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("national"), absl::string_view::npos) << bad;
}

}  // namespace
}  // namespace chainkg::loaders
