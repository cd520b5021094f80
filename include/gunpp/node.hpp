// Node: the fields of one soul, each a key, a value and a state (the
// soul's state vector), read-only.
//
//   const gunpp::Node* node = store.get("alice");     // nullptr if absent
//   for (std::size_t s = 0; s < node->size(); ++s)
//     use(node->key(s), node->value(s), node->state(s));
//   std::optional<std::size_t> slot = node->find("age");  // O(1)
//
// Fields keep the order they were first written in; a field's slot never
// moves (fields are never removed: deleting writes null), so walking a node
// by slot is O(1) a step and survives later writes. A Node is built whole
// from fields (the constructor), or written by the store, which alone
// changes one in place (docs/design.md, "Memory layout of a node").
//
// Thread safety: none. A Node handed out by GraphStore is valid until the
// store next runs a turn. A copy keeps its fields in arrays from the
// default memory resource (std::pmr::get_default_resource()); a moved node
// keeps the arrays it had.
#ifndef GUNPP_NODE_HPP_
#define GUNPP_NODE_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/graph.hpp"
#include "gunpp/state.hpp"
#include "gunpp/value.hpp"

namespace gunpp {

namespace detail {
class SlotIndex;   // the library's hash index (src/core/slot_index.hpp)
class NodeWriter;  // the store's write access (src/core/node_writer.hpp)
}  // namespace detail

class Node {
 public:
  Node();
  // The fields in this order; a key given twice keeps its first slot and
  // its last value and state.
  explicit Node(std::vector<Field> fields);
  Node(const Node& other);
  Node& operator=(const Node& other);
  Node(Node&& other) noexcept;
  Node& operator=(Node&& other) noexcept;
  ~Node();

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Access by slot; require slot < size(). Slots are in insertion order.
  const std::string& key(std::size_t slot) const { return record(slot).key; }
  const Value& value(std::size_t slot) const { return record(slot).value; }
  State state(std::size_t slot) const { return record(slot).state; }

  // The slot holding `key`, or nullopt.
  std::optional<std::size_t> find(std::string_view key) const;

  // The state of `key`, or kNoState when absent.
  State state_of(std::string_view key) const;

  // Approximate heap and inline bytes held by this node.
  std::size_t memory_bytes() const;

 private:
  friend class detail::NodeWriter;

  // Slots per block of the column.
  static constexpr std::size_t kBlockFields = 4096;
  // The most fields a node holds without an index.
  static constexpr std::size_t kScanFields = 16;

  // What a lookup learned of a key (its hash, when the node has an index),
  // so that an insert of the same key does not hash it twice.
  struct Hint {
    std::size_t hash = 0;
    bool hashed = false;
  };

  // Writes `key` (appending a slot when new) and returns its slot; no HAM.
  std::size_t set(std::string key, Value value, State state);
  // Appends `key` when absent, moving from the arguments: {its new slot,
  // true}; when present, {its slot, false}, arguments untouched.
  std::pair<std::size_t, bool> try_emplace(std::string&& key, Value&& value,
                                           State state, Hint hint);
  // Sizes an empty node's first block (and, past kScanFields, its index)
  // for `fields` fields; no effect on a node with fields.
  void reserve(std::size_t fields);
  // An empty node takes its first block from `memory` from now on; no
  // effect on a node with fields.
  void place(std::pmr::memory_resource* memory);
  // Overwrites the field at `slot` (< size()).
  void assign(std::size_t slot, Value value, State state);

  using Block = FieldVector;
  // The record at `slot`: in the first block, held in the node itself (a
  // small node's only one), or in a later block.
  template <typename Self>
  static auto& record_in(Self& node, std::size_t slot) {
    if (slot < node.first_block_fields_) return node.first_[slot];
    const std::size_t rest = slot - node.first_block_fields_;
    return node.more_[rest / kBlockFields][rest % kBlockFields];
  }
  const Field& record(std::size_t slot) const { return record_in(*this, slot); }
  Field& record(std::size_t slot) { return record_in(*this, slot); }
  bool indexed() const { return index_ != nullptr; }
  // The slot of `key` in a node without an index, or the index's kNone.
  std::uint32_t scan(std::string_view key) const;
  // Indexes every field: the node has just outgrown kScanFields.
  void build_index();
  // A block of at least this many slots has its pages faulted in this many
  // slots at a time, ahead of the appends: 80 KiB, one call every
  // kPopulateSlots fields.
  static constexpr std::size_t kPopulateSlots = 1024;
  // Populates the next kPopulateSlots slots of a block's spare capacity,
  // and touches their pages, so that the appends that fill them find every
  // page ready.
  static void populate_window(const Block& b);
  // The block the next field goes to, with room for it.
  Block& block_for_append();
  Block first_;
  std::vector<Block> more_;  // kBlockFields slots each
  std::size_t size_ = 0;
  std::size_t first_block_fields_ = kBlockFields;  // slots of first_
  // key -> slot; none up to kScanFields fields. Held apart from the node,
  // so that the small nodes most apps write carry 8 bytes for it, not 72.
  std::unique_ptr<detail::SlotIndex> index_;
};

}  // namespace gunpp

#endif  // GUNPP_NODE_HPP_
