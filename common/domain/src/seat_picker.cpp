#include "cinema/seat_picker.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace cinema {
namespace {

bool eligible(const SeatCell& s, bool accessible) {
  if (!s.free) return false;
  if (accessible) return s.type == "ACCESSIBLE" || s.type == "COMPANION";
  return s.type != "ACCESSIBLE" && s.type != "COMPANION";
}

// Every COMPANION of the block [first, first + n) has an ACCESSIBLE
// neighbour in it (the block's cells are physically adjacent in order).
bool companions_accompanied(const SeatCell* const* first, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (first[i]->type != "COMPANION") continue;
    bool left = i > 0 && first[i - 1]->type == "ACCESSIBLE";
    bool right = i + 1 < n && first[i + 1]->type == "ACCESSIBLE";
    if (!left && !right) return false;
  }
  return true;
}

struct Scorer {
  double preferred_row;
  double mid_col;
  // Rows weigh more than columns: being far from the best rows hurts more
  // than sitting off-centre.
  double operator()(double row, double col) const {
    return 2.0 * std::fabs(row - preferred_row) + std::fabs(col - mid_col);
  }
};

constexpr double kOrphanPenalty = 1000.0;

}  // namespace

std::vector<int64_t> pick_best_seats(const std::vector<SeatCell>& seats, const PickRequest& req) {
  if (req.count < 1) return {};
  Scorer score{std::max(1.0, std::round(req.rows * 0.6)), (req.cols + 1) / 2.0};
  std::map<int, std::vector<const SeatCell*>> rows;
  for (const auto& s : seats) {
    if (eligible(s, req.accessible)) rows[s.grid_row].push_back(&s);
  }
  struct Candidate {
    double score;
    const SeatCell* const* first;
    size_t count;
    bool orphan;  // leaves a single seat stranded beside it
  };
  std::vector<Candidate> candidates;
  std::vector<int64_t> choice;
  for (auto& [row, cells] : rows) {
    std::sort(cells.begin(), cells.end(),
              [](const SeatCell* a, const SeatCell* b) { return a->grid_col < b->grid_col; });
    // Split the row into runs of physically adjacent eligible seats.
    size_t run_start = 0;
    for (size_t i = 1; i <= cells.size(); ++i) {
      if (i < cells.size() && cells[i]->grid_col == cells[i - 1]->grid_col + 1) continue;
      size_t run_len = i - run_start;
      for (size_t start = run_start;
           start + req.count <= i && req.count <= static_cast<int>(run_len); ++start) {
        size_t end = start + req.count;  // exclusive
        if (req.accessible &&
            (std::none_of(cells.begin() + start, cells.begin() + end,
                          [](const SeatCell* c) { return c->type == "ACCESSIBLE"; }) ||
             !companions_accompanied(cells.data() + start, end - start))) {
          continue;
        }
        double centre = (cells[start]->grid_col + cells[end - 1]->grid_col) / 2.0;
        double sc = score(row, centre);
        bool orphan = start - run_start == 1 || i - end == 1;
        if (orphan) sc += kOrphanPenalty;
        candidates.push_back({sc, cells.data() + start, end - start, orphan});
      }
      run_start = i;
    }
  }
  if (!candidates.empty()) {
    auto by_score = [](const Candidate& a, const Candidate& b) { return a.score < b.score; };
    size_t pick = 0;
    size_t k = std::min(candidates.size(), static_cast<size_t>(std::max(1, req.spread)));
    if (k <= 1) {
      // The first best in grid order: deterministic, as the waiting list needs.
      pick = static_cast<size_t>(std::min_element(candidates.begin(), candidates.end(), by_score) -
                                 candidates.begin());
    } else {
      std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                        candidates.end(), by_score);
      // Never trade a block without an orphan seat for one that leaves one.
      while (k > 1 && candidates[k - 1].orphan && !candidates[0].orphan) --k;
      pick = static_cast<size_t>(req.seed % k);
    }
    const Candidate& c = candidates[pick];
    for (size_t i = 0; i < c.count; ++i) choice.push_back(c.first[i]->seat_id);
    return choice;
  }
  if (req.together) return choice;
  // Scattered: the individually best seats (a companion seat only ever
  // comes in a block with its accessible seat).
  std::vector<std::pair<double, int64_t>> ranked;
  for (const auto& [row, cells] : rows) {
    for (const auto* c : cells) {
      if (c->type != "COMPANION") ranked.emplace_back(score(row, c->grid_col), c->seat_id);
    }
  }
  if (ranked.size() < static_cast<size_t>(req.count)) return {};
  std::sort(ranked.begin(), ranked.end());
  for (int k = 0; k < req.count; ++k) choice.push_back(ranked[k].second);
  return choice;
}

bool beside(const SeatCell& a, const SeatCell& b) {
  return a.grid_row == b.grid_row && (a.grid_col - b.grid_col == 1 || b.grid_col - a.grid_col == 1);
}

std::vector<int64_t> lone_companions(const std::vector<SeatCell>& layout,
                                     const std::vector<int64_t>& chosen) {
  std::vector<const SeatCell*> cells;
  for (int64_t id : chosen) {
    auto c = std::lower_bound(layout.begin(), layout.end(), id,
                              [](const SeatCell& cell, int64_t v) { return cell.seat_id < v; });
    if (c != layout.end() && c->seat_id == id) cells.push_back(&*c);
  }
  std::vector<int64_t> lone;
  for (const SeatCell* c : cells) {
    if (c->type != "COMPANION") continue;
    bool accompanied = std::any_of(cells.begin(), cells.end(), [&](const SeatCell* o) {
      return o->type == "ACCESSIBLE" && beside(*c, *o);
    });
    if (!accompanied) lone.push_back(c->seat_id);
  }
  return lone;
}

}  // namespace cinema
