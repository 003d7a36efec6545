// Who gets freed seats: the waiting list's policy, as a pure function the
// worker's assign_show executes (tested without the stack in worker_test.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "cinema/seat_picker.h"

namespace cinema::worker {

struct WaitingEntry {
  int64_t id = 0;
  int64_t user_id = 0;
  int seats = 1;
  bool together = true;
};

struct Assignment {
  size_t entry = 0;  // index into the entries given
  std::vector<int64_t> seat_ids;
};

// Entries in joining order. Each takes the best seats for its party among
// those still free (adjacent when `together`); an entry that cannot be met
// keeps its place, and a later, smaller party may take seats it could not
// use. No seat goes to two entries. `layout` gives the hall's grid size.
std::vector<Assignment> plan_waitlist(const std::vector<WaitingEntry>& entries,
                                      std::vector<SeatCell> cells, const PickRequest& layout);

}  // namespace cinema::worker

namespace cinema::worker {

// How an entry is given the seats planned for it: charged (its payment token
// pays for a reservation) or offered (the seats held for it for a claim
// window, to confirm like any hold).
enum class Serving { kOffer, kCharge };
// Charged only in reserve mode, which both the show (its owner's choice,
// shows.waitlist_mode) and the deployment (CINEMA_WAITLIST_MODE) must allow,
// and only with a token; everything else is an offer.
Serving serving_for(bool show_reserves, bool deployment_reserves, bool has_token);

}  // namespace cinema::worker
