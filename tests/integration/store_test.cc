// Store on a real RocksDB in a temporary directory: atomicity, reopening,
// pagination under concurrent inserts, deletes that leave nothing dangling,
// search, a randomized comparison against an in-memory model, and writes
// submitted without waiting (Store::Submit) against the same writes applied
// one by one.
#include "graph/store/store.h"

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"

#include "graph/store/bulk_importer.h"
#include "tests/testing/db_dump.h"
#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace chainkg::graph {
namespace {

using ::chainkg::testing::MakeCredential;
using ::chainkg::testing::MakeEdge;
using ::chainkg::testing::MakeFirm;
using ::chainkg::testing::MakeProduct;
using ::chainkg::testing::Ref;
using ::chainkg::testing::StatusIs;
using ::chainkg::testing::TempDir;
using ::chainkg::testing::ValidUscc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

std::string FirmKey(int i) { return absl::StrCat("EXT:firm", i); }

std::unique_ptr<Store> OpenStore(const std::string& path) {
  StoreOptions options;
  options.sync_writes = false;  // speed; durability is tested elsewhere
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path, options);
  EXPECT_OK(store);
  return store.ok() ? std::move(*store) : nullptr;
}

void ExpectConsistent(const Store& store) {
  absl::StatusOr<ConsistencyReport> report = store.CheckConsistency();
  ASSERT_OK(report);
  EXPECT_EQ(report->problem_count, 0)
      << ::testing::PrintToString(report->problems);
}

std::vector<std::string> Keys(const std::vector<v1::Vertex>& vertices) {
  std::vector<std::string> keys;
  for (const v1::Vertex& vertex : vertices) {
    keys.push_back(vertex.has_firm() ? vertex.firm().key()
                                     : vertex.product().key());
  }
  return keys;
}

