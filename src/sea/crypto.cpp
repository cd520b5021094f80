#include "crypto.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <new>
#include <utility>

namespace gunpp::sea::detail {
namespace {

// OpenSSL fails these calls only when out of memory or misbuilt.
void require(bool ok) {
  if (!ok) throw std::bad_alloc();
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr =
    std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using SigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using BldPtr = std::unique_ptr<OSSL_PARAM_BLD,
                               Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr =
    std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using CipherCtxPtr =
    std::unique_ptr<EVP_CIPHER_CTX,
                    Deleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;

void openssl_free(unsigned char* p) { OPENSSL_free(p); }
using DerPtr =
    std::unique_ptr<unsigned char, Deleter<unsigned char, openssl_free>>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string bn_bytes(const BIGNUM* bn) {
  std::string out(32, '\0');
  require(BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32) ==
          32);
  return out;
}

std::string bn_param(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  require(EVP_PKEY_get_bn_param(pkey, name, &raw) == 1);
  BnPtr bn(raw);
  return bn_bytes(bn.get());
}

// The EVP_PKEY for `x`, `y` and (when not empty) `d`, or null when they
// are not a P-256 key.
PkeyPtr make_pkey(std::string_view x, std::string_view y, std::string_view d) {
  if (x.size() != 32 || y.size() != 32 || (!d.empty() && d.size() != 32)) {
    return nullptr;
  }
  std::string point = "\x04";
  point.append(x).append(y);
  BldPtr bld(OSSL_PARAM_BLD_new());
  require(bld != nullptr);
  require(OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                          "prime256v1", 0) == 1);
  require(OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                           point.data(), point.size()) == 1);
  BnPtr priv;
  if (!d.empty()) {
    priv.reset(BN_bin2bn(bytes(d), 32, nullptr));
    require(priv != nullptr);
    require(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY,
                                   priv.get()) == 1);
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  require(params != nullptr);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  require(ctx != nullptr);
  require(EVP_PKEY_fromdata_init(ctx.get()) == 1);
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw,
                        d.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                        params.get()) != 1) {
    return nullptr;
  }
  PkeyPtr pkey(raw);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  require(check != nullptr);
  const int valid = d.empty() ? EVP_PKEY_public_check(check.get())
                              : EVP_PKEY_pairwise_check(check.get());
  if (valid != 1) return nullptr;
  return pkey;
}

PkeyCtxPtr pkey_ctx(EVP_PKEY* pkey) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  require(ctx != nullptr);
  return ctx;
}

// Standard and URL alphabets; -1 for bytes outside.
int base64_digit(char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

std::optional<std::string> decode(std::string_view text, bool url) {
  std::size_t padding = 0;
  if (!url) {
    if (text.size() % 4 != 0) return std::nullopt;
    while (padding < 2 && padding < text.size() &&
           text[text.size() - 1 - padding] == '=') {
      ++padding;
    }
  } else if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  const std::string_view digits = text.substr(0, text.size() - padding);
  std::string standard;
  standard.reserve(digits.size() + 3);
  for (const char c : digits) {
    const int v = base64_digit(c, url);
    if (v < 0) return std::nullopt;
    standard +=
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[v];
  }
  while (standard.size() % 4 != 0) standard += '=';
  std::string out(standard.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      bytes(standard), static_cast<int>(standard.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) -
             static_cast<std::size_t>(standard.size() - digits.size()));
  return out;
}

}  // namespace

Digest sha256(std::string_view data) {
  Digest out;
  unsigned int n = 0;
  require(EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(),
                     nullptr) == 1);
  return out;
}

std::string base64_encode(std::string_view data) {
  std::string out((data.size() + 2) / 3 * 4 + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                bytes(data), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string base64url_encode(std::string_view data) {
  std::string out = base64_encode(data);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  return decode(text, false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  return decode(text, true);
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  require(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                     static_cast<int>(n)) == 1);
  return out;
}

struct EcKey::Pkey {
  PkeyPtr pkey;
  PkeyCtxPtr verify_ctx;  // set up at the first verify, then reused
};

EcKey::EcKey(std::unique_ptr<Pkey> pkey) : pkey_(std::move(pkey)) {}
EcKey::~EcKey() = default;
EcKey::EcKey(EcKey&&) noexcept = default;
EcKey& EcKey::operator=(EcKey&&) noexcept = default;

Result<EcKey> EcKey::from_public(std::string_view x, std::string_view y) {
  PkeyPtr pkey = make_pkey(x, y, {});
  if (!pkey) return Status::invalid_argument("not a P-256 public key");
  return EcKey(std::make_unique<Pkey>(Pkey{std::move(pkey), nullptr}));
}

Result<EcKey> EcKey::from_private(std::string_view d, std::string_view x,
                                  std::string_view y) {
  if (d.size() != 32) return Status::invalid_argument("not a P-256 scalar");
  PkeyPtr pkey = make_pkey(x, y, d);
  if (!pkey) {
    return Status::invalid_argument(
        "private key does not match its public key");
  }
  return EcKey(std::make_unique<Pkey>(Pkey{std::move(pkey), nullptr}));
}

EcKey EcKey::generate() {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  require(pkey != nullptr);
  return EcKey(std::make_unique<Pkey>(Pkey{std::move(pkey), nullptr}));
}

std::string EcKey::x() const {
  return bn_param(pkey_->pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X);
}
std::string EcKey::y() const {
  return bn_param(pkey_->pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
}
std::string EcKey::d() const {
  return bn_param(pkey_->pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY);
}

std::string EcKey::sign(std::string_view message) const {
  const Digest digest = sha256(message);
  PkeyCtxPtr ctx = pkey_ctx(pkey_->pkey.get());
  require(EVP_PKEY_sign_init(ctx.get()) == 1);
  require(EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1);
  std::size_t n = 0;
  require(EVP_PKEY_sign(ctx.get(), nullptr, &n, digest.data(), digest.size()) ==
          1);
  std::string der(n, '\0');
  require(EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()),
                        &n, digest.data(), digest.size()) == 1);
  const unsigned char* p = bytes(der);
  SigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(n)));
  require(sig != nullptr);
  return bn_bytes(ECDSA_SIG_get0_r(sig.get())) +
         bn_bytes(ECDSA_SIG_get0_s(sig.get()));
}

