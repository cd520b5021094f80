// Subscribers: the callbacks that watch converged fields, per soul and for
// every soul. Safe to re-enter: a callback may subscribe or unsubscribe.
#ifndef GUNPP_SRC_CORE_SUBSCRIBERS_HPP_
#define GUNPP_SRC_CORE_SUBSCRIBERS_HPP_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gunpp/graph_store.hpp"

namespace gunpp::detail {

class Subscribers {
 public:
  // Exceptions thrown by callbacks are counted in `callback_exceptions`,
  // which must outlive this object.
  explicit Subscribers(std::uint64_t& callback_exceptions)
      : callback_exceptions_(&callback_exceptions) {}

  // Watches `soul`, or every soul when it is nullopt.
  SubscriptionId add(std::optional<std::string> soul, ChangeCallback callback);
  // False for an unknown id. A removed callback is not called again, even
  // by a dispatch under way.
  bool remove(SubscriptionId id);
  // Calls the watchers of change.soul, then those of every soul. Callbacks
  // added meanwhile wait for the next change.
  void notify(const Change& change);

 private:
  struct Subscriber {
    SubscriptionId id;
    ChangeCallback callback;
    bool active;
  };

  void dispatch(std::deque<Subscriber>& subscribers, const Change& change);
  // Drops the removed subscribers of one list (nullopt: all_), and the list
  // of a soul once it is empty: O(that list), not O(every subscription).
  void compact(const std::optional<std::string>& soul);

  std::uint64_t* callback_exceptions_;
  std::unordered_map<std::string, std::deque<Subscriber>> by_soul_;
  std::deque<Subscriber> all_;
  std::unordered_map<SubscriptionId, std::optional<std::string>> soul_of_;
  SubscriptionId last_id_ = 0;
  int dispatch_depth_ = 0;
  // Lists with removed subscribers, compacted when no dispatch runs.
  std::vector<std::optional<std::string>> to_compact_;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_SUBSCRIBERS_HPP_
