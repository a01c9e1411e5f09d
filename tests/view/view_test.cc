// View: the per-vertex strings (one record per vertex) and lookups, on views
// built record by record.
#include "graph/view/view.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace chainkg::graph {
namespace {

TEST(ViewTest, TextsGiveEachVertexItsOwnStrings) {
  View::Builder builder;
  v1::Vertex firm;
  firm.mutable_firm()->set_key("91440300MA5G000001");
  // Longer than a cache line, so the record spans several.
  firm.mutable_firm()->set_name(
      "深圳市某某新能源科技有限公司东莞分公司（特殊普通合伙）");
  firm.mutable_firm()->set_region_code("441900");
  ASSERT_OK(builder.AddVertex(VertexId::Make(v1::VERTEX_KIND_FIRM, 1), firm));
  v1::Vertex abroad;
  abroad.mutable_firm()->set_key("TW:2330");
  abroad.mutable_firm()->set_name("TSMC");
  abroad.mutable_firm()->set_country("TW");
  ASSERT_OK(builder.AddVertex(VertexId::Make(v1::VERTEX_KIND_FIRM, 2), abroad));
  v1::Vertex product;
  product.mutable_product()->set_key("cell");
  ASSERT_OK(
      builder.AddVertex(VertexId::Make(v1::VERTEX_KIND_PRODUCT, 3), product));
  v1::Vertex platform;
  platform.mutable_platform()->set_key("LAB1");
  platform.mutable_platform()->set_name("lab");
  platform.mutable_platform()->set_region_code("4403");
  ASSERT_OK(
      builder.AddVertex(VertexId::Make(v1::VERTEX_KIND_PLATFORM, 4), platform));
  std::shared_ptr<const View> view = std::move(builder).Finish(7);
  ASSERT_EQ(view->vertex_count(), 4u);

  View::Texts texts = view->texts(ViewIndex(0));
  EXPECT_EQ(texts.key, "91440300MA5G000001");
  EXPECT_EQ(texts.name, firm.firm().name());
  EXPECT_EQ(texts.country, "CN") << "empty country reads as CN";
  EXPECT_EQ(texts.region, "441900");
  texts = view->texts(ViewIndex(1));
  EXPECT_EQ(texts.key, "TW:2330");
  EXPECT_EQ(texts.name, "TSMC");
  EXPECT_EQ(texts.country, "TW");
  EXPECT_EQ(texts.region, "");
  texts = view->texts(ViewIndex(2));
  EXPECT_EQ(texts.key, "cell");
  EXPECT_EQ(texts.name, "");
  EXPECT_EQ(texts.country, "") << "products have no location";
  EXPECT_EQ(texts.region, "");
  texts = view->texts(ViewIndex(3));
  EXPECT_EQ(texts.kind, v1::VERTEX_KIND_PLATFORM);
  EXPECT_EQ(texts.key, "LAB1");
  EXPECT_EQ(texts.country, "CN");
  EXPECT_EQ(texts.region, "4403");
  for (uint32_t v = 0; v < view->vertex_count(); ++v) {
    texts = view->texts(ViewIndex(v));
    EXPECT_EQ(view->key(ViewIndex(v)), texts.key);
    EXPECT_EQ(view->name(ViewIndex(v)), texts.name);
    EXPECT_EQ(view->country(ViewIndex(v)), texts.country);
    EXPECT_EQ(view->region(ViewIndex(v)), texts.region);
    EXPECT_EQ(texts.joined,
              absl::StrCat(texts.key, texts.name, texts.country, texts.region));
    EXPECT_EQ(texts.kind, view->kind(ViewIndex(v)));
    // The hints read the record without changing anything.
    view->PrefetchTextsOffset(ViewIndex(v));
    view->PrefetchTexts(ViewIndex(v));
  }
  EXPECT_EQ(view->Find(v1::VERTEX_KIND_FIRM, "TW:2330"), ViewIndex(1));
  EXPECT_EQ(view->Find(v1::VERTEX_KIND_PRODUCT, "TW:2330"), std::nullopt);
}

TEST(ViewTest, ManyVerticesKeepTheirStringsAfterTheTextGrows) {
  View::Builder builder;
  constexpr int kFirms = 5000;
  for (int i = 0; i < kFirms; ++i) {
    v1::Vertex vertex;
    vertex.mutable_firm()->set_key(absl::StrCat("F", i));
    vertex.mutable_firm()->set_name(std::string(i % 97, 'n'));
    vertex.mutable_firm()->set_region_code(absl::StrCat(440000 + i % 100));
    ASSERT_OK(builder.AddVertex(
        VertexId::Make(v1::VERTEX_KIND_FIRM, static_cast<uint64_t>(i) + 1),
        vertex));
  }
  std::shared_ptr<const View> view = std::move(builder).Finish(1);
  for (int i = 0; i < kFirms; ++i) {
    View::Texts texts = view->texts(ViewIndex(i));
    ASSERT_EQ(texts.key, absl::StrCat("F", i));
    ASSERT_EQ(texts.name, std::string(i % 97, 'n'));
    ASSERT_EQ(texts.country, "CN");
    ASSERT_EQ(texts.region, absl::StrCat(440000 + i % 100));
  }
  EXPECT_GT(view->MemoryBytes(), 0u);
}

}  // namespace
}  // namespace chainkg::graph
