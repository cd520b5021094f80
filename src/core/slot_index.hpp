// SlotIndex: a flat open-addressing hash index from string keys to slot
// numbers, for keys that live elsewhere (a column of strings). It stores a
// 32-bit slot and a 32-bit hash tag per bucket, never the keys, at most 3/4
// full: 11 to 21 bytes per key.
//
// Growing never costs one insert O(n): the doubled table is zeroed storage
// (allocate_zeroed: for large tables, fresh zero pages from the kernel, so
// no fill), and the old table's entries move over a few
// buckets per insert while lookups probe both tables. The old table is
// freed once empty.
//
// A table presized for a node put whole (reserve with Fill::kStaged) is on
// huge pages, which its owner faults in one per turn (warm_step) before it
// writes the table at random; see reserve().
//
// Erasing leaves a tombstone that probes go on past; tombstones count toward
// the load and are dropped by the next growth, which keeps the table's size
// when the live keys fit (so erase-and-insert churn does not grow it).
// An implementation detail of Node, the store's soul table and the wire
// decoder, not part of the API.
#ifndef GUNPP_SRC_CORE_SLOT_INDEX_HPP_
#define GUNPP_SRC_CORE_SLOT_INDEX_HPP_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string_view>
#include <utility>

#include "page_advice.hpp"

namespace gunpp::detail {

// Equality of keys for a search without an index. Keys of the same length
// mostly differ in their last byte ("f0", "f1"): it is compared before the
// whole key.
inline bool same_key(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || a.back() == b.back()) && a == b;
}

class SlotIndex {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  SlotIndex() = default;
  SlotIndex(SlotIndex&&) noexcept = default;
  SlotIndex& operator=(SlotIndex&&) noexcept = default;
  SlotIndex(const SlotIndex& other) { *this = other; }
  SlotIndex& operator=(const SlotIndex& other) {
    if (this != &other) {
      table_ = other.table_.copy();
      old_ = other.old_.copy();
      size_ = other.size_;
      tombstones_ = other.tombstones_;
      moved_ = other.moved_;
      cold_bytes_ = 0;  // a copy is written whole
    }
    return *this;
  }

  // The hash of `key` that the index uses. A caller that looks one key up
  // many times may keep it and pass it to the overloads taking `hash`.
  static std::size_t hash(std::string_view key) {
    return std::hash<std::string_view>{}(key);
  }

  // The slot of `key`, or kNone. `key_at(slot)` returns the key of a slot.
  template <typename KeyAt>
  std::uint32_t find(std::string_view key, const KeyAt& key_at) const {
    return find(key, hash(key), key_at);
  }
  template <typename KeyAt>
  std::uint32_t find(std::string_view key, std::size_t hash,
                     const KeyAt& key_at) const {
    const std::uint32_t tag = tag_of(hash);
    const std::uint32_t slot = table_.find(key, tag, key_at).slot;
    if (slot != kNone || old_.empty()) return slot;
    return old_.find(key, tag, key_at).slot;
  }

  // Returns the slot of `key`; when absent, records `new_slot` for it (the
  // caller stores the key at that slot) and returns `new_slot`.
  template <typename KeyAt>
  std::uint32_t find_or_insert(std::string_view key, std::uint32_t new_slot,
                               const KeyAt& key_at) {
    return find_or_insert(key, hash(key), new_slot, key_at);
  }
  template <typename KeyAt>
  std::uint32_t find_or_insert(std::string_view key, std::size_t hash,
                               std::uint32_t new_slot, const KeyAt& key_at) {
    if (4 * (std::size_t{size_} + tombstones_ + 1) > 3 * table_.capacity) {
      grow();
    }
    move_some();
    const std::uint32_t tag = tag_of(hash);
    const Probe probe = table_.find(key, tag, key_at);
    if (probe.slot != kNone) return probe.slot;
    if (!old_.empty()) {
      const std::uint32_t slot = old_.find(key, tag, key_at).slot;
      if (slot != kNone) return slot;
    }
    table_.buckets[probe.bucket] = entry(tag, new_slot);
    ++size_;
    return new_slot;
  }

  // Removes `key`, returning the slot it had, or kNone when absent. The
  // caller may reuse the slot for another key.
  template <typename KeyAt>
  std::uint32_t erase(std::string_view key, std::size_t hash,
                      const KeyAt& key_at) {
    const std::uint32_t tag = tag_of(hash);
    Probe probe = table_.find(key, tag, key_at);
    if (probe.slot != kNone) {
      table_.buckets[probe.bucket] = kMoved;  // a tombstone in this table
      ++tombstones_;
    } else if (!old_.empty()) {
      probe = old_.find(key, tag, key_at);
      if (probe.slot == kNone) return kNone;
      old_.buckets[probe.bucket] = kMoved;  // never moves over
    } else {
      return kNone;
    }
    --size_;
    return probe.slot;
  }