std::vector<std::string> SearchAll(const Store& store, const SearchQuery& query,
                                   int page_size = 0) {
  std::vector<std::string> keys;
  PageRequest page;
  page.page_size = page_size;
  do {
    absl::StatusOr<VertexPage> result =
        store.SearchVertices(query, page, ScanLimits());
    EXPECT_OK(result);
    if (!result.ok()) break;
    for (const std::string& key : Keys(result->vertices)) keys.push_back(key);
    page.page_token = result->next_page_token;
  } while (!page.page_token.empty());
  return keys;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = OpenStore(dir_.Sub("db")); }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, EverythingSurvivesReopen) {
  v1::Vertex firm = MakeFirm(ValidUscc("91441900708017879"), "广东拓斯达科技");
  *firm.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_CHAIN_LEADER, v1::LEVEL_MUNICIPAL, 2022);
  ASSERT_OK(store_->UpsertVertices({firm, MakeProduct("机器人", "工业机器人")},
                                   UpsertMode::kMerge));
  ASSERT_OK(store_->UpsertEdges({MakeEdge(
      v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_FIRM, firm.firm().key()),
      Ref(v1::VERTEX_KIND_PRODUCT, "机器人"))}));
  store_.reset();
  store_ = OpenStore(dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);

  ASSERT_OK_AND_ASSIGN(
      VertexLookup lookup,
      store_->GetVertex(Ref(v1::VERTEX_KIND_FIRM, firm.firm().key())));
  ASSERT_TRUE(lookup.vertex.has_value());
  EXPECT_EQ(lookup.vertex->firm().credentials_size(), 1);
  ASSERT_OK_AND_ASSIGN(
      EdgePage in_edges,
      store_->ListEdges(Ref(v1::VERTEX_KIND_PRODUCT, "机器人"), Direction::kIn,
                        v1::EDGE_KIND_UNSPECIFIED, PageRequest(),
                        ScanLimits()));
  ASSERT_EQ(in_edges.edges.size(), 1u);
  EXPECT_EQ(in_edges.edges[0].from().key(), firm.firm().key());

  // New ids after reopen do not collide with the old ones.
  ASSERT_OK(store_->UpsertVertices({MakeFirm("EXT:new", "新公司")},
                                   UpsertMode::kMerge));
  ASSERT_OK_AND_ASSIGN(
      VertexPage all,
      store_->ListVertices(v1::VERTEX_KIND_FIRM, PageRequest(), ScanLimits()));
  EXPECT_EQ(all.vertices.size(), 2u);
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, ABatchWithOneBadRecordWritesNothing) {
  uint64_t before = store_->LatestSequence();
  absl::StatusOr<WriteResult> result = store_->UpsertVertices(
      {MakeFirm("EXT:good", "好公司"), MakeFirm("123", "坏代码")},
      UpsertMode::kMerge);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("vertices[1].firm.key")));
  EXPECT_EQ(store_->LatestSequence(), before);
  ASSERT_OK_AND_ASSIGN(
      VertexLookup lookup,
      store_->GetVertex(Ref(v1::VERTEX_KIND_FIRM, "EXT:good")));
  EXPECT_FALSE(lookup.vertex.has_value());

  // An edge whose endpoint is missing fails the whole edge batch.
  ASSERT_OK(store_->UpsertVertices(
      {MakeFirm("EXT:a", "甲"), MakeProduct("p", "产品")}, UpsertMode::kMerge));
  before = store_->LatestSequence();
  absl::StatusOr<WriteResult> edges = store_->UpsertEdges(
      {MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_FIRM, "EXT:a"),
                Ref(v1::VERTEX_KIND_PRODUCT, "p")),
       MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_FIRM, "EXT:a"),
                Ref(v1::VERTEX_KIND_PRODUCT, "missing"))});
  EXPECT_THAT(edges,
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("edges[1].to: no product \"missing\"")));
  EXPECT_EQ(store_->LatestSequence(), before);
  ASSERT_OK_AND_ASSIGN(
      EdgePage out,
      store_->ListEdges(Ref(v1::VERTEX_KIND_FIRM, "EXT:a"), Direction::kOut,
                        v1::EDGE_KIND_UNSPECIFIED, PageRequest(),
                        ScanLimits()));
  EXPECT_THAT(out.edges, IsEmpty());
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, ResendingTheSameRecordsChangesNothing) {
  std::vector<v1::Vertex> firms = {MakeFirm("EXT:a", "甲"),
                                   MakeFirm("EXT:b", "乙")};
  ASSERT_OK_AND_ASSIGN(WriteResult first,
                       store_->UpsertVertices(firms, UpsertMode::kMerge));
  EXPECT_EQ(first.created, 2);
  ASSERT_OK_AND_ASSIGN(WriteResult second,
                       store_->UpsertVertices(firms, UpsertMode::kMerge));
  EXPECT_EQ(second.created, 0);
  EXPECT_EQ(second.updated, 0);
  EXPECT_EQ(second.unchanged, 2);
  v1::Edge edge =
      MakeEdge(v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, "EXT:a"),
               Ref(v1::VERTEX_KIND_FIRM, "EXT:b"));
  ASSERT_OK(store_->UpsertEdges({edge}));
  ASSERT_OK_AND_ASSIGN(WriteResult again, store_->UpsertEdges({edge}));
  EXPECT_EQ(again.unchanged, 1);
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, MergeKeepsAndReplaceDropsOmittedFields) {
  v1::Vertex full = MakeFirm("EXT:a", "甲公司", "441900");
  full.mutable_firm()->set_industry_code("C3562");
  ASSERT_OK(store_->UpsertVertices({full}, UpsertMode::kMerge));
  ASSERT_OK(store_->UpsertVertices({MakeFirm("EXT:a", "甲科技", "")},
                                   UpsertMode::kMerge));
  ASSERT_OK_AND_ASSIGN(VertexLookup merged,
                       store_->GetVertex(Ref(v1::VERTEX_KIND_FIRM, "EXT:a")));
  EXPECT_EQ(merged.vertex->firm().name(), "甲科技");
  EXPECT_EQ(merged.vertex->firm().industry_code(), "C3562");
  EXPECT_EQ(merged.vertex->firm().region_code(), "441900");

  ASSERT_OK(store_->UpsertVertices({MakeFirm("EXT:a", "甲", "")},
                                   UpsertMode::kReplace));
  ASSERT_OK_AND_ASSIGN(VertexLookup replaced,
                       store_->GetVertex(Ref(v1::VERTEX_KIND_FIRM, "EXT:a")));
  EXPECT_EQ(replaced.vertex->firm().industry_code(), "");
  // The old name and region no longer find it.
  SearchQuery by_old_name;
  by_old_name.text = "甲科技";
  EXPECT_THAT(SearchAll(*store_, by_old_name), IsEmpty());
  SearchQuery by_region;
  by_region.region_prefix = "4419";
  EXPECT_THAT(SearchAll(*store_, by_region), IsEmpty());
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, PaginationReturnsEveryRecordOnceWhileInsertsHappen) {
  std::vector<v1::Vertex> initial;
  std::vector<std::string> initial_keys;
  for (int i = 0; i < 500; ++i) {
    v1::Vertex firm =
        MakeFirm(FirmKey(i), absl::StrCat("东莞测试", i, "号公司"));
    // Two former names that match the same search: the firm must still be
    // returned once.
    firm.mutable_firm()->add_former_names(absl::StrCat("东莞旧名甲", i));
    firm.mutable_firm()->add_former_names(absl::StrCat("东莞旧名乙", i));
    initial.push_back(firm);
    initial_keys.push_back(FirmKey(i));
  }
  ASSERT_OK(store_->UpsertVertices(initial, UpsertMode::kMerge));

  int inserted = 0;
  auto insert_more = [&] {
    std::vector<v1::Vertex> more;
    for (int j = 0; j < 7; ++j) {
      int i = 10000 + inserted++;
      // New firms get larger ids (after the List cursor) but names that
      // sort on both sides of the Search cursor ("东莞插" < "东莞旧" <
      // "东莞测").
      more.push_back(MakeFirm(
          FirmKey(i), absl::StrCat(j % 2 ? "东莞插入" : "东莞测入", i)));
    }
    // And update an initial record without touching what the search
    // indexes (the documented guarantee covers records whose names,
    // credentials and region stay put).
    v1::Vertex updated = MakeFirm(FirmKey(inserted % 500), "");
    updated.mutable_firm()->set_name(
        absl::StrCat("东莞测试", inserted % 500, "号公司"));
    updated.mutable_firm()->set_industry_code(
        absl::StrCat("C", 3000 + inserted % 500));
    more.push_back(updated);
    ASSERT_OK(store_->UpsertVertices(more, UpsertMode::kMerge));
  };

  // ListVertices.
  std::vector<std::string> seen;
  PageRequest page;
  page.page_size = 37;
  do {
    ASSERT_OK_AND_ASSIGN(
        VertexPage result,
        store_->ListVertices(v1::VERTEX_KIND_FIRM, page, ScanLimits()));
    for (const std::string& key : Keys(result.vertices)) seen.push_back(key);
    page.page_token = result.next_page_token;
    insert_more();
  } while (!page.page_token.empty());
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a record was returned twice";
  for (const std::string& key : initial_keys) {
    EXPECT_EQ(unique.count(key), 1u) << key;
  }

  // SearchVertices over the name index (substring, several names each).
  SearchQuery query;
  query.text = "东莞";
  seen.clear();
  page = PageRequest();
  page.page_size = 29;
  do {
    ASSERT_OK_AND_ASSIGN(VertexPage result,
                         store_->SearchVertices(query, page, ScanLimits()));
    for (const std::string& key : Keys(result.vertices)) seen.push_back(key);
    page.page_token = result.next_page_token;
    insert_more();
  } while (!page.page_token.empty());
  unique = std::set<std::string>(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a record was returned twice";
  for (const std::string& key : initial_keys) {
    EXPECT_EQ(unique.count(key), 1u) << key;
  }
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, DeleteLeavesNoDanglingEdgeOrIndexEntry) {
  v1::Vertex a = MakeFirm("EXT:a", "甲");
  *a.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_LITTLE_GIANT, v1::LEVEL_NATIONAL, 2021);
  ASSERT_OK(store_->UpsertVertices(
      {a, MakeFirm("EXT:b", "乙"), MakeFirm("EXT:c", "丙"),
       MakeProduct("p", "电芯"), MakeProduct("q", "隔膜")},
      UpsertMode::kMerge));
  auto firm = [](const char* key) { return Ref(v1::VERTEX_KIND_FIRM, key); };
  auto product = [](const char* key) {
    return Ref(v1::VERTEX_KIND_PRODUCT, key);
  };
  v1::Edge b_supplies_a_with_p =
      MakeEdge(v1::EDGE_KIND_SUPPLIES, firm("EXT:b"), firm("EXT:a"));
  b_supplies_a_with_p.mutable_supplies()->set_product_key("p");
  v1::Edge b_supplies_a_with_q = b_supplies_a_with_p;
  b_supplies_a_with_q.mutable_supplies()->set_product_key("q");
  v1::Edge c_supplies_b_with_p =
      MakeEdge(v1::EDGE_KIND_SUPPLIES, firm("EXT:c"), firm("EXT:b"));
  c_supplies_b_with_p.mutable_supplies()->set_product_key("p");
  ASSERT_OK_AND_ASSIGN(
      WriteResult created,
      store_->UpsertEdges(
          {b_supplies_a_with_p, b_supplies_a_with_q, c_supplies_b_with_p,
           MakeEdge(v1::EDGE_KIND_SUPPLIES, firm("EXT:a"), firm("EXT:a")),
           MakeEdge(v1::EDGE_KIND_SUPPLIES, firm("EXT:a"), firm("EXT:c")),
           MakeEdge(v1::EDGE_KIND_PRODUCES, firm("EXT:a"), product("p")),
           MakeEdge(v1::EDGE_KIND_PRODUCES, firm("EXT:b"), product("q")),
           MakeEdge(v1::EDGE_KIND_INPUT_TO, product("q"), product("p"))}));
  EXPECT_EQ(created.created, 8);
  ExpectConsistent(*store_);

  // Firm a: its self-loop, two supplies in, one out, one PRODUCES.
  ASSERT_OK_AND_ASSIGN(WriteResult deleted,
                       store_->DeleteVertices({firm("EXT:a")}));
  EXPECT_EQ(deleted.deleted, 1);
  EXPECT_EQ(deleted.edges_deleted, 5);
  ExpectConsistent(*store_);
  SearchQuery by_credential;
  by_credential.credential_kind = v1::CREDENTIAL_KIND_LITTLE_GIANT;
  EXPECT_THAT(SearchAll(*store_, by_credential), IsEmpty());

  // Product p: the SUPPLIES edge naming it goes too, and INPUT_TO q -> p.
  ASSERT_OK_AND_ASSIGN(WriteResult deleted_product,
                       store_->DeleteVertices({product("p")}));
  EXPECT_EQ(deleted_product.edges_deleted, 2);
  ExpectConsistent(*store_);
  ASSERT_OK_AND_ASSIGN(EdgePage c_out,
                       store_->ListEdges(firm("EXT:c"), Direction::kOut,
                                         v1::EDGE_KIND_UNSPECIFIED,
                                         PageRequest(), ScanLimits()));
  EXPECT_THAT(c_out.edges, IsEmpty());
  ASSERT_OK_AND_ASSIGN(EdgePage b_out,
                       store_->ListEdges(firm("EXT:b"), Direction::kOut,
                                         v1::EDGE_KIND_UNSPECIFIED,
                                         PageRequest(), ScanLimits()));
  ASSERT_EQ(b_out.edges.size(), 1u);
  EXPECT_EQ(b_out.edges[0].kind(), v1::EDGE_KIND_PRODUCES);

  // Deleting what is gone is harmless.
  ASSERT_OK_AND_ASSIGN(WriteResult again,
                       store_->DeleteVertices({firm("EXT:a"), product("p")}));
  EXPECT_EQ(again.deleted, 0);
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, EdgesToADeletedFirmFailUntilItIsCreatedAgain) {
  // The store remembers the ids of the vertices that edges named; a delete
  // must make it forget them.
  ASSERT_OK(store_->UpsertVertices(
      {MakeFirm("EXT:a", "甲"), MakeFirm("EXT:b", "乙")}, UpsertMode::kMerge));
  v1::Edge a_supplies_b =
      MakeEdge(v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, "EXT:a"),
               Ref(v1::VERTEX_KIND_FIRM, "EXT:b"));
  ASSERT_OK(store_->UpsertEdges({a_supplies_b}));
  ASSERT_OK(store_->DeleteVertices({Ref(v1::VERTEX_KIND_FIRM, "EXT:a")}));
  EXPECT_THAT(
      store_->UpsertEdges({a_supplies_b}),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("edges[0].from")));

  ASSERT_OK(
      store_->UpsertVertices({MakeFirm("EXT:a", "甲")}, UpsertMode::kMerge));
  ASSERT_OK_AND_ASSIGN(WriteResult again, store_->UpsertEdges({a_supplies_b}));
  EXPECT_EQ(again.created, 1);
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, AFirmWithSeveralMatchingCredentialsIsFoundOnce) {
  v1::Vertex firm = MakeFirm("EXT:a", "甲");
  *firm.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_SPECIALIZED_SME, v1::LEVEL_PROVINCIAL, 2020);
  *firm.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_SPECIALIZED_SME, v1::LEVEL_MUNICIPAL, 2019);
  *firm.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_SPECIALIZED_SME, v1::LEVEL_PROVINCIAL, 2023);
  ASSERT_OK(store_->UpsertVertices({firm, MakeFirm("EXT:b", "乙")},
                                   UpsertMode::kMerge));
  SearchQuery query;
  query.credential_kind = v1::CREDENTIAL_KIND_SPECIALIZED_SME;
  EXPECT_THAT(SearchAll(*store_, query, 1), ElementsAre("EXT:a"));
  query.credential_level = v1::LEVEL_MUNICIPAL;
  EXPECT_THAT(SearchAll(*store_, query, 1), ElementsAre("EXT:a"));
}

