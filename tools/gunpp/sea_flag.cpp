#include "sea_flag.hpp"

#include <CLI/CLI.hpp>

namespace gunpp::cli {

void add_no_sea_flag(CLI::App& command, bool& no_sea) {
  command.add_flag("--no-sea", no_sea,
                   "accept any write anywhere: no SEA signature, alias or "
                   "content-hash checks (a plain graph)");
}

}  // namespace gunpp::cli
