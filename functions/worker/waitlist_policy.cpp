#include "waitlist_policy.h"

#include <algorithm>

namespace cinema::worker {

std::vector<Assignment> plan_waitlist(const std::vector<WaitingEntry>& entries,
                                      std::vector<SeatCell> cells, const PickRequest& layout) {
  std::vector<Assignment> plan;
  PickRequest pick = layout;
  for (size_t i = 0; i < entries.size(); ++i) {
    pick.count = entries[i].seats;
    pick.together = entries[i].together;
    std::vector<int64_t> ids = pick_best_seats(cells, pick);
    if (ids.empty()) continue;
    for (auto& c : cells) {
      if (std::find(ids.begin(), ids.end(), c.seat_id) != ids.end()) c.free = false;
    }
    plan.push_back({i, std::move(ids)});
  }
  return plan;
}

}  // namespace cinema::worker

namespace cinema::worker {

Serving serving_for(bool show_reserves, bool deployment_reserves, bool has_token) {
  return show_reserves && deployment_reserves && has_token ? Serving::kCharge : Serving::kOffer;
}

}  // namespace cinema::worker
