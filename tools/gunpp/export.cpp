#include "export.hpp"

#include <CLI/CLI.hpp>
#include <gunpp/rad.hpp>
#include <gunpp/wire/graph_json.hpp>
#include <iostream>
#include <memory>
#include <vector>

#include "database.hpp"
#include "exit_codes.hpp"
#include "wire_input.hpp"

namespace gunpp::cli {

CLI::App& add_export_command(CLI::App& app, ExportArgs& args) {
  CLI::App& command = *app.add_subcommand(
      "export", "print a stored graph as canonical graph JSON");
  command.footer(
      R"(Reads the SQLite file DB (as written by apply --db or relay --db) and
prints its graph as one JSON object, node by node, so a graph larger than
memory streams through: souls in code-point order, each node with "_"
first and its keys in JavaScript's UTF-16 order. Parked fields (from the
future) are not part of the graph.

With --radata DIR, writes the graph as a RAD folder a GUN.js relay reads
(`npx gun` with its file option at DIR; docs/migration.md) and prints a
summary, with the fields RAD cannot hold.

Exit status: 0; 1 with a one-line error naming the file when DB cannot be
opened or read, or DIR cannot be written.)");
  command.add_option("--db", args.db, "the SQLite file to read")
      ->type_name("DB")
      ->required();
  command
      .add_option_function<std::string>(
          "--soul", [&args](const std::string& soul) { args.soul = soul; },
          "print only this node")
      ->type_name("SOUL");
  command
      .add_option_function<std::string>(
          "--radata", [&args](const std::string& dir) { args.radata = dir; },
          "write a GUN.js RAD folder instead (DIR must not exist or be empty)")
      ->type_name("DIR");
  return command;
}

namespace {

int export_radata(Storage& storage, const std::string& dir, std::ostream& err) {
  std::vector<rad::Field> fields;
  Status s =
      storage.for_each_node([&fields](std::string_view soul, const Node& node) {
        for (std::size_t slot = 0; slot < node.size(); ++slot) {
          fields.push_back({std::string(soul), node.key(slot), node.value(slot),
                            node.state(slot)});
        }
      });
  rad::WriteReport report;
  if (s) s = rad::write_folder(dir, std::move(fields), {}, report);
  if (!s) {
    err << "gunpp: " << s.message() << '\n';
    return kExitFailure;
  }
  err << "gunpp: wrote " << report.fields << " fields in " << report.files
      << " files to " << dir;
  for (const auto& [why, n] : report.skipped) {
    err << "; " << n << " not written: " << why;
  }
  err << '\n';
  return kExitOk;
}

}  // namespace

int run_export(const ExportArgs& args, std::ostream& out, std::ostream& err) {
  const Database db = open_database(args.db, err);
  if (!db) return kExitFailure;
  if (args.radata) return export_radata(*db.storage, *args.radata, err);
  std::string text;
  JsonWriter json(text);
  json.begin_object();
  const auto drain = [&] {
    out << text;
    text.clear();
  };
  auto write = [&](std::string_view soul, const Node& node) {
    json.key(soul);
    write_canonical_node(json, soul, node, drain);
    drain();
  };
  Status s;
  if (args.soul) {
    Node node;
    s = db.storage->load_node(*args.soul, node);
    if (s && !node.empty()) write(*args.soul, node);
  } else {
    s = db.storage->for_each_node(write);
  }
  if (!s) {
    out.flush();
    err << "gunpp: " << s.message() << '\n';
    return kExitFailure;
  }
  json.end_object();
  out << text << '\n';
  return kExitOk;
}

}  // namespace gunpp::cli
