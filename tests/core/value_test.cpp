#include "gunpp/value.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gunpp {
namespace {

TEST_CASE("format_number matches ECMAScript Number::toString", "[value]") {
  // Expected texts were produced by node's String(x).
  struct Case {
    double number;
    const char* text;
  };
  const Case cases[] = {
      {1, "1"},
      {0, "0"},
      {-0.0, "0"},
      {1e21, "1e+21"},
      {1e-7, "1e-7"},
      {-1e-7, "-1e-7"},
      {0.1 + 0.2, "0.30000000000000004"},
      {0.1, "0.1"},
      {5e-324, "5e-324"},
      {1.5e-323, "1.5e-323"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {1e300, "1e+300"},
      {123456789012345680000.0, "123456789012345680000"},
      {999999999999999900000.0, "999999999999999900000"},
      {1e20, "100000000000000000000"},
      {1e-6, "0.000001"},
      {0.000001234, "0.000001234"},
      {1.5e-7, "1.5e-7"},
      {1.2345e-7, "1.2345e-7"},
      {-2.5e-10, "-2.5e-10"},
      {100, "100"},
      {-1.5, "-1.5"},
      {123.456, "123.456"},
      {4.35, "4.35"},
      {9007199254740992.0, "9007199254740992"},
  };
  for (const Case& c : cases) {
    INFO("number " << c.text);
    CHECK(format_number(c.number) == c.text);
    std::string appended = "[1,";
    append_number(appended, c.number);
    CHECK(appended == std::string("[1,") + c.text);
  }
}

TEST_CASE("lexical_form is JSON.stringify", "[value]") {
  CHECK(lexical_form(Value()) == "null");
  CHECK(lexical_form(Value(nullptr)) == "null");
  CHECK(lexical_form(Value(true)) == "true");
  CHECK(lexical_form(Value(false)) == "false");
  CHECK(lexical_form(Value(42)) == "42");
  CHECK(lexical_form(Value(-0.0)) == "0");
  CHECK(lexical_form(Value("hi")) == "\"hi\"");
  CHECK(lexical_form(Value(Link("b"))) == "{\"#\":\"b\"}");
  CHECK(lexical_form(Value(Link("a\"b"))) == "{\"#\":\"a\\\"b\"}");

  SECTION("string escapes") {
    // node: JSON.stringify("a\"b\\c\b\f\n\r\t\u0001\u001f\u007f/é😀")
    const std::string raw =
        "a\"b\\c\b\f\n\r\t\x01\x1f\x7f/\xC3\xA9\xF0\x9F\x98\x80";
    CHECK(lexical_form(Value(raw)) ==
          "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/"
          "\xC3\xA9\xF0\x9F\x98\x80\"");
    CHECK(lexical_form(Value(std::string("\0", 1))) == "\"\\u0000\"");
  }

  SECTION("escapes at either end, side by side, and between long runs") {
    CHECK(lexical_form(Value("")) == "\"\"");
    CHECK(lexical_form(Value("\"starts")) == "\"\\\"starts\"");
    CHECK(lexical_form(Value("ends\\")) == "\"ends\\\\\"");
    CHECK(lexical_form(Value("\n\n\x02")) == "\"\\n\\n\\u0002\"");
    const std::string run(100, 'x');
    CHECK(lexical_form(Value(run + "\t" + run + "\xC3\xA9")) ==
          "\"" + run + "\\t" + run + "\xC3\xA9\"");
    std::string out = "kept:";
    append_json_string(out, "a\"b");
    CHECK(out == "kept:\"a\\\"b\"");
  }

  SECTION("each escape at every place in and around an eight-byte word") {
    // The scan reads eight bytes at a time: an escape in any of them, or
    // past the last whole word, must be found. Bytes from 0x80 up and just
    // above 0x20 must not be taken for escapes.
    const std::string plain = "ab\x7f\xC3\xA9 !#[]";  // no escapes
    const std::pair<char, std::string_view> escapes[] = {
        {'"', "\\\""},       {'\\', "\\\\"},      {'\n', "\\n"},
        {'\x01', "\\u0001"}, {'\x1f', "\\u001f"}, {'\0', "\\u0000"}};
    for (const auto& [special, escaped] : escapes) {
      for (std::size_t at = 0; at < 20; ++at) {
        std::string raw;
        std::string expected = "\"";
        for (std::size_t i = 0; i < 20; ++i) {
          raw += i == at ? special : plain[i % plain.size()];
          expected += i == at ? std::string(escaped) : raw.substr(i, 1);
        }
        expected += '"';
        std::string out;
        append_json_string(out, raw);
        CHECK(out == expected);
      }
    }
  }
}

TEST_CASE("is_truthy is JavaScript's truthiness", "[value]") {
  CHECK_FALSE(is_truthy(Value(nullptr)));
  CHECK_FALSE(is_truthy(Value(false)));
  CHECK_FALSE(is_truthy(Value(0)));
  CHECK_FALSE(is_truthy(Value(-0.0)));
  CHECK_FALSE(is_truthy(Value("")));
  CHECK(is_truthy(Value(true)));
  CHECK(is_truthy(Value(-1)));
  CHECK(is_truthy(Value("0")));
  CHECK(is_truthy(Value(Link("x"))));
}

TEST_CASE("utf16_compare orders like JavaScript strings", "[value]") {
  CHECK(utf16_compare("a", "b") < 0);
  CHECK(utf16_compare("b", "a") > 0);
  CHECK(utf16_compare("a", "a") == 0);
  CHECK(utf16_compare("a", "ab") < 0);
  CHECK(utf16_compare("", "") == 0);
  CHECK(utf16_compare("", "a") < 0);

  const std::string grin = "\xF0\x9F\x98\x80";  // U+1F600, UTF-16 D83D DE00
  const std::string fffd = "\xEF\xBF\xBD";      // U+FFFD
  const std::string ffff = "\xEF\xBF\xBF";      // U+FFFF
  const std::string e000 = "\xEE\x80\x80";      // U+E000
  const std::string d7ff = "\xED\x9F\xBF";      // U+D7FF, below surrogates
  // UTF-8 byte order says U+1F600 is larger; UTF-16 order says smaller.
  CHECK(grin > fffd);
  CHECK(utf16_compare(grin, fffd) < 0);
  CHECK(utf16_compare(fffd, grin) > 0);
  CHECK(utf16_compare(grin, ffff) < 0);
  CHECK(utf16_compare(grin, e000) < 0);
  // Below the surrogate range both orders agree.
  CHECK(utf16_compare(grin, d7ff) > 0);
  // Two characters above U+FFFF compare by code point.
  CHECK(utf16_compare("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x81") < 0);
  CHECK(utf16_compare("\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF") < 0);
  // The difference may sit after a common prefix.
  CHECK(utf16_compare("x" + grin, "x" + fffd) < 0);
  CHECK(utf16_compare("x" + grin + "a", "x" + grin + "b") < 0);
}

TEST_CASE("lexical_compare follows JSON text", "[value]") {
  CHECK(lexical_compare(Value(9), Value(10)) > 0);          // "9" > "10"
  CHECK(lexical_compare(Value(2), Value(1e21)) > 0);        // "2" > "1e+21"
  CHECK(lexical_compare(Value(-2), Value(-1)) > 0);         // "-2" > "-1"
  CHECK(lexical_compare(Value(1), Value("1")) > 0);         // digit > quote
  CHECK(lexical_compare(Value(nullptr), Value("z")) > 0);   // n > "
  CHECK(lexical_compare(Value(nullptr), Value(true)) < 0);  // n < t
  CHECK(lexical_compare(Value(false), Value(nullptr)) < 0);
  CHECK(lexical_compare(Value(false), Value(123)) > 0);
  CHECK(lexical_compare(Value(Link("a")), Value(true)) > 0);  // { > t
  CHECK(lexical_compare(Value("a"), Value("a!")) > 0);        // closing quote
  CHECK(lexical_compare(Value("ab"), Value("a")) > 0);
  CHECK(lexical_compare(Value("a\""), Value("a#")) > 0);  // backslash
  CHECK(lexical_compare(Value(0.0), Value(-0.0)) == 0);
}

TEST_CASE("invalid values are unrepresentable", "[value]") {
  CHECK_THROWS_AS(Value(std::numeric_limits<double>::quiet_NaN()),
                  std::invalid_argument);
  CHECK_THROWS_AS(Value(std::numeric_limits<double>::infinity()),
                  std::invalid_argument);
  CHECK_THROWS_AS(Value(-std::numeric_limits<double>::infinity()),
                  std::invalid_argument);
  CHECK_THROWS_AS(Link(""), std::invalid_argument);
  CHECK_NOTHROW(Value(std::numeric_limits<double>::max()));
}

TEST_CASE("Value kinds and equality", "[value]") {
  CHECK(Value().kind() == Value::Kind::kNull);
  CHECK(Value(true).kind() == Value::Kind::kBool);
  CHECK(Value(1.5).kind() == Value::Kind::kNumber);
  CHECK(Value("s").kind() == Value::Kind::kString);
  CHECK(Value(Link("x")).kind() == Value::Kind::kLink);
  CHECK(Value(Link("x")).link_soul() == "x");
  CHECK(Value(1) == Value(1.0));
  CHECK(Value(1) != Value("1"));
  CHECK(Value("x") != Value(Link("x")));
  CHECK(Value(0.0) == Value(-0.0));
}

TEST_CASE("Value holds short text inline and longer text on the heap",
          "[value]") {
  const std::string inline_text(Value::kInlineBytes, 'a');
  const std::string heap_text(Value::kInlineBytes + 1, 'b');
  for (const std::string& text : {std::string(), inline_text, heap_text}) {
    const Value v(text);
    CHECK(v.as_string() == text);
    CHECK(v.as_string().data()[text.size()] == '\0');  // NUL after the text
    if (!text.empty()) {
      const Value link(Link{text});
      CHECK(link.link_soul() == text);
      CHECK(link.link_soul().data()[text.size()] == '\0');
    }
    CHECK(v.heap_bytes() ==
          (text.size() > Value::kInlineBytes ? text.size() + 1 : 0));
    // A copy owns its text; a moved-from value is null.
    Value copy = v;
    CHECK(copy == v);
    CHECK((text.size() <= Value::kInlineBytes ||
           copy.as_string().data() != v.as_string().data()));
    Value moved = std::move(copy);
    CHECK(moved.as_string() == text);
    CHECK(copy.is_null());  // NOLINT(bugprone-use-after-move)
    // Assignment over a heap text frees it and takes the other's.
    Value target(heap_text + "c");
    target = moved;
    CHECK(target.as_string() == text);
    target = Value(Link(heap_text));
    CHECK(target.link_soul() == heap_text);
    const Value& self = target;
    target = self;
    CHECK(target.link_soul() == heap_text);
  }
}

TEST_CASE("Value of an empty view with no data is the empty string",
          "[value]") {
  const Value v{std::string_view()};
  CHECK(v.is_string());
  CHECK(v.as_string().empty());
  CHECK(v.as_string().data()[0] == '\0');
  CHECK(v == Value(""));
}

TEST_CASE("Value accessors require their kind", "[value]") {
  CHECK_THROWS_AS(Value().as_bool(), std::bad_variant_access);
  CHECK_THROWS_AS(Value(true).as_number(), std::bad_variant_access);
  CHECK_THROWS_AS(Value(1).as_string(), std::bad_variant_access);
  CHECK_THROWS_AS(Value("s").link_soul(), std::bad_variant_access);
  CHECK_THROWS_AS(Value(Link("s")).as_string(), std::bad_variant_access);
  CHECK(Value(false).as_bool() == false);
  CHECK(Value(-2.5).as_number() == -2.5);
}

TEST_CASE("is_valid_utf8", "[value]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBF"));
  CHECK_FALSE(is_valid_utf8("\xC3"));              // truncated
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation
  CHECK_FALSE(is_valid_utf8("\xFF"));
  // Around the eight-byte ASCII runs: a sequence across a run's end, and
  // bad bytes right after a run and at the very end.
  CHECK(is_valid_utf8("abcdefg\xC3\xA9 and sixteen more"));
  CHECK_FALSE(is_valid_utf8("abcdefgh\xC3\x28 ascii after"));
  CHECK_FALSE(is_valid_utf8("abcdefghijklmnop\xE2\x82"));
  CHECK_FALSE(is_valid_utf8(std::string(64, 'a') + "\xFF"));
}

}  // namespace
}  // namespace gunpp
