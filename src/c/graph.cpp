// The C ABI's graph: puts with explicit states and local writes, reads of
// nodes, fields and chunks, and subscriptions.
#include "c_api.hpp"
#include "gunpp/key_range.hpp"
#include "gunpp/wire/graph_json.hpp"
#include "gunpp/wire/json_writer.hpp"

namespace gunpp::c {
namespace {

// The fields of a put or write as (key, value) pairs and their states.
struct Fields {
  std::vector<std::pair<std::string, Value>> values;
  std::vector<State> states;
};

Result<Fields> fields_of(const gunpp_field* fields, std::size_t count) {
  if (fields == nullptr && count != 0) {
    return Status::invalid_argument("fields is NULL with a count");
  }
  Fields out;
  out.values.reserve(count);
  out.states.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto where = "field " + std::to_string(i);
    auto key = view(fields[i].key, where + "'s key");
    if (!key) return key.status();
    auto value = value_of(fields[i].value);
    if (!value) {
      return Status::invalid_argument(where + ": " + value.status().message());
    }
    out.values.emplace_back(std::string(*key), std::move(*value));
    out.states.push_back(fields[i].state);
  }
  return out;
}

PutCallback put_callback(gunpp_put_fn done, void* user) {
  if (done == nullptr) return {};
  return [done, user](const Status& status, const PutSummary& summary) {
    const gunpp_put_result result{static_cast<int32_t>(status.code()),
                                  c_str(status.message()), summary.applied,
                                  summary.ignored, summary.deferred};
    done(user, &result);
  };
}

// No peer acks are awaited by gunpp_put: `merged` says when it is here.
// The mesh still sends the put to peers that connect within this window.
constexpr auto kResendWindow = std::chrono::seconds(9);

// gunpp_put, and with `stamp` gunpp_write: every field at one fresh state.
int put_fields(gunpp_peer* peer, gunpp_str soul, const gunpp_field* fields,
               std::size_t count, bool stamp, gunpp_put_fn done, void* user) {
  return guarded([&] {
    if (Status s = check_peer(peer); !s) return fail(s);
    auto name = required(soul, "the soul");
    if (!name) return fail(name.status());
    auto parsed = fields_of(fields, count);
    if (!parsed) return fail(parsed.status());
    const State state = stamp ? peer->store.next_state() : 0;
    Graph delta;
    delta.reserve(*name, count);
    for (std::size_t i = 0; i < count; ++i) {
      auto& [key, value] = parsed->values[i];
      if (stamp && key.empty()) {
        return fail(Status::invalid_argument("field " + std::to_string(i) +
                                             ": empty key"));
      }
      delta.add(*name, std::move(key), std::move(value),
                stamp ? state : parsed->states[i]);
    }
    if (Status s = peer->mesh.put(std::move(delta), {}, kResendWindow,
                                  put_callback(done, user));
        !s) {
      return fail(s);
    }
    return static_cast<int>(GUNPP_OK);
  });
}

}  // namespace
}  // namespace gunpp::c

