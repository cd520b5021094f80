// The state every Ref of one Chain shares: the store, the mesh (if any),
// the options, and the lookups that ask the peers for what the store lacks.
// Callbacks that may outlive the Chain hold it weakly and check `alive`.
#ifndef GUNPP_SRC_CHAIN_CHAIN_CORE_HPP_
#define GUNPP_SRC_CHAIN_CHAIN_CORE_HPP_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/guarded_call.hpp"
#include "gunpp/chain.hpp"

namespace gunpp {

class ChainCore : public std::enable_shared_from_this<ChainCore> {
 public:
  ChainCore(GraphStore& store, Mesh* mesh, ChainOptions options);

  GraphStore& store;
  Mesh* mesh;  // nullptr: local only
  ChainOptions options;
  bool alive = true;  // false once the Chain is gone
  // Tags the chain's own tasks, dropped with the Chain.
  const Scheduler::OwnerId owner;
  std::uint64_t callback_exceptions = 0;

  // Calls a user callback as scheduler.hpp's rule says.
  template <typename F, typename... Args>
  void call(const F& callback, Args&&... args) {
    detail::call_guarded(callback_exceptions, callback,
                         std::forward<Args>(args)...);
  }

  // The value of field `key` of `soul` (nullopt when absent or null): from
  // the store, else asked of the peers once. `found` runs from this call or
  // from the pump.
  void field(const std::string& soul, const std::string& key,
             std::function<void(std::optional<Value>)> found);
  // Whether node `soul` has fields: from the store, else asked of the peers.
  void node(const std::string& soul, std::function<void(bool)> known);
  // The node `soul` as it is in the store now (found false when absent).
  Snapshot node_snapshot(const std::string& soul) const;

  // How reads see the value `stored` of `soul` (ChainOptions::open).
  Value seen(std::string_view soul, const Value& stored) const {
    return options.open ? options.open(soul, stored) : stored;
  }

  // Runs `task` from the pump, unless the Chain is gone by then.
  void later(std::function<void()> task);

  // Walks `path` to what it names; `done` gets it.
  void resolve(const std::vector<std::string>& path, OnceDone done);
  // `snapshot` with the nodes its links lead to, `depth` links deep.
  void read_linked(Snapshot snapshot, std::size_t depth, OnceDone done);

  // Reads see the chain's earlier writes: begin_put() numbers a put,
  // end_put() says it is merged into the store (or failed), and
  // after_puts() runs a read (as later() does) once every put begun before
  // it has ended; puts begun after it do not hold it back.
  std::uint64_t begin_put();
  void end_put(std::uint64_t put);
  void after_puts(std::function<void()> read);
  // Drops the reads still waiting (they hold the core: ~Chain breaks the
  // cycle).
  void drop_waiting_reads() { waiting_reads_.clear(); }

  // Subscriptions of on(), by id.
  std::uint64_t add_watch(std::shared_ptr<class Watch> watch);
  bool remove_watch(std::uint64_t id);
  void remove_all_watches();

 private:
  struct LinkedNode;
  struct LinkedRead;
  void follow_links(const std::shared_ptr<LinkedRead>& read, LinkedNode& at,
                    std::vector<std::string> above, std::size_t left);
  void linked_lookup_done(const std::shared_ptr<LinkedRead>& read);
  void resolve_from(std::shared_ptr<const std::vector<std::string>> path,
                    std::size_t next, std::string soul, OnceDone done);

  std::uint64_t last_put_ = 0;
  std::set<std::uint64_t> unmerged_puts_;
  // Reads waiting, with the last put begun before each.
  std::deque<std::pair<std::uint64_t, std::function<void()>>> waiting_reads_;
  std::uint64_t last_watch_ = 0;
  std::unordered_map<std::uint64_t, std::shared_ptr<Watch>> watches_;
};

}  // namespace gunpp

#endif  // GUNPP_SRC_CHAIN_CHAIN_CORE_HPP_
