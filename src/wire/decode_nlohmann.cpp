// The reference decoder: GUN wire frames from nlohmann_json's SAX events.
// decode_frame() (decode_simdjson.cpp) hands it every frame simdjson
// refuses, because JSON.parse accepts some of them (numbers out of double
// range, integers past 64 bits, deep nesting) and the rest need its error.
// The only file of the wire layer that sees nlohmann_json.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "frame_handler.hpp"
#include "gunpp/wire/message.hpp"

namespace gunpp::detail {

namespace {

using Json = nlohmann::json;

// nlohmann_json reports a number too large for a double (1e999) as error 406.
constexpr int kNumberOverflow = 406;

// nlohmann_json's SAX interface, forwarded to a FrameHandler.
class SaxAdapter {
 public:
  explicit SaxAdapter(FrameHandler& handler) : h_(handler) {}

  // Set when parsing stopped at a number out of double range.
  bool overflow() const { return overflow_; }

  bool null() { return h_.null(); }
  bool boolean(bool b) { return h_.boolean(b); }
  bool number_integer(std::int64_t n) {
    return h_.number(static_cast<double>(n));
  }
  bool number_unsigned(std::uint64_t n) {
    return h_.number(static_cast<double>(n));
  }
  bool number_float(double n, const std::string&) { return h_.number(n); }
  bool string(std::string& s) { return h_.string(s); }
  bool binary(Json::binary_t&) { return true; }  // not produced by JSON text
  bool key(std::string& k) { return h_.key(k); }
  bool start_object(std::size_t) { return h_.start_object(); }
  bool start_array(std::size_t) { return h_.start_array(); }
  bool end_object() { return h_.end_object(); }
  bool end_array() { return h_.end_array(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) {
    overflow_ = ex.id == kNumberOverflow;
    return false;
  }

 private:
  FrameHandler& h_;
  bool overflow_ = false;
};

// Whether `token` is a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view token) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
    return i > from;
  };
  if (i < token.size() && token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == token.size();
}

// Whether the JSON number `token` is out of double range, as nlohmann_json
// (which also uses strtod) reads it. Without an exponent, fewer than 309
// digits always fit.
bool overflows_double(std::string_view token) {
  if (token.size() < 309 && token.find_first_of("eE") == token.npos) {
    return false;
  }
  return std::isinf(std::strtod(std::string(token).c_str(), nullptr));
}

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
         c == 'e' || c == 'E';
}

struct NeutralizedText {
  std::string text;
  std::vector<std::size_t> overflows;  // ordinals among number tokens
};

// A copy of `text` in which every number token out of double range is
// replaced by "0" padded with spaces, and the ordinals of those tokens among
// all number tokens. nlohmann_json stops at such a number, while JSON.parse
// reads it as Infinity; parsing the copy visits the rest of the frame and
// lets the handler fail only the messages that held one. One linear scan;
// strings are skipped by their quotes and escapes. Replacing a whole valid
// token by another keeps the text exactly as valid or invalid as it was.
NeutralizedText neutralize_overflows(std::string_view text) {
  NeutralizedText out{std::string(text), {}};
  std::string& s = out.text;
  std::size_t ordinal = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      i = string_end(s, i) - 1;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) continue;
    std::size_t end = i;
    while (end < s.size() && is_number_char(s[end])) ++end;
    const std::string_view token(s.data() + i, end - i);
    if (is_json_number(token) && overflows_double(token)) {
      out.overflows.push_back(ordinal);
      s.replace(i, end - i, end - i, ' ');
      s[i] = '0';
    }
    ++ordinal;
    i = end - 1;
  }
  return out;
}

}  // namespace

Result<DecodedFrame> decode_frame_reference(std::string_view text,
                                            const WireLimits& limits,
                                            std::pmr::memory_resource* fields) {
  if (Status s = check_frame_text(text, limits, &text); !s) return s;
  // JSON has no place for a raw NUL byte (in a string it must be escaped),
  // but nlohmann_json ends the text at one, taking whatever came before.
  if (text.find('\0') != std::string_view::npos) return not_json();
  FrameHandler handler(limits, {}, fields);
  SaxAdapter sax(handler);
  if (Json::sax_parse(text.begin(), text.end(), &sax)) {
    return std::move(handler.frame());
  }
  if (!handler.limit_error().is_ok()) return handler.limit_error();
  if (sax.overflow()) {
    // Parse once more with the out-of-range numbers replaced: every message
    // is decoded, and those that held one fail on their own.
    NeutralizedText neutral = neutralize_overflows(text);
    FrameHandler again(limits, std::move(neutral.overflows), fields);
    SaxAdapter sax_again(again);
    if (Json::sax_parse(neutral.text.begin(), neutral.text.end(), &sax_again)) {
      return std::move(again.frame());
    }
    if (!again.limit_error().is_ok()) return again.limit_error();
  }
  return not_json();
}

}  // namespace gunpp::detail
