#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "core/error_text.hpp"
#include "crypto.hpp"
#include "gunpp/sea/signing.hpp"
#include "gunpp/wire/json_writer.hpp"
#include "keys.hpp"
#include "sea_json.hpp"

namespace gunpp::sea {
namespace {

// SEA's PBKDF2 for user passwords (settings.js: SHA-256, 100,000 rounds,
// 64 bytes).
constexpr int kWorkIterations = 100000;
constexpr std::size_t kWorkBytes = 64;

std::string digest_bytes(const detail::Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

// The AES key SEA derives from a secret and a salt: SHA-256 of the UTF-8 of
// the secret followed by the salt's bytes as characters.
detail::Digest aes_key(std::string_view secret, std::string_view salt) {
  return detail::sha256(std::string(secret) + detail::latin1_to_utf8(salt));
}

std::string random_text(std::size_t n) {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const std::string bytes = detail::random_bytes(n);
  std::string out;
  out.reserve(n);
  for (const char b : bytes) {
    out += kAlphabet[static_cast<unsigned char>(b) % kAlphabet.size()];
  }
  return out;
}

// SEA.work(password, salt): base64 of PBKDF2-SHA-256.
std::string work(std::string_view password, std::string_view salt) {
  return detail::base64_encode(
      detail::pbkdf2_sha256(password, salt, kWorkIterations, kWorkBytes));
}

std::string sealed_json(const detail::Sealed& s) {
  std::string out;
  JsonWriter json(out);
  json.begin_object()
      .key("ct")
      .string(s.ct)
      .key("iv")
      .string(s.iv)
      .key("s")
      .string(s.s)
      .end_object();
  return out;
}

detail::Sealed seal(std::string_view plain, std::string_view secret) {
  const std::string salt = detail::random_bytes(9);
  const std::string iv = detail::random_bytes(15);
  const std::string ct =
      detail::aes_gcm_encrypt(aes_key(secret, salt), iv, plain);
  return {detail::base64_encode(ct), detail::base64_encode(iv),
          detail::base64_encode(salt)};
}

Result<std::string> unseal(const detail::Sealed& sealed,
                           std::string_view secret) {
  const auto ct = detail::base64_decode(sealed.ct);
  const auto iv = detail::base64_decode(sealed.iv);
  const auto salt = detail::base64_decode(sealed.s);
  if (!ct || !iv || !salt) {
    return Status::invalid_argument("sealed data is not base64");
  }
  auto plain = detail::aes_gcm_decrypt(aes_key(secret, *salt), *iv, *ct);
  if (!plain) return Status::unauthenticated("could not decrypt");
  return std::move(*plain);
}

}  // namespace

KeyPair generate_pair() {
  const detail::EcKey sign = detail::EcKey::generate();
  const detail::EcKey dh = detail::EcKey::generate();
  return {detail::pub_text(sign), detail::base64url_encode(sign.d()),
          detail::pub_text(dh), detail::base64url_encode(dh.d())};
}

Result<KeyPair> pair_from_json(std::string_view json) {
  Result<KeyPair> pair = detail::parse_pair(json);
  if (!pair) return pair;
  if (pair->pub.empty() || pair->priv.empty()) {
    return Status::invalid_argument("key pair lacks pub or priv");
  }
  if (Result<detail::EcKey> k = detail::signing_key(*pair); !k) {
    return k.status();
  }
  if (!pair->epub.empty() || !pair->epriv.empty()) {
    if (Result<detail::EcKey> k = detail::ecdh_key(*pair); !k) {
      return k.status();
    }
  }
  return pair;
}

std::string pair_to_json(const KeyPair& pair) {
  std::string out;
  JsonWriter json(out);
  json.begin_object()
      .key("pub")
      .string(pair.pub)
      .key("priv")
      .string(pair.priv)
      .key("epub")
      .string(pair.epub)
      .key("epriv")
      .string(pair.epriv)
      .end_object();
  return out;
}

Result<std::string> sign(std::string_view text, const KeyPair& pair) {
  Result<detail::EcKey> key = detail::signing_key(pair);
  if (!key) return key.status();
  return detail::base64_encode(key->sign(digest_bytes(detail::sha256(text))));
}

Status verify(std::string_view text, std::string_view signature,
              std::string_view pub) {
  Result<detail::EcKey> key = detail::public_key(pub);
  if (!key) return key.status();
  const auto sig = detail::base64_decode(signature);
  if (!sig || sig->size() != 64) {
    return Status::invalid_argument("signature is not 64 bytes of base64");
  }
  if (!key->verify(digest_bytes(detail::sha256(text)), *sig)) {
    return Status::unauthenticated("signature does not match");
  }
  return Status::ok();
}

std::string signed_text(std::string_view soul, std::string_view key,
                        const Value& value, State state) {
  return detail::field_text(soul, key, lexical_form(value), state);
}

Result<std::string> sign_field(std::string_view soul, std::string_view key,
                               const Value& value, State state,
                               const KeyPair& pair) {
  Result<std::string> sig = sign(signed_text(soul, key, value, state), pair);
  if (!sig) return sig;
  std::string out;
  JsonWriter json(out);
  json.begin_object().key(":").value(value).key("~").string(*sig).end_object();
  return out;
}

Result<Value> open_field(std::string_view envelope) {
  Result<detail::Envelope> e = detail::parse_envelope(envelope);
  if (!e) return e.status();
  return detail::value_from_json(e->value_json);
}

Value open_value(std::string_view soul, const Value& stored) {
  if (!stored.is_string() || !detail::soul_pub(soul)) return stored;
  Result<Value> opened = open_field(stored.as_string());
  return opened ? std::move(*opened) : stored;
}

std::string user_soul(const KeyPair& pair) { return "~" + pair.pub; }

Result<Graph> sign_graph(
    const KeyPair& pair, std::string_view soul,
    const std::vector<std::pair<std::string, Value>>& fields, State state,
    std::string_view certificate) {
  const std::optional<std::string> owner = detail::soul_pub(soul);
  if (!owner) {
    return Status::invalid_argument("soul " + gunpp::detail::quoted(soul) +
                                    " is not in a user's space");
  }
  std::string cert;
  if (*owner != pair.pub) {
    if (certificate.empty()) {
      return Status::invalid_argument("soul " + gunpp::detail::quoted(soul) +
                                      " is " + *owner +
                                      "'s; writing there takes a certificate");
    }
    Result<std::string> c = detail::canonical_json(certificate);
    if (!c) return Status::invalid_argument("certificate is not JSON");
    cert = std::move(*c);
  }
  Result<detail::EcKey> key = detail::signing_key(pair);
  if (!key) return key.status();
  Graph delta;
  delta.reserve(soul, fields.size());
  const bool own_root = soul == user_soul(pair);
  for (const auto& [name, value] : fields) {
    if (name.empty()) {
      return Status::invalid_argument("soul " + gunpp::detail::quoted(soul) +
                                      ": empty key");
    }
    // SEA keeps a user's own pub unsigned, and only as itself.
    if (own_root && name == "pub") {
      if (value != Value(pair.pub)) {
        return Status::invalid_argument("key \"pub\" holds the user's pub");
      }
      delta.add(soul, name, value, state);
      continue;
    }
    const std::string text = signed_text(soul, name, value, state);
    const std::string sig =
        detail::base64_encode(key->sign(digest_bytes(detail::sha256(text))));
    std::string envelope;
    JsonWriter json(envelope);
    json.begin_object().key(":").value(value).key("~").string(sig);
    if (!cert.empty()) json.key("+").raw(cert).key("*").string(pair.pub);
    json.end_object();
    delta.add(soul, name, Value(std::move(envelope)), state);
  }
  return delta;
}

Result<Graph> sign_delta(const KeyPair& pair, const Graph& delta) {
  Graph out;
  for (const NodeDelta& node : delta.nodes()) {
    // Runs of fields with one state, each signed by one sign_graph call.
    for (std::size_t i = 0; i < node.fields.size();) {
      const State state = node.fields[i].state;
      std::vector<std::pair<std::string, Value>> run;
      for (; i < node.fields.size() && node.fields[i].state == state; ++i) {
        run.emplace_back(node.fields[i].key, node.fields[i].value);
      }
      Result<Graph> signed_run = sign_graph(pair, node.soul, run, state);
      if (!signed_run) return signed_run.status();
      for (NodeDelta& part : signed_run->take_nodes()) {
        for (Field& f : part.fields) {
          out.add(part.soul, std::move(f.key), std::move(f.value), f.state);
        }
      }
    }
  }
  return out;
}

Result<std::string> certify(const std::vector<std::string>& certificants,
                            std::string_view write_policy_json, double expiry,
                            const KeyPair& authority) {
  if (certificants.empty()) return Status::invalid_argument("no certificants");
  Result<std::string> policy = detail::canonical_json(write_policy_json);
  if (!policy) return Status::invalid_argument("write policy is not JSON");
  // SEA.certify's "c": "*" when anyone, the one pub, or an array of pubs.
  std::string m;
  JsonWriter json(m);
  json.begin_object().key("c");
  const bool anyone = std::find(certificants.begin(), certificants.end(),
                                "*") != certificants.end();
  if (anyone || certificants.size() == 1) {
    json.string(anyone ? "*" : certificants.front());
  } else {
    json.begin_array();
    for (const std::string& c : certificants) json.string(c);
    json.end_array();
  }
  if (expiry != 0) json.key("e").number(expiry);
  json.key("w").raw(*policy).end_object();
  Result<std::string> sig = sign(m, authority);
  if (!sig) return sig;
  std::string out;
  JsonWriter(out)
      .begin_object()
      .key("m")
      .raw(m)
      .key("s")
      .string(*sig)
      .end_object();
  return out;
}

std::string content_hash(std::string_view text) {
  return detail::base64_encode(digest_bytes(detail::sha256(text)));
}

std::string encrypt(std::string_view plain, std::string_view secret) {
  return "SEA" + sealed_json(seal(plain, secret));
}

Result<std::string> decrypt(std::string_view sealed, std::string_view secret) {
  Result<detail::Sealed> s = detail::parse_sealed(sealed);
  if (!s) return s.status();
  return unseal(*s, secret);
}

Result<std::string> secret(std::string_view other_epub, const KeyPair& pair) {
  Result<detail::EcKey> mine = detail::ecdh_key(pair);
  if (!mine) return mine.status();
  Result<detail::EcKey> theirs = detail::public_key(other_epub);
  if (!theirs) return theirs.status();
  return detail::base64url_encode(mine->derive(*theirs));
}

Result<Graph> create_user_graph(std::string_view alias,
                                std::string_view password, const KeyPair& pair,
                                State state) {
  if (alias.empty()) return Status::invalid_argument("no alias");
  if (password.size() < 8) {
    return Status::invalid_argument("password shorter than 8 bytes");
  }
  std::string secrets;
  JsonWriter(secrets)
      .begin_object()
      .key("priv")
      .string(pair.priv)
      .key("epriv")
      .string(pair.epriv)
      .end_object();
  const std::string salt = random_text(64);
  std::string auth;
  JsonWriter(auth)
      .begin_object()
      .key("ek")
      .raw(sealed_json(seal(secrets, work(password, salt))))
      .key("s")
      .string(salt)
      .end_object();
  const std::string soul = user_soul(pair);
  Result<Graph> delta = sign_graph(pair, soul,
                                   {{"pub", Value(pair.pub)},
                                    {"alias", Value(std::string(alias))},
                                    {"epub", Value(pair.epub)},
                                    {"auth", Value(std::move(auth))}},
                                   state);
  if (!delta) return delta;
  delta->add("~@" + std::string(alias), soul, Value(Link(soul)), state);
  return delta;
}

Result<KeyPair> open_auth(std::string_view auth_json, std::string_view pub,
                          std::string_view epub, std::string_view password) {
  Result<std::pair<detail::Sealed, std::string>> auth =
      detail::parse_auth(auth_json);
  if (!auth) return auth.status();
  Result<std::string> secrets =
      unseal(auth->first, work(password, auth->second));
  if (!secrets) return secrets.status();
  Result<KeyPair> keys = detail::parse_pair(*secrets);
  if (!keys || keys->priv.empty()) {
    return Status::corruption("auth does not hold a private key");
  }
  keys->pub = std::string(pub);
  keys->epub = std::string(epub);
  if (Result<detail::EcKey> k = detail::signing_key(*keys); !k) {
    return k.status();
  }
  return keys;
}

}  // namespace gunpp::sea
