// Reservations as the API shows them, read in a fixed number of queries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinema/db.h"

namespace cinema {

// JSON array text "[1,2,3]".
std::string id_array(const std::vector<int64_t>& ids);

// {id, show_id, user_id, status, source, seat_ids, seats:[{seat_id,row,number,price_cents}],
//  total_cents, currency, created_at, cancelled_at}; nullopt if missing. With
// `with_payment`, also payment: {status, amount_cents, refunded_cents, currency}
// (null when it was not paid through the payment seam).
std::optional<std::string> reservation_json(Session& s, int64_t reservation_id,
                                            bool with_payment = false);
// The same (without payment) for many reservations in two queries, in the
// order of `ids` (missing ones left out).
std::vector<std::string> reservations_json(Session& s, const std::vector<int64_t>& ids);

// The reservation's payment as JSON: {"status","amount_cents","refunded_cents",
// "currency"}, status REFUND_PENDING while a refund waits; "null" when it was
// not paid through the payment seam.
std::string payment_json(Session& s, int64_t reservation_id);

}  // namespace cinema
