// advise_huge_pages(): asks the kernel to back a large buffer with huge
// pages (2 MiB on x86-64) as it is first touched, instead of faulting it in
// 4 KiB at a time. Filling a fresh buffer of hundreds of megabytes otherwise
// costs more in page faults than in the work itself, above all on virtual
// machines, where a fault costs microseconds.
//
// Used for the buffers a frame is decoded into, which are filled in one go
// inside WireProtocol::receive(), and for the columns and the index of a
// node put whole (Node::reserve): a huge page's first touch zeroes 2 MiB
// in one turn, but a million-field node then takes a few dozen such faults
// instead of tens of thousands, one at a time.
//
// release_pages() hands back the pages of memory that is dead but not yet
// freed, so that a big array emptied a little per turn is not then unmapped,
// hundreds of megabytes at once, in the turn that frees it.
//
// populate_pages() takes the first-touch faults of fresh memory in one
// system call instead of one fault per 4 KiB page. On a virtual machine
// each fault is an exit to the hypervisor, 5-15 us; one call populates
// 64 KiB in about the time of one fault (docs/performance.md). Used for the
// buffers a frame is decoded into, and for a node's columns a window
// ahead of where the store writes.
//
// An implementation detail of the core and the wire layer, not part of the
// API. Hints: no live contents change, nothing is an error, and where the
// platform has no such advice (or transparent huge pages are off) it does
// nothing. Safe from any thread.
#ifndef GUNPP_SRC_CORE_PAGE_ADVICE_HPP_
#define GUNPP_SRC_CORE_PAGE_ADVICE_HPP_

#include <cstddef>

namespace gunpp::detail {

// Buffers smaller than this cannot hold a whole huge page.
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// Advises the whole huge pages inside [data, data + bytes); the bytes
// around them are left as they are.
void advise_huge_pages(const void* data, std::size_t bytes) noexcept;

// Buffers smaller than this are left to fault in as they are written: a
// few pages, often ones the allocator has handed out before.
inline constexpr std::size_t kPrefaultMinBytes = std::size_t{64} << 10;

// For a buffer about to be filled in one go: faults in its pages up front
// (advise_huge_pages, then populate_pages). Contents are unchanged. Does
// nothing below kPrefaultMinBytes.
void prefault(const void* data, std::size_t bytes) noexcept;

// Zero-filled storage of `bytes`, or nullptr when there is none; free it
// with free_zeroed() and the same `bytes`. From kHugePageBytes up it is
// mapped from the kernel directly, so its pages are zero without being
// written: glibc's calloc serves blocks of up to 32 MiB from its heap once
// blocks that large have been freed, and zeroes them there, milliseconds
// at once for a large index.
//
// Such storage is on 4 KiB pages unless `huge_pages`: it holds hash
// tables, written at random from their first insert on, and on huge pages
// one turn's nine inserts could each fault in (zero) a different 2 MiB page
// (docs/performance.md, "One turn at 1k and at 1M fields"). With
// `huge_pages` the mapping starts on a 2 MiB boundary and is advised whole,
// for a caller that faults its pages in one at a time before writing it at
// random (SlotIndex::warm_step).
void* allocate_zeroed(std::size_t bytes, bool huge_pages = false) noexcept;
void free_zeroed(void* data, std::size_t bytes) noexcept;

// For storage from allocate_zeroed() that holds pointers to heap blocks:
// LeakSanitizer looks for live pointers in the heap, stacks and globals,
// not in memory mapped from the kernel, and would report what only such
// storage points to as leaked. watch_pointers() adds [data, data + bytes)
// to where it looks; unwatch_pointers() removes it, before the storage is
// freed. Nothing in builds without the sanitizer.
void watch_pointers(const void* data, std::size_t bytes) noexcept;
void unwatch_pointers(const void* data, std::size_t bytes) noexcept;

// For memory a pool hands out itself: poison() marks [data, data + bytes)
// as off limits to AddressSanitizer, which then reports any access to it,
// and unpoison() lifts that. Nothing in builds without the sanitizer.
void poison(const void* data, std::size_t bytes) noexcept;
void unpoison(const void* data, std::size_t bytes) noexcept;

// Releases the whole base pages inside [data, data + bytes). The caller
// promises not to read those bytes before writing them again (they then
// read as zeros): for storage that holds no live object, such as a vector's
// past its size.
void release_pages(const void* data, std::size_t bytes) noexcept;

// Faults in the base pages of [data, data + bytes) for writing, all in one
// call (MADV_POPULATE_WRITE, Linux 5.14 and later), without changing what
// they hold: the range may hold live objects. Where the kernel lacks the
// call it does nothing, and the pages fault in one at a time when first
// written, as they would have.
void populate_pages(const void* data, std::size_t bytes) noexcept;

// Reads a byte of every base page in [data, data + bytes), never outside
// it: for memory just populated, so that the first access of each page
// happens here, at once, rather than one page at a time in later turns.
// On this VM's shadow paging a populated page's first access still exits
// to the hypervisor (about 5 us); elsewhere the reads cost a TLB miss each.
// The range may hold anything, live objects or not; it is not written.
void touch_pages(const void* data, std::size_t bytes) noexcept;

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_PAGE_ADVICE_HPP_
