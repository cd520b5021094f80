#include "sea_json.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <unordered_map>
#include <utility>

#include "gunpp/wire/json_writer.hpp"
#include "wire/big_integers.hpp"

namespace gunpp::sea::detail {
namespace {

namespace dom = simdjson::dom;

// Envelopes are small; an EnvelopeParser keeps at most this much memory
// between calls.
constexpr std::size_t kKeepParserBytes = 1 << 20;

// One JSON document parsed on a caller's parser (kept warm between calls)
// or on one of its own.
class ParsedJson {
 public:
  explicit ParsedJson(std::string_view text) { parse(own_, text); }
  ParsedJson(dom::parser& parser, std::string_view text) {
    parse(parser, text);
  }
  ParsedJson(const ParsedJson&) = delete;
  ParsedJson& operator=(const ParsedJson&) = delete;

  bool ok() const { return ok_; }
  dom::element root() const { return root_; }

 private:
  void parse(dom::parser& parser, std::string_view text) {
    if (text.empty()) return;  // not JSON; and simdjson wants a buffer
    simdjson::error_code e = parser.parse(text.data(), text.size()).get(root_);
    if (e == simdjson::NUMBER_ERROR) {  // as for an integer past 64 bits
      const std::string wide = gunpp::detail::widen_big_integers(text);
      e = parser.parse(wide.data(), wide.size()).get(root_);
    }
    ok_ = e == simdjson::SUCCESS;
  }

  dom::parser own_;  // allocates only when used
  dom::element root_;
  bool ok_ = false;
};

// JSON.parse gives an array index member ("0", "17", below 2^32 - 1) its
// place before all others, in ascending order.
std::optional<std::uint32_t> array_index(std::string_view key) {
  if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) {
    return std::nullopt;
  }
  std::uint64_t n = 0;
  for (const char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n >= 0xFFFFFFFFull) return std::nullopt;
  return static_cast<std::uint32_t>(n);
}

double number_of(dom::element e) {
  switch (e.type()) {
    case dom::element_type::INT64:
      return static_cast<double>(int64_t(e));
    case dom::element_type::UINT64:
      return static_cast<double>(uint64_t(e));
    default:
      return double(e);
  }
}

// An object's members as JSON.parse leaves them: the last of duplicates
// wins at the first one's place, array indexes first.
std::vector<std::pair<std::string_view, dom::element>> members(dom::object o) {
  std::vector<std::pair<std::string_view, dom::element>> out;
  std::unordered_map<std::string_view, std::size_t> place;
  for (const auto field : o) {
    const auto [it, fresh] = place.try_emplace(field.key, out.size());
    if (fresh) {
      out.emplace_back(field.key, field.value);
    } else {
      out[it->second].second = field.value;
    }
  }
  std::stable_partition(out.begin(), out.end(), [](const auto& m) {
    return array_index(m.first).has_value();
  });
  const auto indexes = std::find_if_not(
      out.begin(), out.end(),
      [](const auto& m) { return array_index(m.first).has_value(); });
  std::sort(out.begin(), indexes, [](const auto& a, const auto& b) {
    return *array_index(a.first) < *array_index(b.first);
  });
  return out;
}

std::optional<dom::element> member(dom::element e, std::string_view name) {
  if (!e.is_object()) return std::nullopt;
  std::optional<dom::element> found;
  for (const auto field : dom::object(e)) {
    if (field.key == name) found = field.value;
  }
  return found;
}

std::optional<std::string> string_member(dom::element e,
                                         std::string_view name) {
  const auto m = member(e, name);
  if (!m || !m->is_string()) return std::nullopt;
  return std::string(std::string_view(*m));
}

void stringify(JsonWriter& json, dom::element e) {
  switch (e.type()) {
    case dom::element_type::ARRAY:
      json.begin_array();
      for (const dom::element item : dom::array(e)) stringify(json, item);
      json.end_array();
      return;
    case dom::element_type::OBJECT:
      json.begin_object();
      for (const auto& [name, value] : members(dom::object(e))) {
        json.key(name);
        stringify(json, value);
      }
      json.end_object();
      return;
    case dom::element_type::STRING:
      json.string(std::string_view(e));
      return;
    case dom::element_type::BOOL:
      json.boolean(bool(e));
      return;
    case dom::element_type::NULL_VALUE:
      json.null();
      return;
    default:
      json.number(number_of(e));
      return;
  }
}

std::string stringify(dom::element e) {
  std::string out;
  JsonWriter json(out);
  stringify(json, e);
  return out;
}

// JavaScript's truthiness of a JSON value.
bool truthy(dom::element e) {
  switch (e.type()) {
    case dom::element_type::STRING:
      return !std::string_view(e).empty();
    case dom::element_type::BOOL:
      return bool(e);
    case dom::element_type::NULL_VALUE:
      return false;
    case dom::element_type::ARRAY:
    case dom::element_type::OBJECT:
      return true;
    default:
      return number_of(e) != 0;
  }
}

// A pattern; nullopt when a member String.match reads is not a string.
std::optional<Pattern> pattern(dom::element e) {
  if (e.is_string())
    return Pattern{std::string(std::string_view(e)), {}, {}, {}};
  if (!e.is_object()) return std::nullopt;
  Pattern p;
  for (const auto& [name, slot] :
       {std::pair{"=", &p.eq}, std::pair{"*", &p.prefix},
        std::pair{">", &p.from}, std::pair{"<", &p.to}}) {
    const auto m = member(e, name);
    if (!m) continue;
    if (!m->is_string()) return std::nullopt;
    *slot = std::string(std::string_view(*m));
  }
  return p;
}

// One rule of "w"; nullopt when it cannot be read (it then matches nothing).
std::optional<WriteRule> write_rule(dom::element e) {
  WriteRule rule;
  if (e.is_string()) {
    rule.text = std::string(std::string_view(e));
    return rule;
  }
  if (!e.is_object()) return std::nullopt;
  rule.self = pattern(e);
  if (!rule.self) return std::nullopt;
  if (const auto s = member(e, "#")) {
    rule.soul_truthy = truthy(*s);
    if (rule.soul_truthy && !(rule.soul = pattern(*s))) return std::nullopt;
  }
  if (const auto k = member(e, ".")) {
    rule.key_truthy = truthy(*k);
    if (rule.key_truthy && !(rule.key = pattern(*k))) return std::nullopt;
  }
  if (const auto plus = member(e, "+")) {
    if (plus->is_string()) {
      rule.key_must_name_writer =
          std::string_view(*plus).find('*') != std::string_view::npos;
    } else if (plus->is_array()) {
      for (const dom::element item : dom::array(*plus)) {
        if (item.is_string() && std::string_view(item) == "*") {
          rule.key_must_name_writer = true;
        }
      }
    }
  }
  return rule;
}

// parseFloat of a certificate's "e".
std::optional<double> expiry_of(dom::element e) {
  if (e.is_number()) return number_of(e);
  if (!e.is_string()) return std::nullopt;
  const std::string text{std::string_view(e)};
  const char* begin = text.c_str();
  while (*begin == ' ' || *begin == '\t' || *begin == '\n' || *begin == '\r') {
    ++begin;
  }
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin) return std::nullopt;  // NaN: never expires in GUN.js
  return v;
}

