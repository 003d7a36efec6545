#include "catalog_owner_fixtures.h"

namespace itest {

std::string path(const std::string& prefix, int64_t id, const std::string& suffix) {
  return prefix + std::to_string(id) + suffix;
}

std::string describe(const Call& c) {
  return c.method + " " + c.path + " " + c.body;
}

std::string venue_state(const Venue& v) {
  std::string out;
  for (const auto& row : sql_rows(
           "SELECT c.name, h.name, h.rows_count, h.cols_count, sh.title, sh.base_price_cents, "
           "(SELECT COUNT(*) FROM seats se WHERE se.hall_id = h.id), "
           "(SELECT GROUP_CONCAT(se.seat_type ORDER BY se.id) FROM seats se WHERE se.hall_id = "
           "h.id) "
           "FROM cinemas c JOIN halls h ON h.cinema_id = c.id JOIN shows sh ON sh.hall_id = h.id "
           "WHERE c.id = ? AND h.id = ? AND sh.id = ?",
           v.cinema_id, v.hall_id, v.show_id)) {
    for (const auto& col : row) out += col.value_or("NULL") + "|";
  }
  return out;
}

}  // namespace itest
