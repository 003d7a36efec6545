// Admin role management: listing users, granting OWNER (effective at once,
// and in the next token), and keeping the last ADMIN.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "catalog_owner_fixtures.h"
#include "cinema/jwt.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

TEST(CatalogOwner, AdminListsUsersGrantsOwnerAndKeepsTheLastAdmin) {
  Actor admin = new_admin("admin");
  Actor customer = new_customer("promote-me");
  const std::string customer_token_before = customer.token;

  // List: the admin finds the customer by email.
  HttpResponse list =
      get("/v1/admin/users?q=" + customer.user.email.substr(0, customer.user.email.find('@')),
          admin.auth());
  ASSERT_EQ(list.status, 200) << list.describe();
  std::vector<int64_t> ids = item_ids(list);
  EXPECT_NE(std::find(ids.begin(), ids.end(), customer.id()), ids.end()) << list.describe();
  HttpResponse owners = get("/v1/admin/users?role=ADMIN&limit=100", admin.auth());
  ASSERT_EQ(owners.status, 200) << owners.describe();
  ids = item_ids(owners);
  EXPECT_NE(std::find(ids.begin(), ids.end(), admin.id()), ids.end())
      << "role=ADMIN misses the admin";
  EXPECT_EQ(std::find(ids.begin(), ids.end(), customer.id()), ids.end())
      << "role=ADMIN lists a customer";
  EXPECT_TRUE(IsProblem(get("/v1/admin/users?role=KING", admin.auth()), 400));

  // Grant OWNER.
  const int64_t audit_before = audit_count("user", customer.id());
  HttpResponse granted = patch(path("/v1/admin/users/", customer.id()),
                               JsonObj().s("role", "OWNER").str(), admin.auth());
  ASSERT_EQ(granted.status, 200) << granted.describe();
  EXPECT_EQ(json_string(granted, "role"), "OWNER");
  EXPECT_EQ(sql_int("SELECT role = 'OWNER' FROM users WHERE id = ?", customer.id()), 1);
  EXPECT_EQ(audit_count("user", customer.id()), audit_before + 1) << "role change not audited";
  EXPECT_TRUE(IsProblem(patch(path("/v1/admin/users/", customer.id()),
                              JsonObj().s("role", "EMPEROR").str(), admin.auth()),
                        400));
  EXPECT_TRUE(IsProblem(
      patch(path("/v1/admin/users/", kMissingId), JsonObj().s("role", "OWNER").str(), admin.auth()),
      404));

  // Rights follow the current role: the old token (claim CUSTOMER) may act as
  // OWNER at once; the next login's token also says OWNER.
  EXPECT_EQ(post("/v1/cinemas", JsonObj().s("name", "At once").s("city", "C").str(),
                 {bearer(customer_token_before)})
                .status,
            201);
  relogin(customer);
  auto claims = cinema::verify_access_token(stack_config().jwt, customer.token, unix_now());
  ASSERT_TRUE(claims.ok()) << "the new access token does not verify";
  EXPECT_EQ(claims->role, "OWNER");
  HttpResponse me = get("/v1/me", customer.auth());
  ASSERT_EQ(me.status, 200) << me.describe();
  EXPECT_EQ(json_string(me, "role"), "OWNER");
  HttpResponse made =
      post("/v1/cinemas", JsonObj().s("name", "Promoted " + unique_token()).s("city", "C").str(),
           customer.auth());
  EXPECT_EQ(made.status, 201) << made.describe();

  // A second admin may be demoted by another admin.
  Actor second = new_admin("admin2");
  HttpResponse demoted = patch(path("/v1/admin/users/", second.id()),
                               JsonObj().s("role", "CUSTOMER").str(), admin.auth());
  EXPECT_EQ(demoted.status, 200) << "demoting an admin while another remains: "
                                 << demoted.describe();
  EXPECT_EQ(sql_int("SELECT role = 'CUSTOMER' FROM users WHERE id = ?", second.id()), 1);

  // An admin never demotes themself (nor disables themself): 409 whether or
  // not other admins exist, so the last admin can never be demoted either.
  HttpResponse self = patch(path("/v1/admin/users/", admin.id()),
                            JsonObj().s("role", "CUSTOMER").str(), admin.auth());
  EXPECT_TRUE(IsProblem(self, 409)) << "an admin demoted themself: " << self.describe();
  EXPECT_EQ(sql_int("SELECT role = 'ADMIN' FROM users WHERE id = ?", admin.id()), 1);
}

}  // namespace
}  // namespace itest
