// PutVerifier: the check every put passes before any of it is applied.
//
// The core knows nothing of signatures; a layer that does (SEA, in
// gunpp/sea/verifier.hpp) implements this interface and is handed to the
// store through StoreOptions::verifier. GraphStore::put (and so write(), and
// every put from the wire) calls verify() once per put, after the bounds
// checks and before anything is queued, so a refused put is refused whole:
// nothing of it is applied, acked ok or relayed.
//
// Thread safety: called on the pumping thread only, one call at a time.
#ifndef GUNPP_VERIFIER_HPP_
#define GUNPP_VERIFIER_HPP_

#include "gunpp/graph.hpp"
#include "gunpp/status.hpp"

namespace gunpp {

class PutVerifier {
 public:
  virtual ~PutVerifier() = default;

  // OK accepts the whole of `delta`. Any other status refuses it whole and
  // is returned from GraphStore::put as is; by convention Unauthenticated,
  // naming soul, key and reason. `now` is the store's machine time (ms since
  // the epoch), for rules that expire. Must not call into the store.
  virtual Status verify(const Graph& delta, double now) = 0;
};

}  // namespace gunpp

#endif  // GUNPP_VERIFIER_HPP_
