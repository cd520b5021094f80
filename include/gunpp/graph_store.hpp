// GraphStore: an in-memory GUN graph that merges updates with HAM.
//
//   gunpp::ManualClock clock(1000);        // or SystemClock::instance()
//   gunpp::Scheduler scheduler(clock);
//   gunpp::GraphStore store(scheduler);
//   store.write("alice", {{"name", "Alice"}, {"age", 42}});
//   scheduler.run_until_idle();
//   store.get("alice", "age")->value.as_number();   // 42
//
// Writes are cut into turns. put() validates a delta whole, queues an ingest
// job and returns; each scheduler turn, the job feeds at most
// StoreOptions::keys_per_turn fields to HAM and yields. A job remembers where
// it stopped (node index, field index), so resuming costs O(1) and a put of n
// fields costs O(n) in total. Jobs interleave turn by turn in FIFO order, so
// a huge put never starves a small one.
//
// Thread safety: a GraphStore belongs to the thread that pumps its
// Scheduler; call every member from that thread (other threads hand work in
// through Scheduler::post). Callbacks run on that thread, from inside the
// pump, never from inside the call that registered them.
//
// Callbacks may call back into the store (put, write, get, read, subscribe,
// unsubscribe), but must not destroy it. An exception thrown by a callback is
// caught, counted in Stats::callback_exceptions and dropped (scheduler.hpp's
// rule), so a bad subscriber cannot break the merge.
//
// Lifetime of what reads return: a `const Node*` or `const Node&` handed out
// by the store (get, for_each_node, Chunk, Change) is valid until the store
// runs its next turn, and no longer: a store with a node cache may evict a
// node between turns. Use it at once, inside the same turn or callback, or
// copy what you need (get(soul, key) returns a copy). The store itself keeps
// souls, never node pointers, across turns.
//
// Storage (StoreOptions::storage, gunpp/storage.hpp): converged and parked
// fields are committed in groups, reads of a soul not in memory load it, parked
// fields are restored when the store is constructed, and a put is acked only
// once committed. The first storage error is sticky (storage_status()):
// from then on put() and write() return it, and pending puts fail with it;
// an Unavailable error lasts only until the storage answers again.
#ifndef GUNPP_GRAPH_STORE_HPP_
#define GUNPP_GRAPH_STORE_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/graph.hpp"
#include "gunpp/key_range.hpp"
#include "gunpp/node.hpp"
#include "gunpp/options.hpp"
#include "gunpp/scheduler.hpp"
#include "gunpp/state.hpp"
#include "gunpp/status.hpp"
#include "gunpp/value.hpp"

namespace gunpp {

// What a put did with its fields, once each has been through HAM once.
struct PutSummary {
  std::size_t applied = 0;   // converged: the store now holds them
  std::size_t ignored = 0;   // historical, lost the tie, or had key ""
  std::size_t deferred = 0;  // from the future: retried by timer when due

  friend bool operator==(const PutSummary&, const PutSummary&) = default;
};

// Called exactly once per accepted put: with OK and the summary after its
// last field was resolved (with storage: after the commit that holds it), or
// with Cancelled (and the counts so far) when the store is destroyed first,
// or with the storage error when storage failed before its commit.
using PutCallback = std::function<void(const Status&, const PutSummary&)>;

// A field that converged. The views are valid during the callback only.
struct Change {
  std::string_view soul;
  std::string_view key;
  const Value& value;
  State state;
};
using ChangeCallback = std::function<void(const Change&)>;

// One chunk of a chunked read: the given slots of `node`, in reading order.
// Valid during the callback only.
struct Chunk {
  std::string_view soul;
  const Node& node;
  std::span<const std::size_t> slots;
  bool last;  // no chunk follows
};

using ChunkCallback = std::function<void(const Chunk&)>;

// The current value and state of one field.
struct Entry {
  Value value;
  State state;

