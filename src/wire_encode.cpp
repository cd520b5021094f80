// Encoding graphs as GUN wire JSON.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gunpp/graph_store.hpp"
#include "gunpp/wire.hpp"

namespace gunpp {

void append_node_json(std::string& out, std::string_view soul, const Node& node,
                      const std::vector<std::size_t>& slots) {
  out += "{\"_\":{\"#\":";
  append_json_string(out, soul);
  out += ",\">\":{";
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, node.key(slots[i]));
    out += ':';
    out += format_number(node.state(slots[i]));
  }
  out += "}}";
  for (const std::size_t slot : slots) {
    out += ',';
    append_json_string(out, node.key(slot));
    out += ':';
    append_lexical_form(out, node.value(slot));
  }
  out += '}';
}

std::string encode_graph(const GraphStore& store) {
  std::vector<std::pair<std::string_view, const Node*>> nodes;
  nodes.reserve(store.node_count());
  store.for_each_node([&nodes](std::string_view soul, const Node& node) {
    nodes.emplace_back(soul, &node);
  });
  std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) {
    return utf16_compare(a.first, b.first) < 0;
  });
  std::string out = "{";
  std::vector<std::size_t> slots;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string_view soul = nodes[i].first;
    const Node* node = nodes[i].second;
    if (i > 0) out += ',';
    append_json_string(out, soul);
    out += ':';
    slots.resize(node->size());
    for (std::size_t s = 0; s < slots.size(); ++s) slots[s] = s;
    std::sort(slots.begin(), slots.end(), [node](std::size_t a, std::size_t b) {
      return utf16_compare(node->key(a), node->key(b)) < 0;
    });
    append_node_json(out, soul, *node, slots);
  }
  out += '}';
  return out;
}

}  // namespace gunpp
