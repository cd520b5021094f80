// The C ABI's peer: opening and closing it, its network, and the pump.
#include <algorithm>
#include <cstring>

#include "c_api.hpp"
#include "gunpp/postgres/postgres_storage.hpp"
#include "gunpp/sea/signing.hpp"
#include "gunpp/sqlite_storage.hpp"

namespace gunpp::c {
namespace {

StoreOptions store_options(Storage* storage, PutVerifier* verifier,
                           const gunpp_options& options) {
  StoreOptions out;
  out.storage = storage;
  out.verifier = verifier;
  out.cache_bytes = static_cast<std::size_t>(options.cache_bytes);
  return out;
}

ClientOptions client_options(const gunpp_options& options) {
  ClientOptions out;
  if (options.ca_file != nullptr) out.ca_file = options.ca_file;
  return out;
}

ChainOptions chain_options(const gunpp_options& options) {
  ChainOptions out;
  if (options.read_wait_ms != 0) {
    out.wait = std::chrono::milliseconds(options.read_wait_ms);
  }
  if (options.read_timeout_ms != 0) {
    out.timeout = std::chrono::milliseconds(options.read_timeout_ms);
  }
  out.open = sea::open_value;
  return out;
}

// The caller's options, read as far as the caller's header knew them.
Result<gunpp_options> read_options(const gunpp_options* given) {
  gunpp_options options = GUNPP_OPTIONS_INIT;
  if (given == nullptr) return options;
  if (given->size < sizeof(gunpp_options)) {
    return Status::invalid_argument(
        "gunpp_options.size is " + std::to_string(given->size) +
        ", smaller than any version's (initialise with GUNPP_OPTIONS_INIT)");
  }
  std::memcpy(&options, given, sizeof(gunpp_options));
  options.size = sizeof(gunpp_options);
  return options;
}

// The database `target` names, as gunpp's --db: none for "", PostgreSQL
// for a libpq URI, else a SQLite file.
Result<std::unique_ptr<Storage>> open_storage(const std::string& target) {
  if (target.empty()) return std::unique_ptr<Storage>();
  if (is_postgres_uri(target)) {
    auto pg = PostgresStorage::open(target);
    if (!pg) return pg.status();
    return std::unique_ptr<Storage>(std::move(*pg));
  }
  auto sqlite = SqliteStorage::open(target);
  if (!sqlite) return sqlite.status();
  return std::unique_ptr<Storage>(std::move(*sqlite));
}

// Runs a pump function on `peer`: not from inside a callback, and closing
// the peer afterwards when a callback asked for it.
template <typename Body>
int pump(gunpp_peer* peer, Body&& body) {
  return guarded([&] {
    if (Status s = check_peer(peer); !s) return fail(s);
    if (peer->pumping) {
      return fail(Status::invalid_argument(
          "a pump function was called from inside a callback"));
    }
    peer->pumping = true;
    try {
      body();
    } catch (...) {
      peer->pumping = false;
      throw;
    }
    peer->pumping = false;
    if (peer->close_requested) gunpp_close(peer);
    return static_cast<int>(GUNPP_OK);
  });
}

}  // namespace
}  // namespace gunpp::c

gunpp_peer::gunpp_peer(std::unique_ptr<gunpp::Storage> storage_in,
                       const gunpp_options& options)
    : storage(std::move(storage_in)),
      store(scheduler, gunpp::c::store_options(
                           storage.get(),
                           options.verify_sea != 0 ? &sea : nullptr, options)),
      mesh(store),
      loop(scheduler),
      client(loop, mesh, gunpp::c::client_options(options)),
      chain(mesh, gunpp::c::chain_options(options)) {}

extern "C" {

int gunpp_open(const gunpp_options* given, gunpp_peer** out) {
  return guarded([&] {
    if (out == nullptr) return fail(Status::invalid_argument("out is NULL"));
    *out = nullptr;
    auto options = gunpp::c::read_options(given);
    if (!options) return fail(options.status());
    auto storage = gunpp::c::open_storage(
        options->db == nullptr ? std::string() : std::string(options->db));
    if (!storage) return fail(storage.status());
    auto peer = std::make_unique<gunpp_peer>(std::move(*storage), *options);
    if (const Status& s = peer->store.storage_status(); !s) return fail(s);
    *out = peer.release();
    return static_cast<int>(GUNPP_OK);
  });
}

void gunpp_close(gunpp_peer* peer) {
  if (peer == nullptr || peer->closing) return;
  if (peer->pumping) {
    peer->close_requested = true;
    return;
  }
  (void)guarded([peer] {
    // What was put before the close and needs no peer is merged (and,
    // with a db, committed by the store's destructor).
    peer->pumping = true;
    peer->scheduler.run_until_idle();
    peer->pumping = false;
    peer->closing = true;
    if (peer->server) peer->server->close();
    peer->client.close();
    delete peer;
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_connect(gunpp_peer* peer, const char* url) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (url == nullptr) return fail(Status::invalid_argument("url is NULL"));
    if (Status s = peer->client.connect(url); !s) return fail(s);
    return static_cast<int>(GUNPP_OK);
  });
}

int gunpp_listen(gunpp_peer* peer, const char* host, uint16_t port,
                 uint16_t* bound_port) {
  return guarded([&] {
    if (Status s = gunpp::c::check_peer(peer); !s) return fail(s);
    if (host == nullptr) return fail(Status::invalid_argument("host is NULL"));
    if (peer->server) {
      return fail(Status::invalid_argument("the peer listens already"));
    }
    auto server =
        std::make_unique<gunpp::WebSocketServer>(peer->loop, peer->mesh);
    auto bound = server->listen(host, port);
    if (!bound) return fail(bound.status());
    peer->server = std::move(server);
    if (bound_port != nullptr) *bound_port = *bound;
    return static_cast<int>(GUNPP_OK);
  });
}

size_t gunpp_peer_count(gunpp_peer* peer) {
  if (!gunpp::c::check_peer(peer)) return 0;
  return peer->mesh.peers().size();
}

size_t gunpp_poll(gunpp_peer* peer) {
  std::size_t ran = 0;
  (void)gunpp::c::pump(peer, [&] { ran = peer->loop.poll(); });
  return ran;
}

int gunpp_run_for(gunpp_peer* peer, uint32_t ms) {
  return gunpp::c::pump(
      peer, [&] { peer->loop.run_for(std::chrono::milliseconds(ms)); });
}

int gunpp_run_until_idle(gunpp_peer* peer) {
  return gunpp::c::pump(peer, [&] { peer->scheduler.run_until_idle(); });
}

int gunpp_next_wakeup(gunpp_peer* peer, double* in_ms) {
  if (!gunpp::c::check_peer(peer) || in_ms == nullptr) return 0;
  const std::optional<double> due = peer->scheduler.next_wakeup();
  if (!due) return 0;
  *in_ms = std::max(0.0, *due - peer->scheduler.clock().now_ms());
  return 1;
}

int gunpp_flush(gunpp_peer* peer) {
  Status flushed;
  if (int e = gunpp::c::pump(peer, [&] {
        peer->scheduler.run_until_idle();
        flushed = peer->store.flush();
      })) {
    return e;
  }
  return flushed ? static_cast<int>(GUNPP_OK) : fail(flushed);
}

}  // extern "C"
