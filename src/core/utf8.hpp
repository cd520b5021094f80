// UTF-8 encoding of one code point, for the layers that build text from
// code points (SEA's key parsing, RAD's UTF-16 keys).
#ifndef GUNPP_SRC_CORE_UTF8_HPP_
#define GUNPP_SRC_CORE_UTF8_HPP_

#include <string>

namespace gunpp::detail {

// Appends `cp` (<= U+10FFFF) to `out` as UTF-8.
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_UTF8_HPP_
