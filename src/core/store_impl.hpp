// GraphStore::Impl: the store's state and the operations its jobs share.
// Internal to the core; the public API is include/gunpp/graph_store.hpp.
#ifndef GUNPP_SRC_CORE_STORE_IMPL_HPP_
#define GUNPP_SRC_CORE_STORE_IMPL_HPP_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "committer.hpp"
#include "deferred_fields.hpp"
#include "field_pool.hpp"
#include "guarded_call.hpp"
#include "gunpp/graph_store.hpp"
#include "gunpp/ham.hpp"
#include "gunpp/key_range.hpp"
#include "gunpp/storage.hpp"
#include "node_cache.hpp"
#include "node_writer.hpp"
#include "soul_table.hpp"
#include "subscribers.hpp"

namespace gunpp {

namespace detail {

// A job's way to its node: the soul, hashed once, and the node it found,
// trusted only while the store's node epoch has not changed.
class NodeRef {
 public:
  explicit NodeRef(std::string_view soul) : key_(soul) {}

  std::string_view soul() const { return key_.soul; }

  // The node, or nullptr while it does not exist or, with `*loading` set,
  // while it is being loaded from storage over several turns (the job
  // waits: it asks again next turn).
  Node* get(GraphStore::Impl& store, bool* loading);
  // The node the job created or found itself this turn.
  void set(Node* node, std::uint64_t epoch) {
    node_ = node;
    epoch_ = epoch;
  }

 private:
  SoulKey key_;
  Node* node_ = nullptr;
  std::uint64_t epoch_ = 0;
};

// What a read hands out: the whole node, or the keys `range` matches, in
// UTF-16 key order, up to `byte_budget` (see GraphStore::read).
struct ReadQuery {
  std::optional<KeyRange> range;
  std::size_t byte_budget = 0;
};

// A unit of queued work that runs one turn at a time. A job keeps souls,
// never Node pointers, from one turn to the next.
class Job {
 public:
  enum class Turn { kMore, kDone };
  virtual ~Job() = default;
  virtual Turn run_turn(GraphStore::Impl& store) = 0;
  // The store is going away with the job unfinished.
  virtual void cancel(GraphStore::Impl& store) = 0;
};

}  // namespace detail

class GraphStore::Impl {
 public:
  Impl(Scheduler& scheduler, StoreOptions options);
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl();

  // `committed`: storage holds the delta already (merge_committed()).
  Status put(Graph delta, PutCallback done, bool committed = false);
  Status write(std::string_view soul,
               std::vector<std::pair<std::string, Value>> fields,
               PutCallback done);
  Status read(std::string_view soul, ChunkCallback on_chunk,
              std::size_t keys_per_chunk);
  Status read(std::string_view soul, const KeyRange& range,
              std::size_t byte_budget, ChunkCallback on_chunk,
              std::size_t keys_per_chunk);
  Status read(std::string_view soul, detail::ReadQuery query,
              ChunkCallback on_chunk, std::size_t keys_per_chunk);

  // The node `soul`: from memory, else loaded whole from storage in this
  // call (and kept in memory); nullptr while it does not exist or storage
  // failed. For the synchronous API; jobs use acquire().
  Node* find(std::string_view soul) { return find(detail::SoulKey(soul)); }
  Node* find(const detail::SoulKey& soul) {
    Node* node = nodes.find(soul);
    return node != nullptr ? node : load(soul);
  }

  // For jobs: the node `soul` when in memory, or loaded in this call when
  // it has fewer than StoreOptions::load_fields_per_turn fields. A larger node
  // is loaded by a LoadJob over the next turns: nullptr with `*loading` set
  // until then. nullptr with `*loading` clear: the soul does not exist (or
  // storage failed).
  Node* acquire(const detail::SoulKey& soul, bool* loading);

  // Keeps a node loaded from storage in memory.
  Node* keep(std::string_view soul, Node node);

  // The store's "now" for HAM: never below a state it issued, so local
  // writes are never from the future to their own store.
  double machine_time() const;

