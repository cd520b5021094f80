// `gunpp export`: a stored graph out, as canonical graph JSON.
#ifndef GUNPP_TOOLS_GUNPP_EXPORT_HPP_
#define GUNPP_TOOLS_GUNPP_EXPORT_HPP_

#include <iosfwd>
#include <optional>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace gunpp::cli {

struct ExportArgs {
  std::string db;                   // the SQLite file to read
  std::optional<std::string> soul;  // only this node
  // Write a GUN.js RAD folder here instead of JSON to standard output.
  std::optional<std::string> radata;
};

// Declares the `export` subcommand and its options on `app`; parsing fills
// `args`.
CLI::App& add_export_command(CLI::App& app, ExportArgs& args);

// Writes the graph stored in args.db to `out` as one JSON object, node by
// node (one node in memory at a time): souls in code-point order, each node
// as the canonical encoder writes it ("_" first, keys in UTF-16 order).
// Returns 0; 1 with one line on `err` naming the file when it cannot be
// opened or read (output already written is then incomplete JSON).
int run_export(const ExportArgs& args, std::ostream& out, std::ostream& err);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_EXPORT_HPP_
