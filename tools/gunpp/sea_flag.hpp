// `--no-sea`: what every command that takes graph data in shares. SEA's
// checks are on unless it is given.
#ifndef GUNPP_TOOLS_GUNPP_SEA_FLAG_HPP_
#define GUNPP_TOOLS_GUNPP_SEA_FLAG_HPP_

#include <gunpp/sea/verifier.hpp>

namespace CLI {
class App;
}  // namespace CLI

namespace gunpp::cli {

// Declares --no-sea on `command`; parsing sets `no_sea`.
void add_no_sea_flag(CLI::App& command, bool& no_sea);

// The verifier a store gets: `sea`, or nullptr with `no_sea`.
inline PutVerifier* verifier_for(bool no_sea, sea::SeaVerifier& sea) {
  return no_sea ? nullptr : &sea;
}

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_SEA_FLAG_HPP_
