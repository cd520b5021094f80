// One RAD file: a JSON radix tree (simdjson's DOM), or the older lines of
// U+001F-framed tokens; and 2019's "value>state" leaves.
#include <simdjson.h>

#include <cmath>
#include <string>
#include <utility>

#include "core/utf8.hpp"
#include "gunpp/rad.hpp"
#include "tokens.hpp"
#include "wire/big_integers.hpp"

namespace gunpp::rad {
namespace {

namespace dom = simdjson::dom;

constexpr char kUnitSeparator = '\x1f';

// GUN.js's trees may cut a key between the two halves of a surrogate pair
// (siblings that share a high surrogate), so an edge can end with "\udXXX"
// alone, which simdjson refuses. Such escapes are read as stand-ins in a
// private-use range (U+F0000 + the high half's 10 bits, U+F0400 + the low
// half's), and a key's stand-ins are joined back into their character once
// the key is whole.
constexpr char32_t kHighStandIn = 0xF0000;
constexpr char32_t kLowStandIn = 0xF0400;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The \uXXXX escape at `at`, or -1.
int escape_at(std::string_view text, std::size_t at) {
  if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') {
    return -1;
  }
  int v = 0;
  for (std::size_t i = at + 2; i < at + 6; ++i) {
    const int d = hex_digit(text[i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

void append_escape(std::string& out, char32_t cp) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char32_t v = cp - 0x10000;
  for (const char32_t unit : {0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)}) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4)
      out += kHex[(unit >> shift) & 15];
  }
}

// `text` with every surrogate escape that is not half of a pair replaced
// by its stand-in's escape.
std::string with_stand_ins(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] != 'u') {
      out.append(text.substr(i, 2));
      i += 2;
      continue;
    }
    const int unit = escape_at(text, i);
    if (unit < 0xD800 || unit > 0xDFFF) {
      out += text[i++];
      continue;
    }
    const int next = unit <= 0xDBFF ? escape_at(text, i + 6) : -1;
    if (next >= 0xDC00 && next <= 0xDFFF) {  // a whole pair
      out.append(text.substr(i, 12));
      i += 12;
      continue;
    }
    append_escape(out, unit <= 0xDBFF ? kHighStandIn + (unit - 0xD800)
                                      : kLowStandIn + (unit - 0xDC00));
    i += 6;
  }
  return out;
}

// A key with its stand-ins joined; a stand-in left alone (a key that is
// not UTF-16 either) becomes a byte that is not UTF-8, so the key is
// refused as such.
std::string join_stand_ins(std::string_view key) {
  std::string out;
  for (std::size_t i = 0; i < key.size();) {
    const auto at = [&key](std::size_t k) {
      return static_cast<unsigned char>(key[k]);
    };
    const auto stand_in = [&](std::size_t k) -> char32_t {
      if (k + 4 > key.size() || at(k) != 0xF3 || at(k + 1) != 0xB0) return 0;
      return 0xF0000 + ((at(k + 2) & 0x3F) << 6) + (at(k + 3) & 0x3F);
    };
    const char32_t hi = stand_in(i);
    if (hi == 0 || hi >= kLowStandIn + 0x400) {
      out += key[i++];
      continue;
    }
    const char32_t lo = stand_in(i + 4);
    if (hi < kLowStandIn && lo >= kLowStandIn && lo < kLowStandIn + 0x400) {
      const char32_t cp =
          0x10000 + ((hi - kHighStandIn) << 10) + (lo - kLowStandIn);
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
      i += 8;
    } else {
      out += '\xff';
      i += 4;
    }
  }
  return out;
}

// A GUN value from JSON: string, finite number, boolean, null, {"#":soul}.
bool gun_value(dom::element e, Value& out) {
  switch (e.type()) {
    case dom::element_type::NULL_VALUE:
      out = Value();
      return true;
    case dom::element_type::BOOL:
      out = Value(e.get_bool().value_unsafe());
      return true;
    case dom::element_type::INT64:
      out = Value(static_cast<double>(e.get_int64().value_unsafe()));
      return true;
    case dom::element_type::UINT64:
      out = Value(static_cast<double>(e.get_uint64().value_unsafe()));
      return true;
    case dom::element_type::DOUBLE:
      out = Value(e.get_double().value_unsafe());
      return true;
    case dom::element_type::STRING:
      out = Value(std::string(e.get_string().value_unsafe()));
      return true;
    case dom::element_type::OBJECT: {
      const dom::object o = e.get_object().value_unsafe();
      std::string_view soul;
      if (o.size() != 1 || o["#"].get_string().get(soul) != simdjson::SUCCESS ||
          soul.empty()) {
        return false;
      }
      out = Value(Link(std::string(soul)));
      return true;
    }
    case dom::element_type::ARRAY:
      return false;
  }
  return false;
}

// Whether a record's key and its text value are UTF-8.
bool utf8_record(const Record& r) {
  if (!is_valid_utf8(r.key)) return false;
  if (r.value.is_string()) return is_valid_utf8(r.value.as_string());
  if (r.value.is_link()) return is_valid_utf8(r.value.link_soul());
  return true;
}

