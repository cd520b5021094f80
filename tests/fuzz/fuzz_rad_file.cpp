// libFuzzer entry point: any bytes as a RAD file; the property is in
// rad_file_property.hpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rad_file_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!gunpp::testing::rad_file_property_violation(bytes).empty()) std::abort();
  return 0;
}
