// The GLIBC_TUNABLES value `apply` and `import` run again with
// (tools/gunpp/large_pages.hpp). The execution itself is tested from
// outside, in cli_test.sh.
#include "large_pages.hpp"

#include <catch2/catch.hpp>

namespace {

using gunpp::cli::tunables_for_large_pages;

TEST_CASE("without GLIBC_TUNABLES, the tunable alone") {
  CHECK(tunables_for_large_pages(std::nullopt) == "glibc.malloc.hugetlb=1");
  CHECK(tunables_for_large_pages("") == "glibc.malloc.hugetlb=1");
}

TEST_CASE("the user's other tunables are kept, in their order") {
  CHECK(tunables_for_large_pages("glibc.malloc.mxfast=0") ==
        "glibc.malloc.mxfast=0:glibc.malloc.hugetlb=1");
  CHECK(tunables_for_large_pages(
            "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=0") ==
        "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=0:"
        "glibc.malloc.hugetlb=1");
}

TEST_CASE("a setting of the user's is left as it is: nothing to run again") {
  CHECK_FALSE(tunables_for_large_pages("glibc.malloc.hugetlb=0"));
  CHECK_FALSE(tunables_for_large_pages("glibc.malloc.hugetlb=1"));
  CHECK_FALSE(tunables_for_large_pages("glibc.malloc.hugetlb=2"));
  CHECK_FALSE(tunables_for_large_pages("glibc.malloc.hugetlb="));
  CHECK_FALSE(tunables_for_large_pages(
      "glibc.malloc.mxfast=0:glibc.malloc.hugetlb=0:glibc.malloc.check=0"));
}

TEST_CASE("names that only begin like the tunable are other tunables") {
  CHECK(tunables_for_large_pages("glibc.malloc.hugetlbx=0") ==
        "glibc.malloc.hugetlbx=0:glibc.malloc.hugetlb=1");
  CHECK(tunables_for_large_pages("glibc.malloc.hugetlb") ==
        "glibc.malloc.hugetlb:glibc.malloc.hugetlb=1");
}

}  // namespace
