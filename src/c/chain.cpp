// The C ABI's chain: paths (in a user's space too), nested puts, sets, and
// reads that follow links, their values as JSON.
#include "c_api.hpp"
#include "gunpp/chain/json.hpp"
#include "gunpp/sea/signing.hpp"

namespace gunpp::c {
namespace {

// The path on `peer`, which must be usable.
Result<Ref> ref_of(const gunpp_peer* peer, const gunpp_path* path) {
  if (Status s = check_peer(peer); !s) return s;
  if (path == nullptr || path->count == 0 || path->keys == nullptr) {
    return Status::invalid_argument("the path is empty");
  }
  std::vector<std::string> keys;
  keys.reserve(path->count);
  for (std::size_t i = 0; i < path->count; ++i) {
    auto key =
        required(path->keys[i], "key " + std::to_string(i) + " of the path");
    if (!key) return key.status();
    keys.emplace_back(*key);
  }
  Ref ref = peer->chain.get(keys[0]);
  if (path->user != nullptr) {
    auto pair = key_pair(*path->user);
    if (!pair) return pair.status();
    if (keys[0] != "~" + pair->pub) {
      return Status::invalid_argument(
          "with a user, the path starts at the user's soul \"~" + pair->pub +
          "\"");
    }
    ref = peer->chain.user(pair->pub, [pair = *pair](const Graph& delta) {
      return sea::sign_delta(pair, delta);
    });
  }
  for (std::size_t i = 1; i < keys.size(); ++i) ref = ref.get(keys[i]);
  return ref;
}

Result<Data> data_of(gunpp_str json) {
  auto text = view(json, "the data");
  if (!text) return text.status();
  return data_from_json(*text);
}

std::optional<std::chrono::milliseconds> timeout_of(std::uint32_t ms) {
  if (ms == 0) return std::nullopt;
  return std::chrono::milliseconds(ms);
}

PutDone put_done(gunpp_chain_put_fn done, void* user) {
  if (done == nullptr) return {};
  return [done, user](const PutResult& r) {
    const gunpp_chain_result result{static_cast<int32_t>(r.error.code()),
                                    c_str(r.error.message()), r.acked ? 1 : 0,
                                    c_str(r.soul)};
    done(user, &result);
  };
}

void say(gunpp_snapshot_fn each, void* user, std::string_view key,
         const Snapshot& snapshot) {
  std::string text;
  JsonWriter json(text);
  write_snapshot(json, snapshot);
  each(user, c_str(key), snapshot.found ? 1 : 0, c_str(text));
}

}  // namespace
}  // namespace gunpp::c

extern "C" {

int gunpp_chain_put(gunpp_peer* peer, const gunpp_path* path,
                    gunpp_str data_json, uint32_t timeout_ms,
                    gunpp_chain_put_fn done, void* user) {
  return guarded([&] {
    auto ref = gunpp::c::ref_of(peer, path);
    if (!ref) return fail(ref.status());
    auto data = gunpp::c::data_of(data_json);
    if (!data) return fail(data.status());
    if (Status s = ref->put(std::move(*data), gunpp::c::put_done(done, user),
                            gunpp::c::timeout_of(timeout_ms));
        !s) {
      return fail(s);
    }
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_chain_set(gunpp_peer* peer, const gunpp_path* path,
                    gunpp_str object_json, uint32_t timeout_ms,
                    gunpp_chain_put_fn done, void* user, gunpp_buf* soul) {
  return guarded([&] {
    auto ref = gunpp::c::ref_of(peer, path);
    if (!ref) return fail(ref.status());
    auto data = gunpp::c::data_of(object_json);
    if (!data) return fail(data.status());
    auto made = ref->set(std::move(*data), gunpp::c::put_done(done, user),
                         gunpp::c::timeout_of(timeout_ms));
    if (!made) return fail(made.status());
    if (soul != nullptr) {
      if (Status s = gunpp::c::copy_out(*made, soul); !s) return fail(s);
    }
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_chain_once(gunpp_peer* peer, const gunpp_path* path, uint32_t depth,
                     gunpp_snapshot_fn done, void* user) {
  return guarded([&] {
    if (done == nullptr) return fail(Status::invalid_argument("done is NULL"));
    auto ref = gunpp::c::ref_of(peer, path);
    if (!ref) return fail(ref.status());
    std::string key = ref->path().back();
    if (Status s = ref->once(
            [done, user, key](const gunpp::Snapshot& snapshot) {
              gunpp::c::say(done, user, key, snapshot);
            },
            depth);
        !s) {
      return fail(s);
    }
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_chain_map_once(gunpp_peer* peer, const gunpp_path* path,
                         gunpp_snapshot_fn each, gunpp_done_fn done,
                         void* user) {
  return guarded([&] {
    if (each == nullptr || done == nullptr) {
      return fail(Status::invalid_argument("each or done is NULL"));
    }
    auto ref = gunpp::c::ref_of(peer, path);
    if (!ref) return fail(ref.status());
    if (Status s = ref->map().once(
            [each, user](const gunpp::Item& item) {
              gunpp::c::say(each, user, item.key, item.snapshot);
            },
            [done, user] { done(user); });
        !s) {
      return fail(s);
    }
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_chain_on(gunpp_peer* peer, const gunpp_path* path, int32_t mapped,
                   gunpp_snapshot_fn each, void* user, uint64_t* id) {
  return guarded([&] {
    if (each == nullptr || id == nullptr) {
      return fail(Status::invalid_argument("each or id is NULL"));
    }
    auto ref = gunpp::c::ref_of(peer, path);
    if (!ref) return fail(ref.status());
    gunpp::Ref at = mapped != 0 ? ref->map() : *ref;
    *id = at.on([each, user](const gunpp::Item& item) {
      gunpp::c::say(each, user, item.key, item.snapshot);
    });
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_chain_off(gunpp_peer* peer, uint64_t id) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (!peer->chain.off(id)) {
      return fail(
          Status::not_found("no chain subscription " + std::to_string(id)));
    }
    return static_cast<int>(GUNPP_OK);
  });
}

}  // extern "C"
