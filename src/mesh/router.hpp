// Router: where messages go. One memory of message ids across all peers
// (so a message that arrives twice is handled once), the trail that sends
// a reply back only to the peer its request came from (for `trail`, at
// most max_trail requests), the replies already passed on (by "##"), and
// GUN's "><": the peers a message was sent to, which are not sent it again.
// The dedup and the trail share one table of ids.
#ifndef GUNPP_SRC_MESH_ROUTER_HPP_
#define GUNPP_SRC_MESH_ROUTER_HPP_

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gunpp/mesh.hpp"
#include "gunpp/scheduler.hpp"
#include "wire/dedup.hpp"

namespace gunpp::detail {

class Router {
  // One message id, remembered while the dedup or the trail holds it.
  struct Entry {
    double seen_at = 0;   // when the dedup took it; valid if deduped
    double trail_at = 0;  // when the trail took it; valid if trailed
    PeerId from = 0;      // its sender, if trailed
    bool deduped = false;
    bool trailed = false;
  };
  using Ids = std::unordered_map<std::string, Entry>;

 public:
  // `options` must outlive it.
  Router(Clock& clock, const MeshOptions& options);

  // What admit() hands back for a new message: valid until the next call.
  using Ticket = Ids::value_type*;

  // Null when message `id` was seen already (within the dedup's bounds,
  // options.protocol.dedup); else remembers it and returns its ticket.
  Ticket admit(std::string_view id);
  // True when message `id` was seen already; else remembers it.
  bool seen(std::string_view id) { return admit(id) == nullptr; }
  // True when the reply to `request` with hash `hash` was passed on
  // already; else remembers it.
  bool passed(const std::string& request, double hash);

  // Remembers that the request admit() just let in came from `from`, for
  // its replies (the trail: for options.trail, at most max_trail requests).
  void remember_sender(Ticket request, PeerId from);
  // The peer request `id` came from, while the trail remembers it.
  std::optional<PeerId> sender_of(const std::string& id) const;

  // The "><" we add, as a JSON string: up to seven of the peers in `peers`
  // but `except`, the longest connected (lowest numbers), by pid, else URL,
  // else number. Kept between calls: O(1) a message, O(peers) after
  // peers_changed(); valid until the next call.
  const std::string& via_list(const std::unordered_map<PeerId, PeerInfo>& peers,
                              PeerId except);
  // Tells via_list() that a peer joined, left or named itself.
  void peers_changed() { via_stale_ = true; }
  // Whether `peer` is named in a message's "><" (its first 99 characters,
  // as GUN.js reads it).
  static bool named_in_via(const PeerInfo& peer, std::string_view via);

 private:
  // Drops the ids the dedup no longer holds, leaving room for one more.
  void forget_ids(double now);
  // Drops the requests the trail no longer holds, keeping at most `keep`.
  void forget_trail(double now, std::size_t keep);
  void erase_unless_held(Ticket id);

  Clock* clock_;
  const MeshOptions* options_;
  // One table for both, so that a request is hashed and stored once; each
  // keeps its own order, oldest first, with the time it took the id (an id
  // taken again leaves an older record behind, skipped when it comes up).
  Ids ids_;
  std::deque<std::pair<Ticket, double>> dedup_order_;
  std::deque<std::pair<Ticket, double>> trail_order_;
  Dedup passed_replies_;
  // The lowest-numbered peers, one more than "><" holds (for when the
  // sender is among them), in order; and the "><" leaving out each of them,
  // then the one leaving out none.
  std::vector<PeerId> via_ids_;
  std::vector<std::string> via_json_;
  bool via_stale_ = true;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_MESH_ROUTER_HPP_
