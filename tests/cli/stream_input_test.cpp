// A pipe's lines fed as they arrive (feed_input of a StreamInput): the same
// graph and errors as the same text from a file, wherever the reads split
// it, with memory bounded by a line and nothing read past a bad line.
//
// The stream is a SEQPACKET socket pair: each read returns exactly one of
// the pieces a writer thread sends, so the test chooses where reads split.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <gunpp/wire.hpp>
#include <string>
#include <thread>
#include <vector>

#include "wire_input.hpp"

namespace gunpp::cli {
namespace {

const std::string kPut =
    R"({"#":"m1","put":{"a":{"_":{"#":"a",">":{"x":1000}},"x":1}}})";
const std::string kBad =
    R"({"#":"m2","put":{"a":{"_":{"#":"a",">":{"y":1000}},"y":[1]}}})";
const std::string kMore =
    R"({"#":"m3","put":{"b":{"_":{"#":"b",">":{"z":1000}},"z":"zz"}}})";

// What feeding an input did: its status, one entry per message, the graph.
struct Fed {
  std::string status;
  std::vector<std::string> errors;
  std::string graph;

  friend bool operator==(const Fed&, const Fed&) = default;
};

// A store and a protocol to feed, with the machine time fixed.
struct Target {
  ManualClock clock{4000};
  Scheduler scheduler{clock};
  GraphStore store{scheduler};
  WireProtocol protocol{store, local_input_options()};
  std::vector<Status> errors;

  Fed result(const Status& status) const {
    Fed fed{status.is_ok() ? "ok" : status.message(), {}, encode_graph(store)};
    for (const Status& s : errors) {
      fed.errors.push_back(s.is_ok() ? "ok" : s.message());
    }
    return fed;
  }
};

// The stream's two ends; the reading one as a StreamInput it keeps.
class Pieces {
 public:
  explicit Pieces(std::vector<std::string> pieces) {
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds_) == 0);
    writer_ = std::thread([this, pieces = std::move(pieces)] {
      for (const std::string& piece : pieces) {
        if (send(fds_[1], piece.data(), piece.size(), MSG_NOSIGNAL) < 0) break;
      }
      shutdown(fds_[1], SHUT_WR);
    });
  }
  Pieces(const Pieces&) = delete;
  Pieces& operator=(const Pieces&) = delete;
  ~Pieces() {
    shutdown(fds_[0], SHUT_RDWR);  // a writer still sending stops
    if (writer_.joinable()) writer_.join();
    close(fds_[0]);
    close(fds_[1]);
  }

