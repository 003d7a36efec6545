// Booking core through nginx: holds under contention (2 and 50+ concurrent
// clients), hold validation, best available, expiry (CINEMA_HOLD_TTL_SECONDS=3
// in the test profile), confirm with idempotency and payment decline, release,
// reservations and cancellation (own, owner override, after the start), the
// seat map with ETags, the outbox and audit rows, and the behaviour while
// RabbitMQ is down and while MariaDB restarts. Timing-dependent steps poll
// with bounds; nothing asserts on wall-clock speed.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"
#include "worker_run.h"

namespace itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int64_t kMissingId = 900000000002;

std::string show_url(int64_t show_id, const std::string& tail = "") {
  return "/v1/shows/" + std::to_string(show_id) + tail;
}
std::string reservation_url(int64_t id) {
  return "/v1/reservations/" + std::to_string(id);
}
std::string owner_reservation_url(int64_t id) {
  return "/v1/owner/reservations/" + std::to_string(id);
}

std::vector<int64_t> sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string join(const std::vector<int64_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out;
}

bool subset_of(const std::vector<int64_t>& part, const std::vector<int64_t>& whole) {
  std::set<int64_t> w(whole.begin(), whole.end());
  return std::all_of(part.begin(), part.end(), [&](int64_t x) { return w.count(x) == 1; });
}

int64_t holds_of_show(int64_t show_id) {
  return sql_int("SELECT COUNT(*) FROM holds WHERE show_id = ?", show_id);
}

// Outbox rows of `type` whose payload's data.<member> equals `id`.
int64_t outbox_rows(const std::string& type, const std::string& member, int64_t id,
                    bool unpublished_only = false) {
  return sql_int(
      "SELECT COUNT(*) FROM outbox WHERE event_type = ? AND "
      "CAST(JSON_VALUE(payload, '$.data." +
          member + "') AS SIGNED) = ?" +
          (unpublished_only ? std::string(" AND published_at IS NULL") : ""),
      type, id);
}

// Registers and logs in `n` customers, a few at a time.
std::vector<Actor> many_customers(int n, const std::string& prefix) {
  std::vector<Actor> out(static_cast<size_t>(n));
  std::atomic<int> next{0};
  std::mutex mu;
  std::string error;
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        try {
          out[static_cast<size_t>(i)] = new_customer(prefix);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(mu);
          error = e.what();
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  if (!error.empty()) throw std::runtime_error("creating customers: " + error);
  return out;
}

// ------------------------------------------------------------------ contention

TEST(Booking, TwoUsersRacingForTheSameSeatsOneWins) {
  Venue v = make_venue(4, 6);
  Actor a = new_customer("race-a");
  Actor b = new_customer("race-b");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);

  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::vector<int64_t> seats = {ids.at(static_cast<size_t>(round * 2)),
                                        ids.at(static_cast<size_t>(round * 2 + 1))};
    const int64_t holds_before = holds_of_show(v.show_id);
    StartGate gate;
    HttpResponse ra, rb;
    std::thread ta([&] {
      gate.wait();
      ra = hold_seats(a, v.show_id, seats);
    });
    std::thread tb([&] {
      gate.wait();
      rb = hold_seats(b, v.show_id, seats);
    });
    gate.open();
    ta.join();
    tb.join();

    ASSERT_EQ((ra.status == 201) + (rb.status == 201), 1)
        << "A: " << ra.describe() << "\nB: " << rb.describe();
    const HttpResponse& win = ra.status == 201 ? ra : rb;
    const HttpResponse& lose = ra.status == 201 ? rb : ra;
    const Actor& winner = ra.status == 201 ? a : b;
    EXPECT_TRUE(IsProblem(lose, 409));
    std::vector<int64_t> unavailable = json_ids(lose, "unavailable_seat_ids");
    EXPECT_FALSE(unavailable.empty()) << lose.describe();
    EXPECT_TRUE(subset_of(unavailable, seats)) << lose.describe();
    EXPECT_EQ(sorted(json_ids(win, "seat_ids")), sorted(seats)) << win.describe();

    int64_t hold_id = json_int(win, "hold_id").value_or(0);
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND status = 'HELD' AND "
                      "hold_id = ?",
                      v.show_id, hold_id),
              2);
    EXPECT_EQ(sql_int("SELECT user_id FROM holds WHERE id = ?", hold_id), winner.id());
    EXPECT_EQ(holds_of_show(v.show_id), holds_before + 1) << "the losing attempt left a hold row";
  }
}