  // Keys in the index.
  std::size_t size() const { return size_; }

  // Removes every key. A small table is zeroed and kept for the next keys
  // (an index reused for many small sets allocates once); a large one is
  // freed.
  void clear() {
    old_ = Table();
    if (table_.capacity > kKeptBuckets) table_ = Table();
    if (!table_.empty()) {
      std::memset(table_.buckets.get(), 0,
                  table_.capacity * sizeof(std::uint64_t));
    }
    size_ = tombstones_ = 0;
    moved_ = 0;
    cold_bytes_ = 0;
  }

  // Starts fetching the buckets where a probe for `key` begins, so that
  // several probes' cache misses overlap instead of queueing.
  void prefetch(std::string_view key) const { prefetch_hashed(hash(key)); }
  // The same for a key whose hash(key) the caller already has. Always
  // inlined: GCC takes a function that only prefetches for one without
  // effects, and drops its calls.
  [[gnu::always_inline]] void prefetch_hashed(std::size_t key_hash) const {
    const std::uint32_t tag = tag_of(key_hash);
    table_.prefetch(tag);
    old_.prefetch(tag);
  }

  // Buckets allocated, in both tables.
  std::size_t capacity() const { return table_.capacity + old_.capacity; }

  // How reserve() brings in a new table's pages.
  enum class Fill {
    // As inserts first touch them, 4 KiB at a time.
    kByInserts,
    // All at once (prefault, see page_advice.hpp): the table is about to be
    // filled in one go, not a few keys a turn.
    kAtOnce,
    // A table of kStagedMinBytes or more goes on huge pages, which the
    // owner faults in with warm_step(), one a turn, while warming() before
    // it inserts: a turn that inserts into a cold huge-page table may fault
    // in (zero) a 2 MiB page for every key. Smaller tables: kByInserts.
    kStaged,
  };
  static constexpr std::size_t kStagedMinBytes = 2 * kHugePageBytes;

  // Makes room for `n` keys in all, so that inserting them grows nothing.
  // Unlike inserts, this may take O(size) at once.
  void reserve(std::size_t n, Fill fill = Fill::kByInserts) {
    if (n == 0) return;
    while (!old_.empty()) move_some();
    std::size_t capacity = table_.capacity == 0 ? 8 : table_.capacity;
    while (4 * n > 3 * capacity) capacity *= 2;
    if (capacity == table_.capacity) return;
    const std::size_t bytes = capacity * sizeof(std::uint64_t);
    const bool staged = fill == Fill::kStaged && bytes >= kStagedMinBytes;
    Table bigger(capacity, staged);
    for (std::size_t b = 0; b < table_.capacity; ++b) {
      if (is_live(table_.buckets[b])) bigger.place(table_.buckets[b]);
    }
    table_ = std::move(bigger);
    tombstones_ = 0;
    cold_bytes_ = staged ? bytes : 0;
    if (fill == Fill::kAtOnce) prefault(table_.buckets.get(), bytes);
  }

  // Whether a staged table still has pages to fault in. Lookups and
  // inserts are correct either way; only their cost differs.
  bool warming() const { return cold_bytes_ != 0; }

  // Faults in the next huge page of a staged table (one 2 MiB zeroing).
  void warm_step() {
    if (cold_bytes_ == 0) return;
    const std::size_t bytes = table_.capacity * sizeof(std::uint64_t);
    const std::size_t step = std::min(cold_bytes_, kHugePageBytes);
    populate_pages(reinterpret_cast<const char*>(table_.buckets.get()) +
                       (bytes - cold_bytes_),
                   step);
    cold_bytes_ -= step;
  }

 private:
  // A bucket holds the key's 32-bit hash tag above its slot + 1: 0 is an
  // empty bucket, kMoved one whose entry moved to the new table (probes go
  // on past it). The tag picks the home bucket (so growing never re-reads
  // keys) and filters probes (so a probe rarely touches a key that does not
  // match).
  static constexpr std::uint64_t kEmpty = 0;
  static constexpr std::uint64_t kMoved = ~std::uint64_t{0};
  // Old buckets moved per insert while a growth is under way. Each moved
  // entry is a write at random into the new table, so fewer a turn make an
  // inserting turn cheaper, but the move must end before the new table is
  // 3/4 full. A doubled table starts at most 3/8 full and takes
  // capacity / 4 inserts at two moves each (5/8 full at most); one rebuilt
  // at its size also starts at most 3/8 full but has as many buckets to
  // move as it holds, so it moves four an insert (5/8 full at most too).
  static constexpr std::size_t kMovesPerInsertDoubled = 2;
  static constexpr std::size_t kMovesPerInsertRebuilt = 4;
  // The largest table clear() keeps (4 KiB).
  static constexpr std::size_t kKeptBuckets = 512;

