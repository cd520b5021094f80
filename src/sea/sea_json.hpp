// SEA's JSON: envelopes, certificates and key pairs read as GUN.js's
// JSON.parse reads them, and values written back as JSON.stringify writes
// them (the bytes SEA hashes). Only sea_json.cpp includes simdjson.
#ifndef GUNPP_SRC_SEA_SEA_JSON_HPP_
#define GUNPP_SRC_SEA_SEA_JSON_HPP_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/sea/signing.hpp"
#include "gunpp/status.hpp"
#include "gunpp/value.hpp"

namespace gunpp::sea::detail {

// String.match's pattern: a string s is {'=': s}; an object keeps its
// string members '=', '*', '>' and '<' (absent members stay empty).
struct Pattern {
  std::optional<std::string> eq, prefix, from, to;
};

// One rule of a certificate's write policy (SEA.certify's "w").
struct WriteRule {
  std::optional<std::string> text;    // the rule is a bare string
  std::optional<Pattern> self;        // the rule object read as a pattern
  std::optional<Pattern> soul;        // '#'
  std::optional<Pattern> key;         // '.'
  bool soul_truthy = false;           // '#' present and truthy in JavaScript
  bool key_truthy = false;            // '.' present and truthy
  bool key_must_name_writer = false;  // '+' holds "*"
};

struct Certificate {
  std::string signed_text;  // the text its signature covers
  std::string signature;    // base64, as sent
  bool anyone = false;      // "c" is or holds "*"
  std::vector<std::string> certificants;
  std::optional<double> expiry;  // "e", read with parseFloat
  std::vector<WriteRule> write;  // "w"
  bool has_write_block = false;  // "wb"
};

// A signed field's value: {":":value,"~":signature} with, for a write by
// another key, "*" (the writer's pub) and "+" (the owner's certificate).
struct Envelope {
  std::string value_json;                  // ':' as JSON.stringify writes it
  std::string signature;                   // '~'
  std::optional<std::string> writer;       // '*'
  std::optional<Certificate> certificate;  // '+' with "m" and "s"
};

// The text SEA signs for a field whose value is `value_json`:
// {"#":soul,".":key,":":value,">":state} as JSON.stringify writes it.
std::string field_text(std::string_view soul, std::string_view key,
                       std::string_view value_json, double state);

// InvalidArgument with the reason when `text` is not an envelope: not
// JSON, not an object, no ':' or no string '~', a '*' that is not a string,
// a '+' that is not a certificate.
Result<Envelope> parse_envelope(std::string_view text);

// parse_envelope() on simdjson buffers kept from one call to the next (at
// most 1 MiB of them): for a caller that reads many envelopes, as the
// verifier does. Not thread-safe.
class EnvelopeParser {
 public:
  EnvelopeParser();
  ~EnvelopeParser();
  EnvelopeParser(const EnvelopeParser&) = delete;
  EnvelopeParser& operator=(const EnvelopeParser&) = delete;

  Result<Envelope> parse(std::string_view text);

 private:
  struct Buffers;
  std::unique_ptr<Buffers> buffers_;
};

// The GUN value inside an envelope's value_json; InvalidArgument when it is
// an object that is not a link, or an array.
Result<Value> value_from_json(std::string_view json);

// SEA.encrypt's {"ct","iv","s"}, base64 members as sent.
struct Sealed {
  std::string ct, iv, s;
};
// From "SEA{...}" or "{...}"; InvalidArgument when not that form.
Result<Sealed> parse_sealed(std::string_view text);
// user.create's auth: {"ek":{"ct","iv","s"},"s":salt}.
Result<std::pair<Sealed, std::string>> parse_auth(std::string_view text);

// `json` as JSON.stringify(JSON.parse(json)) writes it; InvalidArgument when
// not JSON.
Result<std::string> canonical_json(std::string_view json);

// The string members pub, priv, epub and epriv of an object (those absent
// stay empty); InvalidArgument when not a JSON object.
Result<KeyPair> parse_pair(std::string_view json);

}  // namespace gunpp::sea::detail

#endif  // GUNPP_SRC_SEA_SEA_JSON_HPP_
