// The attack probe's findings, each held by a test: rights that follow the
// current role at once, login throttling that canonical emails and client
// addresses cannot sidestep, bad bytes refused before they are stored, times
// past 2038, caps on what one customer may hold or wait for, and small leaks.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.h"

namespace itest {
namespace {

HttpResponse patch_user(const Actor& admin, int64_t user_id, const std::string& body) {
  return patch("/v1/admin/users/" + std::to_string(user_id), body, admin.auth());
}

HttpResponse login_raw(const std::string& email, const std::string& password) {
  return post("/v1/auth/login", json_object({{"email", email}, {"password", password}}));
}

HttpResponse refresh_raw(const std::string& refresh_token) {
  return post("/v1/auth/refresh", json_object({{"refresh_token", refresh_token}}));
}

std::string problem_type(const HttpResponse& r) {
  return json_string(r, "type");
}

// --- 1. a role change or a disabled account takes effect at once --------------

TEST(Security, DemotedAdminCannotRepromoteItselfWithItsOldToken) {
  Actor keeper = new_admin("keeper");
  Actor demoted = new_admin("demoted");
  Tokens session = login(demoted.user);
  ASSERT_EQ(get("/v1/admin/users", demoted.auth()).status, 200);

  HttpResponse demote = patch_user(keeper, demoted.id(), R"({"role":"CUSTOMER"})");
  ASSERT_EQ(demote.status, 200) << demote.describe();
  EXPECT_EQ(json_string(demote, "role"), "CUSTOMER");

  HttpResponse again = patch_user(demoted, demoted.id(), R"({"role":"ADMIN"})");
  EXPECT_TRUE(IsProblem(again, 403)) << again.describe();
  EXPECT_TRUE(IsProblem(get("/v1/admin/users", demoted.auth()), 403));
  EXPECT_EQ(sql_int("SELECT role = 'CUSTOMER' FROM users WHERE id = ?", demoted.id()), 1);
  // Its sessions are revoked: the refresh token of before the change is dead.
  EXPECT_TRUE(IsProblem(refresh_raw(session.refresh_token), 401));
  EXPECT_GE(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'user.role_change' AND "
                    "entity_id = ? AND actor_id = ?",
                    demoted.id(), keeper.id()),
            1);
}

TEST(Security, DemotedOwnerStopsAtOnceAndPromotionWorksAtOnce) {
  Actor admin = new_admin("roles-admin");
  Actor owner = new_owner("demoted-owner");
  create_cinema(owner);
  ASSERT_EQ(patch_user(admin, owner.id(), R"({"role":"CUSTOMER"})").status, 200);
  HttpResponse refused =
      post("/v1/cinemas", JsonObj().s("name", "After demotion").s("city", "X").str(), owner.auth());
  EXPECT_TRUE(IsProblem(refused, 403)) << refused.describe();

  // The other way round: a customer's old token gets the new rights too.
  Actor customer = new_customer("promoted");
  ASSERT_EQ(patch_user(admin, customer.id(), R"({"role":"OWNER"})").status, 200);
  HttpResponse created =
      post("/v1/cinemas", JsonObj().s("name", "Promoted " + unique_token()).s("city", "X").str(),
           customer.auth());
  EXPECT_EQ(created.status, 201) << created.describe();
}

TEST(Security, DisabledAccountIsLockedOutAtOnceAndCanBeEnabledAgain) {
  Actor admin = new_admin("disable-admin");
  Actor user = new_customer("disabled");
  Tokens session = login(user.user);
  ASSERT_EQ(get("/v1/me", user.auth()).status, 200);

  HttpResponse off = patch_user(admin, user.id(), R"({"disabled":true})");
  ASSERT_EQ(off.status, 200) << off.describe();
  auto doc = off.json();
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("disabled") && doc["disabled"].IsBool());
  EXPECT_TRUE(doc["disabled"].GetBool());

