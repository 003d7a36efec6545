// Tickets and check-in: every confirmed seat has a ticket whose code is an
// HMAC under the stack's CINEMA_TICKET_SECRET; the show's owner lets each
// ticket in once.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "booking_fixtures.h"
#include "cinema/crypto.h"
#include "fixtures.h"

namespace itest {
namespace {

struct Ticket {
  int64_t ticket_id = 0;
  int64_t seat_id = 0;
  std::string row;
  int64_t number = 0;
  std::string code;
  std::string status;
  std::string used_at;  // "" when null
};

std::string tickets_url(int64_t reservation_id) {
  return "/v1/reservations/" + std::to_string(reservation_id) + "/tickets";
}

std::vector<Ticket> parse_tickets(const HttpResponse& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  std::vector<Ticket> out;
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("items") || !d["items"].IsArray()) {
    return out;
  }
  for (const auto& t : d["items"].GetArray()) {
    Ticket x;
    x.ticket_id = t["ticket_id"].GetInt64();
    x.seat_id = t["seat_id"].GetInt64();
    x.row = t["row"].GetString();
    x.number = t["number"].GetInt64();
    x.code = t["code"].GetString();
    x.status = t["status"].GetString();
    x.used_at = t["used_at"].IsString() ? t["used_at"].GetString() : "";
    out.push_back(x);
  }
  return out;
}

// The customer's tickets; throws unless the API answers 200.
std::vector<Ticket> tickets_of(const Actor& a, int64_t reservation_id) {
  HttpResponse r = get(tickets_url(reservation_id), a.auth());
  if (r.status != 200) throw std::runtime_error("tickets: " + r.describe());
  return parse_tickets(r);
}

HttpResponse check_in(const Actor& a, const std::string& code) {
  return post("/v1/checkin", JsonObj().s("code", code).str(), a.auth());
}

std::string ticket_secret() {
  const char* s = std::getenv("CINEMA_TICKET_SECRET");
  return s != nullptr ? s : "";
}

// The code's form, rebuilt independently of the function's code:
// base64url("<ticket>.<reservation>.<show>.<seat>") "." base64url(HMAC-SHA256).
std::string expected_code(int64_t ticket_id, int64_t reservation_id, int64_t show_id,
                          int64_t seat_id, const std::string& secret) {
  std::string ids = std::to_string(ticket_id) + "." + std::to_string(reservation_id) + "." +
                    std::to_string(show_id) + "." + std::to_string(seat_id);
  return cinema::base64url_encode(ids) + "." +
         cinema::base64url_encode(cinema::hmac_sha256(secret, "cinema-ticket-v1\n" + ids));
}

TEST(Tickets, EachConfirmedSeatHasATicketWhoseCodeVerifies) {
  ASSERT_GE(ticket_secret().size(), 32u) << "the test stack must set CINEMA_TICKET_SECRET";
  Venue v = make_venue(1, 3);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor c = new_customer("tkt");
  int64_t rid = book(c, v.show_id, {ids[0], ids[1]});
  std::vector<Ticket> mine = tickets_of(c, rid);
  ASSERT_EQ(mine.size(), 2u);
  std::set<int64_t> seats, ticket_ids;
  for (const Ticket& t : mine) {
    seats.insert(t.seat_id);
    ticket_ids.insert(t.ticket_id);
    EXPECT_EQ(t.status, "VALID");
    EXPECT_EQ(t.used_at, "");
    EXPECT_FALSE(t.row.empty());
    EXPECT_GT(t.number, 0);
    EXPECT_EQ(t.code, expected_code(t.ticket_id, rid, v.show_id, t.seat_id, ticket_secret()))
        << "ticket " << t.ticket_id;
  }
  EXPECT_EQ(seats, (std::set<int64_t>{ids[0], ids[1]}));
  EXPECT_EQ(ticket_ids.size(), 2u) << "each seat is a ticket of its own";
  EXPECT_EQ(tickets_of(c, rid)[0].code, mine[0].code) << "a ticket keeps its code";

  // The show's owner and admins see the same tickets; nobody else learns of them.
  std::vector<Ticket> owners = tickets_of(v.owner, rid);
  ASSERT_EQ(owners.size(), 2u);
  EXPECT_EQ(owners[0].code, mine[0].code);
  EXPECT_EQ(get(tickets_url(rid), new_admin("tkt-admin").auth()).status, 200);
  EXPECT_TRUE(IsProblem(get(tickets_url(rid), new_customer("tkt-other").auth()), 404));
  EXPECT_TRUE(IsProblem(get(tickets_url(rid), new_owner("tkt-other-owner").auth()), 404));
  EXPECT_TRUE(IsProblem(get(tickets_url(kMissingId), c.auth()), 404));
  EXPECT_TRUE(IsProblem(get(tickets_url(rid)), 401));
}

TEST(Tickets, ATicketScansOnce) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("tkt-scan");
  int64_t rid = book(c, v.show_id, {hall_seat_ids(v.hall_id)[0]});
  Ticket t = tickets_of(c, rid).at(0);

  HttpResponse first = check_in(v.owner, t.code);
  ASSERT_EQ(first.status, 200) << first.describe();
  std::string at = json_string(first, "checked_in_at");
  EXPECT_FALSE(at.empty()) << first.body;
  rapidjson::Document d;
  d.Parse(first.body.c_str());
  ASSERT_TRUE(d.IsObject() && d.HasMember("ticket") && d.HasMember("show") && d.HasMember("seat"))
      << first.body;
  EXPECT_EQ(d["ticket"]["ticket_id"].GetInt64(), t.ticket_id);
  EXPECT_EQ(std::string(d["ticket"]["status"].GetString()), "USED");
  EXPECT_EQ(d["show"]["id"].GetInt64(), v.show_id);
  EXPECT_EQ(d["seat"]["id"].GetInt64(), t.seat_id);