// A leaf as the current format writes it, {":": value, ">": state}, or
// 2019's text "value>state".
Record leaf_record(std::string key, dom::element leaf) {
  Record r;
  r.key = std::move(key);
  double number = 0;
  if (leaf.get_double().get(number) == simdjson::SUCCESS) {
    r.number = number;
    return r;
  }
  std::string_view text;
  if (leaf.get_string().get(text) == simdjson::SUCCESS) {
    decode_2019_leaf(text, r);
    return r;
  }
  dom::object o;
  if (leaf.get_object().get(o) != simdjson::SUCCESS) return r;
  dom::element value;
  if (o[":"].get(value) == simdjson::SUCCESS) {
    r.has_value = gun_value(value, r.value);
  }
  double state = 0;
  if (o[">"].get_double().get(state) == simdjson::SUCCESS &&
      std::isfinite(state)) {
    r.has_state = true;
    r.state = state;
  }
  dom::element ignored;
  r.damaged = o["undefined"].get(ignored) == simdjson::SUCCESS;
  return r;
}

Status walk(dom::object node, std::string& key, bool stand_ins,
            const std::function<void(Record&&)>& each) {
  for (const dom::key_value_pair member : node) {
    if (member.key.empty()) {
      Record r =
          leaf_record(stand_ins ? join_stand_ins(key) : key, member.value);
      if (stand_ins && r.value.is_string()) {
        r.value = Value(join_stand_ins(r.value.as_string()));
      }
      // simdjson checked the text; a stand-in left alone is not UTF-8.
      r.utf8 = !stand_ins || utf8_record(r);
      each(std::move(r));
      continue;
    }
    dom::object child;
    if (member.value.get_object().get(child) != simdjson::SUCCESS) {
      return Status::corruption("not a radix tree: the member \"" +
                                std::string(member.key) + "\" holds no object");
    }
    const std::size_t at = key.size();
    key.append(member.key);
    if (Status s = walk(child, key, stand_ins, each); !s) return s;
    key.resize(at);
  }
  return Status::ok();
}

Status parse_json(std::string_view text,
                  const std::function<void(Record&&)>& each) {
  dom::parser parser;
  dom::element root;
  simdjson::error_code e = parser.parse(text.data(), text.size()).get(root);
  std::string wide;
  if (e == simdjson::NUMBER_ERROR) {  // an integer past 64 bits
    wide = gunpp::detail::widen_big_integers(text);
    e = parser.parse(wide.data(), wide.size()).get(root);
  }
  bool stand_ins = false;
  if (e == simdjson::STRING_ERROR) {  // a surrogate alone, maybe
    wide = with_stand_ins(wide.empty() ? text : std::string_view(wide));
    e = parser.parse(wide.data(), wide.size()).get(root);
    stand_ins = true;
  }
  if (e != simdjson::SUCCESS) {
    return Status::corruption(
        e == simdjson::TAPE_ERROR || e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT
            ? std::string("cut short or not JSON (") +
                  simdjson::error_message(e) + ")"
            : std::string("not JSON (") + simdjson::error_message(e) + ")");
  }
  dom::object tree;
  if (root.get_object().get(tree) != simdjson::SUCCESS) {
    return Status::corruption("not a radix tree: the text is no JSON object");
  }
  std::string key;
  return walk(tree, key, stand_ins, each);
}

// The older format: lines "depth # edge [: value]" of typed tokens, the
// path of edges giving each value's key.
Status parse_lines(std::string_view text,
                   const std::function<void(Record&&)>& each) {
  TokenReader in(text, kUnitSeparator);
  Token depth;
  if (!in.next(depth) || depth.type != Token::kNumber || depth.number != 0) {
    return Status::corruption(
        "neither JSON nor RAD's line format (no root radix)");
  }
  std::vector<std::string> path;
  for (;;) {
    Token edge;
    if (!in.next(edge) || in.before() != "#" || edge.type != Token::kString) {
      return Status::corruption("RAD's line format: a line without its edge");
    }
    if (!(depth.number >= 0 &&
          depth.number <= static_cast<double>(path.size()))) {
      return Status::corruption(
          "RAD's line format: a line deeper than its "
          "parent");
    }
    const auto level = static_cast<std::size_t>(depth.number);
    path.resize(level);
    path.push_back(edge.text);
    Token next;
    if (!in.next(next)) break;  // the end: a branch without a value
    if (in.before() == ":" || in.before() == "=") {
      Record r;
      for (const std::string& part : path) r.key += part;
      if (next.type == Token::kString) decode_2019_leaf(next.text, r);
      r.utf8 = utf8_record(r);  // the line format's bytes are unchecked
      if (next.type == Token::kNumber) r.number = next.number;
      each(std::move(r));
      if (!in.next(next)) break;
    }
    if (in.before() != "\n" || next.type != Token::kNumber) {
      return Status::corruption(
          "RAD's line format: a line not ended by its "
          "newline");
    }
    depth = next;
  }
  return Status::ok();
}

}  // namespace

Status parse_file(std::string_view text,
                  const std::function<void(Record&&)>& each) {
  if (text.empty()) return Status::corruption("empty");
  if (text.front() == '{') return parse_json(text, each);
  if (text.front() == kUnitSeparator) return parse_lines(text, each);
  return parse_json(text, each);
}

}  // namespace gunpp::rad