TEST(Booking, FiftySixClientsRacingForTenSeatsNeverDoubleHold) {
  constexpr int kClients = 56;
  Venue v = make_venue(5, 10);
  std::vector<int64_t> all = hall_seat_ids(v.hall_id);
  ASSERT_EQ(all.size(), 50u);
  const std::vector<int64_t> contested(all.begin() + 20, all.begin() + 30);
  std::vector<Actor> clients = many_customers(kClients, "crowd");

  std::mt19937 rng(20241121);
  std::vector<std::vector<int64_t>> wants(kClients);
  for (auto& w : wants) {
    std::vector<int64_t> pool = contested;
    std::shuffle(pool.begin(), pool.end(), rng);
    w.assign(pool.begin(), pool.begin() + 1 + static_cast<int>(rng() % 2));
  }

  std::vector<HttpResponse> results(kClients);
  StartGate gate;
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      gate.wait();
      results[static_cast<size_t>(i)] =
          hold_seats(clients[static_cast<size_t>(i)], v.show_id, wants[static_cast<size_t>(i)]);
    });
  }
  gate.open();
  for (auto& t : threads) t.join();

  struct Success {
    int client;
    int64_t hold_id;
    std::vector<int64_t> seats;
  };
  std::vector<Success> wins;
  for (int i = 0; i < kClients; ++i) {
    const HttpResponse& r = results[static_cast<size_t>(i)];
    const auto& want = wants[static_cast<size_t>(i)];
    if (r.status == 201) {
      std::vector<int64_t> got = sorted(json_ids(r, "seat_ids"));
      EXPECT_EQ(got, sorted(want)) << "client " << i << ": " << r.describe();
      EXPECT_EQ(json_int(r, "total_cents").value_or(-1), 1000 * static_cast<int64_t>(want.size()))
          << r.describe();
      wins.push_back({i, json_int(r, "hold_id").value_or(0), got});
    } else {
      EXPECT_TRUE(IsProblem(r, 409)) << "client " << i;
      std::vector<int64_t> unavailable = json_ids(r, "unavailable_seat_ids");
      EXPECT_FALSE(unavailable.empty()) << r.describe();
      EXPECT_TRUE(subset_of(unavailable, want))
          << "client " << i << " wanted " << join(want) << ": " << r.describe();
    }
  }
  ASSERT_FALSE(wins.empty()) << "nobody got a seat";
  // Ten seats cannot satisfy more than ten clients.
  EXPECT_LE(wins.size(), contested.size()) << "more clients got seats than there are seats";

  // Is any successful hold already past its expiry? Then a seat may legally
  // have passed on to a later hold, and only the time-aware check applies.
  const bool none_expired = sql_int(
                                "SELECT COUNT(*) FROM holds WHERE show_id = ? AND expires_at <= "
                                "NOW(3) + INTERVAL 1 SECOND",
                                v.show_id) == 0;

  std::string win_ids;
  for (const auto& w : wins) win_ids += (win_ids.empty() ? "" : ",") + std::to_string(w.hold_id);
  // Failed attempts roll back completely: one hold row per success, no other.
  EXPECT_EQ(holds_of_show(v.show_id), static_cast<int64_t>(wins.size()));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE show_id = ? AND id IN (" + win_ids + ")",
                    v.show_id),
            static_cast<int64_t>(wins.size()));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND hold_id IS NOT NULL "
                    "AND hold_id NOT IN (" +
                        win_ids + ")",
                    v.show_id),
            0)
      << "a seat points at a hold nobody was told about";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND status <> 'FREE' AND "
                    "seat_id NOT IN (" +
                        join(contested) + ")",
                    v.show_id),
            0)
      << "a seat nobody asked for changed state";

  std::map<int64_t, std::vector<int64_t>> holders;  // seat -> hold ids of 201 answers
  size_t seats_in_wins = 0;
  for (const auto& w : wins) {
    seats_in_wins += w.seats.size();
    for (int64_t s : w.seats) holders[s].push_back(w.hold_id);
  }
  if (none_expired) {
    for (const auto& [seat, holds] : holders) {
      EXPECT_EQ(holds.size(), 1u) << "seat " << seat << " was granted to holds " << join(holds);
    }
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats ss JOIN holds h ON h.id = ss.hold_id "
                      "WHERE ss.show_id = ? AND ss.status = 'HELD' AND h.status = 'ACTIVE'",
                      v.show_id),
              static_cast<int64_t>(seats_in_wins))
        << "seats held in the database differ from the seats granted";
    for (const auto& w : wins) {
      EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE hold_id = ? AND seat_id IN (" +
                            join(w.seats) + ")",
                        w.hold_id),
                static_cast<int64_t>(w.seats.size()))
          << "hold " << w.hold_id << " does not own its seats";
    }
  } else {
    std::cerr << "note: a hold expired before the checks ran; checking hold windows instead\n";
    // Two holds granted the same seat must not have been live at the same
    // time: the later one started after the earlier one expired (1 s slack for
    // the time between a hold's INSERT and its seat UPDATE).
    for (const auto& [seat, holds] : holders) {
      if (holds.size() < 2) continue;
      auto rows = sql_rows(
          "SELECT ROUND(UNIX_TIMESTAMP(created_at) * 1000), ROUND(UNIX_TIMESTAMP(expires_at) * "
          "1000) "
          "FROM holds WHERE id IN (" +
          join(holds) + ") ORDER BY created_at");
      for (size_t k = 1; k < rows.size(); ++k) {
        int64_t prev_expiry = std::stoll(rows[k - 1][1].value_or("0"));
        int64_t created = std::stoll(rows[k][0].value_or("0"));
        EXPECT_GE(created + 1000, prev_expiry)
            << "seat " << seat << " was in two live holds (" << join(holds) << ")";
      }
    }
  }
}

// ------------------------------------------------------------------ validation

TEST(Booking, HoldRejectsBadRequestsAndLeavesNoTrace) {
  Venue v = make_venue(3, 4);
  Venue elsewhere = make_venue(2, 2);
  int64_t started = add_show(v);
  Actor c = new_customer("hold-bad");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  std::vector<int64_t> foreign = hall_seat_ids(elsewhere.hall_id);
  ASSERT_EQ(ids.size(), 12u);
  const int64_t holds_before = holds_of_show(v.show_id);

  // A seat of another hall's show, alone and next to a valid seat.
  for (const auto& seats :
       {std::vector<int64_t>{foreign[0]}, std::vector<int64_t>{ids[0], foreign[1]},
        std::vector<int64_t>{kMissingId}}) {
    HttpResponse r = hold_seats(c, v.show_id, seats);
    // Not seats of this show: 400 (the procedure's BAD_SEATS), never a hold.
    EXPECT_TRUE(IsProblem(r, 400)) << "seats " << join(seats) << ": " << r.describe();
  }
  std::vector<int64_t> eleven(ids.begin(), ids.begin() + 11);
  std::vector<int64_t> ten(ids.begin(), ids.begin() + 10);
  struct Bad {
    const char* what;
    std::string body;
  };
  for (const Bad& b : std::vector<Bad>{
           {"duplicate seat ids",
            JsonObj().raw("seat_ids", ids_json({ids[0], ids[1], ids[0]})).str()},
           {"11 seats", JsonObj().raw("seat_ids", ids_json(eleven)).str()},
           {"no seats", JsonObj().raw("seat_ids", "[]").str()},
           {"seat ids as strings", JsonObj().raw("seat_ids", "[\"1\"]").str()},
           {"seat_ids and count",
            JsonObj().raw("seat_ids", ids_json({ids[0]})).i("count", 1).str()},
           {"count 0", JsonObj().i("count", 0).str()},
           {"count 11", JsonObj().i("count", 11).str()},
           {"unknown field", JsonObj().raw("seat_ids", ids_json({ids[0]})).i("user_id", 1).str()},
           {"empty object", "{}"},
       }) {
    EXPECT_TRUE(IsProblem(post(show_url(v.show_id, "/hold"), b.body, c.auth()), 400)) << b.what;
  }
  EXPECT_TRUE(IsProblem(hold_seats(c, kMissingId, {ids[0]}), 404)) << "unknown show";
  start_show_now(started);
  EXPECT_TRUE(IsProblem(hold_seats(c, started, {ids[0]}), 409)) << "show already started";
  EXPECT_TRUE(IsProblem(hold_best(c, started, 2, true), 409)) << "best available, show started";
  EXPECT_TRUE(IsProblem(
      post(show_url(v.show_id, "/hold"), JsonObj().raw("seat_ids", ids_json({ids[0]})).str()), 401))
      << "anonymous";
  EXPECT_TRUE(IsProblem(hold_seats(v.owner, v.show_id, {ids[0]}), 403))
      << "an owner is not a customer";

  EXPECT_EQ(holds_of_show(v.show_id), holds_before) << "a refused hold left a hold row";
  EXPECT_EQ(holds_of_show(started), 0);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id IN (?, ?, ?) AND status <> 'FREE'",
              v.show_id, started, elsewhere.show_id),
      0);
  SeatMap m = seat_map(v.show_id);
  ASSERT_TRUE(m.ok()) << m.response.describe();
  for (const Seat& s : m.seats) EXPECT_EQ(s.status, "FREE") << "seat " << s.id;

  // Control: ten distinct seats are fine.
  HttpResponse ok = hold_seats(c, v.show_id, ten);
  EXPECT_EQ(ok.status, 201) << ok.describe();
}

