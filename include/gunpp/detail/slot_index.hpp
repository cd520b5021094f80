// SlotIndex: a flat open-addressing hash index from string keys to slot
// numbers, for keys that live elsewhere (a column of strings). It stores only
// 32-bit slots, never the keys, so it costs 8 to 16 bytes per key.
// An implementation detail of Node and the wire decoder, not part of the API.
#ifndef GUNPP_DETAIL_SLOT_INDEX_HPP_
#define GUNPP_DETAIL_SLOT_INDEX_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace gunpp::detail {

class SlotIndex {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // The slot of `key`, or kNone. `key_at(slot)` returns the key of a slot.
  template <typename KeyAt>
  std::uint32_t find(std::string_view key, const KeyAt& key_at) const {
    if (buckets_.empty()) return kNone;
    return buckets_[bucket_of(key, key_at)];
  }

  // Returns the slot of `key`; when absent, records `new_slot` for it (the
  // caller stores the key at that slot) and returns `new_slot`.
  template <typename KeyAt>
  std::uint32_t find_or_insert(std::string_view key, std::uint32_t new_slot,
                               const KeyAt& key_at) {
    if (2 * (size_ + 1) > buckets_.size()) grow(key_at);
    const std::size_t b = bucket_of(key, key_at);
    if (buckets_[b] != kNone) return buckets_[b];
    buckets_[b] = new_slot;
    ++size_;
    return new_slot;
  }

  std::size_t capacity() const { return buckets_.capacity(); }

 private:
  static std::size_t hash(std::string_view key) {
    return std::hash<std::string_view>{}(key);
  }

  template <typename KeyAt>
  std::size_t bucket_of(std::string_view key, const KeyAt& key_at) const {
    const std::size_t mask = buckets_.size() - 1;
    std::size_t b = hash(key) & mask;
    while (buckets_[b] != kNone && key_at(buckets_[b]) != key) {
      b = (b + 1) & mask;
    }
    return b;
  }

  template <typename KeyAt>
  void grow(const KeyAt& key_at) {
    const std::size_t capacity = buckets_.empty() ? 8 : buckets_.size() * 2;
    std::vector<std::uint32_t> old(capacity, kNone);
    old.swap(buckets_);
    const std::size_t mask = capacity - 1;
    for (const std::uint32_t slot : old) {
      if (slot == kNone) continue;
      std::size_t b = hash(key_at(slot)) & mask;
      while (buckets_[b] != kNone) b = (b + 1) & mask;
      buckets_[b] = slot;
    }
  }

  std::vector<std::uint32_t> buckets_;
  std::size_t size_ = 0;
};

}  // namespace gunpp::detail

#endif  // GUNPP_DETAIL_SLOT_INDEX_HPP_
