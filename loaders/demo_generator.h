// Deterministic demo data: a synthetic but realistic picture of Dongguan
// (东莞, region 441900) industry written as the loader CSV files of
// docs/formats.md, for `make run`, benchmarks and tests that need more than
// the tiny fixture graph. Writes text files only (no protobuf, gRPC or
// RocksDB).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chainkg::loaders {

// How much data GenerateDemo writes. The product catalogue and chains are the
// same at every scale except that kSmall leaves out the 116 variant products
// (MLCC 0402, 8-layer PCB, ...) that make the EIT (electronic information)
// chain 200 products long.
enum class DemoScale {
  kSmall,     // ~530 firms, 332 products, ~5,000 edges; Dongguan figures / 50
  kCity,      // ~35,000 firms (~20,000 in 441900), 448 products, ~300,000
              // edges
  kNational,  // ~1,000,000 firms, ~9,500,000 edges (~0.9 GB of CSV)
};

struct DemoOptions {
  // Directory for the files; created (with its parents) if missing. Files of
  // the same names in it are overwritten, other files are left alone.
  std::string out_dir;
  DemoScale scale = DemoScale::kCity;
  // Seeds the one std::mt19937_64 every random choice comes from. The
  // catalogue (products, chains, platforms, consortia, projects) does not
  // depend on it; firms, credentials and edges do.
  uint64_t seed = 1;
};

// Data rows written to each file (the header row is not counted).
struct DemoSummary {
  int64_t firms = 0;
  int64_t credentials = 0;
  int64_t products = 0;
  int64_t chains = 0;
  int64_t chain_products = 0;
  int64_t edges = 0;
  int64_t consortia = 0;
  int64_t platforms = 0;
  int64_t industries = 0;
  int64_t projects = 0;
};

// Writes firms.csv, credentials.csv, products.csv, chains.csv,
// chain_products.csv, edges.csv, consortia.csv, platforms.csv,
// industries.csv and projects.csv into options.out_dir: UTF-8 with a BOM,
// RFC 4180, a header row of the English column names of docs/formats.md,
// "\n" line ends. Every file has every column of its format, empty where a
// value is not given; edges.csv always fills from_kind and to_kind. The same
// options give byte-identical files.
//
// What the data holds:
// - Firms in Dongguan (441900), elsewhere in Guangdong, elsewhere in China
//   (USCC keys whose region digits equal region_code) and abroad
//   (`EXT:<name>` keys, country set, no region_code). The chain leaders
//   SZSE:300607 广东拓斯达科技股份有限公司 (ROBOT), SZSE:300410
//   广东正业科技股份有限公司 (EIT) and HKEX:02689 玖龙纸业（控股）有限公司
//   (PAPER) each have a municipal chain_leader credential and a LEADS edge to
//   their chain.
// - At kCity and kNational, the firms of region 441900 with a non-revoked
//   credential, counted once per (kind, level), are exactly: single-item
//   champion 15 national / 92 provincial, little giant 236 national,
//   specialized SME 3318 provincial, innovative SME 5483 provincial,
//   high-tech enterprise 10200 national, smart factory 2 national / 18
//   provincial / 163 municipal, chain leader 3 municipal. At kSmall each
//   figure is divided by 50 and rounded, at least 1 (chain leaders stay 3).
//   Revoked credentials are added on top and do not change these counts.
//   Every non-revoked credential is in force on 2025-12-31 (valid_from <=
//   2025-06-30, valid_to empty or >= 2026-12-31).
// - Eleven chains (traditional PAPER, TEXTILE, FURNITURE, FOOD; emerging NEV,
//   EIT, ROBOT, BIO; future AI, LOWALT, STORAGE) whose products form one
//   INPUT_TO DAG (upstream -> downstream, essential or not); products may be
//   in several chains (chain_products.csv gives stage and segment). Variant
//   products are SUBCLASS_OF their base product. Each chain has products
//   with no producer in 441900 (缺链), with exactly one uncredentialed local
//   producer (短板), with local producers whose local buyers source mostly
//   from outside (断链风险), and (emerging and future chains) made only by
//   foreign firms of one country (卡脖子).
// - SUPPLIES edges: the supplier PRODUCES product_key and product_key is an
//   INPUT_TO of a product the buyer PRODUCES; the shares of one buyer's
//   suppliers of one product add up to 1. Chain leaders have supplier trees
//   down to raw materials, each with one foreign single supplier of an
//   essential input (拓斯达: RV reducers from Nabtesco, JP; 正业科技: X-ray
//   tubes from Hamamatsu, JP; 玖龙纸业: wood pulp from Suzano, BR).
// - Consortia DG-BIOAI 生物医药AI协作创新联合体 and DG-SLEEP
//   数字人体与智慧睡眠创新联合体 (a lead firm, member firms and platforms,
//   SUPPORTS to their focus products), Songshan Lake / Dongguan platforms
//   (松山湖材料实验室, 中国散裂中子源, 南方光源, universities, key labs,
//   engineering centres), key-technology projects led by a firm or a
//   consortium and TARGETing chokepoint products, and the GB/T 4754-2017
//   sections, divisions and classes the firms use (a class's parent_key is
//   its division, a division's its section; IN_INDUSTRY from each domestic
//   firm to the class of its main product).
//
// Memory is O(firms); edges are streamed to disk. kNational takes about ten
// seconds on one core and about 0.9 GB of disk.
//
// Errors: INVALID_ARGUMENT if out_dir is empty; UNAVAILABLE if the directory
// cannot be created or a file cannot be written (the message names the path);
// INTERNAL if the built-in catalogue is inconsistent (a bug). On error some
// files may be missing or partly written.
absl::StatusOr<DemoSummary> GenerateDemo(const DemoOptions& options);

// Parses "small", "city" or "national" (ASCII case-insensitive, surrounding
// white space ignored). INVALID_ARGUMENT names the accepted values.
absl::StatusOr<DemoScale> ParseDemoScale(absl::string_view text);

// Returns "small", "city" or "national".
absl::string_view DemoScaleName(DemoScale scale);

}  // namespace chainkg::loaders
