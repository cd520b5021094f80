#include "wire_input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <utility>

namespace gunpp::cli {

namespace {

// Reads are made this many bytes at a time, at least.
constexpr std::size_t kBlock = std::size_t{1} << 20;

// Everything left in `in`, read a block at a time, or nullopt when reading
// fails.
std::optional<InputText> read_rest(std::istream& in) {
  std::string text;
  try {
    std::streamsize got = 0;
    do {
      text.resize(text.size() + kBlock);
      got = in.rdbuf()->sgetn(text.data() + text.size() - kBlock, kBlock);
      text.resize(text.size() - kBlock + static_cast<std::size_t>(got));
    } while (got > 0);
  } catch (const std::ios_base::failure&) {
    return std::nullopt;  // libstdc++ throws on a read error (EISDIR, EIO)
  }
  return InputText(std::move(text));
}

// Maps `fd` from `offset` to its end when it is a regular file with
// something there; nullopt otherwise. The file is mapped over a reservation
// one page longer than its last page, which stays mapped to zeros: the
// padding that the decoder may read past the text's end, even when the
// file fills its last page.
std::optional<InputText> map_file(int fd, off_t offset) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= offset) {
    return std::nullopt;
  }
  const auto bytes = static_cast<std::size_t>(st.st_size);
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t size = (bytes + page - 1) / page * page + page;
  void* reserved =
      mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (reserved == MAP_FAILED) return std::nullopt;
  void* mapped = mmap(reserved, bytes, PROT_READ,
                      MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0);
  if (mapped == MAP_FAILED) {
    munmap(reserved, size);
    return std::nullopt;
  }
  return InputText(static_cast<const char*>(mapped), size,
                   static_cast<std::size_t>(offset), bytes);
}

// A huge page on x86-64: the unit a read buffer is aligned to and grown by.
constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Grows the read buffer at `data` (nullptr: none yet) of `size` bytes to
// `grown` bytes, both multiples of kHugePage; returns it, or nullptr when
// there is no memory (`data` is then left as it was). The buffer always
// starts on a huge page's boundary and is advised for huge pages, so its
// first touches fault in 2 MiB at a time, and growing it moves its pages
// whole (mremap) instead of copying them or splitting them into 4 KiB ones.
char* grow_buffer(char* data, std::size_t size, std::size_t grown) {
  void* const map = mmap(nullptr, grown + kHugePage, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) return nullptr;
  const auto at = reinterpret_cast<std::uintptr_t>(map);
  const std::uintptr_t begin = (at + kHugePage - 1) & ~(kHugePage - 1);
  if (begin > at) munmap(map, begin - at);
  munmap(reinterpret_cast<void*>(begin + grown), at + kHugePage - begin);
  void* to = reinterpret_cast<void*>(begin);
  madvise(to, grown, MADV_HUGEPAGE);
  if (data == nullptr) return static_cast<char*>(to);
  if (mremap(data, size, grown, MREMAP_MAYMOVE | MREMAP_FIXED, to) ==
      MAP_FAILED) {
    munmap(to, grown);
    return nullptr;
  }
  return static_cast<char*>(to);
}

// A buffer that read(2) fills, on 2 MiB pages (grow_buffer). Its last
// kFramePadding bytes are never read into, so any text in it is followed by
// the padding the decoder may read.
class ReadBuffer {
 public:
  ReadBuffer() = default;
  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;
  ~ReadBuffer() {
    if (data_ != nullptr) munmap(data_, capacity_);
  }

  std::string_view text() const { return {data_, size_}; }

  // Reads what `fd` has into the room left, growing the buffer first when
  // it is full: the bytes read, 0 at the end of the input, or -1 with errno
  // set when reading fails or no memory is left.
  ssize_t read_from(int fd) {
    if (capacity_ - size_ < kFramePadding + 1) {
      const std::size_t grown = std::max(kHugePage, 2 * capacity_);
      char* const moved = grow_buffer(data_, capacity_, grown);
      if (moved == nullptr) {
        errno = ENOMEM;
        return -1;
      }
      data_ = moved;
      capacity_ = grown;
    }
    for (;;) {
      const ssize_t got =
          read(fd, data_ + size_, capacity_ - kFramePadding - size_);
      if (got < 0 && errno == EINTR) continue;
      if (got > 0) size_ += static_cast<std::size_t>(got);
      return got;
    }
  }

