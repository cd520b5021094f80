#include "gunpp/graph.hpp"

namespace gunpp {

NodeDelta& Graph::node(std::string_view soul) {
  auto [it, inserted] =
      node_index_.try_emplace(std::string(soul), nodes_.size());
  if (inserted) nodes_.push_back(NodeDelta{std::string(soul), {}});
  return nodes_[it->second];
}

Graph& Graph::add(std::string_view soul, std::string key, Value value,
                  State state) {
  node(soul).fields.push_back(Field{std::move(key), std::move(value), state});
  ++field_count_;
  return *this;
}

Graph& Graph::set_node(std::string soul, std::vector<Field> fields) {
  NodeDelta& n = node(soul);
  field_count_ += fields.size();
  field_count_ -= n.fields.size();
  n.fields = std::move(fields);
  return *this;
}

void Graph::reserve(std::string_view soul, std::size_t fields) {
  auto& n = node(soul);
  n.fields.reserve(n.fields.size() + fields);
}

std::vector<NodeDelta> Graph::take_nodes() {
  std::vector<NodeDelta> out = std::move(nodes_);
  nodes_.clear();
  node_index_.clear();
  field_count_ = 0;
  return out;
}

}  // namespace gunpp
