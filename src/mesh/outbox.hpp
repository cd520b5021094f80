// Outbox: the mesh's peers as links, and what goes out to them: a message
// after a quiet period alone, the rest of the turn's messages as one array
// of at most batch_bytes, "[]" to every peer each `heartbeat`, and a peer
// whose transport holds more than max_unsent_bytes unsent closed (from the
// pump, with a log line). One object of the mesh's (MeshOptions).
//
// A message is one shared buffer however many peers it goes to: batches and
// frames hold pointers to it (OutFrame), and one task a turn closes every
// batch opened in it.
#ifndef GUNPP_SRC_MESH_OUTBOX_HPP_
#define GUNPP_SRC_MESH_OUTBOX_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gunpp/mesh.hpp"
#include "gunpp/scheduler.hpp"

namespace gunpp::detail {

class Outbox {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Its turns and timers are `owner`'s; `options` must outlive it.
  Outbox(Scheduler& scheduler, Scheduler::OwnerId owner,
         const MeshOptions& options, Log log);

  void add(PeerId id, PeerLink link);
  // False when `id` is not a peer.
  bool remove(PeerId id);
  bool contains(PeerId id) const { return slots_.contains(id); }
  // fn(id) for every peer, in no order; fn may send() but not add or
  // remove peers.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const Peer& peer : peers_) fn(peer.id);
  }

  using Piece = OutFrame::Piece;

  // Queues `message` (one JSON value, not null) for `to`; nothing for an
  // unknown or closing peer.
  void send(PeerId to, const Piece& message);
  void send(PeerId to, std::string message);
  // Queues `message` for every peer, or every peer whose id `wanted`
  // accepts, walking the peers in one array rather than looking each one
  // up. `wanted` may not add or remove peers.
  void broadcast(const Piece& message) {
    broadcast(message, [](PeerId) { return true; });
  }
  template <typename Wanted>
  void broadcast(const Piece& message, Wanted&& wanted) {
    for (Peer& peer : peers_) {
      if (wanted(peer.id)) send(peer.id, peer, message);
    }
  }

  std::uint64_t frames_out() const { return frames_out_; }
  // Bytes unsent over all peers, as their transports last said.
  std::uint64_t unsent_bytes() const;

 private:
  // What a delivery reads comes first, so that it touches one cache line.
  struct Peer {
    PeerId id = 0;
    std::function<std::size_t(OutFrame&& frame)> send;  // PeerLink's
    std::uint64_t batch_turn = 0;  // its batch is open while this is turn_
    bool flush_pending = false;    // in pending_
    bool closing = false;
    std::size_t unsent = 0;
    std::size_t batch_bytes = 0;
    std::vector<Piece> batch;  // this turn's messages after its first
    std::function<void(std::string_view reason)> close;  // PeerLink's
  };

  // Null when `id` is not a peer; valid until a peer is added or removed.
  Peer* find(PeerId id);
  void send(PeerId to, Peer& peer, const Piece& message);
  void deliver(PeerId to, Peer& peer, OutFrame&& frame);
  // The open batch as one array frame, emptied.
  OutFrame take_batch(Peer& peer);
  void flush_all();
  void heartbeat();

  Scheduler* scheduler_;
  Scheduler::OwnerId owner_;
  const MeshOptions* options_;
  Log log_;
  // The peers in one array, in no order (a removed one's place takes the
  // last), so that a broadcast walks them without chasing pointers; and
  // where each one is in it.
  std::vector<Peer> peers_;
  std::unordered_map<PeerId, std::size_t> slots_;
  // Batching turns: a peer's first message in one goes alone, and the
  // task that ends it (flush_all) sends the others as one array. Only a
  // peer that got more than one message is visited then.
  std::uint64_t turn_ = 1;
  bool flush_queued_ = false;
  std::vector<PeerId> pending_;  // peers with messages held this turn
  std::vector<PeerId> flushing_;
  std::uint64_t frames_out_ = 0;
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_MESH_OUTBOX_HPP_
