// Clocks and GUN's state clock.
//
// A state is a double: GUN's per-key timestamp, milliseconds since the Unix
// epoch plus a fractional counter. All time that gunpp reads goes through a
// Clock, so tests swap in a ManualClock and every time-dependent behaviour
// (deferral, timers, run_for budgets) becomes deterministic.
#ifndef GUNPP_STATE_HPP_
#define GUNPP_STATE_HPP_

#include <chrono>
#include <cstdint>
#include <limits>

namespace gunpp {

using State = double;

// The state of a key that does not exist: below every finite state.
inline constexpr State kNoState = -std::numeric_limits<double>::infinity();

// A duration on the scale of states and Clock::now_ms().
constexpr double to_ms(std::chrono::milliseconds duration) {
  return static_cast<double>(duration.count());
}

// Source of time. Implementations must be cheap to call.
// Thread safety: called only from the thread that pumps the Scheduler.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in milliseconds since the Unix epoch. Used for states and
  // for deciding when a deferred (future-state) update becomes due.
  virtual double now_ms() = 0;
  // Monotonic time, used only to measure pump budgets (Scheduler::run_for).
  virtual std::chrono::nanoseconds monotonic() = 0;
};

// The real clocks: whole milliseconds of std::chrono::system_clock (as
// JavaScript's Date.now()) and std::chrono::steady_clock.
class SystemClock final : public Clock {
 public:
  double now_ms() override;
  std::chrono::nanoseconds monotonic() override;
  // A process-wide instance; never destroyed.
  static SystemClock& instance();
};

// A clock that moves only when told to. Both readings advance together.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(double start_ms = 0) : now_ms_(start_ms) {}
  double now_ms() override { return now_ms_; }
  std::chrono::nanoseconds monotonic() override { return monotonic_; }

  // Moves time forward by `ms` (>= 0).
  void advance(double ms);

 private:
  double now_ms_;
  std::chrono::nanoseconds monotonic_{0};
};

// GUN's state clock: the current millisecond, and when the wall clock has not
// moved past the last state, last_ms + N/999 for an increasing N; plus drift.
//
//   t = floor(clock.now_ms())
//   if last < t + drift:  N = 0;  last = t + drift
//   else:                 N += 1; last = (t + N/999) + drift
//
// With drift 0 this is GUN.js's arithmetic exactly. GUN.js compares `last`
// with t instead of t + drift, which breaks any non-zero drift (the counter
// never resets, or resets on every call); gunpp compares with t + drift.
// Thread safety: not thread-safe; use from the pumping thread.
class StateClock {
 public:
  explicit StateClock(Clock& clock, double drift_ms = 0)
      : clock_(&clock), drift_ms_(drift_ms) {}

  // The next state; strictly greater than the previous one while the wall
  // clock does not go backwards.
  State next();

  // The last state next() returned, kNoState before the first call.
  State last() const { return last_; }

 private:
  Clock* clock_;
  double drift_ms_;
  State last_ = kNoState;
  std::uint64_t counter_ = 0;
};

}  // namespace gunpp

#endif  // GUNPP_STATE_HPP_
