// SoulTable: values (the store's nodes in memory) by soul.
//
// Entries never move: a pointer to a value stays valid until that value is
// erased, which is what lets a job keep a Node* across turns while the
// store's node epoch holds. The index is a SlotIndex over the entries' souls,
// so no insert costs O(size) (a store of a million souls has no rehash
// turn), and a soul's hash computed once by SoulKey serves every lookup.
// Entries live in chunks of raw memory, constructed on first use; an erased
// entry's slot is reused by a later insert. Iteration is in slot order:
// insertion order until something is erased.
//
// The first chunk (kFirstChunk entries) is on the heap's ordinary pages, so
// that a small store stays small. Every later chunk is 4 MiB mapped on a
// huge page boundary and advised for huge pages: entries are written in
// slot order, so the insert that reaches a new 2 MiB page faults it in
// whole, one fault for about 10,000 souls instead of one per 4 KiB
// (docs/performance.md, "Fresh memory: the cost under every other"). Such
// a chunk is shown to LeakSanitizer as a place that holds pointers
// (watch_pointers).
// Internal to the core.
#ifndef GUNPP_SRC_CORE_SOUL_TABLE_HPP_
#define GUNPP_SRC_CORE_SOUL_TABLE_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "page_advice.hpp"
#include "slot_index.hpp"

namespace gunpp::detail {

// A soul with its hash computed once: a job that looks its node up every
// turn hashes the soul once, not every turn.
struct SoulKey {
  explicit SoulKey(std::string_view s) : soul(s), hash(SlotIndex::hash(s)) {}
  std::string_view soul;
  std::size_t hash;
};

template <typename T>
class SoulTable {
 public:
  SoulTable() = default;
  SoulTable(const SoulTable&) = delete;
  SoulTable& operator=(const SoulTable&) = delete;
  ~SoulTable() {
    for (std::uint32_t s = 0; s < end_; ++s) entry(s).~Entry();
  }

  std::size_t size() const { return index_.size(); }

  // The value of `key`, or nullptr.
  T* find(const SoulKey& key) {
    const std::uint32_t slot = index_.find(key.soul, key.hash, key_at());
    return slot == SlotIndex::kNone ? nullptr : &*entry(slot).value;
  }
  bool contains(std::string_view soul) {
    return find(SoulKey(soul)) != nullptr;
  }

  // The value of `key`, default-constructed first when absent; true when it
  // was. Allocation failure throws std::bad_alloc and changes nothing.
  std::pair<T*, bool> try_emplace(const SoulKey& key) {
    const std::uint32_t free = free_.empty() ? end_ : free_.back();
    if (free == end_ && end_ == capacity()) add_chunk();
    // `free` is in no bucket, so the index never asks for its soul.
    const std::uint32_t slot =
        index_.find_or_insert(key.soul, key.hash, free, key_at());
    if (slot != free) return {&*entry(slot).value, false};
    if (free == end_) {
      new (&entry_storage(*this, end_)) Entry();
      ++end_;
    } else {
      free_.pop_back();
    }
    Entry& e = entry(slot);
    e.soul.assign(key.soul);
    e.value.emplace();
    return {&*e.value, true};
  }

  // Removes `soul` and its value; false when absent.
  bool erase(std::string_view soul) {
    const SoulKey key(soul);
    const std::uint32_t slot = index_.erase(key.soul, key.hash, key_at());
    if (slot == SlotIndex::kNone) return false;
    Entry& e = entry(slot);
    e.value.reset();
    std::string().swap(e.soul);
    free_.push_back(slot);
    return true;
  }

  // Calls fn(soul, value) for every entry, in slot order. fn must not
  // insert or erase.
  template <typename F>
  void for_each(const F& fn) {
    for (std::uint32_t s = 0; s < end_; ++s) {
      Entry& e = entry(s);
      if (e.value) fn(std::as_const(e.soul), *e.value);
    }
  }
  template <typename F>
  void for_each(const F& fn) const {
    for (std::uint32_t s = 0; s < end_; ++s) {
      const Entry& e = entry(s);
      if (e.value) fn(e.soul, *e.value);
    }
  }

 private:
  struct Entry {
    std::string soul;
    std::optional<T> value;  // empty once erased
  };

  // Entries in the first chunk, and in each later one (4 MiB). A chunk is
  // allocated untouched, so its size costs nothing until slots are used.
  static constexpr std::uint32_t kFirstChunk = 4096;
  static constexpr std::size_t kChunkBytes = std::size_t{4} << 20;
  // A function, not a constant: sizeof(Entry) instantiates std::optional<T>,
  // and where the table is declared as a member of the class T is nested in
  // (the store's), T's default member initializers are not usable yet, so
  // Clang would fix the optional's traits as if T could not be constructed.
  static constexpr std::uint32_t chunk_entries() {
    return static_cast<std::uint32_t>(kChunkBytes / sizeof(Entry));
  }

  // Frees a chunk: the first to the heap, a later one to the kernel.
  struct FreeChunk {
    bool mapped = false;
    void operator()(Entry* p) const {
      if (mapped) {
        unwatch_pointers(p, kChunkBytes);
        free_zeroed(p, kChunkBytes);
      } else {
        ::operator delete (p, std::align_val_t{alignof(Entry)});
      }
    }
  };

  std::uint32_t capacity() const {
    return chunks_.empty()
               ? 0
               : kFirstChunk + static_cast<std::uint32_t>((chunks_.size() - 1) *
                                                          chunk_entries());
  }
  // Appends a chunk; throws std::bad_alloc, changing nothing, when there is
  // no memory for it.
  void add_chunk() {
    chunks_.reserve(chunks_.size() + 1);
    if (chunks_.empty()) {
      chunks_.emplace_back(static_cast<Entry*>(::operator new (
          kFirstChunk * sizeof(Entry), std::align_val_t{alignof(Entry)})));
      return;
    }
    void* const chunk = allocate_zeroed(kChunkBytes, /*huge_pages=*/true);
    if (chunk == nullptr) throw std::bad_alloc();
    watch_pointers(chunk, kChunkBytes);  // entries hold souls and nodes
    chunks_.emplace_back(static_cast<Entry*>(chunk), FreeChunk{true});
  }
  // The storage of `slot` (< capacity()), constructed or not.
  template <typename Self>
  static auto& entry_storage(Self& table, std::uint32_t slot) {
    if (slot < kFirstChunk) return table.chunks_[0].get()[slot];
    const std::uint32_t rest = slot - kFirstChunk;
    return table.chunks_[1 + rest / chunk_entries()]
        .get()[rest % chunk_entries()];
  }
  Entry& entry(std::uint32_t slot) { return entry_storage(*this, slot); }
  const Entry& entry(std::uint32_t slot) const {
    return entry_storage(*this, slot);
  }
  auto key_at() const {
    return
        [this](std::uint32_t s) -> const std::string& { return entry(s).soul; };
  }

  std::vector<std::unique_ptr<Entry, FreeChunk>> chunks_;
  std::uint32_t end_ = 0;            // slots [0, end_) hold constructed entries
  std::vector<std::uint32_t> free_;  // erased slots, for reuse
  SlotIndex index_;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_SOUL_TABLE_HPP_
