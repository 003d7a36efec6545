#include "owner-seats.h"

#include <functional>
#include <optional>
#include <string>

#include "cinema/audit.h"
#include "cinema/cache.h"
#include "cinema/catalog_write.h"
#include "cinema/json.h"
#include "cinema/ownership.h"
#include "cinema/validate.h"

// Seats are templates for shows: a show copies the hall's active seats into
// show_seats (with prices by seat type) when it is created. So every change
// made here (type, active, a new seat) applies to shows created afterwards;
// existing shows keep what they materialised. Renaming or moving a seat that
// existing shows use would silently rewrite their seat maps and tickets, so
// that is refused; a seat used by shows cannot be deleted, only deactivated.
namespace cinema::owner_seats {
namespace {

// What the schema refuses, in the client's words.
const ConstraintProblems kConstraints = {
    {Violation::kDuplicateKey, "uq_seats_grid",
     conflict("Another seat of this hall is already at this grid_row and grid_col")},
    {Violation::kDuplicateKey, "",
     conflict("Another seat of this hall already has this row_label and number")},
    {Violation::kRowIsReferenced, "",
     conflict("The seat is part of existing shows; deactivate it instead with "
              "PATCH {\"active\":false}")},
};

constexpr int kMaxGrid = 100;

enum class Mode { kCreate, kReplace, kPatch };

struct SeatFields {
  std::optional<int64_t> hall_id;
  std::optional<std::string> row_label;
  std::optional<int64_t> number;
  std::optional<int64_t> grid_row;
  std::optional<int64_t> grid_col;
  std::optional<std::string> seat_type;
  std::optional<bool> active;

