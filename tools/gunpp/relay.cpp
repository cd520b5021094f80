#include "relay.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <sstream>

#include "cluster.hpp"
#include "database.hpp"
#include "exit_codes.hpp"
#include "peer_process.hpp"
#include "sea_flag.hpp"
#include "wire_input.hpp"

namespace gunpp::cli {

namespace {

// The longest a drain waits for queued frames to go out.
constexpr std::chrono::milliseconds kDrainWait(1000);

// The Prometheus text exposition of one relay.
std::string metrics_text(const PeerProcess& peer, const WebSocketServer& server,
                         const PostgresStorage* postgres,
                         const ClusterFollower* cluster) {
  std::ostringstream out;
  auto metric = [&](const char* name, const char* type, const char* help,
                    auto value) {
    out << "# HELP gunpp_" << name << ' ' << help << "\n# TYPE gunpp_" << name
        << ' ' << type << "\ngunpp_" << name << ' ' << value << '\n';
  };
  const MeshStats& mesh = peer.mesh.stats();
  const Stats& store = peer.store.stats();
  metric("connections", "gauge", "WebSocket connections open.",
         server.connections());
  metric("frames_in_total", "counter", "Frames received.", mesh.frames_in);
  metric("messages_in_total", "counter", "Messages received.",
         mesh.messages_in);
  metric("frames_out_total", "counter", "Frames sent.", mesh.frames_out);
  metric("puts_acked_total", "counter", "Puts answered ok.", mesh.puts_acked);
  metric("puts_refused_total", "counter", "Puts answered with an error.",
         mesh.puts_refused);
  metric("queue_bytes", "gauge", "Bytes queued unsent to peers.",
         mesh.unsent_bytes);
  metric("fields_applied_total", "counter", "Fields HAM converged.",
         store.applied);
  metric("commits_total", "counter", "Storage commits.", store.commits);
  metric("storage_up", "gauge", "1 while storage answers.",
         peer.store.storage_status().is_ok() ? 1 : 0);
  if (postgres != nullptr) {
    const CommitStats& c = postgres->commit_stats();
    metric("commit_seconds_total", "counter", "Time spent in commits.",
           c.total_ms / 1000);
    metric("commit_last_seconds", "gauge", "The last commit's latency.",
           c.last_ms / 1000);
    metric("commit_failures_total", "counter", "Commits that failed.",
           c.failures);
  }
  if (cluster != nullptr && cluster->feed() != nullptr) {
    const ChangeFeedStats& f = cluster->feed()->stats();
    metric("cluster_changes_total", "counter",
           "Changes of other relays merged.", f.changes);
    metric("cluster_last_seq", "gauge", "The newest change-log sequence seen.",
           f.last_seq);
    metric("cluster_lag_seconds", "gauge",
           "From the newest change's commit to its arrival here.",
           f.lag_seconds);
    metric("cluster_reconnects_total", "counter",
           "Reconnection attempts of the change feed.", f.reconnects);
    metric("cluster_feed_up", "gauge", "1 while the change feed is connected.",
           cluster->feed()->connected() ? 1 : 0);
  }
  return out.str();
}

}  // namespace

CLI::App& add_relay_command(CLI::App& app, RelayArgs& args) {
  CLI::App& relay = *app.add_subcommand(
      "relay", "a GUN relay: WebSocket peers at ws://HOST:PORT/gun");
  relay.add_option("--host", args.host, "address to listen on")
      ->capture_default_str();
  relay.add_option("--port", args.port, "port to listen on (0: any free one)")
      ->capture_default_str();
  relay.add_option("--peer", args.peers, "another relay to join (repeatable)")
      ->type_name("URL");
  relay.add_option("--web", args.web, "serve this folder's files over HTTP")
      ->type_name("DIR")
      ->check(CLI::ExistingDirectory);
  auto* cert = relay
                   .add_option("--cert", args.cert,
                               "PEM certificate chain: serve wss:// (TLS)")
                   ->type_name("FILE");
  auto* key = relay.add_option("--key", args.key, "PEM private key for --cert")
                  ->type_name("FILE");
  cert->needs(key);
  key->needs(cert);
  relay
      .add_option("--db", args.db,
                  "keep the graph in this SQLite file (created if absent), or "
                  "in the PostgreSQL database at this postgresql:// URI, "
                  "shared with other relays; puts are acked once committed")
      ->type_name("DB");
  relay
      .add_option("--max-connections", args.max_connections,
                  "answer WebSocket upgrades beyond this many with 503 "
                  "(0: no limit)")
      ->capture_default_str();
  add_no_sea_flag(relay, args.no_sea);
  return relay;
}

int run_relay(const RelayArgs& args, std::ostream& err) {
  Database db;
  if (!args.db.empty() && !(db = open_database(args.db, err))) {
    return kExitFailure;
  }
  // In a cluster, a get is answered once the changes other relays
  // committed before it are merged (docs/scaling.md).
  std::function<void(std::function<void()>)> barrier;
  std::function<void(std::function<void()>)> read_barrier;
  if (db.postgres != nullptr) {
    read_barrier = [&barrier](std::function<void()> proceed) {
      barrier(std::move(proceed));
    };
  }
  PeerProcess peer(err, {}, db.storage.get(), !args.no_sea, read_barrier);
  int exit_code = kExitOk;
  std::optional<ClusterFollower> cluster;
  if (db.postgres != nullptr) {
    cluster.emplace(peer, *db.postgres);
    barrier = [&cluster](std::function<void()> proceed) {
      cluster->barrier(std::move(proceed));
    };
    if (!cluster->start(args.db, [&] {
          exit_code = kExitFailure;
          peer.loop.stop();
        })) {
      return kExitFailure;
    }
  }
  ServerOptions server_options;
  server_options.log = peer.client_options.log;
  server_options.web_root = args.web;
  server_options.tls_cert_file = args.cert;
  server_options.tls_key_file = args.key;
  server_options.max_connections = args.max_connections;
  server_options.health = [&] {
    return cluster ? cluster->health() : peer.store.storage_status();
  };
  WebSocketServer* server_ptr = nullptr;
  server_options.metrics = [&] {
    return metrics_text(peer, *server_ptr, db.postgres,
                        cluster ? &*cluster : nullptr);
  };
  WebSocketServer server(peer.loop, peer.mesh, server_options);
  server_ptr = &server;
  const auto port = server.listen(args.host, args.port);
  if (!port) {
    err << "gunpp: " << port.status().message() << '\n';
    return kExitFailure;
  }
  if (!peer.dial(args.peers)) return kExitFailure;
  err << "gunpp relay listening on " << (args.cert.empty() ? "ws" : "wss")
      << "://" << args.host << ':' << *port << "/gun" << std::endl;
  // Draining: once nothing is left unsent, or after kDrainWait, close.
  std::chrono::steady_clock::time_point drain_until;
  std::function<void()> finish_drain = [&] {
    if (peer.mesh.stats().unsent_bytes == 0 ||
        std::chrono::steady_clock::now() >= drain_until) {
      server.close();
      peer.client.close();
      peer.loop.stop();
      return;
    }
    peer.scheduler.add_timer_after(std::chrono::milliseconds(10), finish_drain);
  };
  boost::asio::signal_set signals(peer.loop.io(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    err << "gunpp: signal " << signal << ", draining" << std::endl;
    server.stop_accepting();
    // Commits, and acks what that completes (a failed commit is sent as
    // err).
    static_cast<void>(peer.store.flush());
    drain_until = std::chrono::steady_clock::now() + kDrainWait;
    // Acks go out from the turns after the commit: let those run first.
    peer.scheduler.add_timer_after(std::chrono::milliseconds(20), finish_drain);
  });
  peer.loop.run();
  return exit_code;
}

}  // namespace gunpp::cli
