#include "wire_input.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace gunpp::cli {

namespace {

// Everything left in `in`.
std::string read_rest(std::istream& in) {
  return std::string{std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>()};
}

}  // namespace

std::optional<std::string> read_input(const std::string& file,
                                      std::istream& in) {
  if (file == "-") return read_rest(in);
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return std::nullopt;
  // A regular file is read at its size in one piece, so a large one is
  // copied once rather than through a growing buffer; anything else (a
  // pipe) and whatever a growing file gained meanwhile, to its end.
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  std::string text;
  if (!error) {
    text.resize(static_cast<std::size_t>(size));
    stream.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(stream.gcount()));
    if (!stream) stream.clear();
  }
  text += read_rest(stream);
  return text;
}

namespace {

// The non-blank lines of `text`.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      lines.push_back(line);
    }
    start = end + 1;
  }
  return lines;
}

// Feeds one frame and appends one entry per message to `errors`; an error
// when the frame is not messages.
Status feed(WireProtocol& protocol, std::string_view frame,
            const std::string& where, std::vector<Status>& errors) {
  const Received received = protocol.receive(frame, [](const std::string&) {});
  if (!received.frame.is_ok()) {
    return Status::invalid_argument(where + ": " + received.frame.message());
  }
  if (received.skipped > 0) {
    return Status::invalid_argument(where + ": " +
                                    std::to_string(received.skipped) +
                                    " array elements are not message objects");
  }
  errors.insert(errors.end(), received.messages.begin(),
                received.messages.end());
  return Status::ok();
}

}  // namespace

Status feed_input(WireProtocol& protocol, Scheduler& scheduler,
                  std::string_view input, std::vector<Status>& errors,
                  const std::function<void()>& after_line) {
  const std::vector<std::string_view> lines = split_lines(input);
  if (lines.empty()) return Status::invalid_argument("the input is empty");
  if (lines.size() == 1 ||
      input.find_first_not_of(" \t\r\n") == input.find('[')) {
    return feed(protocol, input, "input", errors);
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Status s =
        feed(protocol, lines[i], "line " + std::to_string(i + 1), errors);
    if (!s) return s;
    scheduler.run_until_idle();
    if (after_line) after_line();
  }
  return Status::ok();
}

std::unique_ptr<SqliteStorage> open_database(const std::string& path,
                                             std::ostream& err) {
  std::unique_ptr<SqliteStorage> db;
  if (Status s = SqliteStorage::open(path, {}, &db); !s) {
    err << "gunpp: " << s.message() << '\n';
  }
  return db;
}

}  // namespace gunpp::cli
