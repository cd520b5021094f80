#include "chain_core.hpp"

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
            resolve_from(path, next + 1, v->as_link().soul(), done);
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
