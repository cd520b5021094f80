#include "agent.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <functional>
#include <iostream>
#include <memory>

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
      "(docs/network.md).\n"
      "End of input, \"exit\" or a first SIGINT/SIGTERM stops reading, not "
      "the work: every pending command still gets its answer (ack, reply or "
      "its own timeout), then \"exit\" is answered last and the agent "
      "exits; subscriptions do not keep it running. A second signal ends it "
      "at once.\n"
      "Exit status: 0 when every command succeeded (ok, and every put "
      "acked without err), 1 otherwise or when a peer URL is unusable, 2 "
      "for bad arguments.");
  return agent;
}

namespace {

// Feeds standard input's lines to `session` and runs the loop until the
// session finishes or a second signal comes: the first SIGINT or SIGTERM
// ends the input as end of file does.
void run_session(PeerProcess& peer, AgentSession& session) {
  boost::asio::posix::stream_descriptor input(peer.loop.io(),
                                              ::dup(STDIN_FILENO));
  boost::asio::signal_set signals(peer.loop.io(), SIGINT, SIGTERM);
  std::function<void()> await_signal = [&] {
    signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (session.input_ended()) {
        peer.loop.stop();
        return;
      }
      input.cancel();
      session.end_input();
      await_signal();
    });
  };
  await_signal();
  boost::asio::streambuf buffer;
  std::function<void()> read_line = [&] {
    boost::asio::async_read_until(
        input, buffer, '\n',
        [&](const boost::system::error_code& ec, std::size_t length) {
          if (ec) {  // the end of input, or an error: finish what is pending
            session.end_input();
            return;
          }
          std::string line(boost::asio::buffers_begin(buffer.data()),
                           boost::asio::buffers_begin(buffer.data()) +
                               static_cast<std::ptrdiff_t>(length));
          buffer.consume(length);
          if (line.find_first_not_of(" \t\r\n") != std::string::npos) {
            session.handle(line);
          }
          if (!session.input_ended()) read_line();
        });
  };
  read_line();
  peer.loop.run();
}

}  // namespace

int run_agent(const AgentArgs& args, std::ostream& err) {
  // Destroyed before the session: the mesh completes what is pending when
  // it goes.
  auto peer =
      std::make_unique<PeerProcess>(err, args.ca, nullptr, !args.no_sea);
  if (!peer->dial(args.peers)) return kExitFailure;
  AgentSession session(
      peer->mesh, args.peers,
      [](std::string line) { std::cout << line << '\n'
                                       << std::flush; },
      [&peer] { peer->loop.stop(); });
  std::cout << R"({"event":"ready"})" << '\n' << std::flush;
  run_session(*peer, session);
  peer->client.close();
  session.abandon();
  peer.reset();
  return session.finished() && session.all_succeeded() ? kExitOk : kExitFailure;
}

}  // namespace gunpp::cli
