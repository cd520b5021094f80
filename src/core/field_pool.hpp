// FieldPool: where a store keeps small field arrays (the decoded fields of
// a put's nodes, and the first block of the nodes it holds), so that a
// store filling with small nodes does not fault its memory in 4 KiB at a
// time.
//
// Arrays of up to kMaxBytes come from 2 MiB chunks mapped from the kernel
// and populated a window at a time ahead of use (populate_pages: one system
// call where the system heap would take one fault per page). The first
// chunk is on 4 KiB pages, so a small store takes a few pages; the next
// ones are each a 2 MiB page, faulted in whole by the first window's call,
// a turn that zeroes 2 MiB once per chunk. Freed arrays go to a free list
// of their size. The decoded fields of a put
// and the nodes they become are the same sizes, so a node's block takes
// the array its delta freed a moment before. Larger or over-aligned
// arrays go to operator new, as a std::vector's would.
//
// Memory handed back stays in the pool for the next array of its size
// until the pool is destroyed: a store's pool holds, for each size, the
// most arrays of that size it ever held at once. Under AddressSanitizer a
// free array is poisoned, so that a use after free is still reported.
//
// An implementation detail of the core and the wire layer. Thread safety:
// none; the store's thread only. Every array must be freed before the pool
// is destroyed.
#ifndef GUNPP_SRC_CORE_FIELD_POOL_HPP_
#define GUNPP_SRC_CORE_FIELD_POOL_HPP_

#include <array>
#include <cstddef>
#include <memory_resource>
#include <vector>

namespace gunpp::detail {

class FieldPool final : public std::pmr::memory_resource {
 public:
  // The largest array the pool serves itself: 51 fields.
  static constexpr std::size_t kMaxBytes = 4096;

  FieldPool() = default;
  FieldPool(const FieldPool&) = delete;
  FieldPool& operator=(const FieldPool&) = delete;
  ~FieldPool() override;

  // Bytes mapped for chunks so far.
  std::size_t mapped_bytes() const { return chunks_.size() * kChunkBytes; }

 private:
  static constexpr std::size_t kGrain = 16;  // sizes are rounded up to it
  static constexpr std::size_t kChunkBytes = std::size_t{2} << 20;
  // The populated window ahead of the next array starts at one page and
  // doubles up to this, so that a store of a few nodes populates a few
  // pages.
  static constexpr std::size_t kMaxWindowBytes = std::size_t{64} << 10;

  void* do_allocate(std::size_t bytes, std::size_t alignment) override;
  void do_deallocate(void* p, std::size_t bytes,
                     std::size_t alignment) override;
  bool do_is_equal(
      const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }

  static bool served(std::size_t bytes, std::size_t alignment) {
    return bytes > 0 && bytes <= kMaxBytes && alignment <= kGrain;
  }
  // An array of `bytes` (a multiple of kGrain) from the current chunk.
  void* carve(std::size_t bytes);

  struct FreeArray {
    FreeArray* next;
  };
  // Free arrays by size: free_[bytes / kGrain].
  std::array<FreeArray*, kMaxBytes / kGrain + 1> free_{};
  std::vector<void*> chunks_;
  char* next_ = nullptr;       // the current chunk's first unused byte
  char* end_ = nullptr;        // and its end
  char* populated_ = nullptr;  // populated up to here
  std::size_t window_ = 0;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_FIELD_POOL_HPP_
