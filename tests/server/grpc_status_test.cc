#include "server/grpc_status.h"

#include "gtest/gtest.h"

#include "chainkg/v1/error.pb.h"
#include "util/field_error.h"

namespace chainkg::server {
namespace {

TEST(GrpcStatusTest, KeepsTheCanonicalCodeForEveryCode) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status status(static_cast<absl::StatusCode>(code), "m");
    grpc::Status mapped = ToGrpcStatus(status, "Test");
    EXPECT_EQ(static_cast<int>(mapped.error_code()), code);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), "Test").ok());
}

TEST(GrpcStatusTest, FieldBecomesAnErrorDetail) {
  grpc::Status mapped = ToGrpcStatus(
      InvalidField("vertices[2].firm.key", "USCC must have 18 characters"),
      "UpsertVertices");
  EXPECT_EQ(mapped.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(mapped.error_message(),
            "vertices[2].firm.key: USCC must have 18 characters");
  v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(mapped.error_details()));
  EXPECT_EQ(details.code(), 3);
  ASSERT_EQ(details.details_size(), 1);
  v1::ErrorDetail detail;
  ASSERT_TRUE(details.details(0).UnpackTo(&detail));
  EXPECT_EQ(detail.field(), "vertices[2].firm.key");
  EXPECT_EQ(detail.reason(), "USCC must have 18 characters");
}

TEST(GrpcStatusTest, InternalDetailsStayOnTheServer) {
  absl::Status internal = FieldError(absl::StatusCode::kDataLoss, "ref",
                                     "vertex 42 does not parse");
  grpc::Status mapped = ToGrpcStatus(internal, "Get");
  EXPECT_EQ(mapped.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(mapped.error_message().find("vertex 42"), std::string::npos);
  EXPECT_EQ(mapped.error_details().find("vertex 42"), std::string::npos);
  v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(mapped.error_details()));
  EXPECT_EQ(details.details_size(), 0);
}

}  // namespace
}  // namespace chainkg::server
