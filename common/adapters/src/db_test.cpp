#include "cinema/db.h"

#include <cppconn/exception.h>
#include <gtest/gtest.h>

namespace cinema {
namespace {

[[noreturn]] void fail_with(int mysql_errno, const std::string& message) {
  throw sql::SQLException(message, "23000", mysql_errno);
}

const ConstraintProblems kRules = {
    {Violation::kDuplicateKey, "uq_seats_grid", conflict("grid taken")},
    {Violation::kDuplicateKey, "", conflict("label taken")},
    {Violation::kRowIsReferenced, "", conflict("still used")},
};

TEST(WithConstraints, PassesTheValueThrough) {
  auto v = with_constraints(kRules, [] { return int64_t{7}; });
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 7);
  auto p = with_constraints(kRules, []() -> StatusOr<int64_t> { return not_found("none"); });
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.problem().status, 404);
}

TEST(WithConstraints, TheFirstMatchingRuleNamesTheProblem) {
  auto grid = with_constraints(kRules, []() -> int64_t {
    fail_with(kErrDuplicateKey, "Duplicate entry '1-2-3' for key 'uq_seats_grid'");
  });
  ASSERT_FALSE(grid.ok());
  EXPECT_EQ(grid.problem().detail, "grid taken");
  auto label = with_constraints(kRules, []() -> int64_t {
    fail_with(kErrDuplicateKey, "Duplicate entry '1-A-3' for key 'uq_seats_label'");
  });
  ASSERT_FALSE(label.ok());
  EXPECT_EQ(label.problem().detail, "label taken");
  auto used = with_constraints(kRules, []() -> int64_t {
    fail_with(kErrRowIsReferenced, "Cannot delete or update a parent row");
  });
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.problem().status, 409);
  EXPECT_EQ(used.problem().detail, "still used");
}

TEST(WithConstraints, AnythingUnlistedPropagates) {
  const ConstraintProblems only_grid = {
      {Violation::kDuplicateKey, "uq_seats_grid", conflict("grid taken")}};
  EXPECT_THROW(with_constraints(only_grid,
                                []() -> int64_t {
                                  fail_with(kErrDuplicateKey,
                                            "Duplicate entry 'x' for key 'uq_other'");
                                }),
               sql::SQLException);
  EXPECT_THROW(with_constraints(kRules, []() -> int64_t { fail_with(1213, "Deadlock found"); }),
               sql::SQLException);
  EXPECT_THROW(with_constraints(kRules, []() -> int64_t { throw std::runtime_error("other"); }),
               std::runtime_error);
}

}  // namespace
}  // namespace cinema
