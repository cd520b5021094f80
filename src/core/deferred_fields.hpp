// DeferredFields: fields from the future (HAM's first rule), parked until
// their state comes due and then handed back for another round of HAM.
#ifndef GUNPP_SRC_CORE_DEFERRED_FIELDS_HPP_
#define GUNPP_SRC_CORE_DEFERRED_FIELDS_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gunpp/graph.hpp"
#include "gunpp/scheduler.hpp"

namespace gunpp::detail {

class DeferredFields {
 public:
  // Receives a parked field, with the id it was parked under, when its wait
  // is over.
  using Retry = std::function<void(std::uint64_t id, std::string_view soul,
                                   Field& field)>;

  // Timers are added to `scheduler` under `owner`; a single wait lasts at
  // most `max_wait_ms`, after which the field is retried (and, still from
  // the future, parked again).
  DeferredFields(Scheduler& scheduler, Scheduler::OwnerId owner,
                 double max_wait_ms, Retry retry);

  // Parks `field` of `soul`, whose state is after `now`, and returns the id
  // it is parked under (never reused by this object).
  std::uint64_t park(std::string_view soul, Field field, double now);

  // Parks a field read back from storage under the id it had there.
  void restore(std::uint64_t id, std::string_view soul, Field field,
               double now);

  std::size_t size() const { return parked_.size(); }

  // Room set aside for the future fields of puts still queued, so that a put
  // admitted under StoreOptions::max_deferred can always park them.
  std::size_t reserved() const { return reserved_; }
  void reserve(std::size_t n) { reserved_ += n; }
  void release(std::size_t n) { reserved_ -= n; }

  void for_each(
      const std::function<void(std::string_view, const Field&)>& fn) const;

 private:
  struct Parked {
    std::string soul;
    Field field;
  };

  void add(std::uint64_t id, std::string_view soul, Field field, double now);
  void due(std::uint64_t id);

  Scheduler* scheduler_;
  Scheduler::OwnerId owner_;
  double max_wait_ms_;
  Retry retry_;
  std::unordered_map<std::uint64_t, Parked> parked_;
  std::uint64_t last_id_ = 0;
  std::size_t reserved_ = 0;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_DEFERRED_FIELDS_HPP_
