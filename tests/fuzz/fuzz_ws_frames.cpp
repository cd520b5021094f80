// libFuzzer entry point: any bytes as a client's WebSocket frames; the
// property is in ws_frames_property.hpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ws_frames_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!gunpp::testing::ws_frames_property_violation(bytes).empty()) {
    std::abort();
  }
  return 0;
}
