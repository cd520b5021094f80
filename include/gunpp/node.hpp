// Node: the fields of one soul, with their per-key state vector.
//
// Fields live in columns (keys, values, states) in insertion order; a field's
// slot never moves, because fields are never removed (deleting is writing
// null). A flat open-addressing index maps a key to its slot. Walking a node
// by slot is O(1) a step and survives appends, which is what the chunked read
// relies on.
//
// Thread safety: none. A Node handed out by GraphStore is read-only to the
// caller and valid until the store next runs a turn.
#ifndef GUNPP_NODE_HPP_
#define GUNPP_NODE_HPP_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/detail/slot_index.hpp"
#include "gunpp/state.hpp"
#include "gunpp/value.hpp"

namespace gunpp {

class Node {
 public:
  Node() = default;

  std::size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

  // Column access by slot; require slot < size().
  const std::string& key(std::size_t slot) const { return keys_[slot]; }
  const Value& value(std::size_t slot) const { return values_[slot]; }
  State state(std::size_t slot) const { return states_[slot]; }

  // The slot holding `key`, or nullopt.
  std::optional<std::size_t> find(std::string_view key) const;

  // The state of `key`, or kNoState when absent.
  State state_of(std::string_view key) const;

  // Writes `key` (appending a slot when new) and returns its slot. Does no
  // conflict resolution: callers run HAM first.
  std::size_t set(std::string key, Value value, State state);

  // Appends `key` with `value` and `state` when it is absent, moving from
  // them, and returns {its new slot, true}; when present, returns {its slot,
  // false} and leaves all three untouched. One hash probe either way.
  std::pair<std::size_t, bool> try_emplace(std::string&& key, Value&& value,
                                           State state);

  // Overwrites the field at `slot` (< size()).
  void assign(std::size_t slot, Value value, State state);

  // A hint that `key` is about to be looked up: starts loading its index
  // bucket. No effect on results.
  void prefetch(std::string_view key) const { index_.prefetch(key); }

  // Approximate heap and inline bytes held by this node.
  std::size_t memory_bytes() const;

 private:
  std::vector<std::string> keys_;
  std::vector<Value> values_;
  std::vector<State> states_;
  detail::SlotIndex index_;  // key -> slot
};

}  // namespace gunpp

#endif  // GUNPP_NODE_HPP_
