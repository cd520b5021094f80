// NodeCache: the nodes a store holds in memory. A node is found by soul and
// stamped with its last use; a read job pins the node it walks; with a
// budget (StoreOptions::cache_bytes), evict() drops the least recently used
// unpinned nodes down to half of it and changes the epoch, so that jobs
// find their nodes again by soul (NodeRef). A node loaded from storage over
// several turns waits in loads() until it is whole.
#ifndef GUNPP_SRC_CORE_NODE_CACHE_HPP_
#define GUNPP_SRC_CORE_NODE_CACHE_HPP_

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>

#include "gunpp/node.hpp"
#include "node_writer.hpp"
#include "soul_table.hpp"

namespace gunpp::detail {

class NodeCache {
 public:
  // A node being loaded a chunk a turn, with the last key loaded so far.
  struct PendingLoad {
    Node node;
    std::string after;
  };

  // `budget_bytes` 0: no budget, nothing is evicted. Nodes created by
  // obtain() keep their first block in `memory`, which must outlive them.
  NodeCache(std::size_t budget_bytes, std::pmr::memory_resource* memory)
      : budget_(budget_bytes), memory_(memory) {}

  // The node `soul` in memory, marked used; nullptr when not in memory.
  Node* find(const SoulKey& soul) {
    Entry* entry = nodes_.find(soul);
    if (entry == nullptr) return nullptr;
    entry->last_use = ++use_clock_;
    return &entry->node;
  }
  bool contains(std::string_view soul) { return nodes_.contains(soul); }
  std::size_t size() const { return nodes_.size(); }

  // The node `soul`, created empty and sized for `fields_hint` fields when
  // absent; marked used.
  Node& obtain(const SoulKey& soul, std::size_t fields_hint) {
    const auto [at, created] = nodes_.try_emplace(soul);
    Entry& entry = *at;
    if (created) NodeWriter::place(entry.node, memory_);
    entry.last_use = ++use_clock_;
    NodeWriter::reserve(entry.node, fields_hint);  // none on a node with fields
    return entry.node;
  }
  // A field was appended at `slot`: counts its bytes against the budget, on
  // the high side (columns grow by doubling); evict() counts exactly.
  void grew(const Node& node, std::size_t slot) {
    if (budget_ == 0) return;
    const Value& value = node.value(slot);
    bytes_ += 2 * (sizeof(std::string) + sizeof(Value) + sizeof(State) +
                   sizeof(std::uint64_t)) +
              node.key(slot).size() +
              (value.is_string() ? value.as_string().size() : 0);
  }

  // Keeps a node loaded from storage (unless one is in memory already) and
  // returns the one in memory.
  Node* keep(std::string_view soul, Node node);

  // A read job walks this node: `delta` +1 pins it against eviction, -1
  // unpins it.
  void pin(std::string_view soul, int delta);

  // Over the budget: an eviction pass would drop nodes.
  bool over_budget() const { return budget_ > 0 && bytes_ > budget_; }
  // Drops the least recently used unpinned nodes down to half the budget,
  // counting every node's bytes exactly; returns how many went. Only for
  // clean nodes: call it right after a commit.
  std::size_t evict();

  // Changes whenever a node may have moved or been freed.
  std::uint64_t epoch() const { return epoch_; }
  void invalidate() { ++epoch_; }

  // fn(soul, node) for every node in memory.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    nodes_.for_each([&fn](const std::string& soul, const Entry& entry) {
      fn(soul, entry.node);
    });
  }
  // Heap and inline bytes of the nodes in memory and their souls.
  std::size_t memory_bytes() const;

  SoulTable<PendingLoad>& loads() { return loads_; }

 private:
  struct Entry {
    Node node;
    std::uint64_t last_use = 0;  // use_clock_ at the last find()
    std::uint32_t pins = 0;      // read jobs walking it
  };

  SoulTable<Entry> nodes_;
  SoulTable<PendingLoad> loads_;
  std::size_t budget_;
  std::pmr::memory_resource* memory_;
  // With a budget: approximate bytes of the nodes in memory (exact after
  // each eviction pass, estimated per field in between).
  std::size_t bytes_ = 0;
  std::uint64_t use_clock_ = 0;
  std::uint64_t epoch_ = 0;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_NODE_CACHE_HPP_
