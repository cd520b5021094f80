// NodeWriter: the library's write access to a Node, whose public interface
// only reads (gunpp/node.hpp). The store's HAM and loads, the storage
// engines' tests and the benchmarks write nodes through it.
#ifndef GUNPP_SRC_CORE_NODE_WRITER_HPP_
#define GUNPP_SRC_CORE_NODE_WRITER_HPP_

#include <cstddef>
#include <memory_resource>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/node.hpp"
#include "slot_index.hpp"

namespace gunpp::detail {

class NodeWriter {
 public:
  // What prefetch() learned of a key, for try_emplace() of the same key.
  using Hint = Node::Hint;

  static constexpr std::size_t kBlockFields = Node::kBlockFields;
  static constexpr std::size_t kScanFields = Node::kScanFields;

  // Writes `key` (appending a slot when new) and returns its slot. Does no
  // conflict resolution: callers run HAM first.
  static std::size_t set(Node& node, std::string key, Value value,
                         State state) {
    return node.set(std::move(key), std::move(value), state);
  }
  // Appends every field, as set() each.
  static void append(Node& node, std::vector<Field>&& fields) {
    for (Field& f : fields) {
      node.set(std::move(f.key), std::move(f.value), f.state);
    }
  }

  // Appends `key` with `value` and `state` when it is absent, moving from
  // them, and returns {its new slot, true}; when present, returns {its slot,
  // false} and leaves all three untouched. One hash probe either way;
  // `hint` is what prefetch() returned for this same key, if it was called.
  static std::pair<std::size_t, bool> try_emplace(Node& node, std::string&& key,
                                                  Value&& value, State state,
                                                  Hint hint = {}) {
    return node.try_emplace(std::move(key), std::move(value), state, hint);
  }

  // Overwrites the field at `slot` (< size()).
  static void assign(Node& node, std::size_t slot, Value value, State state) {
    node.assign(slot, std::move(value), state);
  }

  // Sizes an empty node's first block (and, past kScanFields, its index)
  // for `fields` fields, so that a node put whole allocates its column once
  // and never doubles. A block of 2 MiB or more is advised for huge pages;
  // so is an index of SlotIndex::kStagedMinBytes or more, which is then
  // warming() until warm_step() has faulted all its pages in. No effect on
  // a node with fields.
  static void reserve(Node& node, std::size_t fields) { node.reserve(fields); }
  // An empty node takes its first block from `memory` (the store's
  // FieldPool) from now on; no effect on a node with fields.
  static void place(Node& node, std::pmr::memory_resource* memory) {
    node.place(memory);
  }

  // Whether the index reserve() sized is still faulting in: an insert may
  // then fault in a 2 MiB page, each insert a different one. The store
  // spends a turn on each warm_step() instead. Results are the same either
  // way.
  static bool warming(const Node& node) {
    return node.indexed() && node.index_->warming();
  }
  // Faults in the next 2 MiB of a warming index.
  static void warm_step(Node& node) {
    if (node.indexed()) node.index_->warm_step();
  }

  // Says that `key` is about to be looked up: starts loading its index
  // bucket, and returns what try_emplace() may reuse. No effect on results.
  static Hint prefetch(const Node& node, std::string_view key) {
    if (!node.indexed()) return {};
    const Hint hint{SlotIndex::hash(key), true};
    node.index_->prefetch_hashed(hint.hash);
    return hint;
  }
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_NODE_WRITER_HPP_