  HttpResponse second = check_in(v.owner, t.code);
  EXPECT_TRUE(IsProblem(second, 409));
  EXPECT_EQ(json_string(second, "first_scanned_at"), at) << second.body;
  EXPECT_NE(second.body.find(at), std::string::npos) << "the detail says when: " << second.body;

  Ticket after = tickets_of(c, rid).at(0);
  EXPECT_EQ(after.status, "USED");
  EXPECT_EQ(after.used_at, at);
  // The check-in is an event, and its audit record names who scanned.
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM outbox WHERE event_type = 'ticket.checked_in' AND "
                    "aggregate_id = ? AND actor_id = ?",
                    t.ticket_id, v.owner.id()),
            1);
}

TEST(Tickets, ACancelledReservationsTicketIsRefused) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("tkt-cancel");
  int64_t rid = book(c, v.show_id, {hall_seat_ids(v.hall_id)[0]});
  Ticket t = tickets_of(c, rid).at(0);
  ASSERT_EQ(del(reservation_url(rid), "", c.auth()).status, 200);
  HttpResponse r = check_in(v.owner, t.code);
  EXPECT_TRUE(IsProblem(r, 409));
  EXPECT_EQ(json_string(r, "type"), "/problems/ticket-cancelled") << r.body;
  EXPECT_EQ(tickets_of(c, rid).at(0).status, "CANCELLED");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM ticket_checkins WHERE ticket_id = ?", t.ticket_id), 0);
}

TEST(Tickets, OnlyTheShowsOwnerOrAnAdminChecksIn) {
  Venue v = make_venue(1, 3);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor c = new_customer("tkt-who");
  int64_t rid = book(c, v.show_id, {ids[0], ids[1]});
  std::vector<Ticket> ts = tickets_of(c, rid);
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_TRUE(IsProblem(check_in(c, ts[0].code), 403)) << "a customer, even with their own ticket";
  EXPECT_TRUE(IsProblem(check_in(new_owner("tkt-stranger"), ts[0].code), 404))
      << "another owner's ticket is not revealed";
  EXPECT_TRUE(IsProblem(post("/v1/checkin", JsonObj().s("code", ts[0].code).str()), 401));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM ticket_checkins WHERE reservation_id = ?", rid), 0);
  HttpResponse admin = check_in(new_admin("tkt-door"), ts[1].code);
  EXPECT_EQ(admin.status, 200) << admin.describe();
}

TEST(Tickets, ForgedOrGarbledCodesAreRefused) {
  Venue v = make_venue(1, 3);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor c = new_customer("tkt-forge");
  int64_t rid = book(c, v.show_id, {ids[0]});
  Ticket t = tickets_of(c, rid).at(0);
  // Text that is not a code at all.
  for (const std::string& garbled : {std::string("hello"), t.code + "x.y", std::string("a.b")}) {
    EXPECT_TRUE(IsProblem(check_in(v.owner, garbled), 400)) << garbled;
  }
  // Well formed, but not signed with the stack's secret: the same ticket
  // under another key, another seat with this ticket's MAC, a flipped bit.
  std::string other_key = expected_code(t.ticket_id, rid, v.show_id, t.seat_id,
                                        "not-the-stack-secret-not-the-stack-secret");
  std::string mac = t.code.substr(t.code.find('.'));
  std::string other_seat =
      cinema::base64url_encode(std::to_string(t.ticket_id) + "." + std::to_string(rid) + "." +
                               std::to_string(v.show_id) + "." + std::to_string(ids[1])) +
      mac;
  std::string raw = *cinema::base64url_decode(mac.substr(1));
  raw[0] = static_cast<char>(raw[0] ^ 0x40);
  std::string flipped = t.code.substr(0, t.code.find('.') + 1) + cinema::base64url_encode(raw);
  for (const std::string& forged : {other_key, other_seat, flipped}) {
    EXPECT_TRUE(IsProblem(check_in(v.owner, forged), 404)) << forged;
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM ticket_checkins WHERE ticket_id = ?", t.ticket_id), 0);
  EXPECT_EQ(check_in(v.owner, t.code).status, 200) << "the real code still admits";
}

TEST(Tickets, TwoScansAtOnceLetOneIn) {
  Venue v = make_venue(1, 3);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor c = new_customer("tkt-race");
  int64_t rid = book(c, v.show_id, ids);
  std::vector<Ticket> ts = tickets_of(c, rid);
  ASSERT_EQ(ts.size(), 3u);
  constexpr int kScanners = 6;
  for (const Ticket& t : ts) {
    StartGate gate;
    std::atomic<int> ok{0}, used{0}, other{0};
    std::vector<std::thread> scanners;
    for (int i = 0; i < kScanners; ++i) {
      scanners.emplace_back([&] {
        gate.wait();
        HttpResponse r = check_in(v.owner, t.code);
        if (r.status == 200) {
          ++ok;
        } else if (r.status == 409 && json_string(r, "type") == "/problems/ticket-already-used") {
          ++used;
        } else {
          ++other;
        }
      });
    }
    gate.open();
    for (auto& s : scanners) s.join();
    EXPECT_EQ(ok.load(), 1) << "ticket " << t.ticket_id;
    EXPECT_EQ(used.load(), kScanners - 1);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM ticket_checkins WHERE ticket_id = ?", t.ticket_id), 1);
  }
}

}  // namespace
}  // namespace itest
