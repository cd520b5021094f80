// SeaVerifier: GUN's SEA rules for user space, checked on every put.
//
//   gunpp::sea::SeaVerifier sea;
//   gunpp::StoreOptions options;
//   options.verifier = &sea;
//   gunpp::GraphStore store(scheduler, options);
//
// Which rule a field meets depends on its soul, in GUN.js's order
// (docs/sea.md has each rule and where gunpp is stricter than GUN.js):
//  - "~@": the alias list; key K must hold a link to "~@K".
//  - "~@alias": an alias's pubs; key K must hold a link to K, and K must be
//    a user soul "~pub" with pub a point of P-256.
//  - a soul with a pub in it ("~pub", "~pub/path"): every value is an
//    envelope signed by pub over soul, key, value and state, or by another
//    key "*" with pub's certificate "+" for that writer, path and key, not
//    expired by the field's state nor by the store's clock; where the
//    certificate wants the writer's pub in the path or key and the path is
//    empty, the link from "~pub"'s key K to "~pub/K" (the chain's link to the
//    node below) is also allowed. "~pub"'s own key
//    "pub" holds pub itself, unsigned.
//  - any other soul with "#" in it: content addressed; the key's part after
//    its last "#" is SHA-256 of the value (base64 or hex).
//  - any other soul: a plain graph, not checked.
// A put with any field that fails is refused whole (Unauthenticated, naming
// soul, key and reason): nothing of it is applied, acked ok or relayed.
//
// Thread safety: as the store it is installed in (the pumping thread only).
// It must outlive the store.
#ifndef GUNPP_SEA_VERIFIER_HPP_
#define GUNPP_SEA_VERIFIER_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "gunpp/graph.hpp"
#include "gunpp/status.hpp"
#include "gunpp/verifier.hpp"

namespace gunpp::sea {

namespace detail {
class EnvelopeParser;
}  // namespace detail

struct SeaVerifierOptions {
  // Public keys kept decoded between puts (a curve point check costs about
  // a fifth of a verification). Past it the cache starts afresh.
  std::size_t key_cache_entries = 4096;
};

struct SeaCounters {
  std::uint64_t signatures_checked = 0;  // envelopes and certificates
  std::uint64_t fields_refused = 0;
  std::uint64_t puts_refused = 0;
};

class SeaVerifier final : public PutVerifier {
 public:
  explicit SeaVerifier(SeaVerifierOptions options = {});
  ~SeaVerifier() override;
  SeaVerifier(const SeaVerifier&) = delete;
  SeaVerifier& operator=(const SeaVerifier&) = delete;

  // OK when every field of `delta` meets its soul's rule; else the first
  // failure. `now` is ms since the epoch (certificates expire by it).
  Status verify(const Graph& delta, double now) override;

  // One field of node `soul`, by the same rules.
  Status verify_field(std::string_view soul, const Field& field, double now);

  const SeaCounters& counters() const { return counters_; }

 private:
  // The rule a soul's fields meet, found once per node.
  struct SoulRule {
    enum Kind { kPlain, kAliasList, kAlias, kUser, kContent } kind;
    std::string pub;  // kUser
  };
  static SoulRule classify(std::string_view soul);
  Status check(const SoulRule& rule, std::string_view soul, const Field& field,
               double now);
  bool signed_by(std::string_view text, std::string_view signature,
                 std::string_view pub);
  // Whether `soul` is exactly "~pub" for a pub that is a point of P-256.
  bool is_user_root(std::string_view soul);

  class KeyCache;
  std::unique_ptr<KeyCache> keys_;
  std::unique_ptr<detail::EnvelopeParser> envelopes_;
  SeaCounters counters_;
};

}  // namespace gunpp::sea

#endif  // GUNPP_SEA_VERIFIER_HPP_