  EXPECT_TRUE(IsProblem(get("/v1/me", user.auth()), 401));
  EXPECT_TRUE(IsProblem(hold_best(user, 1, 1, true), 401));
  EXPECT_TRUE(IsProblem(login_raw(user.user.email, user.user.password), 401));
  EXPECT_TRUE(IsProblem(refresh_raw(session.refresh_token), 401));

  ASSERT_EQ(patch_user(admin, user.id(), R"({"disabled":false})").status, 200);
  EXPECT_EQ(login_raw(user.user.email, user.user.password).status, 200);
  EXPECT_EQ(get("/v1/me", user.auth()).status, 200) << "enabled again: the token works";
  EXPECT_GE(sql_int("SELECT COUNT(*) FROM audit_log WHERE action IN ('user.disable', "
                    "'user.enable') AND entity_id = ?",
                    user.id()),
            2);
}

TEST(Security, AdminsCannotLockThemselvesOut) {
  Actor admin = new_admin("self");
  EXPECT_TRUE(IsProblem(patch_user(admin, admin.id(), R"({"disabled":true})"), 409));
  EXPECT_TRUE(IsProblem(patch_user(admin, admin.id(), R"({"role":"OWNER"})"), 409));
  EXPECT_TRUE(IsProblem(patch_user(admin, admin.id(), R"({"disabled":"yes"})"), 400));
  EXPECT_TRUE(IsProblem(patch_user(admin, admin.id(), R"({})"), 400));
  EXPECT_EQ(get("/v1/me", admin.auth()).status, 200);
}

// --- 2. throttling keyed on the canonical email and on the client address ----

TEST(Security, LookalikeEmailsShareTheAccountsThrottle) {
  const std::string tag = unique_token("sec");
  const std::string plain = tag + "@example.com";  // unique_token: letters and digits only
  const std::string password = "correct horse battery";
  HttpResponse reg =
      post("/v1/auth/register", json_object({{"email", plain}, {"password", password}}));
  ASSERT_EQ(reg.status, 201) << reg.describe();

  // The same address written otherwise is the same account (one canonical form).
  const std::string fullwidth_s = "\xef\xbd\x93";  // U+FF53
  std::string lookalike = plain;
  lookalike.replace(0, 1, fullwidth_s);
  HttpResponse dup =
      post("/v1/auth/register", json_object({{"email", lookalike}, {"password", password}}));
  EXPECT_TRUE(IsProblem(dup, 409)) << dup.describe();

  // Burn the account's bucket with the plain form...
  int limited_at = -1;
  for (int i = 0; i < 10 && limited_at < 0; ++i) {
    if (login_raw(plain, "wrong password").status == 429) limited_at = i;
  }
  ASSERT_GE(limited_at, 0) << "the per-account bucket never limited";
  // ...and no other spelling gets fresh tries.
  for (const std::string& other : {lookalike, std::string("S") + plain.substr(1),
                                   plain.substr(0, 1) + "\xc2\xad" + plain.substr(1)}) {
    HttpResponse r = login_raw(other, "wrong password");
    EXPECT_TRUE(IsProblem(r, 429)) << other << ": " << r.describe();
  }
  // An accented spelling is another address, not this account.
  std::string accented = "s\xc3\xa9" + plain.substr(2);
  HttpResponse other_account = login_raw(accented, password);
  EXPECT_TRUE(IsProblem(other_account, 401)) << other_account.describe();
}

TEST(Security, OneAddressCannotSprayLoginsAcrossEmails) {
  SourceAddress from(fresh_loopback_address());
  std::vector<int> statuses;
  for (int i = 0; i < 20; ++i) {
    statuses.push_back(login_raw(unique_email("spray"), "some password").status);
    if (statuses.back() == 0) GTEST_SKIP() << "cannot connect from another loopback address";
  }
  EXPECT_EQ(statuses.front(), 401);
  EXPECT_NE(std::find(statuses.begin(), statuses.end(), 429), statuses.end())
      << "20 logins with 20 emails from one address were never limited (burst "
      << stack_config().rate.login_address_burst << ")";
  for (int s : statuses) EXPECT_TRUE(s == 401 || s == 429) << s;
}

