#include "gunpp/node.hpp"

#include <algorithm>

#include "gunpp/detail/page_advice.hpp"

namespace gunpp {

namespace {
constexpr std::uint32_t kNone = detail::SlotIndex::kNone;
}  // namespace

std::optional<std::size_t> Node::find(std::string_view key) const {
  const std::uint32_t slot =
      indexed() ? index_.find(key,
                              [this](std::uint32_t s) -> const std::string& {
                                return this->key(s);
                              })
                : scan(key);
  if (slot == kNone) return std::nullopt;
  return slot;
}

State Node::state_of(std::string_view key) const {
  const auto slot = find(key);
  return slot ? state(*slot) : kNoState;
}

std::size_t Node::set(std::string key, Value value, State state) {
  const auto [slot, inserted] =
      try_emplace(std::move(key), std::move(value), state);
  if (!inserted) assign(slot, std::move(value), state);
  return slot;
}

std::pair<std::size_t, bool> Node::try_emplace(std::string&& key, Value&& value,
                                               State state) {
  return try_emplace(std::move(key), std::move(value), state, Hint());
}

std::pair<std::size_t, bool> Node::try_emplace(std::string&& key, Value&& value,
                                               State state, Hint hint) {
  const auto next = static_cast<std::uint32_t>(size_);
  if (!indexed() && size_ == kScanFields) build_index();
  const std::uint32_t slot =
      indexed()
          ? index_.find_or_insert(
                key, hint.hashed ? hint.hash : detail::SlotIndex::hash(key),
                next,
                [this](std::uint32_t s) -> const std::string& {
                  return this->key(s);
                })
          : scan(key);
  if (slot != next && slot != kNone) return {slot, false};
  if (blocks_.empty()) {
    blocks_.emplace_back();
  } else if (size_ >= first_block_fields_ &&
             (size_ - first_block_fields_) % kBlockFields == 0) {
    Block& fresh = blocks_.emplace_back();  // full-size at once: never grows
    fresh.keys.reserve(kBlockFields);
    fresh.values.reserve(kBlockFields);
    fresh.states.reserve(kBlockFields);
  }
  Block& last = blocks_.back();
  if (last.keys.size() == last.keys.capacity()) {
    grow(last, blocks_.size() == 1 ? first_block_fields_ : kBlockFields);
  }
  if (last.keys.size() % kPopulateSlots == 0 &&
      last.keys.capacity() >= kPopulateSlots) {
    populate_window(last);
  }
  last.keys.push_back(std::move(key));
  last.values.push_back(std::move(value));
  last.states.push_back(state);
  ++size_;
  return {next, true};
}

void Node::reserve(std::size_t fields) {
  if (size_ != 0 || fields == 0) return;
  first_block_fields_ = std::max(fields, kBlockFields);
  if (blocks_.empty()) blocks_.emplace_back();
  Block& b = blocks_.front();
  b.keys.reserve(fields);
  b.values.reserve(fields);
  b.states.reserve(fields);
  // Columns of megabytes: a 2 MiB page's fault every few thousand turns,
  // and few TLB misses, instead of a 4 KiB fault every few turns.
  detail::advise_huge_pages(b.keys.data(), fields * sizeof(std::string));
  detail::advise_huge_pages(b.values.data(), fields * sizeof(Value));
  detail::advise_huge_pages(b.states.data(), fields * sizeof(State));
  if (fields > kScanFields) {
    index_.reserve(fields, detail::SlotIndex::Fill::kStaged);
  }
}

std::uint32_t Node::scan(std::string_view key) const {
  // Up to kScanFields fields: all in the first block.
  if (blocks_.empty()) return kNone;
  const std::vector<std::string>& keys = blocks_.front().keys;
  for (std::size_t s = 0; s < keys.size(); ++s) {
    if (detail::same_key(keys[s], key)) return static_cast<std::uint32_t>(s);
  }
  return kNone;
}

void Node::build_index() {
  index_.reserve(size_ + 1);
  const std::vector<std::string>& keys = blocks_.front().keys;
  for (std::size_t s = 0; s < keys.size(); ++s) {
    index_.find_or_insert(
        keys[s], static_cast<std::uint32_t>(s),
        [&keys](std::uint32_t t) -> const std::string& { return keys[t]; });
  }
}

namespace {
template <typename T>
void populate_spare(const std::vector<T>& column, std::size_t slots) {
  const std::size_t n = std::min(slots, column.capacity() - column.size());
  const T* const spare = column.data() + column.size();
  detail::populate_pages(spare, n * sizeof(T));
  detail::touch_pages(spare, n * sizeof(T));
}
}  // namespace

void Node::populate_window(const Block& b) {
  populate_spare(b.keys, kPopulateSlots);
  populate_spare(b.values, kPopulateSlots);
  populate_spare(b.states, kPopulateSlots);
}

void Node::grow(Block& b, std::size_t slots) {
  // Only a first block reserved short (or a copied node's blocks) can fill
  // up before its end. It doubles, but never past its slot count.
  const std::size_t to =
      std::min(std::max<std::size_t>(2 * b.keys.capacity(), 1), slots);
  b.keys.reserve(to);
  b.values.reserve(to);
  b.states.reserve(to);
}

void Node::assign(std::size_t slot, Value value, State state) {
  const Where w = locate(slot);
  Block& b = blocks_[w.block];
  b.values[w.offset] = std::move(value);
  b.states[w.offset] = state;
}

std::size_t Node::memory_bytes() const {
  std::size_t bytes = sizeof(Node) + blocks_.capacity() * sizeof(Block) +
                      index_.capacity() * sizeof(std::uint64_t);
  // Strings longer than the small-string buffer own a heap block.
  auto heap = [](const std::string& s) {
    return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
  };
  for (const Block& b : blocks_) {
    bytes += b.keys.capacity() * sizeof(std::string) +
             b.values.capacity() * sizeof(Value) +
             b.states.capacity() * sizeof(State);
    for (const auto& k : b.keys) bytes += heap(k);
    for (const auto& v : b.values) {
      if (v.is_string()) bytes += heap(v.as_string());
      if (v.is_link()) bytes += heap(v.as_link().soul());
    }
  }
  return bytes;
}

}  // namespace gunpp