// ------------------------------------------------------------------ best available

TEST(Booking, BestAvailableTogetherPicksAdjacentSeatsInOneRow) {
  Venue v = make_venue(6, 8);
  Actor blocker = new_customer("blocker");
  Actor c = new_customer("best");
  SeatMap before = seat_map(v.show_id);
  ASSERT_TRUE(before.ok()) << before.response.describe();
  // Take the middle of the rows the picker likes best, so it has to look elsewhere.
  std::vector<int64_t> blocked;
  for (const Seat& s : before.seats) {
    if ((s.grid_row == 3 || s.grid_row == 4) && s.grid_col >= 3 && s.grid_col <= 6)
      blocked.push_back(s.id);
  }
  ASSERT_EQ(blocked.size(), 8u);
  HttpResponse block = hold_seats(blocker, v.show_id, blocked);
  ASSERT_EQ(block.status, 201) << block.describe();
  const int64_t block_hold = json_int(block, "hold_id").value_or(0);

  HttpResponse r = hold_best(c, v.show_id, 3, true);
  ASSERT_EQ(r.status, 201) << r.describe();
  std::vector<int64_t> got = json_ids(r, "seat_ids");
  ASSERT_EQ(got.size(), 3u) << r.describe();
  EXPECT_EQ(json_int(r, "total_cents").value_or(-1), 3000) << r.describe();

  std::vector<const Seat*> seats;
  for (int64_t id : got) {
    const Seat* s = before.find(id);
    ASSERT_NE(s, nullptr) << "seat " << id << " is not in the show";
    seats.push_back(s);
  }
  std::sort(seats.begin(), seats.end(),
            [](const Seat* x, const Seat* y) { return x->grid_col < y->grid_col; });
  EXPECT_EQ(seats[0]->grid_row, seats[1]->grid_row);
  EXPECT_EQ(seats[1]->grid_row, seats[2]->grid_row);
  EXPECT_EQ(seats[1]->grid_col, seats[0]->grid_col + 1);
  EXPECT_EQ(seats[2]->grid_col, seats[1]->grid_col + 1);

  // Unless the blocker's hold had already expired, the picker avoided it.
  bool block_live = sql_int(
                        "SELECT COUNT(*) FROM holds b, holds n WHERE b.id = ? AND n.id = ? AND "
                        "b.expires_at > n.created_at",
                        block_hold, json_int(r, "hold_id").value_or(0)) == 1;
  if (block_live) {
    for (int64_t id : got) {
      EXPECT_EQ(std::count(blocked.begin(), blocked.end(), id), 0) << "picked a held seat " << id;
    }
  }
  SeatMap after = seat_map(v.show_id);
  for (int64_t id : got) EXPECT_EQ(after.status_of(id), "HELD") << "seat " << id;

  // Scattered picks are distinct seats too.
  Actor d = new_customer("scattered");
  HttpResponse s = hold_best(d, v.show_id, 4, false);
  ASSERT_EQ(s.status, 201) << s.describe();
  std::vector<int64_t> scattered = json_ids(s, "seat_ids");
  EXPECT_EQ(std::set<int64_t>(scattered.begin(), scattered.end()).size(), 4u);
  bool got_live = sql_int(
                      "SELECT COUNT(*) FROM holds b, holds n WHERE b.id = ? AND n.id = ? AND "
                      "b.expires_at > n.created_at",
                      json_int(r, "hold_id").value_or(0), json_int(s, "hold_id").value_or(0)) == 1;
  if (got_live) {
    for (int64_t id : scattered) EXPECT_EQ(std::count(got.begin(), got.end(), id), 0);
  }
}

// ------------------------------------------------------------------ expiry

TEST(Booking, ExpiredHoldFreesTheSeatAndCannotBeConfirmed) {
  Venue v = make_venue(2, 3);
  Actor a = new_customer("expire-a");
  Actor b = new_customer("expire-b");
  const int64_t seat = hall_seat_ids(v.hall_id).at(1);

  HttpResponse held = hold_seats(a, v.show_id, {seat});
  ASSERT_EQ(held.status, 201) << held.describe();
  const int64_t hold_a = json_int(held, "hold_id").value_or(0);
  EXPECT_FALSE(json_string(held, "expires_at").empty()) << held.describe();

  std::string status;
  ASSERT_TRUE(wait_until(milliseconds(15000),
                         [&] {
                           status = seat_map(v.show_id).status_of(seat);
                           return status == "FREE";
                         }))
      << "the held seat did not show FREE within 15 s (TTL 3 s); last status " << status;

  HttpResponse taken = hold_seats(b, v.show_id, {seat});
  ASSERT_EQ(taken.status, 201) << "a seat of an expired hold must be holdable: "
                               << taken.describe();
  const int64_t hold_b = json_int(taken, "hold_id").value_or(0);

  HttpResponse late = confirm(a, v.show_id, hold_a);
  EXPECT_TRUE(IsProblem(late, 410)) << "confirming an expired hold";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold_a), 0);
  // B's hold is untouched by A's failed confirm.
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND seat_id = ? AND hold_id = ?",
              v.show_id, seat, hold_b),
      1);
  HttpResponse ok = confirm(b, v.show_id, hold_b);
  EXPECT_EQ(ok.status, 201) << ok.describe();
  EXPECT_EQ(seat_map(v.show_id).status_of(seat), "RESERVED");
}

