// gunpp_relay_load: drives one GUN relay (gunpp, GUN.js or the do-nothing
// forwarder) over WebSocket on loopback and prints what it measured as one
// JSON object on stdout. bench/relay/run drives it; docs/benchmarks.md shows
// the results.
//
//   gunpp_relay_load --port PORT --pid PID --scenario S [options]
//
// Scenarios:
//   fanout  --writers W send --rate puts/s in all, each a put of one new key;
//           --subscribers S only read. Every subscriber should get every put
//           once; a writer never gets its own back.
//   all     --writers W connections that each write and read (all-to-all).
//   slow    as fanout, plus one subscriber that never reads: the relay's peak
//           memory shows whether its queue for that peer is bounded (--pad
//           makes each put larger, to fill that queue sooner; --keys K makes
//           each writer overwrite K keys, so the graph itself stays small).
//   bigput  one writer sends one put of --fields N fields; one subscriber
//           counts them as they arrive.
//   idle    --connections N connections that only connect; reports the
//           relay's resident memory per connection.
//
// Each put carries its send time (steady clock, microseconds) in its value,
// so a subscriber's receive time gives the end-to-end latency. The relay's
// CPU time comes from /proc/PID/stat over the window from the first send to
// the last delivery.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <gunpp/wire/json_writer.hpp>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// CPU time in milliseconds and resident memory in KiB of a process.
struct ProcessUsage {
  double user_ms = 0;
  double system_ms = 0;
  std::int64_t rss_kib = 0;
  std::int64_t peak_rss_kib = 0;
};

ProcessUsage usage_of(int pid) {
  ProcessUsage usage;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)),
                         std::istreambuf_iterator<char>());
  if (text.find(')') == std::string::npos) {
    throw std::runtime_error("no process " + std::to_string(pid));
  }
  // The fields after the command name, which ends at the last ')'.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  const double tick_ms = 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::string field;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) usage.user_ms = std::stod(field) * tick_ms;
    if (i == 15) usage.system_ms = std::stod(field) * tick_ms;
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0)
      usage.rss_kib = std::stoll(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) {
      usage.peak_rss_kib = std::stoll(line.substr(6));
    }
  }
  return usage;
}

struct Args {
  std::string host = "127.0.0.1";
  std::string port;
  int pid = 0;
  std::string scenario = "fanout";
  int writers = 1;
  int subscribers = 10;
  double rate = 1000;
  double seconds = 5;
  int fields = 1'000'000;
  int connections = 10'000;
  double timeout = 60;
  int pad = 0;
  int keys = 0;
};

// The value of put `sequence` from `writer`: "L<writer>_<sequence>_<us>".
// Keys, souls and ids never hold the text "L, so it marks each delivery.
constexpr std::string_view kMark = "\"L";

struct Delivery {
  int writer;
  std::int64_t sequence;
  std::int64_t sent_us;
};

// Reads the deliveries in a frame, whatever its batching and member order.
template <typename F>
void for_each_delivery(std::string_view text, F&& f) {
  for (std::size_t at = text.find(kMark); at != std::string_view::npos;
       at = text.find(kMark, at + 1)) {
    const char* p = text.data() + at + kMark.size();
    const char* end = text.data() + text.size();
    Delivery d{};
    auto r = std::from_chars(p, end, d.writer);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != '_') continue;
    r = std::from_chars(r.ptr + 1, end, d.sequence);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != '_') continue;
    r = std::from_chars(r.ptr + 1, end, d.sent_us);
    if (r.ec != std::errc()) continue;
    f(d);
  }
}

class Load;

// One WebSocket connection to the relay. `reads` false: it never reads, as
// a peer that has stopped consuming.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Load& load, asio::io_context& io, int index, bool reads)
      : load_(load), ws_(io), index_(index), reads_(reads) {}

  void start(const tcp::resolver::results_type& address,
             const std::string& host);
  void send(std::string frame);
  void close();
  int index() const { return index_; }

  // Per writer, the sequences this connection has received.
  std::vector<std::vector<bool>> seen;

 private:
  void read();
  void write_next();

  Load& load_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  int index_;
  bool reads_;
  bool writing_ = false;
};

class Load {
 public:
  explicit Load(Args args) : args_(std::move(args)) {}

