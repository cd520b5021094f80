// `gunpp sea`: SEA keys, users, signed puts and certificates from the
// command line, as GUN.js's SEA makes them.
#ifndef GUNPP_TOOLS_GUNPP_SEA_HPP_
#define GUNPP_TOOLS_GUNPP_SEA_HPP_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace gunpp::cli {

struct SeaArgs {
  std::string action;            // pair, user, put or certify
  std::string pair_file;         // the signing pair (SEA.pair() JSON)
  std::optional<double> now;     // the state to stamp; else the real clock
  std::string alias, password;   // user
  std::string soul, fields;      // put: the node and its fields' JSON
  std::string cert_file;         // put: the owner's certificate
  std::string policy;            // certify: the write policy's JSON
  std::vector<std::string> who;  // certify: the certificants
  double expiry = 0;             // certify: ms since the epoch; 0 never
};

// Declares `sea` and its actions on `app`; parsing fills `args`.
CLI::App& add_sea_command(CLI::App& app, SeaArgs& args);

// pair: prints a new pair. user: prints the put message user.create would
// send for the pair. put: prints a put message writing `fields` (a JSON
// object of GUN values) into `soul`, signed. certify: prints a certificate.
// Returns 0; 1 with one line on `err` when a file cannot be read; 2 with
// one line when an argument is malformed.
int run_sea(const SeaArgs& args, std::ostream& out, std::ostream& err);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_SEA_HPP_