// A new hold replaces the customer's previous one on the show: its seats go
// FREE and its seat.released event lists exactly the seats it still had. A
// live hold has all of them; an expired one may have lost some to others.
TEST(Booking, ReplacingAHoldReleasesExactlyTheSeatsItStillHad) {
  Venue v = make_venue(2, 5);
  Actor a = new_customer("replace-a");
  Actor b = new_customer("replace-b");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  auto released_seats = [&](int64_t hold_id) {
    auto rows = sql_rows(
        "SELECT JSON_EXTRACT(payload, '$.data.seat_ids') FROM outbox WHERE event_type = "
        "'seat.released' AND CAST(JSON_VALUE(payload, '$.data.hold_id') AS SIGNED) = ?",
        hold_id);
    std::vector<int64_t> out;
    if (rows.size() != 1 || !rows[0][0]) return std::vector<int64_t>{-1};  // no single event
    rapidjson::Document d;
    d.Parse(rows[0][0]->c_str());
    if (!d.IsArray()) return std::vector<int64_t>{-2};
    for (const auto& x : d.GetArray()) out.push_back(x.GetInt64());
    return out;
  };

  // Live: all of its seats come back.
  HttpResponse first = hold_seats(a, v.show_id, {ids[1], ids[0]});
  ASSERT_EQ(first.status, 201) << first.describe();
  const int64_t hold1 = json_int(first, "hold_id").value_or(0);
  HttpResponse second = hold_seats(a, v.show_id, {ids[2]});
  ASSERT_EQ(second.status, 201) << second.describe();
  const int64_t hold2 = json_int(second, "hold_id").value_or(0);
  EXPECT_EQ(released_seats(hold1), (std::vector<int64_t>{ids[0], ids[1]}));
  SeatMap map = seat_map(v.show_id);
  EXPECT_EQ(map.status_of(ids[0]), "FREE");
  EXPECT_EQ(map.status_of(ids[1]), "FREE");
  EXPECT_EQ(map.status_of(ids[2]), "HELD");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE show_id = ? AND user_id = ? AND "
                    "status = 'ACTIVE'",
                    v.show_id, a.id()),
            1);

  // Expired, and one of its seats taken by someone else meanwhile: only the
  // other seat is released, and the other customer's hold is untouched.
  HttpResponse third = hold_seats(a, v.show_id, {ids[3], ids[4]});
  ASSERT_EQ(third.status, 201) << third.describe();
  const int64_t hold3 = json_int(third, "hold_id").value_or(0);
  EXPECT_EQ(released_seats(hold2), std::vector<int64_t>{ids[2]});
  ASSERT_TRUE(wait_until(milliseconds(15000),
                         [&] { return seat_map(v.show_id).status_of(ids[3]) == "FREE"; }))
      << "hold " << hold3 << " did not expire within 15 s (TTL 3 s)";
  HttpResponse taken = hold_seats(b, v.show_id, {ids[3]});
  ASSERT_EQ(taken.status, 201) << taken.describe();
  const int64_t hold_b = json_int(taken, "hold_id").value_or(0);
  HttpResponse fourth = hold_seats(a, v.show_id, {ids[5]});
  ASSERT_EQ(fourth.status, 201) << fourth.describe();
  EXPECT_EQ(released_seats(hold3), std::vector<int64_t>{ids[4]});
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND seat_id = ? AND "
                    "hold_id = ? AND status = 'HELD'",
                    v.show_id, ids[3], hold_b),
            1);
}

// One customer's holds on one show racing each other (double clicks, several
// tabs): each ends 201 or 409, never 5xx; afterwards exactly one hold is
// active, it has its seats, and no seat is left HELD by a replaced hold.
TEST(Booking, ConcurrentHoldsOfOneCustomerLeaveExactlyOneActiveHold) {
  Venue v = make_venue(2, 8);
  Actor a = new_customer("tabs");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  constexpr int kTabs = 8;
  std::vector<int> status(kTabs, 0);
  std::vector<std::thread> tabs;
  for (int t = 0; t < kTabs; ++t) {
    tabs.emplace_back([&, t] {
      HttpResponse r = hold_seats(
          a, v.show_id, {ids[static_cast<size_t>(2 * t)], ids[static_cast<size_t>(2 * t + 1)]});
      status[static_cast<size_t>(t)] = r.status;
    });
  }
  for (auto& t : tabs) t.join();
  int placed = 0;
  for (int s : status) {
    EXPECT_TRUE(s == 201 || s == 409) << "status " << s;
    if (s == 201) ++placed;
  }
  EXPECT_GE(placed, 1);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM holds WHERE show_id = ? AND user_id = ? AND status = 'ACTIVE'",
              v.show_id, a.id()),
      1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats ss JOIN holds h ON h.id = ss.hold_id "
                    "WHERE ss.show_id = ? AND ss.status = 'HELD' AND h.status <> 'ACTIVE'",
                    v.show_id),
            0)
      << "seats still HELD by a hold that is no longer active";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats ss JOIN holds h ON h.id = ss.hold_id "
                    "WHERE ss.show_id = ? AND ss.status = 'HELD' AND h.status = 'ACTIVE'",
                    v.show_id),
            2)
      << "the active hold should have its two seats";
}

// ------------------------------------------------------------------ confirm