  StreamInput input() const { return StreamInput(fds_[0], false); }
  // Waits until the writer has sent every piece.
  void wait_for_writer() { writer_.join(); }
  // Whether a piece is still waiting to be read.
  bool unread() const {
    char c;
    return recv(fds_[0], &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
  }

 private:
  int fds_[2] = {-1, -1};
  std::thread writer_;
};

Fed feed_pieces(const std::vector<std::string>& pieces,
                std::size_t max_frame_bytes = std::size_t{1} << 20) {
  Target target;
  Pieces stream(pieces);
  const Status status =
      feed_input(target.protocol, target.scheduler, stream.input(),
                 target.errors, {}, max_frame_bytes);
  return target.result(status);
}

Fed feed_text(const std::string& text) {
  Target target;
  const Status status = feed_input(target.protocol, target.scheduler,
                                   InputText(text), target.errors);
  return target.result(status);
}

TEST_CASE(
    "a stream is fed as the same text from a file, wherever reads split it",
    "[cli]") {
  for (const std::string& text :
       {kPut + "\n\n" + kBad + "\n" + kMore + "\n",
        "\n  \n" + kPut + "\r\n" + kBad + "\r\n \t\n" + kMore,
        "[" + kPut + ",\n" + kBad + "]\n", kPut + "\n\n \n", "  " + kBad}) {
    INFO(text);
    const Fed expected = feed_text(text);
    CHECK(feed_pieces({text}) == expected);
    for (std::size_t at = 1; at < text.size(); ++at) {
      INFO(at);
      REQUIRE(feed_pieces({text.substr(0, at), text.substr(at)}) == expected);
    }
    std::vector<std::string> bytes;
    for (const char c : text) bytes.emplace_back(1, c);
    CHECK(feed_pieces(bytes) == expected);
  }
  // What they are: three messages, the second refused, or one frame.
  const Fed lines = feed_text(kPut + "\n" + kBad + "\n" + kMore + "\n");
  CHECK(lines.status == "ok");
  CHECK(lines.errors.size() == 3);
  CHECK(lines.errors[1] != "ok");
  CHECK(lines.graph.find("\"zz\"") != std::string::npos);
}

TEST_CASE("a stream's lines are applied as they arrive", "[cli]") {
  Target target;
  Pieces stream({kPut + "\n", kMore + "\n", kBad + "\n", kBad + "\n"});
  stream.wait_for_writer();
  std::vector<bool> unread_after_line;
  std::vector<bool> a_applied;
  const Status status = feed_input(
      target.protocol, target.scheduler, stream.input(), target.errors, [&] {
        unread_after_line.push_back(stream.unread());
        a_applied.push_back(target.store.get("a", "x").has_value());
      });
  CHECK(status.is_ok());
  // The first line waits for the second, then each is applied in turn,
  // before the pieces after it are read.
  CHECK(unread_after_line == std::vector<bool>{true, true, true, false});
  CHECK(a_applied == std::vector<bool>{true, true, true, true});
  CHECK(target.errors.size() == 4);
}

TEST_CASE("a stream is read no further than a bad line", "[cli]") {
  Target target;
  Pieces stream({kPut + "\n", "{oops\n", kMore + "\n", kMore + "\n"});
  stream.wait_for_writer();
  const Status status = feed_input(target.protocol, target.scheduler,
                                   stream.input(), target.errors);
  CHECK(status.message() == "line 2: frame is not valid JSON");
  CHECK(stream.unread());
  CHECK(target.errors.size() == 1);  // line 1 was applied, no more
  CHECK(target.store.get("a", "x").has_value());
  CHECK_FALSE(target.store.get("b", "z").has_value());
}

TEST_CASE(
    "a stream's line or whole text past the frame limit is refused unread",
    "[cli]") {
  const std::string x(150, 'x');
  {
    Target target;
    Pieces stream({kPut + "\n", x, x, kMore + "\n", kMore + "\n"});
    stream.wait_for_writer();
    const Status status = feed_input(target.protocol, target.scheduler,
                                     stream.input(), target.errors, {}, 200);
    CHECK(status.message() == "line 2: frame is larger than 200 bytes");
    CHECK(stream.unread());
    CHECK(target.errors.empty());  // line 1 was held, never fed
  }
  CHECK(feed_pieces({x, x, "\n"}, 200).status ==
        "line 1: frame is larger than 200 bytes");
  CHECK(feed_pieces({"[" + x, x + "]"}, 200).status ==
        "input: frame is larger than 200 bytes");
  // At the limit, a line is fed.
  const std::string at_limit = kPut + std::string(200 - kPut.size(), ' ');
  CHECK(feed_pieces({at_limit + "\n", kMore}, 200).errors.size() == 2);
}

TEST_CASE("a stream that is one line, or none, is one frame, or an error",
          "[cli]") {
  CHECK(feed_pieces({"{oops", "\n", " \n"}).status ==
        "input: frame is not valid JSON");
  CHECK(feed_pieces({"{oops\n", "{oops\n"}).status ==
        "line 1: frame is not valid JSON");
  for (const std::vector<std::string>& pieces :
       {std::vector<std::string>{}, {" ", "\n\t\r\n"}}) {
    CHECK(feed_pieces(pieces).status == "the input is empty");
  }
  CHECK(feed_pieces({"[1]"}).status ==
        "input: 1 array elements are not message objects");
}

}  // namespace
}  // namespace gunpp::cli