  friend bool operator==(const Entry&, const Entry&) = default;
};

// Counters for tests, benchmarks and observability.
struct Stats {
  std::uint64_t keys_visited = 0;   // fields fed to HAM (first try + retries)
  std::uint64_t ingest_turns = 0;   // turns run by ingest jobs
  std::uint64_t read_turns = 0;     // turns run by chunked reads
  std::uint64_t reclaim_turns = 0;  // turns freeing large finished puts
  std::uint64_t applied = 0;
  std::uint64_t ignored = 0;
  std::uint64_t deferrals = 0;  // times a field was (re)deferred
  std::uint64_t callback_exceptions = 0;
  std::uint64_t commits = 0;     // group commits that reached storage
  std::uint64_t node_loads = 0;  // nodes read from storage into memory
  std::uint64_t load_turns = 0;  // turns spent loading nodes too large for one
  std::uint64_t evictions = 0;   // nodes dropped from memory (still stored)
};

using SubscriptionId = std::uint64_t;

namespace detail {
class StoreAccess;
}  // namespace detail

class GraphStore {
 public:
  // `scheduler` (and its clock) must outlive the store.
  explicit GraphStore(Scheduler& scheduler, StoreOptions options = {});
  GraphStore(const GraphStore&) = delete;
  GraphStore& operator=(const GraphStore&) = delete;
  // Cancels the store's queued turns and timers; pending put callbacks fire
  // with Cancelled (and must not call into the store), pending reads and
  // deferred fields are dropped (parked ones stay in storage). With storage,
  // what converged is committed first, and the puts it completes are acked.
  ~GraphStore();

  // Merges a delta whose fields carry explicit states (e.g. from a remote
  // peer). Validates the whole delta first, in O(fields), and queues it.
  //
  // Errors (returned at once; nothing is applied or queued and `done` is not
  // called):
  //  - InvalidArgument, naming soul and key: empty soul; soul, key or string
  //    value longer than its StoreOptions bound or not valid UTF-8; a state
  //    that is not a finite number.
  //  - ResourceExhausted: more than max_put_fields fields; max_pending_jobs
  //    jobs already queued; its future-state fields would exceed
  //    max_deferred.
  //  - The storage error, once storage has failed (see storage_status()).
  //  - StoreOptions::verifier's error (SEA: Unauthenticated, naming soul, key
  //  and
  //    reason) when it refuses the delta.
  // A field with key "" is dropped and counted as ignored, as GUN.js drops
  // it. On OK, `done` (if any) fires exactly once, from the pump.
  Status put(Graph delta, PutCallback done = {});

  // Merges fields that storage holds already because another store
  // committed them (a cluster's ChangeFeed, gunpp/postgres/change_feed.hpp):
  // HAM and subscribers as put(), but nothing is written back to storage
  // and the verifier is not asked (the store that committed them did).
  // Errors as put(), but for the verifier's; `done` as put()'s.
  Status merge_committed(Graph delta, PutCallback done = {});

  // A local write: stamps every field with one state from the state clock
  // (as one GUN chain put) and merges it through put(). Same errors as
  // put(), and additionally InvalidArgument for an empty key.
  Status write(std::string_view soul,
               std::vector<std::pair<std::string, Value>> fields,
               PutCallback done = {});

  // The next state of the store's state clock (GUN's ms + N/999), as write()
  // stamps a local write; for layers that build deltas of local writes.
  State next_state();

  // The node `soul`, or nullptr. Valid until the store runs its next turn
  // (see the lifetime note at the top of this file). With storage, a soul
  // not in memory is loaded whole within this call, however large (nullptr
  // too when that load fails); read() loads it across turns instead.
  const Node* get(std::string_view soul) const;

  // The field `key` of `soul`, or nullopt when either is absent. With
  // storage, a soul not in memory is not loaded: the one field is read.
  std::optional<Entry> get(std::string_view soul, std::string_view key) const;

