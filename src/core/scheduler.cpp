#include "gunpp/scheduler.hpp"

#include <stdexcept>

namespace gunpp {

Scheduler::Scheduler(Clock& clock, SchedulerOptions options)
    : clock_(&clock), options_(options) {}

Scheduler::~Scheduler() = default;

void Scheduler::enqueue(Task task, OwnerId owner) {
  ready_.push_back(QueuedTask{std::move(task), owner});
}

Scheduler::TimerId Scheduler::add_timer(double due_ms, Task task,
                                        OwnerId owner) {
  const TimerId id = ++last_timer_;
  timers_.emplace(TimerKey{due_ms, id}, QueuedTask{std::move(task), owner});
  timer_due_.emplace(id, due_ms);
  return id;
}

Scheduler::TimerId Scheduler::add_timer_after(std::chrono::milliseconds delay,
                                              Task task, OwnerId owner) {
  return add_timer(clock_->now_ms() + to_ms(delay), std::move(task), owner);
}

bool Scheduler::cancel_timer(TimerId id) {
  auto it = timer_due_.find(id);
  if (it == timer_due_.end()) return false;
  timers_.erase(TimerKey{it->second, id});
  timer_due_.erase(it);
  return true;
}

void Scheduler::cancel_owner(OwnerId owner) {
  if (owner == 0) return;
  std::erase_if(ready_,
                [owner](const QueuedTask& e) { return e.owner == owner; });
  for (auto it = timers_.begin(); it != timers_.end();) {
    if (it->second.owner == owner) {
      timer_due_.erase(it->first.id);
      it = timers_.erase(it);
    } else {
      ++it;
    }
  }
}

bool Scheduler::post(Task task) {
  {
    std::lock_guard lock(inbox_mutex_);
    if (inbox_.size() >= options_.max_posted) return false;
    inbox_.push_back(std::move(task));
    inbox_nonempty_.store(true, std::memory_order_release);
  }
  inbox_cv_.notify_all();
  return true;
}

bool Scheduler::collect_ready() {
  if (inbox_nonempty_.load(std::memory_order_acquire)) {
    std::lock_guard lock(inbox_mutex_);
    for (auto& task : inbox_) ready_.push_back(QueuedTask{std::move(task), 0});
    inbox_.clear();
    inbox_nonempty_.store(false, std::memory_order_relaxed);
  }
  if (!timers_.empty()) {
    const double now = clock_->now_ms();
    while (!timers_.empty() && timers_.begin()->first.due_ms <= now) {
      auto node = timers_.extract(timers_.begin());
      timer_due_.erase(node.key().id);
      ready_.push_back(std::move(node.mapped()));
    }
  }
  return !ready_.empty();
}

std::size_t Scheduler::pump(std::size_t max_tasks,
                            std::optional<std::chrono::nanoseconds> deadline) {
  if (pumping_) {
    throw std::logic_error("gunpp::Scheduler: pump called from inside a task");
  }
  pumping_ = true;
  struct Reset {
    bool* flag;
    ~Reset() { *flag = false; }
  } reset{&pumping_};

  std::size_t ran = 0;
  while (ran < max_tasks && collect_ready()) {
    if (deadline && clock_->monotonic() >= *deadline) break;
    Task task = std::move(ready_.front().task);
    ready_.pop_front();
    ++ran;
    task();
  }
  return ran;
}

std::size_t Scheduler::poll(std::size_t max_tasks) {
  return pump(max_tasks, std::nullopt);
}

std::size_t Scheduler::run_for(std::chrono::nanoseconds budget) {
  return pump(kUnlimited, clock_->monotonic() + budget);
}

std::optional<double> Scheduler::next_wakeup() {
  if (collect_ready()) return clock_->now_ms();
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.due_ms;
}

void Scheduler::wait(std::chrono::nanoseconds max_wait) {
  std::unique_lock lock(inbox_mutex_);
  inbox_cv_.wait_for(lock, max_wait, [this] { return !inbox_.empty(); });
}

std::size_t Scheduler::queued() const {
  std::lock_guard lock(inbox_mutex_);
  return ready_.size() + inbox_.size();
}

}  // namespace gunpp
