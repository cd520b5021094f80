// `gunpp agent`: a scriptable GUN client speaking JSON lines on standard
// input and output (AgentSession).
#ifndef GUNPP_TOOLS_GUNPP_AGENT_HPP_
#define GUNPP_TOOLS_GUNPP_AGENT_HPP_

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace gunpp::cli {

struct AgentArgs {
  std::vector<std::string> peers;  // relays to dial, at least one
  std::string ca;                  // PEM roots to trust for wss://
  bool no_sea = false;             // accept writes SEA would refuse
};

CLI::App& add_agent_command(CLI::App& app, AgentArgs& args);

// Prints {"event":"ready"}, then answers one JSON command per line of
// standard input (a pipe or a terminal) on standard output, until "exit" or
// the end of input; returns 0. Returns 1 with one line on `err` when a peer
// URL is unusable.
int run_agent(const AgentArgs& args, std::ostream& err);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_AGENT_HPP_
