// The chain's front: Data, Ref's operations, and put's way from a path and a
// nested value to one delta with one state.
#include "gunpp/chain.hpp"

#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <utility>

#include "chain_core.hpp"
#include "watch.hpp"
#include "wire/message_ids.hpp"

namespace gunpp {

namespace {

// Why an operation on `path` cannot start, or OK.
Status check(const ChainCore& core, const std::vector<std::string>& path) {
  if (!core.alive) {
    return Status::cancelled("the chain this path belongs to is gone");
  }
  for (const std::string& key : path) {
    if (key.empty()) {
      return Status::invalid_argument("a chain's souls and keys are not empty");
    }
  }
  return Status::ok();
}

// A field put() writes, before its state is known.
struct PendingField {
  std::string soul;
  std::string key;
  Value value;
};

// A put on its way down the path: the fields it writes besides an object's
// (the links it makes on the way, a primitive at the last key), and where
// the value lands.
struct PutPlan {
  std::shared_ptr<ChainCore> core;
  std::vector<std::string> path;
  Data data;
  std::optional<std::string> target;  // set(): the item's own soul
  std::chrono::milliseconds timeout;  // for a peer's ack
  std::shared_ptr<const DeltaSigner> signer;  // a user's chain
  PutDone done;
  std::vector<PendingField> fields;
  std::uint64_t number = 0;  // ChainCore::begin_put()'s
};

// `object`'s members as fields of `soul`, nested objects as linked nodes
// named soul + "/" + key.
void flatten(const Data& object, const std::string& soul, State state,
             Graph& graph) {
  for (const auto& [key, member] : object.members()) {
    if (member.is_object()) {
      const std::string child = soul + "/" + key;
      graph.add(soul, key, Link{child}, state);
      flatten(member, child, state, graph);
    } else {
      graph.add(soul, key, member.value(), state);
    }
  }
}

void apply(PutPlan& plan, std::string soul, Graph graph) {
  ChainCore& core = *plan.core;
  auto done = [core = plan.core, cb = std::move(plan.done), soul](
                  const Status& error, bool acked) {
    if (core->alive) core->call(cb, PutResult{error, acked, soul});
  };
  auto merged = [core = plan.core, number = plan.number](const Status&,
                                                         const PutSummary&) {
    core->end_put(number);
  };
  if (plan.signer) {
    Result<Graph> signed_graph = (*plan.signer)(graph);
    if (!signed_graph) {
      core.end_put(plan.number);
      done(signed_graph.status(), false);
      return;
    }
    graph = std::move(*signed_graph);
  }
  Status s;
  if (core.mesh != nullptr) {
    s = core.mesh->put(
        std::move(graph),
        [done](const PutOutcome& o) { done(o.error, o.acked); }, plan.timeout,
        merged);
  } else {
    s = core.store.put(std::move(graph), [done, merged](const Status& status,
                                                        const PutSummary& r) {
      merged(status, r);
      done(status, false);
    });
  }
  if (!s) {
    core.end_put(plan.number);
    done(s, false);
  }
}

// The value lands on `parent` (the node the path's last key belongs to).
void land(std::shared_ptr<PutPlan> plan, const std::string& parent) {
  const std::string& key = plan->path.back();
  const auto write = [plan](std::string soul) {
    const State state = plan->core->store.next_state();
    Graph graph;
    for (PendingField& f : plan->fields) {
      graph.add(f.soul, std::move(f.key), std::move(f.value), state);
    }
    if (plan->data.is_object()) {
      flatten(plan->data, soul, state, graph);
    }
    apply(*plan, std::move(soul), std::move(graph));
  };
  if (plan->path.size() == 1) {
    write(parent);
    return;
  }
  if (!plan->data.is_object()) {
    plan->fields.push_back({parent, key, plan->data.value()});
    write(parent);
    return;
  }
  if (plan->target) {
    plan->fields.push_back({parent, key, Link{*plan->target}});
    write(*plan->target);
    return;
  }
  // An object goes into the node the key links to already, or a new one.
  plan->core->field(parent, key, [plan, parent, key, write](auto value) {
    std::string soul;
    if (value && value->is_link()) {
      soul = value->link_soul();
    } else {
      soul = parent + "/" + key;
      plan->fields.push_back({parent, key, Link{soul}});
    }
    write(std::move(soul));
  });
}

// Walks the path's keys but the last, from `soul` at path[next]; where no
// link leads on, writes one to GUN's soul for the node below, and asks no
// more of the store or the peers below it.
void descend(std::shared_ptr<PutPlan> plan, std::size_t next, std::string soul,
             bool made) {
  if (next + 1 >= plan->path.size()) {
    land(std::move(plan), soul);
    return;
  }
  const std::string key = plan->path[next];
  const auto make = [plan, next, soul, key] {
    std::string child = soul + "/" + key;
    plan->fields.push_back({soul, key, Link{child}});
    descend(plan, next + 1, std::move(child), true);
  };
  if (made) {
    make();
    return;
  }
  plan->core->field(soul, key, [plan, next, make](auto value) {
    if (value && value->is_link()) {
      descend(plan, next + 1, std::string(value->link_soul()), false);
    } else {
      make();
    }
  });
}

Status start_put(PutPlan put) {
  if (Status s = check(*put.core, put.path); !s) return s;
  if (put.path.size() == 1 && !put.data.is_object()) {
    return Status::invalid_argument(
        "a put on a root soul needs an object (its fields)");
  }
  auto plan = std::make_shared<PutPlan>(std::move(put));
  plan->number = plan->core->begin_put();
  plan->core->later([plan] {
    std::string root = plan->path.front();
    descend(plan, 1, std::move(root), false);
  });
  return Status::ok();
}

// A mapped once(): the items of one node, read a chunk per turn; an item
// whose node is not in the store is asked of the peers.
struct MapRead {
  std::shared_ptr<ChainCore> core;
  OnItem each;
  std::function<void()> done;
  std::size_t waiting = 0;  // item nodes still being asked for
  bool read_all = false;

