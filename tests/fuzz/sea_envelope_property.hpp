// The property fuzz_sea_envelope checks on any bytes, shared with the SEA
// tests that replay its corpus: the bytes as a field value in a user's
// space and in a content-addressed soul.
//  - The verifier answers OK or Unauthenticated, nothing else, and never
//    crashes (a valid signature can only come from the seeds).
//  - When the bytes are an envelope, gunpp's own envelope of the same value
//    verifies: what gunpp signs, gunpp accepts.
//  - The bytes stored under their own SHA-256 pass the content rule.
#ifndef GUNPP_TESTS_FUZZ_SEA_ENVELOPE_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_SEA_ENVELOPE_PROPERTY_HPP_

#include <string>
#include <string_view>

#include "gunpp/sea/signing.hpp"
#include "gunpp/sea/verifier.hpp"

namespace gunpp::testing {

// The pair the seeds are signed with, key "k", state 1000.
inline const sea::KeyPair& fuzz_pair() {
  static const sea::KeyPair pair = *sea::pair_from_json(
      R"({"pub":"EboW9tGslQIJE9yH01pqBmtGACl_JPVOdfS-ssSsLNk.TTy7O-8UfVye-irdv_v-H0GHKN7mwBVYh5KNMwY1BnY","priv":"2IJqTmhr15_UK9DUDjON5CU3H5iHBXr4dGvwP9YRe_I"})");
  return pair;
}

// "" when the property holds, else what broke.
inline std::string sea_envelope_property_violation(std::string_view bytes) {
  static sea::SeaVerifier verifier;
  const sea::KeyPair& pair = fuzz_pair();
  const std::string soul = sea::user_soul(pair);
  const std::string text(bytes);
  const Status s =
      verifier.verify_field(soul, Field{"k", Value(text), 1000}, 2000);
  if (!s.is_ok() && s.code() != Status::Code::kUnauthenticated) {
    return "verify_field answered " + s.to_string();
  }
  if (Result<Value> value = sea::open_field(text)) {
    Result<std::string> mine = sea::sign_field(soul, "k", *value, 1000, pair);
    if (!mine) return "sign_field failed: " + mine.status().to_string();
    const Status back =
        verifier.verify_field(soul, Field{"k", Value(*mine), 1000}, 2000);
    if (!back) return "gunpp's own envelope is refused: " + back.to_string();
  }
  const Status hashed = verifier.verify_field(
      "#", Field{sea::content_hash(text), Value(text), 1000}, 2000);
  if (!hashed) return "a value under its own hash is refused";
  return {};
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_SEA_ENVELOPE_PROPERTY_HPP_
