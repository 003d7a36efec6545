// The booking rules, without the stack: the verbs over the in-memory store.
// The integration tests prove the MariaDB store keeps the same contract.
#include "cinema/booking_verbs.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>

#include "cinema/fake_booking_store.h"

namespace cinema {
namespace {

using testing::FakeBookingStore;
using testing::FakeEvent;

constexpr int64_t kShow = 1;
constexpr int64_t kAlice = 7;
constexpr int64_t kBob = 8;

HoldAsk ask(int64_t user, std::vector<int64_t> seats, int64_t show = kShow) {
  HoldAsk a;
  a.show_id = show;
  a.user_id = user;
  a.role = "CUSTOMER";
  a.seat_ids = std::move(seats);
  a.ttl_s = 600;
  a.max_held_seats = 10;
  a.held_event_id = "held";
  a.released_event_id = "released";
  return a;
}

int64_t hold(FakeBookingStore& store, int64_t user, std::vector<int64_t> seats) {
  auto t = place_hold(store, ask(user, std::move(seats)));
  EXPECT_TRUE(t.ok());
  EXPECT_TRUE(t->placed);
  return t->placed ? t->placed->hold_id : 0;
}

std::string seat_status(const FakeBookingStore& store, int64_t seat, int64_t show = kShow) {
  return store.state.shows.at(show).seats.at(seat).status;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  return d;
}

std::set<std::string> keys_of(const std::string& json) {
  rapidjson::Document d = parse(json);
  std::set<std::string> out;
  if (!d.IsObject()) return out;
  for (const auto& m : d.GetObject()) out.insert(m.name.GetString());
  return out;
}

// The one shape of seat.released for a hold that ended.
void expect_hold_released(const FakeEvent& e, int64_t hold_id, const char* reason,
                          std::vector<int64_t> seats) {
  EXPECT_EQ(e.type, "seat.released");
  EXPECT_EQ(keys_of(e.data),
            (std::set<std::string>{"show_id", "hold_id", "user_id", "seat_ids", "reason"}))
      << e.data;
  rapidjson::Document d = parse(e.data);
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["hold_id"].GetInt64(), hold_id);
  EXPECT_STREQ(d["reason"].GetString(), reason);
  std::vector<int64_t> got;
  for (const auto& v : d["seat_ids"].GetArray()) got.push_back(v.GetInt64());
  EXPECT_EQ(got, seats);
}

void authorize(FakeBookingStore& store, int64_t hold_id, const std::string& ref = "auth-1") {
  const auto& h = store.state.holds.at(hold_id);
  store.record_authorization({hold_id, h.user_id, h.total_cents, h.currency, true, ref, "", 1});
}

ConfirmAsk confirm_ask(int64_t user, int64_t hold_id, std::optional<std::string> ref = "auth-1") {
  return ConfirmAsk{user, kShow, hold_id, std::move(ref), "", "hash"};
}

StatusOr<Confirmed> confirm(FakeBookingStore& store, const ConfirmAsk& a,
                            std::vector<OutboxEvent>* freed_out = nullptr) {
  std::vector<OutboxEvent> freed;
  auto out = store.transaction([&](BookingTx& tx) { return confirm_hold(tx, a, freed); });
  if (freed_out) *freed_out = freed;
  return out;
}

class BookingVerbs : public ::testing::Test {
 protected:
  void SetUp() override { store.add_show(kShow, 6, 1000); }
  FakeBookingStore store;
};

// ---- place_hold -----------------------------------------------------------------

TEST_F(BookingVerbs, PlaceHoldTakesFreeSeatsAndWritesSeatHeld) {
  int64_t h = hold(store, kAlice, {2, 3});
  EXPECT_EQ(seat_status(store, 2), "HELD");
  EXPECT_EQ(seat_status(store, 3), "HELD");
  EXPECT_EQ(store.state.holds.at(h).total_cents, 2000);
  auto held = store.events_of("seat.held");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(keys_of(held[0].data),
            (std::set<std::string>{"show_id", "hold_id", "user_id", "seat_ids", "expires_at"}));
}

TEST_F(BookingVerbs, SeatsTakenByAnotherHoldAreReportedAndNothingChanges) {
  hold(store, kAlice, {2, 3});
  auto before = store.state.events.size();
  auto t = place_hold(store, ask(kBob, {3, 4}));
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->placed);
  EXPECT_EQ(t->unavailable, (std::vector<int64_t>{3}));
  EXPECT_EQ(seat_status(store, 4), "FREE");
  EXPECT_EQ(store.state.events.size(), before);
}

