// Value: what one field of a node holds, and its lexical form.
//
// A value is exactly one of null, a boolean, a finite number, a UTF-8 string
// or a link to another soul (GUN's {"#": soul}). Nothing else is
// representable: constructing a number from NaN or +-Infinity, or a link to
// the empty soul, throws std::invalid_argument (a broken precondition).
//
// The lexical form L(v) is exactly the text JavaScript's JSON.stringify(v)
// produces, and lexical_compare() orders two forms the way JavaScript
// compares strings (by UTF-16 code units). HAM uses it to break ties, so it
// must match GUN.js bit for bit.
//
// Thread safety: Value is a regular value type; distinct objects may be used
// from distinct threads, const objects from many.
#ifndef GUNPP_VALUE_HPP_
#define GUNPP_VALUE_HPP_

#include <compare>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace gunpp {

// A reference to another node, by soul. The soul is never empty.
class Link {
 public:
  // Throws std::invalid_argument when `soul` is empty.
  explicit Link(std::string soul);

  const std::string& soul() const { return soul_; }

  friend bool operator==(const Link&, const Link&) = default;

 private:
  std::string soul_;
};

class Value {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kLink };

  // null, the tombstone.
  Value() = default;
  Value(std::nullptr_t) {}     // NOLINT(google-explicit-constructor)
  Value(bool b) : data_(b) {}  // NOLINT(google-explicit-constructor)
  // Throws std::invalid_argument when `number` is NaN or infinite.
  Value(double number);  // NOLINT(google-explicit-constructor)
  Value(int number) : Value(static_cast<double>(number)) {}  // NOLINT
  Value(std::string s) : data_(std::move(s)) {}              // NOLINT
  Value(std::string_view s) : data_(std::string(s)) {}       // NOLINT
  Value(const char* s) : data_(std::string(s)) {}            // NOLINT
  Value(Link link) : data_(std::move(link)) {}               // NOLINT

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_number() const { return kind() == Kind::kNumber; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_link() const { return kind() == Kind::kLink; }

  // Accessors; each requires the matching kind (std::bad_variant_access
  // otherwise).
  bool as_bool() const { return std::get<bool>(data_); }
  double as_number() const { return std::get<double>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const Link& as_link() const { return std::get<Link>(data_); }

  // Structural equality: same kind and same payload. Note that 0 == -0 here,
  // as both have the lexical form "0".
  friend bool operator==(const Value&, const Value&) = default;

 private:
  std::variant<std::monostate, bool, double, std::string, Link> data_;
};

// ECMAScript Number::toString for a finite double: shortest round-trip
// digits, "1" not "1.0", "1e+21", "1e-7", "-0" as "0".
// Requires std::isfinite(number).
std::string format_number(double number);
// Appends format_number(number) to `out`, with no string in between.
void append_number(std::string& out, double number);

// Appends JSON.stringify(s) for a UTF-8 string: quotes, the escapes \" \\ \b
// \f \n \r \t, other control characters as \u00xx, everything else raw.
void append_json_string(std::string& out, std::string_view s);

// L(v): JSON.stringify(v) as UTF-8. A link is {"#":"soul"}.
std::string lexical_form(const Value& v);
// Appends L(v) to `out`.
void append_lexical_form(std::string& out, const Value& v);

// Orders two UTF-8 strings as JavaScript orders the UTF-16 strings they
// encode: <0, 0 or >0. Differs from byte order only when a character above
// U+FFFF meets one in U+E000..U+FFFF. Requires valid UTF-8.
int utf16_compare(std::string_view a, std::string_view b);

// utf16_compare(lexical_form(a), lexical_form(b)).
int lexical_compare(const Value& a, const Value& b);

// JavaScript's truthiness: false for null, false, 0 and "", true otherwise.
bool is_truthy(const Value& v);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <=
// U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace gunpp

#endif  // GUNPP_VALUE_HPP_
