// Graph: a delta to merge into a store — souls mapped to fields, each field a
// key, a value and a state.
//
// Nodes and fields keep the order in which they were added; GraphStore::put
// resolves them in that order. Adding the same key twice to one node keeps
// both entries (each goes through HAM in turn, as a repeated wire field
// would).
//
// A graph keeps its nodes' fields in arrays from a memory resource: the
// default one (std::pmr::get_default_resource(), operator new unless the
// host set another), or one given to the constructor. A copy uses the
// default one.
//
// Thread safety: a plain value type.
#ifndef GUNPP_GRAPH_HPP_
#define GUNPP_GRAPH_HPP_

#include <cstddef>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/state.hpp"
#include "gunpp/value.hpp"

namespace gunpp {

namespace detail {
class SlotIndex;  // the library's hash index (src/core/slot_index.hpp)
}  // namespace detail

struct Field {
  std::string key;
  Value value;
  State state = 0;

  friend bool operator==(const Field&, const Field&) = default;
};

// A node's fields, in an array from the graph's memory resource.
using FieldVector = std::pmr::vector<Field>;

struct NodeDelta {
  std::string soul;
  FieldVector fields;
};

class Graph {
 public:
  Graph();
  // A graph whose nodes' field arrays come from `fields`, which must
  // outlive every array of the graph's (moved-out nodes included).
  explicit Graph(std::pmr::memory_resource* fields);
  Graph(const Graph& other);
  Graph& operator=(const Graph& other);
  Graph(Graph&& other) noexcept;
  Graph& operator=(Graph&& other) noexcept;
  ~Graph();

  // Appends a field to the node `soul`, creating the node at the end when it
  // is new. Validation happens in GraphStore::put, not here.
  Graph& add(std::string_view soul, std::string key, Value value, State state);

  // Replaces node `soul` with exactly `fields`, or appends it when new (as
  // JSON.parse keeps the last of duplicate members). The node takes the
  // array itself, and its memory resource with it.
  Graph& set_node(std::string soul, FieldVector fields);

  // Reserves room for `fields` more fields in node `soul` (creating it).
  void reserve(std::string_view soul, std::size_t fields);
  // Reserves room for `nodes` nodes in all, so that adding them does not
  // grow the graph's node list by doubling.
  void reserve_nodes(std::size_t nodes);

  const std::vector<NodeDelta>& nodes() const { return nodes_; }
  bool empty() const { return nodes_.empty(); }
  // Total number of fields over all nodes.
  std::size_t field_count() const { return field_count_; }

  // Moves the nodes out, leaving the graph empty.
  std::vector<NodeDelta> take_nodes();

 private:
  NodeDelta& node(std::string_view soul);
  // Makes node_index_ for the nodes so far, sized for `expected` in all.
  void index_nodes(std::size_t expected = 0);

  std::pmr::memory_resource* fields_resource_;
  std::vector<NodeDelta> nodes_;
  // soul -> position in nodes_; made once the graph has more nodes than a
  // scan finds quickly.
  std::unique_ptr<detail::SlotIndex> node_index_;
  std::size_t field_count_ = 0;
};

}  // namespace gunpp

#endif  // GUNPP_GRAPH_HPP_