TEST(Security, RegistrationsFromOneAddressAreLimited) {
  SourceAddress from(fresh_loopback_address());
  int created = 0, limited = 0;
  for (int i = 0; i < 25; ++i) {
    HttpResponse r = post(
        "/v1/auth/register",
        json_object({{"email", unique_email("signup")}, {"password", "correct horse battery"}}));
    if (r.status == 0) GTEST_SKIP() << "cannot connect from another loopback address";
    if (r.status == 201) ++created;
    if (r.status == 429) {
      ++limited;
      EXPECT_FALSE(r.header("retry-after").empty());
    }
  }
  EXPECT_GT(created, 0);
  EXPECT_GT(limited, 0) << "25 signups from one address were never limited (burst "
                        << stack_config().rate.register_burst << ")";
}

// --- 3. bad bytes are a 400, never a 500, never stored ------------------------

TEST(Security, InvalidUtf8InABodyIs400AndNothingIsStored) {
  Actor owner = new_owner("bytes");
  for (const std::string& name :
       {std::string("\xff"), std::string("\xc0\xaf"), std::string("\xc3\x28"),
        std::string("bad \xed\xa0\x80 surrogate"), std::string("\\udc00"),
        std::string("\\ud800x")}) {
    std::string body = "{\"name\":\"" + name + "\",\"city\":\"X\"}";
    HttpResponse r = post("/v1/cinemas", body, owner.auth());
    EXPECT_TRUE(IsProblem(r, 400)) << testing::PrintToString(name) << ": " << r.describe();
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM cinemas WHERE owner_id = ?", owner.id()), 0);
  // Valid non-ASCII text is stored and served back as sent.
  const std::string name =
      "Kino \xc3\x9c"
      "ber \xf0\x9f\x8e\xac " +
      unique_token();
  HttpResponse ok =
      post("/v1/cinemas", JsonObj().s("name", name).s("city", "X").str(), owner.auth());
  ASSERT_EQ(ok.status, 201) << ok.describe();
  EXPECT_EQ(json_string(ok, "name"), name);
}

TEST(Security, InvalidBytesInHeadersAndQueryAre400) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("hdr");
  HttpResponse h = hold_seats(c, v.show_id, {hall_seat_ids(v.hall_id)[0]});
  ASSERT_EQ(h.status, 201) << h.describe();
  const std::string body = "{\"hold_id\":" + std::to_string(*json_int(h, "hold_id")) + "}";
  for (const std::string& key : {std::string("k\xff"), std::string("k\xc0\xaf"),
                                 std::string("with space"), std::string(129, 'k')}) {
    HttpResponse r = post("/v1/shows/" + std::to_string(v.show_id) + "/confirm", body,
                          {bearer(c.token), {"Idempotency-Key", key}});
    EXPECT_TRUE(IsProblem(r, 400)) << testing::PrintToString(key) << ": " << r.describe();
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE user_id = ?", c.id()), 0);
  EXPECT_TRUE(IsProblem(get("/v1/search/shows?q=%FF"), 400));
  EXPECT_TRUE(IsProblem(get("/v1/search/shows?q=%C3%28"), 400));
  EXPECT_EQ(get("/v1/search/shows?q=%C3%A9t%C3%A9").status, 200);
}

// --- 4. times past 2038 ---------------------------------------------------------

TEST(Security, ShowsAfter2038AreStoredAndServed) {
  Venue v = make_venue(1, 1);
  const int64_t t2038 = 2147486400;  // 2038-01-19T04:00:00Z, past the 32-bit limit
  HttpResponse created =
      post("/v1/shows", show_body(v.hall_id, "Far future", t2038, t2038 + 7200), v.owner.auth());
  ASSERT_EQ(created.status, 201) << created.describe();
  int64_t id = *json_int(created, "id");
  EXPECT_EQ(json_string(created, "starts_at"), "2038-01-19T04:00:00Z");
  HttpResponse read = get("/v1/shows/" + std::to_string(id));
  EXPECT_EQ(json_string(read, "starts_at"), "2038-01-19T04:00:00Z") << read.describe();

  const int64_t t2099 = 4102430400;  // 2099-12-31T20:00:00Z
  HttpResponse moved =
      patch("/v1/shows/" + std::to_string(id),
            JsonObj().s("starts_at", rfc3339(t2099)).s("ends_at", rfc3339(t2099 + 3600)).str(),
            v.owner.auth());
  ASSERT_EQ(moved.status, 200) << moved.describe();
  EXPECT_EQ(json_string(moved, "starts_at"), "2099-12-31T20:00:00Z");
  EXPECT_EQ(
      sql_int("SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', starts_at) FROM shows WHERE id = ?", id),
      t2099);
  // A clash check across the far future still works.
  HttpResponse clash =
      post("/v1/shows", show_body(v.hall_id, "Clash", t2099 + 600, t2099 + 4000), v.owner.auth());
  EXPECT_TRUE(IsProblem(clash, 409)) << clash.describe();
}

// --- 5. abuse caps ----------------------------------------------------------------

TEST(Security, HeldSeatsAreCappedAcrossShows) {
  const int64_t cap = stack_config().max_held_seats;
  ASSERT_EQ(cap % 10, 0) << "the test fills the cap 10 seats at a time";
  Venue v = make_venue(2, 5);
  std::vector<int64_t> shows{v.show_id};
  for (int64_t i = 1; i <= cap / 10; ++i) shows.push_back(add_show(v));
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  Actor c = new_customer("hoarder");
  for (int64_t i = 0; i < cap / 10; ++i) {
    HttpResponse r = hold_seats(c, shows[static_cast<size_t>(i)], seats);
    ASSERT_EQ(r.status, 201) << "show " << i << ": " << r.describe();
  }
  HttpResponse over = hold_seats(c, shows.back(), {seats[0]});
  ASSERT_TRUE(IsProblem(over, 409)) << over.describe();
  EXPECT_EQ(problem_type(over), "/problems/held-seat-cap");
  EXPECT_NE(over.body.find("\"max_held_seats\":" + std::to_string(cap)), std::string::npos)
      << over.body;
  EXPECT_EQ(seat_map(shows.back()).status_of(seats[0]), "FREE");
  // Replacing a hold on a show already held does not count against itself.
  HttpResponse replaced = hold_seats(c, shows[0], {seats[0], seats[1]});
  EXPECT_EQ(replaced.status, 201) << replaced.describe();
  // And the seats given back make room.
  HttpResponse now_fits = hold_seats(c, shows.back(), {seats[0]});
  EXPECT_EQ(now_fits.status, 201) << now_fits.describe();
}

HttpResponse join(const Actor& a, int64_t show_id) {
  return post("/v1/shows/" + std::to_string(show_id) + "/waitlist", R"({"seats":1})", a.auth());
}
HttpResponse leave(const Actor& a, int64_t show_id) {
  return del("/v1/shows/" + std::to_string(show_id) + "/waitlist", "", a.auth());
}

TEST(Security, OpenWaitingListEntriesAreCapped) {
  const int64_t cap = stack_config().max_waitlist_entries;
  ASSERT_LE(cap, 5) << "the test sells out cap + 1 shows";
  Venue v = make_venue(1, 1);
  std::vector<int64_t> shows{v.show_id};
  for (int64_t i = 0; i < cap; ++i) shows.push_back(add_show(v));
  int64_t seat = hall_seat_ids(v.hall_id)[0];
  Actor buyer = new_customer("sellout");
  for (int64_t show : shows) book(buyer, show, {seat});
  Actor waiter = new_customer("waiter");
  for (int64_t i = 0; i < cap; ++i) {
    HttpResponse r = join(waiter, shows[static_cast<size_t>(i)]);
    ASSERT_EQ(r.status, 201) << r.describe();
  }
  HttpResponse over = join(waiter, shows.back());
  ASSERT_TRUE(IsProblem(over, 409)) << over.describe();
  EXPECT_EQ(problem_type(over), "/problems/waitlist-cap");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM waitlist_entries WHERE user_id = ? AND active_key = 1",
                    waiter.id()),
            cap);
}