  // Runs the scenario; 0 when it ran, 1 when it could not.
  int run();

  // Called by the connections.
  void on_open() {
    ++opened_;
    ++settled_;
  }
  void on_closed() { ++closed_; }
  void on_failed(const std::string& why) {
    ++settled_;
    if (failure_.empty()) failure_ = why;
  }
  void on_message(Connection& connection, std::string_view text);

 private:
  void open(int count, bool reads);
  // Runs the event loop until `done` or `timeout_s`; false at the timeout.
  bool pump_until(const std::function<bool()>& done, double timeout_s);
  // Runs the loop until the relay has used no CPU for half a second (what
  // the subscribers' gets set off is over), at most a minute.
  void settle();
  void pace_writers(std::int64_t start_us, int per_writer_total);
  // Souls and message ids are new in each run, so that what a relay kept
  // from an earlier run is never read as a delivery. Ids end in a letter:
  // GUN.js names a put's fields by its id followed by 0, 1, ... in the same
  // dedup table, so id "p1" would make it drop a later message "p10".
  std::string soul_of(int writer) const {
    return "bench/" + run_ + "/w" + std::to_string(writer);
  }
  std::string put_frame(int writer, std::int64_t sequence) const;
  std::string big_put_frame() const;

  int traffic();
  int big_put();
  int idle();

  Args args_;
  asio::io_context io_;
  tcp::resolver::results_type address_;
  std::vector<std::shared_ptr<Connection>> connections_;
  int readers_from_ = 0;  // connections_[readers_from_..] are subscribers
  std::vector<std::int64_t> sent_;
  std::int64_t delivered_ = 0;
  std::int64_t duplicated_ = 0;
  std::int64_t echoed_ = 0;
  std::int64_t fields_seen_ = 0;
  std::vector<std::int32_t> latency_us_;
  int opened_ = 0;   // handshakes done
  int settled_ = 0;  // handshakes done or failed
  int closed_ = 0;   // open connections the relay closed later
  std::string failure_;
  std::int64_t state_ = 0;
  const std::string run_ = std::to_string(now_us());
  const std::string padding_ =
      args_.pad > 0
          ? "_" + std::string(static_cast<std::size_t>(args_.pad), 'p')
          : "";
};

void Connection::start(const tcp::resolver::results_type& address,
                       const std::string& host) {
  beast::get_lowest_layer(ws_).async_connect(
      address, [self = shared_from_this(), host](const error_code& ec,
                                                 const tcp::endpoint&) {
        if (ec) return self->load_.on_failed("connect: " + ec.message());
        // As GUN.js clients (ws) do: no Nagle delay on small frames.
        beast::get_lowest_layer(self->ws_).socket().set_option(
            tcp::no_delay(true));
        self->ws_.read_message_max(256 * 1024 * 1024);
        self->ws_.async_handshake(host, "/gun", [self](const error_code& h) {
          if (h) return self->load_.on_failed("handshake: " + h.message());
          self->load_.on_open();
          if (self->reads_) self->read();
          self->write_next();
        });
      });
}

void Connection::read() {
  ws_.async_read(
      buffer_, [self = shared_from_this()](const error_code& ec, std::size_t) {
        if (ec) return self->load_.on_closed();
        const auto data = self->buffer_.cdata();
        self->load_.on_message(
            *self, std::string_view(static_cast<const char*>(data.data()),
                                    data.size()));
        self->buffer_.consume(self->buffer_.size());
        self->read();
      });
}

void Connection::send(std::string frame) {
  outbox_.push_back(std::move(frame));
  write_next();
}

void Connection::write_next() {
  if (writing_ || outbox_.empty() || !ws_.is_open()) return;
  writing_ = true;
  ws_.text(true);
  ws_.async_write(
      asio::buffer(outbox_.front()),
      [self = shared_from_this()](const error_code& ec, std::size_t) {
        self->writing_ = false;
        if (ec) return;
        self->outbox_.pop_front();
        self->write_next();
      });
}

