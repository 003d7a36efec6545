// Waiting-list assignments that pay: in reserve mode (a show's default) the
// worker charges the token an entry joined with; a declined charge ends that
// entry and its seats go to the next; an entry without a token, or any entry
// of a show in offer mode, gets the seats held for a claim window instead.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "booking_fixtures.h"
#include "fixtures.h"
#include "worker_run.h"

namespace itest {
namespace {

HttpResponse join(const Actor& a, int64_t show_id, int seats, const std::string& token = "") {
  JsonObj body;
  body.i("seats", seats);
  if (!token.empty()) body.s("payment_token", token);
  return post(show_url(show_id, "/waitlist"), body.str(), a.auth());
}

struct Entry {
  std::string status;
  int64_t reservation_id = -1;
  int64_t hold_id = -1;
};

Entry entry_of(const Actor& a, int64_t show_id) {
  auto rows = sql_rows(
      "SELECT status, reservation_id, hold_id FROM waitlist_entries WHERE user_id = ? AND "
      "show_id = ? ORDER BY id DESC LIMIT 1",
      a.id(), show_id);
  if (rows.empty()) return {"<none>", -1, -1};
  auto num = [](const std::optional<std::string>& v) { return v ? std::stoll(*v) : -1; };
  return {rows[0][0].value_or(""), num(rows[0][1]), num(rows[0][2])};
}

// A one-seat show whose seat `holder` booked, with the reservation id.
struct SoldOut {
  Venue v;
  int64_t seat = 0;
  Actor holder;
  int64_t reservation = 0;
};

SoldOut sold_out(int64_t price_cents = 1000) {
  SoldOut s{make_venue(1, 1, price_cents), 0, new_customer("pwl-holder"), 0};
  s.seat = hall_seat_ids(s.v.hall_id)[0];
  s.reservation = book(s.holder, s.v.show_id, {s.seat});
  return s;
}

void free_the_seat(const SoldOut& s) {
  HttpResponse r = del(reservation_url(s.reservation), "", s.holder.auth());
  if (r.status != 200) throw std::runtime_error("cancel: " + r.describe());
}

TEST(PaidWaitlist, ATokenInReserveModeIsChargedAndAssigned) {
  SoldOut s = sold_out(1250);
  Actor w = new_customer("pwl-pay");
  const std::string token = "tok_pwl_" + unique_token();
  HttpResponse j = join(w, s.v.show_id, 1, token);
  ASSERT_EQ(j.status, 201) << j.describe();
  EXPECT_NE(j.body.find("\"has_payment_token\":true"), std::string::npos) << j.body;
  EXPECT_EQ(j.body.find(token), std::string::npos) << "the token is never returned";
  HttpResponse mine = get("/v1/my-waitlist", w.auth());
  EXPECT_EQ(mine.body.find(token), std::string::npos) << mine.body;

  free_the_seat(s);
  ASSERT_EQ(run_worker(), 0);
  Entry e = entry_of(w, s.v.show_id);
  ASSERT_EQ(e.status, "ASSIGNED");
  ASSERT_GT(e.reservation_id, 0);
  EXPECT_EQ(seat_map(s.v.show_id).status_of(s.seat), "RESERVED");
  auto pay = sql_rows("SELECT status, amount_cents, user_id FROM payments WHERE reservation_id = ?",
                      e.reservation_id);
  ASSERT_EQ(pay.size(), 1u) << "one payment for the assignment";
  EXPECT_EQ(pay[0][0], "CAPTURED");
  EXPECT_EQ(pay[0][1], "1250");
  EXPECT_EQ(pay[0][2], std::to_string(w.id()));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE id = ? AND source = 'WAITLIST' AND "
                    "total_cents = 1250 AND payment_ref IS NOT NULL",
                    e.reservation_id),
            1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM waitlist_entries WHERE user_id = ? AND payment_token "
                    "IS NOT NULL",
                    w.id()),
            0)
      << "a used token is not kept";
  // The assignment comes with its tickets like any booking.
  HttpResponse t =
      get("/v1/reservations/" + std::to_string(e.reservation_id) + "/tickets", w.auth());
  EXPECT_EQ(t.status, 200) << t.describe();
  EXPECT_NE(t.body.find("\"status\":\"VALID\""), std::string::npos) << t.body;
}

TEST(PaidWaitlist, ADeclinedChargePassesTheSeatsToTheNextEntry) {
  SoldOut s = sold_out();
  Actor declined = new_customer("pwl-decline");
  Actor next = new_customer("pwl-next");
  ASSERT_EQ(join(declined, s.v.show_id, 1, "tok_decline").status, 201);
  ASSERT_EQ(join(next, s.v.show_id, 1, "tok_pwl_ok").status, 201);

  free_the_seat(s);
  ASSERT_EQ(run_worker(), 0);
  Entry d = entry_of(declined, s.v.show_id);
  EXPECT_EQ(d.status, "PAYMENT_FAILED");
  EXPECT_EQ(d.reservation_id, -1);
  ASSERT_GT(d.hold_id, 0);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM payments WHERE hold_id = ? AND status = 'DECLINED'", d.hold_id),
      1);
  EXPECT_EQ(sql_int("SELECT status = 'RELEASED' FROM holds WHERE id = ?", d.hold_id), 1);
  EXPECT_EQ(outbox_rows("waitlist.payment_failed", "entry_id",
                        sql_int("SELECT id FROM waitlist_entries WHERE hold_id = ?", d.hold_id)),
            1);

  Entry n = entry_of(next, s.v.show_id);
  ASSERT_EQ(n.status, "ASSIGNED") << "the declined entry's seat goes to the next entry";
  EXPECT_EQ(sql_int("SELECT seat_id FROM reservation_seats WHERE reservation_id = ? AND active = 1",
                    n.reservation_id),
            s.seat);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payments WHERE reservation_id = ? AND status = "
                    "'CAPTURED'",
                    n.reservation_id),
            1);
  EXPECT_EQ(seat_map(s.v.show_id).status_of(s.seat), "RESERVED");
  HttpResponse mine = get("/v1/my-waitlist", declined.auth());
  EXPECT_NE(mine.body.find("\"status\":\"PAYMENT_FAILED\""), std::string::npos) << mine.body;
}

