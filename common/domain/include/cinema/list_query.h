// The query parameters of list routes, validated in one place: ids,
// enumerations, an RFC 3339 time window, limit and an opaque cursor. Every bad
// parameter is named in one 400 problem; nothing unchecked reaches SQL.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cinema/db.h"
#include "cinema/http.h"
#include "cinema/json.h"
#include "cinema/status.h"

namespace cinema {

inline constexpr int64_t kDefaultListLimit = 50;
inline constexpr int64_t kMaxListLimit = 200;

// Reads parameters one by one, collecting what is wrong with them; status()
// is the 400 problem naming every bad one (or OK).
class QueryReader {
 public:
  explicit QueryReader(const Request& req) : req_(req) {}

  // A positive id, or nullopt when absent or empty.
  std::optional<int64_t> id(std::string_view name);
  // One of `allowed`, or nullopt when absent or empty.
  std::optional<std::string> one_of(std::string_view name,
                                    std::initializer_list<std::string_view> allowed);
  // Printable ASCII of letters, digits and ._-: (an event type, an entity
  // name), at most `max` bytes.
  std::optional<std::string> token(std::string_view name, size_t max = 64);
  // An RFC 3339 instant, as epoch seconds.
  std::optional<int64_t> time(std::string_view name);
  // 1..kMaxListLimit (more is capped); `fallback` when absent.
  int64_t limit(int64_t fallback = kDefaultListLimit);
  // The cursor's JSON object with only integer members named in `members`,
  // each present; nullopt when absent. A cursor that is not one of ours is
  // an error.
  std::optional<std::map<std::string, int64_t>> cursor(
      std::initializer_list<std::string_view> members);
  // Reports an error found by the caller (e.g. from > to).
  void fail(std::string field, std::string message);

  Status status() const;

 private:
  std::optional<std::string> present(std::string_view name) const;
  const Request& req_;
  std::vector<FieldError> errors_;
};

// A cursor over integer members, e.g. {"before_id": 12}.
std::string make_cursor(const std::map<std::string, int64_t>& members);

// Reads a page from `rs`, a query that asked for `limit` + 1 rows: calls
// `each(row)` on the first `limit` of them and answers whether there was one
// more (a next page).
template <class F>
bool read_page(sql::ResultSet& rs, int64_t limit, F&& each) {
  for (int64_t n = 0; rs.next(); ++n) {
    if (n == limit) return true;
    each(rs);
  }
  return false;
}

// "next_cursor": the cursor of `members` when there is a next page, else null.
void write_next_cursor(JsonWriter& w, bool more, const std::map<std::string, int64_t>& members);

}  // namespace cinema
