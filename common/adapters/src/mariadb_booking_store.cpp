#include "cinema/mariadb_booking_store.h"

#include <rapidjson/document.h>

#include <stdexcept>

#include "cinema/outbox.h"
#include "cinema/payment.h"
#include "cinema/reservation_view.h"

namespace cinema {
namespace {

// The request that cancelled asks for its refund first; the worker steps in after this.
constexpr int64_t kWorkerRefundAfterS = 5;

std::vector<int64_t> ids_of(Rows rs) {
  std::vector<int64_t> out;
  while (rs->next()) out.push_back(rs->getInt64(1));
  return out;
}

std::vector<int64_t> parse_id_array(const std::string& json) {
  std::vector<int64_t> out;
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (!d.IsArray()) return out;
  for (const auto& v : d.GetArray()) {
    if (v.IsInt64()) out.push_back(v.GetInt64());
  }
  return out;
}

}  // namespace

HoldOutcome parse_hold_outcome(const std::string& outcome) {
  if (outcome == "OK") return HoldOutcome::kOk;
  if (outcome == "NOT_FOUND") return HoldOutcome::kNotFound;
  if (outcome == "CANCELLED") return HoldOutcome::kCancelled;
  if (outcome == "STARTED") return HoldOutcome::kStarted;
  if (outcome == "BAD_SEATS") return HoldOutcome::kBadSeats;
  if (outcome == "TOO_MANY_HELD") return HoldOutcome::kTooManyHeld;
  if (outcome == "UNAVAILABLE") return HoldOutcome::kUnavailable;
  throw std::runtime_error("place_hold returned '" + outcome + "'");
}

// ---- MariaBookingTx -------------------------------------------------------

std::optional<ShowRow> MariaBookingTx::show(int64_t show_id) {
  Rows rs = s_.query(
      "SELECT id, hall_id, status, starts_at <= NOW() AS started, currency, seat_version "
      "FROM shows WHERE id = ?",
      show_id);
  if (!rs->next()) return std::nullopt;
  return ShowRow{rs->getInt64("id"),          rs->getInt64("hall_id"),
                 get_string(*rs, "status"),   rs->getInt("started") == 1,
                 get_string(*rs, "currency"), rs->getInt64("seat_version")};
}

std::optional<HoldRow> MariaBookingTx::lock_hold(int64_t hold_id) {
  Rows rs = s_.query(
      "SELECT id, show_id, user_id, status, source, expires_at <= NOW(3) AS expired, total_cents, "
      "currency FROM holds WHERE id = ? FOR UPDATE",
      hold_id);
  if (!rs->next()) return std::nullopt;
  return HoldRow{rs->getInt64("id"),          rs->getInt64("show_id"),
                 rs->getInt64("user_id"),     get_string(*rs, "status"),
                 get_string(*rs, "source"),   rs->getInt("expired") == 1,
                 rs->getInt64("total_cents"), get_string(*rs, "currency")};
}

std::vector<int64_t> MariaBookingTx::lock_held_seats(int64_t hold_id) {
  return ids_of(s_.query(
      "SELECT seat_id FROM show_seats WHERE hold_id = ? AND status = 'HELD' ORDER BY seat_id "
      "FOR UPDATE",
      hold_id));
}

void MariaBookingTx::set_hold_status(int64_t hold_id, const char* status) {
  s_.exec("UPDATE holds SET status = ? WHERE id = ?", status, hold_id);
}

int64_t MariaBookingTx::free_held_seats(int64_t hold_id) {
  return s_.exec(
      "UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL "
      "WHERE hold_id = ? AND status = 'HELD'",
      hold_id);
}

std::vector<int64_t> MariaBookingTx::lock_active_holds(int64_t show_id) {
  return ids_of(s_.query(
      "SELECT id FROM holds WHERE show_id = ? AND status = 'ACTIVE' ORDER BY id FOR UPDATE",
      show_id));
}

void MariaBookingTx::end_offer(int64_t hold_id, const char* status) {
  s_.exec(
      "UPDATE waitlist_entries SET status = ?, payment_token = NULL WHERE hold_id = ? AND "
      "status = 'OFFERED'",
      status, hold_id);
}

std::optional<int64_t> MariaBookingTx::assign_offer(int64_t hold_id, int64_t reservation_id) {
  Rows rs = s_.query(
      "SELECT id FROM waitlist_entries WHERE hold_id = ? AND status = 'OFFERED' FOR UPDATE",
      hold_id);
  if (!rs->next()) return std::nullopt;
  int64_t entry_id = rs->getInt64(1);
  s_.exec(
      "UPDATE waitlist_entries SET status = 'ASSIGNED', reservation_id = ?, payment_token = NULL "
      "WHERE id = ?",
      reservation_id, entry_id);
  return entry_id;
}

std::optional<OfferHold> MariaBookingTx::place_offer_hold(int64_t show_id, int64_t user_id,
                                                          const std::string& currency,
                                                          int64_t ttl_s,
                                                          const std::vector<int64_t>& seat_ids) {
  s_.exec(
      "INSERT INTO holds (show_id, user_id, status, source, expires_at, currency) "
      "VALUES (?, ?, 'ACTIVE', 'WAITLIST_OFFER', NOW(3) + INTERVAL ? SECOND, ?)",
      show_id, user_id, ttl_s, currency);
  int64_t hold_id = s_.last_insert_id();
  std::vector<Session::Param> params{hold_id, hold_id, show_id};
  params.insert(params.end(), seat_ids.begin(), seat_ids.end());
  int64_t taken = s_.exec_list(
      "UPDATE show_seats SET status = 'HELD', hold_id = ?, reservation_id = NULL, held_until = "
      "(SELECT expires_at FROM holds WHERE id = ?) WHERE show_id = ? AND seat_id IN (" +
          placeholders(seat_ids.size()) +
          ") AND (status = 'FREE' OR (status = 'HELD' AND held_until <= NOW(3)))",
      params);
  if (taken != static_cast<int64_t>(seat_ids.size())) {
    // A seat was taken meanwhile: undo this step only.
    s_.exec(
        "UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL "
        "WHERE hold_id = ?",
        hold_id);
    s_.exec("DELETE FROM holds WHERE id = ?", hold_id);
    return std::nullopt;
  }
  s_.exec(
      "UPDATE holds SET total_cents = (SELECT COALESCE(SUM(price_cents), 0) FROM show_seats "
      "WHERE hold_id = ?) WHERE id = ?",
      hold_id, hold_id);
  Rows h = s_.query(
      "SELECT total_cents, DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ') AS until FROM holds "
      "WHERE id = ?",
      hold_id);
  h->next();
  return OfferHold{hold_id, h->getInt64("total_cents"), get_string(*h, "until")};
}

bool MariaBookingTx::has_active_hold(int64_t show_id, int64_t user_id) {
  Rows rs = s_.query("SELECT 1 FROM holds WHERE show_id = ? AND user_id = ? AND status = 'ACTIVE'",
                     show_id, user_id);
  return rs->next();
}

int64_t MariaBookingTx::insert_reservation(const NewReservation& r) {
  s_.exec(
      "INSERT INTO reservations (show_id, user_id, hold_id, total_cents, currency, payment_ref, "
      "source) VALUES (?, ?, ?, ?, ?, ?, ?)",
      r.show_id, r.user_id, r.hold_id, r.total_cents, r.currency, r.payment_ref, r.source);
  return s_.last_insert_id();
}

std::optional<int64_t> MariaBookingTx::reservation_of_hold(int64_t hold_id) {
  Rows r = s_.query("SELECT id FROM reservations WHERE hold_id = ?", hold_id);
  if (!r->next()) return std::nullopt;
  return r->getInt64(1);
}

bool MariaBookingTx::attach_authorization(int64_t hold_id, int64_t reservation_id) {
  return s_.exec(
             "UPDATE payments SET reservation_id = ? WHERE hold_id = ? AND status = 'AUTHORIZED' "
             "AND reservation_id IS NULL",
             reservation_id, hold_id) == 1;
}

int64_t MariaBookingTx::reserve_held_seats(int64_t hold_id, int64_t show_id,
                                           int64_t reservation_id) {
  int64_t moved = s_.exec(
      "UPDATE show_seats SET status = 'RESERVED', reservation_id = ?, held_until = NULL "
      "WHERE hold_id = ? AND show_id = ? AND status = 'HELD'",
      reservation_id, hold_id, show_id);
  s_.exec(
      "INSERT INTO reservation_seats (reservation_id, show_id, seat_id, price_cents, active) "
      "SELECT ?, show_id, seat_id, price_cents, 1 FROM show_seats WHERE reservation_id = ?",
      reservation_id, reservation_id);
  return moved;
}

std::optional<ReservationRow> MariaBookingTx::lock_reservation(int64_t reservation_id) {
  Rows r = s_.query(
      "SELECT r.id, r.show_id, r.user_id, c.owner_id, r.status, sh.starts_at <= NOW() AS started "
      "FROM reservations r JOIN shows sh ON sh.id = r.show_id JOIN halls h ON h.id = sh.hall_id "
      "JOIN cinemas c ON c.id = h.cinema_id WHERE r.id = ? FOR UPDATE",
      reservation_id);
  if (!r->next()) return std::nullopt;
  return ReservationRow{r->getInt64("id"),        r->getInt64("show_id"),
                        r->getInt64("user_id"),   r->getInt64("owner_id"),
                        get_string(*r, "status"), r->getInt("started") == 1};
}

std::vector<int64_t> MariaBookingTx::lock_reservations_of_show(int64_t show_id) {
  return ids_of(
      s_.query("SELECT id FROM reservations WHERE show_id = ? AND status = 'CONFIRMED' ORDER BY id "
               "FOR UPDATE",
               show_id));
}

std::vector<int64_t> MariaBookingTx::release_reservation_seats(int64_t show_id,
                                                               int64_t reservation_id) {
  std::vector<int64_t> seats = ids_of(
      s_.query("SELECT seat_id FROM reservation_seats WHERE reservation_id = ? AND active = 1 "
               "ORDER BY seat_id",
               reservation_id));
  s_.exec(
      "UPDATE show_seats SET status = 'FREE', reservation_id = NULL, hold_id = NULL, "
      "held_until = NULL WHERE show_id = ? AND reservation_id = ? AND status = 'RESERVED'",
      show_id, reservation_id);
  s_.exec("UPDATE reservation_seats SET active = NULL WHERE reservation_id = ?", reservation_id);
  return seats;
}

void MariaBookingTx::mark_cancelled(int64_t reservation_id, int64_t actor_id,
                                    const std::string& reason) {
  s_.exec(
      "UPDATE reservations SET status = 'CANCELLED', cancelled_at = NOW(3), cancelled_by = ?, "
      "cancel_reason = ? WHERE id = ?",
      actor_id, reason.substr(0, 500), reservation_id);
}

RefundIntent MariaBookingTx::record_refund(int64_t reservation_id, int64_t show_id,
                                           const std::string& reason) {
  const std::string key = refund_key_for_reservation(reservation_id);
  Rows earlier = s_.query("SELECT id, amount_cents FROM payment_refunds WHERE idem_key = ?", key);
  if (earlier->next()) return {earlier->getInt64("id"), earlier->getInt64("amount_cents")};
  Rows p = s_.query(
      "SELECT p.id, p.amount_cents - p.refunded_cents - COALESCE((SELECT SUM(r.amount_cents) "
      "FROM payment_refunds r WHERE r.payment_id = p.id AND r.status = 'PENDING'), 0) AS due, "
      "p.currency FROM payments p WHERE p.reservation_id = ? AND p.status IN ('AUTHORIZED', "
      "'CAPTURED', 'PARTIALLY_REFUNDED') ORDER BY p.id DESC LIMIT 1 FOR UPDATE",
      reservation_id);
  if (!p->next()) return {};
  int64_t due = p->getInt64("due");
  if (due <= 0) return {};
  s_.exec(
      "INSERT INTO payment_refunds (payment_id, reservation_id, show_id, amount_cents, currency, "
      "idem_key, reason, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, NOW(3) + INTERVAL ? "
      "SECOND)",
      p->getInt64("id"), reservation_id, show_id, due, get_string(*p, "currency"), key,
      reason.substr(0, 200), kWorkerRefundAfterS);
  return {s_.last_insert_id(), due};
}

int64_t MariaBookingTx::free_show_seats(int64_t show_id) {
  return s_.exec(
      "UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL, "
      "reservation_id = NULL WHERE show_id = ? AND status <> 'FREE'",
      show_id);
}

std::string MariaBookingTx::reservation_json(int64_t reservation_id, bool with_payment) {
  return cinema::reservation_json(s_, reservation_id, with_payment).value_or("null");
}

std::optional<StoredAnswer> MariaBookingTx::find_answer(int64_t user_id,
                                                        const std::string& endpoint,
                                                        const std::string& key) {
  Rows rs = s_.query(
      "SELECT request_hash, status_code, response_body FROM idempotency_keys "
      "WHERE user_id = ? AND endpoint = ? AND idem_key = ?",
      user_id, endpoint, key);
  if (!rs->next()) return std::nullopt;
  return StoredAnswer{get_string(*rs, "request_hash"), rs->getInt("status_code"),
                      get_string(*rs, "response_body")};
}

void MariaBookingTx::store_answer(int64_t user_id, const std::string& endpoint,
                                  const std::string& key, const StoredAnswer& a) {
  s_.exec(
      "INSERT INTO idempotency_keys (user_id, endpoint, idem_key, request_hash, status_code, "
      "response_body) VALUES (?, ?, ?, ?, ?, ?)",
      user_id, endpoint, key, a.request_hash, a.status, a.body);
}

OutboxEvent MariaBookingTx::write_event(const std::string& type, const std::string& aggregate_type,
                                        int64_t aggregate_id, const std::string& data_json) {
  return cinema::write_event(s_, ctx_, type, aggregate_type, aggregate_id, data_json);
}

void create_show_seats(Session& s_, int64_t show_id, int64_t hall_id, const SeatTypePrices& p) {
  s_.exec(
      "INSERT INTO show_seats (show_id, seat_id, price_cents) SELECT ?, se.id, "
      "CASE se.seat_type WHEN 'VIP' THEN ? WHEN 'ACCESSIBLE' THEN ? WHEN 'COMPANION' THEN ? "
      "ELSE ? END FROM seats se WHERE se.hall_id = ? AND se.active = 1",
      show_id, p.vip, p.accessible, p.companion, p.standard, hall_id);
}

int64_t reprice_show_seats(Session& s_, int64_t show_id, const SeatTypePrices& p,
                           const char* status_sql) {
  return s_.exec(std::string("UPDATE show_seats ss JOIN seats se ON se.id = ss.seat_id SET "
                             "ss.price_cents = CASE se.seat_type WHEN 'VIP' THEN ? "
                             "WHEN 'ACCESSIBLE' THEN ? WHEN 'COMPANION' THEN ? ELSE ? END "
                             "WHERE ss.show_id = ? AND ") +
                     status_sql,
                 p.vip, p.accessible, p.companion, p.standard, show_id);
}

void delete_show_rows(Session& s_, int64_t show_id) {
  s_.exec("DELETE FROM holds WHERE show_id = ?", show_id);  // released or expired ones only
  s_.exec("DELETE FROM show_seats WHERE show_id = ?", show_id);
}

// ---- MariaBookingStore ----------------------------------------------------

void MariaBookingStore::run_transaction(const std::function<void(BookingTx&)>& fn) {
  ctx_.db().transaction([&](Session& s) {
    MariaBookingTx tx(s, ctx_);
    fn(tx);
  });
}

HoldPlaced MariaBookingStore::place_hold(const HoldAsk& ask) {
  std::vector<Session::Param> params{
      ask.show_id,       ask.user_id,           ask.role,       id_array(ask.seat_ids), ask.ttl_s,
      ask.held_event_id, ask.released_event_id, ask.request_id, ask.max_held_seats};
  static const std::string kCall = "CALL place_hold_v3(" + placeholders(9) + ")";
  auto row = ctx_.db().self_committing([&](Session& s) { return s.call_list(kCall, params); });
  HoldPlaced out;
  out.outcome = parse_hold_outcome(row["outcome"].value_or(""));
  switch (out.outcome) {
    case HoldOutcome::kTooManyHeld:
      out.held_elsewhere = std::stoll(row["held"].value_or("0"));
      break;
    case HoldOutcome::kUnavailable:
      out.unavailable = parse_id_array(row["unavailable"].value_or("[]"));
      break;
    case HoldOutcome::kOk:
      out.hold_id = std::stoll(row["hold_id"].value_or("0"));
      out.seat_ids = ask.seat_ids;
      out.total_cents = std::stoll(row["total_cents"].value_or("0"));
      out.expires_at = row["expires_at"].value_or("");
      out.currency = row["currency"].value_or("");
      if (row["released_payload"]) {
        out.events.push_back({ask.released_event_id, "seat.released", *row["released_payload"]});
      }
      out.events.push_back({ask.held_event_id, "seat.held", row["held_payload"].value_or("")});
      break;
    default:
      break;
  }
  return out;
}

std::optional<AmountDue> MariaBookingStore::amount_due(int64_t user_id, int64_t show_id,
                                                       int64_t hold_id) {
  return ctx_.db().autocommit([&](Session& s) -> std::optional<AmountDue> {
    Rows h = s.query(
        "SELECT h.total_cents, h.currency, p.status, p.provider_ref, p.attempt FROM holds h "
        "LEFT JOIN payments p ON p.hold_id = h.id WHERE h.id = ? AND h.show_id = ? AND "
        "h.user_id = ? AND h.status = 'ACTIVE' AND h.expires_at > NOW(3)",
        hold_id, show_id, user_id);
    if (!h->next()) return std::nullopt;
    return AmountDue{
        h->getInt64(1), get_string(*h, "currency"), opt_string(*h, "status").value_or(""),
        opt_string(*h, "provider_ref").value_or(""), h->isNull(5) ? 0 : h->getInt64(5)};
  });
}

void MariaBookingStore::record_authorization(const AuthorizationRecord& r) {
  ctx_.db().autocommit([&](Session& s) {
    s.exec(
        "INSERT INTO payments (hold_id, user_id, amount_cents, currency, provider_ref, status, "
        "reason, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
        "provider_ref = IF(status IN ('DECLINED', 'VOIDED'), VALUES(provider_ref), provider_ref), "
        "reason = IF(status IN ('DECLINED', 'VOIDED'), VALUES(reason), reason), "
        "attempt = IF(status IN ('DECLINED', 'VOIDED'), VALUES(attempt), attempt), "
        "status = IF(status IN ('DECLINED', 'VOIDED'), VALUES(status), status)",
        r.hold_id, r.user_id, r.amount_cents, r.currency,
        r.approved ? std::optional<std::string>(r.reference) : std::nullopt,
        std::string(r.approved ? "AUTHORIZED" : "DECLINED"),
        r.approved ? std::optional<std::string>() : std::optional<std::string>(r.reason),
        r.attempt);
  });
}

void MariaBookingStore::mark_captured(int64_t hold_id) {
  ctx_.db().autocommit([&](Session& s) {
    s.exec(
        "UPDATE payments SET status = 'CAPTURED' WHERE hold_id = ? AND status = 'AUTHORIZED' "
        "AND reservation_id IS NOT NULL",
        hold_id);
  });
}

bool MariaBookingStore::mark_voided(int64_t hold_id) {
  return ctx_.db().autocommit([&](Session& s) {
    return s.exec(
               "UPDATE payments SET status = 'VOIDED' WHERE hold_id = ? AND status = "
               "'AUTHORIZED' AND reservation_id IS NULL",
               hold_id) == 1;
  });
}

}  // namespace cinema