TEST(PaidWaitlist, WithoutATokenTheEntryGetsAnOffer) {
  SoldOut s = sold_out();
  Actor w = new_customer("pwl-offer");
  HttpResponse j = join(w, s.v.show_id, 1);
  ASSERT_EQ(j.status, 201) << j.describe();
  EXPECT_NE(j.body.find("\"has_payment_token\":false"), std::string::npos) << j.body;

  free_the_seat(s);
  ASSERT_EQ(run_worker(), 0);
  Entry e = entry_of(w, s.v.show_id);
  ASSERT_EQ(e.status, "OFFERED");
  ASSERT_GT(e.hold_id, 0);
  EXPECT_EQ(seat_map(s.v.show_id).status_of(s.seat), "HELD");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND user_id = ? AND status = 'ACTIVE' "
                    "AND source = 'WAITLIST_OFFER' AND expires_at > NOW(3)",
                    e.hold_id, w.id()),
            1)
      << "held for a claim window";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payments WHERE hold_id = ?", e.hold_id), 0)
      << "nothing charged";
  // Claimed like any hold: the customer confirms (and pays) it.
  HttpResponse c = confirm(w, s.v.show_id, e.hold_id);
  ASSERT_EQ(c.status, 201) << c.describe();
  EXPECT_EQ(entry_of(w, s.v.show_id).status, "ASSIGNED");
}

TEST(PaidWaitlist, AShowInOfferModeOffersEvenWithAToken) {
  SoldOut s = sold_out();
  const std::string show = "/v1/shows/" + std::to_string(s.v.show_id);
  EXPECT_TRUE(IsProblem(patch(show, R"({"waitlist_mode":"LATER"})", s.v.owner.auth()), 400));
  EXPECT_TRUE(IsProblem(patch(show, R"({"waitlist_mode":"OFFER"})", s.holder.auth()), 403));
  HttpResponse p = patch(show, R"({"waitlist_mode":"OFFER"})", s.v.owner.auth());
  ASSERT_EQ(p.status, 200) << p.describe();
  EXPECT_EQ(json_string(p, "waitlist_mode"), "OFFER");

  Actor w = new_customer("pwl-show-offers");
  ASSERT_EQ(join(w, s.v.show_id, 1, "tok_pwl_ok").status, 201);
  free_the_seat(s);
  ASSERT_EQ(run_worker(), 0);
  Entry e = entry_of(w, s.v.show_id);
  ASSERT_EQ(e.status, "OFFERED");
  EXPECT_EQ(e.reservation_id, -1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payments WHERE hold_id = ?", e.hold_id), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM waitlist_entries WHERE user_id = ? AND payment_token "
                    "IS NOT NULL",
                    w.id()),
            0);

  // And back: a show is in reserve mode unless its owner says otherwise.
  HttpResponse back = patch(show, R"({"waitlist_mode":"RESERVE"})", s.v.owner.auth());
  EXPECT_EQ(json_string(back, "waitlist_mode"), "RESERVE") << back.describe();
}

// A run that dies between holding an entry's seats and charging it leaves an
// offer whose entry still has its token: the next run charges and books it,
// once (the hold keys the payment).
TEST(PaidWaitlist, AChargeADeadRunLeftIsFinishedByTheNextRun) {
  SoldOut s = sold_out();
  Actor w = new_customer("pwl-resume");
  ASSERT_EQ(join(w, s.v.show_id, 1, "tok_pwl_ok").status, 201);
  free_the_seat(s);
  // The state such a run leaves: the seats held for the entry, not charged.
  ASSERT_EQ(run_worker("--once", "CINEMA_WAITLIST_MODE=offer"), 0);
  Entry held = entry_of(w, s.v.show_id);
  ASSERT_EQ(held.status, "OFFERED");
  ASSERT_EQ(sql_exec("UPDATE waitlist_entries SET payment_token = 'tok_pwl_ok' WHERE hold_id = ?",
                     held.hold_id),
            1);

  ASSERT_EQ(run_worker(), 0);
  Entry e = entry_of(w, s.v.show_id);
  ASSERT_EQ(e.status, "ASSIGNED");
  EXPECT_EQ(sql_int("SELECT hold_id FROM reservations WHERE id = ?", e.reservation_id),
            held.hold_id);
  ASSERT_EQ(run_worker(), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payments WHERE hold_id = ? AND status = 'CAPTURED' AND "
                    "reservation_id = ?",
                    held.hold_id, e.reservation_id),
            1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payments WHERE user_id = ?", w.id()), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE user_id = ?", w.id()), 1);
}

}  // namespace
}  // namespace itest
