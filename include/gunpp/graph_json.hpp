// Graphs as GUN wire JSON: a node with its "_" metadata, and the canonical
// text of a whole store.
//
// Thread safety: as GraphStore; call from the pumping thread.
#ifndef GUNPP_GRAPH_JSON_HPP_
#define GUNPP_GRAPH_JSON_HPP_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/graph_store.hpp"
#include "gunpp/json_writer.hpp"
#include "gunpp/node.hpp"

namespace gunpp {

// Writes `{"_":{"#":soul,">":{key:state...}},key:value...}` for the given
// slots of `node`, in that order, as the next value of `json`.
void write_node(JsonWriter& json, std::string_view soul, const Node& node,
                const std::vector<std::size_t>& slots);

// The whole store as canonical graph JSON: souls sorted, and in each node
// "_" first and the keys sorted (both in JavaScript's UTF-16 order); numbers
// formatted as JavaScript formats them. Two stores hold the same graph
// exactly when their canonical texts are equal.
std::string encode_graph(const GraphStore& store);

}  // namespace gunpp

#endif  // GUNPP_GRAPH_JSON_HPP_
