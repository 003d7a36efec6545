#include "cinema/list_query.h"

#include <gtest/gtest.h>

#include "cinema/timefmt.h"

namespace cinema {
namespace {

Request with_query(std::string qs) {
  Request r;
  r.method = "GET";
  r.path = "/v1/list";
  r.query_string = std::move(qs);
  r.query = parse_query(r.query_string);
  return r;
}

TEST(ListQuery, ReadsValidParameters) {
  Request r = with_query(
      "show_id=12&status=CONFIRMED&action=seat.held&from=2026-11-26T10:00:00Z"
      "&limit=5000");
  QueryReader q(r);
  EXPECT_EQ(q.id("show_id"), 12);
  EXPECT_EQ(q.one_of("status", {"CONFIRMED", "CANCELLED"}), "CONFIRMED");
  EXPECT_EQ(q.token("action"), "seat.held");
  EXPECT_EQ(q.time("from"), parse_rfc3339("2026-11-26T10:00:00Z"));
  EXPECT_EQ(q.limit(), kMaxListLimit);
  EXPECT_FALSE(q.id("cinema_id"));
  EXPECT_FALSE(q.cursor({"before_id"}));
  EXPECT_TRUE(q.status().ok());
}

TEST(ListQuery, NamesEveryBadParameter) {
  Request r = with_query("show_id=-1&status=MAYBE&action=a%20b&from=yesterday&limit=0&cursor=xyz");
  QueryReader q(r);
  EXPECT_FALSE(q.id("show_id"));
  EXPECT_FALSE(q.one_of("status", {"CONFIRMED", "CANCELLED"}));
  EXPECT_FALSE(q.token("action"));
  EXPECT_FALSE(q.time("from"));
  EXPECT_EQ(q.limit(7), 7);
  EXPECT_FALSE(q.cursor({"before_id"}));
  Status st = q.status();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.problem().status, 400);
  EXPECT_EQ(st.problem().errors.size(), 6u);
}

TEST(ListQuery, CursorsRoundTripAndRejectForeignShapes) {
  std::string c = make_cursor({{"before_id", 41}});
  Request ok = with_query("cursor=" + c);
  QueryReader q(ok);
  auto read = q.cursor({"before_id"});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->at("before_id"), 41);
  // A cursor of another list (other members) is refused, not misread.
  Request other = with_query("cursor=" + make_cursor({{"after_id", 41}}));
  QueryReader q2(other);
  EXPECT_FALSE(q2.cursor({"before_id"}));
  EXPECT_FALSE(q2.status().ok());
  Request extra = with_query("cursor=" + make_cursor({{"before_id", 1}, {"x", 2}}));
  QueryReader q3(extra);
  EXPECT_FALSE(q3.cursor({"before_id"}));
}

}  // namespace
}  // namespace cinema
