#include "graph/store/validate.h"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

#include "tests/testing/records.h"
#include "tests/testing/status_matchers.h"
#include "util/field_error.h"

namespace chainkg::graph {
namespace {

using ::chainkg::testing::MakeEdge;
using ::chainkg::testing::MakeFirm;
using ::chainkg::testing::Ref;
using ::chainkg::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::string FieldOfError(const absl::Status& status) {
  return FieldOf(status).value_or("<none>");
}

TEST(ValidateTest, CanonicalizesFirmKeysAndNames) {
  v1::Vertex vertex = MakeFirm(" 91441900708017879m ", "  拓斯达  ");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> warnings,
                       CanonicalizeVertex(&vertex));
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(vertex.firm().key(), "91441900708017879M");
  EXPECT_EQ(vertex.firm().name(), "拓斯达");

  v1::Vertex listed = MakeFirm("sse: 600373 ", "中文传媒", "");
  ASSERT_OK(CanonicalizeVertex(&listed));
  EXPECT_EQ(listed.firm().key(), "SSE:600373");
}

TEST(ValidateTest, CheckDigitFailureIsAWarningNotAnError) {
  v1::Vertex vertex = MakeFirm("91350211M00013FA1N", "厦门某公司", "350211");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> warnings,
                       CanonicalizeVertex(&vertex));
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("firm.key"));
  EXPECT_THAT(warnings[0], HasSubstr("check digit"));
}

TEST(ValidateTest, MalformedInputNamesTheField) {
  struct Case {
    v1::Vertex vertex;
    std::string field;
  };
  v1::Vertex no_record;
  v1::Vertex bad_uscc = MakeFirm("123", "x");
  v1::Vertex no_name = MakeFirm("91441900708017879M", " ");
  v1::Vertex bad_region = MakeFirm("91441900708017879M", "x", "4419");
  v1::Vertex foreign_region = MakeFirm("EXT:Foo", "Foo", "441900", "JP");
  v1::Vertex bad_country = MakeFirm("EXT:Foo", "Foo", "", "Japan");
  v1::Vertex bad_namespace = MakeFirm("1X:abc", "Foo", "");
  v1::Vertex empty_id = MakeFirm("EXT: ", "Foo", "");
  v1::Vertex bad_industry = MakeFirm("EXT:Foo", "Foo", "");
  bad_industry.mutable_firm()->set_industry_code("C35621");
  v1::Vertex bad_credential = MakeFirm("EXT:Foo", "Foo", "");
  bad_credential.mutable_firm()->add_credentials()->set_valid_from(
      "2023-01-01");
  v1::Vertex bad_date = MakeFirm("EXT:Foo", "Foo", "");
  v1::Credential* credential = bad_date.mutable_firm()->add_credentials();
  credential->set_kind(v1::CREDENTIAL_KIND_LITTLE_GIANT);
  credential->set_valid_to("2023-02-30");
  v1::Vertex bad_utf8 = MakeFirm("EXT:Foo", "Foo\xff", "");
  v1::Vertex no_key = ::chainkg::testing::MakeProduct("", "锂电池");
  v1::Vertex invisible_name = MakeFirm("EXT:Foo", "\u200b\u3000", "");
  v1::Vertex control_name = MakeFirm("EXT:Foo", "甲\x01乙", "");
  v1::Vertex empty_former = MakeFirm("EXT:Foo", "Foo", "");
  empty_former.mutable_firm()->add_former_names(" ");
  v1::Vertex unknown_level = MakeFirm("EXT:Foo", "Foo", "");
  v1::Credential* odd = unknown_level.mutable_firm()->add_credentials();
  odd->set_kind(v1::CREDENTIAL_KIND_LITTLE_GIANT);
  odd->set_level(static_cast<v1::Level>(9));
  v1::Vertex bad_batch = MakeFirm("EXT:Foo", "Foo", "");
  bad_batch.mutable_firm()->add_credentials()->set_kind(
      v1::CREDENTIAL_KIND_LITTLE_GIANT);
  v1::Credential* second = bad_batch.mutable_firm()->add_credentials();
  second->set_kind(v1::CREDENTIAL_KIND_LITTLE_GIANT);
  second->set_batch("\xff");
  v1::Vertex many_aliases = MakeFirm("EXT:Foo", "Foo", "");
  for (int i = 0; i <= 200; ++i) {
    many_aliases.mutable_firm()->add_aliases(absl::StrCat("a", i));
  }
  v1::Vertex late_start = ::chainkg::testing::MakeProduct("p", "x");
  late_start.clear_product();
  late_start.mutable_project()->set_key("P1");
  late_start.mutable_project()->set_name("项目");
  late_start.mutable_project()->set_start_date("2025-01-01");
  late_start.mutable_project()->set_end_date("2024-01-01");
  const Case cases[] = {
      {no_record, "record"},
      {bad_uscc, "firm.key"},
      {no_name, "firm.name"},
      {bad_region, "firm.region_code"},
      {foreign_region, "firm.region_code"},
      {bad_country, "firm.country"},
      {bad_namespace, "firm.key"},
      {empty_id, "firm.key"},
      {bad_industry, "firm.industry_code"},
      {bad_credential, "firm.credentials[0].kind"},
      {bad_date, "firm.credentials[0].valid_to"},
      {bad_utf8, "firm.name"},
      {no_key, "product.key"},
      {invisible_name, "firm.name"},
      {control_name, "firm.name"},
      {empty_former, "firm.former_names[0]"},
      {unknown_level, "firm.credentials[0].level"},
      {bad_batch, "firm.credentials[1].batch"},
      {many_aliases, "firm.aliases"},
      {late_start, "project.end_date"},
  };
  for (const Case& c : cases) {
    v1::Vertex vertex = c.vertex;
    absl::StatusOr<std::vector<std::string>> result =
        CanonicalizeVertex(&vertex);
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument))
        << c.field;
    EXPECT_EQ(FieldOfError(result.status()), c.field) << result.status();
  }
}

