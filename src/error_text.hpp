// Helpers that name souls and keys in error messages. Internal to gunpp.
#ifndef GUNPP_SRC_ERROR_TEXT_HPP_
#define GUNPP_SRC_ERROR_TEXT_HPP_

#include <algorithm>
#include <string>
#include <string_view>

namespace gunpp::detail {

// `s` in single quotes, cut after about 64 bytes at a character boundary.
inline std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 64;
  std::size_t cut = std::min(s.size(), kMax);
  while (cut < s.size() && cut > 0 &&
         (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string out = "'";
  out.append(s.substr(0, cut));
  if (cut < s.size()) out += "...";
  out += '\'';
  return out;
}

// "soul 'a' key 'x': "
inline std::string where(std::string_view soul, std::string_view key) {
  return "soul " + quoted(soul) + " key " + quoted(key) + ": ";
}

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_ERROR_TEXT_HPP_