  // Drops the first `n` bytes of the text, moving the rest to the front.
  void drop_front(std::size_t n) {
    std::memmove(data_, data_ + n, size_ - n);
    size_ -= n;
  }

  // The text, handed over with the mapping that holds it.
  InputText release() && {
    const std::size_t capacity = std::exchange(capacity_, 0);
    return InputText(std::exchange(data_, nullptr), capacity, 0,
                     std::exchange(size_, 0));
  }

 private:
  char* data_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

// All of `fd` (a pipe, a terminal) with read(2), straight into a buffer
// that doubles as it fills, or nullopt when reading fails.
std::optional<InputText> read_all(int fd) {
  // A pipe's 64 KiB buffer would make the writer and this process take
  // turns every 64 KiB; 1 MiB (the default limit for a user) makes them
  // 16 times fewer. Not a pipe, or not allowed: nothing changes.
  fcntl(fd, F_SETPIPE_SZ, static_cast<int>(kBlock));
  ReadBuffer buffer;
  ssize_t got = 0;
  while ((got = buffer.read_from(fd)) > 0) {
  }
  if (got < 0) return std::nullopt;
  return std::move(buffer).release();
}

}  // namespace

InputText::InputText(std::string text)
    : read_(std::move(text)), end_(read_.size()) {
  read_.append(kFramePadding, ' ');
}

InputText::InputText(const char* mapped, std::size_t size, std::size_t offset,
                     std::size_t end)
    : mapped_(mapped), size_(size), offset_(offset), end_(end) {}

