// The one file of the core that speaks to the operating system: page advice
// (madvise) where the platform has it, and zeroed mappings.
#include "page_advice.hpp"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

// GCC says -fsanitize=address with a macro, Clang with a feature.
#if defined(__SANITIZE_ADDRESS__)
#define GUNPP_LEAK_CHECKS 1
#define GUNPP_ADDRESS_CHECKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define GUNPP_LEAK_CHECKS 1
#endif
#if __has_feature(address_sanitizer)
#define GUNPP_ADDRESS_CHECKS 1
#endif
#endif
#if defined(GUNPP_LEAK_CHECKS)
#include <sanitizer/lsan_interface.h>
#endif
#if defined(GUNPP_ADDRESS_CHECKS)
#include <sanitizer/asan_interface.h>
#endif

namespace gunpp::detail {

namespace {

#if defined(__linux__)
// madvise(advice) on the whole `unit`-aligned units inside the range. A
// refusal (EINVAL when THP is compiled out, say) leaves the pages as they
// were.
void advise_units(const void* data, std::size_t bytes, std::uintptr_t unit,
                  int advice) {
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + unit - 1) & ~(unit - 1);
  const std::uintptr_t last = (begin + bytes) & ~(unit - 1);
  if (last <= first) return;
  (void)::madvise(reinterpret_cast<void*>(first), last - first, advice);
}
#endif

}  // namespace

void advise_huge_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  advise_units(data, bytes, kHugePageBytes, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

void prefault(const void* data, std::size_t bytes) noexcept {
  if (bytes < kPrefaultMinBytes) return;
  advise_huge_pages(data, bytes);
  populate_pages(data, bytes);
}

void* allocate_zeroed(std::size_t bytes, bool huge_pages) noexcept {
#if defined(__linux__)
  if (bytes >= kHugePageBytes) {
    // For huge pages, a mapping one huge page longer, trimmed to start on a
    // huge page's boundary.
    const std::size_t slack = huge_pages ? kHugePageBytes : 0;
    void* const map = ::mmap(nullptr, bytes + slack, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) return nullptr;
    if (!huge_pages) return map;
    const auto at = reinterpret_cast<std::uintptr_t>(map);
    const std::uintptr_t begin = (at + slack - 1) & ~(slack - 1);
    if (begin > at) ::munmap(map, begin - at);
    ::munmap(reinterpret_cast<void*>(begin + bytes), at + slack - begin);
    void* const data = reinterpret_cast<void*>(begin);
    advise_huge_pages(data, bytes);
    return data;
  }
#else
  (void)huge_pages;
#endif
  return std::calloc(bytes, 1);
}

void free_zeroed(void* data, std::size_t bytes) noexcept {
  if (data == nullptr) return;
#if defined(__linux__)
  if (bytes >= kHugePageBytes) {
    ::munmap(data, bytes);
    return;
  }
#endif
  std::free(data);
}

void watch_pointers(const void* data, std::size_t bytes) noexcept {
#if defined(GUNPP_LEAK_CHECKS)
  __lsan_register_root_region(data, bytes);
#else
  (void)data;
  (void)bytes;
#endif
}

void unwatch_pointers(const void* data, std::size_t bytes) noexcept {
#if defined(GUNPP_LEAK_CHECKS)
  __lsan_unregister_root_region(data, bytes);
#else
  (void)data;
  (void)bytes;
#endif
}

void poison(const void* data, std::size_t bytes) noexcept {
#if defined(GUNPP_ADDRESS_CHECKS)
  __asan_poison_memory_region(data, bytes);
#else
  (void)data;
  (void)bytes;
#endif
}

void unpoison(const void* data, std::size_t bytes) noexcept {
#if defined(GUNPP_ADDRESS_CHECKS)
  __asan_unpoison_memory_region(data, bytes);
#else
  (void)data;
  (void)bytes;
#endif
}

void release_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__)
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  advise_units(data, bytes, page, MADV_DONTNEED);
#else
  (void)data;
  (void)bytes;
#endif
}

void populate_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__)
  // The kernel headers of older distributions lack the name.
  constexpr int kPopulateWrite = 23;  // MADV_POPULATE_WRITE
  // EINVAL once means a kernel older than 5.14: no more calls.
  static std::atomic<bool> unsupported{false};
  if (bytes == 0 || unsupported.load(std::memory_order_relaxed)) return;
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<std::uintptr_t>(data) & ~(page - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(data) + bytes;
  if (::madvise(reinterpret_cast<void*>(begin), end - begin, kPopulateWrite) !=
          0 &&
      errno == EINVAL) {
    unsupported.store(true, std::memory_order_relaxed);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

void touch_pages(const void* data, std::size_t bytes) noexcept {
  if (bytes == 0) return;
#if defined(__linux__)
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
#else
  constexpr std::uintptr_t page = 4096;
#endif
  const auto* const bytes_at = static_cast<const volatile unsigned char*>(data);
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  (void)bytes_at[0];
  for (std::uintptr_t at = (begin & ~(page - 1)) + page; at < begin + bytes;
       at += page) {
    (void)bytes_at[at - begin];
  }
}

}  // namespace gunpp::detail
