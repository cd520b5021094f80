#include "apply.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <gunpp/wire.hpp>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "database.hpp"
#include "exit_codes.hpp"
#include "sea_flag.hpp"
#include "wire_input.hpp"

namespace gunpp::cli {

namespace {

constexpr char kDescription[] =
    R"(Reads GUN wire messages from FILE, or from standard input when FILE is
absent or "-": either one JSON array of messages, or one JSON message per
line (from a pipe, each line is applied as it arrives, and a bad line ends
the command before the rest is read). Applies them in order to a fresh
in-memory store, with the machine
time fixed at MS milliseconds since the epoch when --now is given (else the
real clock), pumps until idle, and prints ONE JSON object on standard output:

  {"graph":    the store as canonical graph JSON (souls and keys sorted),
   "errors":   [one entry per message: null, or the reason its put was refused],
   "deferred": [{"soul":...,"key":...,"state":...} for every field whose
                state is still in the future]}

With --db DB the store is kept in the SQLite file DB: what it held before is
merged with the input, and the output is the whole stored graph.

Exit status: 0 when the input was read (refused messages are data, in
"errors"); 1, with a one-line error on standard error naming the file, when
DB cannot be opened or written; 2, with a one-line error, when the input is
not JSON, not messages, or the arguments are wrong.)";

void write_result(const GraphStore& store, const std::vector<Status>& errors,
                  std::ostream& out) {
  // Streamed: the graph goes out in pieces of about kFlushBytes (or of
  // kDrainFields fields, when larger), never whole in a string.
  constexpr std::size_t kFlushBytes = 64 * 1024;
  std::string text;
  JsonWriter json(text);
  json.begin_object().key("graph");
  write_canonical_graph(json, store, [&] {
    if (text.size() < kFlushBytes) return;
    out << text;
    text.clear();
  });
  json.key("errors").begin_array();
  for (const Status& status : errors) {
    if (status.is_ok()) {
      json.null();
    } else {
      json.string(status.message());
    }
  }
  json.end_array().key("deferred").begin_array();
  std::vector<std::tuple<std::string, std::string, State>> deferred;
  store.for_each_deferred(
      [&deferred](std::string_view soul, std::string_view key, const Value&,
                  State state) { deferred.emplace_back(soul, key, state); });
  std::sort(deferred.begin(), deferred.end());
  for (const auto& [soul, key, state] : deferred) {
    json.begin_object().key("soul").string(soul).key("key").string(key);
    json.key("state").number(state).end_object();
  }
  json.end_array().end_object();
  out << text << '\n';
}

}  // namespace

CLI::App& add_apply_command(CLI::App& app, ApplyArgs& args) {
  CLI::App& apply = *app.add_subcommand(
      "apply", "apply GUN wire messages to a fresh store, print the graph");
  apply.footer(kDescription);
  apply
      .add_option_function<double>(
          "--now", [&args](double ms) { args.now = ms; },
          "fix the machine time at MS milliseconds since the epoch")
      ->type_name("MS")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            const double ms = std::strtod(text.c_str(), nullptr);
            return std::isfinite(ms) ? "" : "not a finite number: " + text;
          },
          "finite"));
  apply
      .add_option("--db", args.db,
                  "keep the graph in this SQLite file (created if absent); "
                  "the output is then the whole stored graph")
      ->type_name("DB");
  apply.add_option("FILE", args.file, "messages to read; - is standard input");
  add_no_sea_flag(apply, args.no_sea);
  return apply;
}

int run_apply(const ApplyArgs& args, std::istream& in, std::ostream& out,
              std::ostream& err) {
  const std::optional<WireInput> input = open_wire_input(args.file, in);
  if (!input) {
    err << "gunpp: cannot open '" << args.file << "'\n";
    return kExitUsage;
  }
  ManualClock manual(args.now.value_or(0));
  Clock& clock = args.now ? static_cast<Clock&>(manual)
                          : static_cast<Clock&>(SystemClock::instance());
  Scheduler scheduler(clock);
  // An array frame queues up to max_messages_per_frame puts at once.
  StoreOptions options;
  options.max_pending_jobs = WireLimits().max_messages_per_frame;
  sea::SeaVerifier sea;
  options.verifier = verifier_for(args.no_sea, sea);
  Database db;
  if (!args.db.empty()) {
    if (!(db = open_database(args.db, err))) return kExitFailure;
    options.storage = db.storage.get();
  }
  GraphStore store(scheduler, options);
  WireProtocol protocol(store, local_input_options());

  std::vector<Status> errors;
  const Status fed = std::visit(
      [&](const auto& source) {
        return feed_input(protocol, scheduler, source, errors);
      },
      *input);
  if (!fed) {
    err << "gunpp: " << fed.message() << '\n';
    return kExitUsage;
  }
  scheduler.run_until_idle();
  if (Status s = store.flush(); !s) {
    err << "gunpp: " << s.message() << '\n';
    return kExitFailure;
  }
  write_result(store, errors, out);
  return kExitOk;
}

}  // namespace gunpp::cli
