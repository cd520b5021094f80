// The C ABI, through include/gunpp/gunpp.h only: every use, its errors and
// its lifetimes.
#include <gunpp/gunpp.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/c_api_property.hpp"
#include "fuzz/replay.hpp"

namespace {

gunpp_str str(std::string_view s) { return gunpp_str{s.data(), s.size()}; }
std::string_view text(gunpp_str s) { return {s.data, s.size}; }

gunpp_value number(double n) { return gunpp_value{GUNPP_NUMBER, 0, n, {}}; }
gunpp_value string_value(std::string_view s) {
  return gunpp_value{GUNPP_STRING, 0, 0, str(s)};
}
gunpp_value link(std::string_view soul) {
  return gunpp_value{GUNPP_LINK, 0, 0, str(soul)};
}

// A peer closed at the end of the test.
struct Peer {
  explicit Peer(const gunpp_options* options = nullptr) {
    REQUIRE(gunpp_open(options, &peer) == GUNPP_OK);
  }
  ~Peer() { gunpp_close(peer); }
  operator gunpp_peer*() const { return peer; }
  gunpp_peer* peer = nullptr;
};

gunpp_options memory_options() {
  gunpp_options options = GUNPP_OPTIONS_INIT;
  options.verify_sea = 1;
  return options;
}

// Whatever a callback records, and a trampoline for std::function.
struct Record {
  std::vector<gunpp_put_result> puts;
  std::vector<std::string> messages;
};

void on_put(void* user, const gunpp_put_result* r) {
  auto* record = static_cast<Record*>(user);
  record->puts.push_back(*r);
  record->messages.emplace_back(text(r->message));
}

std::string json_of(gunpp_peer* peer, std::string_view soul, int32_t form) {
  gunpp_buf buf{};
  REQUIRE(gunpp_get_json(peer, str(soul), form, &buf) == GUNPP_OK);
  std::string out(buf.data, buf.size);
  CHECK(buf.data[buf.size] == '\0');
  gunpp_buf_free(&buf);
  CHECK(buf.data == nullptr);
  return out;
}

// Pumps both peers until `done` or 10 s.
bool pump_until(std::vector<gunpp_peer*> peers,
                const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    for (gunpp_peer* p : peers) REQUIRE(gunpp_run_for(p, 5) == GUNPP_OK);
  }
  return done();
}

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() /
          ("gunpp-c-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

}  // namespace

TEST_CASE("version and status names") {
  CHECK(std::string(gunpp_version()) == "0.1.0");
  CHECK(std::string(gunpp_status_name(GUNPP_OK)) == "OK");
  CHECK(std::string(gunpp_status_name(GUNPP_UNAUTHENTICATED)) ==
        "Unauthenticated");
  CHECK(std::string(gunpp_status_name(42)) == "Unknown");
}

