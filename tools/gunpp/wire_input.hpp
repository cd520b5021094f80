// What the commands that read GUN wire messages from a file share (apply,
// import), and opening their database.
#ifndef GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_
#define GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_

#include <functional>
#include <gunpp/sqlite_storage.hpp>
#include <gunpp/wire.hpp>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gunpp::cli {

// The whole of `file` ("-": all of `in`), or nullopt when it cannot be
// opened.
std::optional<std::string> read_input(const std::string& file,
                                      std::istream& in);

// Feeds `input` to `protocol`: one JSON value (a message or an array of
// them, decoded once), else one message per non-blank line, pumping
// `scheduler` until idle after each line and then calling `after_line`.
// Appends one entry per message to `errors` (OK or why the store refused
// it). InvalidArgument, naming the line, when a frame is not JSON or not
// messages; decoding happens before anything is applied, so a whole-text
// frame that fails changes nothing.
Status feed_input(WireProtocol& protocol, Scheduler& scheduler,
                  std::string_view input, std::vector<Status>& errors,
                  const std::function<void()>& after_line = {});

// Opens the database at `path`; on failure prints "gunpp: <path>: <why>" on
// `err` and returns nullptr.
std::unique_ptr<SqliteStorage> open_database(const std::string& path,
                                             std::ostream& err);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_
