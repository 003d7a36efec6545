// The read side: the audit feed, bookings and statistics for admins and
// owners, and the paginated per-show reservation list; strangers get 401,
// 403 or 404, bad filters 400.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "booking_fixtures.h"
#include "catalog_owner_fixtures.h"
#include "fixtures.h"
#include "http_client.h"

namespace itest {
namespace {

// Every page of a list, following next_cursor; the items as parsed objects.
struct Walk {
  std::vector<std::string> ids;  // "id" members as text
  int pages = 0;
  bool ok = true;
  std::string failure;
};

Walk walk(const std::string& url, const Headers& auth, const std::string& items_member = "items") {
  Walk w;
  std::string cursor;
  for (int guard = 0; guard < 100; ++guard) {
    std::string u = url + (url.find('?') == std::string::npos ? "?" : "&") +
                    (cursor.empty() ? "" : "cursor=" + url_encode(cursor));
    HttpResponse r = get(u, auth);
    if (r.status != 200) {
      w.ok = false;
      w.failure = r.describe();
      return w;
    }
    ++w.pages;
    auto d = r.json();
    for (const auto& item : d[items_member.c_str()].GetArray()) {
      const auto& id = item.HasMember("id") ? item["id"] : item["show_id"];
      w.ids.push_back(id.IsString() ? id.GetString() : std::to_string(id.GetInt64()));
    }
    if (!d.HasMember("next_cursor") || d["next_cursor"].IsNull()) return w;
    cursor = d["next_cursor"].GetString();
  }
  w.ok = false;
  w.failure = "more than 100 pages";
  return w;
}

const rapidjson::Value* find_show(const rapidjson::Document& d, int64_t show_id) {
  for (const auto& s : d["shows"].GetArray())
    if (s["show_id"].GetInt64() == show_id) return &s;
  return nullptr;
}

TEST(AdminReads, AuditFeedFiltersPagesAndRefusesStrangers) {
  Actor admin = new_admin("feed-admin");
  Venue v = make_venue(2, 4);
  Actor customer = new_customer("feed-cust");
  const auto seats = hall_seat_ids(v.hall_id);
  book(customer, v.show_id, {seats[0], seats[1]});
  book(customer, v.show_id, {seats[2]});

  // The customer's trail: holds and confirmations, newest first, theirs only.
  const std::string mine = "/v1/admin/audit-logs?actor_id=" + std::to_string(customer.id());
  HttpResponse all = get(mine + "&limit=200", admin.auth());
  ASSERT_EQ(all.status, 200) << all.describe();
  auto d = all.json();
  std::set<std::string> actions;
  std::string previous_at = "9999";
  for (const auto& item : d["items"].GetArray()) {
    EXPECT_EQ(item["actor_id"].GetInt64(), customer.id());
    actions.insert(item["action"].GetString());
    const std::string at = item["at"].GetString();
    EXPECT_LE(at, previous_at) << "not newest first";
    previous_at = at;
  }
  EXPECT_TRUE(actions.count("seat.held")) << all.describe();
  EXPECT_TRUE(actions.count("booking.confirmed")) << all.describe();
  ASSERT_GE(d["items"].Size(), 4u);

  // Pages of one follow the same order, with nothing repeated or skipped.
  Walk pages = walk(mine + "&limit=1", admin.auth());
  ASSERT_TRUE(pages.ok) << pages.failure;
  std::vector<std::string> whole;
  for (const auto& item : d["items"].GetArray()) whole.push_back(item["id"].GetString());
  EXPECT_EQ(pages.ids, whole);
  EXPECT_EQ(pages.pages, static_cast<int>(whole.size()));

  // Entity and action filters; the owner's catalogue changes come from the
  // other source (audit_log) and merge into the same feed.
  HttpResponse on_show =
      get("/v1/admin/audit-logs?entity=show&entity_id=" + std::to_string(v.show_id) +
              "&action=seat.held",
          admin.auth());
  ASSERT_EQ(on_show.status, 200) << on_show.describe();
  auto sd = on_show.json();
  EXPECT_GE(sd["items"].Size(), 2u);
  for (const auto& item : sd["items"].GetArray()) {
    EXPECT_STREQ(item["entity"].GetString(), "show");
    EXPECT_EQ(item["entity_id"].GetInt64(), v.show_id);
    EXPECT_STREQ(item["action"].GetString(), "seat.held");
  }
  HttpResponse owner_trail = get(
      "/v1/admin/audit-logs?entity=cinema&actor_id=" + std::to_string(v.owner.id()), admin.auth());
  ASSERT_EQ(owner_trail.status, 200) << owner_trail.describe();
  auto od = owner_trail.json();
  ASSERT_GE(od["items"].Size(), 1u) << owner_trail.describe();
  EXPECT_EQ(std::string(od["items"][0]["id"].GetString()).rfind("audit:", 0), 0u);
  EXPECT_TRUE(od["items"][0]["after"].IsObject()) << owner_trail.describe();

  // A time window: nothing of the customer's is in the future or in 2001.
  HttpResponse future =
      get(mine + "&from=" + url_encode(rfc3339(time(nullptr) + 3600)), admin.auth());
  ASSERT_EQ(future.status, 200) << future.describe();
  EXPECT_EQ(future.json()["items"].Size(), 0u);
  HttpResponse past = get(mine + "&to=2001-01-01T00:00:00Z", admin.auth());
  ASSERT_EQ(past.status, 200) << past.describe();
  EXPECT_EQ(past.json()["items"].Size(), 0u);
  HttpResponse window = get(mine + "&from=" + url_encode(rfc3339(time(nullptr) - 3600)) +
                                "&to=" + url_encode(rfc3339(time(nullptr) + 60)),
                            admin.auth());
  ASSERT_EQ(window.status, 200) << window.describe();
  EXPECT_EQ(window.json()["items"].Size(), d["items"].Size());

  // Bad filters and strangers.
  EXPECT_TRUE(IsProblem(get("/v1/admin/audit-logs?actor_id=abc", admin.auth()), 400));
  EXPECT_TRUE(IsProblem(
      get("/v1/admin/audit-logs?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", admin.auth()),
      400));
  EXPECT_TRUE(IsProblem(get("/v1/admin/audit-logs?cursor=bogus", admin.auth()), 400));
  EXPECT_TRUE(IsProblem(get("/v1/admin/audit-logs?action=drop%20table", admin.auth()), 400));
  EXPECT_TRUE(IsProblem(get("/v1/admin/audit-logs", customer.auth()), 403));
  EXPECT_TRUE(IsProblem(get("/v1/admin/audit-logs", v.owner.auth()), 403));
  EXPECT_TRUE(IsProblem(get("/v1/admin/audit-logs"), 401));
}

TEST(AdminReads, BookingsFilterAndStayWithinTheOwnersCinemas) {
  Actor admin = new_admin("book-admin");
  Venue a = make_venue(2, 3);
  Venue b = make_venue(2, 3);
  Actor customer = new_customer("book-cust");
  const int64_t in_a = book(customer, a.show_id, {hall_seat_ids(a.hall_id)[0]});
  const int64_t in_b = book(customer, b.show_id, hall_seat_ids(b.hall_id));
  ASSERT_EQ(del(reservation_url(in_a), "", customer.auth()).status, 200);
  const int64_t in_a2 = book(customer, a.show_id, {hall_seat_ids(a.hall_id)[1]});

  // Admin: the customer's three, newest first, with where and who.
  const std::string by_customer = "/v1/admin/bookings?user_id=" + std::to_string(customer.id());
  HttpResponse list = get(by_customer, admin.auth());
  ASSERT_EQ(list.status, 200) << list.describe();
  EXPECT_EQ(item_ids(list), (std::vector<int64_t>{in_a2, in_b, in_a}));
  auto d = list.json();
  const auto& first = d["items"][0];
  EXPECT_STREQ(first["status"].GetString(), "CONFIRMED");
  EXPECT_STREQ(first["source"].GetString(), "DIRECT");
  EXPECT_EQ(first["show"]["id"].GetInt64(), a.show_id);
  EXPECT_EQ(first["cinema"]["id"].GetInt64(), a.cinema_id);
  EXPECT_EQ(first["user"]["email"].GetString(), customer.user.email);
  EXPECT_EQ(first["seats"].Size(), 1u);
  EXPECT_EQ(d["items"][1]["seats"].Size(), 6u);
  EXPECT_FALSE(d["items"][2]["cancelled_at"].IsNull());
  EXPECT_EQ(item_ids(get(by_customer + "&status=CANCELLED", admin.auth())),
            std::vector<int64_t>{in_a});
  EXPECT_EQ(item_ids(get(by_customer + "&cinema_id=" + std::to_string(b.cinema_id), admin.auth())),
            std::vector<int64_t>{in_b});
  Walk pages = walk(by_customer + "&limit=1", admin.auth());
  ASSERT_TRUE(pages.ok) << pages.failure;
  EXPECT_EQ(pages.ids, (std::vector<std::string>{std::to_string(in_a2), std::to_string(in_b),
                                                 std::to_string(in_a)}));

  // Owner A sees A's bookings only; B's cinema and show are not there for A.
  HttpResponse mine =
      get("/v1/owner/bookings?user_id=" + std::to_string(customer.id()), a.owner.auth());
  ASSERT_EQ(mine.status, 200) << mine.describe();
  EXPECT_EQ(item_ids(mine), (std::vector<int64_t>{in_a2, in_a}));
  EXPECT_TRUE(IsProblem(
      get("/v1/owner/bookings?cinema_id=" + std::to_string(b.cinema_id), a.owner.auth()), 404));
  EXPECT_TRUE(IsProblem(
      get("/v1/owner/bookings?show_id=" + std::to_string(b.show_id), a.owner.auth()), 404));
  EXPECT_TRUE(IsProblem(get("/v1/owner/bookings", customer.auth()), 403));
  EXPECT_TRUE(IsProblem(get("/v1/admin/bookings", a.owner.auth()), 403));
  EXPECT_TRUE(IsProblem(get("/v1/admin/bookings?status=PENDING", admin.auth()), 400));
  EXPECT_TRUE(IsProblem(get("/v1/admin/bookings?limit=0", admin.auth()), 400));
}

TEST(AdminReads, StatsCountSeatsMoneyHoldsAndTheWaitingList) {
  Actor admin = new_admin("stats-admin");
  Venue v = make_venue(2, 3, 1000);  // 6 seats at 10.00
  const auto seats = hall_seat_ids(v.hall_id);
  Actor buyer = new_customer("stats-buy");
  Actor holder = new_customer("stats-hold");
  Actor canceller = new_customer("stats-cancel");
  book(buyer, v.show_id, {seats[0], seats[1]});
  HttpResponse held = hold_seats(holder, v.show_id, {seats[2]});
  ASSERT_EQ(held.status, 201) << held.describe();
  const int64_t hold_id = json_int(held, "hold_id").value_or(0);
  const int64_t gone = book(canceller, v.show_id, {seats[3]});
  ASSERT_EQ(del(reservation_url(gone), "", canceller.auth()).status, 200);

  HttpResponse r = get("/v1/owner/stats", v.owner.auth());
  ASSERT_EQ(r.status, 200) << r.describe();
  auto d = r.json();
  const rapidjson::Value* s = find_show(d, v.show_id);
  ASSERT_NE(s, nullptr) << r.describe();
  EXPECT_EQ((*s)["seats"].GetInt64(), 6);
  EXPECT_EQ((*s)["sold"].GetInt64(), 2);
  EXPECT_EQ((*s)["held"].GetInt64(), 1);
  EXPECT_EQ((*s)["free"].GetInt64(), 3);
  EXPECT_DOUBLE_EQ((*s)["occupancy_pct"].GetDouble(), 33.3);
  EXPECT_EQ((*s)["revenue_cents"]["EUR"].GetInt64(), 2000);
  EXPECT_EQ((*s)["reservations"].GetInt64(), 2);
  EXPECT_EQ((*s)["cancellations"].GetInt64(), 1);
  EXPECT_EQ((*s)["holds"]["placed"].GetInt64(), 3);
  EXPECT_EQ((*s)["holds"]["confirmed"].GetInt64(), 2);
  // Sales per day over the owner's cinemas: today's are this test's (one
  // owner, one show), cancelled ones left out.
  ASSERT_EQ(d["days"].Size(), 1u) << r.describe();
  EXPECT_EQ(d["days"][0]["revenue_cents"].GetInt64(), 2000);
  EXPECT_EQ(d["days"][0]["tickets"].GetInt64(), 2);
  EXPECT_EQ(d["totals"]["revenue_cents"]["EUR"].GetInt64(), 2000);

  // The waiting list: sell out the rest, then a join counts.
  Actor filler = new_customer("stats-fill");
  ASSERT_EQ(release_hold(holder, v.show_id, hold_id).status, 204);
  book(filler, v.show_id, {seats[2], seats[3], seats[4], seats[5]});
  Actor waiter = new_customer("stats-wait");
  ASSERT_EQ(
      post(show_url(v.show_id, "/waitlist"), JsonObj().i("seats", 1).str(), waiter.auth()).status,
      201);
  HttpResponse after =
      get("/v1/admin/stats?cinema_id=" + std::to_string(v.cinema_id), admin.auth());
  ASSERT_EQ(after.status, 200) << after.describe();
  auto ad = after.json();
  s = find_show(ad, v.show_id);
  ASSERT_NE(s, nullptr) << after.describe();
  EXPECT_EQ((*s)["sold"].GetInt64(), 6);
  EXPECT_EQ((*s)["free"].GetInt64(), 0);
  EXPECT_DOUBLE_EQ((*s)["occupancy_pct"].GetDouble(), 100.0);
  EXPECT_EQ((*s)["waitlist"]["joins"].GetInt64(), 1);
  EXPECT_EQ((*s)["waitlist"]["waiting"].GetInt64(), 1);
  EXPECT_EQ((*s)["revenue_cents"]["EUR"].GetInt64(), 6000);

  // Another owner sees neither this cinema nor its show.
  Venue other = make_venue(1, 1);
  EXPECT_TRUE(IsProblem(
      get("/v1/owner/stats?cinema_id=" + std::to_string(v.cinema_id), other.owner.auth()), 404));
  HttpResponse theirs = get("/v1/owner/stats", other.owner.auth());
  ASSERT_EQ(theirs.status, 200) << theirs.describe();
  EXPECT_EQ(find_show(theirs.json(), v.show_id), nullptr);
  EXPECT_NE(find_show(theirs.json(), other.show_id), nullptr);
  EXPECT_TRUE(IsProblem(get("/v1/owner/stats", buyer.auth()), 403));
  EXPECT_TRUE(IsProblem(get("/v1/admin/stats", v.owner.auth()), 403));
  EXPECT_TRUE(IsProblem(get("/v1/admin/stats?from=yesterday", admin.auth()), 400));
  EXPECT_TRUE(IsProblem(
      get("/v1/admin/stats?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", admin.auth()), 400));
}

TEST(AdminReads, ShowReservationsArePaginated) {
  Venue v = make_venue(1, 5);
  const auto seats = hall_seat_ids(v.hall_id);
  std::vector<std::string> booked;
  for (int i = 0; i < 5; ++i) {
    Actor c = new_customer("page-cust");
    booked.push_back(std::to_string(book(c, v.show_id, {seats[i]})));
  }
  const std::string url = show_url(v.show_id, "/reservations");
  Walk pages = walk(url + "?limit=2", v.owner.auth());
  ASSERT_TRUE(pages.ok) << pages.failure;
  EXPECT_EQ(pages.ids, booked);
  EXPECT_EQ(pages.pages, 3);
  HttpResponse one = get(url + "?limit=1", v.owner.auth());
  ASSERT_EQ(one.status, 200) << one.describe();
  EXPECT_EQ(one.json()["items"][0]["seats"].Size(), 1u);
  EXPECT_TRUE(IsProblem(get(url + "?limit=-3", v.owner.auth()), 400));
  EXPECT_TRUE(IsProblem(get(url + "?cursor=nope", v.owner.auth()), 400));
  Venue other = make_venue(1, 1);
  HttpResponse stranger = get(url, other.owner.auth());
  EXPECT_TRUE(stranger.status == 403 || stranger.status == 404) << stranger.describe();
}

}  // namespace
}  // namespace itest
