// libFuzzer entry point: any bytes as a GUN wire frame, through the decoder,
// the wire protocol and the store (see wire_protocol_property.hpp). A broken
// invariant aborts, so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wire_protocol_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!gunpp::testing::wire_protocol_property_violation(text).empty())
    std::abort();
  return 0;
}