TEST_F(StoreTest, MergeThatWouldBreakValidationIsRefused) {
  ASSERT_OK(store_->UpsertVertices({MakeFirm("EXT:jp", "Foo", "", "JP")},
                                   UpsertMode::kMerge));
  // Valid alone, but a Japanese firm cannot get a GB/T 2260 region.
  absl::StatusOr<WriteResult> result = store_->UpsertVertices(
      {MakeFirm("EXT:jp", "Foo", "441900")}, UpsertMode::kMerge);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("after merging")));
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, DeleteEdgesReadsOnlyTheIdentity) {
  ASSERT_OK(
      store_->UpsertVertices({MakeFirm("EXT:a", "甲"), MakeFirm("EXT:b", "乙"),
                              MakeProduct("p", "品")},
                             UpsertMode::kMerge));
  v1::Edge edge =
      MakeEdge(v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, "EXT:a"),
               Ref(v1::VERTEX_KIND_FIRM, "EXT:b"));
  edge.mutable_supplies()->set_product_key("p");
  edge.mutable_supplies()->set_share(0.5);
  ASSERT_OK(store_->UpsertEdges({edge}));
  edge.mutable_supplies()->set_share(7.0);  // stale or wrong: not read
  ASSERT_OK_AND_ASSIGN(WriteResult deleted, store_->DeleteEdges({edge}));
  EXPECT_EQ(deleted.deleted, 1);
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, SkipInvalidCommitsTheGoodRecordsAndReportsTheRest) {
  WriteRequest request;
  request.on_invalid = FailurePolicy::kSkipInvalid;
  request.vertices = {MakeFirm("EXT:a", "甲"), MakeFirm("12345", "坏"),
                      MakeProduct("p", "品")};
  request.edges = {
      MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_FIRM, "EXT:a"),
               Ref(v1::VERTEX_KIND_PRODUCT, "p")),
      MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_FIRM, "EXT:ghost"),
               Ref(v1::VERTEX_KIND_PRODUCT, "p")),
      MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_PRODUCT, "p"),
               Ref(v1::VERTEX_KIND_FIRM, "EXT:a"))};
  ASSERT_OK_AND_ASSIGN(WriteResult result, store_->Apply(request));
  EXPECT_EQ(result.created, 3);  // a, p and the first edge
  ASSERT_EQ(result.rejected.size(), 3u);
  EXPECT_FALSE(result.rejected[0].edge);
  EXPECT_EQ(result.rejected[0].index, 1u);
  EXPECT_THAT(result.rejected[0].status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("vertices[1].firm.key")));
  // Validation failures are found before the lock, missing endpoints
  // during the write: both are reported with their index.
  std::set<size_t> edge_indexes;
  for (const Rejected& rejected : result.rejected) {
    if (rejected.edge) edge_indexes.insert(rejected.index);
  }
  EXPECT_EQ(edge_indexes, (std::set<size_t>{1, 2}));
  ASSERT_OK_AND_ASSIGN(
      EdgePage edges,
      store_->ListEdges(Ref(v1::VERTEX_KIND_PRODUCT, "p"), Direction::kIn,
                        v1::EDGE_KIND_UNSPECIFIED, PageRequest(),
                        ScanLimits()));
  EXPECT_EQ(edges.edges.size(), 1u);
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, PartialMergeAddsCredentialsToAnExistingFirmOnly) {
  ASSERT_OK(store_->UpsertVertices({MakeFirm("EXT:a", "甲", "441900")},
                                   UpsertMode::kMerge));
  v1::Vertex credentials_only;
  credentials_only.mutable_firm()->set_key("EXT:a");
  *credentials_only.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_LITTLE_GIANT, v1::LEVEL_NATIONAL, 2022);
  ASSERT_OK_AND_ASSIGN(
      WriteResult merged,
      store_->UpsertVertices({credentials_only}, UpsertMode::kMerge));
  EXPECT_EQ(merged.updated, 1);
  ASSERT_OK_AND_ASSIGN(VertexLookup lookup,
                       store_->GetVertex(Ref(v1::VERTEX_KIND_FIRM, "EXT:a")));
  EXPECT_EQ(lookup.vertex->firm().name(), "甲");
  EXPECT_EQ(lookup.vertex->firm().credentials_size(), 1);

  credentials_only.mutable_firm()->set_key("EXT:nobody");
  EXPECT_THAT(
      store_->UpsertVertices({credentials_only}, UpsertMode::kMerge),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("vertices[0].firm.name: required to create firm")));
  EXPECT_THAT(store_->UpsertVertices({credentials_only}, UpsertMode::kReplace),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("vertices[0].firm.name: required")));
  ExpectConsistent(*store_);
}

