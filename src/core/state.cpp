#include "gunpp/state.hpp"

#include <cmath>

namespace gunpp {

double SystemClock::now_ms() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return static_cast<double>(
      duration_cast<milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::chrono::nanoseconds SystemClock::monotonic() {
  return std::chrono::steady_clock::now().time_since_epoch();
}

SystemClock& SystemClock::instance() {
  static auto* clock = new SystemClock();
  return *clock;
}

void ManualClock::advance(double ms) {
  now_ms_ += ms;
  monotonic_ += std::chrono::nanoseconds(static_cast<std::int64_t>(ms * 1e6));
}

State StateClock::next() {
  const double t = std::floor(clock_->now_ms());
  if (last_ < t + drift_ms_) {
    counter_ = 0;
    last_ = t + drift_ms_;
  } else {
    ++counter_;
    last_ = (t + static_cast<double>(counter_) / 999) + drift_ms_;
  }
  return last_;
}

}  // namespace gunpp
