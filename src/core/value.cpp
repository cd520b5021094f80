#include "gunpp/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <variant>

namespace gunpp {

static_assert(sizeof(Value) == 24);

Link::Link(std::string soul) : soul_(std::move(soul)) {
  if (soul_.empty()) throw std::invalid_argument("gunpp::Link: empty soul");
}

Value::Value(double number) {
  if (!std::isfinite(number)) {
    throw std::invalid_argument("gunpp::Value: number is not finite");
  }
  set_tag(Kind::kNumber);
  std::memcpy(bytes_, &number, sizeof number);
}

void Value::set_text(Kind kind, std::string_view text) {
  if (text.size() <= kInlineBytes) {
    // An empty view may have no data at all, which memcpy does not take.
    if (!text.empty()) std::memcpy(bytes_, text.data(), text.size());
    bytes_[text.size()] = '\0';
    inline_size_ = static_cast<std::uint8_t>(text.size());
    set_tag(kind);
    return;
  }
  char* const block = new char[text.size() + 1];
  std::memcpy(block, text.data(), text.size());
  block[text.size()] = '\0';
  const std::size_t size = text.size();
  std::memcpy(bytes_, &block, sizeof block);
  std::memcpy(bytes_ + sizeof block, &size, sizeof size);
  tag_ = static_cast<std::uint8_t>(static_cast<std::uint8_t>(kind) | kHeapBit);
}

std::string_view Value::text() const {
  if (!on_heap()) return {bytes_, inline_size_};
  const char* block;
  std::size_t size;
  std::memcpy(&block, bytes_, sizeof block);
  std::memcpy(&size, bytes_ + sizeof block, sizeof size);
  return {block, size};
}

void Value::free_text() noexcept {
  if (!on_heap()) return;
  char* block;
  std::memcpy(&block, bytes_, sizeof block);
  delete[] block;
  tag_ = 0;
}

void Value::take_bytes(const Value& other) noexcept {
  std::memcpy(bytes_, other.bytes_, sizeof bytes_);
  inline_size_ = other.inline_size_;
  tag_ = other.tag_;
}

void Value::require(Kind kind) const {
  if (this->kind() != kind) throw std::bad_variant_access();
}

Value::Value(const Value& other) {
  if (other.on_heap()) {
    set_text(other.kind(), other.text());
  } else {
    take_bytes(other);
  }
}

Value& Value::operator=(const Value& other) {
  if (this != &other) {
    Value copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Value::Value(Value&& other) noexcept {
  take_bytes(other);
  other.set_tag(Kind::kNull);
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    free_text();
    take_bytes(other);
    other.set_tag(Kind::kNull);
  }
  return *this;
}

std::size_t Value::heap_bytes() const {
  return on_heap() ? text().size() + 1 : 0;
}

bool Value::as_bool() const {
  require(Kind::kBool);
  return bytes_[0] != 0;
}

double Value::as_number() const {
  require(Kind::kNumber);
  double number;
  std::memcpy(&number, bytes_, sizeof number);
  return number;
}

std::string_view Value::as_string() const {
  require(Kind::kString);
  return text();
}

std::string_view Value::link_soul() const {
  require(Kind::kLink);
  return text();
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.as_bool() == b.as_bool();
    case Value::Kind::kNumber:
      return a.as_number() == b.as_number();
    case Value::Kind::kString:
    case Value::Kind::kLink:
      return a.text() == b.text();
  }
  return false;
}

std::string format_number(double number) {
  std::string out;
  append_number(out, number);
  return out;
}

void append_number(std::string& out, double number) {
  if (number == 0) {  // both zeros
    out += '0';
    return;
  }
  // Below 2^53 every integer is a distinct double, so its shortest
  // round-trip digits are its exact digits.
  if (std::fabs(number) < 9007199254740992.0 && number == std::trunc(number)) {
    char buf[24];
    const auto end =
        std::to_chars(buf, buf + sizeof buf, static_cast<long long>(number))
            .ptr;
    out.append(buf, end);
    return;
  }
  if (number < 0) {
    out += '-';
    number = -number;
  }
  // Shortest round-trip digits d[0..k) with decimal exponent: the value is
  // 0.d0d1... * 10^n (ECMAScript's n and k).
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number,
                                 std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;

  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += (n - 1 < 0) ? '-' : '+';
    out += std::to_string(std::abs(n - 1));
  }
}

