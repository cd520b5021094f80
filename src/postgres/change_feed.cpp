#include "gunpp/postgres/change_feed.hpp"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "pq.hpp"
#include "rows.hpp"

namespace gunpp {

namespace {

constexpr const char* kRead =
    "SELECT seq, origin, soul, key, kind, value, state, at FROM gunpp_changes "
    "WHERE seq > $1 ORDER BY seq LIMIT $2";

std::string int8_bytes(std::int64_t v) {
  std::string out;
  pg::append_int8(out, v);
  return out;
}

}  // namespace

class ChangeFeed::Impl {
 public:
  Impl(std::string uri, std::uint64_t skip, ApplyFn apply,
       const ChangeFeedOptions& options)
      : uri_(std::move(uri)),
        skip_(static_cast<std::int64_t>(skip)),
        apply_(std::move(apply)),
        options_(options),
        retry_(options.first_retry) {}

  // Connects and LISTENs; with `from_newest`, starts after the newest
  // change, else checks that nothing since last_seq was trimmed.
  Status connect(bool from_newest);
  void on_readable();
  std::chrono::milliseconds tick();
  void poll() {
    want_ = true;
    drain();
  }
  void sync(std::function<void()> done);

  int socket() const { return connected() ? conn_.socket() : -1; }
  bool connected() const { return conn_.connected(); }
  bool lost() const { return lost_; }
  const Status& status() const { return status_; }
  const ChangeFeedStats& stats() const { return stats_; }

 private:
  void drop(Status why);
  // Takes the results that arrived; sends the next read when one is wanted.
  void drain();
  void take(const pg::Result& rows);
  // Calls the waiters of sync(): the log is read up to where it stood when
  // they called, or it cannot be read now.
  void release(std::vector<std::function<void()>>& waiters);

