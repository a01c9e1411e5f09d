#include "graph/store/key_codec.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"

namespace chainkg::graph {
namespace {

TEST(KeyCodecTest, VertexKeysSortByKindThenSequence) {
  std::vector<VertexId> ids = {VertexId::Make(v1::VERTEX_KIND_PRODUCT, 1),
                               VertexId::Make(v1::VERTEX_KIND_FIRM, 300),
                               VertexId::Make(v1::VERTEX_KIND_FIRM, 2),
                               VertexId::Make(v1::VERTEX_KIND_FIRM, 256),
                               VertexId::Make(v1::VERTEX_KIND_CHAIN, 1)};
  std::vector<std::string> keys;
  for (VertexId id : ids) keys.push_back(VertexKey(id));
  std::sort(keys.begin(), keys.end());
  std::vector<VertexId> sorted;
  for (const std::string& key : keys) sorted.push_back(*ParseVertexKey(key));
  std::vector<VertexId> expected = {VertexId::Make(v1::VERTEX_KIND_FIRM, 2),
                                    VertexId::Make(v1::VERTEX_KIND_FIRM, 256),
                                    VertexId::Make(v1::VERTEX_KIND_FIRM, 300),
                                    VertexId::Make(v1::VERTEX_KIND_PRODUCT, 1),
                                    VertexId::Make(v1::VERTEX_KIND_CHAIN, 1)};
  EXPECT_EQ(sorted, expected);
  // Every firm key lies in the firm range.
  for (const std::string& key : keys) {
    bool is_firm = ParseVertexKey(key)->kind() == v1::VERTEX_KIND_FIRM;
    EXPECT_EQ(is_firm, key >= VertexKindBegin(v1::VERTEX_KIND_FIRM) &&
                           key < VertexKindBegin(v1::VERTEX_KIND_PRODUCT));
  }
}

TEST(KeyCodecTest, VertexIdCarriesKindAndSequence) {
  VertexId id = VertexId::Make(v1::VERTEX_KIND_PROJECT, 123456789);
  EXPECT_EQ(id.kind(), v1::VERTEX_KIND_PROJECT);
  EXPECT_EQ(id.sequence(), 123456789u);
  EXPECT_TRUE(id.IsValid());
  EXPECT_FALSE(VertexId().IsValid());
  EXPECT_EQ(VertexKey(id).size(), 8u);
}

TEST(KeyCodecTest, EdgeKeysRoundTripAndGroupByVertexThenKind) {
  VertexId a = VertexId::Make(v1::VERTEX_KIND_FIRM, 1);
  VertexId b = VertexId::Make(v1::VERTEX_KIND_FIRM, 2);
  VertexId p = VertexId::Make(v1::VERTEX_KIND_PRODUCT, 7);
  EdgeKeyParts parts{a, v1::EDGE_KIND_SUPPLIES, b, p.value()};
  std::string key = EdgeKey(parts);
  ASSERT_EQ(key.size(), kEdgeKeyBytes);
  std::optional<EdgeKeyParts> parsed = ParseEdgeKey(key);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->near, a);
  EXPECT_EQ(parsed->kind, v1::EDGE_KIND_SUPPLIES);
  EXPECT_EQ(parsed->far, b);
  EXPECT_EQ(parsed->qualifier, p.value());
  EXPECT_EQ(key.compare(0, 9, EdgePrefix(a, v1::EDGE_KIND_SUPPLIES)), 0);
  EXPECT_EQ(key.compare(0, 8, EdgePrefix(a, v1::EDGE_KIND_UNSPECIFIED)), 0);
  // PRODUCES (1) edges of a sort before its SUPPLIES (2) edges.
  std::string produces = EdgeKey({a, v1::EDGE_KIND_PRODUCES, p, 0});
  EXPECT_LT(produces, key);
  // The mirror swaps the ends and keeps kind and qualifier.
  std::optional<EdgeKeyParts> mirror = ParseEdgeKey(MirrorEdgeKey(parts));
  EXPECT_EQ(mirror->near, b);
  EXPECT_EQ(mirror->far, a);
  EXPECT_EQ(mirror->qualifier, p.value());
  EXPECT_FALSE(ParseEdgeKey("short").has_value());
}

TEST(KeyCodecTest, NameIndexPrefixSelectsNamesStartingWithIt) {
  VertexId id = VertexId::Make(v1::VERTEX_KIND_FIRM, 5);
  std::string key = NameIndexKey(v1::VERTEX_KIND_FIRM, "东莞市", id);
  EXPECT_EQ(key.compare(0, NameIndexPrefix(v1::VERTEX_KIND_FIRM, "东莞").size(),
                        NameIndexPrefix(v1::VERTEX_KIND_FIRM, "东莞")),
            0);
  EXPECT_EQ(TrailingId(key), id);
  // A product name never falls in the firm range.
  std::string product = NameIndexKey(v1::VERTEX_KIND_PRODUCT, "东莞市", id);
  EXPECT_NE(product.compare(0, 2, NameIndexPrefix(v1::VERTEX_KIND_FIRM, "")),
            0);
}

TEST(KeyCodecTest, RegionPrefixScanCoversTheCityOnly) {
  VertexId id = VertexId::Make(v1::VERTEX_KIND_FIRM, 1);
  std::string dongguan = RegionIndexKey(v1::VERTEX_KIND_FIRM, "", "441900", id);
  std::string shenzhen =
      RegionIndexKey(v1::VERTEX_KIND_FIRM, "CN", "440300", id);
  std::string abroad = RegionIndexKey(v1::VERTEX_KIND_FIRM, "JP", "", id);
  std::string prefix = RegionIndexPrefix(v1::VERTEX_KIND_FIRM, "CN", "4419");
  EXPECT_EQ(dongguan.compare(0, prefix.size(), prefix), 0);
  EXPECT_NE(shenzhen.compare(0, prefix.size(), prefix), 0);
  EXPECT_NE(abroad.compare(0, prefix.size(), prefix), 0);
  EXPECT_EQ(TrailingId(abroad), id);
}

TEST(KeyCodecTest, CredentialKeysHoldTheLevelByte) {
  VertexId id = VertexId::Make(v1::VERTEX_KIND_FIRM, 9);
  std::string key = CredentialIndexKey(v1::CREDENTIAL_KIND_LITTLE_GIANT, "",
                                       "441900", v1::LEVEL_NATIONAL, id);
  EXPECT_EQ(CredentialIndexLevel(key), v1::LEVEL_NATIONAL);
  EXPECT_EQ(TrailingId(key), id);
  std::string prefix =
      CredentialIndexPrefix(v1::CREDENTIAL_KIND_LITTLE_GIANT, "CN", "44");
  EXPECT_EQ(key.compare(0, prefix.size(), prefix), 0);
}

TEST(KeyCodecTest, PrefixSuccessorIsTheTightUpperBound) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
  std::string prefix = "k\x01";
  EXPECT_LT(prefix + "\xff\xff", PrefixSuccessor(prefix));
}

}  // namespace
}  // namespace chainkg::graph
