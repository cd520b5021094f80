// advise_huge_pages(): asks the kernel to back a large buffer with huge
// pages (2 MiB on x86-64) as it is first touched, instead of faulting it in
// 4 KiB at a time. Filling a fresh buffer of hundreds of megabytes otherwise
// costs one page fault per 4 KiB, which dominates bulk ingest on virtual
// machines where a fault costs microseconds.
// An implementation detail of the core and the wire layer, not part of the
// API.
#ifndef GUNPP_DETAIL_HUGE_PAGES_HPP_
#define GUNPP_DETAIL_HUGE_PAGES_HPP_

#include <cstddef>

namespace gunpp::detail {

// Buffers smaller than this are not worth advising: they cannot hold a
// whole huge page.
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// Advises the whole huge pages inside [data, data + bytes); the bytes
// around them are left as they are. Contents are unchanged, and so is the
// meaning of every later access. A hint only: does nothing where the
// platform has no such advice or refuses it (transparent huge pages off).
// Safe from any thread.
void advise_huge_pages(const void* data, std::size_t bytes) noexcept;

}  // namespace gunpp::detail

#endif  // GUNPP_DETAIL_HUGE_PAGES_HPP_
