// libFuzzer entry point: any bytes as command lines to `gunpp agent`'s
// AgentSession; the property is in agent_property.hpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!gunpp::testing::agent_property_violation(text).empty()) std::abort();
  return 0;
}
