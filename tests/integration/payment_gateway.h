// The stand-in payment gateway (tests/gateway/payment_gateway.py) for the
// `http` payment provider, and function binaries run as CGI with an
// environment of their own (the stack's, plus e.g. the http provider's
// settings), so a test can use that provider while the stack keeps `mock`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fixtures.h"
#include "http_client.h"

namespace itest {

// One request the gateway saw (its journal line).
struct GatewayCall {
  std::string path;
  std::string key;  // Idempotency-Key
  int status = 0;   // what it answered
  bool replayed = false;
  bool applied = false;  // moved money: a new authorization or refund
  int64_t amount_cents = 0;
  std::string id;
};

class StandInGateway {
 public:
  StandInGateway();  // starts it; throws std::runtime_error if it does not come up
  ~StandInGateway();
  StandInGateway(const StandInGateway&) = delete;
  StandInGateway& operator=(const StandInGateway&) = delete;

  std::string url() const { return url_; }
  // "up", "down" (503, nothing done) or "lost-answer" (done, then 503).
  void set_mode(const std::string& mode) const;
  std::vector<GatewayCall> journal() const;
  // Calls with this key / applied calls with this key.
  int64_t calls_with_key(const std::string& key) const;
  int64_t applied_with_key(const std::string& key) const;
  // CINEMA_PAYMENT_* assignments selecting the http provider at this gateway.
  std::string provider_env() const;

 private:
  std::string dir_;
  std::string url_;
  std::string secret_;
  int pid_ = -1;
};

// An address where nothing listens (a port just bound and closed).
std::string unreachable_gateway_env();

struct CgiResult {
  int exit_code = -1;
  HttpResponse response;  // status 0 when the program wrote no answer
};

// Runs build/bin/<function> once as CGI: `method` `path` with `body` (JSON)
// and a bearer `token`, under the stack's environment plus `env`
// ("NAME=value NAME2=value"). Its log goes to the run dir's log folder.
CgiResult run_cgi(const std::string& function, const std::string& method, const std::string& path,
                  const std::string& body, const std::string& token, const std::string& env = "",
                  const std::vector<std::string>& headers = {});

// A reservation's "payment" member (status "" when absent or null).
struct Payment {
  std::string status;
  int64_t amount_cents = -1;
  int64_t refunded_cents = -1;
};
Payment payment_in(const HttpResponse& r);

// A hold (through nginx) that lasts minutes, whatever the profile's hold TTL.
int64_t hold_for(const Actor& c, int64_t show_id, const std::vector<int64_t>& seats);

// POST confirm as CGI with the gateway's provider settings (or `env`).
CgiResult confirm_cgi(const StandInGateway& gw, const Actor& c, int64_t show_id, int64_t hold_id,
                      const std::string& token = "", const std::string& env = "");

struct Booked {
  int64_t hold_id = 0;
  int64_t reservation_id = 0;
  int64_t total_cents = 0;
};
// hold_for + confirm_cgi; throws unless both succeed.
Booked book_via_gateway(const StandInGateway& gw, const Actor& c, int64_t show_id,
                        const std::vector<int64_t>& seats);

}  // namespace itest