TEST(Booking, ConfirmCreatesOneReservationAndIsIdempotent) {
  Venue v = make_layout_venue({"SSSS", "VVVV", "SSSS"}, 1000);
  Actor c = new_customer("confirm");
  SeatMap m = seat_map(v.show_id);
  ASSERT_TRUE(m.ok()) << m.response.describe();
  const std::vector<int64_t> standard = m.ids_of_type("STANDARD");
  const std::vector<int64_t> vip = m.ids_of_type("VIP");
  ASSERT_GE(standard.size(), 4u);
  ASSERT_GE(vip.size(), 2u);
  const std::vector<int64_t> seats = {standard[0], vip[0]};
  const int64_t expected_total = m.find(standard[0])->price_cents + m.find(vip[0])->price_cents;

  // With an Idempotency-Key.
  HttpResponse h = hold_seats(c, v.show_id, seats);
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);
  EXPECT_EQ(json_int(h, "total_cents").value_or(-1), expected_total);
  const std::string key = unique_token("idem");
  HttpResponse first = confirm(c, v.show_id, hold_id, key);
  ASSERT_EQ(first.status, 201) << first.describe();
  const int64_t reservation = json_int(first, "reservation_id").value_or(0);
  EXPECT_GT(reservation, 0);
  EXPECT_EQ(json_string(first, "status"), "CONFIRMED");
  EXPECT_EQ(sorted(json_ids(first, "seat_ids")), sorted(seats));
  EXPECT_EQ(json_int(first, "total_cents").value_or(-1), expected_total)
      << "total is not the sum of the seat prices";
  EXPECT_EQ(json_string(first, "currency"), "EUR");
  SeatMap after = seat_map(v.show_id);
  for (int64_t s : seats) EXPECT_EQ(after.status_of(s), "RESERVED") << "seat " << s;

  HttpResponse again = confirm(c, v.show_id, hold_id, key);
  // A replay with the same key is the first answer again, to the byte.
  EXPECT_EQ(again.status, 201) << again.describe();
  EXPECT_EQ(again.body, first.body) << "replay with the same key";
  HttpResponse no_key = confirm(c, v.show_id, hold_id);
  EXPECT_EQ(no_key.status, 200) << no_key.describe();
  EXPECT_EQ(json_int(no_key, "reservation_id").value_or(-1), reservation);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold_id), 1);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM reservation_seats WHERE reservation_id = ? AND active = 1",
              reservation),
      2);
  EXPECT_EQ(sql_int("SELECT total_cents FROM reservations WHERE id = ?", reservation),
            expected_total);

  // The same key for a different request is refused, and books nothing.
  HttpResponse h2 = hold_seats(c, v.show_id, {standard[1]});
  ASSERT_EQ(h2.status, 201) << h2.describe();
  const int64_t hold2 = json_int(h2, "hold_id").value_or(0);
  HttpResponse reused = confirm(c, v.show_id, hold2, key);
  EXPECT_TRUE(reused.status >= 400 && reused.status < 500 && IsProblem(reused, reused.status))
      << "an Idempotency-Key reused for another hold: " << reused.describe();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold2), 0);

  // Without a key: a retry answers 200 with the same reservation.
  HttpResponse plain = confirm(c, v.show_id, hold2);
  ASSERT_EQ(plain.status, 201) << plain.describe();
  const int64_t reservation2 = json_int(plain, "reservation_id").value_or(0);
  HttpResponse retry = confirm(c, v.show_id, hold2);
  EXPECT_EQ(retry.status, 200) << retry.describe();
  EXPECT_EQ(json_int(retry, "reservation_id").value_or(-1), reservation2);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold2), 1);

  // Another user cannot confirm this user's hold.
  Actor stranger = new_customer("confirm-stranger");
  HttpResponse h3 = hold_seats(c, v.show_id, {standard[2]});
  ASSERT_EQ(h3.status, 201) << h3.describe();
  const int64_t hold3 = json_int(h3, "hold_id").value_or(0);
  EXPECT_TRUE(IsProblem(confirm(stranger, v.show_id, hold3), 404));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold3), 0);
}

TEST(Booking, DeclinedPaymentKeepsTheHoldForALaterConfirm) {
  Venue v = make_venue(2, 4);
  Actor c = new_customer("decline");
  const int64_t seat = hall_seat_ids(v.hall_id).at(2);
  HttpResponse h = hold_seats(c, v.show_id, {seat});
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);

  HttpResponse declined = confirm(c, v.show_id, hold_id, "", "tok_decline");
  EXPECT_TRUE(IsProblem(declined, 402)) << "payment_token tok_decline";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold_id), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'ACTIVE'", hold_id), 1);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM show_seats WHERE hold_id = ? AND status = 'HELD'", hold_id), 1);

  HttpResponse paid = confirm(c, v.show_id, hold_id, "", "tok_visa");
  ASSERT_EQ(paid.status, 201) << "the hold must still work after a declined payment: "
                              << paid.describe();
  EXPECT_EQ(json_string(paid, "status"), "CONFIRMED");
  EXPECT_EQ(seat_map(v.show_id).status_of(seat), "RESERVED");
}

// ------------------------------------------------------------------ release

TEST(Booking, ReleaseFreesSeatsAndOnlyForTheHolder) {
  Venue v = make_venue(2, 3);
  Actor a = new_customer("release-a");
  Actor b = new_customer("release-b");
  const std::vector<int64_t> seats = {hall_seat_ids(v.hall_id).at(0),
                                      hall_seat_ids(v.hall_id).at(1)};
  HttpResponse h = hold_seats(a, v.show_id, seats);
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);
  EXPECT_EQ(seat_map(v.show_id).status_of(seats[0]), "HELD");

  EXPECT_TRUE(IsProblem(release_hold(b, v.show_id, hold_id), 404)) << "another user's hold";
  EXPECT_TRUE(IsProblem(release_hold(a, kMissingId, hold_id), 404)) << "hold under another show id";
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM show_seats WHERE hold_id = ? AND status = 'HELD'", hold_id), 2)
      << "a refused release freed seats";

  HttpResponse released = release_hold(a, v.show_id, hold_id);
  EXPECT_EQ(released.status, 204) << released.describe();
  SeatMap m = seat_map(v.show_id);
  for (int64_t s : seats) EXPECT_EQ(m.status_of(s), "FREE") << "seat " << s;
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'RELEASED'", hold_id), 1);
  EXPECT_TRUE(IsProblem(confirm(a, v.show_id, hold_id), 409)) << "confirming a released hold";
  // B can now hold them.
  EXPECT_EQ(hold_seats(b, v.show_id, seats).status, 201);
}

// ------------------------------------------------------------------ reservations

