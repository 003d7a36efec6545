// The payment provider, behind an interface: authorize before the booking
// transaction, capture after its commit, void when it does not commit (a
// transaction body may run again, so no charge happens inside one). Calls are
// idempotent per key: the same key answers the same authorization. `mock`
// (the default) approves every authorization except for the test token
// "tok_decline"; an `http` provider posting to a PSP implements the same.
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
  std::string reason;     // why not, when declined
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  // Reserves the amount; the same `key` gives the same authorization.
  virtual Authorization authorize(const Charge& c, const std::string& key) = 0;
  // False when the provider could not be reached; the step is retried later.
  virtual bool capture(const std::string& reference) = 0;
  virtual bool void_authorization(const std::string& reference) = 0;
};

class MockPaymentProvider : public PaymentProvider {
 public:
  Authorization authorize(const Charge& c, const std::string& key) override;
  bool capture(const std::string&) override { return true; }
  bool void_authorization(const std::string&) override { return true; }
};

std::unique_ptr<PaymentProvider> make_payment_provider(const Config& cfg);

// The provider's idempotency key for a hold's `attempt`-th authorization.
std::string payment_key_for_hold(int64_t hold_id, int64_t attempt);

}  // namespace cinema
