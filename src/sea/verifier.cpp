#include "gunpp/sea/verifier.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/error_text.hpp"
#include "crypto.hpp"
#include "keys.hpp"
#include "sea_json.hpp"

namespace gunpp::sea {
namespace {

using detail::Certificate;
using detail::Pattern;
using detail::WriteRule;

Status refuse(std::string_view soul, std::string_view key,
              std::string_view reason) {
  return Status::unauthenticated(
      "SEA refused " + gunpp::detail::where(soul, key) + std::string(reason));
}

bool links_to(const Value& v, std::string_view soul) {
  return v.is_link() && v.link_soul() == soul;
}

// String.match(t, o) of GUN.js, for a pattern o that was read.
bool match(std::string_view t, const std::optional<Pattern>& o) {
  if (!o) return false;
  const auto truthy_text = [](const std::optional<std::string>& s) {
    return s && !s->empty();
  };
  const std::optional<std::string>* first = nullptr;
  for (const auto* m : {&o->eq, &o->prefix, &o->from, &o->to}) {
    if (truthy_text(*m)) {
      first = m;
      break;
    }
  }
  if (first != nullptr && t == **first) return true;
  if (o->eq) return false;
  const std::optional<std::string>& prefix =
      truthy_text(o->prefix) ? o->prefix : o->from;
  if (prefix && t.substr(0, prefix->size()) == *prefix) return true;
  if (o->prefix) return false;
  if (o->from && o->to) return t >= *o->from && t <= *o->to;
  if (o->from && t >= *o->from) return true;
  if (o->to && t <= *o->to) return true;
  return false;
}

bool covers(const WriteRule& rule, std::string_view path,
            std::string_view key) {
  const std::string full = path.empty()
                               ? std::string(key)
                               : std::string(path) + "/" + std::string(key);
  if (rule.text) return full == *rule.text;
  return (match(path, rule.soul) && match(key, rule.key)) ||
         (!rule.key_truthy && match(path, rule.soul)) ||
         (!rule.soul_truthy && match(key, rule.key)) ||
         match(full, rule.soul_truthy ? rule.soul : rule.self);
}

// Whether `json`, an envelope's value, is the link the chain API writes
// from `soul`'s key `key` to the node below it: {"#": soul + "/" + key}.
bool links_below(std::string_view json, std::string_view soul,
                 std::string_view key) {
  Result<Value> v = detail::value_from_json(json);
  if (!v || !v->is_link()) return false;
  const std::string_view target = v->link_soul();
  return target.size() == soul.size() + 1 + key.size() &&
         target.substr(0, soul.size()) == soul && target[soul.size()] == '/' &&
         target.substr(soul.size() + 1) == key;
}

// The value's text as SEA.work hashes it: a string as is, else its JSON.
std::string hashed_text(const Value& v) {
  return v.is_string() ? std::string(v.as_string()) : lexical_form(v);
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

class SeaVerifier::KeyCache {
 public:
  explicit KeyCache(std::size_t capacity) : capacity_(capacity) {}

  // The decoded key of `pub`, or nullptr when it is not a P-256 pub.
  const detail::EcKey* find(std::string_view pub) {
    if (auto it = keys_.find(std::string(pub)); it != keys_.end()) {
      return &it->second;
    }
    Result<detail::EcKey> key = detail::public_key(pub);
    if (!key) return nullptr;
    if (keys_.size() >= capacity_) keys_.clear();
    return &keys_.emplace(std::string(pub), std::move(*key)).first->second;
  }

 private:
  std::size_t capacity_;
  std::unordered_map<std::string, detail::EcKey> keys_;
};

SeaVerifier::SeaVerifier(SeaVerifierOptions options)
    : keys_(std::make_unique<KeyCache>(
          std::max<std::size_t>(1, options.key_cache_entries))),
      envelopes_(std::make_unique<detail::EnvelopeParser>()) {}

SeaVerifier::~SeaVerifier() = default;

Status SeaVerifier::verify(const Graph& delta, double now) {
  for (const NodeDelta& node : delta.nodes()) {
    const SoulRule rule = classify(node.soul);
    if (rule.kind == SoulRule::kPlain) continue;
    for (const Field& field : node.fields) {
      if (Status s = check(rule, node.soul, field, now); !s) {
        ++counters_.puts_refused;
        return s;
      }
    }
  }
  return Status::ok();
}

Status SeaVerifier::verify_field(std::string_view soul, const Field& field,
                                 double now) {
  return check(classify(soul), soul, field, now);
}

bool SeaVerifier::is_user_root(std::string_view soul) {
  if (soul.empty() || soul[0] != '~') return false;
  const std::optional<std::string> pub = detail::soul_pub(soul);
  return pub && soul.substr(1) == *pub && keys_->find(*pub) != nullptr;
}

SeaVerifier::SoulRule SeaVerifier::classify(std::string_view soul) {
  if (soul == "~@") return {SoulRule::kAliasList, {}};
  if (soul.substr(0, 2) == "~@") return {SoulRule::kAlias, {}};
  if (std::optional<std::string> pub = detail::soul_pub(soul)) {
    return {SoulRule::kUser, std::move(*pub)};
  }
  if (soul.find('#') != std::string_view::npos) return {SoulRule::kContent, {}};
  return {SoulRule::kPlain, {}};
}

bool SeaVerifier::signed_by(std::string_view text, std::string_view signature,
                            std::string_view pub) {
  const detail::EcKey* k = keys_->find(pub);
  if (k == nullptr) return false;
  const auto sig = detail::base64_decode(signature);
  if (!sig) return false;
  ++counters_.signatures_checked;
  const detail::Digest d = detail::sha256(text);
  return k->verify(
      std::string_view(reinterpret_cast<const char*>(d.data()), d.size()),
      *sig);
}

Status SeaVerifier::check(const SoulRule& rule, std::string_view soul,
                          const Field& field, double now) {
  const std::string_view key = field.key;
  const Value& value = field.value;
  const auto no = [&](std::string_view reason) {
    ++counters_.fields_refused;
    return refuse(soul, key, reason);
  };
  if (key.empty()) return Status::ok();  // the store drops it
  switch (rule.kind) {
    case SoulRule::kPlain:
      return Status::ok();
    case SoulRule::kAliasList:
      if (!is_truthy(value) || !links_to(value, "~@" + std::string(key))) {
        return no("an alias list entry links to \"~@\" + its key");
      }
      return Status::ok();
    case SoulRule::kAlias:
      if (!is_truthy(value) || !links_to(value, key)) {
        return no("an alias's entry links to the soul named by its key");
      }
      if (!is_user_root(key)) {
        return no("an alias's entry links to a user soul \"~<pub>\"");
      }
      return Status::ok();
    case SoulRule::kContent: {
      // The key's part after its last "#" (all of it when it has none).
      const std::string_view hash = key.substr(key.rfind('#') + 1);
      const detail::Digest d = detail::sha256(hashed_text(value));
      const std::string digest(reinterpret_cast<const char*>(d.data()),
                               d.size());
      if (hash == detail::base64_encode(digest) || hex_decode(hash) == digest) {
        return Status::ok();
      }
      return no("key is not the SHA-256 of the value");
    }
    case SoulRule::kUser:
      break;
  }
  const std::string& pub = rule.pub;
  if (key == "pub" && soul.size() == pub.size() + 1 && soul[0] == '~' &&
      soul.substr(1) == pub) {
    if (value != Value(pub)) return no("\"pub\" must hold the soul's pub");
    return Status::ok();
  }
  if (!value.is_string()) return no("unsigned value in user space");
  Result<detail::Envelope> envelope = envelopes_->parse(value.as_string());
  if (!envelope) return no(envelope.status().message());
  const std::string& writer = envelope->writer.value_or(pub);
  const std::string text =
      detail::field_text(soul, key, envelope->value_json, field.state);
  if (!signed_by(text, envelope->signature, writer)) {
    return no("signature is not " + writer +
              "'s over this soul, key, value and state");
  }
  if (writer == pub) return Status::ok();
  if (!envelope->certificate) {
    return no("write by " + writer + " has no certificate from " + pub);
  }
  const Certificate& cert = *envelope->certificate;
  if (!signed_by(cert.signed_text, cert.signature, pub)) {
    return no("certificate is not signed by " + pub);
  }
  if (cert.expiry && (field.state > *cert.expiry || now > *cert.expiry)) {
    return no("certificate expired");
  }
  bool named = cert.anyone;
  for (const std::string& c : cert.certificants) named |= c == writer;
  if (!named) return no("certificate does not name " + writer);
  if (cert.has_write_block) {
    return no("certificates with a write block (\"wb\") are not supported");
  }
  const std::size_t slash = soul.find('/');
  const std::string_view path = slash == std::string_view::npos
                                    ? std::string_view()
                                    : soul.substr(slash + 1);
  for (const WriteRule& w : cert.write) {
    if (!covers(w, path, key)) continue;
    if (w.key_must_name_writer && path.find(writer) == std::string_view::npos &&
        key.find(writer) == std::string_view::npos &&
        !(path.empty() && links_below(envelope->value_json, soul, key))) {
      return no("certificate requires the writer's pub in path or key");
    }
    return Status::ok();
  }
  return no("certificate does not cover this path and key");
}

}  // namespace gunpp::sea