TEST(Booking, ReservationsVisibilityCancellationAndOwnerOverride) {
  Venue v = make_venue(3, 4);
  Actor c = new_customer("resv");
  Actor stranger = new_customer("resv-stranger");
  Actor other_owner = new_owner("resv-other-owner");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);

  const int64_t r1 = book(c, v.show_id, {ids[0], ids[1]});

  HttpResponse mine = get("/v1/my-reservations", c.auth());
  ASSERT_EQ(mine.status, 200) << mine.describe();
  std::vector<int64_t> listed = item_ids(mine);
  EXPECT_NE(std::find(listed.begin(), listed.end(), r1), listed.end()) << mine.describe();
  listed = item_ids(get("/v1/my-reservations", stranger.auth()));
  EXPECT_EQ(std::find(listed.begin(), listed.end(), r1), listed.end()) << "listed to a stranger";
  EXPECT_TRUE(IsProblem(get("/v1/my-reservations"), 401));

  HttpResponse own = get(reservation_url(r1), c.auth());
  EXPECT_EQ(own.status, 200) << own.describe();
  EXPECT_EQ(json_string(own, "status"), "CONFIRMED");
  EXPECT_TRUE(IsProblem(get(reservation_url(r1), stranger.auth()), 404)) << "stranger";
  EXPECT_TRUE(IsProblem(get(reservation_url(r1), other_owner.auth()), 404)) << "another owner";
  HttpResponse by_owner = get(reservation_url(r1), v.owner.auth());
  EXPECT_EQ(by_owner.status, 200) << "the cinema's owner: " << by_owner.describe();
  EXPECT_EQ(get(owner_reservation_url(r1), v.owner.auth()).status, 200);
  EXPECT_TRUE(IsProblem(get(owner_reservation_url(r1), other_owner.auth()), 404));

  HttpResponse show_list = get(show_url(v.show_id, "/reservations"), v.owner.auth());
  ASSERT_EQ(show_list.status, 200) << show_list.describe();
  listed = item_ids(show_list);
  EXPECT_NE(std::find(listed.begin(), listed.end(), r1), listed.end()) << show_list.describe();
  EXPECT_TRUE(IsProblem(get(show_url(v.show_id, "/reservations"), other_owner.auth()), 403));

  // Cancel: strangers and other owners cannot, the customer can, once.
  EXPECT_TRUE(IsProblem(del(reservation_url(r1), "", stranger.auth()), 404));
  EXPECT_TRUE(IsProblem(del(reservation_url(r1), "", other_owner.auth()), 404));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE id = ? AND status = 'CONFIRMED'", r1),
            1);
  HttpResponse cancelled = del(reservation_url(r1), "", c.auth());
  ASSERT_EQ(cancelled.status, 200) << cancelled.describe();
  EXPECT_EQ(json_string(cancelled, "status"), "CANCELLED");
  SeatMap m = seat_map(v.show_id);
  EXPECT_EQ(m.status_of(ids[0]), "FREE");
  EXPECT_EQ(m.status_of(ids[1]), "FREE");
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM reservation_seats WHERE reservation_id = ? AND active = 1", r1),
      0);
  EXPECT_TRUE(IsProblem(del(reservation_url(r1), "", c.auth()), 409)) << "cancelling twice";
  // The freed seats can be booked again (the unique active key was released).
  EXPECT_NO_THROW(book(stranger, v.show_id, {ids[0]}));

  // Owner override.
  const int64_t r2 = book(c, v.show_id, {ids[2]});
  EXPECT_TRUE(IsProblem(del(owner_reservation_url(r2), "", other_owner.auth()), 404));
  EXPECT_TRUE(IsProblem(del(owner_reservation_url(r2), "", c.auth()), 403))
      << "customer on the owner route";
  HttpResponse overridden = del(owner_reservation_url(r2), "", v.owner.auth());
  ASSERT_EQ(overridden.status, 200) << overridden.describe();
  EXPECT_EQ(json_string(overridden, "status"), "CANCELLED");
  EXPECT_EQ(seat_map(v.show_id).status_of(ids[2]), "FREE");
  EXPECT_EQ(sql_int("SELECT cancelled_by FROM reservations WHERE id = ?", r2), v.owner.id());

  // After the show has started, the customer can no longer cancel.
  int64_t show2 = add_show(v);
  const int64_t r3 = book(c, show2, {ids[3]});
  start_show_now(show2);
  EXPECT_TRUE(IsProblem(del(reservation_url(r3), "", c.auth()), 409)) << "cancel after the start";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE id = ? AND status = 'CONFIRMED'", r3),
            1);
  EXPECT_EQ(seat_map(show2).status_of(ids[3]), "RESERVED");
}

// ------------------------------------------------------------------ seat map

TEST(Booking, SeatMapReflectsEveryChangeAtOnceAndHonoursETags) {
  Venue v = make_venue(2, 3);
  Actor c = new_customer("seatmap");
  const int64_t seat = hall_seat_ids(v.hall_id).at(4);

  SeatMap m0 = seat_map(v.show_id);
  ASSERT_TRUE(m0.ok()) << m0.response.describe();
  EXPECT_EQ(m0.seats.size(), 6u);
  EXPECT_EQ(m0.status_of(seat), "FREE");
  const std::string e0 = m0.etag();
  ASSERT_FALSE(e0.empty()) << m0.response.describe();
  SeatMap m0b = seat_map(v.show_id, {{"If-None-Match", e0}});
  EXPECT_EQ(m0b.response.status, 304) << m0b.response.describe();
  EXPECT_TRUE(m0b.response.body.empty());

  HttpResponse h = hold_seats(c, v.show_id, {seat});
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);
  SeatMap m1 = seat_map(v.show_id, {{"If-None-Match", e0}});
  ASSERT_EQ(m1.response.status, 200)
      << "the old ETag matched after a hold: " << m1.response.describe();
  EXPECT_EQ(m1.status_of(seat), "HELD");
  const std::string e1 = m1.etag();
  EXPECT_NE(e1, e0);
  EXPECT_EQ(seat_map(v.show_id, {{"If-None-Match", e1}}).response.status, 304);

  ASSERT_EQ(release_hold(c, v.show_id, hold_id).status, 204);
  SeatMap m2 = seat_map(v.show_id, {{"If-None-Match", e1}});
  ASSERT_EQ(m2.response.status, 200) << m2.response.describe();
  EXPECT_EQ(m2.status_of(seat), "FREE");

  const int64_t reservation = book(c, v.show_id, {seat});
  SeatMap m3 = seat_map(v.show_id, {{"If-None-Match", m2.etag()}});
  ASSERT_EQ(m3.response.status, 200) << m3.response.describe();
  EXPECT_EQ(m3.status_of(seat), "RESERVED");

  ASSERT_EQ(del(reservation_url(reservation), "", c.auth()).status, 200);
  SeatMap m4 = seat_map(v.show_id, {{"If-None-Match", m3.etag()}});
  ASSERT_EQ(m4.response.status, 200) << m4.response.describe();
  EXPECT_EQ(m4.status_of(seat), "FREE");
  // Every other seat stayed FREE throughout.
  for (const Seat& s : m4.seats) EXPECT_EQ(s.status, "FREE") << "seat " << s.id;
}

