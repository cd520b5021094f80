// What the commands that read GUN wire messages from a file share (apply,
// import): their input, read whole or line by line as it arrives, and
// feeding it to a protocol.
#ifndef GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_
#define GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_

#include <functional>
#include <gunpp/wire.hpp>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gunpp::cli {

// The text of a command's input, always followed by kFramePadding readable
// bytes, so that the decoder parses it where it lies (frame()). A regular
// file is mapped read-only, at the size it has when opened, with a page of
// zeros mapped after it: no copy, and no fresh memory to fault in (reading
// 39 MB into a string costs about 30 times as long). A file truncated by
// another process while mapped is outside that contract (the process may
// be killed by SIGBUS, as with any mapped file). Standard input redirected
// from a file (`< file`) is mapped the same way, from its offset. Anything
// else (a pipe, an empty or special file) is read to its end with read(2)
// into fresh memory on 2 MiB pages, doubled as it fills.
class InputText {
 public:
  explicit InputText(std::string text);
  // Takes a mapping of `size` bytes (munmap'd when this is destroyed) whose
  // text runs from `offset` to `end`; `size` is at least end + kFramePadding.
  InputText(const char* mapped, std::size_t size, std::size_t offset,
            std::size_t end);
  InputText(InputText&& other) noexcept;
  InputText& operator=(InputText&&) = delete;
  ~InputText();

  std::string_view view() const {
    if (mapped_ != nullptr) {
      return std::string_view(mapped_ + offset_, end_ - offset_);
    }
    return std::string_view(read_).substr(0, end_);
  }
  // The text, with the promise that kFramePadding bytes after it are
  // readable for as long as this object lives.
  PaddedFrame frame() const { return PaddedFrame{view()}; }

 private:
  std::string read_;
  const char* mapped_ = nullptr;
  std::size_t size_ = 0;  // of the mapping
  std::size_t offset_ = 0;
  std::size_t end_ = 0;
};

// The whole of `file` ("-": all of `in`), or nullopt when it cannot be
// opened.
std::optional<InputText> read_input(const std::string& file, std::istream& in);

// A pipe, a terminal or a socket, whose lines are fed as they arrive. Closes
// the descriptor when it owns it (a FILE opened by name), not standard
// input.
class StreamInput {
 public:
  StreamInput(int fd, bool owned) : fd_(fd), owned_(owned) {}
  StreamInput(StreamInput&& other) noexcept;
  StreamInput& operator=(StreamInput&&) = delete;
  ~StreamInput();

  int fd() const { return fd_; }

 private:
  int fd_;
  bool owned_;
};

// A command's input that is fed line by line (apply): a regular file
// (also behind `< FILE`) or another stream (a test's) as a whole text, a
// pipe or a terminal as a stream.
using WireInput = std::variant<InputText, StreamInput>;

// `file` ("-": `in`, which is read as standard input's descriptor when it is
// std::cin), or nullopt when it cannot be opened or is a directory.
std::optional<WireInput> open_wire_input(const std::string& file,
                                         std::istream& in);

// The protocol options for local input (a file or a pipe, read whole):
// frames up to 256 MiB, above the 64 MiB a peer may send (WireLimits).
WireProtocolOptions local_input_options();

// Feeds `input` to `protocol`: one JSON value (a message or an array of
// them, decoded once), else one message per non-blank line, pumping
// `scheduler` until idle after each line and then calling `after_line`.
// Appends one entry per message to `errors` (OK or why the store refused
// it). InvalidArgument, naming the line, when a frame is not JSON or not
// messages; decoding happens before anything is applied, so a whole-text
// frame that fails changes nothing.
Status feed_input(WireProtocol& protocol, Scheduler& scheduler,
                  const InputText& input, std::vector<Status>& errors,
                  const std::function<void()>& after_line = {});

// The same for a stream, read as it arrives: each line is fed once its
// line break has come (the first once a second line shows that it is not
// the only one) or the input has ended, so memory holds the longest line,
// not the input, and a bad line stops the command before the rest is read. An
// input whose first character is `[`, or that holds one line, is read to its
// end and fed whole, as a file is. InvalidArgument, naming the line, when a
// line (or a whole-text frame) grows past `max_frame_bytes` or reading fails.
Status feed_input(
    WireProtocol& protocol, Scheduler& scheduler, const StreamInput& input,
    std::vector<Status>& errors, const std::function<void()>& after_line = {},
    std::size_t max_frame_bytes = local_input_options().limits.max_frame_bytes);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_
