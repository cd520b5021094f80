// Graphs as GUN wire JSON: a node with its "_" metadata, and the canonical
// text of a whole store.
//
// Thread safety: as GraphStore; call from the pumping thread.
#ifndef GUNPP_WIRE_GRAPH_JSON_HPP_
#define GUNPP_WIRE_GRAPH_JSON_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/graph.hpp"
#include "gunpp/graph_store.hpp"
#include "gunpp/node.hpp"
#include "gunpp/wire/json_writer.hpp"

namespace gunpp {

// Writes `{"_":{"#":soul,">":{key:state...}},key:value...}` for the given
// slots of `node`, in that order, as the next value of `json`. Calls `drain`
// (when set) after every kDrainFields keys written: a caller that hands the
// text written so far to its output and clears it there holds a few
// hundred kilobytes of text at most, however large the node.
inline constexpr std::size_t kDrainFields = 4096;
void write_node(JsonWriter& json, std::string_view soul, const Node& node,
                std::span<const std::size_t> slots,
                const std::function<void()>& drain = {});

// Writes a delta as the graph of a put: `{soul:{"_":{"#":soul,">":{...}},
// key:value...}...}`, nodes and fields in the delta's order.
void write_graph(JsonWriter& json, const Graph& graph);

// Writes node `soul` as encode_graph() does: "_" first, then the keys in
// JavaScript's UTF-16 order. `drain` as for write_node().
void write_canonical_node(JsonWriter& json, std::string_view soul,
                          const Node& node,
                          const std::function<void()>& drain = {});

// Writes the whole store as encode_graph() does, as the next value of
// `json`, and calls `drain` (when set) after each node and, within a node,
// as write_node() does: a caller that hands the text written so far to its
// output and clears it there never holds more than kDrainFields keys' text
// (gunpp apply streams its output so).
void write_canonical_graph(JsonWriter& json, const GraphStore& store,
                           const std::function<void()>& drain = {});

// The whole store as canonical graph JSON: souls sorted, and in each node
// "_" first and the keys sorted (both in JavaScript's UTF-16 order); numbers
// formatted as JavaScript formats them. Two stores hold the same graph
// exactly when their canonical texts are equal. With storage, this loads
// every node into memory.
std::string encode_graph(const GraphStore& store);

}  // namespace gunpp

#endif  // GUNPP_WIRE_GRAPH_JSON_HPP_
