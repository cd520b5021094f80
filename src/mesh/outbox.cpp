#include "outbox.hpp"

#include <utility>

namespace gunpp::detail {

Outbox::Outbox(Scheduler& scheduler, Scheduler::OwnerId owner,
               const MeshOptions& options, Log log)
    : scheduler_(&scheduler),
      owner_(owner),
      options_(&options),
      log_(std::move(log)) {
  if (options.heartbeat.count() > 0) {
    scheduler.add_timer_after(
        options.heartbeat, [this] { heartbeat(); }, owner_);
  }
}

void Outbox::add(PeerId id, PeerLink link) {
  peers_.emplace(id, Peer{std::move(link), {}, false, false});
}

bool Outbox::remove(PeerId id) { return peers_.erase(id) > 0; }

void Outbox::send(PeerId to, std::string message) {
  auto it = peers_.find(to);
  if (it == peers_.end() || it->second.closing) return;
  Peer& peer = it->second;
  if (!peer.batch_open) {
    // After a quiet period the first message goes alone; the rest of this
    // turn's messages follow as one array.
    peer.batch_open = true;
    scheduler_->enqueue([this, to] { flush(to); }, owner_);
    const bool is_object = !message.empty() && message.front() == '{';
    deliver(to, peer, is_object ? std::move(message) : "[" + message + "]");
    return;
  }
  if (!peer.batch.empty() &&
      peer.batch.size() + message.size() + 2 > options_->batch_bytes) {
    deliver(to, peer, "[" + std::exchange(peer.batch, {}) + "]");
  }
  if (!peer.batch.empty()) peer.batch += ',';
  peer.batch += message;
}

void Outbox::flush(PeerId to) {
  auto it = peers_.find(to);
  if (it == peers_.end()) return;
  Peer& peer = it->second;
  peer.batch_open = false;
  if (peer.batch.empty() || peer.closing) return;
  deliver(to, peer, "[" + std::exchange(peer.batch, {}) + "]");
}

void Outbox::deliver(PeerId to, Peer& peer, std::string frame) {
  if (peer.closing) return;
  ++frames_out_;
  const std::size_t unsent = peer.link.send(std::move(frame));
  peer.unsent = unsent;
  if (unsent <= options_->max_unsent_bytes) return;
  peer.closing = true;
  const std::string reason = "peer " + std::to_string(to) + " has " +
                             std::to_string(unsent) +
                             " bytes unsent, more than max_unsent_bytes";
  log_(reason + ": disconnecting");
  // Closed from the pump: the transport may remove the peer at once.
  scheduler_->enqueue(
      [this, to, reason] {
        if (auto it = peers_.find(to); it != peers_.end()) {
          it->second.link.close(reason);
        }
      },
      owner_);
}

std::uint64_t Outbox::unsent_bytes() const {
  std::uint64_t total = 0;
  for (const auto& [id, peer] : peers_) total += peer.unsent;
  return total;
}

void Outbox::heartbeat() {
  for (auto& [id, peer] : peers_) deliver(id, peer, "[]");
  scheduler_->add_timer_after(
      options_->heartbeat, [this] { heartbeat(); }, owner_);
}

}  // namespace gunpp::detail
