// SEA's key and soul formats over the crypto primitives.
#ifndef GUNPP_SRC_SEA_KEYS_HPP_
#define GUNPP_SRC_SEA_KEYS_HPP_

#include <optional>
#include <string>
#include <string_view>

#include "crypto.hpp"
#include "gunpp/sea/signing.hpp"
#include "gunpp/status.hpp"

namespace gunpp::sea::detail {

// A pub "x.y" (unpadded base64url coordinates); InvalidArgument when
// malformed or not a point of P-256.
Result<EcKey> public_key(std::string_view pub);
// The signing key of `pair` (priv with pub); InvalidArgument when malformed
// or when priv is not pub's.
Result<EcKey> signing_key(const KeyPair& pair);
// The ECDH key of `pair` (epriv with epub).
Result<EcKey> ecdh_key(const KeyPair& pair);

// "x.y" of a key's public point.
std::string pub_text(const EcKey& key);

// The pub a soul belongs to, read as SEA.opt.pub reads it: the text after
// the soul's first "~", cut at characters other than [A-Za-z0-9_-] (each
// UTF-16 unit cuts once), its first two pieces joined with ".". nullopt
// when there are not two pieces.
std::optional<std::string> soul_pub(std::string_view soul);

// Bytes read one character each (SEA's Buffer#toString('utf8') is
// String.fromCharCode per byte, Latin-1), then written as UTF-8.
std::string latin1_to_utf8(std::string_view bytes);

}  // namespace gunpp::sea::detail

#endif  // GUNPP_SRC_SEA_KEYS_HPP_
