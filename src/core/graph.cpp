#include "gunpp/graph.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "slot_index.hpp"

namespace gunpp {

Graph::Graph() : Graph(std::pmr::get_default_resource()) {}
Graph::Graph(std::pmr::memory_resource* fields) : fields_resource_(fields) {}
Graph::Graph(const Graph& other)
    : fields_resource_(std::pmr::get_default_resource()),
      nodes_(other.nodes_),
      node_index_(other.node_index_ != nullptr
                      ? std::make_unique<detail::SlotIndex>(*other.node_index_)
                      : nullptr),
      field_count_(other.field_count_) {}
Graph& Graph::operator=(const Graph& other) {
  if (this != &other) *this = Graph(other);
  return *this;
}
Graph::Graph(Graph&& other) noexcept = default;
Graph& Graph::operator=(Graph&& other) noexcept = default;
Graph::~Graph() = default;

namespace {
// Graphs of at most this many nodes (most messages) find a soul by a scan
// and make no index.
constexpr std::size_t kScannedNodes = 8;
}  // namespace

NodeDelta& Graph::node(std::string_view soul) {
  if (node_index_ == nullptr) {
    for (NodeDelta& n : nodes_) {
      if (n.soul == soul) return n;
    }
    if (nodes_.size() < kScannedNodes) {
      nodes_.push_back(
          NodeDelta{std::string(soul), FieldVector(fields_resource_)});
      return nodes_.back();
    }
    index_nodes();
  }
  const auto soul_at = [this](std::uint32_t s) -> const std::string& {
    return nodes_[s].soul;
  };
  const std::size_t hash = detail::SlotIndex::hash(soul);
  const std::uint32_t at = node_index_->find(soul, hash, soul_at);
  if (at != detail::SlotIndex::kNone) return nodes_[at];
  // The node first, so that a failed allocation leaves the index as it was.
  const auto next = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(NodeDelta{std::string(soul), FieldVector(fields_resource_)});
  try {
    node_index_->find_or_insert(soul, hash, next, soul_at);
  } catch (...) {
    nodes_.pop_back();
    throw;
  }
  return nodes_.back();
}

void Graph::index_nodes(std::size_t expected) {
  auto index = std::make_unique<detail::SlotIndex>();
  index->reserve(std::max(expected, nodes_.size()));
  const auto soul_at = [this](std::uint32_t s) -> const std::string& {
    return nodes_[s].soul;
  };
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    index->find_or_insert(nodes_[i].soul,
                          detail::SlotIndex::hash(nodes_[i].soul),
                          static_cast<std::uint32_t>(i), soul_at);
  }
  node_index_ = std::move(index);
}

Graph& Graph::add(std::string_view soul, std::string key, Value value,
                  State state) {
  node(soul).fields.push_back(Field{std::move(key), std::move(value), state});
  ++field_count_;
  return *this;
}

Graph& Graph::set_node(std::string soul, FieldVector fields) {
  NodeDelta& n = node(soul);
  field_count_ += fields.size();
  field_count_ -= n.fields.size();
  // Constructed anew, not assigned: an assignment between arrays of two
  // resources would move the fields one by one into a new array.
  std::destroy_at(&n.fields);
  std::construct_at(&n.fields, std::move(fields));
  return *this;
}

void Graph::reserve(std::string_view soul, std::size_t fields) {
  auto& n = node(soul);
  n.fields.reserve(n.fields.size() + fields);
}

void Graph::reserve_nodes(std::size_t nodes) {
  nodes_.reserve(nodes);
  if (node_index_ != nullptr) {
    node_index_->reserve(nodes);
  } else if (nodes > kScannedNodes) {
    index_nodes(nodes);
  }
}

std::vector<NodeDelta> Graph::take_nodes() {
  std::vector<NodeDelta> out = std::move(nodes_);
  nodes_.clear();
  node_index_.reset();
  field_count_ = 0;
  return out;
}

}  // namespace gunpp