bool EcKey::verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != 64) return false;
  SigPtr sig(ECDSA_SIG_new());
  require(sig != nullptr);
  BIGNUM* r = BN_bin2bn(bytes(signature), 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(signature) + 32, 32, nullptr);
  if (r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    throw std::bad_alloc();
  }
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  require(der_len > 0);
  DerPtr owned(der);
  const Digest digest = sha256(message);
  if (!pkey_->verify_ctx) {
    PkeyCtxPtr ctx = pkey_ctx(pkey_->pkey.get());
    require(EVP_PKEY_verify_init(ctx.get()) == 1);
    require(EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1);
    pkey_->verify_ctx = std::move(ctx);
  }
  return EVP_PKEY_verify(pkey_->verify_ctx.get(), der,
                         static_cast<std::size_t>(der_len), digest.data(),
                         digest.size()) == 1;
}

std::string EcKey::derive(const EcKey& peer) const {
  PkeyCtxPtr ctx = pkey_ctx(pkey_->pkey.get());
  require(EVP_PKEY_derive_init(ctx.get()) == 1);
  require(EVP_PKEY_derive_set_peer(ctx.get(), peer.pkey_->pkey.get()) == 1);
  std::size_t n = 0;
  require(EVP_PKEY_derive(ctx.get(), nullptr, &n) == 1);
  std::string out(n, '\0');
  require(EVP_PKEY_derive(ctx.get(),
                          reinterpret_cast<unsigned char*>(out.data()),
                          &n) == 1);
  out.resize(n);
  return out;
}

std::string pbkdf2_sha256(std::string_view password, std::string_view salt,
                          int iterations, std::size_t n) {
  std::string out(n, '\0');
  require(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                            bytes(salt), static_cast<int>(salt.size()),
                            iterations, EVP_sha256(), static_cast<int>(n),
                            reinterpret_cast<unsigned char*>(out.data())) == 1);
  return out;
}

namespace {

// One AES-256-GCM pass; false when the tag does not check (decrypt only).
bool gcm(bool encrypt, const Digest& key, std::string_view iv,
         std::string_view in, std::string& out, std::string& tag) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  require(ctx != nullptr);
  require(EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr,
                            nullptr, encrypt ? 1 : 0) == 1);
  require(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN,
                              static_cast<int>(iv.size()), nullptr) == 1);
  require(EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), bytes(iv),
                            -1) == 1);
  out.assign(in.size(), '\0');
  int n = 0;
  require(EVP_CipherUpdate(ctx.get(),
                           reinterpret_cast<unsigned char*>(out.data()), &n,
                           bytes(in), static_cast<int>(in.size())) == 1);
  if (!encrypt) {
    require(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16,
                                tag.data()) == 1);
  }
  int last = 0;
  if (EVP_CipherFinal_ex(ctx.get(), nullptr, &last) != 1) return false;
  if (encrypt) {
    tag.assign(16, '\0');
    require(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16,
                                tag.data()) == 1);
  }
  return true;
}

}  // namespace

std::string aes_gcm_encrypt(const Digest& key, std::string_view iv,
                            std::string_view plain) {
  std::string out;
  std::string tag;
  require(gcm(true, key, iv, plain, out, tag));
  return out + tag;
}

std::optional<std::string> aes_gcm_decrypt(const Digest& key,
                                           std::string_view iv,
                                           std::string_view sealed) {
  if (sealed.size() < 16 || iv.empty()) return std::nullopt;
  std::string tag(sealed.substr(sealed.size() - 16));
  std::string out;
  if (!gcm(false, key, iv, sealed.substr(0, sealed.size() - 16), out, tag)) {
    return std::nullopt;
  }
  return out;
}

}  // namespace gunpp::sea::detail