TEST(ValidateTest, EdgeEndpointsMustFitTheEdgeKind) {
  v1::Edge good =
      MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_FIRM, "EXT:A"),
               Ref(v1::VERTEX_KIND_PRODUCT, "电芯"));
  EXPECT_OK(CanonicalizeEdge(&good));

  v1::Edge reversed =
      MakeEdge(v1::EDGE_KIND_PRODUCES, Ref(v1::VERTEX_KIND_PRODUCT, "电芯"),
               Ref(v1::VERTEX_KIND_FIRM, "EXT:A"));
  absl::Status status = CanonicalizeEdge(&reversed);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("cannot link product -> firm")));
  EXPECT_EQ(FieldOfError(status), "kind");

  v1::Edge no_kind = good;
  no_kind.set_kind(v1::EDGE_KIND_UNSPECIFIED);
  EXPECT_EQ(FieldOfError(CanonicalizeEdge(&no_kind)), "kind");

  v1::Edge no_to_key = good;
  no_to_key.mutable_to()->clear_key();
  EXPECT_EQ(FieldOfError(CanonicalizeEdge(&no_to_key)), "to.key");

  v1::Edge wrong_props = good;
  wrong_props.mutable_supplies()->set_share(0.5);
  EXPECT_EQ(FieldOfError(CanonicalizeEdge(&wrong_props)), "props");

  v1::Edge bad_share =
      MakeEdge(v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, "EXT:A"),
               Ref(v1::VERTEX_KIND_FIRM, "EXT:B"));
  bad_share.mutable_supplies()->set_share(1.5);
  EXPECT_EQ(FieldOfError(CanonicalizeEdge(&bad_share)), "supplies.share");
}

TEST(ValidateTest, UnknownFieldsAreDropped) {
  v1::Vertex vertex = MakeFirm("EXT:a", "甲", "");
  vertex.mutable_firm()
      ->GetReflection()
      ->MutableUnknownFields(vertex.mutable_firm())
      ->AddVarint(999, 1);
  v1::Credential* credential = vertex.mutable_firm()->add_credentials();
  credential->set_kind(v1::CREDENTIAL_KIND_LITTLE_GIANT);
  credential->GetReflection()
      ->MutableUnknownFields(credential)
      ->AddVarint(999, 1);
  ASSERT_OK(CanonicalizeVertex(&vertex));
  EXPECT_EQ(vertex.firm()
                .GetReflection()
                ->GetUnknownFields(vertex.firm())
                .field_count(),
            0);
  const v1::Credential& stored = vertex.firm().credentials(0);
  EXPECT_EQ(stored.GetReflection()->GetUnknownFields(stored).field_count(), 0);
}

TEST(ValidateTest, EdgeIdentityIgnoresProperties) {
  v1::Edge edge =
      MakeEdge(v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, "EXT:A"),
               Ref(v1::VERTEX_KIND_FIRM, "EXT:B"));
  edge.mutable_supplies()->set_product_key(" p ");
  edge.mutable_supplies()->set_share(3.0);
  ASSERT_OK(CanonicalizeEdgeIdentity(&edge));
  EXPECT_EQ(edge.supplies().product_key(), "p");
  EXPECT_EQ(edge.supplies().share(), 0.0);
}

TEST(ValidateTest, RefsAreCanonicalizedLikeKeys) {
  v1::VertexRef ref = Ref(v1::VERTEX_KIND_FIRM, " 91441900708017879m");
  ASSERT_OK(CanonicalizeRef(&ref));
  EXPECT_EQ(ref.key(), "91441900708017879M");
  v1::VertexRef no_kind = Ref(v1::VERTEX_KIND_UNSPECIFIED, "x");
  EXPECT_EQ(FieldOfError(CanonicalizeRef(&no_kind)), "kind");
}

