#include "session.hpp"

namespace gunpp::net {

void log_line(const NetOptions& options, const std::string& line) {
  if (options.log) options.log(line);
}

}  // namespace gunpp::net