InputText::InputText(InputText&& other) noexcept
    : read_(std::move(other.read_)),
      mapped_(std::exchange(other.mapped_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      offset_(std::exchange(other.offset_, 0)),
      end_(std::exchange(other.end_, 0)) {}

InputText::~InputText() {
  if (mapped_ != nullptr) munmap(const_cast<char*>(mapped_), size_);
}

StreamInput::StreamInput(StreamInput&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      owned_(std::exchange(other.owned_, false)) {}

StreamInput::~StreamInput() {
  if (owned_) close(fd_);
}

std::optional<WireInput> open_wire_input(const std::string& file,
                                         std::istream& in) {
  if (file == "-" && &in != &std::cin) {
    std::optional<InputText> text = read_rest(in);
    if (!text) return std::nullopt;
    return WireInput(std::move(*text));
  }
  const bool named = file != "-";
  const int fd =
      named ? open(file.c_str(), O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
  if (fd < 0) return std::nullopt;
  StreamInput stream(fd, named);
  struct stat st {};
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) return std::nullopt;
  if (S_ISREG(st.st_mode)) {
    // Standard input from where its offset stands; a named file whole.
    const off_t offset = named ? 0 : lseek(fd, 0, SEEK_CUR);
    if (offset >= 0) {
      if (std::optional<InputText> mapped = map_file(fd, offset)) {
        return WireInput(std::move(*mapped));
      }
    }
    std::optional<InputText> text = read_all(fd);
    if (!text) return std::nullopt;
    return WireInput(std::move(*text));
  }
  return WireInput(std::move(stream));
}

std::optional<InputText> read_input(const std::string& file, std::istream& in) {
  std::optional<WireInput> input = open_wire_input(file, in);
  if (!input) return std::nullopt;
  if (auto* text = std::get_if<InputText>(&*input)) return std::move(*text);
  return read_all(std::get<StreamInput>(*input).fd());
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
Status feed(WireProtocol& protocol, PaddedFrame frame, const std::string& where,
            std::vector<Status>& errors) {
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

// Feeds line `number` of a text of lines, pumps `scheduler` until idle, then
// calls `after_line`.
Status feed_line(WireProtocol& protocol, Scheduler& scheduler, PaddedFrame line,
                 std::size_t number, std::vector<Status>& errors,
                 const std::function<void()>& after_line) {
  Status s = feed(protocol, line, "line " + std::to_string(number), errors);
  if (!s) return s;
  scheduler.run_until_idle();
  if (after_line) after_line();
  return Status::ok();
}

}  // namespace

WireProtocolOptions local_input_options() {
  WireProtocolOptions options;
  options.limits.max_frame_bytes = std::size_t{256} << 20;
  return options;
}

Status feed_input(WireProtocol& protocol, Scheduler& scheduler,
                  const InputText& text, std::vector<Status>& errors,
                  const std::function<void()>& after_line) {
  // Each line is padded too: the rest of the text, then the text's padding,
  // follows it.
  const std::string_view input = text.view();
  const std::vector<std::string_view> lines = split_lines(input);
  if (lines.empty()) return Status::invalid_argument("the input is empty");
  if (lines.size() == 1 ||
      input.find_first_not_of(" \t\r\n") == input.find('[')) {
    return feed(protocol, text.frame(), "input", errors);
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Status s = feed_line(protocol, scheduler, PaddedFrame{lines[i]}, i + 1,
                         errors, after_line);
    if (!s) return s;
  }
  return Status::ok();
}

Status feed_input(WireProtocol& protocol, Scheduler& scheduler,
                  const StreamInput& input, std::vector<Status>& errors,
                  const std::function<void()>& after_line,
                  std::size_t max_frame_bytes) {
  fcntl(input.fd(), F_SETPIPE_SZ, static_cast<int>(kBlock));
  ReadBuffer buffer;
  std::size_t line_start = 0;  // of the line being read
  std::size_t scanned = 0;     // no line break between line_start and here
  std::size_t lines = 0;       // non-blank lines seen, the held one included
  std::size_t held_begin = 0;  // the first line, while it is held
  std::size_t held_end = 0;
  // Whether the input is one JSON value (an array), fed whole at the end;
  // known at its first character that is not white space.
  enum class Shape { kUnknown, kWhole, kLines } shape = Shape::kUnknown;
  const auto line_at = [&](std::size_t begin, std::size_t end,
                           std::size_t number) {
    return feed_line(protocol, scheduler,
                     PaddedFrame{buffer.text().substr(begin, end - begin)},
                     number, errors, after_line);
  };
  const auto too_big = [&](const std::string& where) {
    return Status::invalid_argument(where + ": frame is larger than " +
                                    std::to_string(max_frame_bytes) + " bytes");
  };
  for (;;) {
    const ssize_t got = buffer.read_from(input.fd());
    if (got < 0) {
      return Status::invalid_argument(std::string("input: cannot be read (") +
                                      std::strerror(errno) + ")");
    }
    const bool at_end = got == 0;
    const std::string_view text = buffer.text();
    if (shape == Shape::kUnknown) {
      const std::size_t first = text.find_first_not_of(" \t\r\n");
      if (first != std::string_view::npos) {
        shape = text[first] == '[' ? Shape::kWhole : Shape::kLines;
      }
    }
    if (shape == Shape::kWhole) {
      if (text.size() > max_frame_bytes) return too_big("input");
      if (at_end) {
        return feed(protocol, PaddedFrame{text}, "input", errors);
      }
      continue;
    }
    for (;;) {
      const std::size_t brk = text.find('\n', scanned);
      if (brk == std::string_view::npos &&
          !(at_end && line_start < text.size())) {
        scanned = text.size();
        break;
      }
      const std::size_t end = brk == std::string_view::npos ? text.size() : brk;
      const std::string_view line = text.substr(line_start, end - line_start);
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
        ++lines;
        if (lines == 1) {
          held_begin = line_start;
          held_end = end;
        } else {
          if (lines == 2) {
            if (Status s = line_at(held_begin, held_end, 1); !s) return s;
          }
          if (Status s = line_at(line_start, end, lines); !s) return s;
        }
      }
      line_start = scanned = end == text.size() ? end : end + 1;
    }
    if (at_end) break;
    if (text.size() - line_start > max_frame_bytes) {
      return too_big("line " + std::to_string(lines + 1));
    }
    if (lines >= 2 && line_start > 0) {
      // Fed lines are done with; the one being read moves to the front.
      buffer.drop_front(line_start);
      scanned -= line_start;
      line_start = 0;
    }
  }
  if (lines == 0) return Status::invalid_argument("the input is empty");
  // One line: the whole text is one frame, as a file's would be.
  if (lines == 1) {
    return feed(protocol, PaddedFrame{buffer.text()}, "input", errors);
  }
  return Status::ok();
}

}  // namespace gunpp::cli