Result<Certificate> certificate(dom::element cert) {
  const auto m = member(cert, "m");
  const auto s = string_member(cert, "s");
  if (!m || !s) return Status::invalid_argument("certificate lacks m or s");
  Certificate out;
  out.signature = *s;
  // SEA signs a string as it is and anything else as JSON.stringify
  // writes it; either way the policy is the JSON it holds.
  dom::element policy = *m;
  std::optional<ParsedJson> inner;
  if (m->is_string()) {
    out.signed_text = std::string(std::string_view(*m));
    inner.emplace(out.signed_text);
    if (!inner->ok())
      return Status::invalid_argument("certificate is not JSON");
    policy = inner->root();
  } else {
    out.signed_text = stringify(*m);
  }
  if (!policy.is_object()) {
    return Status::invalid_argument("certificate is not an object");
  }
  if (const auto c = member(policy, "c")) {
    if (c->is_string()) {
      const std::string_view who(*c);
      out.anyone = who.find('*') != std::string_view::npos;
      out.certificants.emplace_back(who);
    } else if (c->is_array()) {
      for (const dom::element item : dom::array(*c)) {
        if (!item.is_string()) continue;
        const std::string_view who(item);
        if (who == "*") out.anyone = true;
        out.certificants.emplace_back(who);
      }
    }
  }
  if (const auto e = member(policy, "e")) out.expiry = expiry_of(*e);
  if (const auto w = member(policy, "w")) {
    if (w->is_array()) {
      for (const dom::element item : dom::array(*w)) {
        if (auto rule = write_rule(item)) out.write.push_back(std::move(*rule));
      }
    } else if (auto rule = write_rule(*w)) {
      out.write.push_back(std::move(*rule));
    }
  }
  out.has_write_block = member(policy, "wb").has_value();
  return out;
}

}  // namespace

std::string field_text(std::string_view soul, std::string_view key,
                       std::string_view value_json, double state) {
  std::string out;
  JsonWriter json(out);
  json.begin_object()
      .key("#")
      .string(soul)
      .key(".")
      .string(key)
      .key(":")
      .raw(value_json)
      .key(">")
      .number(state)
      .end_object();
  return out;
}