void Connection::close() {
  error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void Load::on_message(Connection& connection, std::string_view text) {
  if (args_.scenario == "bigput") {
    // One "x value per field, however the relay splits the message.
    for (std::size_t at = text.find("\"x"); at != std::string_view::npos;
         at = text.find("\"x", at + 2)) {
      ++fields_seen_;
    }
    return;
  }
  const std::int64_t now = now_us();
  for_each_delivery(text, [&](const Delivery& d) {
    if (d.writer < 0 || d.writer >= args_.writers || d.sequence < 0 ||
        d.sequence >= static_cast<std::int64_t>(connection.seen[0].size())) {
      return;
    }
    if (connection.index() == d.writer) {
      ++echoed_;
      return;
    }
    if (connection.index() < readers_from_) return;  // another writer's put
    std::vector<bool>::reference seen =
        connection.seen[static_cast<std::size_t>(d.writer)]
                       [static_cast<std::size_t>(d.sequence)];
    if (seen) {
      ++duplicated_;
      return;
    }
    seen = true;
    ++delivered_;
    latency_us_.push_back(static_cast<std::int32_t>(now - d.sent_us));
  });
}

void Load::open(int count, bool reads) {
  const auto all_settled = [this] {
    return settled_ >= static_cast<int>(connections_.size());
  };
  for (int i = 0; i < count; ++i) {
    auto c = std::make_shared<Connection>(
        *this, io_, static_cast<int>(connections_.size()), reads);
    connections_.push_back(c);
    c->start(address_, args_.host);
    // At most 256 handshakes in flight, as a listen backlog allows.
    if ((i + 1) % 256 == 0) pump_until(all_settled, 30);
  }
  pump_until(all_settled, 30);
}

bool Load::pump_until(const std::function<bool()>& done, double timeout_s) {
  const std::int64_t deadline =
      now_us() + static_cast<std::int64_t>(timeout_s * 1e6);
  while (!done()) {
    if (now_us() >= deadline) return false;
    io_.run_for(std::chrono::milliseconds(1));
    if (io_.stopped()) io_.restart();
  }
  return true;
}

void Load::settle() {
  double last = -1;
  for (int i = 0; i < 120; ++i) {
    pump_until([] { return false; }, 0.5);
    const ProcessUsage usage = usage_of(args_.pid);
    if (usage.user_ms + usage.system_ms == last) return;
    last = usage.user_ms + usage.system_ms;
  }
}

std::string Load::put_frame(int writer, std::int64_t sequence) const {
  const std::string soul = soul_of(writer);
  const std::string key =
      "m" + std::to_string(args_.keys > 0 ? sequence % args_.keys : sequence);
  const std::string id = run_ + "p" + std::to_string(writer) + "_" +
                         std::to_string(sequence) + "x";
  const std::string value = "L" + std::to_string(writer) + "_" +
                            std::to_string(sequence) + "_" +
                            std::to_string(now_us()) + padding_;
  std::string frame;
  gunpp::JsonWriter json(frame);
  json.begin_object().key("#").string(id).key("put").begin_object();
  json.key(soul).begin_object().key("_").begin_object();
  json.key("#").string(soul).key(">").begin_object();
  json.key(key).number(static_cast<double>(state_ + sequence));
  json.end_object().end_object();
  json.key(key).string(value);
  json.end_object().end_object().end_object();
  return frame;
}

std::string Load::big_put_frame() const {
  std::string frame;
  gunpp::JsonWriter json(frame);
  json.begin_object().key("#").string(run_ + "big").key("put").begin_object();
  json.key(soul_of(0)).begin_object().key("_").begin_object();
  json.key("#").string(soul_of(0)).key(">").begin_object();
  for (int i = 0; i < args_.fields; ++i) {
    json.key("f" + std::to_string(i)).number(static_cast<double>(state_));
  }
  json.end_object().end_object();
  for (int i = 0; i < args_.fields; ++i) {
    json.key("f" + std::to_string(i)).string("x" + std::to_string(i));
  }
  json.end_object().end_object().end_object();
  return frame;
}

// Sends each writer's puts at its share of --rate, from `start_us` on.
void Load::pace_writers(std::int64_t start_us, int per_writer_total) {
  const double per_writer_rate = args_.rate / args_.writers;
  const double elapsed_s = static_cast<double>(now_us() - start_us) / 1e6;
  const auto due = std::min<std::int64_t>(
      per_writer_total, static_cast<std::int64_t>(elapsed_s * per_writer_rate));
  for (int w = 0; w < args_.writers; ++w) {
    auto& sent = sent_[static_cast<std::size_t>(w)];
    for (; sent < due; ++sent) {
      connections_[static_cast<std::size_t>(w)]->send(put_frame(w, sent));
    }
  }
}

int Load::traffic() {
  const bool all = args_.scenario == "all";
  const int per_writer_total =
      static_cast<int>(args_.rate / args_.writers * args_.seconds);
  open(args_.writers, true);  // writers read too: an echo would show
  readers_from_ = all ? 0 : args_.writers;
  if (!all) open(args_.subscribers, true);
  if (args_.scenario == "slow") open(1, false);
  if (opened_ != static_cast<int>(connections_.size())) return 1;
  for (auto& c : connections_) {
    c->seen.assign(
        static_cast<std::size_t>(args_.writers),
        std::vector<bool>(static_cast<std::size_t>(per_writer_total)));
  }
  // Subscribers ask for the writers' souls, as a GUN.js client that reads.
  for (std::size_t i = static_cast<std::size_t>(readers_from_);
       i < connections_.size(); ++i) {
    for (int w = 0; w < args_.writers; ++w) {
      std::string get;
      gunpp::JsonWriter(get)
          .begin_object()
          .key("#")
          .string(run_ + "g" + std::to_string(i) + "_" + std::to_string(w) +
                  "x")
          .key("get")
          .begin_object()
          .key("#")
          .string(soul_of(w))
          .end_object()
          .end_object();
      connections_[i]->send(std::move(get));
    }
  }
  settle();
  sent_.assign(static_cast<std::size_t>(args_.writers), 0);
  // States in the past: a state ahead of a relay's clock would be held back
  // (GUN.js defers it), not relayed.
  state_ = static_cast<std::int64_t>(
               std::chrono::duration<double, std::milli>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count()) -
           10'000'000;
  const int subscribers =
      all ? args_.writers - 1 : args_.subscribers;  // the slow one excluded
  const std::int64_t expected =
      static_cast<std::int64_t>(per_writer_total) * args_.writers * subscribers;

  const ProcessUsage before = usage_of(args_.pid);
  const std::int64_t start = now_us();
  pump_until(
      [&] {
        pace_writers(start, per_writer_total);
        return sent_.back() >= per_writer_total;
      },
      args_.seconds * 10);
  const bool complete =
      pump_until([&] { return delivered_ >= expected; }, args_.timeout);
  const double window_s = static_cast<double>(now_us() - start) / 1e6;
  const ProcessUsage after = usage_of(args_.pid);
  pump_until([] { return false; }, 0.3);  // late duplicates and echoes

  std::int64_t sent = 0;
  for (const auto s : sent_) sent += s;
  std::sort(latency_us_.begin(), latency_us_.end());
  const auto percentile = [&](double p) {
    if (latency_us_.empty()) return 0.0;
    const auto i = static_cast<std::size_t>(
        p * static_cast<double>(latency_us_.size() - 1));
    return latency_us_[i] / 1000.0;
  };
  const double user = after.user_ms - before.user_ms;
  const double system = after.system_ms - before.system_ms;
  const double per_k =
      delivered_ > 0 ? 1000.0 / static_cast<double>(delivered_) : 0;
  std::string out;
  gunpp::JsonWriter json(out);
  json.begin_object();
  json.key("scenario").string(args_.scenario);
  json.key("writers").number(args_.writers);
  json.key("subscribers").number(subscribers);
  json.key("offered_rate").number(args_.rate);
  json.key("sent").number(static_cast<double>(sent));
  json.key("expected").number(static_cast<double>(expected));
  json.key("delivered").number(static_cast<double>(delivered_));
  json.key("lost").number(static_cast<double>(expected - delivered_));
  json.key("duplicated").number(static_cast<double>(duplicated_));
  json.key("echoed").number(static_cast<double>(echoed_));
  json.key("complete").boolean(complete);
  json.key("window_s").number(window_s);
  json.key("delivered_per_s")
      .number(static_cast<double>(delivered_) / window_s);
  json.key("p50_ms").number(percentile(0.50));
  json.key("p99_ms").number(percentile(0.99));
  json.key("max_ms").number(percentile(1.0));
  json.key("cpu_ms_per_1000").number((user + system) * per_k);
  json.key("user_ms_per_1000").number(user * per_k);
  json.key("rss_kib").number(static_cast<double>(after.rss_kib));
  json.key("peak_rss_kib").number(static_cast<double>(after.peak_rss_kib));
  json.end_object();
  std::cout << out << std::endl;
  return 0;
}

int Load::big_put() {
  open(2, true);
  if (opened_ != 2) return 1;
  state_ = 1;
  const std::string frame = big_put_frame();
  pump_until([] { return false; }, 0.5);
  const ProcessUsage before = usage_of(args_.pid);
  const std::int64_t start = now_us();
  connections_[0]->send(frame);
  const bool complete =
      pump_until([&] { return fields_seen_ >= args_.fields; }, args_.timeout);
  const double elapsed_s = static_cast<double>(now_us() - start) / 1e6;
  const ProcessUsage after = usage_of(args_.pid);
  std::string out;
  gunpp::JsonWriter json(out);
  const double cpu_ms =
      after.user_ms + after.system_ms - before.user_ms - before.system_ms;
  json.begin_object();
  json.key("scenario").string("bigput");
  json.key("fields").number(args_.fields);
  json.key("frame_bytes").number(static_cast<double>(frame.size()));
  json.key("fields_delivered").number(static_cast<double>(fields_seen_));
  json.key("complete").boolean(complete);
  json.key("seconds").number(elapsed_s);
  json.key("cpu_ms").number(cpu_ms);
  json.key("peak_rss_kib").number(static_cast<double>(after.peak_rss_kib));
  json.end_object();
  std::cout << out << std::endl;
  return 0;
}

int Load::idle() {
  open(100, true);  // warm-up: the relay's first connections allocate pools
  pump_until([] { return false; }, 1);
  const ProcessUsage before = usage_of(args_.pid);
  open(args_.connections, true);
  pump_until([] { return false; }, 2);
  const ProcessUsage after = usage_of(args_.pid);
  const int opened = opened_ - 100;
  std::string out;
  gunpp::JsonWriter json(out);
  const double growth_kib = static_cast<double>(after.rss_kib - before.rss_kib);
  json.begin_object();
  json.key("scenario").string("idle");
  json.key("connections").number(opened);
  json.key("still_open").number(opened_ - closed_);
  json.key("rss_kib").number(static_cast<double>(after.rss_kib));
  json.key("kib_per_connection").number(opened > 0 ? growth_kib / opened : 0);
  json.end_object();
  std::cout << out << std::endl;
  return opened == args_.connections ? 0 : 1;
}

int Load::run() {
  address_ = tcp::resolver(io_).resolve(args_.host, args_.port);
  int code = 1;
  if (args_.scenario == "bigput") {
    code = big_put();
  } else if (args_.scenario == "idle") {
    code = idle();
  } else {
    code = traffic();
  }
  if (!failure_.empty()) std::cerr << "relay_load: " << failure_ << '\n';
  for (auto& c : connections_) c->close();
  io_.run_for(std::chrono::milliseconds(100));
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app("gunpp_relay_load - a GUN relay load generator");
  app.add_option("--host", args.host)->capture_default_str();
  app.add_option("--port", args.port)->required();
  app.add_option("--pid", args.pid, "the relay's process id")->required();
  app.add_option("--scenario", args.scenario)
      ->check(CLI::IsMember({"fanout", "all", "slow", "bigput", "idle"}));
  app.add_option("--writers", args.writers)->check(CLI::PositiveNumber);
  app.add_option("--subscribers", args.subscribers)->check(CLI::PositiveNumber);
  app.add_option("--rate", args.rate, "puts per second, all writers")
      ->check(CLI::PositiveNumber);
  app.add_option("--seconds", args.seconds)->check(CLI::PositiveNumber);
  app.add_option("--fields", args.fields)->check(CLI::PositiveNumber);
  app.add_option("--connections", args.connections)->check(CLI::PositiveNumber);
  app.add_option("--pad", args.pad, "bytes added to each put's value")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--keys", args.keys,
                 "keys each writer cycles over (0: a new key per put)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--timeout", args.timeout,
                 "seconds to wait for the last delivery")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return Load(args).run();
  } catch (const std::exception& e) {
    std::cerr << "relay_load: " << e.what() << '\n';
    return 1;
  }
}
