#include "cinema/payment.h"

#include "cinema/crypto.h"

namespace cinema {

PaymentResult MockPaymentProvider::charge(const Charge& c) {
  if (c.token == "tok_decline") return {false, "", "The card was declined (test token)"};
  return {true, "mock_" + random_hex(8), ""};
}

std::unique_ptr<PaymentProvider> make_payment_provider(const Config&) {
  return std::make_unique<MockPaymentProvider>();
}

}  // namespace cinema
