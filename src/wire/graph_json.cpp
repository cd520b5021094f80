// Encoding graphs as GUN wire JSON.
#include "gunpp/graph_json.hpp"

#include <algorithm>
#include <utility>

namespace gunpp {

void write_node(JsonWriter& json, std::string_view soul, const Node& node,
                const std::vector<std::size_t>& slots) {
  json.begin_object().key("_").begin_object().key("#").string(soul);
  json.key(">").begin_object();
  for (const std::size_t slot : slots) {
    json.key(node.key(slot)).number(node.state(slot));
  }
  json.end_object().end_object();
  for (const std::size_t slot : slots) {
    json.key(node.key(slot)).value(node.value(slot));
  }
  json.end_object();
}

std::string encode_graph(const GraphStore& store) {
  // The nodes are only read here, within one call: no turn runs meanwhile.
  std::vector<std::pair<std::string_view, const Node*>> nodes;
  nodes.reserve(store.node_count());
  store.for_each_node([&nodes](std::string_view soul, const Node& node) {
    nodes.emplace_back(soul, &node);
  });
  std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) {
    return utf16_compare(a.first, b.first) < 0;
  });
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  std::vector<std::size_t> slots;
  for (const auto& [soul, node] : nodes) {
    slots.resize(node->size());
    for (std::size_t s = 0; s < slots.size(); ++s) slots[s] = s;
    std::sort(slots.begin(), slots.end(), [node](std::size_t a, std::size_t b) {
      return utf16_compare(node->key(a), node->key(b)) < 0;
    });
    json.key(soul);
    write_node(json, soul, *node, slots);
  }
  json.end_object();
  return out;
}

}  // namespace gunpp
