// SEA: GUN's keys, signatures and signed fields, interoperable with GUN.js's
// SEA (gun 0.2020.1241) and built on OpenSSL 3.
//
//   gunpp::sea::KeyPair alice = gunpp::sea::generate_pair();
//   auto delta = gunpp::sea::sign_graph(alice, gunpp::sea::user_soul(alice),
//                                       {{"name", "Alice"}},
//                                       store.next_state());
//   store.put(std::move(*delta));   // a GUN.js peer accepts it as Alice's
//
// Formats (docs/sea.md): a pub or epub is "x.y", the JWK coordinates of a
// P-256 point in unpadded base64url; priv and epriv are the JWK scalar d. A
// signature is ECDSA P-256 with SHA-256 over the SHA-256 of the signed text,
// r||s in standard base64. A signed field's value is the JSON text
// {":":<value>,"~":<signature>}, and the text signed is
// {"#":<soul>,".":<key>,":":<value>,">":<state>} as JSON.stringify writes it.
//
// Thread safety: free functions; any thread.
#ifndef GUNPP_SEA_SIGNING_HPP_
#define GUNPP_SEA_SIGNING_HPP_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/graph.hpp"
#include "gunpp/state.hpp"
#include "gunpp/status.hpp"
#include "gunpp/value.hpp"

namespace gunpp::sea {

// A SEA key pair: ECDSA for signing (pub, priv) and ECDH for encryption
// (epub, epriv). The private halves are secrets the caller keeps.
struct KeyPair {
  std::string pub;
  std::string priv;
  std::string epub;
  std::string epriv;
};

// A fresh pair from OpenSSL's random generator.
KeyPair generate_pair();

// A pair from SEA.pair()'s JSON ({"pub","priv","epub","epriv"}).
// InvalidArgument when a member is missing or malformed, or a private key
// does not belong to its public key.
Result<KeyPair> pair_from_json(std::string_view json);
// The pair as SEA.pair() prints it, for GUN.js's user.auth(pair).
std::string pair_to_json(const KeyPair& pair);

// The signature SEA.sign gives `text` (the text itself, not re-encoded).
// InvalidArgument when the pair's priv is malformed or not its pub's.
Result<std::string> sign(std::string_view text, const KeyPair& pair);

// OK when `signature` is `pub`'s signature of `text`; Unauthenticated when
// it is not, InvalidArgument when pub or signature is malformed.
Status verify(std::string_view text, std::string_view signature,
              std::string_view pub);

// The text SEA signs for one field: {"#":soul,".":key,":":value,">":state}
// as JSON.stringify writes it.
std::string signed_text(std::string_view soul, std::string_view key,
                        const Value& value, State state);

// The envelope {":":value,"~":signature} that stores `value` at soul/key
// with `state`, signed by `pair`. Errors as sign().
Result<std::string> sign_field(std::string_view soul, std::string_view key,
                               const Value& value, State state,
                               const KeyPair& pair);

// The value inside an envelope, unchecked (verification is the store's,
// see gunpp/sea/verifier.hpp). InvalidArgument when `envelope` is not one.
Result<Value> open_field(std::string_view envelope);

// The value a reader of `soul` sees: in a user's space ("~pub" souls but a
// user's own "pub" key), the value inside its signed envelope; elsewhere, or
// when it is not an envelope, `stored` as it is. ChainOptions::open for a
// chain that reads user data.
Value open_value(std::string_view soul, const Value& stored);

// The user's own soul, "~" + pub.
std::string user_soul(const KeyPair& pair);

// A delta writing `fields` into `soul`, each signed by `pair` and stamped
// with `state`, as GUN.js's user.get(...).put(...) writes them. `soul` is in
// the pair's space ("~pub" or "~pub/..."), or in another user's space with
// that user's `certificate` (certify()) for this writer, which each field
// then carries with the writer's pub. Errors: as sign(), and
// InvalidArgument for a soul outside the space with no certificate, a
// malformed certificate or an empty key.
Result<Graph> sign_graph(
    const KeyPair& pair, std::string_view soul,
    const std::vector<std::pair<std::string, Value>>& fields, State state,
    std::string_view certificate = {});

// Every field of `delta` signed by `pair`, states kept: what sign_graph()
// makes of each node. For the chain API's user space:
//   gun.user(pair.pub, [pair](const Graph& g) { return sea::sign_delta(pair,
//   g); })
// Errors as sign_graph() (a soul outside the pair's space is InvalidArgument).
Result<Graph> sign_delta(const KeyPair& pair, const Graph& delta);

// SEA.certify(certificants, policy, authority, {expiry}): a certificate
// letting `certificants` (pubs; "*" for anyone) write where
// `write_policy_json` allows (SEA's policy: a path, a LEX object such as
// {"#":{"*":"inbox"}}, or an array of them) in the authority's space until
// `expiry` (ms since the epoch; 0 for never). The result is the JSON
// {"m":{...},"s":signature} that sign_graph() takes. InvalidArgument for no
// certificants, a policy that is not JSON, or a malformed pair.
Result<std::string> certify(const std::vector<std::string>& certificants,
                            std::string_view write_policy_json, double expiry,
                            const KeyPair& authority);

// SEA.work(text, null, null, {name: "SHA-256"}): base64 of SHA-256(text),
// the key under which a "#" soul keeps `text` (GUN's content addressing).
std::string content_hash(std::string_view text);

// SEA.encrypt / SEA.decrypt with a pair's epriv (or any secret text) as the
// key: AES-256-GCM, the key SHA-256 of the secret and a random salt. The
// result is SEA's {"ct","iv","s"} JSON, prefixed "SEA" as GUN.js stores it.
std::string encrypt(std::string_view plain, std::string_view secret);
// InvalidArgument when `sealed` is not SEA's form; Unauthenticated when it
// does not open with `secret`.
Result<std::string> decrypt(std::string_view sealed, std::string_view secret);

// SEA.secret(other_epub, pair): the secret two users share (ECDH P-256 of
// pair's epriv with the other's epub, in unpadded base64url), the key for
// encrypt()/decrypt() between them. InvalidArgument when a key is malformed.
Result<std::string> secret(std::string_view other_epub, const KeyPair& pair);

// The delta GUN.js's user.create(alias, password) writes for `pair`: the
// alias node "~@alias" linking to "~pub", and "~pub" holding pub, alias,
// epub and auth (the pair's private keys sealed with PBKDF2 of the
// password), so that GUN.js's user.auth(alias, password) logs in.
// InvalidArgument for an empty alias or a password shorter than 8 bytes.
Result<Graph> create_user_graph(std::string_view alias,
                                std::string_view password, const KeyPair& pair,
                                State state);

// user.auth(alias, password) against a "~pub" node's auth field: the pair
// its private keys open to. Unauthenticated for a wrong password.
Result<KeyPair> open_auth(std::string_view auth_json, std::string_view pub,
                          std::string_view epub, std::string_view password);

}  // namespace gunpp::sea

#endif  // GUNPP_SEA_SIGNING_HPP_
