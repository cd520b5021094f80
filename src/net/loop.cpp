#include <algorithm>
#include <optional>

#include "beast.hpp"
#include "gunpp/net.hpp"

namespace gunpp {

namespace {
// Scheduler turns run between two looks at the sockets, so a long ingest
// cannot starve I/O.
constexpr std::size_t kTurnsPerStep = 256;
// Longest single wait for I/O when the scheduler has nothing due.
constexpr std::chrono::milliseconds kMaxWait(100);
}  // namespace

struct NetLoop::State {
  State(Scheduler& s, net::asio::io_context* host)
      : scheduler(s),
        // Sockets and timers are used from the pumping thread only, so
        // the reactor takes no lock per operation; the scheduler keeps its
        // own, for the resolver's thread.
        own(host == nullptr ? std::make_unique<net::asio::io_context>(
                                  BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO)
                            : nullptr),
        io(host != nullptr ? *host : *own),
        work(net::asio::make_work_guard(io)) {}

  // One round: ready I/O, some turns, then a wait for I/O up to `limit` or
  // the next due timer.
  std::size_t step(std::chrono::milliseconds limit) {
    std::size_t done = io.poll();
    done += scheduler.poll(kTurnsPerStep);
    const std::optional<double> wake = scheduler.next_wakeup();
    auto wait = std::min(limit, kMaxWait);
    if (wake) {
      const double until = *wake - scheduler.clock().now_ms();
      if (until <= 0) return done;
      wait = std::min(
          wait, std::chrono::milliseconds(static_cast<long long>(until) + 1));
    }
    if (io.stopped()) io.restart();
    done += io.run_one_for(wait);
    return done;
  }

  Scheduler& scheduler;
  std::unique_ptr<net::asio::io_context> own;
  net::asio::io_context& io;
  net::asio::executor_work_guard<net::asio::io_context::executor_type> work;
  bool stopping = false;
};

NetLoop::NetLoop(Scheduler& scheduler)
    : state_(std::make_unique<State>(scheduler, nullptr)) {}
NetLoop::NetLoop(Scheduler& scheduler, boost::asio::io_context& io)
    : state_(std::make_unique<State>(scheduler, &io)) {}
NetLoop::~NetLoop() = default;

boost::asio::io_context& NetLoop::io() { return state_->io; }
Scheduler& NetLoop::scheduler() { return state_->scheduler; }

std::size_t NetLoop::poll() {
  return state_->io.poll() + state_->scheduler.poll(kTurnsPerStep);
}

void NetLoop::run_for(std::chrono::milliseconds budget) {
  state_->stopping = false;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  while (!state_->stopping) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    state_->step(left);
  }
}

void NetLoop::run() {
  state_->stopping = false;
  while (!state_->stopping) state_->step(kMaxWait);
}

void NetLoop::stop() { state_->stopping = true; }

}  // namespace gunpp
