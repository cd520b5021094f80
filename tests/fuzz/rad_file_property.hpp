// The RAD file parser's fuzz property: any bytes as a file of a RAD folder.
#ifndef GUNPP_TESTS_FUZZ_RAD_FILE_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_RAD_FILE_PROPERTY_HPP_

#include <string>
#include <string_view>

#include "gunpp/rad.hpp"

namespace gunpp::testing {

// Empty when the property holds for `bytes`, else what broke: parsing
// either succeeds or is Corruption with a message; a JSON file's keys and
// texts are UTF-8 (simdjson checks them); a leaf's state is finite.
inline std::string rad_file_property_violation(std::string_view bytes) {
  std::string violation;
  const bool json = !bytes.empty() && bytes.front() == '{';
  const Status s = gunpp::rad::parse_file(bytes, [&](gunpp::rad::Record&& r) {
    if (!violation.empty()) return;
    if (json && !is_valid_utf8(r.key)) violation = "a key is not UTF-8";
    if (json && r.has_value && r.value.is_string() &&
        !is_valid_utf8(r.value.as_string())) {
      violation = "a value is not UTF-8";
    }
    if (r.has_state && !(r.state - r.state == 0)) {
      violation = "a state is not finite";
    }
  });
  if (!s && (s.code() != Status::Code::kCorruption || s.message().empty())) {
    return "a refusal that is not Corruption with a message: " + s.to_string();
  }
  return violation;
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_RAD_FILE_PROPERTY_HPP_
