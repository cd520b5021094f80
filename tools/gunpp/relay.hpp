// `gunpp relay`: a GUN relay that GUN.js browsers and servers connect to.
#ifndef GUNPP_TOOLS_GUNPP_RELAY_HPP_
#define GUNPP_TOOLS_GUNPP_RELAY_HPP_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace gunpp::cli {

struct RelayArgs {
  std::string host = "0.0.0.0";    // as `npx gun`
  std::uint16_t port = 8765;       // as `npx gun`; 0 picks a free port
  std::vector<std::string> peers;  // relays to dial (a relay chain)
  std::string web;                 // a folder served over plain HTTP
  std::string cert;                // with key: serve wss:// (PEM files)
  std::string key;
  // Where the graph is kept: a SQLite file, or a PostgreSQL URI that other
  // relays share (a cluster); "" memory only.
  std::string db;
  bool no_sea = false;              // accept writes SEA would refuse
  std::size_t max_connections = 0;  // 0: no limit
};

CLI::App& add_relay_command(CLI::App& app, RelayArgs& args);

// Serves until SIGINT or SIGTERM, then drains: stops accepting, commits
// and acks what it holds, sends what is queued (for at most a second),
// closes its connections and returns 0. Also answers GET /health and
// GET /metrics (docs/network.md).
// Prints "gunpp relay listening on ws://HOST:PORT/gun" on `err` once it
// accepts connections, and one line per connect, disconnect and error.
// Returns 1, with one line on `err`, when it cannot listen, a peer URL is
// unusable, or the database cannot be opened. With a database, puts are
// acked after their commit, and a storage error is sent as "err". With a
// PostgreSQL database, the other relays' commits reach this one's
// subscribers (docs/scaling.md); returns 1 if it ever misses some.
int run_relay(const RelayArgs& args, std::ostream& err);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_RELAY_HPP_