// The edge check's fast path must know every field under Edge: each is
// either checked there or of a type that cannot be invalid. A field added
// to model.proto fails here until EdgeFieldsPass handles it.
TEST(EdgeFieldsPassTest, CoversEveryFieldUnderEdge) {
  std::set<std::string> fields;
  std::vector<const google::protobuf::Descriptor*> pending = {
      v1::Edge::descriptor()};
  std::set<const google::protobuf::Descriptor*> seen;
  while (!pending.empty()) {
    const google::protobuf::Descriptor* type = pending.back();
    pending.pop_back();
    if (!seen.insert(type).second) continue;
    for (int i = 0; i < type->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* field = type->field(i);
      fields.insert(field->full_name());
      if (field->message_type() != nullptr) {
        pending.push_back(field->message_type());
      }
    }
  }
  std::vector<std::string> covered = internal::EdgeFieldsPassCovers();
  EXPECT_EQ(std::set<std::string>(covered.begin(), covered.end()), fields);
}

// Random edges, valid or broken in one of the ways the full check looks
// for: the fast path passes exactly those the full check accepts unchanged
// (no unknown fields to drop), so it never lets through what the reflective
// walk would refuse.
TEST(EdgeFieldsPassTest, AgreesWithTheFullCheckOnRandomEdges) {
  std::mt19937 random(27112026);
  auto pick = [&](int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(random);
  };
  const std::string kBadUtf8 = "a\xff";
  const std::string kLong(5000, 'x');
  int passed = 0, failed = 0;
  for (int round = 0; round < 3000; ++round) {
    v1::Edge edge =
        MakeEdge(v1::EDGE_KIND_SUPPLIES, Ref(v1::VERTEX_KIND_FIRM, "EXT:A"),
                 Ref(v1::VERTEX_KIND_FIRM, "EXT:B"));
    switch (pick(5)) {
      case 0:
        edge.set_kind(v1::EDGE_KIND_PRODUCES);
        edge.mutable_to()->set_kind(v1::VERTEX_KIND_PRODUCT);
        edge.mutable_produces()->set_maturity(v1::MATURITY_PILOT);
        break;
      case 1:
        edge.mutable_supplies()->set_product_key("P1");
        edge.mutable_supplies()->set_since("2020-01-01");
        break;
      case 2:
        edge.set_kind(v1::EDGE_KIND_IN_CHAIN);
        edge.mutable_from()->set_kind(v1::VERTEX_KIND_PRODUCT);
        edge.mutable_to()->set_kind(v1::VERTEX_KIND_CHAIN);
        edge.mutable_in_chain()->set_stage(v1::STAGE_MIDSTREAM);
        edge.mutable_in_chain()->set_segment("电池材料");
        break;
      case 3:
        edge.set_kind(v1::EDGE_KIND_MEMBER_OF);
        edge.mutable_to()->set_kind(v1::VERTEX_KIND_CONSORTIUM);
        edge.mutable_member_of()->set_role(v1::MEMBER_ROLE_LEAD);
        break;
      default:
        break;
    }
    if (pick(2) == 0) {
      edge.mutable_source()->set_file("edges.csv");
      edge.mutable_source()->set_line(7);
    }
    // One defect, or none.
    google::protobuf::Message* unknown_in = nullptr;
    switch (pick(12)) {
      case 0:
        edge.mutable_from()->set_key(kBadUtf8);
        break;
      case 1:
        edge.mutable_to()->set_key(kLong);
        break;
      case 2:
        edge.mutable_source()->set_dataset(kBadUtf8);
        break;
      case 3:
        edge.mutable_source()->set_observed_on(kLong);
        break;
      case 4:
        edge.mutable_to()->set_kind(static_cast<v1::VertexKind>(77));
        break;
      case 5:
        if (edge.has_supplies()) {
          edge.mutable_supplies()->set_until(kBadUtf8);
        } else if (edge.has_in_chain()) {
          edge.mutable_in_chain()->set_stage(static_cast<v1::Stage>(-3));
        } else if (edge.has_member_of()) {
          edge.mutable_member_of()->set_role(static_cast<v1::MemberRole>(9));
        } else if (edge.has_produces()) {
          edge.mutable_produces()->set_maturity(static_cast<v1::Maturity>(9));
        }
        break;
      case 6:
        unknown_in = &edge;
        break;
      case 7:
        unknown_in = edge.mutable_from();
        break;
      case 8:
        if (edge.has_source()) unknown_in = edge.mutable_source();
        break;
      default:
        break;
    }
    if (unknown_in != nullptr) {
      unknown_in->GetReflection()
          ->MutableUnknownFields(unknown_in)
          ->AddVarint(999, 1);
    }
    const bool fast = internal::EdgeFieldsPass(edge);
    const std::string before = edge.SerializeAsString();
    absl::Status full = CanonicalizeEdge(&edge);
    const bool clean = full.ok() && unknown_in == nullptr;
    EXPECT_EQ(fast, clean) << "round " << round << ": " << full << "\n"
                           << edge.DebugString();
    if (fast) {
      // Nothing for the full check to change but the canonical spelling.
      EXPECT_FALSE(before.empty());
      ++passed;
    } else {
      ++failed;
    }
  }
  EXPECT_GT(passed, 800);
  EXPECT_GT(failed, 500);
}

}  // namespace
}  // namespace chainkg::graph
