// ChangeFeed: the changes other processes commit to a PostgreSQL database
// (gunpp/postgres/postgres_storage.hpp), as they are committed.
//
//   auto feed = gunpp::ChangeFeed::open(uri, db->origin(),
//       [&](gunpp::Graph changes) {
//         return store.merge_committed(std::move(changes)).is_ok();
//       });
//   // watch feed->socket() for readability and call feed->on_readable();
//   // call feed->tick() again after the wait it returns (it reconnects);
//   // after any call, watch the socket anew if it is another connection's
//
// The feed LISTENs on the database's channel; on each notification it reads
// the change log from the last sequence it has seen, in commit order, and
// hands the changes to `apply` a batch at a time, skipping those whose
// origin is `skip_origin` (the process's own commits, already in its
// cache). It starts at the newest change when opened: a store whose cache
// is empty needs none of the older ones.
//
// Faults: when the connection breaks, socket() is -1 until tick()
// reconnects (with backoff); it then catches up from the last sequence
// seen, so no change is lost while away, unless the log was trimmed past it
// meanwhile (PostgresOptions::keep_changes): lost() is then true, and the
// store's cache may be stale for good (the relay exits so that it restarts
// with an empty one).
//
// Thread safety: one thread, the one that pumps the store. on_readable()
// never blocks; tick() blocks for a reconnect's round trips.
#ifndef GUNPP_POSTGRES_CHANGE_FEED_HPP_
#define GUNPP_POSTGRES_CHANGE_FEED_HPP_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gunpp/graph.hpp"
#include "gunpp/status.hpp"

namespace gunpp {

struct ChangeFeedOptions {
  // Changes read from the log per query (and handed to apply at once).
  std::size_t batch = 4096;
  // Waits between reconnection attempts: the first, doubling to the last.
  std::chrono::milliseconds first_retry{100};
  std::chrono::milliseconds max_retry{2000};
};

struct ChangeFeedStats {
  std::uint64_t changes = 0;        // handed to apply
  std::uint64_t skipped = 0;        // of skip_origin
  std::uint64_t notifications = 0;  // wake-ups from the database
  std::uint64_t reconnects = 0;     // attempts
  // Connections made, the first included: each one has a new socket(),
  // though its number may be the last one's.
  std::uint64_t connections = 0;
  std::uint64_t last_seq = 0;  // the newest change seen
  // From the newest change's commit to its read here (the database's clock
  // against this machine's).
  double lag_seconds = 0;
};

class ChangeFeed {
 public:
  // Takes a batch of changes; false when it cannot now (e.g. the store
  // refuses writes): the feed reads them again from the log at its next
  // tick().
  using ApplyFn = std::function<bool(Graph changes)>;

  // Connects, LISTENs, and starts after the newest change. Errors as
  // PostgresStorage::open(), and Corruption when the database is not
  // gunpp's.
  static Result<std::unique_ptr<ChangeFeed>> open(
      const std::string& uri, std::uint64_t skip_origin, ApplyFn apply,
      const ChangeFeedOptions& options = {});

  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;
  ~ChangeFeed();

  // The connection's socket while connected, else -1. Any call may close
  // it (on_readable(), tick(), poll(), sync()); tick() may open another,
  // stats().connections telling them apart.
  int socket() const;
  // Reads what the server sent and goes on reading the log; call when
  // socket() is readable.
  void on_readable();
  // Reconnects when disconnected and due. Returns when to call it next.
  std::chrono::milliseconds tick();
  // Reads the log now, as a notification would.
  void poll();
  // Calls `done` once every change committed before this call has been
  // handed to apply (at once when there is none), or at once when the log
  // cannot be read now (disconnected, or apply refusing changes). From
  // on_readable() or tick(), or within this call.
  void sync(std::function<void()> done);

  bool connected() const;
  // The log was trimmed past the last change seen: changes are lost.
  bool lost() const;
  // Why the feed is disconnected (OK while connected).
  const Status& status() const;
  const ChangeFeedStats& stats() const;

  class Impl;

 private:
  explicit ChangeFeed(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gunpp

#endif  // GUNPP_POSTGRES_CHANGE_FEED_HPP_
