#include "cinema/reservation_view.h"

#include <map>

#include "cinema/clock.h"
#include "cinema/json.h"

namespace cinema {

std::string id_array(const std::vector<int64_t>& ids) {
  JsonWriter w;
  w.begin_array();
  for (int64_t id : ids) w.value(id);
  w.end_array();
  return w.str();
}

std::vector<std::string> reservations_json(Session& s, const std::vector<int64_t>& ids) {
  std::vector<std::string> out;
  if (ids.empty()) return out;
  const std::string list = id_array(ids);
  // Two queries whatever the count: the reservations, then all their seats.
  struct SeatList {
    std::vector<int64_t> ids;
    JsonWriter json;
  };
  std::map<int64_t, SeatList> seats;
  Rows rs = s.query(
      "SELECT rs.reservation_id, rs.seat_id, se.row_label, se.number, rs.price_cents "
      "FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j "
      "JOIN reservation_seats rs ON rs.reservation_id = j.id JOIN seats se ON se.id = rs.seat_id "
      "ORDER BY rs.reservation_id, rs.seat_id",
      list);
  while (rs->next()) {
    SeatList& l = seats[rs->getInt64("reservation_id")];
    if (l.ids.empty()) l.json.begin_array();
    l.ids.push_back(rs->getInt64("seat_id"));
    l.json.begin_object()
        .field("seat_id", rs->getInt64("seat_id"))
        .field("row", get_string(*rs, "row_label"))
        .field("number", rs->getInt64("number"))
        .field("price_cents", rs->getInt64("price_cents"))
        .end_object();
  }
  Rows r = s.query(
      "SELECT r.id, r.show_id, r.user_id, r.status, r.source, r.total_cents, r.currency, "
      "r.created_at, r.cancelled_at FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, id BIGINT "
      "PATH '$')) j JOIN reservations r ON r.id = j.id ORDER BY j.n",
      list);
  while (r->next()) {
    const int64_t id = r->getInt64("id");
    auto it = seats.find(id);
    std::string seat_list = "[]";
    std::vector<int64_t> seat_ids;
    if (it != seats.end()) {
      it->second.json.end_array();
      seat_list = it->second.json.str();
      seat_ids = it->second.ids;
    }
    auto cancelled = opt_string(*r, "cancelled_at");
    JsonWriter w;
    w.begin_object()
        .field("id", id)
        .field("reservation_id", id)
        .field("show_id", r->getInt64("show_id"))
        .field("user_id", r->getInt64("user_id"))
        .field("status", get_string(*r, "status"))
        .field("source", get_string(*r, "source"))
        .key("seat_ids")
        .raw(id_array(seat_ids))
        .key("seats")
        .raw(seat_list)
        .field("total_cents", r->getInt64("total_cents"))
        .field("currency", get_string(*r, "currency"))
        .field("created_at", sql_time_to_rfc3339(get_string(*r, "created_at")));
    if (cancelled)
      w.field("cancelled_at", sql_time_to_rfc3339(*cancelled));
    else
      w.null_field("cancelled_at");
    w.end_object();
    out.push_back(w.str());
  }
  return out;
}

std::optional<std::string> reservation_json(Session& s, int64_t reservation_id, bool with_payment) {
  auto one = reservations_json(s, {reservation_id});
  if (one.empty()) return std::nullopt;
  std::string out = std::move(one.front());
  if (with_payment) {
    out.pop_back();  // '}'
    out += ",\"payment\":" + payment_json(s, reservation_id) + "}";
  }
  return out;
}

std::string payment_json(Session& s, int64_t reservation_id) {
  Rows rs = s.query(
      "SELECT p.status, p.amount_cents, p.refunded_cents, p.currency, EXISTS (SELECT 1 FROM "
      "payment_refunds r WHERE r.payment_id = p.id AND r.status = 'PENDING') AS pending FROM "
      "payments p WHERE p.reservation_id = ? ORDER BY p.id DESC LIMIT 1",
      reservation_id);
  if (!rs->next()) return "null";
  JsonWriter w;
  w.begin_object()
      .field("status",
             rs->getInt("pending") == 1 ? std::string("REFUND_PENDING") : get_string(*rs, "status"))
      .field("amount_cents", rs->getInt64("amount_cents"))
      .field("refunded_cents", rs->getInt64("refunded_cents"))
      .field("currency", get_string(*rs, "currency"))
      .end_object();
  return w.str();
}

}  // namespace cinema