// ------------------------------------------------------------------ outbox and audit

// The audit trail's entries for a change: its events are its audit record
// (one row per fact), found by action and an id in the event's data.
int64_t feed_count(const std::string& action, const char* id_field, int64_t id, int64_t actor) {
  return sql_int(std::string("SELECT COUNT(*) FROM audit_feed WHERE action = ? AND actor_id = ? "
                             "AND request_id IS NOT NULL AND source = 'event' AND "
                             "CAST(JSON_VALUE(after_json, '$.") +
                     id_field + "') AS SIGNED) = ?",
                 action, actor, id);
}

TEST(Booking, HoldConfirmCancelAndReleaseWriteOutboxAndAuditRows) {
  Venue v = make_venue(2, 3);
  Actor c = new_customer("outbox");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);

  HttpResponse h = hold_seats(c, v.show_id, {ids[0], ids[1]});
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);
  EXPECT_EQ(outbox_rows("seat.held", "hold_id", hold_id), 1) << "seat.held for hold " << hold_id;
  EXPECT_EQ(feed_count("seat.held", "hold_id", hold_id, c.id()), 1) << "audit of hold " << hold_id;
  EXPECT_EQ(audit_count("hold", hold_id), 0)
      << "one row per fact: no audit_log row besides the event";

  HttpResponse c1 = confirm(c, v.show_id, hold_id);
  ASSERT_EQ(c1.status, 201) << c1.describe();
  const int64_t reservation = json_int(c1, "reservation_id").value_or(0);
  EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", reservation), 1);
  EXPECT_EQ(feed_count("booking.confirmed", "id", reservation, c.id()), 1);
  // A replayed confirm writes nothing new.
  EXPECT_EQ(confirm(c, v.show_id, hold_id).status, 200);
  EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", reservation), 1);

  ASSERT_EQ(del(reservation_url(reservation), "", c.auth()).status, 200);
  EXPECT_EQ(outbox_rows("booking.cancelled", "reservation_id", reservation), 1);
  EXPECT_EQ(outbox_rows("seat.released", "reservation_id", reservation), 1);
  EXPECT_EQ(feed_count("booking.cancelled", "reservation_id", reservation, c.id()), 1);
  EXPECT_EQ(audit_count("reservation", reservation), 0);

  HttpResponse h2 = hold_seats(c, v.show_id, {ids[2]});
  ASSERT_EQ(h2.status, 201) << h2.describe();
  const int64_t hold2 = json_int(h2, "hold_id").value_or(0);
  ASSERT_EQ(release_hold(c, v.show_id, hold2).status, 204);
  EXPECT_EQ(outbox_rows("seat.held", "hold_id", hold2), 1);
  EXPECT_EQ(outbox_rows("seat.released", "hold_id", hold2), 1);
  EXPECT_EQ(feed_count("seat.held", "hold_id", hold2, c.id()), 1);
  EXPECT_EQ(feed_count("seat.released", "hold_id", hold2, c.id()), 1);

  // Refused operations write no events.
  const std::string events_sql =
      "SELECT COUNT(*) FROM outbox WHERE (aggregate_type = 'show' AND aggregate_id = ?) OR "
      "(aggregate_type = 'reservation' AND aggregate_id = ?)";
  const int64_t events = sql_int(events_sql, v.show_id, reservation);
  EXPECT_TRUE(IsProblem(del(reservation_url(reservation), "", c.auth()), 409));
  EXPECT_EQ(hold_seats(new_customer("outbox-late"), v.show_id, {ids[0], ids[0]}).status, 400);
  EXPECT_EQ(sql_int(events_sql, v.show_id, reservation), events);
}

// Request paths publish nothing: the outbox row is the durability, and the
// worker's relay publishes it. The test stack runs no worker scheduler, so
// the rows stay unpublished until a relay runs.
TEST(Booking, RequestPathsPublishNothingTheRelayPublishesEverything) {
  Venue v = make_venue(1, 4);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor a = new_customer("outbox-only");
  HttpResponse h = hold_seats(a, v.show_id, {ids[0]});
  ASSERT_EQ(h.status, 201) << h.describe();
  int64_t hold = json_int(h, "hold_id").value_or(0);
  HttpResponse c = confirm(a, v.show_id, hold);
  ASSERT_EQ(c.status, 201) << c.describe();
  int64_t reservation = json_int(c, "reservation_id").value_or(0);
  // Later requests of other customers do not mark them either.
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(
        hold_seats(new_customer("outbox-other"), v.show_id, {ids[static_cast<size_t>(i)]}).status,
        201);
  }
  EXPECT_EQ(outbox_rows("seat.held", "hold_id", hold, /*unpublished_only=*/true), 1);
  EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", reservation, true), 1);
  ASSERT_EQ(run_worker(), 0);
  EXPECT_EQ(outbox_rows("seat.held", "hold_id", hold, true), 0);
  EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", reservation, true), 0);
}

// ------------------------------------------------------------------ outages

TEST(Booking, RabbitMqDownHoldsAndConfirmsStillSucceedAndStayUnpublished) {
  if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL is not set";
  ASSERT_TRUE(wait_healthy(seconds(60))) << "the stack is not healthy before the test";
  Venue v = make_venue(2, 4);
  Actor a = new_customer("amqp-a");
  Actor b = new_customer("amqp-b");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  // The control: with RabbitMQ up, the relay (run as cron would) publishes.
  int64_t warm = 0;
  ASSERT_NO_THROW(warm = book(new_customer("amqp-warm"), v.show_id, {ids[7]}));
  EXPECT_TRUE(wait_until(milliseconds(15000),
                         [&] {
                           run_worker();
                           return outbox_rows("booking.confirmed", "reservation_id", warm,
                                              /*unpublished_only=*/true) == 0;
                         }))
      << "with RabbitMQ up, booking.confirmed of reservation " << warm << " was not published";

  ServiceStop stop("rabbitmq");
  ASSERT_TRUE(stop.stopped()) << "svc-stop rabbitmq failed with exit code " << stop.stop_rc();

  std::vector<int64_t> holds;
  std::vector<int64_t> reservations;
  for (int i = 0; i < 3; ++i) {
    const Actor& who = i % 2 == 0 ? a : b;
    HttpResponse h = hold_seats(who, v.show_id, {ids[static_cast<size_t>(i)]});
    ASSERT_EQ(h.status, 201) << "hold while RabbitMQ is down: " << h.describe();
    holds.push_back(json_int(h, "hold_id").value_or(0));
    HttpResponse c = confirm(who, v.show_id, holds.back());
    ASSERT_EQ(c.status, 201) << "confirm while RabbitMQ is down: " << c.describe();
    reservations.push_back(json_int(c, "reservation_id").value_or(0));
  }
  HttpResponse last = hold_seats(b, v.show_id, {ids[4]});
  ASSERT_EQ(last.status, 201) << last.describe();
  holds.push_back(json_int(last, "hold_id").value_or(0));

  for (int64_t h : holds) {
    EXPECT_EQ(outbox_rows("seat.held", "hold_id", h), 1) << "hold " << h;
    EXPECT_EQ(outbox_rows("seat.held", "hold_id", h, /*unpublished_only=*/true), 1)
        << "seat.held of hold " << h << " is marked published although RabbitMQ was down";
  }
  for (int64_t r : reservations) {
    EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", r), 1) << "reservation " << r;
    EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", r, true), 1)
        << "booking.confirmed of reservation " << r
        << " is marked published although RabbitMQ was down";
  }
  EXPECT_EQ(stop.restore(), 0) << "svc-start rabbitmq failed";
}

