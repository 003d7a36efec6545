// Ticket codes: what a ticket's QR code carries. A code names its ticket
// (ticket, reservation, show and seat ids) and carries an HMAC-SHA256 of
// those ids under CINEMA_TICKET_SECRET, so nobody without the secret can make
// or alter one. Codes are derived, never stored: the same ticket always has
// the same code, and a new secret voids every code printed before.
//
// Form: base64url("<ticket>.<reservation>.<show>.<seat>") "." base64url(mac),
// without padding: letters, digits, '-', '_' and one '.', fit for a QR code.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cinema::tickets {

struct TicketRef {
  int64_t ticket_id = 0;
  int64_t reservation_id = 0;
  int64_t show_id = 0;
  int64_t seat_id = 0;
};

inline constexpr size_t kMaxCodeLength = 200;

// The code of `t` under `secret`.
std::string sign_ticket(std::string_view secret, const TicketRef& t);

enum class CodeCheck {
  kValid,      // made with this secret; `ref` names the ticket
  kMalformed,  // not the shape of a ticket code
  kForged,     // the shape of one, but its MAC does not match (compared in constant time)
};
struct VerifiedCode {
  CodeCheck check = CodeCheck::kMalformed;
  TicketRef ref;
};
VerifiedCode verify_ticket(std::string_view secret, std::string_view code);

}  // namespace cinema::tickets
