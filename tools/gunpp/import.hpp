// `gunpp import`: GUN wire messages, or a graph, into a database.
#ifndef GUNPP_TOOLS_GUNPP_IMPORT_HPP_
#define GUNPP_TOOLS_GUNPP_IMPORT_HPP_

#include <iosfwd>
#include <optional>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace gunpp::cli {

struct ImportArgs {
  std::string db;          // the SQLite file to write (created if absent)
  std::string file = "-";  // "-" is standard input
  bool no_sea = false;     // accept writes SEA would refuse
  // A GUN.js RAD folder to read instead of FILE (import_radata.hpp).
  std::optional<std::string> radata;
  bool skip_bad = false;  // with radata: skip files that cannot be parsed
};

// Declares the `import` subcommand and its options on `app`; parsing fills
// `args`.
CLI::App& add_import_command(CLI::App& app, ImportArgs& args);

// Reads args.file (or `in` for "-"): wire messages as `gunpp apply` reads
// them, or one graph JSON object as `gunpp export` writes it, and merges
// them into args.db through HAM, on the real clock. Ends with one summary
// line on `err`; while it runs, a progress line on `err` when
// `err_is_terminal`. Returns 0 when every message was applied; 1 when the
// database cannot be opened or written, or the store refused a message
// (one line each on `err`); 2 with one line when the input is not JSON or
// not messages, or cannot be read.
int run_import(const ImportArgs& args, std::istream& in, std::ostream& err,
               bool err_is_terminal);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_IMPORT_HPP_
