#include "wire_input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
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

// All of `fd` (a pipe, a terminal) with read(2), straight into a buffer
// that doubles as it fills, or nullopt when reading fails.
std::optional<InputText> read_all(int fd) {
  // A pipe's 64 KiB buffer would make the writer and this process take
  // turns every 64 KiB; 1 MiB (the default limit for a user) makes them
  // 16 times fewer. Not a pipe, or not allowed: nothing changes.
  fcntl(fd, F_SETPIPE_SZ, static_cast<int>(kBlock));
  char* data = nullptr;
  std::size_t capacity = 0;
  std::size_t size = 0;
  const auto fail = [&] {
    if (data != nullptr) munmap(data, capacity);
    return std::nullopt;
  };
  for (;;) {
    if (capacity - size < kFramePadding + 1) {
      const std::size_t grown = std::max(kHugePage, 2 * capacity);
      char* const moved = grow_buffer(data, capacity, grown);
      if (moved == nullptr) return fail();
      data = moved;
      capacity = grown;
    }
    // The last kFramePadding bytes are never read into: they are the
    // text's padding.
    const ssize_t got = read(fd, data + size, capacity - kFramePadding - size);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail();
    }
    size += static_cast<std::size_t>(got);
  }
  return InputText(data, capacity, 0, size);
}

// Standard input itself: mapped when it is a regular file (`< file`),
// from where its offset stands; else read whole with read(2).
std::optional<InputText> read_standard_input() {
  const off_t offset = lseek(STDIN_FILENO, 0, SEEK_CUR);
  if (offset >= 0) {
    if (auto mapped = map_file(STDIN_FILENO, offset)) return mapped;
  }
  return read_all(STDIN_FILENO);
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

std::optional<InputText> read_input(const std::string& file, std::istream& in) {
  if (file == "-") {
    // The process's own standard input is read from its descriptor; any
    // other stream (a test's) through its buffer.
    return &in == &std::cin ? read_standard_input() : read_rest(in);
  }
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<InputText> mapped = map_file(fd, 0);
  if (mapped) {
    close(fd);
    return mapped;
  }
  std::optional<InputText> text = read_all(fd);
  close(fd);
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
    Status s = feed(protocol, PaddedFrame{lines[i]},
                    "line " + std::to_string(i + 1), errors);
    if (!s) return s;
    scheduler.run_until_idle();
    if (after_line) after_line();
  }
  return Status::ok();
}

}  // namespace gunpp::cli
