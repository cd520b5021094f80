#include "relay.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <gunpp/sqlite_storage.hpp>
#include <memory>

#include "exit_codes.hpp"
#include "peer_process.hpp"
#include "sea_flag.hpp"
#include "wire_input.hpp"

namespace gunpp::cli {

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
                  "keep the graph in this SQLite file (created if absent); "
                  "puts are acked once committed")
      ->type_name("DB");
  add_no_sea_flag(relay, args.no_sea);
  return relay;
}

int run_relay(const RelayArgs& args, std::ostream& err) {
  std::unique_ptr<SqliteStorage> db;
  if (!args.db.empty() && !(db = open_database(args.db, err))) {
    return kExitFailure;
  }
  PeerProcess peer(err, {}, db.get(), !args.no_sea);
  ServerOptions server_options;
  server_options.log = peer.client_options.log;
  server_options.web_root = args.web;
  server_options.tls_cert_file = args.cert;
  server_options.tls_key_file = args.key;
  WebSocketServer server(peer.loop, peer.mesh, server_options);
  const auto port = server.listen(args.host, args.port);
  if (!port) {
    err << "gunpp: " << port.status().message() << '\n';
    return kExitFailure;
  }
  if (!peer.dial(args.peers)) return kExitFailure;
  err << "gunpp relay listening on " << (args.cert.empty() ? "ws" : "wss")
      << "://" << args.host << ':' << *port << "/gun" << std::endl;
  boost::asio::signal_set signals(peer.loop.io(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    err << "gunpp: signal " << signal << ", closing connections" << std::endl;
    server.close();
    peer.client.close();
    peer.loop.stop();
  });
  peer.loop.run();
  return kExitOk;
}

}  // namespace gunpp::cli
