// StoreOptions: every knob and every bound of a GraphStore, with its default.
#ifndef GUNPP_OPTIONS_HPP_
#define GUNPP_OPTIONS_HPP_

#include <chrono>
#include <cstddef>

namespace gunpp {

class PutVerifier;
class Storage;

struct StoreOptions {
  // Fields an ingest job feeds to HAM in one scheduler turn; GUN.js uses 9.
  // The budget spans node boundaries. Must be >= 1.
  std::size_t keys_per_turn = 9;

  // Fields a chunked read hands out per turn (GUN's get replies carry at
  // most 9 names). Must be >= 1.
  std::size_t keys_per_chunk = 9;

  // Puts and chunked reads queued and not yet finished. put() and read()
  // return ResourceExhausted beyond it.
  std::size_t max_pending_jobs = 4096;

  // Fields in one put. put() returns ResourceExhausted beyond it.
  std::size_t max_put_fields = 16 * 1024 * 1024;

  // Fields from the future (state > machine time) waiting to be retried. A
  // put whose future fields would not fit is refused whole with
  // ResourceExhausted.
  std::size_t max_deferred = 100000;

  // Longest soul and key, in bytes of UTF-8. Longer ones are InvalidArgument.
  std::size_t max_soul_bytes = 1024;
  std::size_t max_key_bytes = 1024;

  // Longest string value (and link soul), in bytes. Longer is
  // InvalidArgument.
  std::size_t max_value_bytes = 16 * 1024 * 1024;

  // Added to every local state (GUN's drift); 0 in GUN.js.
  std::chrono::milliseconds state_drift{0};

  // Longest single wait for a deferred field: GUN.js caps timers at
  // 2^31-1 ms (about 24.8 days) and waits again when that is not enough.
  std::chrono::milliseconds max_defer_wait{2147483647};

  // Where converged and parked fields are kept beyond memory (not owned; it
  // must outlive the store). nullptr: in memory only. See gunpp/storage.hpp.
  Storage* storage = nullptr;

  // With storage: the most ingest turns between two group commits. The store
  // also commits whenever its job queue runs empty, so a put's ack waits at
  // most this many turns (and Durability::kPerPut commits at once). Must be
  // >= 1.
  std::size_t commit_every_turns = 1024;

  // With storage: the most fields loaded from storage in one turn when a
  // put or read needs a node that is not in memory. A node with more loads
  // over several turns, this many a turn, while the jobs that need it wait
  // (other jobs go on). Must be >= 1.
  std::size_t load_fields_per_turn = 1024;

  // With storage: the bytes of nodes kept in memory (about Node::
  // memory_bytes() each). Past it, each group commit evicts the least
  // recently used nodes (all clean then) down to half of it; nodes that a
  // chunked read is walking stay. A node evicted is loaded again when next
  // needed. 0: no bound. Without storage nothing is ever evicted.
  std::size_t cache_bytes = 0;

  // With storage: after an Unavailable error, the wait between two tries
  // of the storage (see GraphStore::storage_status()).
  std::chrono::milliseconds storage_retry{500};

  // Checks every put before any of it is queued (not owned; it must outlive
  // the store). nullptr: no check, a plain graph. gunpp's peers and command
  // line install SEA's (gunpp/sea/verifier.hpp) unless told not to; an app
  // that keeps GUN user data should do the same. See gunpp/verifier.hpp.
  PutVerifier* verifier = nullptr;
};

}  // namespace gunpp

#endif  // GUNPP_OPTIONS_HPP_
