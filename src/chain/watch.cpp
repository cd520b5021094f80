#include "watch.hpp"

#include <algorithm>
#include <utility>

namespace gunpp {

Watch::Watch(ChainCore& core, std::vector<std::string> path, bool mapped,
             OnItem each)
    : core_(core),
      path_(std::move(path)),
      mapped_(mapped),
      each_(std::move(each)),
      owner_(core.store.scheduler().new_owner()) {}

Watch::~Watch() { stop(); }

void Watch::start() {
  if (watches_all()) {
    all_subscription_ =
        core_.store.subscribe_all([weak = weak_from_this()](const Change& c) {
          auto self = weak.lock();
          if (self && !self->stopped_) self->changed(c);
        });
  }
  touch();
}

void Watch::stop() {
  if (stopped_) return;
  stopped_ = true;
  core_.store.scheduler().cancel_owner(owner_);
  for (const auto& [soul, id] : subscriptions_) {
    if (core_.mesh != nullptr) {
      core_.mesh->unsubscribe(id);
    } else {
      core_.store.unsubscribe(id);
    }
  }
  subscriptions_.clear();
  if (all_subscription_ != 0) core_.store.unsubscribe(all_subscription_);
}

Watch::Walked Watch::walk() const {
  Walked out;
  std::string soul = path_.front();
  out.souls.push_back(soul);
  for (std::size_t i = 1; i < path_.size(); ++i) {
    std::optional<Entry> e = core_.store.get(soul, path_[i]);
    if (!e) return out;
    Value v = core_.seen(soul, e->value);
    if (v.is_null()) return out;
    if (v.is_link()) {
      soul = v.link_soul();
      out.souls.push_back(soul);
      continue;
    }
    if (i + 1 == path_.size()) {
      out.end.found = true;
      out.end.value = std::move(v);
    }
    return out;
  }
  if (mapped_) {
    const Node* n = core_.store.get(soul);
    out.end.found = n != nullptr && !n->empty();
    out.end.soul = soul;
  } else {
    out.end = core_.node_snapshot(soul);
  }
  return out;
}

void Watch::touch() {
  if (touched_ || stopped_) return;
  touched_ = true;
  core_.store.scheduler().enqueue(
      [weak = weak_from_this()] {
        auto self = weak.lock();
        if (self && !self->stopped_) self->refresh();
      },
      owner_);
}

void Watch::refresh() {
  touched_ = false;
  Walked walked = walk();
  watch_souls(walked.souls);
  if (!mapped_) {
    if (walked.end.found && (!last_ || *last_ != walked.end)) {
      last_ = walked.end;
      emit(Item{path_.back(), walked.end});
    }
    return;
  }
  const std::string soul = walked.end.soul.value_or("");
  if (soul != mapped_soul_) map_node(soul);
  std::set<std::string> dirty;
  dirty.swap(dirty_items_);
  for (const std::string& key : dirty) {
    if (stopped_) return;
    emit_item(key);
  }
}

void Watch::watch_souls(const std::vector<std::string>& souls) {
  for (const std::string& old : path_souls_) {
    if (std::find(souls.begin(), souls.end(), old) == souls.end() &&
        !item_keys_.contains(old)) {
      unsubscribe(old);
    }
  }
  path_souls_ = souls;
  for (const std::string& soul : souls) subscribe(soul);
}

void Watch::changed(const Change& change) {
  bool watched = false;
  if (mapped_ && change.soul == mapped_soul_) {
    const std::string key(change.key);
    item_changed(key, core_.seen(change.soul, change.value));
    dirty_items_.insert(key);
    watched = true;
  }
  if (auto it = item_keys_.find(change.soul); it != item_keys_.end()) {
    dirty_items_.insert(it->second.begin(), it->second.end());
    watched = true;
  }
  if (watched || std::find(path_souls_.begin(), path_souls_.end(),
                           change.soul) != path_souls_.end()) {
    touch();
  }
}

void Watch::subscribe(const std::string& soul) {
  if (watches_all() || subscriptions_.contains(soul)) return;
  auto on_change = [weak = weak_from_this()](const Change& change) {
    auto self = weak.lock();
    if (self && !self->stopped_) self->changed(change);
  };
  const SubscriptionId id =
      core_.mesh != nullptr ? core_.mesh->subscribe(soul, std::move(on_change))
                            : core_.store.subscribe(soul, std::move(on_change));
  subscriptions_.emplace(soul, id);
}

void Watch::unsubscribe(const std::string& soul) {
  auto node_handle = subscriptions_.extract(soul);
  if (node_handle.empty()) return;
  if (core_.mesh != nullptr) {
    core_.mesh->unsubscribe(node_handle.mapped());
  } else {
    core_.store.unsubscribe(node_handle.mapped());
  }
}

void Watch::map_node(const std::string& soul) {
  for (const auto& [item, keys] : item_keys_) {
    if (std::find(path_souls_.begin(), path_souls_.end(), item) ==
        path_souls_.end()) {
      unsubscribe(item);
    }
  }
  item_soul_.clear();
  item_keys_.clear();
  dirty_items_.clear();
  mapped_soul_ = soul;
  const std::uint64_t generation = ++generation_;
  if (soul.empty()) return;
  // Room for the items there now, so that tables do not rehash all at once
  // in one turn while they are read.
  if (const Node* node = core_.store.get(soul)) {
    item_soul_.reserve(node->size());
    item_keys_.reserve(node->size());
  }
  // What the node holds now, a chunk per turn; what changes from here on
  // comes through the subscription.
  const Status s = core_.store.read(
      soul,
      [weak = weak_from_this(), generation](const Chunk& chunk) {
        auto self = weak.lock();
        if (!self || self->stopped_ || self->generation_ != generation) return;
        for (const std::size_t slot : chunk.slots) {
          const std::string key = chunk.node.key(slot);
          self->item_changed(
              key, self->core_.seen(chunk.soul, chunk.node.value(slot)));
          self->dirty_items_.erase(key);
          self->emit_item(key);
          if (self->stopped_ || self->generation_ != generation) return;
        }
      },
      core_.options.items_per_turn);
  (void)s;  // NotFound: an empty node; its first item comes as a change
}

void Watch::item_changed(const std::string& key, const Value& value) {
  if (auto it = item_soul_.find(key); it != item_soul_.end()) {
    const std::string old = it->second;
    item_soul_.erase(it);
    auto keys = item_keys_.find(old);
    keys->second.erase(key);
    if (keys->second.empty()) {
      item_keys_.erase(keys);
      if (std::find(path_souls_.begin(), path_souls_.end(), old) ==
          path_souls_.end()) {
        unsubscribe(old);
      }
    }
  }
  if (!value.is_link()) return;
  const std::string item(value.link_soul());
  item_soul_[key] = item;
  item_keys_[item].insert(key);
  subscribe(item);
}

void Watch::emit_item(const std::string& key) {
  std::optional<Entry> e = core_.store.get(mapped_soul_, key);
  if (!e) return;
  Value v = core_.seen(mapped_soul_, e->value);
  Item item{key, {}};
  if (v.is_link()) {
    item.snapshot = core_.node_snapshot(std::string(v.link_soul()));
    if (!item.snapshot.found) return;  // its node has not come yet
  } else if (!v.is_null()) {
    item.snapshot.found = true;
    item.snapshot.value = std::move(v);
  }
  emit(item);
}

void Watch::emit(const Item& item) { core_.call(each_, item); }

}  // namespace gunpp
