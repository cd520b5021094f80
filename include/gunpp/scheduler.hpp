// Scheduler: the cooperative loop that the host application pumps.
//
// gunpp starts no threads. All of its work is cut into short tasks ("turns")
// on a FIFO queue, plus timers on a time-ordered queue; the host runs them by
// calling one of the pump functions, in the style of asio's io_context:
//
//   poll(n)          runs up to n ready tasks (all of them by default)
//   run_until_idle() runs until nothing is ready (pending timers may remain)
//   run_for(budget)  runs ready tasks until the budget of monotonic time is
//                    spent (checked between tasks) or nothing is ready
//   next_wakeup()    when something will next be ready, so the host can sleep
//   wait(max)        blocks until post() hands in work or `max` elapses
//
// A task is ready when it is queued, or when it is a timer whose due time
// (Clock::now_ms()) has come; due timers join the back of the FIFO in due
// order, so timers and turns interleave fairly.
//
// Thread safety: post() and wait() may be called from any thread. Everything
// else must be called from the single thread that pumps ("the pumping
// thread"). Pump functions are not reentrant: calling one from inside a task
// throws std::logic_error.
//
// Exceptions, the one rule for every layer:
//  - a task the host hands the scheduler itself (post, enqueue, add_timer)
//    is the host's: an exception it throws propagates out of the pump, as
//    from asio's io_context::run(); the task has already been removed and
//    the scheduler stays usable.
//  - a callback the host hands a gunpp component (the store's put, change
//    and chunk callbacks, the mesh's put and fetch outcomes and log, the
//    net layer's log) is called guarded: an exception it throws is caught,
//    counted where the component keeps stats (GraphStore::stats() and
//    Mesh::stats(), callback_exceptions) and dropped, so the component's
//    state stays whole. Nothing a callback throws
//    leaves a gunpp call or destructor, so none ends the process.
#ifndef GUNPP_SCHEDULER_HPP_
#define GUNPP_SCHEDULER_HPP_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "gunpp/state.hpp"

namespace gunpp {

struct SchedulerOptions {
  // Most tasks post() may hold before they are pumped; post() refuses more.
  std::size_t max_posted = 65536;
};

class Scheduler {
 public:
  using Task = std::function<void()>;
  using TimerId = std::uint64_t;
  // Tags tasks so that an owner (e.g. a GraphStore) can cancel all of its
  // pending work when it goes away. 0 means "no owner".
  using OwnerId = std::uint64_t;

  static constexpr std::size_t kUnlimited =
      std::numeric_limits<std::size_t>::max();

  // `clock` must outlive the scheduler.
  explicit Scheduler(Clock& clock = SystemClock::instance(),
                     SchedulerOptions options = {});
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  Clock& clock() const { return *clock_; }

  // Pumping thread. Queues `task` at the back of the FIFO.
  void enqueue(Task task, OwnerId owner = 0);

  // Pumping thread. Runs `task` once Clock::now_ms() >= due_ms. Returns an id
  // for cancel_timer().
  TimerId add_timer(double due_ms, Task task, OwnerId owner = 0);
  // Pumping thread. As add_timer(), due `delay` from Clock::now_ms().
  TimerId add_timer_after(std::chrono::milliseconds delay, Task task,
                          OwnerId owner = 0);

  // Pumping thread. Removes a timer that has not become ready yet; returns
  // false if it is unknown, already ready or already run.
  bool cancel_timer(TimerId id);

  // Pumping thread. A fresh owner id, and the removal of every task and timer
  // tagged with one. Removed tasks are destroyed without running.
  OwnerId new_owner() { return ++last_owner_; }
  void cancel_owner(OwnerId owner);

  // Any thread. Hands `task` to the pumping thread, which runs it in FIFO
  // order with the other tasks. Returns false, and drops the task, when
  // max_posted tasks are already waiting.
  bool post(Task task);

  // Pump functions (pumping thread, not reentrant). Each returns the number
  // of tasks it ran.
  std::size_t poll(std::size_t max_tasks = kUnlimited);
  std::size_t run_until_idle() { return poll(kUnlimited); }
  std::size_t run_for(std::chrono::nanoseconds budget);

  // When the next task will be ready: now if one is ready, else the due time
  // of the earliest timer (Clock::now_ms() scale), nullopt when there is no
  // work at all.
  std::optional<double> next_wakeup();

  // Any thread. Blocks until post() is called or `max_wait` (real time)
  // elapses; returns at once when work was posted and not yet pumped. Meant
  // for hosts that sleep until next_wakeup().
  void wait(std::chrono::nanoseconds max_wait);

  // Tasks queued now (ready or posted), and timers pending.
  std::size_t queued() const;
  std::size_t timers() const { return timers_.size(); }

 private:
  struct QueuedTask {
    Task task;
    OwnerId owner;
  };
  struct TimerKey {
    double due_ms;
    TimerId id;
    friend auto operator<=>(const TimerKey&, const TimerKey&) = default;
  };

  // Moves posted tasks and due timers into ready_. Returns false when
  // nothing is ready afterwards.
  bool collect_ready();
  std::size_t pump(std::size_t max_tasks,
                   std::optional<std::chrono::nanoseconds> deadline);

  Clock* clock_;
  SchedulerOptions options_;
  std::deque<QueuedTask> ready_;
  std::map<TimerKey, QueuedTask> timers_;
  std::unordered_map<TimerId, double> timer_due_;
  TimerId last_timer_ = 0;
  OwnerId last_owner_ = 0;
  bool pumping_ = false;

  mutable std::mutex inbox_mutex_;
  std::condition_variable inbox_cv_;
  std::deque<Task> inbox_;
  std::atomic<bool> inbox_nonempty_{false};
};

}  // namespace gunpp

#endif  // GUNPP_SCHEDULER_HPP_
