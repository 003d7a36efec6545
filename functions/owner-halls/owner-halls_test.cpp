#include "owner-halls.h"

#include <gtest/gtest.h>

#include "cinema/jwt.h"
#include "cinema/testing.h"
#include "layout.h"

namespace cinema::owner_halls {
namespace {

using testing::names_field;

Request make(std::string method, std::string path, std::string body, const std::string& role,
             Context& ctx) {
  return testing::json_request(std::move(method), std::move(path), std::move(body), role, ctx);
}

std::optional<HallGrid> parse(const char* json, std::string* error) {
  rapidjson::Document d;
  d.Parse(json);
  return parse_layout(d, error);
}

TEST(RowLabel, CountsLikeSpreadsheetColumns) {
  EXPECT_EQ(row_label(1), "A");
  EXPECT_EQ(row_label(26), "Z");
  EXPECT_EQ(row_label(27), "AA");
  EXPECT_EQ(row_label(52), "AZ");
  EXPECT_EQ(row_label(53), "BA");
  EXPECT_EQ(row_label(100), "CV");
}

TEST(Layout, RectangleIsAllStandard) {
  HallGrid g = rectangle_grid(3, 4);
  EXPECT_EQ(g.rows, 3);
  EXPECT_EQ(g.cols, 4);
  ASSERT_EQ(g.seats.size(), 12u);
  EXPECT_EQ(g.seats[0].row_label, "A");
  EXPECT_EQ(g.seats[11].row_label, "C");
  EXPECT_EQ(g.seats[11].number, 4);
  EXPECT_EQ(g.seats[11].grid_row, 3);
  EXPECT_EQ(g.seats[11].grid_col, 4);
  EXPECT_EQ(g.seats[5].seat_type, "STANDARD");
  EXPECT_EQ(rectangle_grid(100, 100).seats.size(), 10000u);
}

TEST(Layout, GapsSkipNumbersAndAisleRowsSkipLetters) {
  std::string error;
  auto g = parse(R"(["SS.VV", "     ", "A.C", "..S"])", &error);
  ASSERT_TRUE(g) << error;
  EXPECT_EQ(g->rows, 4);
  EXPECT_EQ(g->cols, 5);
  ASSERT_EQ(g->seats.size(), 7u);
  // Row A: S S . V V -> numbers 1..4 at columns 1,2,4,5.
  EXPECT_EQ(g->seats[2].row_label, "A");
  EXPECT_EQ(g->seats[2].number, 3);
  EXPECT_EQ(g->seats[2].grid_col, 4);
  EXPECT_EQ(g->seats[2].seat_type, "VIP");
  // The aisle row gets no letter; the next seated row is B at grid row 3.
  EXPECT_EQ(g->seats[4].row_label, "B");
  EXPECT_EQ(g->seats[4].grid_row, 3);
  EXPECT_EQ(g->seats[4].seat_type, "ACCESSIBLE");
  EXPECT_EQ(g->seats[5].number, 2);
  EXPECT_EQ(g->seats[5].seat_type, "COMPANION");
  EXPECT_EQ(g->seats[6].row_label, "C");
  EXPECT_EQ(g->seats[6].number, 1);
  EXPECT_EQ(g->seats[6].grid_col, 3);
}

TEST(Layout, RejectsBadLayouts) {
  std::string error;
  for (const char* bad : {R"([])", R"("SSS")", R"(["SS", 3])", R"(["SXS"])", R"(["ss"])", R"([""])",
                          R"(["...", "  "])", R"({"rows":2})"}) {
    error.clear();
    EXPECT_FALSE(parse(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  std::string wide = "[\"" + std::string(101, 'S') + "\"]";
  EXPECT_FALSE(parse(wide.c_str(), &error));
  std::string tall = "[";
  for (int i = 0; i < 101; ++i) tall += i == 0 ? "\"S\"" : ",\"S\"";
  tall += "]";
  EXPECT_FALSE(parse(tall.c_str(), &error));
}

TEST(Layout, SeatsJsonFeedsJsonTable) {
  HallGrid g = rectangle_grid(1, 2);
  EXPECT_EQ(seats_json(g),
            R"([{"r":"A","n":1,"gr":1,"gc":1,"t":"STANDARD"},{"r":"A","n":2,"gr":1,"gc":2,)"
            R"("t":"STANDARD"}])");
}

TEST(OwnerHalls, RequiresAnOwnerToken) {
  Context ctx(Config::for_tests());
  const std::string body = R"({"cinema_id":1,"name":"Hall 1","rows":5,"cols":5})";
  EXPECT_EQ(router().dispatch(make("POST", "/v1/halls", body, "", ctx), ctx).status, 401);
  EXPECT_EQ(router().dispatch(make("POST", "/v1/halls", body, "CUSTOMER", ctx), ctx).status, 403);
  EXPECT_EQ(router().dispatch(make("PUT", "/v1/halls/1", body, "CUSTOMER", ctx), ctx).status, 403);
  EXPECT_EQ(router().dispatch(make("DELETE", "/v1/halls/1", "", "CUSTOMER", ctx), ctx).status, 403);
}

TEST(OwnerHalls, ValidatesTheBody) {
  Context ctx(Config::for_tests());
  struct Case {
    const char* method;
    const char* body;
    const char* field;
  } cases[] = {
      {"POST", R"({"name":"H","rows":5,"cols":5})", "cinema_id"},
      {"POST", R"({"cinema_id":1,"rows":5,"cols":5})", "name"},
      {"POST", R"({"cinema_id":1,"name":"H"})", "rows"},
      {"POST", R"({"cinema_id":1,"name":"H","rows":5})", "cols"},
      {"POST", R"({"cinema_id":1,"name":"H","rows":101,"cols":5})", "rows"},
      {"POST", R"({"cinema_id":1,"name":"H","rows":0,"cols":5})", "rows"},
      {"POST", R"({"cinema_id":1,"name":"H","rows":5,"cols":-1})", "cols"},
      {"POST", R"({"cinema_id":1,"name":"H","rows":5,"cols":"5"})", "cols"},
      {"POST", R"({"cinema_id":1,"name":"H","layout":["SS"],"rows":1,"cols":2})", "layout"},
      {"POST", R"({"cinema_id":1,"name":"H","layout":["SZ"]})", "layout"},
      {"POST", R"({"cinema_id":1,"name":"H","layout":[]})", "layout"},
      {"POST", R"({"cinema_id":0,"name":"H","rows":5,"cols":5})", "cinema_id"},
      {"POST", R"({"cinema_id":1,"name":"H","rows":5,"cols":5,"owner_id":2})", "owner_id"},
      {"PUT", R"({"name":"H"})", "rows"},
      {"PUT", R"({"rows":5,"cols":5})", "name"},
      {"PATCH", R"({"cinema_id":2})", "cinema_id"},
      {"PATCH", R"({"layout":"SSS"})", "layout"},
      {"PATCH", R"({"id":4,"name":"x"})", "id"},
  };
  for (const auto& c : cases) {
    std::string path = std::string(c.method) == "POST" ? "/v1/halls" : "/v1/halls/5";
    Response r = router().dispatch(make(c.method, path, c.body, "OWNER", ctx), ctx);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.body;
    EXPECT_TRUE(names_field(r, c.field)) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(router().dispatch(make("PATCH", "/v1/halls/5", "{}", "OWNER", ctx), ctx).status, 400);
}

TEST(OwnerHalls, BadIdsAreNotFoundAndOtherMethodsNotAllowed) {
  Context ctx(Config::for_tests());
  for (const char* path : {"/v1/halls/x", "/v1/halls/0", "/v1/halls/1.5"}) {
    EXPECT_EQ(router().dispatch(make("DELETE", path, "", "OWNER", ctx), ctx).status, 404) << path;
    EXPECT_EQ(router().dispatch(make("PATCH", path, R"({"name":"x"})", "OWNER", ctx), ctx).status,
              404);
  }
  EXPECT_EQ(router().dispatch(make("GET", "/v1/halls/1", "", "OWNER", ctx), ctx).status, 405);
  EXPECT_EQ(router().dispatch(make("GET", "/v1/halls", "", "OWNER", ctx), ctx).status, 405);
}

TEST(OwnerHalls, ValidRequestsReachTheDatabase) {
  Context ctx(Config::for_tests());
  EXPECT_THROW(router().dispatch(
                   make("POST", "/v1/halls",
                        R"({"cinema_id":1,"name":"H","layout":["SSVVSS"," .AC. "]})", "OWNER", ctx),
                   ctx),
               DbUnavailable);
  EXPECT_THROW(
      router().dispatch(
          make("PUT", "/v1/halls/2", R"({"name":"H","rows":3,"cols":3})", "ADMIN", ctx), ctx),
      DbUnavailable);
  EXPECT_THROW(
      router().dispatch(make("PATCH", "/v1/halls/2", R"({"name":"Big"})", "OWNER", ctx), ctx),
      DbUnavailable);
  EXPECT_THROW(router().dispatch(make("DELETE", "/v1/halls/2", "", "OWNER", ctx), ctx),
               DbUnavailable);
}

}  // namespace
}  // namespace cinema::owner_halls
