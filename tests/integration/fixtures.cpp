#include "fixtures.h"

#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <ctime>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace itest {
namespace {

std::string quote(const std::string& s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

[[noreturn]] void fail_setup(const std::string& what, const HttpResponse& r) {
  throw std::runtime_error(what + ": " + r.describe());
}

int64_t created_id(const std::string& what, const HttpResponse& r) {
  if (r.status != 201) fail_setup(what, r);
  auto id = json_int(r, "id");
  if (!id) fail_setup(what + " (no id)", r);
  return *id;
}

// Distinct, non-overlapping time slots for shows created by the fixtures:
// each call gets its own 3-hour window starting 2 days from now.
int64_t next_slot() {
  static std::atomic<int64_t> n{0};
  static const int64_t base = (unix_now() / 3600 + 48) * 3600;
  return base + 3 * 3600 * n++;
}

}  // namespace

// ---------------------------------------------------------------- JSON

void JsonObj::key(const std::string& k) {
  if (!body_.empty()) body_ += ",";
  body_ += quote(k) + ":";
}
JsonObj& JsonObj::s(const std::string& k, const std::string& v) {
  key(k);
  body_ += quote(v);
  return *this;
}
JsonObj& JsonObj::i(const std::string& k, int64_t v) {
  key(k);
  body_ += std::to_string(v);
  return *this;
}
JsonObj& JsonObj::b(const std::string& k, bool v) {
  key(k);
  body_ += v ? "true" : "false";
  return *this;
}
JsonObj& JsonObj::null(const std::string& k) {
  key(k);
  body_ += "null";
  return *this;
}
JsonObj& JsonObj::raw(const std::string& k, const std::string& raw_json) {
  key(k);
  body_ += raw_json;
  return *this;
}

std::string ids_json(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ",";
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

std::string strings_json(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    out += quote(items[i]);
  }
  return out + "]";
}

std::optional<int64_t> json_int(const HttpResponse& r, const char* member) {
  auto doc = r.json();
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto it = doc.FindMember(member);
  if (it == doc.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

std::vector<int64_t> json_ids(const rapidjson::Value& obj, const char* member) {
  std::vector<int64_t> out;
  if (!obj.IsObject()) return out;
  auto it = obj.FindMember(member);
  if (it == obj.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) {
    if (v.IsInt64()) out.push_back(v.GetInt64());
  }
  return out;
}

std::vector<int64_t> json_ids(const HttpResponse& r, const char* member) {
  auto doc = r.json();
  if (doc.HasParseError()) return {};
  return json_ids(doc, member);
}

std::vector<int64_t> item_ids(const HttpResponse& r, const char* id_member) {
  std::vector<int64_t> out;
  auto doc = r.json();
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("items") ||
      !doc["items"].IsArray()) {
    return out;
  }
  for (const auto& item : doc["items"].GetArray()) {
    if (item.IsObject() && item.HasMember(id_member) && item[id_member].IsInt64()) {
      out.push_back(item[id_member].GetInt64());
    }
  }
  return out;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------- users

void set_role(int64_t user_id, const std::string& role) {
  if (sql_exec("UPDATE users SET role = ? WHERE id = ?", role, user_id) != 1) {
    throw std::runtime_error("could not set role " + role + " for user " + std::to_string(user_id));
  }
  forget_account(user_id);
}

Actor new_customer(const std::string& prefix) {
  Actor a;
  a.user = register_user(prefix);
  a.token = login(a.user).access_token;
  return a;
}

namespace {
Actor with_role(const std::string& prefix, const std::string& role) {
  Actor a;
  a.user = register_user(prefix);
  set_role(a.user.id, role);
  a.token = login(a.user).access_token;
  return a;
}
}  // namespace

Actor new_owner(const std::string& prefix) {
  return with_role(prefix, "OWNER");
}
Actor new_admin(const std::string& prefix) {
  return with_role(prefix, "ADMIN");
}

void relogin(Actor& a) {
  a.token = login(a.user).access_token;
}

// ---------------------------------------------------------------- time and names

std::string rfc3339(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string unique_token(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  uint64_t r = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    r = rng() & 0xffffffULL;
  }
  std::ostringstream out;
  out << prefix << getpid() << "x" << ++counter << "x" << std::hex << r;
  return out.str();
}

// ---------------------------------------------------------------- catalogue

int64_t create_cinema(const Actor& owner, const std::string& name, const std::string& city) {
  std::string n = name.empty() ? "Cinema " + unique_token("c") : name;
  HttpResponse r = post("/v1/cinemas", JsonObj().s("name", n).s("city", city).str(), owner.auth());
  return created_id("create cinema", r);
}

int64_t create_hall(const Actor& owner, int64_t cinema_id, int rows, int cols,
                    const std::string& name) {
  std::string n = name.empty() ? "Hall " + unique_token("h") : name;
  HttpResponse r =
      post("/v1/halls",
           JsonObj().i("cinema_id", cinema_id).s("name", n).i("rows", rows).i("cols", cols).str(),
           owner.auth());
  return created_id("create hall", r);
}

int64_t create_layout_hall(const Actor& owner, int64_t cinema_id,
                           const std::vector<std::string>& layout, const std::string& name) {
  std::string n = name.empty() ? "Hall " + unique_token("h") : name;
  HttpResponse r = post(
      "/v1/halls",
      JsonObj().i("cinema_id", cinema_id).s("name", n).raw("layout", strings_json(layout)).str(),
      owner.auth());
  return created_id("create layout hall", r);
}

std::string show_body(int64_t hall_id, const std::string& title, int64_t starts_at, int64_t ends_at,
                      int64_t price_cents, const std::string& currency) {
  return JsonObj()
      .i("hall_id", hall_id)
      .s("title", title)
      .s("starts_at", rfc3339(starts_at))
      .s("ends_at", rfc3339(ends_at))
      .i("base_price_cents", price_cents)
      .s("currency", currency)
      .str();
}

int64_t create_show(const Actor& owner, int64_t hall_id, const std::string& title,
                    int64_t starts_at, int64_t duration_s, int64_t price_cents,
                    const std::string& currency) {
  HttpResponse r =
      post("/v1/shows",
           show_body(hall_id, title, starts_at, starts_at + duration_s, price_cents, currency),
           owner.auth());
  return created_id("create show", r);
}

void start_show_now(int64_t show_id) {
  sql_exec(
      "UPDATE shows SET starts_at = NOW() - INTERVAL 1 HOUR, ends_at = NOW() + INTERVAL 1 HOUR "
      "WHERE id = ?",
      show_id);
}

Venue make_venue(int rows, int cols, int64_t price_cents) {
  Venue v;
  v.owner = new_owner("venue-owner");
  v.cinema_id = create_cinema(v.owner);
  v.hall_id = create_hall(v.owner, v.cinema_id, rows, cols);
  v.show_id = create_show(v.owner, v.hall_id, "Film " + unique_token("f"), next_slot(), 2 * 3600,
                          price_cents);
  return v;
}

Venue make_layout_venue(const std::vector<std::string>& layout, int64_t price_cents) {
  Venue v;
  v.owner = new_owner("venue-owner");
  v.cinema_id = create_cinema(v.owner);
  v.hall_id = create_layout_hall(v.owner, v.cinema_id, layout);
  v.show_id = create_show(v.owner, v.hall_id, "Film " + unique_token("f"), next_slot(), 2 * 3600,
                          price_cents);
  return v;
}

int64_t add_show(const Venue& v, const std::string& title) {
  return create_show(v.owner, v.hall_id, title.empty() ? "Film " + unique_token("f") : title,
                     next_slot());
}

std::vector<int64_t> hall_seat_ids(int64_t hall_id) {
  std::vector<int64_t> out;
  for (const auto& row :
       sql_rows("SELECT id FROM seats WHERE hall_id = ? ORDER BY grid_row, grid_col", hall_id)) {
    if (row.at(0)) out.push_back(std::stoll(*row[0]));
  }
  return out;
}

// ---------------------------------------------------------------- seat map

const Seat* SeatMap::find(int64_t seat_id) const {
  for (const auto& s : seats) {
    if (s.id == seat_id) return &s;
  }
  return nullptr;
}

std::string SeatMap::status_of(int64_t seat_id) const {
  const Seat* s = find(seat_id);
  return s == nullptr ? "<missing>" : s->status;
}

std::vector<int64_t> SeatMap::ids() const {
  std::vector<int64_t> out;
  for (const auto& s : seats) out.push_back(s.id);
  return out;
}

std::vector<int64_t> SeatMap::ids_of_type(const std::string& type) const {
  std::vector<int64_t> out;
  for (const auto& s : seats) {
    if (s.type == type) out.push_back(s.id);
  }
  return out;
}

SeatMap seat_map(int64_t show_id, const Headers& headers) {
  SeatMap m;
  m.response = get("/v1/shows/" + std::to_string(show_id) + "/seats", headers);
  if (m.response.status != 200) return m;
  auto doc = m.response.json();
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("seats") ||
      !doc["seats"].IsArray()) {
    return m;
  }
  auto str = [](const rapidjson::Value& o, const char* k) -> std::string {
    return o.HasMember(k) && o[k].IsString() ? o[k].GetString() : "";
  };
  auto num = [](const rapidjson::Value& o, const char* k) -> int64_t {
    return o.HasMember(k) && o[k].IsInt64() ? o[k].GetInt64() : -1;
  };
  for (const auto& o : doc["seats"].GetArray()) {
    if (!o.IsObject()) continue;
    Seat s;
    s.id = num(o, "seat_id");
    s.row = str(o, "row");
    s.number = num(o, "number");
    s.grid_row = num(o, "grid_row");
    s.grid_col = num(o, "grid_col");
    s.type = str(o, "type");
    s.status = str(o, "status");
    s.price_cents = num(o, "price_cents");
    m.seats.push_back(s);
  }
  return m;
}

// ---------------------------------------------------------------- booking calls

namespace {
std::string show_path(int64_t show_id, const char* tail) {
  return "/v1/shows/" + std::to_string(show_id) + tail;
}
}  // namespace

HttpResponse hold_seats(const Actor& a, int64_t show_id, const std::vector<int64_t>& seat_ids) {
  return post(show_path(show_id, "/hold"), JsonObj().raw("seat_ids", ids_json(seat_ids)).str(),
              a.auth());
}

HttpResponse hold_best(const Actor& a, int64_t show_id, int count, bool together) {
  return post(show_path(show_id, "/hold"),
              JsonObj().i("count", count).b("together", together).str(), a.auth());
}

HttpResponse release_hold(const Actor& a, int64_t show_id, int64_t hold_id) {
  return del(show_path(show_id, "/hold"), JsonObj().i("hold_id", hold_id).str(), a.auth());
}

HttpResponse confirm(const Actor& a, int64_t show_id, int64_t hold_id,
                     const std::string& idempotency_key, const std::string& payment_token) {
  JsonObj body;
  body.i("hold_id", hold_id);
  if (!payment_token.empty()) body.s("payment_token", payment_token);
  Headers h = a.auth();
  if (!idempotency_key.empty()) h.emplace_back("Idempotency-Key", idempotency_key);
  return post(show_path(show_id, "/confirm"), body.str(), h);
}

int64_t book(const Actor& a, int64_t show_id, const std::vector<int64_t>& seat_ids) {
  HttpResponse h = hold_seats(a, show_id, seat_ids);
  if (h.status != 201) fail_setup("hold", h);
  auto hold_id = json_int(h, "hold_id");
  if (!hold_id) fail_setup("hold (no hold_id)", h);
  HttpResponse c = confirm(a, show_id, *hold_id);
  if (c.status != 201) fail_setup("confirm", c);
  auto id = json_int(c, "reservation_id");
  if (!id) fail_setup("confirm (no reservation_id)", c);
  return *id;
}

// ---------------------------------------------------------------- SQL

std::vector<SqlRow> sql_rows_impl(cinema::Session&, cinema::Rows rs) {
  std::vector<SqlRow> out;
  const unsigned int columns = rs->getMetaData()->getColumnCount();
  while (rs->next()) {
    SqlRow row;
    for (unsigned int c = 1; c <= columns; ++c) {
      if (rs->isNull(c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(rs->getString(c)));
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

int64_t audit_count(const std::string& entity_type, int64_t entity_id) {
  return sql_int("SELECT COUNT(*) FROM audit_log WHERE entity_type = ? AND entity_id = ?",
                 entity_type, entity_id);
}

// ---------------------------------------------------------------- services

bool wait_healthy(std::chrono::seconds limit) {
  return wait_until(std::chrono::duration_cast<std::chrono::milliseconds>(limit), [] {
    HttpResponse h = get("/v1/health");
    if (h.status != 200) return false;
    auto doc = h.json();
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("checks") ||
        !doc["checks"].IsObject()) {
      return false;
    }
    for (const auto& m : doc["checks"].GetObject()) {
      if (!m.value.IsString() || std::string(m.value.GetString()) != "up") return false;
    }
    return true;
  });
}

ServiceStop::ServiceStop(std::string name) : name_(std::move(name)) {
  stop_rc_ = stack_ctl("svc-stop " + name_);
}

ServiceStop::~ServiceStop() {
  if (restored_) return;
  int rc = restore();
  if (rc != 0) ADD_FAILURE() << "svc-start " << name_ << " failed with exit code " << rc;
}

int ServiceStop::restore() {
  restored_ = true;
  int rc = stack_ctl("svc-start " + name_);
  if (rc == 0 && !wait_healthy(std::chrono::seconds(90))) {
    std::cerr << "note: the stack did not report healthy within 90 s after svc-start " << name_
              << "\n";
  }
  return rc;
}

}  // namespace itest
