#include "util/field_error.h"

#include "gtest/gtest.h"

namespace chainkg {
namespace {

TEST(FieldErrorTest, NestingPrefixesFieldAndMessage) {
  absl::Status status =
      NestField(InvalidField("firm.key", "malformed"), "vertices[3]");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "vertices[3].firm.key: malformed");
  EXPECT_EQ(FieldOf(status), "vertices[3].firm.key");
}

TEST(FieldErrorTest, NestingAStatusWithoutFieldMakesParentTheField) {
  absl::Status status = NestField(absl::NotFoundError("gone"), "ref");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "ref: gone");
  EXPECT_EQ(FieldOf(status), "ref");
}

TEST(FieldErrorTest, ServerSideErrorsAreNotBlamedOnAField) {
  absl::Status status = NestField(absl::DataLossError("vertex 7"), "ref");
  EXPECT_EQ(status.message(), "vertex 7");
  EXPECT_FALSE(FieldOf(status).has_value());
  EXPECT_FALSE(
      FieldOf(NestField(absl::DeadlineExceededError("late"), "x")).has_value());
}

TEST(FieldErrorTest, OkStaysOkAndPlainErrorsHaveNoField) {
  EXPECT_TRUE(NestField(absl::OkStatus(), "x").ok());
  EXPECT_FALSE(FieldOf(absl::InternalError("bug")).has_value());
}

}  // namespace
}  // namespace chainkg