  // Walks node `soul` in slot order, one chunk of at most keys_per_chunk
  // fields per turn (or `keys_per_chunk` when given), up to the fields it had
  // when read() was called; each turn looks the node up again by its soul.
  // `on_chunk` sees every chunk, the last one with `last` set. Returns
  // NotFound when the soul is absent, ResourceExhausted when
  // max_pending_jobs jobs are queued (no callback in either case).
  // `keys_per_chunk` 0 means StoreOptions::keys_per_chunk.
  //
  // With storage, a node not in memory is loaded first: at once when it has
  // fewer than StoreOptions::load_fields_per_turn fields, else over the next
  // turns, that many a turn; the read's chunks follow, from the fields the
  // node has once loaded. Should such a read find nothing (a LEX read whose
  // range matches no key, or a load that fails), `on_chunk` is called once
  // with no slots and `last` set.
  Status read(std::string_view soul, ChunkCallback on_chunk,
              std::size_t keys_per_chunk = 0);

  // A LEX read: the fields of `soul` whose keys `range` matches, in UTF-16
  // key order, selected when called (or once loaded, see above) and handed
  // out in chunks as read() does. `byte_budget` is GUN's "%": fields are taken
  // in key order until their size reaches it, counting a string value's length
  // in bytes and 9 for any other value (the field that reaches it is included);
  // 0 takes them all. NotFound when the soul is absent or no key matches;
  // ResourceExhausted as read(); InvalidArgument when a string of `range` is
  // not UTF-8 (no callback in any of these cases).
  Status read(std::string_view soul, const KeyRange& range,
              std::size_t byte_budget, ChunkCallback on_chunk,
              std::size_t keys_per_chunk = 0);

  // Calls `on_change` whenever a field of `soul` converges (subscribe) or any
  // field converges (subscribe_all). unsubscribe() returns false for an
  // unknown id; it is safe from inside a callback, and a removed callback is
  // not called again.
  SubscriptionId subscribe(std::string soul, ChangeCallback on_change);
  SubscriptionId subscribe_all(ChangeCallback on_change);
  bool unsubscribe(SubscriptionId id);

  // Calls `fn(soul, node)` for every node, in no particular order, within
  // this call (no turn runs meanwhile). `fn` must not write to the store.
  // With storage, nodes not in memory are read from it one at a time.
  void for_each_node(
      const std::function<void(std::string_view, const Node&)>& fn) const;

  // Calls `fn(soul, key, value, state)` for every deferred field, in no
  // particular order.
  void for_each_deferred(
      const std::function<void(std::string_view, std::string_view, const Value&,
                               State)>& fn) const;

  // With storage: commits what converged so far and acks the puts that
  // completes, now rather than at the next group commit; like every group
  // commit, it may evict nodes (see StoreOptions::cache_bytes), so a Node
  // pointer got before is invalid after. Returns storage_status().
  // Without storage: OK, nothing to do.
  Status flush();

  // OK, or the first error storage returned. Sticky, but for Unavailable
  // (a storage server that cannot be reached now): the store then tries
  // the storage again every StoreOptions::storage_retry, committing what it
  // held back, and is OK again once that succeeds. Meanwhile writes are
  // refused with that error, held puts fail with it, and nodes not in
  // memory cannot be read.
  const Status& storage_status() const;

  // Nodes in memory (with storage, stored nodes not loaded are not counted).
  std::size_t node_count() const;
  // Fields waiting for their state to come due.
  std::size_t deferred_count() const;
  // Puts and reads not finished yet.
  std::size_t pending_jobs() const;
  const Stats& stats() const;
  const StoreOptions& options() const;
  Scheduler& scheduler() const;

  // Approximate bytes held by all nodes (see Node::memory_bytes).
  std::size_t memory_bytes() const;

  // The implementation, defined inside the library.
  class Impl;

 private:
  friend class detail::StoreAccess;  // benchmark and test hooks
  std::unique_ptr<Impl> impl_;
};

}  // namespace gunpp

#endif  // GUNPP_GRAPH_STORE_HPP_
