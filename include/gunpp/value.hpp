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
#include <cstdint>
#include <string>
#include <string_view>

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

// 24 bytes: a string or a link's soul of up to kInlineBytes bytes is held
// in the value itself, a longer one in one heap block of its own.
class Value {
 public:
  enum class Kind : std::uint8_t { kNull, kBool, kNumber, kString, kLink };

  // The longest text held without a heap block.
  static constexpr std::size_t kInlineBytes = 21;

  // null, the tombstone.
  Value() noexcept { set_tag(Kind::kNull); }
  Value(std::nullptr_t) noexcept : Value() {}  // NOLINT
  Value(bool b) noexcept {                     // NOLINT
    set_tag(Kind::kBool);
    bytes_[0] = b ? 1 : 0;
  }
  // Throws std::invalid_argument when `number` is NaN or infinite.
  Value(double number);  // NOLINT(google-explicit-constructor)
  Value(int number) : Value(static_cast<double>(number)) {}  // NOLINT
  // Throws std::bad_alloc when a text past kInlineBytes has no memory.
  Value(std::string_view s) { set_text(Kind::kString, s); }        // NOLINT
  Value(const std::string& s) : Value(std::string_view(s)) {}      // NOLINT
  Value(const char* s) : Value(std::string_view(s)) {}             // NOLINT
  Value(const Link& link) { set_text(Kind::kLink, link.soul()); }  // NOLINT

  Value(const Value& other);
  Value& operator=(const Value& other);
  // A moved-from value is null.
  Value(Value&& other) noexcept;
  Value& operator=(Value&& other) noexcept;
  ~Value() { free_text(); }

  Kind kind() const { return static_cast<Kind>(tag_ & kKindBits); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_number() const { return kind() == Kind::kNumber; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_link() const { return kind() == Kind::kLink; }

  // Accessors; each requires the matching kind (std::bad_variant_access
  // otherwise). The text of as_string() and link_soul() is followed by a
  // NUL byte, and lives as long as the value and no longer.
  bool as_bool() const;
  double as_number() const;
  std::string_view as_string() const;
  std::string_view link_soul() const;

  // The bytes of the heap block holding the text, 0 when there is none.
  std::size_t heap_bytes() const;

  // Structural equality: same kind and same payload. Note that 0 == -0 here,
  // as both have the lexical form "0".
  friend bool operator==(const Value& a, const Value& b);

 private:
  static constexpr std::uint8_t kKindBits = 0x07;
  static constexpr std::uint8_t kHeapBit = 0x08;

  void set_tag(Kind kind) { tag_ = static_cast<std::uint8_t>(kind); }
  bool on_heap() const { return (tag_ & kHeapBit) != 0; }
  // Makes this a string or link of `text`, from the null state.
  void set_text(Kind kind, std::string_view text);
  // The text of a string or link.
  std::string_view text() const;
  // Frees a heap block, if any; the bytes are then undefined.
  void free_text() noexcept;
  // Copies the bytes of `other` as they are: a heap block is then shared.
  void take_bytes(const Value& other) noexcept;
  // Requires a kind: throws std::bad_variant_access otherwise.
  void require(Kind kind) const;

  // A number, a bool, an inline text with its NUL, or a heap block's
  // address and size (in that order).
  alignas(8) char bytes_[kInlineBytes + 1] = {};
  std::uint8_t inline_size_ = 0;
  std::uint8_t tag_ = 0;  // the kind, and kHeapBit
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