TEST_F(StoreTest, SearchCombinesNameCredentialRegionAndCountry) {
  v1::Vertex tosda = MakeFirm(ValidUscc("91441900708017879"),
                              "广东拓斯达科技股份有限公司（东莞）");
  v1::Credential giant = MakeCredential(v1::CREDENTIAL_KIND_LITTLE_GIANT,
                                        v1::LEVEL_NATIONAL, 2021);
  giant.set_valid_from("2021-07-01");
  giant.set_valid_to("2024-06-30");
  *tosda.mutable_firm()->add_credentials() = giant;
  *tosda.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_SPECIALIZED_SME, v1::LEVEL_PROVINCIAL, 2020);
  v1::Vertex shenzhen = MakeFirm("EXT:sz", "深圳拓斯达分公司", "440300");
  *shenzhen.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_LITTLE_GIANT, v1::LEVEL_PROVINCIAL, 2022);
  v1::Vertex japan = MakeFirm("EXT:jp", "Tosda Japan", "", "JP");
  ASSERT_OK(
      store_->UpsertVertices({tosda, shenzhen, japan}, UpsertMode::kMerge));
  std::string tosda_key = tosda.firm().key();

  SearchQuery query;
  query.text = "拓斯达科技股份有限公司(东莞)";  // half-width brackets
  EXPECT_THAT(SearchAll(*store_, query), ElementsAre(tosda_key));
  query.text = "拓斯达";
  EXPECT_THAT(SearchAll(*store_, query),
              UnorderedElementsAreArray({tosda_key, std::string("EXT:sz")}));
  query.match = NameMatch::kPrefix;
  EXPECT_THAT(SearchAll(*store_, query), IsEmpty());
  query.text = "广东拓斯达";
  EXPECT_THAT(SearchAll(*store_, query), ElementsAre(tosda_key));
  query.match = NameMatch::kExact;
  EXPECT_THAT(SearchAll(*store_, query), IsEmpty());
  query.text = "广东拓斯达科技股份有限公司 (东莞)";
  EXPECT_THAT(SearchAll(*store_, query), ElementsAre(tosda_key));

  SearchQuery giants;
  giants.credential_kind = v1::CREDENTIAL_KIND_LITTLE_GIANT;
  EXPECT_THAT(SearchAll(*store_, giants),
              UnorderedElementsAreArray({tosda_key, std::string("EXT:sz")}));
  giants.region_prefix = "4419";
  EXPECT_THAT(SearchAll(*store_, giants), ElementsAre(tosda_key));
  giants.region_prefix.clear();
  giants.credential_level = v1::LEVEL_PROVINCIAL;
  EXPECT_THAT(SearchAll(*store_, giants), ElementsAre("EXT:sz"));
  giants.credential_level = v1::LEVEL_NATIONAL;
  giants.as_of = "2025-01-01";  // expired by then
  EXPECT_THAT(SearchAll(*store_, giants), IsEmpty());
  giants.as_of = "2023-01-01";
  EXPECT_THAT(SearchAll(*store_, giants), ElementsAre(tosda_key));

  SearchQuery by_country;
  by_country.country = "JP";
  EXPECT_THAT(SearchAll(*store_, by_country), ElementsAre("EXT:jp"));
  by_country.country = "CN";
  EXPECT_THAT(SearchAll(*store_, by_country),
              UnorderedElementsAreArray({tosda_key, std::string("EXT:sz")}));
  SearchQuery by_region;
  by_region.region_prefix = "44";
  by_region.text = "深圳";
  EXPECT_THAT(SearchAll(*store_, by_region), ElementsAre("EXT:sz"));
}

