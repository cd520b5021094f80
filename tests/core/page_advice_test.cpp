#include "core/page_advice.hpp"

#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/node_writer.hpp"
#include "gunpp/node.hpp"
#include "soul_table.hpp"

namespace gunpp::detail {
namespace {

// MADV_POPULATE_WRITE came with Linux 5.14; before it, populate_pages does
// nothing by contract.
bool kernel_can_populate() {
  utsname name{};
  int major = 0;
  int minor = 0;
  if (::uname(&name) != 0 ||
      std::sscanf(name.release, "%d.%d", &major, &minor) != 2) {
    return false;
  }
  return major > 5 || (major == 5 && minor >= 14);
}

std::size_t resident_pages(const void* data, std::size_t bytes) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in((bytes + page - 1) / page);
  REQUIRE(::mincore(const_cast<void*>(data), bytes, in.data()) == 0);
  std::size_t n = 0;
  for (const unsigned char c : in) n += c & 1;
  return n;
}

// Whether the kernel has transparent huge pages at all: without them,
// huge-page advice is refused and changes nothing, by contract.
bool kernel_has_thp() {
  return std::filesystem::exists("/sys/kernel/mm/transparent_hugepage");
}

// The VmFlags line of the mapping that holds `p`, from /proc/self/smaps.
std::string vm_flags_of(const void* p) {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= at && at < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return {};
}

bool advised_huge(const void* p) {
  return vm_flags_of(p).find(" hg") != std::string::npos;
}

TEST_CASE("page advice: populate and prefault keep what a buffer holds",
          "[page_advice]") {
  std::vector<unsigned char> buffer((std::size_t{3} << 20) + 123);
  for (std::size_t i = 0; i < buffer.size(); ++i) {
    buffer[i] = static_cast<unsigned char>(i * 7 + 3);
  }
  const std::vector<unsigned char> expected = buffer;
  populate_pages(buffer.data() + 7, 300 * 1024);  // unaligned both ends
  populate_pages(buffer.data(), buffer.size());
  populate_pages(buffer.data() + 11, 0);
  populate_pages(buffer.data() + 13, 1);
  prefault(buffer.data() + 5, buffer.size() - 5);  // huge-page advice too
  prefault(buffer.data(), kPrefaultMinBytes - 1);  // below: nothing
  touch_pages(buffer.data() + 3, buffer.size() - 3);
  CHECK(buffer == expected);
}

TEST_CASE("page advice: populate faults fresh pages in, in one call",
          "[page_advice]") {
  if (!kernel_can_populate()) {
    WARN("kernel older than 5.14: populate_pages does nothing here");
    return;
  }
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t bytes = 256 * page;
  void* const map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(map != MAP_FAILED);
  auto* const data = static_cast<unsigned char*>(map);
  ::madvise(data, bytes, MADV_NOHUGEPAGE);  // count 4 KiB pages
  CHECK(resident_pages(data, bytes) == 0);

  // Part of a page at each end: the pages holding those bytes come in.
  populate_pages(data + page + 100, 10 * page);
  CHECK(resident_pages(data, bytes) == 11);
  CHECK(resident_pages(data + page, 11 * page) == 11);

  // prefault: nothing below its threshold, the whole range above it.
  prefault(data + 128 * page, kPrefaultMinBytes - 1);
  CHECK(resident_pages(data + 128 * page, 128 * page) == 0);
  prefault(data + 128 * page, kPrefaultMinBytes);
  CHECK(resident_pages(data + 128 * page, 128 * page) ==
        kPrefaultMinBytes / page);

  // touch_pages reads the pages of its range, and no page outside it.
  touch_pages(data + 40 * page + 4000, 3 * page);  // 4 pages, in part
  CHECK(resident_pages(data + 39 * page, 6 * page) == 4);
  CHECK(resident_pages(data + 40 * page, 4 * page) == 4);
  touch_pages(data + 50 * page, 0);
  CHECK(resident_pages(data + 50 * page, page) == 0);
  CHECK(
      std::all_of(data, data + bytes, [](unsigned char c) { return c == 0; }));
  ::munmap(map, bytes);
}

TEST_CASE("page advice: large zeroed storage is zero without being written",
          "[page_advice]") {
  // Freeing a large block raises glibc's mmap threshold (up to 32 MiB), so
  // that calloc would then zero a block this size from its heap.
  {
    std::vector<unsigned char> large(std::size_t{40} << 20, 1);
    CHECK(large.back() == 1);
  }
  const std::size_t bytes = std::size_t{16} << 20;
  auto* const data = static_cast<unsigned char*>(allocate_zeroed(bytes));
  REQUIRE(data != nullptr);
  CHECK(resident_pages(data, bytes) == 0);
  CHECK(
      std::all_of(data, data + bytes, [](unsigned char c) { return c == 0; }));
  data[bytes - 1] = 7;  // writable to the end
  free_zeroed(data, bytes);

  // Small storage comes from the allocator, zeroed all the same.
  auto* const small = static_cast<unsigned char*>(allocate_zeroed(100));
  REQUIRE(small != nullptr);
  CHECK(
      std::all_of(small, small + 100, [](unsigned char c) { return c == 0; }));
  free_zeroed(small, 100);
  free_zeroed(nullptr, bytes);  // like free(nullptr)
}

TEST_CASE("page advice: a large node's columns ask for huge pages",
          "[page_advice]") {
  // Without transparent huge pages the advice is refused and changes
  // nothing: no mapping is flagged, and the node holds what was put.
  const bool thp = kernel_has_thp();

  // The whole huge pages inside a column are advised, which the slots
  // from the column's first 2 MiB boundary on are.
  Node big;
  detail::NodeWriter::reserve(big, 1'000'000);
  constexpr std::size_t kFields = 150'000;
  for (std::size_t i = 0; i < kFields; ++i) {
    detail::NodeWriter::set(big, "k" + std::to_string(i), Value(1.0), 1);
  }
  CHECK(advised_huge(&big.key(kFields - 1)) == thp);
  CHECK(advised_huge(&big.value(kFields - 1)) == thp);
  CHECK(big.size() == kFields);
  CHECK(big.find("k" + std::to_string(kFields - 1)) == kFields - 1);

  // A node reserved small stays on the heap's ordinary pages.
  Node small;
  detail::NodeWriter::reserve(small, 100);
  detail::NodeWriter::set(small, "k", Value(1.0), 1);
  CHECK_FALSE(advised_huge(&small.key(0)));

  // So do index tables, written at random: one turn's inserts would each
  // fault in a different huge page.
  const std::size_t bytes = std::size_t{16} << 20;
  void* const table = allocate_zeroed(bytes);
  REQUIRE(table != nullptr);
  CHECK_FALSE(advised_huge(table));
  free_zeroed(table, bytes);
}

TEST_CASE("page advice: the soul table's later chunks ask for huge pages",
          "[page_advice]") {
  // A store of a few thousand souls stays on the heap's ordinary pages; the
  // entries past them are written in slot order, a huge page at a time.
  SoulTable<int> table;
  const int* const first = table.try_emplace(SoulKey("s0")).first;
  const int* last = first;
  for (int i = 1; i <= 5000; ++i) {
    last = table.try_emplace(SoulKey("s" + std::to_string(i))).first;
  }
  CHECK_FALSE(advised_huge(first));
  if (kernel_has_thp()) CHECK(advised_huge(last));
  CHECK(table.find(SoulKey("s0")) == first);
  CHECK(table.find(SoulKey("s5000")) == last);
}

TEST_CASE("page advice: zeroed storage on huge pages starts on a huge page",
          "[page_advice]") {
  // An odd size: the mapping is trimmed at both ends, and what is left is
  // exactly the storage asked for.
  const std::size_t bytes = (std::size_t{6} << 20) + 4096;
  auto* const data = static_cast<unsigned char*>(allocate_zeroed(bytes, true));
  REQUIRE(data != nullptr);
  CHECK(reinterpret_cast<std::uintptr_t>(data) % kHugePageBytes == 0);
  CHECK(resident_pages(data, bytes) == 0);
  if (kernel_has_thp()) CHECK(advised_huge(data));
  CHECK(
      std::all_of(data, data + bytes, [](unsigned char c) { return c == 0; }));
  data[bytes - 1] = 7;
  // The page past its end was the mapping's slack, and is unmapped
  // (mincore fails on unmapped memory); so is the storage once freed.
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  unsigned char in = 0;
  CHECK(::mincore(data + bytes, page, &in) != 0);
  free_zeroed(data, bytes);
  CHECK(::mincore(data, page, &in) != 0);
}

}  // namespace
}  // namespace gunpp::detail
