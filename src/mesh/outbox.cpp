#include "outbox.hpp"

#include <memory>
#include <string>
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
  if (slots_.contains(id)) return;
  Peer peer;
  peer.id = id;
  peer.send = std::move(link.send);
  peer.close = std::move(link.close);
  slots_.emplace(id, peers_.size());
  peers_.push_back(std::move(peer));
}

bool Outbox::remove(PeerId id) {
  const auto it = slots_.find(id);
  if (it == slots_.end()) return false;
  const std::size_t slot = it->second;
  slots_.erase(it);
  if (slot + 1 != peers_.size()) {
    peers_[slot] = std::move(peers_.back());
    slots_[peers_[slot].id] = slot;
  }
  peers_.pop_back();
  return true;
}

Outbox::Peer* Outbox::find(PeerId id) {
  const auto it = slots_.find(id);
  return it == slots_.end() ? nullptr : &peers_[it->second];
}

namespace {

const OutFrame::Piece& punctuation(char c) {
  static const OutFrame::Piece open = std::make_shared<const std::string>("[");
  static const OutFrame::Piece comma = std::make_shared<const std::string>(",");
  static const OutFrame::Piece close = std::make_shared<const std::string>("]");
  return c == '[' ? open : c == ',' ? comma : close;
}

}  // namespace

void Outbox::send(PeerId to, std::string message) {
  send(to, std::make_shared<const std::string>(std::move(message)));
}

void Outbox::send(PeerId to, const Piece& message) {
  if (Peer* peer = find(to)) send(to, *peer, message);
}

void Outbox::send(PeerId to, Peer& peer, const Piece& message) {
  if (peer.closing) return;
  if (peer.batch_turn != turn_) {
    // After a quiet period the first message goes alone; the rest of this
    // turn's messages follow as one array.
    peer.batch_turn = turn_;
    if (!flush_queued_) {
      flush_queued_ = true;
      scheduler_->enqueue([this] { flush_all(); }, owner_);
    }
    OutFrame frame;
    if (!message->empty() && message->front() == '{') {
      frame.append(message);
    } else {
      frame.append(punctuation('['));
      frame.append(message);
      frame.append(punctuation(']'));
    }
    deliver(to, peer, std::move(frame));
    return;
  }
  if (!peer.batch.empty() &&
      peer.batch_bytes + message->size() + 2 > options_->batch_bytes) {
    deliver(to, peer, take_batch(peer));
  }
  if (!peer.flush_pending) {
    peer.flush_pending = true;
    pending_.push_back(to);
  }
  peer.batch_bytes += message->size() + (peer.batch.empty() ? 0 : 1);
  peer.batch.push_back(message);
}

OutFrame Outbox::take_batch(Peer& peer) {
  OutFrame frame;
  frame.append(punctuation('['));
  for (std::size_t i = 0; i < peer.batch.size(); ++i) {
    if (i > 0) frame.append(punctuation(','));
    frame.append(std::move(peer.batch[i]));
  }
  frame.append(punctuation(']'));
  peer.batch.clear();
  peer.batch_bytes = 0;
  return frame;
}

void Outbox::flush_all() {
  flush_queued_ = false;
  ++turn_;
  flushing_.swap(pending_);
  for (const PeerId to : flushing_) {
    Peer* peer = find(to);
    if (peer == nullptr) continue;
    peer->flush_pending = false;
    if (peer->batch.empty() || peer->closing) continue;
    deliver(to, *peer, take_batch(*peer));
  }
  flushing_.clear();
}

void Outbox::deliver(PeerId to, Peer& peer, OutFrame&& frame) {
  if (peer.closing) return;
  ++frames_out_;
  const std::size_t unsent = peer.send(std::move(frame));
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
        const Peer* target = find(to);
        if (target == nullptr) return;
        // A copy: closing removes the peer, whose place another takes.
        const auto close = target->close;
        close(reason);
      },
      owner_);
}

std::uint64_t Outbox::unsent_bytes() const {
  std::uint64_t total = 0;
  for (const Peer& peer : peers_) total += peer.unsent;
  return total;
}

void Outbox::heartbeat() {
  for (Peer& peer : peers_) {
    OutFrame empty;
    empty.append(punctuation('['));
    empty.append(punctuation(']'));
    deliver(peer.id, peer, std::move(empty));
  }
  scheduler_->add_timer_after(
      options_->heartbeat, [this] { heartbeat(); }, owner_);
}

}  // namespace gunpp::detail

namespace gunpp {

OutFrame::OutFrame(Piece whole) { append(std::move(whole)); }

OutFrame::OutFrame(std::string whole)
    : OutFrame(std::make_shared<const std::string>(std::move(whole))) {}

void OutFrame::append(Piece piece) {
  size_ += piece->size();
  if (count_ < inline_.size()) {
    inline_[count_++] = std::move(piece);
    return;
  }
  if (spilled_.empty()) {
    spilled_.reserve(2 * inline_.size());
    for (Piece& p : inline_) spilled_.push_back(std::move(p));
  }
  spilled_.push_back(std::move(piece));
}

std::string OutFrame::text() const {
  std::string out;
  out.reserve(size_);
  for (const Piece& piece : pieces()) out += *piece;
  return out;
}

}  // namespace gunpp