TEST_F(BookingVerbs, AnExpiredHoldGrantsNothing) {
  hold(store, kAlice, {2});
  store.state.now_ms += 601'000;
  int64_t h = hold(store, kBob, {2});
  EXPECT_EQ(store.state.shows.at(kShow).seats.at(2).hold_id, h);
}

TEST_F(BookingVerbs, ANewHoldReplacesTheUsersHoldOnTheShowWithItsEvent) {
  int64_t first = hold(store, kAlice, {1, 2});
  int64_t second = hold(store, kAlice, {5});
  EXPECT_EQ(store.state.holds.at(first).status, kHoldReleased);
  EXPECT_EQ(seat_status(store, 1), "FREE");
  EXPECT_EQ(seat_status(store, 5), "HELD");
  EXPECT_EQ(store.state.holds.at(second).status, kHoldActive);
  auto released = store.events_of("seat.released");
  ASSERT_EQ(released.size(), 1u);
  expect_hold_released(released[0], first, "replaced", {1, 2});
}

TEST_F(BookingVerbs, TheHeldSeatCapCountsOtherShowsOnly) {
  store.add_show(2, 10, 500);
  auto other = ask(kAlice, {1, 2, 3, 4, 5, 6, 7, 8}, 2);
  ASSERT_TRUE(place_hold(store, other)->placed);
  auto t = place_hold(store, ask(kAlice, {1, 2, 3}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.problem().status, 409);
  EXPECT_EQ(t.problem().type, "/problems/held-seat-cap");
  // Two more fit; and the hold on show 2, being replaced, does not count itself.
  EXPECT_TRUE(place_hold(store, ask(kAlice, {1, 2}))->placed);
  EXPECT_TRUE(place_hold(store, ask(kAlice, {2, 3, 4, 5, 6, 7, 8, 9}, 2))->placed);
  EXPECT_FALSE(place_hold(store, ask(kAlice, {1, 2, 3, 4, 5, 6, 7, 8, 9}, 2)).ok());
}

TEST_F(BookingVerbs, RefusedHoldsAreProblems) {
  EXPECT_EQ(place_hold(store, ask(kAlice, {1}, 99)).problem().status, 404);
  EXPECT_EQ(place_hold(store, ask(kAlice, {42})).problem().status, 400);
  store.state.shows.at(kShow).row.status = "CANCELLED";
  EXPECT_EQ(place_hold(store, ask(kAlice, {1})).problem().status, 409);
  store.state.shows.at(kShow).row.status = "SCHEDULED";
  store.state.now_ms += 3'600'000;
  EXPECT_EQ(place_hold(store, ask(kAlice, {1})).problem().detail, "The show has already started");
}

// ---- every way of ending a hold writes one seat.released of one shape -------------

TEST_F(BookingVerbs, ReleaseFreesTheSeatsWithItsEvent) {
  int64_t h = hold(store, kAlice, {3, 4});
  auto e = store.transaction([&](BookingTx& tx) { return release_hold(tx, kShow, kAlice, h); });
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(*e);
  EXPECT_EQ(store.state.holds.at(h).status, kHoldReleased);
  EXPECT_EQ(seat_status(store, 3), "FREE");
  auto released = store.events_of("seat.released");
  ASSERT_EQ(released.size(), 1u);
  expect_hold_released(released[0], h, "released", {3, 4});
  // A second release is no change and no second event.
  auto again = store.transaction([&](BookingTx& tx) { return release_hold(tx, kShow, kAlice, h); });
  EXPECT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(store.events_of("seat.released").size(), 1u);
}

TEST_F(BookingVerbs, NobodyReleasesAnotherUsersHold) {
  int64_t h = hold(store, kAlice, {3});
  auto e = store.transaction([&](BookingTx& tx) { return release_hold(tx, kShow, kBob, h); });
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.problem().status, 404);
  EXPECT_EQ(seat_status(store, 3), "HELD");
}

TEST_F(BookingVerbs, TheSweeperEndsOnlyExpiredHolds) {
  int64_t h = hold(store, kAlice, {1});
  auto early = store.transaction([&](BookingTx& tx) { return end_hold(tx, h, HoldEnd::kExpired); });
  EXPECT_FALSE(early);
  EXPECT_EQ(seat_status(store, 1), "HELD");
  store.state.now_ms += 601'000;
  auto late = store.transaction([&](BookingTx& tx) { return end_hold(tx, h, HoldEnd::kExpired); });
  EXPECT_TRUE(late);
  EXPECT_EQ(store.state.holds.at(h).status, kHoldExpired);
  EXPECT_EQ(seat_status(store, 1), "FREE");
  expect_hold_released(store.events_of("seat.released").at(0), h, "expired", {1});
}

