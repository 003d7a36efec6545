// The payment step of confirm, behind an interface. `mock` (the default)
// approves every charge except the test token "tok_decline"; an `http`
// provider posting to a PSP would implement the same interface.
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

struct PaymentResult {
  bool approved = false;
  std::string reference;  // provider's id when approved
  std::string reason;     // why not, when declined
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual PaymentResult charge(const Charge& c) = 0;
};

class MockPaymentProvider : public PaymentProvider {
 public:
  PaymentResult charge(const Charge& c) override;
};

std::unique_ptr<PaymentProvider> make_payment_provider(const Config& cfg);

}  // namespace cinema