TEST_F(StoreTest, BadQueriesAndTokensNameTheArgument) {
  SearchQuery query;
  query.region_prefix = "44A";
  EXPECT_THAT(
      store_->SearchVertices(query, PageRequest(), ScanLimits()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("region_prefix")));
  query = SearchQuery();
  query.kind = v1::VERTEX_KIND_PRODUCT;
  query.credential_kind = v1::CREDENTIAL_KIND_LITTLE_GIANT;
  EXPECT_THAT(store_->SearchVertices(query, PageRequest(), ScanLimits()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("credential_kind")));

  PageRequest garbage;
  garbage.page_token = "not-a-token";
  EXPECT_THAT(
      store_->ListVertices(v1::VERTEX_KIND_FIRM, garbage, ScanLimits()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));

  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(store_->UpsertVertices({MakeFirm(FirmKey(i), "公司")},
                                     UpsertMode::kMerge));
  }
  PageRequest small;
  small.page_size = 1;
  ASSERT_OK_AND_ASSIGN(
      VertexPage first,
      store_->ListVertices(v1::VERTEX_KIND_FIRM, small, ScanLimits()));
  ASSERT_FALSE(first.next_page_token.empty());
  PageRequest reused;
  reused.page_token = first.next_page_token;
  EXPECT_THAT(
      store_->ListVertices(v1::VERTEX_KIND_PRODUCT, reused, ScanLimits()),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("different query")));
  PageRequest negative;
  negative.page_size = -1;
  EXPECT_THAT(
      store_->ListVertices(v1::VERTEX_KIND_FIRM, negative, ScanLimits()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
}

TEST_F(StoreTest, ScanBudgetEndsAPageEarlyWithAToken) {
  std::vector<v1::Vertex> firms;
  for (int i = 0; i < 50; ++i) firms.push_back(MakeFirm(FirmKey(i), "公司"));
  ASSERT_OK(store_->UpsertVertices(firms, UpsertMode::kMerge));
  SearchQuery query;
  query.text = "没有这个名字";
  ScanLimits limits;
  limits.max_scanned = 10;
  ASSERT_OK_AND_ASSIGN(VertexPage page,
                       store_->SearchVertices(query, PageRequest(), limits));
  EXPECT_THAT(page.vertices, IsEmpty());
  EXPECT_FALSE(page.next_page_token.empty());

  limits = ScanLimits();
  limits.deadline = absl::InfinitePast();
  limits.max_scanned = 1'000'000;
  std::vector<v1::Vertex> many;
  for (int i = 0; i < 600; ++i) many.push_back(MakeFirm(FirmKey(100 + i), "x"));
  ASSERT_OK(store_->UpsertVertices(many, UpsertMode::kMerge));
  EXPECT_THAT(store_->SearchVertices(query, PageRequest(), limits),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

// Opens the database in path with RocksDB directly, as another program
// would, and runs fn(db, handles by column family name).
template <typename Fn>
void WithRawDb(const std::string& path, Fn fn) {
  rocksdb::DBOptions options;
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, path, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
  for (size_t i = 0; i < names.size(); ++i) by_name[names[i]] = handles[i];
  fn(*db, by_name);
  for (auto* handle : handles) {
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  }
  ASSERT_TRUE(db->Close().ok());
}

TEST(StoreOpenTest, RefusesADatabaseOfAnotherFormatVersion) {
  TempDir dir;
  { ASSERT_NE(OpenStore(dir.Sub("db")), nullptr); }
  // Rewrite the version with RocksDB directly, as a future build would.
  WithRawDb(dir.Sub("db"), [](rocksdb::DB& db, auto& families) {
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), families["default"],
                       "format_version", "99")
                    .ok());
  });
  EXPECT_THAT(Store::Open(dir.Sub("db"), StoreOptions()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("format version 99")));
}

TEST(StoreConsistencyTest, ReportsDamageDoneBehindTheStoresBack) {
  TempDir dir;
  {
    std::unique_ptr<Store> store = OpenStore(dir.Sub("db"));
    ASSERT_OK(store->UpsertVertices(
        {MakeFirm("EXT:a", "甲"), MakeFirm("EXT:b", "乙")},
        UpsertMode::kMerge));
    ASSERT_OK(store->UpsertEdges(
        {MakeEdge(v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, "EXT:a"),
                  Ref(v1::VERTEX_KIND_FIRM, "EXT:b"))}));
    ExpectConsistent(*store);
  }
  WithRawDb(dir.Sub("db"), [](rocksdb::DB& db, auto& families) {
    // Drop the in_edge mirror and add an index entry nobody owns.
    std::unique_ptr<rocksdb::Iterator> it(
        db.NewIterator(rocksdb::ReadOptions(), families["in_edge"]));
    it->SeekToFirst();
    ASSERT_TRUE(it->Valid());
    ASSERT_TRUE(
        db.Delete(rocksdb::WriteOptions(), families["in_edge"], it->key())
            .ok());
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), families["index"],
                       std::string("n\x01ghost\0\0\0\0\0\0\0\0\x09", 16), "")
                    .ok());
  });
  std::unique_ptr<Store> store = OpenStore(dir.Sub("db"));
  ASSERT_OK_AND_ASSIGN(ConsistencyReport report, store->CheckConsistency());
  EXPECT_EQ(report.problem_count, 2);
  EXPECT_THAT(::testing::PrintToString(report.problems),
              HasSubstr("in_edge missing"));
  EXPECT_THAT(::testing::PrintToString(report.problems),
              HasSubstr("no record owns it"));
}