namespace {

// The escape JSON.stringify writes for `c`, which is '"', '\\' or below
// 0x20.
void append_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
  }
}

// Whether any of the eight bytes of `w` needs an escape: is below 0x20, '"'
// or '\\'. (x - 0x01..) & ~x & 0x80.. is nonzero exactly when some byte of x
// is zero; with 0x20.. in place of 0x01.., when some byte is below 0x20.
bool needs_escape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHigh = 0x8080808080808080u;
  const auto below = [](std::uint64_t x, std::uint64_t n) {
    return (x - kOnes * n) & ~x & kHigh;
  };
  return (below(w, 0x20) | below(w ^ (kOnes * '"'), 1) |
          below(w ^ (kOnes * '\\'), 1)) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // Runs of characters that need no escape are appended whole, found eight
  // bytes at a time.
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::uint64_t word;
    if (i + 8 <= s.size() &&
        (std::memcpy(&word, s.data() + i, 8), !needs_escape(word))) {
      i += 8;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    ++i;
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - 1 - run);
    append_escape(out, c);
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_lexical_form(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      break;
    case Value::Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case Value::Kind::kNumber:
      append_number(out, v.as_number());
      break;
    case Value::Kind::kString:
      append_json_string(out, v.as_string());
      break;
    case Value::Kind::kLink:
      out += "{\"#\":";
      append_json_string(out, v.link_soul());
      out += '}';
      break;
  }
}

std::string lexical_form(const Value& v) {
  std::string out;
  append_lexical_form(out, v);
  return out;
}

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Decodes the code point starting at `pos` (assumed valid UTF-8).
std::uint32_t decode_at(std::string_view s, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  auto cont = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[pos + i]) &
                                      0x3F);
  };
  if (b0 < 0x80) return b0;
  if (b0 < 0xE0) return ((b0 & 0x1Fu) << 6) | cont(1);
  if (b0 < 0xF0) return ((b0 & 0x0Fu) << 12) | (cont(1) << 6) | cont(2);
  return ((b0 & 0x07u) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
}

// The first UTF-16 code unit of a code point.
std::uint32_t first_utf16_unit(std::uint32_t cp) {
  return cp < 0x10000 ? cp : 0xD800 + ((cp - 0x10000) >> 10);
}

}  // namespace

int utf16_compare(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < common && a[i] == b[i]) ++i;
  if (i == common) {
    if (a.size() == b.size()) return 0;
    return a.size() < b.size() ? -1 : 1;
  }
  // Both strings agree up to i, so they share the start of the code point
  // that contains byte i.
  std::size_t start = i;
  while (start > 0 && is_continuation(static_cast<unsigned char>(a[start]))) {
    --start;
  }
  const std::uint32_t ca = decode_at(a, start);
  const std::uint32_t cb = decode_at(b, start);
  const std::uint32_t ua = first_utf16_unit(ca);
  const std::uint32_t ub = first_utf16_unit(cb);
  // Equal first units means both are above U+FFFF with the same high
  // surrogate: the low surrogates then order like the code points.
  if (ua != ub) return ua < ub ? -1 : 1;
  return ca < cb ? -1 : 1;
}

bool is_truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kBool:
      return v.as_bool();
    case Value::Kind::kNumber:
      return v.as_number() != 0;
    case Value::Kind::kString:
      return !v.as_string().empty();
    case Value::Kind::kLink:
      return true;
  }
  return false;
}

int lexical_compare(const Value& a, const Value& b) {
  return utf16_compare(lexical_form(a), lexical_form(b));
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    // Runs of ASCII, eight bytes at a time: most of GUN's text.
    std::uint64_t word;
    if (i + 8 <= n && (std::memcpy(&word, s.data() + i, 8),
                       (word & 0x8080808080808080u) == 0)) {
      i += 8;
      continue;
    }
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t min;
    std::uint32_t cp;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = b0 & 0x1Fu;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = b0 & 0x0Fu;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = b0 & 0x07u;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (std::size_t j = 1; j < len; ++j) {
      const auto c = static_cast<unsigned char>(s[i + j]);
      if (!is_continuation(c)) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace gunpp
