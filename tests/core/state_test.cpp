#include "gunpp/state.hpp"

#include <catch2/catch.hpp>

namespace gunpp {
namespace {

TEST_CASE("StateClock: whole ms, then ms + N/999 within one ms", "[state]") {
  ManualClock clock(1000);
  StateClock states(clock);
  CHECK(states.last() == kNoState);
  CHECK(states.next() == 1000);
  CHECK(states.next() == 1000 + 1.0 / 999);
  CHECK(states.next() == 1000 + 2.0 / 999);
  CHECK(states.last() == 1000 + 2.0 / 999);
  clock.advance(1);
  CHECK(states.next() == 1001);  // the counter resets
  CHECK(states.next() == 1001 + 1.0 / 999);
}

TEST_CASE("StateClock: fractional wall time is floored", "[state]") {
  ManualClock clock(1000.75);
  StateClock states(clock);
  CHECK(states.next() == 1000);
}

TEST_CASE("StateClock: the counter runs ahead of a stalled clock", "[state]") {
  ManualClock clock(5000);
  StateClock states(clock);
  State previous = states.next();
  for (int i = 0; i < 3000; ++i) {
    const State s = states.next();
    REQUIRE(s > previous);
    previous = s;
  }
  // 3000 calls in one millisecond leave the clock about 3 ms ahead.
  CHECK(previous == Approx(5000 + 3000.0 / 999));
  // Once the wall clock passes it, the counter resets.
  clock.advance(4);
  CHECK(states.next() == 5004);
}

TEST_CASE("StateClock: drift is added and the counter still resets",
          "[state]") {
  ManualClock clock(1000);
  StateClock states(clock, 50);
  CHECK(states.next() == 1050);
  CHECK(states.next() == 1050 + 1.0 / 999);
  clock.advance(1);
  CHECK(states.next() == 1051);

  StateClock behind(clock, -50);
  CHECK(behind.next() == 951);
  CHECK(behind.next() == 951 + 1.0 / 999);  // not the same state twice
}

TEST_CASE("ManualClock advances both readings", "[state]") {
  ManualClock clock(10);
  clock.advance(2.5);
  CHECK(clock.now_ms() == 12.5);
  CHECK(clock.monotonic() == std::chrono::microseconds(2500));
}

TEST_CASE("SystemClock reads whole milliseconds", "[state]") {
  SystemClock& clock = SystemClock::instance();
  const double now = clock.now_ms();
  CHECK(now > 1.6e12);  // after 2020
  CHECK(now == static_cast<double>(static_cast<long long>(now)));
  const auto a = clock.monotonic();
  CHECK(clock.monotonic() >= a);
}

}  // namespace
}  // namespace gunpp
