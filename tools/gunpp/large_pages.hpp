// The program's heap on 2 MiB pages, for the commands that take a whole
// input in at once.
//
// Ingesting a large input is dominated by first touches of fresh memory: on
// a virtual machine a 4 KiB page fault costs about 10 µs, and a million
// fields touch some 35,000 pages (docs/performance.md). mimalloc can take
// its memory from the OS in 2 MiB transparent huge pages instead, one fault
// per 2 MiB. The library leaves the allocator to its host; this is the
// `gunpp` program's choice, as a host.
#ifndef GUNPP_TOOLS_GUNPP_LARGE_PAGES_HPP_
#define GUNPP_TOOLS_GUNPP_LARGE_PAGES_HPP_

namespace gunpp::cli {

// From here on, memory the allocator takes from the OS comes in 2 MiB pages
// where the kernel allows it (transparent huge pages "always" or "madvise").
// The cost moves into fewer, longer faults: the first touch of a 2 MiB page
// takes milliseconds here, which a batch command does not notice and a
// relay's turns would, so only `apply` and `import` ask for it. Returns
// whether it took effect: false when the program is built without mimalloc
// (GUNPP_MIMALLOC=OFF, and the sanitizer builds, whose runtime owns malloc).
// Call from the main thread before the input is read.
bool use_large_pages();

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_LARGE_PAGES_HPP_
