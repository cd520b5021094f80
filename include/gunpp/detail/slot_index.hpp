// SlotIndex: a flat open-addressing hash index from string keys to slot
// numbers, for keys that live elsewhere (a column of strings). It stores a
// 32-bit slot and a 32-bit hash tag per bucket, never the keys, at most 3/4
// full: 11 to 21 bytes per key.
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
    return slot_of(buckets_[bucket_of(key, tag_of(key), key_at)]);
  }

  // Returns the slot of `key`; when absent, records `new_slot` for it (the
  // caller stores the key at that slot) and returns `new_slot`.
  template <typename KeyAt>
  std::uint32_t find_or_insert(std::string_view key, std::uint32_t new_slot,
                               const KeyAt& key_at) {
    if (4 * (size_ + 1) > 3 * buckets_.size()) grow();
    const std::uint32_t tag = tag_of(key);
    const std::size_t b = bucket_of(key, tag, key_at);
    if (buckets_[b] != kEmpty) return slot_of(buckets_[b]);
    buckets_[b] = (std::uint64_t{tag} << 32) | new_slot;
    ++size_;
    return new_slot;
  }

  // Starts fetching the bucket where a probe for `key` begins, so that
  // several probes' cache misses overlap instead of queueing.
  void prefetch(std::string_view key) const {
    if (!buckets_.empty()) {
      __builtin_prefetch(&buckets_[tag_of(key) & (buckets_.size() - 1)]);
    }
  }

  std::size_t capacity() const { return buckets_.capacity(); }

  // Makes room for `n` keys in all, so that inserting them grows nothing.
  void reserve(std::size_t n) {
    while (4 * n > 3 * buckets_.size()) grow();
  }

 private:
  // A bucket holds the key's 32-bit hash tag above its slot. The tag picks
  // the home bucket (so growing never re-reads keys) and filters probes (so
  // a probe rarely touches a key that does not match).
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};

  static std::uint32_t tag_of(std::string_view key) {
    const std::size_t h = std::hash<std::string_view>{}(key);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }
  static std::uint32_t slot_of(std::uint64_t bucket) {
    return static_cast<std::uint32_t>(bucket);
  }

  template <typename KeyAt>
  std::size_t bucket_of(std::string_view key, std::uint32_t tag,
                        const KeyAt& key_at) const {
    const std::size_t mask = buckets_.size() - 1;
    std::size_t b = tag & mask;
    while (buckets_[b] != kEmpty && ((buckets_[b] >> 32) != tag ||
                                     key_at(slot_of(buckets_[b])) != key)) {
      b = (b + 1) & mask;
    }
    return b;
  }

  void grow() {
    const std::size_t capacity = buckets_.empty() ? 8 : buckets_.size() * 2;
    std::vector<std::uint64_t> old(capacity, kEmpty);
    old.swap(buckets_);
    const std::size_t mask = capacity - 1;
    for (const std::uint64_t entry : old) {
      if (entry == kEmpty) continue;
      std::size_t b = (entry >> 32) & mask;
      while (buckets_[b] != kEmpty) b = (b + 1) & mask;
      buckets_[b] = entry;
    }
  }

  std::vector<std::uint64_t> buckets_;
  std::size_t size_ = 0;
};

}  // namespace gunpp::detail

#endif  // GUNPP_DETAIL_SLOT_INDEX_HPP_