TEST(Security, WaitingListJoinAndLeaveAreRateLimited) {
  Venue v = make_venue(1, 1);
  book(new_customer("sellout"), v.show_id, {hall_seat_ids(v.hall_id)[0]});
  Actor c = new_customer("cycler");
  HttpResponse limited;
  int writes = 0;
  for (int i = 0; i < 20 && limited.status == 0; ++i) {
    HttpResponse r = i % 2 == 0 ? join(c, v.show_id) : leave(c, v.show_id);
    if (r.status == 429) {
      limited = r;
    } else {
      ASSERT_TRUE(r.status == 201 || r.status == 204) << r.describe();
      ++writes;
    }
  }
  ASSERT_EQ(limited.status, 429) << "20 join/leave cycles were never limited";
  EXPECT_TRUE(IsProblem(limited, 429));
  EXPECT_FALSE(limited.header("retry-after").empty());
  EXPECT_LE(writes, stack_config().rate.waitlist_burst);
}

// --- 8. small leaks ------------------------------------------------------------------

TEST(Security, UnknownQueryParametersOnCachedRoutesAre400) {
  for (const char* path : {"/v1/cinemas?junk=1", "/v1/shows?limit=5&junk=x",
                           "/v1/search/shows?q=a&utm_source=z", "/v1/cinemas/1?x=1"}) {
    HttpResponse r = get(path);
    EXPECT_TRUE(IsProblem(r, 400)) << path << ": " << r.describe();
  }
  EXPECT_EQ(get("/v1/cinemas?limit=5").status, 200);
}

