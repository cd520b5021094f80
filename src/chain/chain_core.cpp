#include "chain_core.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "watch.hpp"

namespace gunpp {

ChainCore::ChainCore(GraphStore& store_in, Mesh* mesh_in,
                     ChainOptions options_in)
    : store(store_in),
      mesh(mesh_in),
      options(options_in),
      owner(store_in.scheduler().new_owner()) {}

void ChainCore::later(std::function<void()> task) {
  store.scheduler().enqueue(std::move(task), owner);
}

std::uint64_t ChainCore::begin_put() {
  unmerged_puts_.insert(++last_put_);
  return last_put_;
}

void ChainCore::end_put(std::uint64_t put) {
  unmerged_puts_.erase(put);
  if (!alive) return;
  while (!waiting_reads_.empty() &&
         (unmerged_puts_.empty() ||
          *unmerged_puts_.begin() > waiting_reads_.front().first)) {
    later(std::move(waiting_reads_.front().second));
    waiting_reads_.pop_front();
  }
}

void ChainCore::after_puts(std::function<void()> read) {
  if (unmerged_puts_.empty()) {
    later(std::move(read));
  } else {
    waiting_reads_.emplace_back(last_put_, std::move(read));
  }
}

void ChainCore::field(const std::string& soul, const std::string& key,
                      std::function<void(std::optional<Value>)> found) {
  const auto present = [this, &soul, &key]() -> std::optional<Value> {
    std::optional<Entry> e = store.get(soul, key);
    if (!e) return std::nullopt;
    Value v = seen(soul, e->value);
    if (v.is_null()) return std::nullopt;
    return v;
  };
  std::optional<Value> value = present();
  if (value || mesh == nullptr) {
    found(std::move(value));
    return;
  }
  FetchRequest request{soul, key, 1, options.wait, options.timeout};
  const Status s = mesh->fetch(
      std::move(request), [weak = weak_from_this(), soul, key,
                           found = std::move(found)](const FetchOutcome&) {
        auto self = weak.lock();
        if (!self || !self->alive) return;
        std::optional<Entry> e = self->store.get(soul, key);
        std::optional<Value> v;
        if (e) v = self->seen(soul, e->value);
        if (v && v->is_null()) v.reset();
        found(std::move(v));
      });
  if (!s) found(std::nullopt);
}

void ChainCore::node(const std::string& soul, std::function<void(bool)> known) {
  const Node* n = store.get(soul);
  if ((n != nullptr && !n->empty()) || mesh == nullptr) {
    known(n != nullptr && !n->empty());
    return;
  }
  FetchRequest request{soul, std::nullopt, 0, options.wait, options.timeout};
  const Status s =
      mesh->fetch(std::move(request),
                  [weak = weak_from_this(), soul, known](const FetchOutcome&) {
                    auto self = weak.lock();
                    if (!self || !self->alive) return;
                    const Node* fetched = self->store.get(soul);
                    known(fetched != nullptr && !fetched->empty());
                  });
  if (!s) known(false);
}

Snapshot ChainCore::node_snapshot(const std::string& soul) const {
  Snapshot out;
  const Node* n = store.get(soul);
  if (n == nullptr || n->empty()) return out;
  out.found = true;
  out.soul = soul;
  out.fields.reserve(n->size());
  for (std::size_t slot = 0; slot < n->size(); ++slot) {
    out.fields.emplace_back(n->key(slot), seen(soul, n->value(slot)));
  }
  return out;
}

void ChainCore::resolve(const std::vector<std::string>& path, OnceDone done) {
  if (path.empty() || path.front().empty()) {
    done(Snapshot{});
    return;
  }
  resolve_from(std::make_shared<const std::vector<std::string>>(path), 1,
               path.front(), std::move(done));
}

void ChainCore::resolve_from(
    std::shared_ptr<const std::vector<std::string>> path, std::size_t next,
    std::string soul, OnceDone done) {
  if (next == path->size()) {
    node(soul, [this, soul, done = std::move(done)](bool exists) {
      done(exists ? node_snapshot(soul) : Snapshot{});
    });
    return;
  }
  const std::string& key = (*path)[next];
  field(soul, key,
        [this, path, next, done = std::move(done)](std::optional<Value> v) {
          if (!v) {
            done(Snapshot{});
          } else if (v->is_link()) {
            resolve_from(path, next + 1, std::string(v->link_soul()), done);
          } else if (next + 1 == path->size()) {
            Snapshot out;
            out.found = true;
            out.value = std::move(*v);
            done(out);
          } else {
            done(Snapshot{});  // the path goes on through a primitive
          }
        });
}

// A once() with a depth while its linked nodes come in: a tree whose nodes
// stay put (the snapshot's vectors are filled once all have come).
struct ChainCore::LinkedNode {
  Snapshot snapshot;
  std::vector<std::pair<std::string, std::shared_ptr<LinkedNode>>> kids;

  Snapshot take() {
    for (auto& [key, kid] : kids) {
      if (kid->snapshot.found) snapshot.linked.emplace_back(key, kid->take());
    }
    return std::move(snapshot);
  }
};

struct ChainCore::LinkedRead {
  LinkedNode root;
  OnceDone done;
  std::size_t waiting = 0;  // lookups still out
  std::size_t nodes = 0;    // read below the root
};

void ChainCore::read_linked(Snapshot snapshot, std::size_t depth,
                            OnceDone done) {
  auto read = std::make_shared<LinkedRead>();
  read->root.snapshot = std::move(snapshot);
  read->done = std::move(done);
  ++read->waiting;  // until the first level is walked
  follow_links(read, read->root, {}, depth);
  linked_lookup_done(read);
}

void ChainCore::follow_links(const std::shared_ptr<LinkedRead>& read,
                             LinkedNode& at, std::vector<std::string> above,
                             std::size_t left) {
  if (left == 0 || !at.snapshot.soul) return;
  above.push_back(*at.snapshot.soul);
  for (const auto& [key, value] : at.snapshot.fields) {
    if (!value.is_link()) continue;
    const std::string soul(value.link_soul());
    if (std::find(above.begin(), above.end(), soul) != above.end()) continue;
    if (read->nodes >= options.max_linked_nodes) return;
    ++read->nodes;
    ++read->waiting;
    auto kid = std::make_shared<LinkedNode>();
    at.kids.emplace_back(key, kid);
    node(soul, [this, read, kid, soul, above, left](bool exists) {
      if (exists) {
        kid->snapshot = node_snapshot(soul);
        follow_links(read, *kid, above, left - 1);
      }
      linked_lookup_done(read);
    });
  }
}

void ChainCore::linked_lookup_done(const std::shared_ptr<LinkedRead>& read) {
  if (--read->waiting > 0 || !read->done) return;
  OnceDone done = std::move(read->done);
  read->done = nullptr;
  done(read->root.take());
}

std::uint64_t ChainCore::add_watch(std::shared_ptr<Watch> watch) {
  const std::uint64_t id = ++last_watch_;
  watches_.emplace(id, std::move(watch));
  return id;
}

bool ChainCore::remove_watch(std::uint64_t id) {
  auto node_handle = watches_.extract(id);
  if (node_handle.empty()) return false;
  node_handle.mapped()->stop();
  return true;
}

void ChainCore::remove_all_watches() {
  for (auto& [id, watch] : watches_) watch->stop();
  watches_.clear();
}

}  // namespace gunpp
