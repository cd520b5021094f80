// The one file of the core that speaks to the operating system: page advice
// (madvise) where the platform has it.
#include "gunpp/detail/page_advice.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
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

void release_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__)
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  advise_units(data, bytes, page, MADV_DONTNEED);
#else
  (void)data;
  (void)bytes;
#endif
}

void touch_pages(void* data, std::size_t bytes) noexcept {
  // A volatile write per page: the compiler may not drop stores to storage
  // that nothing reads yet.
  constexpr std::size_t kPage = 4096;
  auto* const begin = static_cast<volatile unsigned char*>(data);
  const std::uintptr_t misalign =
      reinterpret_cast<std::uintptr_t>(data) % kPage;
  for (std::size_t i = misalign == 0 ? 0 : kPage - misalign; i < bytes;
       i += kPage) {
    begin[i] = 0;
  }
}

}  // namespace gunpp::detail