  // Runs HAM for one field and applies the outcome: converges it into the
  // node (creating the node on first use, sized for `fields_hint` fields;
  // `node` caches it for this turn only, nullptr until it exists), parks it
  // when from the future, or ignores it. `key_hint`: what
  // NodeWriter::prefetch() returned for the field's key, if it was called.
  // `write_back`: a converged or parked field goes to storage (not for
  // fields storage holds already).
  HamDecision resolve(std::string_view soul, Node*& node, Field& field,
                      double now, std::size_t fields_hint = 1,
                      detail::NodeWriter::Hint key_hint = {},
                      bool write_back = true);

  template <typename F, typename... Args>
  void call(const F& callback, Args&&... args);

  // A put resolved its last field: its callback fires now without storage,
  // else after the commit that holds its fields.
  void finish_put(PutCallback done, const PutSummary& summary);

  // Fields of a finished delta destroyed per turn.
  static constexpr std::size_t kReclaimPerTurn = 64;

  // Takes the delta of a finished put. A large one is destroyed
  // kReclaimPerTurn fields a turn, by scheduler tasks of its own: freeing a
  // million fields at once would make one turn thousands of times longer
  // than the others.
  void retire(std::vector<NodeDelta> delta);

  // Commits the write batch (when storage is healthy), evicts what the
  // cache budget says, and fires the callbacks of the puts the commit
  // completes, with its status.
  void flush();

  Scheduler& scheduler;
  StoreOptions options;
  StateClock state_clock;
  Stats stats;
  // The small field arrays of the nodes in memory and of the puts the wire
  // layer decodes for this store; declared before everything that holds
  // one.
  detail::FieldPool field_pool;
  // The nodes in memory, and those being loaded a chunk a turn (see
  // acquire()). Its epoch changes whenever a node may move or be freed: on
  // eviction (and through detail::StoreAccess in tests). A job keeps a Node*
  // from one turn to the next only while it stays the same (NodeRef).
  detail::NodeCache nodes;
  const Scheduler::OwnerId owner;
  detail::DeferredFields deferred;
  detail::Subscribers subscribers;

  // Writes on their way to storage, the puts that wait for their commit,
  // and the first storage error (sticky but for Unavailable, which a
  // recover() every StoreOptions::storage_retry clears): meanwhile the store
  // refuses writes.
  detail::Committer committer;
  bool flush_queued = false;
  bool recovery_planned = false;

  // Benchmark hooks (detail::StoreAccess): puts ingested by
  // SliceBaselineJob, GUN.js's re-slicing of the remaining keys every turn,
  // and how many key names it copied.
  bool slice_baseline = false;
  std::uint64_t keys_copied = 0;

 private:
  void enqueue(std::unique_ptr<detail::Job> job);
  void run_job_turn();
  Node* load(const detail::SoulKey& soul);
  void evict_cold_nodes();
  void restore_parked();
  void retry_parked(std::uint64_t id, std::string_view soul, Field& field);
  void queue_flush();
  void plan_recovery();
  void recover();

  void reclaim_some();

  std::deque<std::unique_ptr<detail::Job>> jobs_;
  std::vector<std::vector<NodeDelta>> retired_;  // see retire()
  // Parked fields that came due while storage was unavailable: retried
  // once it recovers.
  struct Stalled {
    std::uint64_t id;
    std::string soul;
    Field field;
  };
  std::vector<Stalled> stalled_;

  friend class GraphStore;
};

template <typename F, typename... Args>
void GraphStore::Impl::call(const F& callback, Args&&... args) {
  detail::call_guarded(stats.callback_exceptions, callback,
                       std::forward<Args>(args)...);
}

inline Node* detail::NodeRef::get(GraphStore::Impl& store, bool* loading) {
  *loading = false;
  if (node_ == nullptr || epoch_ != store.nodes.epoch()) {
    set(store.acquire(key_, loading), store.nodes.epoch());
  }
  return node_;
}

}  // namespace gunpp

#endif  // GUNPP_SRC_CORE_STORE_IMPL_HPP_
