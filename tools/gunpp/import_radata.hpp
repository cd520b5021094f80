// `gunpp import --radata DIR`: a GUN.js relay's RAD folder into a database.
#ifndef GUNPP_TOOLS_GUNPP_IMPORT_RADATA_HPP_
#define GUNPP_TOOLS_GUNPP_IMPORT_RADATA_HPP_

#include <iosfwd>

#include "import.hpp"

namespace gunpp::cli {

// Reads every file of *args.radata first (nothing is written when one is
// damaged, unless args.skip_bad), then merges the fields into args.db
// through HAM, a soul's fields together, SEA checked unless args.no_sea (a
// soul whose fields SEA refuses is not imported, and counted). Prints a
// progress line on `err` when `err_is_terminal`, and a summary. Returns 0
// when every field was taken; 1 when a file is damaged, the folder is not
// a RAD folder, the database fails, or fields were refused.
int run_radata_import(const ImportArgs& args, std::ostream& err,
                      bool err_is_terminal);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_IMPORT_RADATA_HPP_