TEST_F(BookingVerbs, ConfirmOfAnExpiredHoldEndsItWithItsEvent) {
  int64_t h = hold(store, kAlice, {2, 3});
  store.state.now_ms += 601'000;
  std::vector<OutboxEvent> freed;
  auto c = confirm(store, confirm_ask(kAlice, h), &freed);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.problem().status, 410);
  ASSERT_EQ(freed.size(), 1u);
  EXPECT_EQ(store.state.holds.at(h).status, kHoldExpired);
  EXPECT_EQ(seat_status(store, 2), "FREE");
  expect_hold_released(store.events_of("seat.released").at(0), h, "expired", {2, 3});
  // Once EXPIRED, a confirm is 410 without a second event.
  EXPECT_EQ(confirm(store, confirm_ask(kAlice, h)).problem().status, 410);
  EXPECT_EQ(store.events_of("seat.released").size(), 1u);
}

TEST_F(BookingVerbs, ALapsedWaitingListOfferEndsItsEntry) {
  std::vector<OutboxEvent> events;
  auto offer = store.transaction([&](BookingTx& tx) {
    return offer_seats(tx, kShow, kBob, "EUR", 60, {5, 6}, events);
  });
  ASSERT_TRUE(offer);
  store.state.offers.push_back({31, offer->hold_id, 0, "OFFERED", true});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(keys_of(events[0].body),
            (std::set<std::string>{"show_id", "hold_id", "user_id", "seat_ids", "expires_at"}));
  store.state.now_ms += 61'000;
  store.transaction([&](BookingTx& tx) { return end_hold(tx, offer->hold_id, HoldEnd::kExpired); });
  EXPECT_EQ(store.state.offers[0].status, "EXPIRED");
  EXPECT_FALSE(store.state.offers[0].has_token);
  expect_hold_released(store.events_of("seat.released").at(0), offer->hold_id, "expired", {5, 6});
}

TEST_F(BookingVerbs, ADeclinedChargeEndsTheOfferAsPaymentFailed) {
  std::vector<OutboxEvent> events;
  auto offer = store.transaction(
      [&](BookingTx& tx) { return offer_seats(tx, kShow, kBob, "EUR", 60, {4}, events); });
  store.state.offers.push_back({32, offer->hold_id, 0, "OFFERED", true});
  store.transaction(
      [&](BookingTx& tx) { return end_hold(tx, offer->hold_id, HoldEnd::kPaymentDeclined); });
  EXPECT_EQ(store.state.offers[0].status, "PAYMENT_FAILED");
  EXPECT_EQ(store.state.holds.at(offer->hold_id).status, kHoldReleased);
  expect_hold_released(store.events_of("seat.released").at(0), offer->hold_id, "payment_declined",
                       {4});
}

TEST_F(BookingVerbs, AnOfferIsNotPlacedOverATakenSeat) {
  hold(store, kAlice, {2});
  std::vector<OutboxEvent> events;
  auto offer = store.transaction([&](BookingTx& tx) {
    return offer_seats(tx, kShow, kBob, "EUR", 60, {1, 2}, events);
  });
  EXPECT_FALSE(offer);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(seat_status(store, 1), "FREE");
}

TEST_F(BookingVerbs, CancellingTheShowEndsEveryHoldAndBookingWithEvents) {
  int64_t a = hold(store, kAlice, {1, 2});
  authorize(store, a);
  ASSERT_TRUE(confirm(store, confirm_ask(kAlice, a)).ok());
  int64_t b = hold(store, kBob, {3});
  auto ended = store.transaction(
      [&](BookingTx& tx) { return end_show_bookings(tx, kShow, 1, "show cancelled: rain"); });
  EXPECT_EQ(ended.released_holds, 1);
  EXPECT_EQ(ended.cancelled_reservations, 1);
  EXPECT_EQ(ended.refunded_cents, 2000);
  for (int seat = 1; seat <= 6; ++seat) EXPECT_EQ(seat_status(store, seat), "FREE");
  auto released = store.events_of("seat.released");
  ASSERT_EQ(released.size(), 1u);  // the hold's; the booking's is told by booking.cancelled
  expect_hold_released(released[0], b, "show_cancelled", {3});
  auto cancelled = store.events_of("booking.cancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_TRUE(parse(cancelled[0].data)["show_cancelled"].GetBool());
}

// ---- confirm ----------------------------------------------------------------------

TEST_F(BookingVerbs, ConfirmBooksExactlyTheHoldsSeats) {
  int64_t h = hold(store, kAlice, {2, 3});
  authorize(store, h);
  auto c = confirm(store, confirm_ask(kAlice, h));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, 201);
  EXPECT_EQ(store.state.holds.at(h).status, kHoldConfirmed);
  EXPECT_EQ(seat_status(store, 2), "RESERVED");
  EXPECT_EQ(seat_status(store, 4), "FREE");
  ASSERT_EQ(store.events_of("booking.confirmed").size(), 1u);
  const auto& r = store.state.reservations.begin()->second;
  EXPECT_EQ(r.total_cents, 2000);
  EXPECT_EQ(r.source, "DIRECT");
  EXPECT_EQ(store.state.payments.at(h).reservation_id, r.id);
  // Confirming again answers the same reservation, 200, with no new event.
  auto again = confirm(store, confirm_ask(kAlice, h));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, c->body);
  EXPECT_EQ(store.events_of("booking.confirmed").size(), 1u);
}

