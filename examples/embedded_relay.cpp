// An embedded relay: a GUN relay server and a client peer inside one
// program, on one loop the program pumps. The client writes a node; the
// relay stores it and acks; GUN.js clients could join the same relay at
// ws://127.0.0.1:<port>/gun. Everything stays on 127.0.0.1 and the program
// ends by itself.
#include <chrono>
#include <gunpp/mesh.hpp>
#include <gunpp/net.hpp>
#include <iostream>
#include <string>

int main() {
  gunpp::Scheduler scheduler;      // one loop for both peers
  gunpp::NetLoop loop(scheduler);  // socket I/O and store turns together

  // The relay: a store, the GUN peer protocol over it, a WebSocket server.
  gunpp::GraphStore relay_store(scheduler);
  gunpp::Mesh relay_mesh(relay_store);
  gunpp::WebSocketServer server(loop, relay_mesh);
  gunpp::Result<std::uint16_t> port = server.listen("127.0.0.1", 0);
  if (!port) {
    std::cerr << port.status().to_string() << "\n";
    return 1;
  }
  const std::string url = "ws://127.0.0.1:" + std::to_string(*port) + "/gun";
  std::cout << "relay listening on " << url << "\n";

  // The client: its own store and mesh, dialling the relay.
  gunpp::GraphStore client_store(scheduler);
  gunpp::Mesh client_mesh(client_store);
  gunpp::WebSocketClient client(loop, client_mesh);
  if (gunpp::Status s = client.connect(url); !s) {
    std::cerr << s.to_string() << "\n";
    return 1;
  }

  // A put is sent as soon as the connection is up; `done` fires once, with
  // the relay's ack or after the timeout.
  bool acked = false;
  gunpp::Status s = client_mesh.write(
      "sensor/42", {{"celsius", 21.5}, {"room", "lab"}},
      [&](const gunpp::PutOutcome& outcome) {
        acked = outcome.acked && outcome.error.is_ok();
        std::cout << "client: put " << (acked ? "acked: " : "not acked")
                  << outcome.ack << "\n";
        loop.stop();
      },
      std::chrono::seconds(3));
  if (!s) {
    std::cerr << s.to_string() << "\n";
    return 1;
  }
  loop.run_for(std::chrono::seconds(5));  // bounded; stop() ends it sooner

  std::optional<gunpp::Entry> celsius = relay_store.get("sensor/42", "celsius");
  std::cout << "relay: sensor/42.celsius = "
            << (celsius ? gunpp::lexical_form(celsius->value) : "(absent)")
            << "\n";
  client.close();
  server.close();
  return acked && celsius ? 0 : 1;
}