namespace {

Result<Envelope> envelope_from(const ParsedJson& doc) {
  if (!doc.ok() || !doc.root().is_object()) {
    return Status::invalid_argument("value is not a SEA envelope");
  }
  const auto value = member(doc.root(), ":");
  auto signature = string_member(doc.root(), "~");
  if (!value || !signature) {
    return Status::invalid_argument("value is not a signed SEA envelope");
  }
  Envelope out;
  out.value_json = stringify(*value);
  out.signature = std::move(*signature);
  if (const auto writer = member(doc.root(), "*")) {
    if (!writer->is_string()) {
      return Status::invalid_argument("writer (\"*\") is not a pub");
    }
    out.writer = std::string(std::string_view(*writer));
  }
  if (const auto cert = member(doc.root(), "+")) {
    Result<Certificate> c = certificate(*cert);
    if (!c) return c.status();
    out.certificate = std::move(*c);
  }
  return out;
}

}  // namespace

Result<Envelope> parse_envelope(std::string_view text) {
  return envelope_from(ParsedJson(text));
}

struct EnvelopeParser::Buffers {
  dom::parser parser;
};

EnvelopeParser::EnvelopeParser() : buffers_(std::make_unique<Buffers>()) {}
EnvelopeParser::~EnvelopeParser() = default;

Result<Envelope> EnvelopeParser::parse(std::string_view text) {
  Result<Envelope> out = envelope_from(ParsedJson(buffers_->parser, text));
  if (buffers_->parser.capacity() > kKeepParserBytes) {
    buffers_->parser = dom::parser();
  }
  return out;
}

Result<Value> value_from_json(std::string_view json) {
  ParsedJson doc(json);
  if (!doc.ok()) return Status::invalid_argument("value is not JSON");
  const dom::element e = doc.root();
  switch (e.type()) {
    case dom::element_type::STRING:
      return Value(std::string(std::string_view(e)));
    case dom::element_type::BOOL:
      return Value(bool(e));
    case dom::element_type::NULL_VALUE:
      return Value(nullptr);
    case dom::element_type::ARRAY:
      return Status::invalid_argument("value is an array");
    case dom::element_type::OBJECT: {
      const auto soul = string_member(e, "#");
      if (!soul || soul->empty() || dom::object(e).size() != 1) {
        return Status::invalid_argument("value is an object, not a link");
      }
      return Value(Link(*soul));
    }
    default:
      return Value(number_of(e));
  }
}

Result<std::string> canonical_json(std::string_view json) {
  ParsedJson doc(json);
  if (!doc.ok()) return Status::invalid_argument("not JSON");
  return stringify(doc.root());
}

Result<Sealed> parse_sealed(std::string_view text) {
  if (text.substr(0, 4) == "SEA{") text.remove_prefix(3);
  ParsedJson doc(text);
  if (!doc.ok()) return Status::invalid_argument("sealed data is not JSON");
  auto ct = string_member(doc.root(), "ct");
  auto iv = string_member(doc.root(), "iv");
  auto s = string_member(doc.root(), "s");
  if (!ct || !iv || !s) {
    return Status::invalid_argument("sealed data lacks ct, iv or s");
  }
  return Sealed{std::move(*ct), std::move(*iv), std::move(*s)};
}

Result<std::pair<Sealed, std::string>> parse_auth(std::string_view text) {
  ParsedJson doc(text);
  if (!doc.ok()) return Status::invalid_argument("auth is not JSON");
  const auto ek = member(doc.root(), "ek");
  auto salt = string_member(doc.root(), "s");
  if (!ek || !salt) return Status::invalid_argument("auth lacks ek or s");
  Result<Sealed> sealed = parse_sealed(
      ek->is_string() ? std::string(std::string_view(*ek)) : stringify(*ek));
  if (!sealed) return sealed.status();
  return std::pair{std::move(*sealed), std::move(*salt)};
}

Result<KeyPair> parse_pair(std::string_view json) {
  ParsedJson doc(json);
  if (!doc.ok()) return Status::invalid_argument("key pair is not JSON");
  if (!doc.root().is_object()) {
    return Status::invalid_argument("key pair is not an object");
  }
  KeyPair pair;
  pair.pub = string_member(doc.root(), "pub").value_or("");
  pair.priv = string_member(doc.root(), "priv").value_or("");
  pair.epub = string_member(doc.root(), "epub").value_or("");
  pair.epriv = string_member(doc.root(), "epriv").value_or("");
  return pair;
}

}  // namespace gunpp::sea::detail
