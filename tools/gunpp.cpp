// The gunpp command-line program.
//
//   gunpp apply [--now MS] [FILE]
//
// Reads GUN wire messages (a JSON array, or one JSON message per line),
// applies them in order to a fresh in-memory store, pumps until idle and
// prints one JSON object: {"graph":...,"errors":[...],"deferred":[...]}.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <gunpp/gunpp.hpp>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {

constexpr int kExitUsage = 2;

constexpr char kHelp[] =
    R"(gunpp - an embeddable C++ peer for the GUN graph database

Usage:
  gunpp apply [--now MS] [FILE]   apply GUN wire messages, print the graph
  gunpp --help                    this text
  gunpp apply --help              details of apply
)";

constexpr char kApplyHelp[] = R"(Usage: gunpp apply [--now MS] [FILE]

Reads GUN wire messages from FILE, or from standard input when FILE is
absent or "-": either one JSON array of messages, or one JSON message per
line. Applies them in order to a fresh in-memory store, with the machine
time fixed at MS milliseconds since the epoch when --now is given (else the
real clock), pumps until idle, and prints ONE JSON object on standard output:

  {"graph":    the store as canonical graph JSON (souls and keys sorted),
   "errors":   [one entry per message: null, or the reason its put was refused],
   "deferred": [{"soul":...,"key":...,"state":...} for every field whose
                state is still in the future]}

Exit status: 0 when the input was read (refused messages are data, in
"errors"); 2, with a one-line error on standard error, when the input is not
JSON, not messages, or the arguments are wrong.
)";

struct Args {
  std::optional<double> now;
  std::string file = "-";
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "gunpp: " << message << "\n";
  std::exit(kExitUsage);
}

Args parse_apply_args(int argc, char** argv) {
  Args args;
  bool have_file = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kApplyHelp;
      std::exit(0);
    }
    if (arg == "--now") {
      if (i + 1 >= argc) usage_error("--now needs a number of milliseconds");
      const std::string_view text = argv[++i];
      double ms = 0;
      const auto [end, ec] =
          std::from_chars(text.data(), text.data() + text.size(), ms);
      if (ec != std::errc() || end != text.data() + text.size() ||
          !std::isfinite(ms)) {
        usage_error("--now needs a number of milliseconds, not '" +
                    std::string(text) + "'");
      }
      args.now = ms;
    } else if (!have_file && (arg == "-" || !arg.starts_with("--"))) {
      args.file = arg;
      have_file = true;
    } else {
      usage_error("unexpected argument '" + std::string(arg) +
                  "' (see gunpp apply --help)");
    }
  }
  return args;
}

std::string read_input(const std::string& file) {
  if (file == "-") {
    return {std::istreambuf_iterator<char>(std::cin),
            std::istreambuf_iterator<char>()};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) usage_error("cannot open '" + file + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

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

// Feeds one frame to the endpoint and appends one entry per message to
// `errors`; exits with a usage error when the frame is not messages.
void feed(gunpp::Endpoint& endpoint, std::string_view frame,
          const std::string& where, std::vector<gunpp::Status>& errors) {
  const gunpp::Received received =
      endpoint.receive(frame, [](const std::string&) {});
  if (!received.frame.is_ok()) {
    usage_error(where + ": " + received.frame.message());
  }
  if (received.skipped > 0) {
    usage_error(where + ": " + std::to_string(received.skipped) +
                " array elements are not message objects");
  }
  errors.insert(errors.end(), received.messages.begin(),
                received.messages.end());
}

int apply(int argc, char** argv) {
  const Args args = parse_apply_args(argc, argv);
  const std::string input = read_input(args.file);

  gunpp::ManualClock manual(args.now.value_or(0));
  gunpp::Clock& clock =
      args.now ? static_cast<gunpp::Clock&>(manual)
               : static_cast<gunpp::Clock&>(gunpp::SystemClock::instance());
  gunpp::Scheduler scheduler(clock);
  // An array frame queues up to max_messages_per_frame puts at once.
  gunpp::Options options;
  options.max_pending_jobs = gunpp::WireLimits().max_messages_per_frame;
  gunpp::GraphStore store(scheduler, options);
  gunpp::Endpoint endpoint(store);

  // One JSON value (decoded once), else one message per line. Decoding
  // happens before anything is applied, so a failed whole-text attempt
  // changes nothing.
  std::vector<gunpp::Status> errors;
  const std::vector<std::string_view> lines = split_lines(input);
  if (lines.empty()) usage_error("the input is empty");
  if (lines.size() == 1 ||
      input.find_first_not_of(" \t\r\n") == input.find('[')) {
    feed(endpoint, input, "input", errors);
  } else {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      feed(endpoint, lines[i], "line " + std::to_string(i + 1), errors);
      scheduler.run_until_idle();
    }
  }
  scheduler.run_until_idle();

  std::string out =
      "{\"graph\":" + gunpp::encode_graph(store) + ",\"errors\":[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ',';
    if (errors[i].is_ok()) {
      out += "null";
    } else {
      gunpp::append_json_string(out, errors[i].message());
    }
  }
  out += "],\"deferred\":[";
  std::vector<std::tuple<std::string, std::string, gunpp::State>> deferred;
  store.for_each_deferred([&deferred](std::string_view soul,
                                      std::string_view key, const gunpp::Value&,
                                      gunpp::State state) {
    deferred.emplace_back(soul, key, state);
  });
  std::sort(deferred.begin(), deferred.end());
  for (std::size_t i = 0; i < deferred.size(); ++i) {
    const auto& [soul, key, state] = deferred[i];
    if (i > 0) out += ',';
    out += "{\"soul\":";
    gunpp::append_json_string(out, soul);
    out += ",\"key\":";
    gunpp::append_json_string(out, key);
    out += ",\"state\":" + gunpp::format_number(state) + "}";
  }
  out += "]}\n";
  std::cout << out;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "apply") return apply(argc, argv);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kHelp;
    return 0;
  }
  std::cerr << kHelp;
  return kExitUsage;
}
