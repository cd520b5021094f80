// Dedup: remembers recently seen message ids, so that a message that reaches
// a peer twice (through two relays, say) is processed once.
//
// Bounded like GUN.js's: at most `max_ids` ids, each for at most
// `max_age` after it was first seen; the oldest are forgotten first.
//
// Thread safety: none; use from the pumping thread.
#ifndef GUNPP_SRC_WIRE_DEDUP_HPP_
#define GUNPP_SRC_WIRE_DEDUP_HPP_

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

#include "gunpp/state.hpp"
#include "gunpp/wire/message.hpp"

namespace gunpp {

class Dedup {
 public:
  // `clock` must outlive the Dedup.
  explicit Dedup(Clock& clock, DedupOptions options = {});

  // True when `id` was seen within the last max_age and is still
  // remembered; otherwise remembers it and returns false. The age counts from
  // the first sighting.
  bool check_and_insert(std::string_view id);

  std::size_t size() const { return ids_.size(); }

 private:
  void forget_old(double now);

  Clock* clock_;
  DedupOptions options_;
  std::unordered_set<std::string> ids_;
  // Ids in the order first seen, with that time; points into ids_.
  std::deque<std::pair<const std::string*, double>> order_;
};

}  // namespace gunpp

#endif  // GUNPP_SRC_WIRE_DEDUP_HPP_
