#include "owner-seats.h"

#include <gtest/gtest.h>

#include "cinema/jwt.h"
#include "cinema/testing.h"

namespace cinema::owner_seats {
namespace {

using testing::names_field;

Request make(std::string method, std::string path, std::string body, const std::string& role,
             Context& ctx) {
  return testing::json_request(std::move(method), std::move(path), std::move(body), role, ctx);
}

constexpr const char* kSeat =
    R"({"hall_id":1,"row_label":"A","number":1,"grid_row":1,"grid_col":1})";

TEST(OwnerSeats, RequiresAnOwnerToken) {
  Context ctx(Config::for_tests());
  EXPECT_EQ(router().dispatch(make("POST", "/v1/seats", kSeat, "", ctx), ctx).status, 401);
  EXPECT_EQ(router().dispatch(make("POST", "/v1/seats", kSeat, "CUSTOMER", ctx), ctx).status, 403);
  EXPECT_EQ(router()
                .dispatch(make("PATCH", "/v1/seats/1", R"({"active":false})", "CUSTOMER", ctx), ctx)
                .status,
            403);
  EXPECT_EQ(router().dispatch(make("DELETE", "/v1/seats/1", "", "", ctx), ctx).status, 401);
}

TEST(OwnerSeats, ValidatesTheBody) {
  Context ctx(Config::for_tests());
  struct Case {
    const char* method;
    const char* body;
    const char* field;
  } cases[] = {
      {"POST", R"({"row_label":"A","number":1,"grid_row":1,"grid_col":1})", "hall_id"},
      {"POST", R"({"hall_id":1,"row_label":"a","number":1,"grid_row":1,"grid_col":1})",
       "row_label"},
      {"POST", R"({"hall_id":1,"row_label":"ABCDE","number":1,"grid_row":1,"grid_col":1})",
       "row_label"},
      {"POST", R"({"hall_id":1,"row_label":"A1","number":1,"grid_row":1,"grid_col":1})",
       "row_label"},
      {"POST", R"({"hall_id":1,"row_label":"A","number":0,"grid_row":1,"grid_col":1})", "number"},
      {"POST", R"({"hall_id":1,"row_label":"A","number":1000,"grid_row":1,"grid_col":1})",
       "number"},
      {"POST", R"({"hall_id":1,"row_label":"A","number":1,"grid_row":101,"grid_col":1})",
       "grid_row"},
      {"POST", R"({"hall_id":1,"row_label":"A","number":1,"grid_row":1,"grid_col":0})", "grid_col"},
      {"POST",
       R"({"hall_id":1,"row_label":"A","number":1,"grid_row":1,"grid_col":1,"seat_type":"VVIP"})",
       "seat_type"},
      {"POST",
       R"({"hall_id":1,"row_label":"A","number":1,"grid_row":1,"grid_col":1,"active":true})",
       "active"},
      {"PUT", R"({"row_label":"A","number":1,"grid_row":1,"grid_col":1,"seat_type":"VIP"})",
       "active"},
      {"PUT", R"({"row_label":"A","number":1,"grid_row":1,"grid_col":1,"active":true})",
       "seat_type"},
      {"PATCH", R"({"active":"no"})", "active"},
      {"PATCH", R"({"hall_id":3})", "hall_id"},
      {"PATCH", R"({"id":3})", "id"},
      {"PATCH", R"({"number":null})", "number"},
  };
  for (const auto& c : cases) {
    std::string path = std::string(c.method) == "POST" ? "/v1/seats" : "/v1/seats/5";
    Response r = router().dispatch(make(c.method, path, c.body, "OWNER", ctx), ctx);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.body;
    EXPECT_TRUE(names_field(r, c.field)) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(router().dispatch(make("PATCH", "/v1/seats/5", "{}", "OWNER", ctx), ctx).status, 400);
}

TEST(OwnerSeats, BadIdsAreNotFoundAndOtherMethodsNotAllowed) {
  Context ctx(Config::for_tests());
  for (const char* path : {"/v1/seats/seat", "/v1/seats/0", "/v1/seats/+1"}) {
    EXPECT_EQ(router().dispatch(make("DELETE", path, "", "OWNER", ctx), ctx).status, 404) << path;
    EXPECT_EQ(
        router().dispatch(make("PATCH", path, R"({"active":false})", "OWNER", ctx), ctx).status,
        404);
  }
  EXPECT_EQ(router().dispatch(make("GET", "/v1/seats/1", "", "OWNER", ctx), ctx).status, 405);
  EXPECT_EQ(router().dispatch(make("PUT", "/v1/seats", kSeat, "OWNER", ctx), ctx).status, 405);
}

TEST(OwnerSeats, ValidRequestsReachTheDatabase) {
  Context ctx(Config::for_tests());
  EXPECT_THROW(router().dispatch(make("POST", "/v1/seats", kSeat, "OWNER", ctx), ctx),
               DbUnavailable);
  EXPECT_THROW(
      router().dispatch(make("PATCH", "/v1/seats/2", R"({"active":false})", "OWNER", ctx), ctx),
      DbUnavailable);
  EXPECT_THROW(
      router().dispatch(
          make("PUT", "/v1/seats/2",
               R"({"row_label":"AB","number":3,"grid_row":2,"grid_col":3,"seat_type":"VIP",)"
               R"("active":true})",
               "ADMIN", ctx),
          ctx),
      DbUnavailable);
  EXPECT_THROW(router().dispatch(make("DELETE", "/v1/seats/2", "", "OWNER", ctx), ctx),
               DbUnavailable);
}

}  // namespace
}  // namespace cinema::owner_seats
