// The C ABI's SEA: key pairs, signatures and their checks.
#include "c_api.hpp"
#include "gunpp/sea/signing.hpp"

namespace gunpp::c {

Result<sea::KeyPair> key_pair(const gunpp_pair& pair) {
  sea::KeyPair keys;
  std::string* const parts[] = {&keys.pub, &keys.priv, &keys.epub, &keys.epriv};
  const gunpp_str given[] = {pair.pub, pair.priv, pair.epub, pair.epriv};
  for (std::size_t i = 0; i < 4; ++i) {
    auto part = view(given[i], "the pair");
    if (!part) return part.status();
    *parts[i] = std::string(*part);
  }
  return keys;
}

namespace {

// A pair returned to the caller: the C struct and the strings it points at.
struct OwnedPair : gunpp_pair {
  explicit OwnedPair(sea::KeyPair keys_in) : keys(std::move(keys_in)) {
    pub = c_str(keys.pub);
    priv = c_str(keys.priv);
    epub = c_str(keys.epub);
    epriv = c_str(keys.epriv);
  }
  sea::KeyPair keys;
};

int give(sea::KeyPair keys, gunpp_pair** out) {
  *out = new OwnedPair(std::move(keys));
  return GUNPP_OK;
}

}  // namespace
}  // namespace gunpp::c

extern "C" {

int gunpp_pair_new(gunpp_pair** out) {
  return guarded([&] {
    if (out == nullptr) return fail(Status::invalid_argument("out is NULL"));
    return gunpp::c::give(gunpp::sea::generate_pair(), out);
  });
}

int gunpp_pair_from_json(gunpp_str json, gunpp_pair** out) {
  return guarded([&] {
    if (out == nullptr) return fail(Status::invalid_argument("out is NULL"));
    *out = nullptr;
    auto text = gunpp::c::view(json, "the JSON");
    if (!text) return fail(text.status());
    auto pair = gunpp::sea::pair_from_json(*text);
    if (!pair) return fail(pair.status());
    return gunpp::c::give(std::move(*pair), out);
  });
}

int gunpp_pair_to_json(const gunpp_pair* pair, gunpp_buf* out) {
  return guarded([&] {
    if (pair == nullptr) return fail(Status::invalid_argument("pair is NULL"));
    auto keys = gunpp::c::key_pair(*pair);
    if (!keys) return fail(keys.status());
    if (Status s = gunpp::c::copy_out(gunpp::sea::pair_to_json(*keys), out);
        !s) {
      return fail(s);
    }
    return static_cast<int>(GUNPP_OK);
  });
}

void gunpp_pair_free(gunpp_pair* pair) {
  delete static_cast<gunpp::c::OwnedPair*>(pair);
}

int gunpp_sign(const gunpp_pair* pair, gunpp_str text, gunpp_buf* signature) {
  return guarded([&] {
    if (pair == nullptr) return fail(Status::invalid_argument("pair is NULL"));
    auto keys = gunpp::c::key_pair(*pair);
    if (!keys) return fail(keys.status());
    auto message = gunpp::c::view(text, "the text");
    if (!message) return fail(message.status());
    auto signed_text = gunpp::sea::sign(*message, *keys);
    if (!signed_text) return fail(signed_text.status());
    if (Status s = gunpp::c::copy_out(*signed_text, signature); !s) {
      return fail(s);
    }
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_verify(gunpp_str text, gunpp_str signature, gunpp_str pub) {
  return guarded([&] {
    auto message = gunpp::c::view(text, "the text");
    auto sig = gunpp::c::view(signature, "the signature");
    auto key = gunpp::c::view(pub, "the pub");
    for (const Status& s : {message.status(), sig.status(), key.status()}) {
      if (!s) return fail(s);
    }
    if (Status s = gunpp::sea::verify(*message, *sig, *key); !s) {
      return fail(s);
    }
    return static_cast<int>(GUNPP_OK);
  });
}

}  // extern "C"
