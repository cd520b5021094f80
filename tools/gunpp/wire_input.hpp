// What the commands that read GUN wire messages from a file share (apply,
// import), and opening their database.
#ifndef GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_
#define GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_

#include <cstdlib>
#include <functional>
#include <gunpp/wire.hpp>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gunpp::cli {

// The text of a command's input. A regular file is mapped read-only, at
// the size it has when opened: no copy, and no fresh memory to fault in
// (reading 39 MB into a string costs about 30 times as long). A file
// truncated by another process while mapped is outside that contract (the
// process may be killed by SIGBUS, as with any mapped file). Standard input
// redirected from a file (`< file`) is mapped the same way, from its
// offset. Anything else (a pipe, an empty or special file) is read to its
// end with read(2), a growing block at a time.
class InputText {
 public:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  using Buffer = std::unique_ptr<char, Free>;

  explicit InputText(std::string text) : read_(std::move(text)) {}
  // Takes `size` bytes read into a malloc'd `buffer`.
  InputText(Buffer buffer, std::size_t size);
  // Takes a mapping of `size` bytes; the text starts `offset` bytes in.
  InputText(const char* mapped, std::size_t size, std::size_t offset = 0);
  InputText(InputText&& other) noexcept;
  InputText& operator=(InputText&&) = delete;
  ~InputText();

  std::string_view view() const {
    if (mapped_ != nullptr) {
      return std::string_view(mapped_ + offset_, size_ - offset_);
    }
    return buffer_ ? std::string_view(buffer_.get(), size_)
                   : std::string_view(read_);
  }

 private:
  std::string read_;
  Buffer buffer_;
  const char* mapped_ = nullptr;
  std::size_t size_ = 0;
  std::size_t offset_ = 0;
};

// The whole of `file` ("-": all of `in`), or nullopt when it cannot be
// opened.
std::optional<InputText> read_input(const std::string& file, std::istream& in);

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
                  std::string_view input, std::vector<Status>& errors,
                  const std::function<void()>& after_line = {});

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_WIRE_INPUT_HPP_
