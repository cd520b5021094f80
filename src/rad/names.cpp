// RAD's file names: encodeURIComponent of a key, with '*' as %2A.
#include <cstdint>

#include "gunpp/rad.hpp"

namespace gunpp::rad {
namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
         c == '!' || c == '~' || c == '\'' || c == '(' || c == ')';
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string encode_name(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(name.size() * 3);
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool decode_name(std::string_view file, std::string& name) {
  name.clear();
  for (std::size_t i = 0; i < file.size(); ++i) {
    const auto c = static_cast<unsigned char>(file[i]);
    if (c != '%') {
      if (!unreserved(c)) return false;
      name += file[i];
      continue;
    }
    if (i + 2 >= file.size()) return false;
    const int hi = hex(file[i + 1]);
    const int lo = hex(file[i + 2]);
    if (hi < 0 || lo < 0) return false;
    name += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return is_valid_utf8(name);
}

}  // namespace gunpp::rad
