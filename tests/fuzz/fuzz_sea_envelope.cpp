// libFuzzer entry point: any bytes as a SEA field value; the property is in
// sea_envelope_property.hpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sea_envelope_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!gunpp::testing::sea_envelope_property_violation(bytes).empty()) {
    std::abort();
  }
  return 0;
}
