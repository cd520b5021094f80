// Node: the fields of one soul, with their per-key state vector.
//
// Fields live in one column of records (key, value and state side by side:
// a Field) in insertion order; a field's slot never moves, because fields
// are never removed (deleting is writing null). A flat open-addressing index
// maps a key to its slot. Walking a node by slot is O(1) a step and survives
// appends, which is what the chunked read relies on.
//
// A node of up to kScanFields fields has no index: a key is found by
// comparing it with each of the node's keys, which costs less than hashing
// it, and the ten-field nodes GUN apps mostly write carry no table. The
// index is built when the node outgrows that (kScanFields keys at once, the
// one step over several keys), or up front by reserve().
//
// A record keeps together what a put reads and writes for one key: finding
// it, comparing states and values under HAM, and appending it touch one or
// two cache lines, not one in each of three columns.
//
// No append costs O(size): the column is cut into blocks that never move
// once full (the first one inside the Node, so that a small node is one
// allocation and reaching a record one load less), and the index grows
// incrementally (SlotIndex). The first block grows by doubling up to
// kBlockFields slots, or is sized once by reserve() for a node put whole; every
// later block has kBlockFields slots. So a turn that adds fields to a node of
// millions costs what it costs in a node of thousands, plus cache misses.
//
// Thread safety: none. A Node handed out by GraphStore is read-only to the
// caller and valid until the store next runs a turn.
#ifndef GUNPP_NODE_HPP_
#define GUNPP_NODE_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/detail/slot_index.hpp"
#include "gunpp/graph.hpp"
#include "gunpp/state.hpp"
#include "gunpp/value.hpp"

namespace gunpp {

class Node {
 public:
  Node() = default;
  Node(const Node& other);
  Node& operator=(const Node& other);
  Node(Node&&) noexcept = default;
  Node& operator=(Node&&) noexcept = default;
  ~Node() = default;

  // Slots per block of the column.
  static constexpr std::size_t kBlockFields = 4096;

  // The most fields a node holds without an index.
  static constexpr std::size_t kScanFields = 16;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Access by slot; require slot < size().
  const std::string& key(std::size_t slot) const { return record(slot).key; }
  const Value& value(std::size_t slot) const { return record(slot).value; }
  State state(std::size_t slot) const { return record(slot).state; }

  // The slot holding `key`, or nullopt.
  std::optional<std::size_t> find(std::string_view key) const;

  // The state of `key`, or kNoState when absent.
  State state_of(std::string_view key) const;

  // Writes `key` (appending a slot when new) and returns its slot. Does no
  // conflict resolution: callers run HAM first.
  std::size_t set(std::string key, Value value, State state);

  // What prefetch() learned of a key (its hash, when the node has an index),
  // to hand to try_emplace() for the same key so that it is not hashed
  // twice. A default Hint knows nothing.
  struct Hint {
    std::size_t hash = 0;
    bool hashed = false;
  };

  // Appends `key` with `value` and `state` when it is absent, moving from
  // them, and returns {its new slot, true}; when present, returns {its slot,
  // false} and leaves all three untouched. One hash probe either way.
  std::pair<std::size_t, bool> try_emplace(std::string&& key, Value&& value,
                                           State state);
  // The same, with `hint` what prefetch(key) returned for this same key.
  std::pair<std::size_t, bool> try_emplace(std::string&& key, Value&& value,
                                           State state, Hint hint);

  // Sizes an empty node's first block (and, past kScanFields, its index)
  // for `fields` fields, so that a node put whole allocates its column once
  // and never doubles. A block of 2 MiB or more is advised for huge pages;
  // so is an index of SlotIndex::kStagedMinBytes or more, which is then
  // warming() until warm_step() has faulted all its pages in. No effect on
  // a node with fields.
  void reserve(std::size_t fields);

  // Whether the index reserve() sized is still faulting in: an insert may
  // then fault in a 2 MiB page, each insert a different one. The store
  // spends a turn on each warm_step() instead. Results are the same either
  // way.
  bool warming() const { return indexed() && index_->warming(); }
  // Faults in the next 2 MiB of a warming index.
  void warm_step() {
    if (indexed()) index_->warm_step();
  }

  // Overwrites the field at `slot` (< size()).
  void assign(std::size_t slot, Value value, State state);

  // Says that `key` is about to be looked up: starts loading its index
  // bucket, and returns what try_emplace() may reuse. No effect on results.
  Hint prefetch(std::string_view key) const {
    if (!indexed()) return {};
    const Hint hint{detail::SlotIndex::hash(key), true};
    index_->prefetch_hashed(hint.hash);
    return hint;
  }

  // Approximate heap and inline bytes held by this node.
  std::size_t memory_bytes() const;

 private:
  using Block = std::vector<Field>;
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
  // The slot of `key` in a node without an index, or SlotIndex::kNone.
  std::uint32_t scan(std::string_view key) const;
  // Indexes every field: the node has just outgrown kScanFields.
  void build_index();
  // A block of at least this many slots has its pages faulted in this many
  // slots at a time, ahead of the appends (see page_advice.hpp): 80 KiB,
  // one call every kPopulateSlots fields.
  static constexpr std::size_t kPopulateSlots = 1024;
  // Populates the next kPopulateSlots slots of a block's spare capacity,
  // and touches their pages (touch_pages), so that the appends that fill
  // them find every page ready.
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
