// Committer: a store's writes on their way to its Storage. Converged and
// parked fields collect in one WriteBatch; a put's callback is held until
// the commit that holds its last field; the first storage error sticks:
// it fails the puts held and, through the store, every later write. An
// Unavailable error (a server that cannot be reached now) sticks only until
// recover() commits: the batch it failed is kept for that commit.
// Without storage nothing is batched and puts are acked at once. When to
// commit is the store's: after a run of turns, when its queue runs dry,
// for every put with Durability::kPerPut, and when it is destroyed.
#ifndef GUNPP_SRC_CORE_COMMITTER_HPP_
#define GUNPP_SRC_CORE_COMMITTER_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/graph_store.hpp"
#include "gunpp/storage.hpp"

namespace gunpp::detail {

class Committer {
 public:
  // `storage` may be nullptr (memory only). Exceptions thrown by the put
  // callbacks it fires are counted in `callback_exceptions`.
  Committer(Storage* storage, std::uint64_t& callback_exceptions)
      : storage_(storage), callback_exceptions_(&callback_exceptions) {}

  Storage* storage() const { return storage_; }
  // Called whenever a transient error is recorded (the store then plans a
  // recover()).
  void on_transient(std::function<void()> fn) { on_transient_ = std::move(fn); }
  bool failed() const { return !error_.is_ok(); }
  // The first storage error, or OK.
  const Status& error() const { return error_; }
  // Records `error` unless one is recorded already.
  void fail(Status error);
  // The error is Unavailable: recover() may clear it.
  bool transient() const { return error_.code() == Status::Code::kUnavailable; }
  // After a transient error: commits the batch kept (an empty one asks the
  // storage whether it answers). True, with the error cleared, when it
  // committed; else the error is the new one.
  bool recover();

  // Writes for the next commit; only with storage (the store checks, so
  // that a store without storage makes no copies for it).
  void put(std::string_view soul, Field field) {
    batch_.put(soul, std::move(field));
  }
  void park(std::uint64_t id, std::string_view soul, Field field) {
    batch_.park(id, soul, std::move(field));
  }
  void unpark(std::uint64_t id) { batch_.unpark(id); }
  // Writes wait for a commit.
  bool dirty() const { return !batch_.empty(); }

  // A put resolved its last field: without storage its callback fires now;
  // else it is held for the next commit. True when the storage wants that
  // commit at once (Durability::kPerPut).
  bool hold(PutCallback done, const PutSummary& summary);

  // One job turn ran: true when a group commit is due (the queue ran dry,
  // or `every` turns ran since the last commit).
  bool turn_ran(bool queue_dry, std::size_t every);

  // Commits the batch unless storage failed, and empties it (but for a
  // transient failure, see above). True when a commit succeeded.
  bool commit();
  // Fires the held callbacks with the storage's status (OK, or its error).
  void release();

 private:
  struct Held {
    PutCallback done;
    PutSummary summary;
  };

  Storage* storage_;
  std::uint64_t* callback_exceptions_;
  WriteBatch batch_;
  std::vector<Held> held_;
  Status error_;
  std::function<void()> on_transient_;
  std::size_t turns_ = 0;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_COMMITTER_HPP_