  bool relabels() const { return row_label || number || grid_row || grid_col; }
};

bool valid_row_label(const std::string& s) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

bool valid_seat_type(const std::string& s) {
  return s == "STANDARD" || s == "VIP" || s == "ACCESSIBLE" || s == "COMPANION";
}

StatusOr<SeatFields> read_fields(const Request& req, Mode mode) {
  // A seat cannot move to another hall: hall_id is accepted on create only.
  auto body =
      mode == Mode::kCreate
          ? read_json(req, {"hall_id", "row_label", "number", "grid_row", "grid_col", "seat_type"})
          : read_json(req, {"row_label", "number", "grid_row", "grid_col", "seat_type", "active"});
  CINEMA_RETURN_IF_ERROR(body);
  const auto& root = body->root();
  if (mode == Mode::kPatch && root.MemberCount() == 0) {
    return bad_request(
        "Send at least one of seat_type, active, row_label, number, grid_row, grid_col");
  }
  for (auto it = root.MemberBegin(); it != root.MemberEnd(); ++it) {
    if (it->value.IsNull()) body->add_error(it->name.GetString(), "must not be null");
  }
  bool required = mode != Mode::kPatch;
  SeatFields f;
  if (mode == Mode::kCreate) f.hall_id = body->integer("hall_id", true, 1, INT64_MAX);
  f.row_label = body->string("row_label", required, 1, 4);
  if (f.row_label && !valid_row_label(*f.row_label)) {
    body->add_error("row_label", "must be 1..4 capital letters A-Z");
    f.row_label.reset();
  }
  f.number = body->integer("number", required, 1, 999);
  f.grid_row = body->integer("grid_row", required, 1, kMaxGrid);
  f.grid_col = body->integer("grid_col", required, 1, kMaxGrid);
  f.seat_type = body->string("seat_type", mode == Mode::kReplace, 1, 16);
  if (f.seat_type && !valid_seat_type(*f.seat_type)) {
    body->add_error("seat_type", "must be STANDARD, VIP, ACCESSIBLE or COMPANION");
  }
  if (mode != Mode::kCreate) f.active = body->boolean("active", mode == Mode::kReplace);
  CINEMA_RETURN_IF_ERROR(body->finish());
  if (mode == Mode::kCreate && !f.seat_type) f.seat_type = "STANDARD";
  return f;
}

// A locking read, like every read that decides something (cinema/ownership.h).
std::string seat_json(Session& s, int64_t id) {
  Rows rs = s.query(
      "SELECT id, hall_id, row_label, number, grid_row, grid_col, seat_type, active FROM seats "
      "WHERE id = ? LOCK IN SHARE MODE",
      id);
  if (!rs->next()) return "null";
  JsonWriter w;
  w.begin_object()
      .field("id", rs->getInt64("id"))
      .field("hall_id", rs->getInt64("hall_id"))
      .field("row_label", get_string(*rs, "row_label"))
      .field("number", rs->getInt("number"))
      .field("grid_row", rs->getInt("grid_row"))
      .field("grid_col", rs->getInt("grid_col"))
      .field("seat_type", get_string(*rs, "seat_type"))
      .field("active", rs->getInt("active") == 1)
      .end_object();
  return w.str();
}

bool used_by_shows(Session& s, int64_t seat_id) {
  Rows rs = s.query("SELECT show_id FROM show_seats WHERE seat_id = ? LIMIT 1 LOCK IN SHARE MODE",
                    seat_id);
  return rs->next();
}

// A seat placed outside the hall's grid grows the grid (rows_count/cols_count
// are only the drawing area) instead of being refused.
void fit_grid(Session& s, int64_t hall_id, int64_t grid_row, int64_t grid_col) {
  s.exec(
      "UPDATE halls SET rows_count = GREATEST(rows_count, ?), "
      "cols_count = GREATEST(cols_count, ?) WHERE id = ?",
      grid_row, grid_col, hall_id);
}

const CatalogKind kSeat{Owned::kSeat, "seat", "/v1/seats/", seat_json, &kConstraints};

Response create(const Request& req, Context& ctx) {
  return create_owned(
      req, ctx, kSeat, [&] { return read_fields(req, Mode::kCreate); },
      [&](Session& s, const AuthUser& user, const SeatFields& f) -> StatusOr<int64_t> {
        CINEMA_RETURN_IF_ERROR(authorize_owner(s, user, Owned::kHall, *f.hall_id, /*lock=*/true));
        s.exec(
            "INSERT INTO seats (hall_id, row_label, number, grid_row, grid_col, seat_type) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            *f.hall_id, *f.row_label, *f.number, *f.grid_row, *f.grid_col, *f.seat_type);
        int64_t id = s.last_insert_id();
        fit_grid(s, *f.hall_id, *f.grid_row, *f.grid_col);
        return id;
      });
}

Response update(const Request& req, Context& ctx) {
  return update_owned(
      req, ctx, kSeat,
      [&] { return read_fields(req, req.method == "PUT" ? Mode::kReplace : Mode::kPatch); },
      [&](Session& s, int64_t id, const SeatFields& f) -> Status {
        Rows cur = s.query(
            "SELECT hall_id, row_label, number, grid_row, grid_col FROM seats WHERE id = ? FOR "
            "UPDATE",
            id);
        if (!cur->next()) return not_found("No such seat");
        int64_t hall_id = cur->getInt64("hall_id");
        bool moved = (f.row_label && *f.row_label != get_string(*cur, "row_label")) ||
                     (f.number && *f.number != cur->getInt("number")) ||
                     (f.grid_row && *f.grid_row != cur->getInt("grid_row")) ||
                     (f.grid_col && *f.grid_col != cur->getInt("grid_col"));
        if (moved && used_by_shows(s, id)) {
          return conflict(
              "The seat is part of existing shows, so its row_label, number and grid position "
              "cannot change (that would rewrite those shows' seat maps and tickets). Deactivate "
              "it and add a new seat instead; both apply to shows created afterwards");
        }
        // seat_type and active reach only shows created afterwards (see the top of this file).
        s.exec(
            "UPDATE seats SET seat_type = COALESCE(?, seat_type), active = COALESCE(?, active), "
            "row_label = COALESCE(?, row_label), number = COALESCE(?, number), "
            "grid_row = COALESCE(?, grid_row), grid_col = COALESCE(?, grid_col) WHERE id = ?",
            f.seat_type, f.active, f.row_label, f.number, f.grid_row, f.grid_col, id);
        if (f.grid_row || f.grid_col) {
          fit_grid(s, hall_id, f.grid_row.value_or(1), f.grid_col.value_or(1));
        }
        return {};
      });
}

Response remove(const Request& req, Context& ctx) {
  return remove_owned(req, ctx, kSeat, [](Session& s, int64_t id) -> Status {
    if (used_by_shows(s, id)) {
      return conflict(
          "The seat is part of existing shows and cannot be deleted; deactivate it instead "
          "with PATCH {\"active\":false} (applies to shows created afterwards)");
    }
    s.exec("DELETE FROM seats WHERE id = ?", id);
    return {};
  });
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/seats", create},
      {"PUT", "/v1/seats/{id}", update},
      {"PATCH", "/v1/seats/{id}", update},
      {"DELETE", "/v1/seats/{id}", remove},
  };
  return r;
}

Response handle(const Request& req, Context& ctx) {
  return router().dispatch(req, ctx);
}

}  // namespace cinema::owner_seats