TEST(StoreOpenTest, RefusesARocksDbThatIsNotChainkgs) {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.Sub("other"), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "their", "data").ok());
    ASSERT_TRUE(db->Close().ok());
  }
  EXPECT_THAT(Store::Open(dir.Sub("other"), StoreOptions()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not a chainkg database")));
  // And it was left as it was: still only the default column family.
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                              dir.Sub("other"), &names)
                  .ok());
  EXPECT_THAT(names, ElementsAre("default"));
}

TEST(BulkImporterTest, RefusesADirectoryThatIsNotEmpty) {
  TempDir dir;
  std::ofstream(dir.Sub("notes.txt")) << "not ours";
  EXPECT_THAT(BulkImporter::Create(dir.path()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not an empty directory")));
  EXPECT_OK(BulkImporter::Create(dir.Sub("new")));
}

// The importer keeps edges and most index entries as logs of writes and
// the other keys in maps: random writes with repeated edges (updates and
// unchanged re-sends, which the importer recounts when it sorts them),
// SUPPLIES edges naming products (qualifier index entries), partial
// merges, records rejected in the middle of a request (rolled back alone)
// and all-or-nothing writes refused after some of their records were
// applied (rolled back whole), given to a store and to an importer, leave
// the same results, counts included, and the same database. (The refused
// writes once left their earlier records in an import: issue 3.)
TEST(BulkImporterTest, BuildsTheDatabaseTheSameWritesLeaveInAStore) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.Sub("store"));
  ASSERT_NE(store, nullptr);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkImporter> importer,
                       BulkImporter::Create(dir.Sub("imported")));
  importer->ExpectRecords(10, 10);  // a hint too low must not matter
  std::mt19937 random(27112026);
  constexpr int kFirms = 30;
  constexpr int kProducts = 4;
  auto pick = [&](int n) {
    return std::uniform_int_distribution<int>(0, n)(random);
  };
  // Natural keys short enough for the importer to keep in its map's slots,
  // and longer ones, which it keeps in its byte arena.
  auto firm_key = [](int i) {
    return i % 3 == 0 ? absl::StrCat("EXT:东莞市精密制造有限公司", i)
                      : FirmKey(i);
  };
  int rejected = 0, refused = 0;
  // What the import's audit record must count: the accepted writes.
  int64_t accepted = 0, created = 0, updated = 0, unchanged = 0;
  // Per step (= Apply call): the store's counts, and the importer's.
  struct Counts {
    int64_t created = 0, updated = 0, unchanged = 0;
    bool operator==(const Counts& other) const {
      return created == other.created && updated == other.updated &&
             unchanged == other.unchanged;
    }
  };
  std::vector<Counts> want_counts, got_counts;
  for (int step = 0; step < 300; ++step) {
    WriteRequest request;
    // All or nothing: a bad record after good ones undoes the whole write.
    request.on_invalid = pick(3) == 0 ? FailurePolicy::kAllOrNothing
                                      : FailurePolicy::kSkipInvalid;
    int records = std::uniform_int_distribution<int>(1, 8)(random);
    for (int i = 0; i < records; ++i) {
      int what = pick(5);
      if (what == 0) {
        v1::Vertex firm =
            MakeFirm(firm_key(pick(kFirms)), absl::StrCat("名", pick(3)));
        if (pick(3) == 0) firm.mutable_firm()->set_name("");  // merge only
        request.vertices.push_back(std::move(firm));
      } else if (what == 1) {
        request.vertices.push_back(MakeProduct(
            absl::StrCat("p", pick(kProducts)), absl::StrCat("品", pick(2))));
      } else {
        v1::Edge edge =
            MakeEdge(v1::EDGE_KIND_SUPPLIES,
                     Ref(v1::VERTEX_KIND_FIRM, firm_key(pick(kFirms))),
                     Ref(v1::VERTEX_KIND_FIRM, firm_key(pick(kFirms))));
        // Same identity, another value: an update (or unchanged).
        edge.mutable_supplies()->set_share(pick(2) * 0.25);
        // A product that may not exist yet: the edge is then rejected.
        if (pick(2) == 0) {
          edge.mutable_supplies()->set_product_key(
              absl::StrCat("p", pick(kProducts + 2)));
        }
        request.edges.push_back(std::move(edge));
      }
    }
    absl::StatusOr<WriteResult> want = store->Apply(request);
    absl::StatusOr<WriteResult> got = importer->Apply(request);
    ASSERT_EQ(got.status(), want.status()) << "step " << step;
    want_counts.emplace_back();
    got_counts.emplace_back();
    if (!want.ok()) {
      ++refused;
      continue;
    }
    want_counts.back() = {want->created, want->updated, want->unchanged};
    got_counts.back() = {got->created, got->updated, got->unchanged};
    EXPECT_EQ(got->rejected.size(), want->rejected.size()) << "step " << step;
    rejected += static_cast<int>(got->rejected.size());
    accepted +=
        static_cast<int64_t>(request.vertices.size() + request.edges.size());
    created += want->created;
    updated += want->updated;
    unchanged += want->unchanged;
  }
  // Rollbacks of records and of whole writes happened.
  EXPECT_GT(rejected, 50);
  EXPECT_GT(refused, 20);
  ASSERT_OK_AND_ASSIGN(ImportResult import, importer->Finish());
  int recounted = 0;
  for (const EdgeRecount& recount : import.recounts) {
    ASSERT_LT(recount.apply, static_cast<int64_t>(got_counts.size()));
    Counts& counts = got_counts[recount.apply];
    counts.created -= recount.updated + recount.unchanged;
    counts.updated += recount.updated;
    counts.unchanged += recount.unchanged;
    recounted += static_cast<int>(recount.updated + recount.unchanged);
  }
  EXPECT_GT(recounted, 50);  // repeated edges, in the same call or later
  for (size_t step = 0; step < want_counts.size(); ++step) {
    EXPECT_TRUE(got_counts[step] == want_counts[step]) << "step " << step;
  }
  store.reset();
  ASSERT_OK_AND_ASSIGN(testing::DatabaseDump got,
                       testing::DumpDatabase(dir.Sub("imported")));
  ASSERT_OK_AND_ASSIGN(testing::DatabaseDump want,
                       testing::DumpDatabase(dir.Sub("store")));
  // The one expected difference: audit records. The store keeps none here
  // (no principal); the import keeps one for itself.
  std::vector<std::pair<std::string, std::string>> audit;
  for (testing::DatabaseDump* dump : {&got, &want}) {
    auto& meta = (*dump)["default"];
    auto first_audit =
        std::stable_partition(meta.begin(), meta.end(), [](const auto& entry) {
          return !absl::StartsWith(entry.first, "audit/");
        });
    if (dump == &got) audit.assign(first_audit, meta.end());
    meta.erase(first_audit, meta.end());
  }
  ASSERT_EQ(audit.size(), 1u);
  v1::AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(audit[0].second));
  EXPECT_EQ(record.principal(), "local");
  EXPECT_EQ(record.rpc(), "chainkg-import");
  EXPECT_EQ(record.records(), accepted);
  EXPECT_EQ(record.created(), created);
  EXPECT_EQ(record.updated(), updated);
  EXPECT_EQ(record.unchanged(), unchanged);
  EXPECT_EQ(record.rejected(), rejected);
  EXPECT_EQ(record.sequence(), 1u);
  EXPECT_GT(want["in_edge"].size(), 100u);
  EXPECT_GT(want["index"].size(), 40u);
  for (const auto& [family, entries] : want) {
    EXPECT_TRUE(got[family] == entries) << "column family " << family;
  }
  EXPECT_EQ(got.size(), want.size());

  // A server on the import answers from view 1, not 0, and lists the
  // import's record.
  std::unique_ptr<Store> imported = OpenStore(dir.Sub("imported"));
  ASSERT_NE(imported, nullptr);
  EXPECT_EQ(imported->LatestSequence(), 1u);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::AuditRecord> listed,
                       imported->ListAudit(10));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].rpc(), "chainkg-import");
  EXPECT_EQ(listed[0].records(), accepted);
}

