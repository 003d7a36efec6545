#include "admin-reads.h"

#include <gtest/gtest.h>

#include "cinema/testing.h"

namespace cinema::admin_reads {
namespace {

using testing::names_field;

// A GET as nginx hands it over; with a role, a valid token for that role.
Response call(const std::string& path, const std::string& query, const std::string& role) {
  static Context ctx(Config::for_tests());
  Request r = testing::json_request("GET", path, "", role, ctx);
  r.query_string = query;
  r.query = parse_query(query);
  return router().dispatch(r, ctx);
}

TEST(AdminReads, AdminRoutesAreForAdminsOnly) {
  for (const char* path : {"/v1/admin/audit-logs", "/v1/admin/bookings", "/v1/admin/stats"}) {
    EXPECT_EQ(call(path, "", "").status, 401) << path;
    EXPECT_EQ(call(path, "", "CUSTOMER").status, 403) << path;
    EXPECT_EQ(call(path, "", "OWNER").status, 403) << path;
  }
  for (const char* path : {"/v1/owner/bookings", "/v1/owner/stats"}) {
    EXPECT_EQ(call(path, "", "").status, 401) << path;
    EXPECT_EQ(call(path, "", "CUSTOMER").status, 403) << path;
  }
}

TEST(AdminReads, BadFiltersAreNamedBeforeAnyQuery) {
  // The context has no database: a 400 proves validation comes first.
  Response r = call("/v1/admin/audit-logs", "actor_id=x&entity=a%20b&limit=0&cursor=zz", "ADMIN");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(names_field(r, "actor_id"));
  EXPECT_TRUE(names_field(r, "entity"));
  EXPECT_TRUE(names_field(r, "limit"));
  EXPECT_TRUE(names_field(r, "cursor"));
  r = call("/v1/admin/bookings", "status=LOST&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
           "ADMIN");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(names_field(r, "status"));
  EXPECT_TRUE(names_field(r, "to"));
  r = call("/v1/owner/stats", "from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "OWNER");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(names_field(r, "to"));
  r = call("/v1/owner/bookings", "source=PHONE", "OWNER");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(names_field(r, "source"));
}

}  // namespace
}  // namespace cinema::admin_reads
