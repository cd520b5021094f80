#include "gunpp/node.hpp"

namespace gunpp {

std::optional<std::size_t> Node::find(std::string_view key) const {
  const std::uint32_t slot = index_.find(
      key, [this](std::uint32_t s) -> const std::string& { return keys_[s]; });
  if (slot == detail::SlotIndex::kNone) return std::nullopt;
  return slot;
}

State Node::state_of(std::string_view key) const {
  const auto slot = find(key);
  return slot ? states_[*slot] : kNoState;
}

std::size_t Node::set(std::string key, Value value, State state) {
  const auto [slot, inserted] =
      try_emplace(std::move(key), std::move(value), state);
  if (!inserted) assign(slot, std::move(value), state);
  return slot;
}

std::pair<std::size_t, bool> Node::try_emplace(std::string&& key, Value&& value,
                                               State state) {
  const auto next = static_cast<std::uint32_t>(keys_.size());
  const std::uint32_t slot = index_.find_or_insert(
      key, next,
      [this](std::uint32_t s) -> const std::string& { return keys_[s]; });
  if (slot != next) return {slot, false};
  keys_.push_back(std::move(key));
  values_.push_back(std::move(value));
  states_.push_back(state);
  return {slot, true};
}

void Node::assign(std::size_t slot, Value value, State state) {
  values_[slot] = std::move(value);
  states_[slot] = state;
}

std::size_t Node::memory_bytes() const {
  std::size_t bytes = sizeof(Node) + keys_.capacity() * sizeof(std::string) +
                      values_.capacity() * sizeof(Value) +
                      states_.capacity() * sizeof(State) +
                      index_.capacity() * sizeof(std::uint64_t);
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
