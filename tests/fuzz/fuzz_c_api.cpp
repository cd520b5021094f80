// libFuzzer entry point: any bytes through the C ABI; the property is in
// c_api_property.hpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "c_api_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!gunpp::testing::c_api_property_violation(bytes).empty()) std::abort();
  return 0;
}
