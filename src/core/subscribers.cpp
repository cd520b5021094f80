#include "subscribers.hpp"

#include <utility>

#include "guarded_call.hpp"

namespace gunpp::detail {

SubscriptionId Subscribers::add(std::optional<std::string> soul,
                                ChangeCallback callback) {
  const SubscriptionId id = ++last_id_;
  auto& list = soul ? by_soul_[*soul] : all_;
  list.push_back(Subscriber{id, std::move(callback), true});
  soul_of_.emplace(id, std::move(soul));
  return id;
}

bool Subscribers::remove(SubscriptionId id) {
  auto it = soul_of_.find(id);
  if (it == soul_of_.end()) return false;
  auto& list = it->second ? by_soul_[*it->second] : all_;
  for (Subscriber& s : list) {
    if (s.id == id) s.active = false;
  }
  std::optional<std::string> soul = std::move(it->second);
  soul_of_.erase(it);
  if (dispatch_depth_ == 0) {
    compact(soul);
  } else {
    to_compact_.push_back(std::move(soul));
  }
  return true;
}

void Subscribers::compact(const std::optional<std::string>& soul) {
  auto inactive = [](const Subscriber& s) { return !s.active; };
  if (!soul) {
    std::erase_if(all_, inactive);
    return;
  }
  auto it = by_soul_.find(*soul);
  if (it == by_soul_.end()) return;
  std::erase_if(it->second, inactive);
  if (it->second.empty()) by_soul_.erase(it);
}

void Subscribers::notify(const Change& change) {
  if (by_soul_.empty() && all_.empty()) return;
  ++dispatch_depth_;
  if (auto it = by_soul_.find(std::string(change.soul)); it != by_soul_.end()) {
    dispatch(it->second, change);
  }
  dispatch(all_, change);
  --dispatch_depth_;
  if (dispatch_depth_ == 0 && !to_compact_.empty()) {
    std::vector<std::optional<std::string>> lists;
    lists.swap(to_compact_);
    for (const auto& soul : lists) compact(soul);
  }
}

void Subscribers::dispatch(std::deque<Subscriber>& subscribers,
                           const Change& change) {
  // Deque references survive push_back, and removal waits for compaction.
  const std::size_t n = subscribers.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (subscribers[i].active) {
      call_guarded(*callback_exceptions_, subscribers[i].callback, change);
    }
  }
}

}  // namespace gunpp::detail