TEST(Booking, MariaDbRestartGives503AndLeavesNoHalfWrittenState) {
  if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL is not set";
  ASSERT_TRUE(wait_healthy(seconds(60))) << "the stack is not healthy before the test";
  Venue v = make_venue(20, 20);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  ASSERT_EQ(ids.size(), 400u);
  // 12 background clients at one hold per 100 ms in turn stay under the
  // per-user hold rate (60/min). Client k cycles through its own 30 seats
  // (k*30 ..), so a seat only ever passes from a client's hold to that same
  // client's next hold (which replaces the previous one); 390.. are the main thread's.
  std::vector<Actor> clients = many_customers(12, "dbout");
  Actor probe = new_customer("dbout-probe");
  Actor after = new_customer("dbout-after");

  struct Outcome {
    int status;
    int64_t hold_id;
    std::string describe;
  };
  std::mutex mu;
  std::vector<Outcome> outcomes;
  std::atomic<bool> stop_flag{false};
  std::atomic<int> ok_count{0};
  std::atomic<int> unavailable_count{0};
  std::thread background([&] {
    for (size_t i = 0; !stop_flag; ++i) {
      const size_t k = i % clients.size();
      const size_t n = i / clients.size();
      HttpResponse r = hold_seats(clients[k], v.show_id, {ids[k * 30 + n % 30]});
      if (r.status == 201) ++ok_count;
      if (r.status == 503) ++unavailable_count;
      {
        std::lock_guard<std::mutex> lock(mu);
        outcomes.push_back({r.status, json_int(r, "hold_id").value_or(0), r.describe()});
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  struct Joiner {
    std::atomic<bool>& flag;
    std::thread& t;
    ~Joiner() {
      flag = true;
      if (t.joinable()) t.join();
    }
  } joiner{stop_flag, background};

  ASSERT_TRUE(wait_until(milliseconds(15000), [&] { return ok_count >= 3; }))
      << "background holds did not succeed before the outage";
  {
    ServiceStop stop("mariadb");
    ASSERT_TRUE(stop.stopped()) << "svc-stop mariadb failed with exit code " << stop.stop_rc();
    for (int i = 0; i < 3; ++i) {
      HttpResponse r = hold_seats(probe, v.show_id, {ids[390 + static_cast<size_t>(i)]});
      EXPECT_TRUE(IsProblem(r, 503)) << "hold while MariaDB is down";
    }
    EXPECT_TRUE(wait_until(milliseconds(10000), [&] { return unavailable_count >= 2; }))
        << "the background client never saw a 503 during the outage";
    ASSERT_EQ(stop.restore(), 0) << "svc-start mariadb failed";
  }

  HttpResponse r;
  EXPECT_TRUE(wait_until(milliseconds(30000), [&] {
    r = hold_seats(after, v.show_id, {ids[395]});
    return r.status != 503;
  })) << "holds still answer 503 30 s after MariaDB came back";
  EXPECT_EQ(r.status, 201) << r.describe();
  const int before_stop = ok_count;
  EXPECT_TRUE(wait_until(milliseconds(10000), [&] { return ok_count >= before_stop + 2; }))
      << "background holds did not recover";
  stop_flag = true;
  background.join();

  std::vector<int64_t> confirmed_holds;
  for (const Outcome& o : outcomes) {
    EXPECT_TRUE(o.status == 201 || o.status == 409 || o.status == 503 || o.status == 429)
        << "unexpected answer around the outage: " << o.describe;
    if (o.status == 201) confirmed_holds.push_back(o.hold_id);
  }
  // Every 201 was durable.
  for (int64_t h : confirmed_holds) {
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND show_id = ?", h, v.show_id), 1)
        << "hold " << h << " was answered 201 but is not in the database";
  }
  // No half-written state.
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds h WHERE h.show_id = ? AND h.status = 'ACTIVE' AND "
                    "NOT EXISTS (SELECT 1 FROM show_seats ss WHERE ss.hold_id = h.id)",
                    v.show_id),
            0)
      << "an ACTIVE hold without seats";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats ss LEFT JOIN holds h ON h.id = ss.hold_id "
                    "WHERE ss.show_id = ? AND ss.status = 'HELD' AND h.id IS NULL",
                    v.show_id),
            0)
      << "a HELD seat whose hold row does not exist";
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM holds h WHERE h.show_id = ? AND NOT EXISTS (SELECT 1 FROM "
              "outbox o WHERE o.event_type = 'seat.held' AND "
              "CAST(JSON_VALUE(o.payload, '$.data.hold_id') AS SIGNED) = h.id)",
              v.show_id),
      0)
      << "a hold without its seat.held outbox row";
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM holds h WHERE h.show_id = ? AND NOT EXISTS (SELECT 1 FROM "
              "outbox o WHERE o.event_type = 'seat.held' AND o.actor_id = h.user_id AND "
              "CAST(JSON_VALUE(o.payload, '$.data.hold_id') AS SIGNED) = h.id)",
              v.show_id),
      0)
      << "a hold whose seat.held event does not name its customer (its audit record)";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND status = 'RESERVED'",
                    v.show_id),
            0);
  EXPECT_TRUE(wait_healthy(seconds(60)));
}

}  // namespace
}  // namespace itest
