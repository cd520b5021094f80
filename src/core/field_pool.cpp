#include "field_pool.hpp"

#include <algorithm>
#include <new>

#include "page_advice.hpp"

namespace gunpp::detail {

FieldPool::~FieldPool() {
  for (void* chunk : chunks_) {
    unwatch_pointers(chunk, kChunkBytes);
    unpoison(chunk, kChunkBytes);
    free_zeroed(chunk, kChunkBytes);
  }
}

void* FieldPool::do_allocate(std::size_t bytes, std::size_t alignment) {
  if (!served(bytes, alignment)) {
    return std::pmr::new_delete_resource()->allocate(bytes, alignment);
  }
  const std::size_t size = (bytes + kGrain - 1) / kGrain * kGrain;
  FreeArray*& head = free_[size / kGrain];
  if (head == nullptr) return carve(size);
  FreeArray* const array = head;
  unpoison(array, size);
  head = array->next;
  return array;
}

void FieldPool::do_deallocate(void* p, std::size_t bytes,
                              std::size_t alignment) {
  if (!served(bytes, alignment)) {
    std::pmr::new_delete_resource()->deallocate(p, bytes, alignment);
    return;
  }
  const std::size_t size = (bytes + kGrain - 1) / kGrain * kGrain;
  FreeArray*& head = free_[size / kGrain];
  head = ::new (p) FreeArray{head};
  // The link stays readable; the rest of the array is off limits.
  poison(static_cast<char*>(p) + sizeof(FreeArray), size - sizeof(FreeArray));
}

void* FieldPool::carve(std::size_t bytes) {
  if (static_cast<std::size_t>(end_ - next_) < bytes) {
    // The rest of the chunk (under kMaxBytes) is left unused.
    chunks_.reserve(chunks_.size() + 1);
    // The chunks after the first on a 2 MiB page each (the header).
    void* const chunk = allocate_zeroed(kChunkBytes, !chunks_.empty());
    if (chunk == nullptr) throw std::bad_alloc();
    chunks_.push_back(chunk);
    // Its arrays hold strings whose text is on the heap.
    watch_pointers(chunk, kChunkBytes);
    next_ = populated_ = static_cast<char*>(chunk);
    end_ = next_ + kChunkBytes;
  }
  while (populated_ < next_ + bytes) {
    window_ = std::clamp<std::size_t>(2 * window_, 4096, kMaxWindowBytes);
    const std::size_t n =
        std::min(window_, static_cast<std::size_t>(end_ - populated_));
    populate_pages(populated_, n);
    touch_pages(populated_, n);
    populated_ += n;
  }
  void* const array = next_;
  next_ += bytes;
  return array;
}

}  // namespace gunpp::detail
