#include "dedup.hpp"

namespace gunpp {

Dedup::Dedup(Clock& clock, DedupOptions options)
    : clock_(&clock), options_(options) {}

void Dedup::forget_old(double now) {
  while (!order_.empty() &&
         (order_.size() > options_.max_ids ||
          order_.front().second + to_ms(options_.max_age) <= now)) {
    ids_.erase(*order_.front().first);
    order_.pop_front();
  }
}

bool Dedup::check_and_insert(std::string_view id) {
  const double now = clock_->now_ms();
  forget_old(now);
  auto [it, inserted] = ids_.emplace(id);
  if (!inserted) return true;
  order_.emplace_back(&*it, now);
  forget_old(now);
  return false;
}

}  // namespace gunpp
