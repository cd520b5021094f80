#include "agent.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "agent_session.hpp"
#include "exit_codes.hpp"
#include "peer_process.hpp"
#include "sea_flag.hpp"

namespace gunpp::cli {

CLI::App& add_agent_command(CLI::App& app, AgentArgs& args) {
  CLI::App& agent = *app.add_subcommand(
      "agent", "a GUN client driven by JSON lines on stdin/stdout");
  agent.add_option("--peer", args.peers, "a relay to dial (repeatable)")
      ->type_name("URL")
      ->required();
  agent.add_option("--ca", args.ca, "trust these PEM roots for wss:// peers")
      ->type_name("FILE")
      ->check(CLI::ExistingFile);
  add_no_sea_flag(agent, args.no_sea);
  agent.footer(
      "Commands, one JSON object per line: put, get, graph, on, peers, exit "
      "(docs/network.md).");
  return agent;
}

int run_agent(const AgentArgs& args, std::ostream& err) {
  PeerProcess peer(err, args.ca, nullptr, !args.no_sea);
  if (!peer.dial(args.peers)) return kExitFailure;
  AgentSession session(peer.mesh, args.peers, [](std::string line) {
    std::cout << line << '\n' << std::flush;
  });
  std::cout << R"({"event":"ready"})" << '\n' << std::flush;

  boost::asio::posix::stream_descriptor input(peer.loop.io(),
                                              ::dup(STDIN_FILENO));
  boost::asio::streambuf buffer;
  std::function<void()> read_line = [&] {
    boost::asio::async_read_until(
        input, buffer, '\n',
        [&](const boost::system::error_code& ec, std::size_t length) {
          if (ec) {  // the end of input, or an error: stop
            peer.loop.stop();
            return;
          }
          std::string line(boost::asio::buffers_begin(buffer.data()),
                           boost::asio::buffers_begin(buffer.data()) +
                               static_cast<std::ptrdiff_t>(length));
          buffer.consume(length);
          if (line.find_first_not_of(" \t\r\n") != std::string::npos) {
            session.handle(line);
          }
          if (session.exiting()) {
            peer.loop.stop();
          } else {
            read_line();
          }
        });
  };
  read_line();
  peer.loop.run();
  peer.client.close();
  return kExitOk;
}

}  // namespace gunpp::cli
