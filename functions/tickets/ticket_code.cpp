#include "ticket_code.h"

#include <array>
#include <optional>

#include "cinema/crypto.h"

namespace cinema::tickets {
namespace {

constexpr size_t kMacBytes = 32;

std::string ids_text(const TicketRef& t) {
  return std::to_string(t.ticket_id) + "." + std::to_string(t.reservation_id) + "." +
         std::to_string(t.show_id) + "." + std::to_string(t.seat_id);
}

// Domain-separated, so the key signs nothing else by accident.
std::string mac_of(std::string_view secret, const std::string& ids) {
  return hmac_sha256(secret, "cinema-ticket-v1\n" + ids);
}

// A positive id in canonical decimal (no sign, no leading zero, at most 18 digits).
std::optional<int64_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 18 || s[0] == '0') return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<TicketRef> parse_ids(std::string_view text) {
  std::array<int64_t, 4> v{};
  for (size_t i = 0; i < v.size(); ++i) {
    size_t dot = text.find('.');
    if ((dot == std::string_view::npos) != (i == v.size() - 1)) return std::nullopt;
    auto id = parse_id(text.substr(0, dot));
    if (!id) return std::nullopt;
    v[i] = *id;
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  }
  return TicketRef{v[0], v[1], v[2], v[3]};
}

}  // namespace

std::string sign_ticket(std::string_view secret, const TicketRef& t) {
  std::string ids = ids_text(t);
  return base64url_encode(ids) + "." + base64url_encode(mac_of(secret, ids));
}

VerifiedCode verify_ticket(std::string_view secret, std::string_view code) {
  VerifiedCode out;
  if (code.empty() || code.size() > kMaxCodeLength) return out;
  size_t dot = code.find('.');
  if (dot == std::string_view::npos || code.find('.', dot + 1) != std::string_view::npos) {
    return out;
  }
  auto ids = base64url_decode(code.substr(0, dot));
  auto mac = base64url_decode(code.substr(dot + 1));
  if (!ids || !mac || mac->size() != kMacBytes) return out;
  // Canonical form only: one ticket, one code (no second spelling of the ids
  // or of their base64url).
  if (base64url_encode(*ids) != code.substr(0, dot) ||
      base64url_encode(*mac) != code.substr(dot + 1)) {
    return out;
  }
  auto ref = parse_ids(*ids);
  if (!ref || ids_text(*ref) != *ids) return out;
  out.ref = *ref;
  out.check =
      constant_time_equal(mac_of(secret, *ids), *mac) ? CodeCheck::kValid : CodeCheck::kForged;
  return out;
}

}  // namespace cinema::tickets
