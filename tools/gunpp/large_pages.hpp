// The program's heap on 2 MiB pages, for the commands that take a whole
// input in at once.
//
// Ingesting a large input is dominated by first touches of fresh memory: on
// a virtual machine a 4 KiB page fault costs about 10 µs, and a million
// fields touch some 35,000 pages (docs/performance.md). glibc's malloc takes
// its memory in 2 MiB transparent huge pages instead, one fault per 2 MiB,
// when the tunable glibc.malloc.hugetlb=1 is set. glibc reads tunables only
// from the environment when a process starts, so the program sets it and
// executes itself again. The library leaves the allocator to its host; this
// is the `gunpp` program's choice, as a host.
#ifndef GUNPP_TOOLS_GUNPP_LARGE_PAGES_HPP_
#define GUNPP_TOOLS_GUNPP_LARGE_PAGES_HPP_

#include <optional>
#include <string>
#include <string_view>

namespace gunpp::cli {

// The value of GLIBC_TUNABLES to run again with, given its value now
// (nullopt when unset): `current` followed by glibc.malloc.hugetlb=1, or
// nullopt when `current` already sets glibc.malloc.hugetlb (to anything),
// which is left as the user chose.
std::optional<std::string> tunables_for_large_pages(
    std::optional<std::string_view> current);

// Makes malloc take the memory it gets from the OS in 2 MiB pages where the
// kernel allows it (transparent huge pages "always" or "madvise"). The cost
// moves into fewer, longer faults: the first touch of a 2 MiB page takes
// milliseconds here, which a batch command does not notice and a relay's
// turns would, so only `apply` and `import` ask for it.
//
// When GLIBC_TUNABLES does not mention glibc.malloc.hugetlb, adds
// glibc.malloc.hugetlb=1 to it and replaces the process with a new run of
// the same program and `argv` (execv of /proc/self/exe): it does not return
// then. Call it from the main thread before any input is read and before
// any other thread starts. A setting of the user's (glibc.malloc.hugetlb=0,
// say) is left as it is.
//
// Returns whether malloc's memory is advised for 2 MiB pages: false when the
// program is built without large pages (GUNPP_LARGE_PAGES=OFF, and the
// sanitizer builds, whose runtime owns malloc), when glibc is older than
// 2.35 or absent, when the user's setting is not 1, or when the execv failed
// (the program then goes on with 4 KiB pages).
bool use_large_pages(char** argv);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_LARGE_PAGES_HPP_