  void finish_if_done() {
    if (read_all && waiting == 0) {
      core->call(done);
      done = nullptr;
    }
  }
};

void read_items(const std::shared_ptr<MapRead>& read, const std::string& soul) {
  ChainCore& core = *read->core;
  const Status s = core.store.read(
      soul,
      [read](const Chunk& chunk) {
        if (!read->core->alive) return;
        for (const std::size_t slot : chunk.slots) {
          const Value value =
              read->core->seen(chunk.soul, chunk.node.value(slot));
          if (value.is_null()) continue;
          Item item{chunk.node.key(slot), {}};
          if (!value.is_link()) {
            item.snapshot.found = true;
            item.snapshot.value = value;
            read->core->call(read->each, item);
            continue;
          }
          ++read->waiting;
          const std::string item_soul(value.link_soul());
          read->core->node(item_soul, [read, item, item_soul](bool exists) {
            --read->waiting;
            if (exists) {
              Item found = item;
              found.snapshot = read->core->node_snapshot(item_soul);
              read->core->call(read->each, found);
            }
            read->finish_if_done();
          });
        }
        if (chunk.last) {
          read->read_all = true;
          read->finish_if_done();
        }
      },
      core.options.items_per_turn);
  if (!s) {
    read->read_all = true;
    read->finish_if_done();
  }
}

}  // namespace

Data Data::object(Members members) {
  Members unique;
  std::unordered_map<std::string, std::size_t> place;
  for (auto& [key, value] : members) {
    const auto [it, fresh] = place.try_emplace(key, unique.size());
    if (fresh) {
      unique.emplace_back(std::move(key), std::move(value));
    } else {
      unique[it->second].second = std::move(value);
    }
  }
  Data out;
  out.members_ = std::make_shared<const Members>(std::move(unique));
  return out;
}

Ref::Ref(std::shared_ptr<ChainCore> core, std::vector<std::string> path,
         bool mapped, std::shared_ptr<const DeltaSigner> signer)
    : core_(std::move(core)),
      path_(std::move(path)),
      mapped_(mapped),
      signer_(std::move(signer)) {}

Ref Ref::get(std::string key) const {
  std::vector<std::string> path = path_;
  path.push_back(std::move(key));
  return Ref(core_, std::move(path), false, signer_);
}

Ref Ref::back(std::size_t n) const {
  std::vector<std::string> path = path_;
  path.resize(path.size() > n ? path.size() - n : 1);
  return Ref(core_, std::move(path), false, signer_);
}

Ref Ref::map() const { return Ref(core_, path_, true, signer_); }

Status Ref::put(Data data, PutDone done,
                std::optional<std::chrono::milliseconds> timeout) const {
  if (mapped_) return Status::invalid_argument("put on a mapped path");
  return start_put(PutPlan{core_,
                           path_,
                           std::move(data),
                           std::nullopt,
                           timeout.value_or(core_->options.put_timeout),
                           signer_,
                           std::move(done),
                           {}});
}

Result<std::string> Ref::set(
    Data object, PutDone done,
    std::optional<std::chrono::milliseconds> timeout) const {
  if (mapped_) return Status::invalid_argument("set on a mapped path");
  if (!object.is_object()) {
    return Status::invalid_argument("set needs an object");
  }
  if (Status s = check(*core_, path_); !s) return s;
  const double ms = std::floor(core_->store.scheduler().clock().now_ms());
  std::string soul;
  for (auto t = static_cast<std::uint64_t>(ms > 0 ? ms : 0); t > 0; t /= 36) {
    soul.insert(soul.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[t % 36]);
  }
  soul += MessageIds::random_id(12);
  std::vector<std::string> path = path_;
  path.push_back(soul);
  if (Status s = start_put(PutPlan{core_,
                                   std::move(path),
                                   std::move(object),
                                   soul,
                                   timeout.value_or(core_->options.put_timeout),
                                   signer_,
                                   std::move(done),
                                   {}});
      !s) {
    return s;
  }
  return soul;
}

Status Ref::set(const Ref& item, PutDone done) const {
  if (mapped_ || item.mapped_) {
    return Status::invalid_argument("set on a mapped path");
  }
  if (Status s = check(*core_, path_); !s) return s;
  if (Status s = check(*core_, item.path_); !s) return s;
  core_->later([self = *this, item, done] {
    self.core_->resolve(item.path_, [self, done](const Snapshot& s) {
      if (!s.soul) {
        self.core_->call(
            done, PutResult{Status::not_found("no node at the item's path"),
                            false, ""});
        return;
      }
      std::vector<std::string> path = self.path_;
      path.push_back(*s.soul);
      const Status status = start_put(PutPlan{self.core_,
                                              std::move(path),
                                              Data(Link{*s.soul}),
                                              std::nullopt,
                                              self.core_->options.put_timeout,
                                              self.signer_,
                                              done,
                                              {}});
      if (!status) self.core_->call(done, PutResult{status, false, ""});
    });
  });
  return Status::ok();
}

Status Ref::once(OnceDone done, std::size_t depth) const {
  if (mapped_) return Status::invalid_argument("once(value) on a mapped path");
  if (Status s = check(*core_, path_); !s) return s;
  core_->after_puts([core = core_, path = path_, done, depth] {
    core->resolve(path, [core, done, depth](const Snapshot& s) {
      const auto answer = [core, done](const Snapshot& out) {
        if (core->alive) core->call(done, out);
      };
      if (depth == 0 || !s.soul) {
        answer(s);
      } else {
        core->read_linked(s, depth, answer);
      }
    });
  });
  return Status::ok();
}

Status Ref::once(OnItem each, std::function<void()> done) const {
  if (!mapped_) return Status::invalid_argument("once(items) needs map()");
  if (Status s = check(*core_, path_); !s) return s;
  auto read = std::make_shared<MapRead>(
      MapRead{core_, std::move(each), std::move(done)});
  core_->after_puts([read, path = path_] {
    read->core->resolve(path, [read](const Snapshot& s) {
      if (s.soul) {
        read_items(read, *s.soul);
      } else {
        read->read_all = true;
        read->finish_if_done();
      }
    });
  });
  return Status::ok();
}

std::uint64_t Ref::on(OnItem each) const {
  if (!check(*core_, path_)) return 0;
  auto watch = std::make_shared<Watch>(*core_, path_, mapped_, std::move(each));
  watch->start();
  return core_->add_watch(std::move(watch));
}

Chain::Chain(GraphStore& store, ChainOptions options)
    : core_(std::make_shared<ChainCore>(store, nullptr, options)) {}

Chain::Chain(Mesh& mesh, ChainOptions options)
    : core_(std::make_shared<ChainCore>(mesh.store(), &mesh, options)) {}

Chain::~Chain() {
  core_->alive = false;
  core_->store.scheduler().cancel_owner(core_->owner);
  core_->remove_all_watches();
  core_->drop_waiting_reads();
}

Ref Chain::get(std::string soul) const {
  return Ref(core_, {std::move(soul)}, false, nullptr);
}

Ref Chain::user(const std::string& pub, DeltaSigner sign) const {
  return Ref(core_, {"~" + pub}, false,
             std::make_shared<const DeltaSigner>(std::move(sign)));
}

bool Chain::off(std::uint64_t id) { return core_->remove_watch(id); }

std::uint64_t Chain::callback_exceptions() const {
  return core_->callback_exceptions;
}

}  // namespace gunpp
