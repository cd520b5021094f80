// Router: where messages go. One memory of message ids across all peers
// (so a message that arrives twice is handled once), the trail that sends
// a reply back only to the peer its request came from (for `trail`, at
// most max_trail requests), the replies already passed on (by "##"), and
// GUN's "><": the peers a message was sent to, which are not sent it again.
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
 public:
  // `options` must outlive it.
  Router(Clock& clock, const MeshOptions& options);

  // True when message `id` was seen already; else remembers it.
  bool seen(std::string_view id) { return seen_.check_and_insert(id); }
  // True when the reply to `request` with hash `hash` was passed on
  // already; else remembers it.
  bool passed(const std::string& request, double hash);

  // Remembers that request `id` came from `from`, for its replies.
  void remember_sender(const std::string& id, PeerId from);
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
  struct Trail {
    PeerId from;
    double at;
  };

  Clock* clock_;
  const MeshOptions* options_;
  Dedup seen_;
  Dedup passed_replies_;
  std::unordered_map<std::string, Trail> trail_;
  std::deque<std::pair<std::string, double>> trail_order_;
  // The lowest-numbered peers, one more than "><" holds (for when the
  // sender is among them), in order; and the "><" leaving out each of them,
  // then the one leaving out none.
  std::vector<PeerId> via_ids_;
  std::vector<std::string> via_json_;
  bool via_stale_ = true;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_MESH_ROUTER_HPP_
