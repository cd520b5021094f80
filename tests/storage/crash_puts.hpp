// The puts of the crash test, shared by its child (which writes them) and
// its parent (which checks what survived).
#ifndef GUNPP_TESTS_STORAGE_CRASH_PUTS_HPP_
#define GUNPP_TESTS_STORAGE_CRASH_PUTS_HPP_

#include <cstdint>
#include <string>

#include "gunpp/graph.hpp"

namespace gunpp::crash_test {

inline constexpr std::uint64_t kSouls = 37;
inline constexpr int kKeys = 8;

inline std::string soul_of(std::uint64_t id) {
  return "s" + std::to_string(id % kSouls);
}
inline std::string value_of(std::uint64_t id) {
  return "v" + std::to_string(id);
}

// Put `id`: fields k0..k7 of soul_of(id), each value_of(id) at state id.
inline Graph put_of(std::uint64_t id) {
  Graph g;
  for (int k = 0; k < kKeys; ++k) {
    g.add(soul_of(id), "k" + std::to_string(k), Value(value_of(id)),
          static_cast<double>(id));
  }
  return g;
}

}  // namespace gunpp::crash_test

#endif  // GUNPP_TESTS_STORAGE_CRASH_PUTS_HPP_
