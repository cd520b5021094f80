#include "wire_input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <utility>

namespace gunpp::cli {

namespace {

// Everything left in `in`, or nullopt when reading fails.
std::optional<InputText> read_rest(std::istream& in) {
  try {
    return InputText(std::string{std::istreambuf_iterator<char>(in),
                                 std::istreambuf_iterator<char>()});
  } catch (const std::ios_base::failure&) {
    return std::nullopt;  // libstdc++ throws on a read error (EISDIR, EIO)
  }
}

}  // namespace

InputText::InputText(const char* mapped, std::size_t size)
    : mapped_(mapped), size_(size) {}

InputText::InputText(InputText&& other) noexcept
    : read_(std::move(other.read_)),
      mapped_(std::exchange(other.mapped_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

InputText::~InputText() {
  if (mapped_ != nullptr) munmap(const_cast<char*>(mapped_), size_);
}

std::optional<InputText> read_input(const std::string& file, std::istream& in) {
  if (file == "-") return read_rest(in);
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  void* mapped = MAP_FAILED;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    mapped = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ,
                  MAP_PRIVATE | MAP_POPULATE, fd, 0);
  }
  close(fd);
  if (mapped != MAP_FAILED) {
    return InputText(static_cast<const char*>(mapped),
                     static_cast<std::size_t>(st.st_size));
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return std::nullopt;
  return read_rest(stream);
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

WireProtocolOptions local_input_options() {
  WireProtocolOptions options;
  options.limits.max_frame_bytes = std::size_t{256} << 20;
  return options;
}

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

}  // namespace gunpp::cli
