#include "deferred_fields.hpp"

#include <algorithm>
#include <utility>

namespace gunpp::detail {

DeferredFields::DeferredFields(Scheduler& scheduler, Scheduler::OwnerId owner,
                               double max_wait_ms, Retry retry)
    : scheduler_(&scheduler),
      owner_(owner),
      max_wait_ms_(max_wait_ms),
      retry_(std::move(retry)) {}

std::uint64_t DeferredFields::park(std::string_view soul, Field field,
                                   double now) {
  const std::uint64_t id = ++last_id_;
  add(id, soul, std::move(field), now);
  return id;
}

void DeferredFields::restore(std::uint64_t id, std::string_view soul,
                             Field field, double now) {
  last_id_ = std::max(last_id_, id);
  add(id, soul, std::move(field), now);
}

void DeferredFields::add(std::uint64_t id, std::string_view soul, Field field,
                         double now) {
  // Due exactly at the state when the wait fits, so the retry cannot fall an
  // ulp short and park again.
  const double due_ms =
      field.state - now <= max_wait_ms_ ? field.state : now + max_wait_ms_;
  parked_.emplace(id, Parked{std::string(soul), std::move(field)});
  scheduler_->add_timer(
      due_ms, [this, id] { due(id); }, owner_);
}

void DeferredFields::due(std::uint64_t id) {
  auto node_handle = parked_.extract(id);
  Parked& parked = node_handle.mapped();
  retry_(id, parked.soul, parked.field);
}

void DeferredFields::for_each(
    const std::function<void(std::string_view, const Field&)>& fn) const {
  for (const auto& [id, parked] : parked_) fn(parked.soul, parked.field);
}

}  // namespace gunpp::detail