  static std::uint32_t tag_of(std::size_t hash) {
    return static_cast<std::uint32_t>(hash ^ (hash >> 32));
  }
  static std::uint64_t entry(std::uint32_t tag, std::uint32_t slot) {
    return (std::uint64_t{tag} << 32) | (std::uint64_t{slot} + 1);
  }
  static bool is_live(std::uint64_t bucket) {
    return bucket != kEmpty && bucket != kMoved;
  }

  struct Probe {
    std::uint32_t slot;  // kNone when absent
    std::size_t bucket;  // where it is, or the empty bucket that ends the probe
  };

  // The table's size travels with its pointer (value-initialized: 0).
  struct Free {
    std::size_t bytes;
    void operator()(std::uint64_t* p) const { free_zeroed(p, bytes); }
  };

  struct Table {
    Table() = default;
    explicit Table(std::size_t n, bool huge_pages = false)
        : buckets(static_cast<std::uint64_t*>(
                      allocate_zeroed(n * sizeof(std::uint64_t), huge_pages)),
                  Free{n * sizeof(std::uint64_t)}),
          capacity(n) {
      if (!buckets) throw std::bad_alloc();
    }

    bool empty() const { return capacity == 0; }

    Table copy() const {
      Table out;
      if (capacity == 0) return out;
      out = Table(capacity);
      std::memcpy(out.buckets.get(), buckets.get(),
                  capacity * sizeof(std::uint64_t));
      return out;
    }

    template <typename KeyAt>
    Probe find(std::string_view key, std::uint32_t tag,
               const KeyAt& key_at) const {
      if (capacity == 0) return {kNone, 0};
      const std::size_t mask = capacity - 1;
      for (std::size_t b = tag & mask;; b = (b + 1) & mask) {
        const std::uint64_t e = buckets[b];
        if (e == kEmpty) return {kNone, b};
        if (e == kMoved || static_cast<std::uint32_t>(e >> 32) != tag) {
          continue;
        }
        const auto slot = static_cast<std::uint32_t>(e) - 1;
        if (key_at(slot) == key) return {slot, b};
      }
    }

    // Puts an entry whose key is in no bucket yet into its first free one.
    void place(std::uint64_t e) {
      const std::size_t mask = capacity - 1;
      std::size_t b = (e >> 32) & mask;
      while (buckets[b] != kEmpty) b = (b + 1) & mask;
      buckets[b] = e;
    }

    [[gnu::always_inline]] void prefetch(std::uint32_t tag) const {
      if (capacity != 0) __builtin_prefetch(&buckets[tag & (capacity - 1)]);
    }

    std::unique_ptr<std::uint64_t[], Free> buckets;
    std::size_t capacity = 0;
  };

  // Doubles the table, or rebuilds it at its size when tombstones take the
  // room (either way it starts at most 3/8 full); the old one's entries move
  // over later inserts.
  void grow() {
    while (!old_.empty()) move_some();  // never: a move ends long before
    std::size_t capacity = table_.empty() ? 8 : table_.capacity * 2;
    if (8 * (std::size_t{size_} + 1) <= 3 * table_.capacity) {
      capacity = table_.capacity;
    }
    old_ = std::exchange(table_, Table(capacity));
    tombstones_ = 0;
    moved_ = 0;
    cold_bytes_ = 0;
  }

  void move_some() {
    if (old_.empty()) return;
    const std::size_t per = old_.capacity < table_.capacity
                                ? kMovesPerInsertDoubled
                                : kMovesPerInsertRebuilt;
    const std::size_t end = std::min(old_.capacity, moved_ + per);
    for (; moved_ < end; ++moved_) {
      std::uint64_t& e = old_.buckets[moved_];
      if (is_live(e)) table_.place(e);
      if (e != kEmpty) e = kMoved;
    }
    if (moved_ == old_.capacity) old_ = Table();
  }

  Table table_;
  Table old_;                     // while a growth is under way
  std::uint32_t size_ = 0;        // live keys, in both tables
  std::uint32_t tombstones_ = 0;  // erased buckets of table_
  std::size_t moved_ = 0;         // old buckets [0, moved_) have moved
  std::size_t cold_bytes_ = 0;    // table_'s last bytes, not yet warmed
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_SLOT_INDEX_HPP_
