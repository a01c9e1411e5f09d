// Test helpers for absl::Status: ASSERT_OK / EXPECT_OK that print the
// status, ASSERT_OK_AND_ASSIGN, and the IsOkAndHolds / StatusIs matchers
// (abseil 20220623 ships none of these).
#pragma once

#include <ostream>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chainkg::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::chainkg::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.ok();
}

MATCHER_P(StatusIs, code, "has status code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = ::chainkg::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has status code " + absl::StatusCodeToString(code) +
               " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher)) {
  const absl::Status& status = ::chainkg::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::Matches(message_matcher)(std::string(status.message()));
}

}  // namespace chainkg::testing

// Each evaluates expr once (it may be a write) and prints the status.
#define EXPECT_OK(expr) EXPECT_THAT(expr, ::chainkg::testing::IsOk())
#define ASSERT_OK(expr) ASSERT_THAT(expr, ::chainkg::testing::IsOk())

#define CHAINKG_TEST_CONCAT_INNER_(a, b) a##b
#define CHAINKG_TEST_CONCAT_(a, b) CHAINKG_TEST_CONCAT_INNER_(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                      \
  auto CHAINKG_TEST_CONCAT_(statusor_, __LINE__) = (rexpr);   \
  ASSERT_TRUE(CHAINKG_TEST_CONCAT_(statusor_, __LINE__).ok()) \
      << CHAINKG_TEST_CONCAT_(statusor_, __LINE__).status();  \
  lhs = std::move(CHAINKG_TEST_CONCAT_(statusor_, __LINE__)).value()