TEST_F(BookingVerbs, ConfirmWithoutAnUnusedAuthorizationLeavesNoTrace) {
  int64_t h = hold(store, kAlice, {2});
  auto c = confirm(store, confirm_ask(kAlice, h));  // nothing authorized
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.problem().status, 409);
  EXPECT_TRUE(store.state.reservations.empty());
  EXPECT_EQ(seat_status(store, 2), "HELD");
  auto none = confirm(store, confirm_ask(kAlice, h, std::nullopt));
  EXPECT_EQ(none.problem().status, 409);
}

TEST_F(BookingVerbs, ConfirmRefusesOtherUsersReleasedAndTakenHolds) {
  int64_t h = hold(store, kAlice, {2});
  authorize(store, h);
  EXPECT_EQ(confirm(store, confirm_ask(kBob, h)).problem().status, 404);
  store.transaction([&](BookingTx& tx) { return release_hold(tx, kShow, kAlice, h); });
  EXPECT_EQ(confirm(store, confirm_ask(kAlice, h)).problem().detail, "The hold was released");
  // An expired hold whose seat went to someone else, seen before the sweeper.
  int64_t late = hold(store, kAlice, {5});
  store.state.holds.at(late).expires_ms = store.state.now_ms + 1;
  store.state.shows.at(kShow).seats.at(5).held_until_ms = store.state.now_ms + 1;
  store.state.now_ms += 2;
  hold(store, kBob, {5});
  store.state.holds.at(late).expires_ms = store.state.now_ms + 600'000;  // extended by hand
  EXPECT_EQ(confirm(store, confirm_ask(kAlice, late)).problem().detail,
            "The hold's seats have been taken");
}

TEST_F(BookingVerbs, ConfirmOnACancelledShowIsRefused) {
  int64_t h = hold(store, kAlice, {2});
  authorize(store, h);
  store.state.shows.at(kShow).row.status = "CANCELLED";
  EXPECT_EQ(confirm(store, confirm_ask(kAlice, h)).problem().status, 409);
  EXPECT_TRUE(store.state.reservations.empty());
}

TEST_F(BookingVerbs, AnIdempotencyKeyReplaysTheFirstAnswer) {
  int64_t h = hold(store, kAlice, {2});
  authorize(store, h);
  ConfirmAsk a = confirm_ask(kAlice, h);
  a.idem_key = "k1";
  auto first = confirm(store, a);
  ASSERT_TRUE(first.ok());
  auto replay = confirm(store, a);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->status, 201);
  EXPECT_EQ(replay->body, first->body);
  a.request_hash = "another request";
  EXPECT_EQ(confirm(store, a).problem().status, 422);
}

TEST_F(BookingVerbs, AWaitingListChargeBooksTheOfferAndSaysWhichEntry) {
  std::vector<OutboxEvent> events;
  auto offer = store.transaction([&](BookingTx& tx) {
    return offer_seats(tx, kShow, kBob, "EUR", 60, {5, 6}, events);
  });
  store.state.offers.push_back({33, offer->hold_id, 0, "OFFERED", true});
  authorize(store, offer->hold_id, "auth-w");
  auto booked = store.transaction([&](BookingTx& tx) -> StatusOr<Booked> {
    auto h = tx.lock_hold(offer->hold_id);
    return book_hold(tx, *h, tx.lock_held_seats(h->id), "auth-w", "WAITLIST");
  });
  ASSERT_TRUE(booked.ok());
  EXPECT_EQ(booked->entry_id, 33);
  EXPECT_EQ(store.state.offers[0].status, "ASSIGNED");
  ASSERT_EQ(booked->events.size(), 2u);
  EXPECT_EQ(booked->events[1].type, "waitlist.assigned");
  EXPECT_EQ(store.state.reservations.begin()->second.source, "WAITLIST");
}

