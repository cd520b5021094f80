#include "gunpp/node.hpp"

#include <functional>

namespace gunpp {

namespace {

std::size_t hash_key(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

}  // namespace

std::size_t Node::bucket_of(std::string_view key) const {
  const std::size_t mask = index_.size() - 1;
  std::size_t b = hash_key(key) & mask;
  while (index_[b] != kEmpty && keys_[index_[b]] != key) b = (b + 1) & mask;
  return b;
}

std::optional<std::size_t> Node::find(std::string_view key) const {
  if (index_.empty()) return std::nullopt;
  const std::uint32_t slot = index_[bucket_of(key)];
  if (slot == kEmpty) return std::nullopt;
  return slot;
}

State Node::state_of(std::string_view key) const {
  const auto slot = find(key);
  return slot ? states_[*slot] : kNoState;
}

std::size_t Node::set(std::string key, Value value, State state) {
  if (2 * (keys_.size() + 1) > index_.size()) grow_index();
  const std::size_t b = bucket_of(key);
  if (index_[b] != kEmpty) {
    assign(index_[b], std::move(value), state);
    return index_[b];
  }
  const auto slot = static_cast<std::uint32_t>(keys_.size());
  keys_.push_back(std::move(key));
  values_.push_back(std::move(value));
  states_.push_back(state);
  index_[b] = slot;
  return slot;
}

void Node::assign(std::size_t slot, Value value, State state) {
  values_[slot] = std::move(value);
  states_[slot] = state;
}

void Node::grow_index() {
  const std::size_t capacity = index_.empty() ? 8 : index_.size() * 2;
  index_.assign(capacity, kEmpty);
  const std::size_t mask = capacity - 1;
  for (std::uint32_t slot = 0; slot < keys_.size(); ++slot) {
    std::size_t b = hash_key(keys_[slot]) & mask;
    while (index_[b] != kEmpty) b = (b + 1) & mask;
    index_[b] = slot;
  }
}

std::size_t Node::memory_bytes() const {
  std::size_t bytes = sizeof(Node) + keys_.capacity() * sizeof(std::string) +
                      values_.capacity() * sizeof(Value) +
                      states_.capacity() * sizeof(State) +
                      index_.capacity() * sizeof(std::uint32_t);
  // Strings longer than the small-string buffer own a heap block.
  auto heap = [](const std::string& s) {
    return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
  };
  for (const auto& k : keys_) bytes += heap(k);
  for (const auto& v : values_) {
    if (v.is_string()) bytes += heap(v.as_string());
    if (v.is_link()) bytes += heap(v.as_link().soul());
  }
  return bytes;
}

}  // namespace gunpp
