// Helpers shared by the booking tests (booking_*_test.cpp): their URLs, id
// lists sorted and joined, the hold and outbox rows of a show, and many
// customers at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fixtures.h"

namespace itest {

// "/v1/shows/{show_id}{tail}"
std::string show_url(int64_t show_id, const std::string& tail = "");
// "/v1/reservations/{id}"
std::string reservation_url(int64_t id);

// The ids in ascending order.
std::vector<int64_t> sorted(std::vector<int64_t> v);
// "1,2,3", for SQL IN lists and failure messages.
std::string join(const std::vector<int64_t>& ids);

// Hold rows of the show, whatever their status.
int64_t holds_of_show(int64_t show_id);
// Outbox rows of `type` whose payload's data.<member> equals `id`.
int64_t outbox_rows(const std::string& type, const std::string& member, int64_t id,
                    bool unpublished_only = false);

// Registers and logs in `n` customers, a few at a time; throws if any fails.
std::vector<Actor> many_customers(int n, const std::string& prefix);

}  // namespace itest
