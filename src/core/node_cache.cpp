#include "node_cache.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace gunpp::detail {

Node* NodeCache::keep(std::string_view soul, Node node) {
  if (budget_ > 0) bytes_ += node.memory_bytes();
  auto [entry, inserted] = nodes_.try_emplace(SoulKey(soul));
  if (inserted) entry->node = std::move(node);
  entry->last_use = ++use_clock_;
  return &entry->node;
}

void NodeCache::pin(std::string_view soul, int delta) {
  if (Entry* entry = nodes_.find(SoulKey(soul))) {
    entry->pins =
        static_cast<std::uint32_t>(static_cast<int>(entry->pins) + delta);
  }
}

std::size_t NodeCache::evict() {
  // The pass drops the least recently used down to half the budget, so
  // passes are rare and each costs O(fields in memory).
  struct Candidate {
    std::uint64_t last_use;
    std::size_t bytes;
    std::string_view soul;  // the table's own copy: erasing moves no other
  };
  std::vector<Candidate> candidates;
  candidates.reserve(nodes_.size());
  std::size_t total = 0;
  nodes_.for_each([&](const std::string& soul, const Entry& entry) {
    const std::size_t bytes = entry.node.memory_bytes() + soul.size();
    total += bytes;
    if (entry.pins == 0) {
      candidates.push_back(Candidate{entry.last_use, bytes, soul});
    }
  });
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) {
              return a.last_use < b.last_use;
            });
  const std::size_t target = budget_ / 2;
  std::size_t evicted = 0;
  for (const Candidate& c : candidates) {
    if (total <= target) break;
    total -= c.bytes;
    nodes_.erase(c.soul);
    ++evicted;
  }
  bytes_ = total;
  ++epoch_;  // jobs find their nodes again by soul
  return evicted;
}

std::size_t NodeCache::memory_bytes() const {
  std::size_t bytes = 0;
  nodes_.for_each([&bytes](const std::string& soul, const Entry& entry) {
    bytes += entry.node.memory_bytes() + soul.capacity();
  });
  return bytes;
}

}  // namespace gunpp::detail
