#include "graph/store/vertex_record.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/records.h"

namespace chainkg::graph {
namespace {

using ::chainkg::testing::MakeCredential;
using ::chainkg::testing::MakeFirm;
using ::testing::ElementsAre;

TEST(VertexRecordTest, MergeKeepsStoredFieldsTheUpdateLeavesEmpty) {
  v1::Vertex stored = MakeFirm("EXT:A", "甲公司", "441900");
  stored.mutable_firm()->set_industry_code("C3562");
  v1::Vertex update = MakeFirm("EXT:A", "甲科技公司", "");
  v1::Vertex merged = MergeVertex(stored, update);
  EXPECT_EQ(merged.firm().name(), "甲科技公司");
  EXPECT_EQ(merged.firm().region_code(), "441900");
  EXPECT_EQ(merged.firm().industry_code(), "C3562");
}

TEST(VertexRecordTest, MergeUnionsNamesAndMergesCredentialsByIdentity) {
  v1::Vertex stored = MakeFirm("EXT:A", "甲", "441900");
  stored.mutable_firm()->add_former_names("旧名一");
  *stored.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_LITTLE_GIANT, v1::LEVEL_NATIONAL, 2021);
  *stored.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE, v1::LEVEL_NATIONAL, 2020);

  v1::Vertex update = MakeFirm("EXT:A", "甲", "");
  update.mutable_firm()->add_former_names("旧名二");
  update.mutable_firm()->add_former_names("旧名一");
  v1::Credential revoked = MakeCredential(v1::CREDENTIAL_KIND_LITTLE_GIANT,
                                          v1::LEVEL_NATIONAL, 2021);
  revoked.set_status(v1::CREDENTIAL_STATUS_REVOKED);
  *update.mutable_firm()->add_credentials() = revoked;
  *update.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_SPECIALIZED_SME, v1::LEVEL_PROVINCIAL, 2022);

  v1::Vertex merged = MergeVertex(stored, update);
  EXPECT_THAT(merged.firm().former_names(), ElementsAre("旧名一", "旧名二"));
  ASSERT_EQ(merged.firm().credentials_size(), 3);
  EXPECT_EQ(merged.firm().credentials(0).status(),
            v1::CREDENTIAL_STATUS_REVOKED);
  EXPECT_EQ(merged.firm().credentials(1).kind(),
            v1::CREDENTIAL_KIND_HIGH_TECH_ENTERPRISE);
  EXPECT_EQ(merged.firm().credentials(2).kind(),
            v1::CREDENTIAL_KIND_SPECIALIZED_SME);
}

TEST(VertexRecordTest, MergeOfIdenticalRecordChangesNothing) {
  v1::Vertex stored = MakeFirm("EXT:A", "甲", "441900");
  *stored.mutable_firm()->add_credentials() = MakeCredential(
      v1::CREDENTIAL_KIND_LITTLE_GIANT, v1::LEVEL_NATIONAL, 2021);
  EXPECT_EQ(MergeVertex(stored, stored).SerializeAsString(),
            stored.SerializeAsString());
}

TEST(VertexRecordTest, NormalizedNamesAreDistinctAndSorted) {
  v1::Vertex firm = MakeFirm("EXT:A", "甲（东莞）", "441900");
  firm.mutable_firm()->add_former_names("甲(东莞)");
  firm.mutable_firm()->add_former_names("乙");
  EXPECT_THAT(NormalizedNamesOf(firm), ElementsAre("乙", "甲(东莞)"));
}

TEST(VertexRecordTest, CredentialInForceHonoursStatusAndDates) {
  v1::Credential credential = MakeCredential(v1::CREDENTIAL_KIND_LITTLE_GIANT,
                                             v1::LEVEL_NATIONAL, 2021);
  credential.set_valid_from("2021-07-01");
  credential.set_valid_to("2024-06-30");
  EXPECT_TRUE(CredentialInForce(credential, ""));
  EXPECT_TRUE(CredentialInForce(credential, "2021-07-01"));
  EXPECT_TRUE(CredentialInForce(credential, "2024-06-30"));
  EXPECT_FALSE(CredentialInForce(credential, "2021-06-30"));
  EXPECT_FALSE(CredentialInForce(credential, "2024-07-01"));
  credential.set_status(v1::CREDENTIAL_STATUS_REVOKED);
  EXPECT_FALSE(CredentialInForce(credential, ""));
}

TEST(VertexRecordTest, LocationDefaultsToChina) {
  EXPECT_EQ(LocationOf(MakeFirm("EXT:A", "甲", "441900"))->country, "CN");
  EXPECT_EQ(LocationOf(MakeFirm("EXT:B", "B", "", "JP"))->country, "JP");
  EXPECT_FALSE(
      LocationOf(::chainkg::testing::MakeProduct("p", "产品")).has_value());
}

}  // namespace
}  // namespace chainkg::graph
