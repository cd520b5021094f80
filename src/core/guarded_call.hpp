// Calling user callbacks from the pump without letting them break it.
#ifndef GUNPP_SRC_CORE_GUARDED_CALL_HPP_
#define GUNPP_SRC_CORE_GUARDED_CALL_HPP_

#include <cstdint>
#include <utility>

namespace gunpp::detail {

// Calls `callback(args...)` when it is set; an exception it throws is counted
// in `exceptions` and otherwise dropped.
template <typename F, typename... Args>
void call_guarded(std::uint64_t& exceptions, const F& callback,
                  Args&&... args) {
  if (!callback) return;
  try {
    callback(std::forward<Args>(args)...);
  } catch (...) {
    ++exceptions;
  }
}

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_GUARDED_CALL_HPP_
