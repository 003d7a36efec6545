#include "user_query.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <vector>

#include "cinema/timefmt.h"
#include "cinema/validate.h"

namespace cinema::admin_users {

bool is_role(std::string_view role) {
  return role == "CUSTOMER" || role == "OWNER" || role == "ADMIN";
}

std::string contains_pattern(std::string_view q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '!') out.push_back('!');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

StatusOr<UserQuery> parse_user_query(const Request& req) {
  UserQuery out;
  std::vector<FieldError> errors;
  if (auto q = req.query_param("q"); q && !q->empty()) {
    if (q->size() > 254 || has_control_chars(*q)) {
      errors.push_back({"q", "must be at most 254 bytes without control characters"});
    } else {
      out.like = contains_pattern(*q);
    }
  }
  if (auto role = req.query_param("role"); role && !role->empty()) {
    if (is_role(*role)) {
      out.role = *role;
    } else {
      errors.push_back({"role", "must be CUSTOMER, OWNER or ADMIN"});
    }
  }
  if (auto limit = req.query_param("limit"); limit && !limit->empty()) {
    if (limit->size() > 9 || limit->find_first_not_of("0123456789") != std::string::npos ||
        std::stoll(*limit) < 1) {
      errors.push_back({"limit", "must be a positive integer (at most 100 are returned)"});
    } else {
      out.limit = std::min(std::stoll(*limit), static_cast<long long>(kMaxLimit));
    }
  }
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    auto json = decode_cursor(*cursor);
    rapidjson::Document d;
    if (json) d.Parse(json->data(), json->size());
    if (!json || d.HasParseError() || !d.IsObject() || d.MemberCount() != 1 ||
        !d.HasMember("after_id") || !d["after_id"].IsInt64() || d["after_id"].GetInt64() < 0) {
      errors.push_back({"cursor", "is not a cursor this list returned"});
    } else {
      out.after_id = d["after_id"].GetInt64();
    }
  }
  if (!errors.empty()) return bad_request("Some query parameters are invalid", std::move(errors));
  return out;
}

std::string cursor_after(int64_t last_id) {
  return encode_cursor("{\"after_id\":" + std::to_string(last_id) + "}");
}

}  // namespace cinema::admin_users
