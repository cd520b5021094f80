#include "large_pages.hpp"

#include <cstdio>
#include <cstdlib>

#if GUNPP_WITH_LARGE_PAGES
#include <gnu/libc-version.h>
#include <sys/auxv.h>
#include <unistd.h>
#endif

namespace gunpp::cli {

namespace {

constexpr std::string_view kTunable = "glibc.malloc.hugetlb";

// The value GLIBC_TUNABLES gives the tunable, or nullopt when it does not
// name it. Tunables are name=value pairs separated by ':'.
std::optional<std::string_view> setting(std::string_view tunables) {
  while (!tunables.empty()) {
    const std::size_t end = tunables.find(':');
    const std::string_view pair = tunables.substr(0, end);
    if (pair.size() > kTunable.size() &&
        pair.substr(0, kTunable.size()) == kTunable &&
        pair[kTunable.size()] == '=') {
      return pair.substr(kTunable.size() + 1);
    }
    if (end == std::string_view::npos) break;
    tunables.remove_prefix(end + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> tunables_for_large_pages(
    std::optional<std::string_view> current) {
  const std::string_view now = current.value_or(std::string_view());
  if (setting(now)) return std::nullopt;
  std::string updated(now);
  if (!updated.empty()) updated += ':';
  updated += kTunable;
  updated += "=1";
  return updated;
}

bool use_large_pages(char** argv) {
#if GUNPP_WITH_LARGE_PAGES
  // The tunable exists from glibc 2.35 on.
  int major = 0;
  int minor = 0;
  if (std::sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) != 2 ||
      major < 2 || (major == 2 && minor < 35)) {
    return false;
  }
  const char* const env = std::getenv("GLIBC_TUNABLES");
  const std::optional<std::string> before =
      env != nullptr ? std::optional<std::string>(env) : std::nullopt;
  const std::optional<std::string> updated = tunables_for_large_pages(before);
  if (!updated) return setting(*before) == "1";
  // A secure-execution program (setuid, say) runs without GLIBC_TUNABLES:
  // it would execute itself again and again.
  if (::getauxval(AT_SECURE) != 0) return false;
  if (::setenv("GLIBC_TUNABLES", updated->c_str(), 1) != 0) return false;
  ::execv("/proc/self/exe", argv);
  // Still here: the execv failed. Go on as started.
  if (before) {
    ::setenv("GLIBC_TUNABLES", before->c_str(), 1);
  } else {
    ::unsetenv("GLIBC_TUNABLES");
  }
  return false;
#else
  (void)argv;
  return false;
#endif
}

}  // namespace gunpp::cli
