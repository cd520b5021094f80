// What `gunpp relay` and `gunpp agent` share: a store, a mesh and a loop on
// the real clock, logging to standard error, and the CLI's door to
// Boost.Asio (signals and standard input).
#ifndef GUNPP_TOOLS_GUNPP_PEER_PROCESS_HPP_
#define GUNPP_TOOLS_GUNPP_PEER_PROCESS_HPP_

#include <boost/asio.hpp>
#include <gunpp/net.hpp>
#include <gunpp/sea/verifier.hpp>
#include <gunpp/storage.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace gunpp::cli {

struct PeerProcess {
  // `ca_file`: PEM roots trusted for wss://, else the system's. `storage`
  // (not owned; it must outlive this): where the store keeps its graph, or
  // nullptr for memory only.
  // `verify_sea`: the store checks SEA (gunpp/sea/verifier.hpp).
  // `read_barrier`: the mesh's (MeshOptions::read_barrier), or none.
  explicit PeerProcess(
      std::ostream& err, const std::string& ca_file = {},
      Storage* storage = nullptr, bool verify_sea = true,
      std::function<void(std::function<void()>)> read_barrier = {});

  // Dials every URL; false, with a line on the log, when one is unusable.
  bool dial(const std::vector<std::string>& urls);

  std::ostream* err;
  ClientOptions client_options;
  Scheduler scheduler;
  sea::SeaVerifier sea;
  GraphStore store;
  Mesh mesh;
  NetLoop loop;
  WebSocketClient client;
};

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_PEER_PROCESS_HPP_
