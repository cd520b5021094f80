#include "big_integers.hpp"

namespace gunpp::detail {

std::string widen_big_integers(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      if (c == '"') in_string = false;
      ++i;
      continue;
    }
    if (c == '"') in_string = true;
    if (c != '-' && (c < '0' || c > '9')) {
      out += c;
      ++i;
      continue;
    }
    const std::size_t start = i;
    bool integer = true;
    std::size_t digits = 0;
    while (i < text.size() &&
           ((text[i] >= '0' && text[i] <= '9') || text[i] == '-' ||
            text[i] == '+' || text[i] == '.' || text[i] == 'e' ||
            text[i] == 'E')) {
      if (text[i] >= '0' && text[i] <= '9') ++digits;
      if (text[i] == '.' || text[i] == 'e' || text[i] == 'E') integer = false;
      ++i;
    }
    out.append(text.substr(start, i - start));
    if (integer && digits > 19) out += ".0";
  }
  return out;
}

}  // namespace gunpp::detail