// ---- cancel -----------------------------------------------------------------------

TEST_F(BookingVerbs, CancellingABookingFreesItsSeatsAndRefundsOnce) {
  int64_t h = hold(store, kAlice, {2, 3});
  authorize(store, h);
  ASSERT_TRUE(confirm(store, confirm_ask(kAlice, h)).ok());
  int64_t rid = store.state.reservations.begin()->first;
  auto c = store.transaction([&](BookingTx& tx) {
    auto r = tx.lock_reservation(rid);
    return cancel_booking(tx, *r, kAlice, "cancelled by the customer", CancelScope::kOneBooking);
  });
  EXPECT_EQ(c.seat_ids, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(c.refund.amount_cents, 2000);
  EXPECT_EQ(seat_status(store, 2), "FREE");
  EXPECT_EQ(store.state.reservations.at(rid).status, "CANCELLED");
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].type, "seat.released");
  EXPECT_EQ(c.events[1].type, "booking.cancelled");
  // A second refund record for the same reservation answers the first.
  auto again =
      store.transaction([&](BookingTx& tx) { return tx.record_refund(rid, kShow, "again"); });
  EXPECT_EQ(again.amount_cents, 2000);
  EXPECT_EQ(store.state.refunds.size(), 1u);
}

// ---- payments ---------------------------------------------------------------------

class CountingProvider : public PaymentProvider {
 public:
  Authorization answer;
  int authorizations = 0, captures = 0, voids = 0;
  Authorization authorize(const Charge&, const std::string&) override {
    ++authorizations;
    return answer;
  }
  bool capture(const std::string&) override { return ++captures > 0; }
  bool void_authorization(const std::string&) override { return ++voids > 0; }
  RefundResult refund(const RefundRequest&, const std::string&) override { return {}; }
};

TEST_F(BookingVerbs, AnUnavailableProviderRecordsNothingADeclineIsRecorded) {
  int64_t h = hold(store, kAlice, {2});
  CountingProvider p;
  p.answer.unavailable = true;
  authorize_hold(store, p, {kAlice, h, 1000, "EUR", "tok"}, "key-1", 1);
  EXPECT_FALSE(store.state.payments.count(h));
  p.answer = Authorization{false, "", "card declined", false};
  authorize_hold(store, p, {kAlice, h, 1000, "EUR", "tok"}, "key-1", 1);
  EXPECT_EQ(store.state.payments.at(h).status, "DECLINED");
  p.answer = Authorization{true, "ref-2", "", false};
  authorize_hold(store, p, {kAlice, h, 1000, "EUR", "tok"}, "key-2", 2);
  EXPECT_EQ(store.state.payments.at(h).status, "AUTHORIZED");
  EXPECT_EQ(store.state.payments.at(h).attempt, 2);
  // Never over an authorization already recorded.
  p.answer = Authorization{true, "ref-3", "", false};
  authorize_hold(store, p, {kAlice, h, 1000, "EUR", "tok"}, "key-3", 3);
  EXPECT_EQ(store.state.payments.at(h).reference, "ref-2");
}

TEST_F(BookingVerbs, SettlingCapturesWhatIsUsedAndVoidsOnlyWhatIsNot) {
  CountingProvider p;
  int64_t used = hold(store, kAlice, {2});
  authorize(store, used, "r-used");
  ASSERT_TRUE(confirm(store, confirm_ask(kAlice, used, "r-used")).ok());
  settle_payment(store, p, used, "r-used", true);
  EXPECT_EQ(p.captures, 1);
  EXPECT_EQ(store.state.payments.at(used).status, "CAPTURED");
  // A confirm that did not book: the authorization no reservation took is voided...
  int64_t unused = hold(store, kBob, {4});
  authorize(store, unused, "r-unused");
  settle_payment(store, p, unused, "r-unused", false);
  EXPECT_EQ(p.voids, 1);
  EXPECT_EQ(store.state.payments.at(unused).status, "VOIDED");
  // ...but never one a reservation uses (a concurrent confirm committed with it).
  settle_payment(store, p, used, "r-used", false);
  EXPECT_EQ(p.voids, 1);
}

}  // namespace
}  // namespace cinema