extern "C" {

int gunpp_put(gunpp_peer* peer, gunpp_str soul, const gunpp_field* fields,
              size_t count, gunpp_put_fn done, void* user) {
  return gunpp::c::put_fields(peer, soul, fields, count, false, done, user);
}

int gunpp_write(gunpp_peer* peer, gunpp_str soul, const gunpp_field* fields,
                size_t count, gunpp_put_fn done, void* user) {
  return gunpp::c::put_fields(peer, soul, fields, count, true, done, user);
}

int gunpp_get(gunpp_peer* peer, gunpp_str soul, gunpp_node** out) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (out == nullptr) return fail(Status::invalid_argument("out is NULL"));
    *out = nullptr;
    auto name = gunpp::c::required(soul, "the soul");
    if (!name) return fail(name.status());
    const gunpp::Node* node = peer->store.get(*name);
    if (node == nullptr) {
      return fail(Status::not_found("no node " + std::string(*name)));
    }
    *out = gunpp::c::owned_node(*name, gunpp::c::borrowed_fields(*node));
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_get_field(gunpp_peer* peer, gunpp_str soul, gunpp_str key,
                    gunpp_node** out) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (out == nullptr) return fail(Status::invalid_argument("out is NULL"));
    *out = nullptr;
    auto name = gunpp::c::required(soul, "the soul");
    if (!name) return fail(name.status());
    auto field = gunpp::c::view(key, "the key");
    if (!field) return fail(field.status());
    const std::optional<gunpp::Entry> entry = peer->store.get(*name, *field);
    if (!entry) {
      return fail(Status::not_found("no field " + std::string(*field) + " in " +
                                    std::string(*name)));
    }
    const gunpp_field one{gunpp::c::c_str(*field),
                          gunpp::c::c_value(entry->value), entry->state};
    *out = gunpp::c::owned_node(*name, {one});
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_get_json(gunpp_peer* peer, gunpp_str soul, int32_t form,
                   gunpp_buf* out) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (out == nullptr) return fail(Status::invalid_argument("out is NULL"));
    if (form != GUNPP_JSON_PLAIN && form != GUNPP_JSON_GUN) {
      return fail(Status::invalid_argument("unknown JSON form " +
                                           std::to_string(form)));
    }
    auto name = gunpp::c::required(soul, "the soul");
    if (!name) return fail(name.status());
    const gunpp::Node* node = peer->store.get(*name);
    if (node == nullptr) {
      return fail(Status::not_found("no node " + std::string(*name)));
    }
    std::string text;
    gunpp::JsonWriter json(text);
    if (form == GUNPP_JSON_GUN) {
      std::vector<std::size_t> slots(node->size());
      for (std::size_t i = 0; i < slots.size(); ++i) slots[i] = i;
      gunpp::write_node(json, *name, *node, slots);
    } else {
      json.begin_object();
      for (std::size_t slot = 0; slot < node->size(); ++slot) {
        json.key(node->key(slot)).value(node->value(slot));
      }
      json.end_object();
    }
    if (Status s = gunpp::c::copy_out(text, out); !s) return fail(s);
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_read(gunpp_peer* peer, gunpp_str soul, const gunpp_lex* range,
               size_t byte_budget, size_t keys_per_chunk, gunpp_chunk_fn each,
               void* user) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (each == nullptr) return fail(Status::invalid_argument("each is NULL"));
    auto name = gunpp::c::required(soul, "the soul");
    if (!name) return fail(name.status());
    gunpp::ChunkCallback on_chunk = [each, user](const gunpp::Chunk& chunk) {
      const std::vector<gunpp_field> fields =
          gunpp::c::borrowed_fields(chunk.node, chunk.slots);
      const gunpp_node view{gunpp::c::c_str(chunk.soul), fields.data(),
                            fields.size()};
      each(user, &view, chunk.last ? 1 : 0);
    };
    Status s;
    if (range == nullptr) {
      s = peer->store.read(*name, std::move(on_chunk), keys_per_chunk);
    } else {
      gunpp::KeyRange keys;
      const auto bound = [](gunpp_str b) -> std::optional<std::string> {
        if (b.data == nullptr) return std::nullopt;
        return std::string(b.data, b.size);
      };
      keys.exact = bound(range->exact);
      keys.prefix = bound(range->prefix).value_or("");
      keys.from = bound(range->from);
      keys.to = bound(range->to);
      s = peer->store.read(*name, keys, byte_budget, std::move(on_chunk),
                           keys_per_chunk);
    }
    return s ? static_cast<int>(GUNPP_OK) : fail(s);
  });
}

int gunpp_subscribe(gunpp_peer* peer, gunpp_str soul, gunpp_change_fn each,
                    void* user, uint64_t* id) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (each == nullptr || id == nullptr) {
      return fail(Status::invalid_argument("each or id is NULL"));
    }
    auto name = gunpp::c::view(soul, "the soul");
    if (!name) return fail(name.status());
    gunpp::ChangeCallback on_change = [each,
                                       user](const gunpp::Change& change) {
      const gunpp_change c{gunpp::c::c_str(change.soul),
                           gunpp::c::c_str(change.key),
                           gunpp::c::c_value(change.value), change.state};
      each(user, &c);
    };
    if (soul.data == nullptr) {
      *id = peer->store.subscribe_all(std::move(on_change));
    } else if (name->empty()) {
      return fail(Status::invalid_argument("the soul is empty"));
    } else {
      *id = peer->mesh.subscribe(std::string(*name), std::move(on_change));
    }
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_unsubscribe(gunpp_peer* peer, uint64_t id) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (!peer->mesh.unsubscribe(id)) {
      return fail(Status::not_found("no subscription " + std::to_string(id)));
    }
    return static_cast<int>(GUNPP_OK);
  });
}

}  // extern "C"