TEST(Security, ClientRequestIdIsLoggedApartFromOurs) {
  const std::string client_id = "client-" + unique_token();
  HttpResponse r =
      post("/v1/auth/register",
           json_object({{"email", unique_email("rid")}, {"password", "a long enough password"}}),
           {{"X-Request-Id", client_id}});
  ASSERT_EQ(r.status, 201) << r.describe();
  const std::string ours = r.header("x-request-id");
  EXPECT_FALSE(ours.empty());
  EXPECT_NE(ours, client_id) << "a client must not choose our request id";
  EXPECT_EQ(r.header("x-client-request-id"), client_id) << "the client's id comes back as its own";
  int64_t user_id = *json_int(r, "id");
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'user' AND "
                       "entity_id = " +
                           std::to_string(user_id) + " AND request_id = ?",
                       ours),
            1);
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM audit_log WHERE request_id = ?", client_id), 0);

  const char* run_dir = std::getenv("CINEMA_RUN_DIR");
  ASSERT_NE(run_dir, nullptr);
  bool found = wait_until(std::chrono::seconds(5), [&] {
    std::ifstream log(std::string(run_dir) + "/log/register.log");
    std::string line;
    while (std::getline(log, line)) {
      if (line.find("\"client_request_id\":\"" + client_id + "\"") != std::string::npos &&
          line.find("\"request_id\":\"" + ours + "\"") != std::string::npos) {
        return true;
      }
    }
    return false;
  });
  EXPECT_TRUE(found) << "register.log has no line with our id and the client's id apart";
}

}  // namespace
}  // namespace itest
