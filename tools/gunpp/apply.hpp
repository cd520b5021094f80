// `gunpp apply`: GUN wire messages in, the resulting graph out.
#ifndef GUNPP_TOOLS_GUNPP_APPLY_HPP_
#define GUNPP_TOOLS_GUNPP_APPLY_HPP_

#include <iosfwd>
#include <optional>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace gunpp::cli {

struct ApplyArgs {
  std::optional<double> now;  // fixed machine time in ms; else the real clock
  std::string file = "-";     // "-" is standard input
  std::string db;             // a SQLite file to keep the store in; "" none
  bool no_sea = false;        // accept writes SEA would refuse
};

// Declares the `apply` subcommand and its options on `app`; parsing fills
// `args`.
CLI::App& add_apply_command(CLI::App& app, ApplyArgs& args);

// Reads messages from args.file (or `in` for "-"): one JSON array of
// messages, or one message per line. Applies them in order to a fresh
// in-memory store (or the store kept in args.db), pumps until idle and
// writes one JSON object to `out`:
// {"graph":...,"errors":[...],"deferred":[...]} (docs/wire.md).
// Returns 0 when the input was read (refused messages are data, in
// "errors"); 1 with one line on `err` when args.db cannot be opened or
// written; 2 with one line on `err` when the input is not JSON, not
// messages, or the file cannot be read.
int run_apply(const ApplyArgs& args, std::istream& in, std::ostream& out,
              std::ostream& err);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_APPLY_HPP_
