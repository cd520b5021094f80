#include "router.hpp"

#include <algorithm>
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
      seen_(clock, options.protocol.dedup),
      passed_replies_(clock, options.protocol.dedup) {}

bool Router::passed(const std::string& request, double hash) {
  return passed_replies_.check_and_insert(request + '\x1f' +
                                          std::to_string(hash));
}

void Router::remember_sender(const std::string& id, PeerId from) {
  const double t = clock_->now_ms();
  while (!trail_order_.empty() &&
         (trail_order_.front().second + to_ms(options_->trail) <= t ||
          trail_order_.size() >= options_->max_trail)) {
    auto it = trail_.find(trail_order_.front().first);
    if (it != trail_.end() && it->second.at == trail_order_.front().second) {
      trail_.erase(it);
    }
    trail_order_.pop_front();
  }
  trail_[id] = Trail{from, t};
  trail_order_.emplace_back(id, t);
}

std::optional<PeerId> Router::sender_of(const std::string& id) const {
  auto it = trail_.find(id);
  if (it == trail_.end() ||
      it->second.at + to_ms(options_->trail) <= clock_->now_ms()) {
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
