// The RAD file parser's fuzz property: any bytes as a file of a RAD folder.
#ifndef GUNPP_TESTS_FUZZ_RAD_FILE_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_RAD_FILE_PROPERTY_HPP_

#include <string>
#include <string_view>

#include "gunpp/rad.hpp"

namespace gunpp::testing {

// Empty when the property holds for `bytes`, else what broke: parsing
// either succeeds or is Corruption with a message; a leaf said to have a
// state has a finite one; a leaf with a value holds a Value that is a
// well-formed link when it is one. (Keys and texts that are not UTF-8, a
// surrogate alone or the line format's raw bytes, are the folder reader's
// to refuse.)
inline std::string rad_file_property_violation(std::string_view bytes) {
  std::string violation;
  const Status s = gunpp::rad::parse_file(bytes, [&](gunpp::rad::Record&& r) {
    if (!violation.empty()) return;
    if (r.has_state && !(r.state - r.state == 0)) {
      violation = "a state is not finite";
    }
    if (r.has_value && r.value.is_link() && r.value.link_soul().empty()) {
      violation = "a link to the empty soul";
    }
  });
  if (!s && (s.code() != Status::Code::kCorruption || s.message().empty())) {
    return "a refusal that is not Corruption with a message: " + s.to_string();
  }
  return violation;
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_RAD_FILE_PROPERTY_HPP_