// An import whose SST files do not fit on the disk fails with an error
// and leaves the directory empty; the process goes on (RocksDB's own info
// logger aborts on the first write after a failed one).
TEST(BulkImporterTest, FullDiskFailsTheImportAndLeavesNothing) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  TempDir dir;
  const std::string disk = dir.Sub("tmpfs");
  std::filesystem::create_directories(disk);
  if (mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=4m") != 0) {
    GTEST_SKIP() << "cannot mount a 4 MiB tmpfs: " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{disk};
  const std::string db = disk + "/db";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkImporter> importer,
                       BulkImporter::Create(db));
  // ~10 MB of names: more than the disk holds even compressed.
  std::mt19937 random(20261127);
  for (int batch = 0; batch < 20; ++batch) {
    WriteRequest request;
    for (int i = 0; i < 1000; ++i) {
      std::string name;
      for (int c = 0; c < 170; ++c) {
        name.push_back(static_cast<char>('a' + random() % 26));
      }
      request.vertices.push_back(
          MakeFirm(absl::StrCat("EXT:full-", batch, "-", i), name));
    }
    ASSERT_OK(importer->Apply(std::move(request)));
  }
  absl::StatusOr<ImportResult> finished = importer->Finish();
  EXPECT_FALSE(finished.ok());
  EXPECT_THAT(finished.status().code(),
              ::testing::AnyOf(absl::StatusCode::kResourceExhausted,
                               absl::StatusCode::kUnavailable))
      << finished.status();
  EXPECT_TRUE(std::filesystem::is_empty(db));
}

TEST(StoreOpenTest, MissingDatabaseIsNotFoundWithoutCreateIfMissing) {
  TempDir dir;
  StoreOptions options;
  options.create_if_missing = false;
  EXPECT_THAT(Store::Open(dir.Sub("absent"), options),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(StoreOpenTest, SecondOpenOfTheSameDirectoryIsRefused) {
  TempDir dir;
  std::unique_ptr<Store> first = OpenStore(dir.Sub("db"));
  ASSERT_NE(first, nullptr);
  EXPECT_THAT(Store::Open(dir.Sub("db"), StoreOptions()),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("lock")));
}

// Random upserts and deletes of vertices and edges, checked after each step
// against a plain in-memory model and the store's own invariant checker.
TEST(StoreRandomTest, MatchesAnInMemoryModel) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.Sub("db"));
  std::mt19937 random(20261126);
  std::set<std::string> firms;
  std::set<std::tuple<std::string, std::string>> supplies;
  constexpr int kFirms = 25;
  for (int step = 0; step < 300; ++step) {
    int op = std::uniform_int_distribution<int>(0, 9)(random);
    std::string a =
        FirmKey(std::uniform_int_distribution<int>(0, kFirms)(random));
    std::string b =
        FirmKey(std::uniform_int_distribution<int>(0, kFirms)(random));
    if (op < 4) {
      ASSERT_OK(store->UpsertVertices({MakeFirm(a, absl::StrCat("名", step))},
                                      UpsertMode::kMerge));
      firms.insert(a);
    } else if (op < 8) {
      absl::StatusOr<WriteResult> result = store->UpsertEdges(
          {MakeEdge(v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, a),
                    Ref(v1::VERTEX_KIND_FIRM, b))});
      if (firms.count(a) && firms.count(b)) {
        ASSERT_OK(result);
        supplies.insert({a, b});
      } else {
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kNotFound));
      }
    } else {
      ASSERT_OK(store->DeleteVertices({Ref(v1::VERTEX_KIND_FIRM, a)}));
      firms.erase(a);
      for (auto it = supplies.begin(); it != supplies.end();) {
        if (std::get<0>(*it) == a || std::get<1>(*it) == a) {
          it = supplies.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (step % 25 == 24) {
      ASSERT_OK_AND_ASSIGN(VertexPage all,
                           store->ListVertices(v1::VERTEX_KIND_FIRM,
                                               PageRequest(), ScanLimits()));
      std::vector<std::string> keys = Keys(all.vertices);
      EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), firms);
      std::set<std::tuple<std::string, std::string>> stored;
      for (const std::string& firm : firms) {
        for (Direction direction : {Direction::kOut, Direction::kIn}) {
          ASSERT_OK_AND_ASSIGN(
              EdgePage page, store->ListEdges(Ref(v1::VERTEX_KIND_FIRM, firm),
                                              direction, v1::EDGE_KIND_SUPPLIES,
                                              PageRequest(), ScanLimits()));
          for (const v1::Edge& edge : page.edges) {
            stored.insert({edge.from().key(), edge.to().key()});
          }
        }
      }
      EXPECT_EQ(stored, supplies);
      ExpectConsistent(*store);
    }
  }
}

