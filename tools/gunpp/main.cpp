// The gunpp command-line program: one subcommand per file in this folder.
//
//   gunpp apply [--now MS] [--db DB] [FILE]
//   gunpp export --db DB [--soul SOUL]
//   gunpp import --db DB [FILE]
//   gunpp relay [--host ADDR] [--port N] [--peer URL]... [--db DB]
//   gunpp agent --peer URL [--peer URL]...
//   gunpp sea pair|user|put|certify ...
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "agent.hpp"
#include "apply.hpp"
#include "exit_codes.hpp"
#include "export.hpp"
#include "import.hpp"
#include "large_pages.hpp"
#include "relay.hpp"
#include "sea.hpp"

namespace {

constexpr char kUsage[] = R"(Usage:
  gunpp apply [--now MS] [--db DB] [FILE]
                                  apply GUN wire messages, print the graph
  gunpp export --db DB [--soul SOUL]
                                  print a stored graph
  gunpp import --db DB [FILE]     merge wire messages or a graph into DB
  gunpp relay [--host ADDR] [--port N] [--peer URL]... [--db DB]
                                  a GUN relay on ws://ADDR:N/gun
  gunpp agent --peer URL...       a GUN client driven by JSON lines
  gunpp sea pair|user|put|certify SEA keys, users, signed puts, certificates
  gunpp --help                    this text
  gunpp COMMAND --help            details of a command)";

// CLI11's message on one line, for "gunpp: <message>".
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("gunpp - an embeddable C++ peer for the GUN graph database",
               "gunpp");
  app.footer(kUsage);
  app.require_subcommand(1);
  gunpp::cli::ApplyArgs apply_args;
  CLI::App& apply = gunpp::cli::add_apply_command(app, apply_args);
  gunpp::cli::ExportArgs export_args;
  CLI::App& export_command = gunpp::cli::add_export_command(app, export_args);
  gunpp::cli::ImportArgs import_args;
  CLI::App& import_command = gunpp::cli::add_import_command(app, import_args);
  gunpp::cli::RelayArgs relay_args;
  CLI::App& relay = gunpp::cli::add_relay_command(app, relay_args);
  gunpp::cli::AgentArgs agent_args;
  CLI::App& agent = gunpp::cli::add_agent_command(app, agent_args);
  gunpp::cli::SeaArgs sea_args;
  CLI::App& sea = gunpp::cli::add_sea_command(app, sea_args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();  // the chosen subcommand's, if any
    return gunpp::cli::kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << "gunpp: " << one_line(e.what()) << " (see gunpp --help)\n";
    return gunpp::cli::kExitUsage;
  }
  // The batch commands take their whole input in at once.
  if (apply.parsed() || import_command.parsed()) {
    gunpp::cli::use_large_pages(argv);
  }
  // What no command reports itself (out of descriptors or memory, say)
  // still ends the program with one line and a failure status.
  try {
    if (apply.parsed()) {
      return gunpp::cli::run_apply(apply_args, std::cin, std::cout, std::cerr);
    }
    if (export_command.parsed()) {
      return gunpp::cli::run_export(export_args, std::cout, std::cerr);
    }
    if (import_command.parsed()) {
      return gunpp::cli::run_import(import_args, std::cin, std::cerr,
                                    isatty(STDERR_FILENO) != 0);
    }
    if (relay.parsed()) return gunpp::cli::run_relay(relay_args, std::cerr);
    if (agent.parsed()) return gunpp::cli::run_agent(agent_args, std::cerr);
    if (sea.parsed())
      return gunpp::cli::run_sea(sea_args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "gunpp: " << one_line(e.what()) << '\n';
    return gunpp::cli::kExitFailure;
  }
  return gunpp::cli::kExitUsage;
}
