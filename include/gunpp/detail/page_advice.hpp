// advise_huge_pages(): asks the kernel to back a large buffer with huge
// pages (2 MiB on x86-64) as it is first touched, instead of faulting it in
// 4 KiB at a time. Filling a fresh buffer of hundreds of megabytes otherwise
// costs more in page faults than in the work itself, above all on virtual
// machines, where a fault costs microseconds.
//
// Used for the buffers a frame is decoded into, which are filled in one go
// inside WireProtocol::receive(). Not for memory the store fills a few keys
// a turn: there, a huge page's first touch (zeroing 2 MiB) would be one
// turn's cost instead of being spread over hundreds.
//
// release_pages() hands back the pages of memory that is dead but not yet
// freed, so that a big array emptied a little per turn is not then unmapped,
// hundreds of megabytes at once, in the turn that frees it.
//
// touch_pages() takes the first-touch faults of a fresh buffer of bounded
// size at once: a node's full-size block, in the turn that opens it, rather
// than one fault every few turns that fill it (on a virtual machine a first
// touch costs 5-15 us, 10-20 typical turns, even when the guest kernel has
// already mapped the page).
//
// An implementation detail of the core and the wire layer, not part of the
// API. Except for touch_pages, hints: no live contents change, nothing is an
// error, and where the platform has no such advice (or transparent huge pages
// are off) it does nothing. Safe from any thread.
#ifndef GUNPP_DETAIL_PAGE_ADVICE_HPP_
#define GUNPP_DETAIL_PAGE_ADVICE_HPP_

#include <cstddef>

namespace gunpp::detail {

// Buffers smaller than this cannot hold a whole huge page.
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// Advises the whole huge pages inside [data, data + bytes); the bytes
// around them are left as they are.
void advise_huge_pages(const void* data, std::size_t bytes) noexcept;

// Releases the whole base pages inside [data, data + bytes). The caller
// promises not to read those bytes before writing them again (they then
// read as zeros): for storage that holds no live object, such as a vector's
// past its size.
void release_pages(const void* data, std::size_t bytes) noexcept;

// Writes a zero byte in each base page of [data, data + bytes), which must
// be allocated storage holding no live object (a vector's reserved
// capacity, say).
void touch_pages(void* data, std::size_t bytes) noexcept;

}  // namespace gunpp::detail

#endif  // GUNPP_DETAIL_PAGE_ADVICE_HPP_