// Submit applies a write while earlier ones are still being committed, so
// it must read their keys from memory: random dependent writes (firms,
// edges between them, deletes that scan a firm's edges, records rejected
// for naming a firm that does not exist yet), submitted back to back on
// one store and applied one by one on another, give the same results,
// sequence numbers and database.
TEST(StorePipelineTest, SubmittedWritesMatchTheSameWritesAppliedOneByOne) {
  TempDir dir;
  std::unique_ptr<Store> pipelined = OpenStore(dir.Sub("pipelined"));
  std::unique_ptr<Store> sequential = OpenStore(dir.Sub("sequential"));
  ASSERT_NE(pipelined, nullptr);
  ASSERT_NE(sequential, nullptr);
  std::mt19937 random(26112026);
  constexpr int kFirms = 40;
  auto firm = [&] {
    return FirmKey(std::uniform_int_distribution<int>(0, kFirms)(random));
  };
  // A step is a write, or a delete of the firm named (request empty).
  struct Step {
    WriteRequest request;
    std::string deleted;
  };
  std::vector<Step> steps(600);
  for (int step = 0; step < static_cast<int>(steps.size()); ++step) {
    if (std::uniform_int_distribution<int>(0, 14)(random) == 0) {
      steps[step].deleted = firm();
      continue;
    }
    WriteRequest& request = steps[step].request;
    request.on_invalid = FailurePolicy::kSkipInvalid;
    request.audit = {"tester", "Test", "local"};
    int records = std::uniform_int_distribution<int>(1, 6)(random);
    for (int i = 0; i < records; ++i) {
      if (std::uniform_int_distribution<int>(0, 1)(random) == 0) {
        v1::Vertex vertex = MakeFirm(firm(), absl::StrCat("名", step, "-", i));
        if (i % 2 == 1) vertex.mutable_firm()->set_name("");  // merge only
        request.vertices.push_back(std::move(vertex));
      } else {
        request.edges.push_back(MakeEdge(v1::EDGE_KIND_SUPPLIES,
                                         Ref(v1::VERTEX_KIND_FIRM, firm()),
                                         Ref(v1::VERTEX_KIND_FIRM, firm())));
      }
    }
  }
  // The oracle: one write at a time.
  std::vector<absl::StatusOr<WriteResult>> expected;
  std::vector<absl::StatusOr<WriteResult>> expected_deletes;
  for (const Step& step : steps) {
    if (step.deleted.empty()) {
      expected.push_back(sequential->Apply(step.request));
    } else {
      expected_deletes.push_back(sequential->DeleteVertices(
          {Ref(v1::VERTEX_KIND_FIRM, step.deleted)}));
    }
  }
  // Back to back: each write is applied while those before it commit.
  std::vector<std::future<absl::StatusOr<WriteResult>>> submitted;
  int deletes = 0;
  for (Step& step : steps) {
    if (!step.deleted.empty()) {
      // A delete scans the firm's edges, some of them still uncommitted.
      absl::StatusOr<WriteResult> deleted =
          pipelined->DeleteVertices({Ref(v1::VERTEX_KIND_FIRM, step.deleted)});
      const absl::StatusOr<WriteResult>& oracle = expected_deletes[deletes++];
      ASSERT_OK(deleted);
      ASSERT_OK(oracle);
      EXPECT_EQ(deleted->deleted, oracle->deleted) << "delete " << deletes;
      EXPECT_EQ(deleted->edges_deleted, oracle->edges_deleted)
          << "delete " << deletes;
      EXPECT_EQ(deleted->sequence, oracle->sequence) << "delete " << deletes;
      continue;
    }
    auto promise =
        std::make_shared<std::promise<absl::StatusOr<WriteResult>>>();
    submitted.push_back(promise->get_future());
    pipelined->Submit(std::move(step.request),
                      [promise](absl::StatusOr<WriteResult> result) {
                        promise->set_value(std::move(result));
                      });
  }
  ASSERT_EQ(submitted.size(), expected.size());
  int rejected = 0;
  for (size_t i = 0; i < submitted.size(); ++i) {
    absl::StatusOr<WriteResult> got = submitted[i].get();
    ASSERT_OK(got);
    ASSERT_OK(expected[i]);
    EXPECT_EQ(got->created, expected[i]->created) << "write " << i;
    EXPECT_EQ(got->updated, expected[i]->updated) << "write " << i;
    EXPECT_EQ(got->unchanged, expected[i]->unchanged) << "write " << i;
    EXPECT_EQ(got->rejected.size(), expected[i]->rejected.size())
        << "write " << i;
    EXPECT_EQ(got->sequence, expected[i]->sequence) << "write " << i;
    rejected += static_cast<int>(got->rejected.size());
  }
  // The sequence gave every kind of step something to do.
  EXPECT_GT(deletes, 20);
  EXPECT_GT(rejected, 10);
  EXPECT_EQ(pipelined->LatestSequence(), sequential->LatestSequence());
  ExpectConsistent(*pipelined);
  pipelined.reset();
  sequential.reset();
  ASSERT_OK_AND_ASSIGN(testing::DatabaseDump got,
                       testing::DumpDatabase(dir.Sub("pipelined")));
  ASSERT_OK_AND_ASSIGN(testing::DatabaseDump want,
                       testing::DumpDatabase(dir.Sub("sequential")));
  // Audit keys hold the time of each write; their number must agree.
  auto drop_audit = [](testing::DatabaseDump& dump) {
    auto& meta = dump["default"];
    size_t before = meta.size();
    meta.erase(std::remove_if(meta.begin(), meta.end(),
                              [](const auto& entry) {
                                return absl::StartsWith(entry.first, "audit/");
                              }),
               meta.end());
    return before - meta.size();
  };
  EXPECT_EQ(drop_audit(got), drop_audit(want));
  EXPECT_TRUE(got == want);
}

}  // namespace
}  // namespace chainkg::graph
