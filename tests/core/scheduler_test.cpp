#include "gunpp/scheduler.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gunpp {
namespace {

using namespace std::chrono_literals;

TEST_CASE("Scheduler runs deferred tasks in FIFO order", "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock);
  std::string order;
  scheduler.enqueue([&] { order += 'a'; });
  scheduler.enqueue([&] {
    order += 'b';
    scheduler.enqueue([&] { order += 'd'; });  // goes behind c
  });
  scheduler.enqueue([&] { order += 'c'; });
  CHECK(scheduler.queued() == 3);
  CHECK(scheduler.poll(2) == 2);
  CHECK(order == "ab");
  CHECK(scheduler.run_until_idle() == 2);
  CHECK(order == "abcd");
  CHECK(scheduler.poll() == 0);
  CHECK_FALSE(scheduler.next_wakeup());
}

TEST_CASE("Scheduler timers fire when due, in due order", "[scheduler]") {
  ManualClock clock(100);
  Scheduler scheduler(clock);
  std::string order;
  scheduler.add_timer(150, [&] { order += '2'; });
  scheduler.add_timer(120, [&] { order += '1'; });
  const auto cancelled = scheduler.add_timer(130, [&] { order += 'x'; });
  scheduler.add_timer(150, [&] { order += '3'; });  // same due: FIFO
  CHECK(scheduler.timers() == 4);
  CHECK(scheduler.cancel_timer(cancelled));
  CHECK_FALSE(scheduler.cancel_timer(cancelled));
  CHECK_FALSE(scheduler.cancel_timer(12345));

  CHECK(scheduler.next_wakeup() == std::optional<double>(120));
  CHECK(scheduler.run_until_idle() == 0);
  clock.advance(20);
  CHECK(scheduler.next_wakeup() == std::optional<double>(120));
  CHECK(scheduler.run_until_idle() == 1);
  CHECK(order == "1");
  CHECK(scheduler.next_wakeup() == std::optional<double>(150));
  clock.advance(100);
  CHECK(scheduler.run_until_idle() == 2);
  CHECK(order == "123");
  CHECK_FALSE(scheduler.next_wakeup());
}

TEST_CASE("Due timers queue behind ready turns", "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock);
  std::string order;
  scheduler.add_timer(0, [&] { order += 't'; });
  scheduler.enqueue([&] {
    order += 'a';
    scheduler.enqueue([&] { order += 'b'; });
  });
  scheduler.run_until_idle();
  CHECK(order == "atb");
}

TEST_CASE("run_for stops once the monotonic budget is spent", "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock);
  int ran = 0;
  // Each task takes one simulated millisecond and queues the next.
  std::function<void()> step = [&] {
    ++ran;
    clock.advance(1);
    scheduler.enqueue(step);
  };
  scheduler.enqueue(step);
  CHECK(scheduler.run_for(5ms) == 5);
  CHECK(ran == 5);
  CHECK(scheduler.run_for(0ms) == 0);
  CHECK(scheduler.queued() == 1);
}

TEST_CASE("post hands work in from other threads", "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 1000;
  int sum = 0;  // touched only by the pumping thread
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        while (!scheduler.post([&] { ++sum; })) std::this_thread::yield();
      }
    });
  }
  int ran = 0;
  while (ran < kThreads * kPerThread) {
    scheduler.wait(10ms);
    ran += static_cast<int>(scheduler.poll());
  }
  for (auto& t : threads) t.join();
  CHECK(ran == kThreads * kPerThread);
  CHECK(sum == kThreads * kPerThread);
}

TEST_CASE("wait returns when work is posted", "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock);
  bool ran = false;
  std::thread poster([&] {
    std::this_thread::sleep_for(5ms);
    scheduler.post([&] { ran = true; });
  });
  scheduler.wait(std::chrono::hours(1));  // would hang if post did not wake it
  poster.join();
  CHECK(scheduler.poll() == 1);
  CHECK(ran);
}

TEST_CASE("post refuses work beyond max_posted", "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock, SchedulerOptions{.max_posted = 2});
  int ran = 0;
  CHECK(scheduler.post([&] { ++ran; }));
  CHECK(scheduler.post([&] { ++ran; }));
  CHECK_FALSE(scheduler.post([&] { ++ran; }));
  CHECK(scheduler.poll() == 2);
  CHECK(ran == 2);
  CHECK(scheduler.post([&] { ++ran; }));  // room again after pumping
}

TEST_CASE("cancel_owner drops an owner's turns and timers", "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock);
  const auto owner = scheduler.new_owner();
  const auto other = scheduler.new_owner();
  CHECK(owner != other);
  std::string order;
  scheduler.enqueue([&] { order += 'x'; }, owner);
  scheduler.enqueue([&] { order += 'a'; }, other);
  scheduler.add_timer(
      5, [&] { order += 'y'; }, owner);
  scheduler.add_timer(5, [&] { order += 'b'; });
  scheduler.cancel_owner(owner);
  CHECK(scheduler.timers() == 1);
  clock.advance(10);
  scheduler.run_until_idle();
  CHECK(order == "ab");
}

TEST_CASE("pumping from inside a task is refused", "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock);
  bool threw = false;
  scheduler.enqueue([&] {
    try {
      scheduler.poll();
    } catch (const std::logic_error&) {
      threw = true;
    }
  });
  scheduler.poll();
  CHECK(threw);
}

TEST_CASE("a throwing task propagates and leaves the scheduler usable",
          "[scheduler]") {
  ManualClock clock(0);
  Scheduler scheduler(clock);
  bool later = false;
  scheduler.enqueue([] { throw std::runtime_error("boom"); });
  scheduler.enqueue([&] { later = true; });
  CHECK_THROWS_AS(scheduler.poll(), std::runtime_error);
  CHECK(scheduler.poll() == 1);
  CHECK(later);
}

}  // namespace
}  // namespace gunpp
