#include "router.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "gunpp/value.hpp"

namespace gunpp::detail {
namespace {

// Peers named in "><" are read from its first 99 characters, as GUN.js does.
constexpr std::size_t kViaChars = 99;
// Peers named in the "><" we add.
constexpr std::size_t kViaPeers = 7;

}  // namespace

Router::Router(Clock& clock, const MeshOptions& options)
    : clock_(&clock),
      options_(&options),
      passed_replies_(clock, options.protocol.dedup) {}

bool Router::passed(const std::string& request, double hash) {
  return passed_replies_.check_and_insert(request + '\x1f' +
                                          std::to_string(hash));
}

Router::Ticket Router::admit(std::string_view id) {
  const double now = clock_->now_ms();
  forget_ids(now);
  forget_trail(now, options_->max_trail);
  auto [it, inserted] = ids_.try_emplace(std::string(id));
  Entry& entry = it->second;
  if (entry.deduped) return nullptr;
  // Held at least until the next admit(), which with max_ids 0 forgets it.
  entry.deduped = true;
  entry.seen_at = now;
  dedup_order_.emplace_back(&*it, now);
  return &*it;
}

void Router::remember_sender(Ticket request, PeerId from) {
  if (options_->max_trail == 0) return;
  const double now = clock_->now_ms();
  forget_trail(now, options_->max_trail - 1);
  Entry& entry = request->second;
  entry.from = from;
  entry.trailed = true;
  entry.trail_at = now;
  trail_order_.emplace_back(request, now);
}

void Router::forget_ids(double now) {
  const DedupOptions& dedup = options_->protocol.dedup;
  while (!dedup_order_.empty() &&
         (dedup_order_.size() >= dedup.max_ids ||
          dedup_order_.front().second + to_ms(dedup.max_age) <= now)) {
    auto [id, at] = dedup_order_.front();
    dedup_order_.pop_front();
    if (id->second.deduped && id->second.seen_at == at) {
      id->second.deduped = false;
      erase_unless_held(id);
    }
  }
}

void Router::forget_trail(double now, std::size_t keep) {
  while (!trail_order_.empty() &&
         (trail_order_.size() > keep ||
          trail_order_.front().second + to_ms(options_->trail) <= now)) {
    auto [id, at] = trail_order_.front();
    trail_order_.pop_front();
    if (id->second.trailed && id->second.trail_at == at) {
      id->second.trailed = false;
      erase_unless_held(id);
    }
  }
}

void Router::erase_unless_held(Ticket id) {
  if (!id->second.deduped && !id->second.trailed) {
    ids_.erase(ids_.find(id->first));  // by iterator: the key is the node's
  }
}

std::optional<PeerId> Router::sender_of(const std::string& id) const {
  auto it = ids_.find(id);
  if (it == ids_.end() || !it->second.trailed ||
      it->second.trail_at + to_ms(options_->trail) <= clock_->now_ms()) {
    return std::nullopt;
  }
  return it->second.from;
}

const std::string& Router::via_list(
    const std::unordered_map<PeerId, PeerInfo>& peers, PeerId except) {
  if (via_stale_) {
    std::vector<PeerId> ids;
    ids.reserve(peers.size());
    for (const auto& [id, peer] : peers) ids.push_back(id);
    const std::size_t keep = std::min(ids.size(), kViaPeers + 1);
    std::partial_sort(ids.begin(), ids.begin() + keep, ids.end());
    std::vector<std::string> names;
    for (std::size_t i = 0; i < keep; ++i) {
      const PeerInfo& p = peers.at(ids[i]);
      names.push_back(!p.pid.empty()   ? p.pid
                      : !p.url.empty() ? p.url
                                       : std::to_string(ids[i]));
    }
    // Entry i leaves out peer i; the last, none of them.
    via_ids_.assign(ids.begin(), ids.begin() + keep);
    via_json_.assign(keep + 1, std::string());
    for (std::size_t skip = 0; skip <= keep; ++skip) {
      std::string via;
      std::size_t named = 0;
      for (std::size_t i = 0; i < keep; ++i) {
        if (i == skip || named == kViaPeers) continue;
        if (named++ > 0) via += ',';
        via += names[i];
      }
      append_json_string(via_json_[skip], via);
    }
    via_stale_ = false;
  }
  const auto it = std::find(via_ids_.begin(), via_ids_.end(), except);
  return via_json_[it - via_ids_.begin()];
}

bool Router::named_in_via(const PeerInfo& peer, std::string_view via) {
  via = via.substr(0, kViaChars);
  std::size_t start = 0;
  while (start <= via.size()) {
    std::size_t end = via.find(',', start);
    if (end == std::string_view::npos) end = via.size();
    const std::string_view name = via.substr(start, end - start);
    if (!name.empty() && (name == peer.pid || name == peer.url)) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace gunpp::detail
