// GUN's "##" of a get reply's put, and the writer that encodes a reply
// chunk's node and its hash at once. Internal to the wire layer (and its
// tests); GraphStore replies are written by WireProtocol.
#ifndef GUNPP_SRC_WIRE_HASHED_NODE_WRITER_HPP_
#define GUNPP_SRC_WIRE_HASHED_NODE_WRITER_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "gunpp/node.hpp"

namespace gunpp::detail {

// GUN's "##" of a reply whose put holds the given slots of `node`: the hash
// (gun_hash) of the put's JSON text as GUN.js writes it for hashing, with the
// keys of every object sorted and then laid out in JavaScript's property
// order (integer-like keys first, ascending).
std::int32_t put_hash(std::string_view soul, const Node& node,
                      std::span<const std::size_t> slots);

// GUN.js's String.hash: h = h * 31 + c over the UTF-16 code units of `text`,
// wrapping to a signed 32-bit integer, from 0. `text` must be valid UTF-8.
std::int32_t gun_hash(std::string_view text);

// write_node() and put_hash() of the same slots at once, as a get's reply
// chunk needs both. Keeps its scratch from one chunk to the next (a get of
// a large node encodes a chunk a turn); what a large chunk grew is freed
// after it.
class HashedNodeWriter {
 public:
  HashedNodeWriter();
  ~HashedNodeWriter();
  HashedNodeWriter(const HashedNodeWriter&) = delete;
  HashedNodeWriter& operator=(const HashedNodeWriter&) = delete;

  // Appends the node's JSON, as write_node() writes it, to `node_json` and
  // returns the put's hash. Each key, state and value is encoded once, for
  // both.
  std::int32_t write(std::string& node_json, std::string_view soul,
                     const Node& node, std::span<const std::size_t> slots);

 private:
  struct Scratch;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_WIRE_HASHED_NODE_WRITER_HPP_
