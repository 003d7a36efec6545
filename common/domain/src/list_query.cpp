#include "cinema/list_query.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "cinema/json.h"
#include "cinema/timefmt.h"

namespace cinema {

std::optional<std::string> QueryReader::present(std::string_view name) const {
  auto v = req_.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

void QueryReader::fail(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

std::optional<int64_t> QueryReader::id(std::string_view name) {
  auto v = present(name);
  if (!v) return std::nullopt;
  if (v->size() > 18 || v->find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(*v) < 1) {
    fail(std::string(name), "must be a positive integer id");
    return std::nullopt;
  }
  return std::stoll(*v);
}

std::optional<std::string> QueryReader::one_of(std::string_view name,
                                               std::initializer_list<std::string_view> allowed) {
  auto v = present(name);
  if (!v) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(std::string(name), "must be one of " + list);
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> QueryReader::token(std::string_view name, size_t max) {
  auto v = present(name);
  if (!v) return std::nullopt;
  bool ok = v->size() <= max && std::all_of(v->begin(), v->end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '-' || c == ':';
            });
  if (!ok) {
    fail(std::string(name),
         "must be at most " + std::to_string(max) + " letters, digits or . _ - :");
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> QueryReader::time(std::string_view name) {
  auto v = present(name);
  if (!v) return std::nullopt;
  auto t = parse_rfc3339(*v);
  if (!t) {
    fail(std::string(name), "must be an RFC 3339 time such as 2026-11-26T18:30:00Z");
    return std::nullopt;
  }
  return t;
}

int64_t QueryReader::limit(int64_t fallback) {
  auto v = present("limit");
  if (!v) return fallback;
  if (v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(*v) < 1) {
    fail("limit", "must be a positive integer (at most " + std::to_string(kMaxListLimit) +
                      " items are returned)");
    return fallback;
  }
  return std::min<int64_t>(std::stoll(*v), kMaxListLimit);
}

std::optional<std::map<std::string, int64_t>> QueryReader::cursor(
    std::initializer_list<std::string_view> members) {
  auto v = present("cursor");
  if (!v) return std::nullopt;
  auto json = decode_cursor(*v);
  rapidjson::Document d;
  if (json) d.Parse(json->data(), json->size());
  bool ok = json && !d.HasParseError() && d.IsObject() && d.MemberCount() == members.size();
  std::map<std::string, int64_t> out;
  for (auto m : members) {
    if (!ok) break;
    auto it = d.FindMember(rapidjson::Value(m.data(), static_cast<unsigned>(m.size())));
    ok = it != d.MemberEnd() && it->value.IsInt64();
    if (ok) out[std::string(m)] = it->value.GetInt64();
  }
  if (!ok) {
    fail("cursor", "is not a cursor this list returned");
    return std::nullopt;
  }
  return out;
}

Status QueryReader::status() const {
  if (errors_.empty()) return Status();
  return bad_request("Some query parameters are invalid", errors_);
}

std::string make_cursor(const std::map<std::string, int64_t>& members) {
  JsonWriter w;
  w.begin_object();
  for (const auto& [k, v] : members) w.field(k, v);
  w.end_object();
  return encode_cursor(w.str());
}

void write_next_cursor(JsonWriter& w, bool more, const std::map<std::string, int64_t>& members) {
  if (more) {
    w.field("next_cursor", make_cursor(members));
  } else {
    w.null_field("next_cursor");
  }
}

}  // namespace cinema
