// The gunpp command-line program: one subcommand per file in this folder.
//
//   gunpp apply [--now MS] [FILE]
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "apply.hpp"
#include "exit_codes.hpp"

namespace {

constexpr char kUsage[] = R"(Usage:
  gunpp apply [--now MS] [FILE]   apply GUN wire messages, print the graph
  gunpp --help                    this text
  gunpp apply --help              details of apply)";

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();  // the chosen subcommand's, if any
    return gunpp::cli::kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << "gunpp: " << one_line(e.what()) << " (see gunpp --help)\n";
    return gunpp::cli::kExitUsage;
  }
  if (apply.parsed()) {
    return gunpp::cli::run_apply(apply_args, std::cin, std::cout, std::cerr);
  }
  return gunpp::cli::kExitUsage;
}
