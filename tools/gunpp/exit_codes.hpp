// Exit statuses of the gunpp command-line program.
#ifndef GUNPP_TOOLS_GUNPP_EXIT_CODES_HPP_
#define GUNPP_TOOLS_GUNPP_EXIT_CODES_HPP_

namespace gunpp::cli {

constexpr int kExitOk = 0;
// The command could not do its work (a port in use, a bad peer URL).
constexpr int kExitFailure = 1;
// Wrong arguments, or input that is not what the command reads.
constexpr int kExitUsage = 2;

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_EXIT_CODES_HPP_
