// libFuzzer entry point: any bytes as rows in a gunpp database file; the
// property is in stored_rows_property.hpp.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "stored_rows_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string problem = gunpp::testing::stored_rows_violation(bytes);
  if (!problem.empty()) {
    std::fprintf(stderr, "stored rows: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
