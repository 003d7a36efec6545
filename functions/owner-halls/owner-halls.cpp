#include "owner-halls.h"

#include <functional>
#include <optional>
#include <string>

#include "cinema/audit.h"
#include "cinema/cache.h"
#include "cinema/catalog_write.h"
#include "cinema/json.h"
#include "cinema/ownership.h"
#include "cinema/validate.h"
#include "layout.h"

namespace cinema::owner_halls {
namespace {

// What the schema refuses, in the client's words.
const ConstraintProblems kConstraints = {
    {Violation::kDuplicateKey, "", conflict("This cinema already has a hall with this name")},
    {Violation::kRowIsReferenced, "",
     conflict("The hall's seats are used by shows; delete those shows first")},
};

enum class Mode { kCreate, kReplace, kPatch };

struct HallFields {
  std::optional<int64_t> cinema_id;
  std::optional<std::string> name;
  std::optional<HallGrid> grid;
};

struct Hall {
  int64_t id = 0;
  int64_t cinema_id = 0;
  std::string name;
  int rows = 0;
  int cols = 0;
  int64_t seat_count = 0;  // active seats: what a new show would offer
};

// The seat grid from either `layout` or `rows` + `cols`; nullopt when absent or invalid.
std::optional<HallGrid> read_grid(JsonBody& b, bool required) {
  const auto& root = b.root();
  bool has_layout = root.HasMember("layout");
  bool has_size = root.HasMember("rows") || root.HasMember("cols");
  if (has_layout && has_size) {
    b.add_error("layout", "send either layout or rows and cols, not both");
    return std::nullopt;
  }
  if (has_layout) {
    std::string error;
    auto grid = parse_layout(root["layout"], &error);
    if (!grid) b.add_error("layout", error);
    return grid;
  }
  if (!has_size) {
    if (required) b.add_error("rows", "is required (with cols), unless layout is sent");
    return std::nullopt;
  }
  auto rows = b.integer("rows", true, 1, kMaxGrid);
  auto cols = b.integer("cols", true, 1, kMaxGrid);
  if (!rows || !cols) return std::nullopt;
  return rectangle_grid(static_cast<int>(*rows), static_cast<int>(*cols));
}

StatusOr<HallFields> read_fields(const Request& req, Mode mode) {
  // A hall cannot move to another cinema: cinema_id is accepted on create only.
  auto body = mode == Mode::kCreate
                  ? read_json(req, {"cinema_id", "name", "rows", "cols", "layout"})
                  : read_json(req, {"name", "rows", "cols", "layout"});
  CINEMA_RETURN_IF_ERROR(body);
  const auto& root = body->root();
  if (mode == Mode::kPatch && root.MemberCount() == 0) {
    return bad_request("Send at least one of name, layout, rows and cols");
  }
  for (auto it = root.MemberBegin(); it != root.MemberEnd(); ++it) {
    if (it->value.IsNull()) body->add_error(it->name.GetString(), "must not be null");
  }
  bool required = mode != Mode::kPatch;
  HallFields f;
  if (mode == Mode::kCreate) {
    f.cinema_id = body->integer("cinema_id", true, 1, INT64_MAX);
  }
  f.name = read_text(*body, "name", required, 1, 100);
  f.grid = read_grid(*body, required);
  CINEMA_RETURN_IF_ERROR(body->finish());
  return f;
}

// A locking read, like every read that decides something (cinema/ownership.h).
std::optional<Hall> load_hall(Session& s, int64_t id) {
  Rows rs = s.query(
      "SELECT id, cinema_id, name, rows_count, cols_count FROM halls WHERE id = ? "
      "LOCK IN SHARE MODE",
      id);
  if (!rs->next()) return std::nullopt;
  Hall h{rs->getInt64("id"),       rs->getInt64("cinema_id"), get_string(*rs, "name"),
         rs->getInt("rows_count"), rs->getInt("cols_count"),  0};
  Rows count = s.query(
      "SELECT COUNT(*) AS n FROM seats WHERE hall_id = ? AND active = 1 LOCK IN SHARE MODE", id);
  if (count->next()) h.seat_count = count->getInt64("n");
  return h;
}

std::string to_json(const Hall& h) {
  JsonWriter w;
  w.begin_object()
      .field("id", h.id)
      .field("cinema_id", h.cinema_id)
      .field("name", h.name)
      .field("rows", h.rows)
      .field("cols", h.cols)
      .field("seat_count", h.seat_count)
      .end_object();
  return w.str();
}

std::string hall_json(Session& s, int64_t id) {
  auto h = load_hall(s, id);
  return h ? to_json(*h) : "null";
}

// One INSERT ... SELECT for the whole grid (up to 10,000 seats), fully parameterised.
void insert_seats(Session& s, int64_t hall_id, const HallGrid& grid) {
  s.exec(
      "INSERT INTO seats (hall_id, row_label, number, grid_row, grid_col, seat_type) "
      "SELECT ?, j.row_label, j.number, j.grid_row, j.grid_col, j.seat_type FROM JSON_TABLE(?, "
      "'$[*]' COLUMNS (row_label VARCHAR(4) PATH '$.r', number INT PATH '$.n', "
      "grid_row INT PATH '$.gr', grid_col INT PATH '$.gc', seat_type VARCHAR(16) PATH '$.t')) "
      "AS j",
      hall_id, seats_json(grid));
}

// True when the hall's seats already are exactly `grid` (all active), so a
// PUT that repeats the layout is not a layout change.
bool same_seats(Session& s, const Hall& hall, const HallGrid& grid) {
  if (hall.rows != grid.rows || hall.cols != grid.cols) return false;
  Rows rs = s.query(
      "SELECT row_label, number, grid_row, grid_col, seat_type, active FROM seats "
      "WHERE hall_id = ? ORDER BY grid_row, grid_col LOCK IN SHARE MODE",
      hall.id);
  size_t i = 0;
  while (rs->next()) {
    if (i >= grid.seats.size()) return false;
    const SeatSpec& want = grid.seats[i++];
    if (get_string(*rs, "row_label") != want.row_label || rs->getInt("number") != want.number ||
        rs->getInt("grid_row") != want.grid_row || rs->getInt("grid_col") != want.grid_col ||
        get_string(*rs, "seat_type") != want.seat_type || rs->getInt("active") != 1) {
      return false;
    }
  }
  return i == grid.seats.size();
}

bool has_shows(Session& s, int64_t hall_id) {
  Rows rs = s.query("SELECT id FROM shows WHERE hall_id = ? LIMIT 1 LOCK IN SHARE MODE", hall_id);
  return rs->next();
}

const CatalogKind kHall{Owned::kHall, "hall", "/v1/halls/", hall_json, &kConstraints};

Response create(const Request& req, Context& ctx) {
  return create_owned(
      req, ctx, kHall, [&] { return read_fields(req, Mode::kCreate); },
      [&](Session& s, const AuthUser& user, const HallFields& f) -> StatusOr<int64_t> {
        CINEMA_RETURN_IF_ERROR(
            authorize_owner(s, user, Owned::kCinema, *f.cinema_id, /*lock=*/true));
        s.exec("INSERT INTO halls (cinema_id, name, rows_count, cols_count) VALUES (?, ?, ?, ?)",
               *f.cinema_id, *f.name, f.grid->rows, f.grid->cols);
        int64_t id = s.last_insert_id();
        insert_seats(s, id, *f.grid);
        return id;
      });
}

Response update(const Request& req, Context& ctx) {
  return update_owned(
      req, ctx, kHall,
      [&] { return read_fields(req, req.method == "PUT" ? Mode::kReplace : Mode::kPatch); },
      [&](Session& s, int64_t id, const HallFields& f) -> Status {
        auto hall = load_hall(s, id);
        if (!hall) return not_found("No such hall");
        if (f.grid && !same_seats(s, *hall, *f.grid)) {
          // show_seats point at these seat rows: replacing them under a show would
          // rewrite (or orphan) seats that were offered, held or sold.
          if (has_shows(s, id)) {
            return conflict(
                "This hall has shows, so its seat layout cannot be replaced: existing shows keep "
                "the seats materialised when they were created. Change single seats via "
                "/v1/seats (that applies to shows created afterwards), delete the shows, or create "
                "a new hall");
          }
          s.exec("DELETE FROM seats WHERE hall_id = ?", id);
          insert_seats(s, id, *f.grid);
          s.exec("UPDATE halls SET rows_count = ?, cols_count = ? WHERE id = ?", f.grid->rows,
                 f.grid->cols, id);
        }
        if (f.name) s.exec("UPDATE halls SET name = ? WHERE id = ?", *f.name, id);
        return {};
      });
}

Response remove(const Request& req, Context& ctx) {
  return remove_owned(req, ctx, kHall, [](Session& s, int64_t id) -> Status {
    if (has_shows(s, id)) {
      return conflict(
          "This hall has shows; delete its shows first (a show with bookings cannot be "
          "deleted)");
    }
    s.exec("DELETE FROM seats WHERE hall_id = ?", id);
    s.exec("DELETE FROM halls WHERE id = ?", id);
    return {};
  });
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/halls", create},
      {"PUT", "/v1/halls/{id}", update},
      {"PATCH", "/v1/halls/{id}", update},
      {"DELETE", "/v1/halls/{id}", remove},
  };
  return r;
}

Response handle(const Request& req, Context& ctx) {
  return router().dispatch(req, ctx);
}

}  // namespace cinema::owner_halls
