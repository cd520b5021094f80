// Replays the inputs a fuzzer kept (its corpus, the regressions it found)
// in a unit test: shared by every layer's fuzz-property test case.
#ifndef GUNPP_TESTS_FUZZ_REPLAY_HPP_
#define GUNPP_TESTS_FUZZ_REPLAY_HPP_

#include <catch2/catch.hpp>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>

namespace gunpp::testing {

// Hands every file of each folder in `dirs` that exists, read whole, to
// `check` (with the file named in the test's output); returns how many.
template <typename Check>
std::size_t replay_inputs(std::initializer_list<std::filesystem::path> dirs,
                          Check check) {
  std::size_t inputs = 0;
  for (const std::filesystem::path& dir : dirs) {
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes{std::istreambuf_iterator<char>(in),
                              std::istreambuf_iterator<char>()};
      INFO(entry.path().string());
      check(bytes);
      ++inputs;
    }
  }
  return inputs;
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_REPLAY_HPP_
