// A chat client on GUN's chain API, for the classic GUN chat: every message
// is a node added to "chat" with set(), and every client maps "chat" with
// on(). It talks, through a relay, with GUN.js clients such as the page in
// web/index.html:
//
//   gunpp relay --web examples/chat/web     (after copying GUN's gun.js there)
//   chat ws://127.0.0.1:8765/gun alice
//
// Each line read from standard input is sent as a message; every message,
// the program's own included, is printed as "who: what". At the end of its
// input, once its messages are acked (or timed out), it exits.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <gunpp/chain.hpp>
#include <gunpp/net.hpp>
#include <iostream>
#include <string>
#include <thread>

namespace {

// A field of a message node, or "" when it has none (or not a string).
std::string text_of(const gunpp::Snapshot& message, const std::string& key) {
  for (const auto& [k, v] : message.fields) {
    if (k == key && v.is_string()) return std::string(v.as_string());
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: chat URL NAME\n";
    return 2;
  }
  const std::string url = argv[1];
  const std::string name = argv[2];

  gunpp::Scheduler scheduler;
  gunpp::NetLoop loop(scheduler);
  gunpp::GraphStore store(scheduler);
  gunpp::Mesh mesh(store);
  gunpp::WebSocketClient client(loop, mesh);
  if (gunpp::Status s = client.connect(url); !s) {
    std::cerr << s.to_string() << "\n";
    return 1;
  }
  gunpp::Chain gun(mesh);

  // Every message, those already there and those to come.
  gun.get("chat").map().on([](const gunpp::Item& item) {
    if (!item.snapshot.found) return;
    std::cout << text_of(item.snapshot, "who") << ": "
              << text_of(item.snapshot, "what") << std::endl;
  });

  // Lines come from a thread of their own; asio::post hands each to the
  // loop's thread, the only one that touches the chain.
  int pending = 0;
  bool input_ended = false;
  const auto stop_when_done = [&] {
    if (input_ended && pending == 0) loop.stop();
  };
  std::thread reader([&] {
    std::string line;
    while (std::getline(std::cin, line)) {
      boost::asio::post(loop.io(), [&, line] {
        ++pending;
        const auto when = static_cast<double>(
            std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count());
        auto soul = gun.get("chat").set(
            gunpp::Data::object(
                {{"who", name}, {"what", line}, {"when", when}}),
            [&](const gunpp::PutResult& r) {
              if (!r.error.is_ok()) std::cerr << r.error.to_string() << "\n";
              --pending;
              stop_when_done();
            },
            std::chrono::seconds(5));
        if (!soul) {
          std::cerr << soul.status().to_string() << "\n";
          --pending;
        }
      });
    }
    boost::asio::post(loop.io(), [&] {
      input_ended = true;
      stop_when_done();
    });
  });
  loop.run();
  reader.join();
  client.close();
  return 0;
}
