#include "import.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <gunpp/wire.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "database.hpp"
#include "exit_codes.hpp"
#include "import_radata.hpp"
#include "sea_flag.hpp"
#include "wire_input.hpp"

namespace gunpp::cli {

namespace {

constexpr char kDescription[] =
    R"(Reads FILE, or standard input when FILE is absent or "-": GUN wire
messages as `gunpp apply` reads them (one JSON array, or one message per
line), or one graph JSON object as `gunpp export` writes it. Merges them
into the SQLite file DB (created if absent) through HAM, on the real clock:
fields from the future are kept and apply when due, as in a relay.

Prints one summary line on standard error, and a progress line while it runs
when standard error is a terminal.

With --radata DIR, reads a GUN.js relay's RAD folder instead (every file,
checked whole before anything is written; docs/migration.md) and prints
what it held: files, souls, fields, and the fields not imported and why.

Exit status: 0 when every message (every field of the folder) was applied;
1 when DB cannot be opened or written, the store refused a message (each
named on standard error), or a RAD file is damaged (one line naming it); 2
when the input is not JSON or not messages.)";

// A graph object, as `gunpp export` writes it, is not a message: none of a
// message's members, and at least one member.
bool is_graph(std::string_view input) {
  const std::size_t first = input.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || input[first] != '{') return false;
  const auto frame = decode_frame(input, local_input_options().limits);
  if (!frame || frame->messages.size() != 1) return false;
  const Message& m = frame->messages[0];
  return !m.has_put && !m.get && m.id.empty() && m.dam.empty() &&
         m.reply_to.empty() &&
         input.find_first_not_of(" \t\r\n", first + 1) !=
             input.find('}', first + 1);
}

}  // namespace

CLI::App& add_import_command(CLI::App& app, ImportArgs& args) {
  CLI::App& command = *app.add_subcommand(
      "import", "merge wire messages or a graph into a database");
  command.footer(kDescription);
  command.add_option("--db", args.db, "the SQLite file to write")
      ->type_name("DB")
      ->required();
  command.add_option("FILE", args.file,
                     "messages or a graph to read; - is standard input");
  command
      .add_option_function<std::string>(
          "--radata", [&args](const std::string& dir) { args.radata = dir; },
          "read a GUN.js RAD folder instead of FILE")
      ->type_name("DIR")
      ->excludes(command.get_option("FILE"));
  command.add_flag(
      "--skip-bad", args.skip_bad,
      "with --radata: skip (and name) files that cannot be parsed");
  add_no_sea_flag(command, args.no_sea);
  return command;
}

int run_import(const ImportArgs& args, std::istream& in, std::ostream& err,
               bool err_is_terminal) {
  if (args.radata) return run_radata_import(args, err, err_is_terminal);
  std::optional<InputText> input = read_input(args.file, in);
  if (!input) {
    err << "gunpp: cannot open '" << args.file << "'\n";
    return kExitUsage;
  }
  if (is_graph(input->view())) {
    // One message putting the whole graph, on one line (raw line breaks
    // can only be whitespace between JSON tokens).
    std::string wrapped =
        R"({"#":"gunpp-import","put":)" + std::string(input->view()) + "}";
    std::replace(wrapped.begin(), wrapped.end(), '\n', ' ');
    input.emplace(std::move(wrapped));
  }
  const Database db = open_database(args.db, err);
  if (!db) return kExitFailure;
  Scheduler scheduler(SystemClock::instance());
  StoreOptions options;
  options.storage = db.storage.get();
  options.max_pending_jobs = WireLimits().max_messages_per_frame;
  sea::SeaVerifier sea;
  options.verifier = verifier_for(args.no_sea, sea);
  GraphStore store(scheduler, options);
  WireProtocol protocol(store, local_input_options());
  auto progress = [&] {
    err << "\rimport: " << store.stats().applied << " fields applied"
        << std::flush;
  };
  std::vector<Status> errors;
  const Status fed =
      feed_input(protocol, scheduler, *input, errors,
                 err_is_terminal ? std::function<void()>(progress)
                                 : std::function<void()>());
  if (!fed) {
    err << (err_is_terminal ? "\n" : "") << "gunpp: " << fed.message() << '\n';
    return kExitUsage;
  }
  while (scheduler.poll() > 0) {
    if (err_is_terminal && store.stats().ingest_turns % 4096 == 0) progress();
  }
  const Status flushed = store.flush();
  if (err_is_terminal) err << '\n';
  std::size_t refused = 0;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (errors[i].is_ok()) continue;
    ++refused;
    err << "gunpp: message " << i + 1 << ": " << errors[i].message() << '\n';
  }
  if (!flushed) {
    err << "gunpp: " << flushed.message() << '\n';
    return kExitFailure;
  }
  err << "gunpp: imported " << errors.size() - refused << " of "
      << errors.size() << " messages into " << args.db << " ("
      << store.stats().applied << " fields applied, " << store.stats().ignored
      << " ignored, " << store.deferred_count()
      << " waiting for their state)\n";
  return refused == 0 ? kExitOk : kExitFailure;
}

}  // namespace gunpp::cli