  std::string uri_;
  std::int64_t skip_;
  ApplyFn apply_;
  ChangeFeedOptions options_;
  pg::Connection conn_;
  Status status_;
  ChangeFeedStats stats_;
  bool in_flight_ = false;
  bool want_ = false;
  bool lost_ = false;
  bool stalled_ = false;  // apply refused a batch: wait for tick()
  // sync()'s waiters: for the next read sent, and for the reads under way.
  std::vector<std::function<void()>> waiting_;
  std::vector<std::function<void()>> reading_;
  std::chrono::milliseconds retry_;
  std::chrono::steady_clock::time_point next_attempt_{};
};

Status ChangeFeed::Impl::connect(bool from_newest) {
  Status s = conn_.connected() ? Status::ok() : conn_.connect(uri_);
  if (!s) return s;
  pg::Result r = conn_.exec("LISTEN gunpp_changes");
  if (!r.ok()) return conn_.error(r, "cannot listen");
  r = conn_.exec(
      "SELECT (SELECT value::bigint FROM gunpp_meta WHERE name = "
      "'trimmed_through'), (SELECT coalesce(max(seq), 0) FROM gunpp_changes)",
      {});
  if (!r.ok()) {
    if (r.sqlstate() == "42P01") {
      return Status::corruption(conn_.where() +
                                ": not a gunpp database (no gunpp_meta)");
    }
    return conn_.error(r, "cannot read the change log");
  }
  const std::int64_t trimmed = r.is_null(0, 0) ? 0 : r.int8(0, 0);
  if (from_newest) {
    stats_.last_seq = static_cast<std::uint64_t>(r.int8(0, 1));
  } else if (trimmed > static_cast<std::int64_t>(stats_.last_seq)) {
    lost_ = true;
  }
  ++stats_.connections;
  status_ = Status::ok();
  retry_ = options_.first_retry;
  want_ = true;
  drain();
  return Status::ok();
}

void ChangeFeed::Impl::drop(Status why) {
  conn_.close();
  status_ = std::move(why);
  in_flight_ = false;
  next_attempt_ = std::chrono::steady_clock::now() + retry_;
  release(reading_);
  release(waiting_);
}

void ChangeFeed::Impl::release(std::vector<std::function<void()>>& waiters) {
  auto now = std::exchange(waiters, {});
  for (auto& done : now) done();
}

void ChangeFeed::Impl::sync(std::function<void()> done) {
  if (!conn_.connected() || stalled_) {
    done();
    return;
  }
  waiting_.push_back(std::move(done));
  want_ = true;
  drain();
}

void ChangeFeed::Impl::on_readable() {
  if (!conn_.consume()) {
    drop(Status::unavailable(conn_.where() +
                             ": connection lost: " + conn_.last_error()));
    return;
  }
  // A notification may come in the same read as a result, and libpq
  // parses it only once the result is taken: look again after each drain.
  bool woken = conn_.notified();
  while (true) {
    if (woken) {
      ++stats_.notifications;
      want_ = true;
    }
    drain();
    woken = conn_.connected() && conn_.notified();
    if (!woken) break;
  }
}

void ChangeFeed::Impl::drain() {
  while (in_flight_ && !conn_.busy()) {
    std::optional<pg::Result> r = conn_.next_result();
    if (!r) {
      in_flight_ = false;
      break;
    }
    if (r->ok()) {
      take(*r);
    } else if (!conn_.connected()) {
      drop(conn_.error(*r, "cannot read the change log"));
      return;
    } else {
      status_ = conn_.error(*r, "cannot read the change log");
      want_ = true;  // the next notification or tick tries again
    }
  }
  if (!in_flight_ && (!want_ || stalled_)) release(reading_);
  if (stalled_) release(waiting_);
  if (in_flight_ || !want_ || !conn_.connected()) return;
  want_ = false;
  reading_.insert(reading_.end(), std::make_move_iterator(waiting_.begin()),
                  std::make_move_iterator(waiting_.end()));
  waiting_.clear();
  const std::string after =
      int8_bytes(static_cast<std::int64_t>(stats_.last_seq));
  const std::string limit =
      int8_bytes(static_cast<std::int64_t>(options_.batch));
  if (conn_.send(kRead, {{after}, {limit}})) {
    in_flight_ = true;
  } else {
    drop(Status::unavailable(
        conn_.where() + ": cannot read the change log: " + conn_.last_error()));
  }
}

void ChangeFeed::Impl::take(const pg::Result& rows) {
  const ChangeFeedStats before = stats_;
  Graph changes;
  std::string soul;
  Field field;
  for (int i = 0; i < rows.rows(); ++i) {
    stats_.last_seq = static_cast<std::uint64_t>(rows.int8(i, 0));
    const double now_s =
        std::chrono::duration<double>(
            std::chrono::system_clock::now().time_since_epoch())
            .count();
    stats_.lag_seconds = std::max(0.0, now_s - rows.float8(i, 7));
    if (rows.int8(i, 1) == skip_) {
      ++stats_.skipped;
      continue;
    }
    if (!pg::read_soul(rows, i, 2, conn_.where(), soul) ||
        !pg::read_field(rows, i, 3, conn_.where(), soul, field)) {
      continue;  // not gunpp's rows: nothing of them can be applied
    }
    changes.add(soul, std::move(field.key), std::move(field.value),
                field.state);
    ++stats_.changes;
  }
  if (rows.rows() == static_cast<int>(options_.batch)) want_ = true;
  if (!changes.empty() && !apply_(std::move(changes))) {
    stats_ = before;
    want_ = false;
    stalled_ = true;
  }
}

std::chrono::milliseconds ChangeFeed::Impl::tick() {
  constexpr std::chrono::milliseconds kConnected(1000);
  constexpr std::chrono::milliseconds kStalled(50);
  if (conn_.connected()) {
    if (!std::exchange(stalled_, false)) return kConnected;
    want_ = true;
    drain();
    return kStalled;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) {
    return std::chrono::ceil<std::chrono::milliseconds>(next_attempt_ - now);
  }
  ++stats_.reconnects;
  if (Status s = connect(false); !s) {
    retry_ = std::min(retry_ * 2, options_.max_retry);
    drop(std::move(s));
    return retry_;
  }
  return kConnected;
}

ChangeFeed::ChangeFeed(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChangeFeed::~ChangeFeed() = default;

Result<std::unique_ptr<ChangeFeed>> ChangeFeed::open(
    const std::string& uri, std::uint64_t skip_origin, ApplyFn apply,
    const ChangeFeedOptions& options) {
  auto impl =
      std::make_unique<Impl>(uri, skip_origin, std::move(apply), options);
  if (Status s = impl->connect(true); !s) return s;
  return std::unique_ptr<ChangeFeed>(new ChangeFeed(std::move(impl)));
}

int ChangeFeed::socket() const { return impl_->socket(); }
void ChangeFeed::on_readable() { impl_->on_readable(); }
std::chrono::milliseconds ChangeFeed::tick() { return impl_->tick(); }
void ChangeFeed::poll() { impl_->poll(); }
void ChangeFeed::sync(std::function<void()> done) {
  impl_->sync(std::move(done));
}
bool ChangeFeed::connected() const { return impl_->connected(); }
bool ChangeFeed::lost() const { return impl_->lost(); }
const Status& ChangeFeed::status() const { return impl_->status(); }
const ChangeFeedStats& ChangeFeed::stats() const { return impl_->stats(); }

}  // namespace gunpp
