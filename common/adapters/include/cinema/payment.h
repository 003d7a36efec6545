// The payment provider, behind an interface: authorize before the booking
// transaction, capture after its commit, void when it does not commit (a
// transaction body may run again, so no charge happens inside one), refund
// after the commit of a cancellation that recorded the refund (see
// cinema/refunds.h). Calls are idempotent per key: the same key answers the
// same authorization or refund and moves no money twice. `mock` (the default)
// approves every authorization except for the test token "tok_decline"; the
// `http` provider speaks to a payment gateway over HTTPS (below).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cinema/config.h"

namespace cinema {

struct Charge {
  int64_t user_id = 0;
  int64_t hold_id = 0;
  int64_t amount_cents = 0;
  std::string currency;
  std::string token;  // from the client; may be empty
};

struct Authorization {
  bool approved = false;
  std::string reference;  // provider's id when approved
  std::string reason;     // why not, when declined or unavailable
  // The provider could not be reached or failed (5xx, timeout): neither
  // approved nor declined. Asking again with the same key is safe.
  bool unavailable = false;
};

// A refund of (part of) a captured payment.
struct RefundRequest {
  std::string payment_reference;  // the authorization's provider reference
  int64_t amount_cents = 0;
  std::string currency;
};

struct RefundResult {
  enum class Outcome { kRefunded, kRefused, kUnavailable };
  Outcome outcome = Outcome::kUnavailable;
  std::string reference;  // provider's refund id when refunded
  std::string reason;     // why not, otherwise
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  // Reserves the amount; the same `key` gives the same authorization.
  virtual Authorization authorize(const Charge& c, const std::string& key) = 0;
  // False when the provider could not be reached; the step is retried later.
  virtual bool capture(const std::string& reference) = 0;
  virtual bool void_authorization(const std::string& reference) = 0;
  // Returns `amount_cents` of a captured payment; the same `key` refunds once
  // however often it is asked (partial refunds use one key each).
  virtual RefundResult refund(const RefundRequest& r, const std::string& key) = 0;
};

class MockPaymentProvider : public PaymentProvider {
 public:
  Authorization authorize(const Charge& c, const std::string& key) override;
  bool capture(const std::string&) override { return true; }
  bool void_authorization(const std::string&) override { return true; }
  RefundResult refund(const RefundRequest& r, const std::string& key) override;
};

// A payment gateway over HTTP(S), JSON both ways, `Authorization: Bearer
// <secret>` and an `Idempotency-Key` header on every call:
//   POST {url}/authorizations {amount_cents,currency,token,user_id,hold_id}
//        -> 2xx {"id":..}; 402 (or another 4xx) {"reason":..}: declined
//   POST {url}/authorizations/{id}/capture, POST {url}/authorizations/{id}/void
//   POST {url}/refunds {authorization,amount_cents,currency}
//        -> 2xx {"id":..}; 4xx {"reason":..}: refused
// A 5xx, 408, 409 (same key in flight), 429 or a transport failure (refused
// connection, timeout) is "unavailable": the step is asked again later under
// the same key. Capture and void use the keys "capture-<ref>" / "void-<ref>".
class HttpPaymentProvider : public PaymentProvider {
 public:
  explicit HttpPaymentProvider(PaymentSettings settings);
  Authorization authorize(const Charge& c, const std::string& key) override;
  bool capture(const std::string& reference) override;
  bool void_authorization(const std::string& reference) override;
  RefundResult refund(const RefundRequest& r, const std::string& key) override;

 private:
  PaymentSettings settings_;
};

// How a gateway answer reads: transport failure or a retryable status is
// unavailable; 2xx approved (with the body's "id"); other 4xx declined (with
// the body's "reason", or the status). Pure, for unit tests.
struct GatewayReply {
  enum class Kind { kApproved, kDeclined, kUnavailable };
  Kind kind = Kind::kUnavailable;
  std::string id;
  std::string reason;
};
GatewayReply read_gateway_reply(bool transport_ok, long http_status, const std::string& body,
                                const std::string& transport_error = "");

// `mock` or `http` per CINEMA_PAYMENT_PROVIDER.
std::unique_ptr<PaymentProvider> make_payment_provider(const Config& cfg);

// The provider's idempotency key for a hold's `attempt`-th authorization.
std::string payment_key_for_hold(int64_t hold_id, int64_t attempt);
// The provider's idempotency key for the refund a reservation's cancellation
// records (one cancellation per reservation, so one refund).
std::string refund_key_for_reservation(int64_t reservation_id);

}  // namespace cinema