TEST_CASE("a local write, read back as nodes, fields and JSON") {
  Record record;
  Peer peer;
  const gunpp_field fields[] = {
      {GUNPP_STR("name"), GUNPP_TEXT("Alice"), 0},
      {GUNPP_STR("age"), number(41), 0},
      {GUNPP_STR("boss"), link("bob"), 0},
      {GUNPP_STR("gone"), gunpp_value{GUNPP_NULL, 0, 0, {}}, 0},
      {GUNPP_STR("ok"), gunpp_value{GUNPP_BOOL, 1, 0, {}}, 0}};
  REQUIRE(gunpp_write(peer, GUNPP_STR("alice"), fields, 5, on_put, &record) ==
          GUNPP_OK);
  CHECK(record.puts.empty());  // callbacks come from the pump only
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  REQUIRE(record.puts.size() == 1);
  CHECK(record.puts[0].status == GUNPP_OK);
  CHECK(record.puts[0].applied == 5);

  gunpp_node* node = nullptr;
  REQUIRE(gunpp_get(peer, GUNPP_STR("alice"), &node) == GUNPP_OK);
  REQUIRE(node->count == 5);
  CHECK(text(node->soul) == "alice");
  CHECK(text(node->fields[0].key) == "name");
  CHECK(node->fields[0].value.kind == GUNPP_STRING);
  CHECK(text(node->fields[0].value.text) == "Alice");
  CHECK(node->fields[1].value.number == 41);
  CHECK(node->fields[2].value.kind == GUNPP_LINK);
  CHECK(text(node->fields[2].value.text) == "bob");
  CHECK(node->fields[3].value.kind == GUNPP_NULL);
  CHECK(node->fields[4].value.boolean == 1);
  // One write, one state, from the clock.
  CHECK(node->fields[0].state == node->fields[4].state);
  CHECK(node->fields[0].state > 1.7e12);
  gunpp_node_free(node);

  REQUIRE(gunpp_get_field(peer, GUNPP_STR("alice"), GUNPP_STR("age"), &node) ==
          GUNPP_OK);
  REQUIRE(node->count == 1);
  CHECK(text(node->fields[0].key) == "age");
  CHECK(node->fields[0].value.number == 41);
  gunpp_node_free(node);

  CHECK(
      json_of(peer, "alice", GUNPP_JSON_PLAIN) ==
      R"({"name":"Alice","age":41,"boss":{"#":"bob"},"gone":null,"ok":true})");
  const std::string gun = json_of(peer, "alice", GUNPP_JSON_GUN);
  CHECK(gun.rfind(R"({"_":{"#":"alice",">":{"name":)", 0) == 0);

  CHECK(gunpp_get(peer, GUNPP_STR("carol"), &node) == GUNPP_NOT_FOUND);
  CHECK(node == nullptr);
  CHECK(std::string(gunpp_last_error()) == "no node carol");
  CHECK(gunpp_get_field(peer, GUNPP_STR("alice"), GUNPP_STR("x"), &node) ==
        GUNPP_NOT_FOUND);
  gunpp_node_free(nullptr);
  gunpp_buf_free(nullptr);
}

TEST_CASE("puts with explicit states go through HAM") {
  Record record;
  Peer peer;
  const gunpp_field newer[] = {{GUNPP_STR("x"), number(2), 2000}};
  const gunpp_field older[] = {{GUNPP_STR("x"), number(1), 1000}};
  const gunpp_field future[] = {{GUNPP_STR("y"), number(3), 9e15}};
  REQUIRE(gunpp_put(peer, GUNPP_STR("s"), newer, 1, on_put, &record) == 0);
  REQUIRE(gunpp_put(peer, GUNPP_STR("s"), older, 1, on_put, &record) == 0);
  REQUIRE(gunpp_put(peer, GUNPP_STR("s"), future, 1, on_put, &record) == 0);
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  REQUIRE(record.puts.size() == 3);
  CHECK(record.puts[0].applied == 1);
  CHECK(record.puts[1].ignored == 1);
  CHECK(record.puts[2].deferred == 1);
  gunpp_node* node = nullptr;
  REQUIRE(gunpp_get(peer, GUNPP_STR("s"), &node) == GUNPP_OK);
  REQUIRE(node->count == 1);
  CHECK(node->fields[0].value.number == 2);
  CHECK(node->fields[0].state == 2000);
  gunpp_node_free(node);
  double in_ms = -1;
  CHECK(gunpp_next_wakeup(peer, &in_ms) == 1);  // the deferred field's timer
  CHECK(in_ms > 0);
}

TEST_CASE("bad input is refused whole, with a message, and applies nothing") {
  Peer peer;
  const double nan = std::nan("");
  const gunpp_field good = {GUNPP_STR("k"), number(1), 1};
  struct Bad {
    const char* what;
    gunpp_field field;
    int code;
  };
  const Bad cases[] = {
      {"not finite", {GUNPP_STR("k"), number(nan), 1}, GUNPP_INVALID_ARGUMENT},
      {"unknown kind",
       {GUNPP_STR("k"), gunpp_value{99, 0, 0, {}}, 1},
       GUNPP_INVALID_ARGUMENT},
      {"empty link", {GUNPP_STR("k"), link(""), 1}, GUNPP_INVALID_ARGUMENT},
      {"NULL with a size",
       {gunpp_str{nullptr, 3}, number(1), 1},
       GUNPP_INVALID_ARGUMENT},
      {"invalid UTF-8",
       {GUNPP_STR("\xff"), number(1), 1},
       GUNPP_INVALID_ARGUMENT},
      {"state NaN", {GUNPP_STR("k"), number(1), nan}, GUNPP_INVALID_ARGUMENT},
  };
  for (const Bad& bad : cases) {
    INFO(bad.what);
    const gunpp_field both[] = {good, bad.field};
    CHECK(gunpp_put(peer, GUNPP_STR("s"), both, 2, nullptr, nullptr) ==
          bad.code);
    CHECK(gunpp_last_error_size() > 0);
  }
  CHECK(gunpp_put(peer, GUNPP_STR(""), &good, 1, nullptr, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(std::string(gunpp_last_error()) == "the soul is empty");
  const gunpp_field empty_key = {GUNPP_STR(""), number(1), 0};
  CHECK(gunpp_write(peer, GUNPP_STR("s"), &empty_key, 1, nullptr, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_put(peer, GUNPP_STR("s"), nullptr, 1, nullptr, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_put(nullptr, GUNPP_STR("s"), &good, 1, nullptr, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_get_json(peer, GUNPP_STR("s"), 7, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  gunpp_node* node = nullptr;
  CHECK(gunpp_get(peer, GUNPP_STR("s"), &node) == GUNPP_NOT_FOUND);

  gunpp_options old = GUNPP_OPTIONS_INIT;
  old.size = 8;
  gunpp_peer* none = nullptr;
  CHECK(gunpp_open(&old, &none) == GUNPP_INVALID_ARGUMENT);
  CHECK(none == nullptr);
  CHECK(gunpp_open(nullptr, nullptr) == GUNPP_INVALID_ARGUMENT);
}

TEST_CASE("souls, keys and values may hold NUL and any UTF-8") {
  Peer peer;
  const std::string soul("a\0b", 3);
  const std::string key("k\0\xf0\x9f\x98\x80", 6);
  const std::string value("v\0\n\"", 4);
  const gunpp_field field = {str(key), string_value(value), 5};
  REQUIRE(gunpp_put(peer, str(soul), &field, 1, nullptr, nullptr) == 0);
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  gunpp_node* node = nullptr;
  REQUIRE(gunpp_get_field(peer, str(soul), str(key), &node) == GUNPP_OK);
  CHECK(text(node->soul) == soul);
  CHECK(text(node->fields[0].key) == key);
  CHECK(text(node->fields[0].value.text) == value);
  gunpp_node_free(node);
  CHECK(json_of(peer, soul, GUNPP_JSON_PLAIN) ==
        "{\"k\\u0000\xf0\x9f\x98\x80\":\"v\\u0000\\n\\\"\"}");
}

namespace {
struct Chunks {
  std::vector<std::vector<std::string>> keys;
  int lasts = 0;
};
void on_chunk(void* user, const gunpp_node* chunk, int32_t last) {
  auto* chunks = static_cast<Chunks*>(user);
  auto& keys = chunks->keys.emplace_back();
  for (std::size_t i = 0; i < chunk->count; ++i) {
    keys.emplace_back(text(chunk->fields[i].key));
  }
  chunks->lasts += last;
}
}  // namespace

TEST_CASE("reads in chunks, and LEX reads") {
  Chunks all;
  Chunks some;
  Chunks none;
  Peer peer;
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) keys.push_back("k" + std::to_string(100 + i));
  std::vector<gunpp_field> fields;
  for (const std::string& k : keys) fields.push_back({str(k), number(1), 1});
  REQUIRE(gunpp_put(peer, GUNPP_STR("big"), fields.data(), fields.size(),
                    nullptr, nullptr) == 0);
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);

  REQUIRE(gunpp_read(peer, GUNPP_STR("big"), nullptr, 0, 0, on_chunk, &all) ==
          GUNPP_OK);
  CHECK(all.keys.empty());
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  REQUIRE(all.keys.size() == 3);  // 9 + 9 + 2
  CHECK(all.keys[0].size() == 9);
  CHECK(all.keys[2].size() == 2);
  CHECK(all.lasts == 1);

  gunpp_lex range = {};
  range.from = GUNPP_STR("k105");
  range.to = GUNPP_STR("k107");
  REQUIRE(gunpp_read(peer, GUNPP_STR("big"), &range, 0, 2, on_chunk, &some) ==
          GUNPP_OK);
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  REQUIRE(some.keys.size() == 2);
  CHECK(some.keys[0] == std::vector<std::string>{"k105", "k106"});
  CHECK(some.keys[1] == std::vector<std::string>{"k107"});

  gunpp_lex nothing = {};
  nothing.prefix = GUNPP_STR("zz");
  CHECK(gunpp_read(peer, GUNPP_STR("big"), &nothing, 0, 0, on_chunk, &none) ==
        GUNPP_NOT_FOUND);
  CHECK(gunpp_read(peer, GUNPP_STR("nope"), nullptr, 0, 0, on_chunk, &none) ==
        GUNPP_NOT_FOUND);
  // Bytes that are not UTF-8 have no place in the keys' order.
  gunpp_lex broken = {};
  broken.from = GUNPP_STR("k1\xea");
  CHECK(gunpp_read(peer, GUNPP_STR("big"), &broken, 0, 0, on_chunk, &none) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(std::string(gunpp_last_error()) == "LEX bound is not UTF-8");
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  CHECK(none.keys.empty());
}

namespace {
struct Changes {
  std::vector<std::string> seen;  // soul.key=value
};
void on_change(void* user, const gunpp_change* c) {
  static_cast<Changes*>(user)->seen.push_back(
      std::string(text(c->soul)) + "." + std::string(text(c->key)) + "=" +
      std::to_string(static_cast<int>(c->value.number)));
}
}  // namespace

TEST_CASE("subscriptions, to one soul and to all, and their end") {
  Changes one, all;
  Peer peer;
  std::uint64_t one_id = 0, all_id = 0;
  REQUIRE(gunpp_subscribe(peer, GUNPP_STR("a"), on_change, &one, &one_id) == 0);
  REQUIRE(gunpp_subscribe(peer, gunpp_str{nullptr, 0}, on_change, &all,
                          &all_id) == 0);
  CHECK(one_id != all_id);
  const gunpp_field f = {GUNPP_STR("x"), number(1), 0};
  REQUIRE(gunpp_write(peer, GUNPP_STR("a"), &f, 1, nullptr, nullptr) == 0);
  REQUIRE(gunpp_write(peer, GUNPP_STR("b"), &f, 1, nullptr, nullptr) == 0);
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  CHECK(one.seen == std::vector<std::string>{"a.x=1"});
  CHECK(all.seen == std::vector<std::string>{"a.x=1", "b.x=1"});
  REQUIRE(gunpp_unsubscribe(peer, one_id) == GUNPP_OK);
  CHECK(gunpp_unsubscribe(peer, one_id) == GUNPP_NOT_FOUND);
  const gunpp_field g = {GUNPP_STR("x"), number(2), 0};
  REQUIRE(gunpp_write(peer, GUNPP_STR("a"), &g, 1, nullptr, nullptr) == 0);
  REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
  CHECK(one.seen.size() == 1);
  CHECK(all.seen.back() == "a.x=2");
  CHECK(gunpp_subscribe(peer, GUNPP_STR(""), on_change, &one, &one_id) ==
        GUNPP_INVALID_ARGUMENT);
}

TEST_CASE("a durable peer keeps its graph across close and reopen") {
  const std::string path = temp_path("durable.db");
  std::filesystem::remove(path);
  gunpp_options options = GUNPP_OPTIONS_INIT;
  options.db = path.c_str();
  {
    Peer peer(&options);
    Record record;
    const gunpp_field f = {GUNPP_STR("name"), GUNPP_TEXT("Alice"), 0};
    REQUIRE(gunpp_write(peer, GUNPP_STR("alice"), &f, 1, on_put, &record) == 0);
    REQUIRE(gunpp_flush(peer) == GUNPP_OK);
    REQUIRE(gunpp_run_until_idle(peer) == GUNPP_OK);
    REQUIRE(record.puts.size() == 1);
    CHECK(record.puts[0].status == GUNPP_OK);
  }
  {
    Peer peer(&options);
    gunpp_node* node = nullptr;
    REQUIRE(gunpp_get(peer, GUNPP_STR("alice"), &node) == GUNPP_OK);
    CHECK(text(node->fields[0].value.text) == "Alice");
    gunpp_node_free(node);
  }
  std::filesystem::remove(path);

  const std::string not_db = temp_path("not.db");
  FILE* f = std::fopen(not_db.c_str(), "w");
  std::fputs("this is not a database, it is a text file long enough", f);
  std::fclose(f);
  options.db = not_db.c_str();
  gunpp_peer* peer = nullptr;
  CHECK(gunpp_open(&options, &peer) == GUNPP_CORRUPTION);
  CHECK(gunpp_last_error_size() > 0);
  std::filesystem::remove(not_db);
}

TEST_CASE("closing merges what was put, then completes every callback") {
  const std::string path = temp_path("close.db");
  std::filesystem::remove(path);
  gunpp_options options = GUNPP_OPTIONS_INIT;
  options.db = path.c_str();
  Record record;
  gunpp_peer* peer = nullptr;
  REQUIRE(gunpp_open(&options, &peer) == GUNPP_OK);
  const gunpp_field f = {GUNPP_STR("x"), number(1), 0};
  REQUIRE(gunpp_write(peer, GUNPP_STR("a"), &f, 1, on_put, &record) == 0);
  // An object put below "a" first asks the peers whether "a"."b" links
  // somewhere already: it waits for a timer, and the close drops it.
  const gunpp_str keys[] = {GUNPP_STR("a"), GUNPP_STR("b")};
  const gunpp_path path_a = {keys, 2, nullptr};
  REQUIRE(gunpp_chain_put(peer, &path_a, GUNPP_STR(R"({"c":1})"), 0, nullptr,
                          nullptr) == GUNPP_OK);
  gunpp_close(peer);  // no pump in between
  REQUIRE(record.puts.size() == 1);
  CHECK(record.puts[0].status == GUNPP_OK);
  gunpp_close(nullptr);

  {
    Peer again(&options);
    gunpp_node* node = nullptr;
    REQUIRE(gunpp_get(again, GUNPP_STR("a"), &node) == GUNPP_OK);
    CHECK(node->count == 1);
    gunpp_node_free(node);
  }  // closed before its file goes, so that SQLite removes its log too
  std::filesystem::remove(path);
}

namespace {
struct Reentry {
  gunpp_peer* peer;
  int pump_status = -1;
  bool closed = false;
};
void reenter(void* user, const gunpp_put_result*) {
  auto* r = static_cast<Reentry*>(user);
  r->pump_status = gunpp_run_until_idle(r->peer);
  gunpp_close(r->peer);  // deferred to the pump's return
  gunpp_node* node = nullptr;
  r->closed = gunpp_get(r->peer, GUNPP_STR("a"), &node) != GUNPP_OK;
  gunpp_node_free(node);
}
}  // namespace

TEST_CASE("a callback cannot pump, and closing from one waits for the pump") {
  Reentry r{};
  REQUIRE(gunpp_open(nullptr, &r.peer) == GUNPP_OK);
  const gunpp_field f = {GUNPP_STR("x"), number(1), 0};
  REQUIRE(gunpp_write(r.peer, GUNPP_STR("a"), &f, 1, reenter, &r) == 0);
  REQUIRE(gunpp_run_until_idle(r.peer) == GUNPP_OK);  // closes the peer
  CHECK(r.pump_status == GUNPP_INVALID_ARGUMENT);
  CHECK_FALSE(r.closed);  // still usable inside the callback
}

namespace {
struct Reads {
  std::vector<std::string> said;  // key:found:json
  int done = 0;
  std::vector<gunpp_chain_result> puts;
  std::vector<std::string> souls;
};
void on_snapshot(void* user, gunpp_str key, int32_t found, gunpp_str json) {
  static_cast<Reads*>(user)->said.push_back(std::string(text(key)) + ":" +
                                            std::to_string(found) + ":" +
                                            std::string(text(json)));
}
void on_done(void* user) { ++static_cast<Reads*>(user)->done; }
void on_chain_put(void* user, const gunpp_chain_result* r) {
  auto* reads = static_cast<Reads*>(user);
  reads->puts.push_back(*r);
  reads->souls.emplace_back(text(r->soul));
}
}  // namespace

TEST_CASE("the chain API: nested put, once with depth, set, map, on") {
  gunpp_options options = memory_options();
  options.read_wait_ms = 1;
  Reads reads;  // outlives the peer, whose close may still call back
  Peer peer(&options);
  const gunpp_str alice_path[] = {GUNPP_STR("app"), GUNPP_STR("alice")};
  const gunpp_path alice = {alice_path, 2, nullptr};
  REQUIRE(gunpp_chain_put(
              peer, &alice,
              GUNPP_STR(R"({"name":"Alice","address":{"city":"Paris"}})"), 1,
              on_chain_put, &reads) == GUNPP_OK);
  REQUIRE(gunpp_chain_once(peer, &alice, 1, on_snapshot, &reads) == GUNPP_OK);
  REQUIRE(pump_until({peer}, [&] { return reads.said.size() == 1; }));
  CHECK(reads.said[0] ==
        R"(alice:1:{"name":"Alice","address":{"city":"Paris"}})");
  CHECK(json_of(peer, "app/alice/address", GUNPP_JSON_PLAIN) ==
        R"({"city":"Paris"})");
  REQUIRE(pump_until({peer}, [&] { return reads.puts.size() == 1; }));
  CHECK(reads.puts[0].status == GUNPP_OK);
  CHECK(reads.puts[0].acked == 0);  // no peer to ack it
  CHECK(reads.souls[0] == "app/alice");

  const gunpp_str chat_path[] = {GUNPP_STR("chat")};
  const gunpp_path chat = {chat_path, 1, nullptr};
  std::uint64_t watch = 0;
  REQUIRE(gunpp_chain_on(peer, &chat, 1, on_snapshot, &reads, &watch) == 0);
  gunpp_buf soul{};
  REQUIRE(gunpp_chain_set(peer, &chat, GUNPP_STR(R"({"msg":"hi"})"), 1, nullptr,
                          nullptr, &soul) == GUNPP_OK);
  const std::string item(soul.data, soul.size);
  gunpp_buf_free(&soul);
  CHECK(item.size() > 12);
  REQUIRE(pump_until({peer}, [&] { return reads.said.size() == 2; }));
  CHECK(reads.said[1] == item + R"(:1:{"msg":"hi"})");
  REQUIRE(gunpp_chain_off(peer, watch) == GUNPP_OK);
  CHECK(gunpp_chain_off(peer, watch) == GUNPP_NOT_FOUND);

  REQUIRE(gunpp_chain_map_once(peer, &chat, on_snapshot, on_done, &reads) ==
          GUNPP_OK);
  REQUIRE(pump_until({peer}, [&] { return reads.done == 1; }));
  CHECK(reads.said.back() == item + R"(:1:{"msg":"hi"})");

  const gunpp_str missing_path[] = {GUNPP_STR("nobody")};
  const gunpp_path missing = {missing_path, 1, nullptr};
  const std::size_t before = reads.said.size();
  REQUIRE(gunpp_chain_once(peer, &missing, 0, on_snapshot, &reads) == 0);
  REQUIRE(pump_until({peer}, [&] { return reads.said.size() > before; }));
  CHECK(reads.said.back() == "nobody:0:null");

  CHECK(gunpp_chain_put(peer, &alice, GUNPP_STR("[1,2]"), 0, nullptr,
                        nullptr) == GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_chain_put(peer, &alice, GUNPP_STR("{\"a\":"), 0, nullptr,
                        nullptr) == GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_chain_put(peer, &chat, GUNPP_STR("1"), 0, nullptr, nullptr) ==
        GUNPP_INVALID_ARGUMENT);  // a primitive on a root soul
  const gunpp_str empty_key[] = {GUNPP_STR("app"), GUNPP_STR("")};
  const gunpp_path bad = {empty_key, 2, nullptr};
  CHECK(gunpp_chain_put(peer, &bad, GUNPP_STR("1"), 0, nullptr, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_chain_once(peer, nullptr, 0, on_snapshot, &reads) ==
        GUNPP_INVALID_ARGUMENT);
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "{\"a\":";
  deep += "1" + std::string(40, '}');
  CHECK(gunpp_chain_put(peer, &alice, str(deep), 0, nullptr, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
}

TEST_CASE("SEA: pairs, signatures, and a user's signed space") {
  gunpp_pair* pair = nullptr;
  REQUIRE(gunpp_pair_new(&pair) == GUNPP_OK);
  CHECK(pair->pub.size == 87);
  gunpp_buf json{};
  REQUIRE(gunpp_pair_to_json(pair, &json) == GUNPP_OK);
  gunpp_pair* again = nullptr;
  REQUIRE(gunpp_pair_from_json(gunpp_str{json.data, json.size}, &again) == 0);
  CHECK(text(again->priv) == text(pair->priv));
  gunpp_buf_free(&json);
  gunpp_pair_free(again);
  CHECK(gunpp_pair_from_json(GUNPP_STR("{}"), &again) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(again == nullptr);

  gunpp_buf sig{};
  REQUIRE(gunpp_sign(pair, GUNPP_STR("hello"), &sig) == GUNPP_OK);
  const gunpp_str signature = {sig.data, sig.size};
  CHECK(gunpp_verify(GUNPP_STR("hello"), signature, pair->pub) == GUNPP_OK);
  CHECK(gunpp_verify(GUNPP_STR("hellO"), signature, pair->pub) ==
        GUNPP_UNAUTHENTICATED);
  CHECK(gunpp_verify(GUNPP_STR("hello"), signature, GUNPP_STR("x.y")) ==
        GUNPP_INVALID_ARGUMENT);
  gunpp_buf_free(&sig);

  gunpp_options options = memory_options();
  options.read_wait_ms = 1;
  Reads reads;  // outlives the peer, whose close may still call back
  Peer peer(&options);
  const std::string user_soul = "~" + std::string(text(pair->pub));
  const gunpp_str path_keys[] = {str(user_soul), GUNPP_STR("profile")};
  const gunpp_path profile = {path_keys, 2, pair};
  REQUIRE(gunpp_chain_put(peer, &profile, GUNPP_STR(R"({"name":"Alice"})"), 1,
                          on_chain_put, &reads) == GUNPP_OK);
  REQUIRE(gunpp_chain_once(peer, &profile, 0, on_snapshot, &reads) == 0);
  REQUIRE(pump_until({peer}, [&] { return !reads.said.empty(); }));
  CHECK(reads.said[0] == R"(profile:1:{"name":"Alice"})");
  REQUIRE(pump_until({peer}, [&] { return reads.puts.size() == 1; }));
  CHECK(reads.puts[0].status == GUNPP_OK);
  // Stored signed: the envelope, not the bare value.
  gunpp_node* node = nullptr;
  REQUIRE(gunpp_get_field(peer, str(user_soul + "/profile"), GUNPP_STR("name"),
                          &node) == GUNPP_OK);
  CHECK(text(node->fields[0].value.text).find("\"~\":") != std::string::npos);
  gunpp_node_free(node);

  // Unsigned writes into the space are refused; so is another user's path.
  const gunpp_field forged = {GUNPP_STR("name"), GUNPP_TEXT("Mallory"), 0};
  CHECK(gunpp_write(peer, str(user_soul + "/profile"), &forged, 1, nullptr,
                    nullptr) == GUNPP_UNAUTHENTICATED);
  const gunpp_str other_keys[] = {GUNPP_STR("~someone"), GUNPP_STR("x")};
  const gunpp_path other = {other_keys, 2, pair};
  CHECK(gunpp_chain_put(peer, &other, GUNPP_STR("1"), 0, nullptr, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
  gunpp_pair_free(pair);
}

TEST_CASE("two peers over a real socket: a relay and a client") {
  Changes seen;  // both outlive the peers, whose close may still call back
  Reads reads;
  Peer relay, client;
  std::uint16_t port = 0;
  REQUIRE(gunpp_listen(relay, "127.0.0.1", 0, &port) == GUNPP_OK);
  CHECK(port != 0);
  CHECK(gunpp_listen(relay, "127.0.0.1", 0, &port) == GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_listen(client, "not an ip", 0, nullptr) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_connect(client, "http://x") == GUNPP_INVALID_ARGUMENT);
  const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/gun";
  REQUIRE(gunpp_connect(client, url.c_str()) == GUNPP_OK);
  REQUIRE(pump_until({relay, client}, [&] {
    return gunpp_peer_count(relay) == 1 && gunpp_peer_count(client) == 1;
  }));

  std::uint64_t id = 0;
  REQUIRE(gunpp_subscribe(relay, GUNPP_STR("news"), on_change, &seen, &id) ==
          0);
  const gunpp_field f = {GUNPP_STR("x"), number(7), 0};
  REQUIRE(gunpp_write(client, GUNPP_STR("news"), &f, 1, nullptr, nullptr) == 0);
  REQUIRE(pump_until({relay, client}, [&] { return !seen.seen.empty(); }));
  CHECK(seen.seen[0] == "news.x=7");

  // A chain put from the client is acked by the relay.
  const gunpp_str path_keys[] = {GUNPP_STR("news"), GUNPP_STR("y")};
  const gunpp_path path = {path_keys, 2, nullptr};
  REQUIRE(gunpp_chain_put(client, &path, GUNPP_STR("8"), 5000, on_chain_put,
                          &reads) == 0);
  REQUIRE(pump_until({relay, client}, [&] { return !reads.puts.empty(); }));
  CHECK(reads.puts[0].acked == 1);
}

TEST_CASE("the fuzz property holds on the corpus and the regressions") {
  const std::size_t inputs = gunpp::testing::replay_inputs(
      {GUNPP_FUZZ_DIR "/corpus/c_api", GUNPP_FUZZ_DIR "/regressions/c_api"},
      [](const std::string& bytes) {
        CHECK(gunpp::testing::c_api_property_violation(bytes).empty());
      });
  CHECK(inputs >= 4);
}
