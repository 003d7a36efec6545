#include "cinema/payment.h"

#include "cinema/crypto.h"

namespace cinema {

Authorization MockPaymentProvider::authorize(const Charge& c, const std::string& key) {
  if (c.token == "tok_decline") return {false, "", "The card was declined (test token)"};
  // Derived from the key, as a provider's idempotent answer would be.
  return {true, "mock_" + sha256_hex(key + "|" + c.token).substr(0, 16), ""};
}

std::unique_ptr<PaymentProvider> make_payment_provider(const Config&) {
  return std::make_unique<MockPaymentProvider>();
}

std::string payment_key_for_hold(int64_t hold_id, int64_t attempt) {
  return "hold-" + std::to_string(hold_id) + "-" + std::to_string(attempt);
}

}  // namespace cinema
