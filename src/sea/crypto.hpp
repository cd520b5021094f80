// The SEA layer's cryptography, on OpenSSL 3. Only crypto.cpp includes
// OpenSSL headers. Byte strings are std::string; keys cross this interface
// as the raw big-endian coordinates and scalars SEA's JWKs encode.
#ifndef GUNPP_SRC_SEA_CRYPTO_HPP_
#define GUNPP_SRC_SEA_CRYPTO_HPP_

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gunpp/status.hpp"

namespace gunpp::sea::detail {

using Digest = std::array<unsigned char, 32>;

Digest sha256(std::string_view bytes);

// RFC 4648 base64 with padding, and base64url without (as JWK writes it).
std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
// Strict decoders: the canonical alphabet and padding only; nullopt else.
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> base64url_decode(std::string_view text);

std::string random_bytes(std::size_t n);

// A P-256 key: public, or private with its public half.
class EcKey {
 public:
  ~EcKey();
  EcKey(EcKey&&) noexcept;
  EcKey& operator=(EcKey&&) noexcept;

  // From the 32-byte coordinates; InvalidArgument when not a curve point.
  static Result<EcKey> from_public(std::string_view x, std::string_view y);
  // From the 32-byte scalar `d` and its public point; InvalidArgument when
  // they do not belong together.
  static Result<EcKey> from_private(std::string_view d, std::string_view x,
                                    std::string_view y);
  static EcKey generate();

  // 32-byte big-endian x, y and (private keys only) d.
  std::string x() const;
  std::string y() const;
  std::string d() const;

  // ECDSA with SHA-256 over `message`, as WebCrypto's sign/verify with
  // {name: ECDSA, hash: SHA-256}: the signature is r||s, 64 bytes.
  std::string sign(std::string_view message) const;
  // verify() keeps its OpenSSL context in the key: one thread per key.
  bool verify(std::string_view message, std::string_view signature) const;

  // ECDH: the 32-byte x coordinate of d * peer.
  std::string derive(const EcKey& peer) const;

 private:
  struct Pkey;
  explicit EcKey(std::unique_ptr<Pkey> pkey);
  std::unique_ptr<Pkey> pkey_;
};

// PBKDF2-HMAC-SHA-256.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt,
                          int iterations, std::size_t bytes);

// AES-256-GCM with a 128-bit tag appended to the ciphertext, as WebCrypto.
std::string aes_gcm_encrypt(const Digest& key, std::string_view iv,
                            std::string_view plain);
std::optional<std::string> aes_gcm_decrypt(const Digest& key,
                                           std::string_view iv,
                                           std::string_view sealed);

}  // namespace gunpp::sea::detail

#endif  // GUNPP_SRC_SEA_CRYPTO_HPP_
