#include "keys.hpp"

#include <cstdint>

#include "core/utf8.hpp"

namespace gunpp::sea::detail {
namespace {

// The two halves of "x.y", decoded; nullopt when either is malformed.
std::optional<std::pair<std::string, std::string>> point(std::string_view pub) {
  const std::size_t dot = pub.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto x = base64url_decode(pub.substr(0, dot));
  auto y = base64url_decode(pub.substr(dot + 1));
  if (!x || !y || x->size() != 32 || y->size() != 32) return std::nullopt;
  return std::pair{std::move(*x), std::move(*y)};
}

Result<EcKey> private_key(std::string_view pub, std::string_view priv,
                          const char* what) {
  const auto xy = point(pub);
  const auto d = base64url_decode(priv);
  if (!xy || !d || d->size() != 32) {
    return Status::invalid_argument(std::string("malformed ") + what +
                                    " key pair");
  }
  return EcKey::from_private(*d, xy->first, xy->second);
}

bool word_char(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

Result<EcKey> public_key(std::string_view pub) {
  const auto xy = point(pub);
  if (!xy) return Status::invalid_argument("malformed pub");
  return EcKey::from_public(xy->first, xy->second);
}

Result<EcKey> signing_key(const KeyPair& pair) {
  return private_key(pair.pub, pair.priv, "signing");
}

Result<EcKey> ecdh_key(const KeyPair& pair) {
  return private_key(pair.epub, pair.epriv, "encryption");
}

std::string pub_text(const EcKey& key) {
  return base64url_encode(key.x()) + "." + base64url_encode(key.y());
}

std::optional<std::string> soul_pub(std::string_view soul) {
  const std::size_t tilde = soul.find('~');
  if (tilde == std::string_view::npos) return std::nullopt;
  std::string_view rest = soul.substr(tilde + 1);
  rest = rest.substr(0, rest.find('~'));
  if (rest.empty()) return std::nullopt;
  // Pieces between cuts; a character outside the BMP is two UTF-16 units,
  // so two cuts with an empty piece between them.
  std::string pieces[2];
  int piece = 0;
  for (std::size_t i = 0; i < rest.size() && piece < 2;) {
    const auto b = static_cast<unsigned char>(rest[i]);
    if (word_char(b)) {
      pieces[piece] += static_cast<char>(b);
      ++i;
      continue;
    }
    const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    piece += len == 4 ? 2 : 1;
    i += len;
  }
  if (piece == 0) return std::nullopt;
  return pieces[0] + "." + pieces[1];
}

std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes)
    ::gunpp::detail::append_utf8(out, static_cast<unsigned char>(c));
  return out;
}

}  // namespace gunpp::sea::detail
