// Tests of wire-frame decoding, written against a decoder type so that every
// decoder runs every case: add a type with a static decode() to
// GUNPP_DECODERS.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/replay.hpp"
#include "fuzz/wire_protocol_property.hpp"
#include "gunpp/wire/message.hpp"
#include "wire/frame_handler.hpp"

namespace gunpp {
namespace {

// decode_frame(): simdjson, with the reference decoder for what it refuses.
struct SimdjsonDecoder {
  static Result<DecodedFrame> decode(std::string_view text,
                                     const WireLimits& limits = {}) {
    return decode_frame(text, limits);
  }
};

// The reference decoder, on nlohmann_json's SAX interface.
struct ReferenceDecoder {
  static Result<DecodedFrame> decode(std::string_view text,
                                     const WireLimits& limits = {}) {
    return detail::decode_frame_reference(text, limits);
  }
};

// One FrameDecoder for every case, its buffers carried from each frame to
// the next, as a peer's are.
struct WarmDecoder {
  static Result<DecodedFrame> decode(std::string_view text,
                                     const WireLimits& limits = {}) {
    static FrameDecoder decoder;
    return decoder.decode(text, limits);
  }
};

// The text parsed in place (PaddedFrame), followed by padding that would
// change the parse if the decoder took any of it for text.
constexpr std::string_view kGarbage = R"(,"\]}{[1e999)";

std::string with_garbage_after(std::string_view text) {
  std::string buffer(text);
  while (buffer.size() < text.size() + kFramePadding) buffer += kGarbage;
  return buffer;
}

struct PaddedDecoder {
  static Result<DecodedFrame> decode(std::string_view text,
                                     const WireLimits& limits = {}) {
    const std::string buffer = with_garbage_after(text);
    return FrameDecoder().decode(
        PaddedFrame{std::string_view(buffer).substr(0, text.size())}, limits);
  }
};

#define GUNPP_DECODERS \
  SimdjsonDecoder, WarmDecoder, PaddedDecoder, ReferenceDecoder

// Decodes a frame holding one message.
template <typename Decoder>
Message decode_one(const std::string& text) {
  auto frame = Decoder::decode(text);
  REQUIRE(frame.is_ok());
  REQUIRE(frame->messages.size() == 1);
  return std::move(frame->messages[0]);
}

// The single node of a valid put.
const NodeDelta& only_node(const Message& m) {
  REQUIRE(m.error.is_ok());
  REQUIRE(m.put.has_value());
  REQUIRE(m.put->nodes().size() == 1);
  return m.put->nodes()[0];
}

template <typename Decoder>
std::string error_of(const std::string& put) {
  const Message m = decode_one<Decoder>(R"({"#":"m","put":)" + put + "}");
  CHECK(m.has_put);
  CHECK_FALSE(m.put.has_value());
  return m.error.message();
}

TEMPLATE_TEST_CASE("decode a put with every kind of value", "[wire]",
                   GUNPP_DECODERS) {
  const Message m = decode_one<TestType>(
      R"({"#":"m1","put":{"a":{"_":{"#":"a",">":{"s":1000,"n":1000,"t":1000,)"
      R"("f":1000,"z":1000,"r":1000,"i":1000}},"s":"x","n":1.5,"t":true,)"
      R"("f":false,"z":null,"r":{"#":"b"},"i":-12}}})");
  CHECK(m.id == "m1");
  CHECK(m.has_put);
  const NodeDelta& node = only_node(m);
  CHECK(node.soul == "a");
  const FieldVector expected = {
      {"s", Value("x"), 1000},  {"n", Value(1.5), 1000},
      {"t", Value(true), 1000}, {"f", Value(false), 1000},
      {"z", Value(), 1000},     {"r", Value(Link("b")), 1000},
      {"i", Value(-12), 1000},
  };
  CHECK(node.fields == expected);
}

TEMPLATE_TEST_CASE("decode: meta may come last and states in any order",
                   "[wire]", GUNPP_DECODERS) {
  const Message m = decode_one<TestType>(
      R"({"put":{"a":{"y":2,"x":1,"_":{">":{"x":10,"y":20},"#":"a"}}}})");
  const NodeDelta& node = only_node(m);
  CHECK(node.fields == FieldVector{{"y", Value(2), 20}, {"x", Value(1), 10}});
}

TEMPLATE_TEST_CASE("decode: duplicates keep the last value, as JSON.parse",
                   "[wire]", GUNPP_DECODERS) {
  const Message m = decode_one<TestType>(
      R"({"put":{"a":{"_":{"#":"a",">":{"k":1,"k":5}},"k":"first","k":"last"},)"
      R"("b":{"_":{"#":"b",">":{"x":1}},"x":1},)"
      R"("b":{"_":{"#":"b",">":{"y":2}},"y":2}}})");
  REQUIRE(m.put);
  REQUIRE(m.put->nodes().size() == 2);
  CHECK(m.put->nodes()[0].fields == FieldVector{{"k", Value("last"), 5}});
  CHECK(m.put->nodes()[1].fields == FieldVector{{"y", Value(2), 2}});
  CHECK(m.put->field_count() == 2);
}

TEMPLATE_TEST_CASE(
    "decode: ghost states, extra meta and the empty key are ignored", "[wire]",
    GUNPP_DECODERS) {
  // V21 and V14: ghost states and "_" states are not fields; "" is dropped
  // without any check, even with a bad value and no state.
  const Message m = decode_one<TestType>(
      R"({"put":{"b":{"_":{"#":"b",">":{"y":1000,"ghost":"x","_":1},"extra":1},)"
      R"("y":2,"":[1,2],"":{"x":1}}}})");
  const NodeDelta& node = only_node(m);
  CHECK(node.fields == FieldVector{{"y", Value(2), 1000}});
}

TEMPLATE_TEST_CASE("decode: numbers", "[wire]", GUNPP_DECODERS) {
  const Message m = decode_one<TestType>(
      R"({"put":{"a":{"_":{"#":"a",">":{"a":1,"b":1,"c":1,"d":1,"e":1}},)"
      R"("a":12345678901234567890,"b":-0,"c":1e21,"d":5e-324,"e":0.1}}})");
  const NodeDelta& node = only_node(m);
  REQUIRE(node.fields.size() == 5);
  CHECK(node.fields[0].value == Value(12345678901234567890.0));
  CHECK(node.fields[1].value == Value(0));
  CHECK(node.fields[2].value == Value(1e21));
  CHECK(node.fields[3].value == Value(5e-324));
  CHECK(node.fields[4].value == Value(0.1));
}

TEMPLATE_TEST_CASE("decode: GUN's error categories, naming soul and key",
                   "[wire]", GUNPP_DECODERS) {
  CHECK(error_of<TestType>(R"({"a":null})") ==
        "Invalid graph: soul 'a': no node");
  CHECK(error_of<TestType>(R"({"a":0})") == "Invalid graph: soul 'a': no node");
  CHECK(error_of<TestType>(R"({"a":""})") ==
        "Invalid graph: soul 'a': no node");
  CHECK(error_of<TestType>(R"({"abcdefghijk":{"x":1}})") ==
        "Invalid graph: soul 'abcdefghijk': no meta");
  CHECK(error_of<TestType>(R"({"a":"str"})") ==
        "Invalid graph: soul 'a': no meta");
  CHECK(error_of<TestType>(R"({"a":[1]})") ==
        "Invalid graph: soul 'a': no meta");
  CHECK(error_of<TestType>(R"({"a":{"_":1,"x":1}})") ==
        "Invalid graph: soul 'a': no meta");
  CHECK(error_of<TestType>(R"({"a":{"_":{"#":"b",">":{"x":1}},"x":1}})") ==
        "Invalid graph: soul 'a': soul not same");
  CHECK(error_of<TestType>(R"({"a":{"_":{">":{"x":1}},"x":1}})") ==
        "Invalid graph: soul 'a': soul not same");
  CHECK(error_of<TestType>(R"({"a":{"_":{"#":"a"},"x":1}})") ==
        "Invalid graph: soul 'a': no state");
  CHECK(error_of<TestType>(R"({"a":{"_":{"#":"a",">":null},"x":1}})") ==
        "Invalid graph: soul 'a': no state");
  CHECK(error_of<TestType>(R"({"a":{"_":{"#":"a",">":{}},"x":1,"y":2}})") ==
        "Invalid graph: soul 'a' key 'x': no state");
}

TEMPLATE_TEST_CASE("decode: states must be finite numbers", "[wire]",
                   GUNPP_DECODERS) {
  for (const char* state : {R"("abc")", "null", "true", "[2000]", R"({"a":1})",
                            R"("1000")", "1e999", "-1e999"}) {
    INFO("state " << state);
    CHECK(error_of<TestType>(std::string(R"({"a":{"_":{"#":"a",">":{"k":)") +
                             state + R"(}},"k":"v"}})") ==
          "Invalid graph: soul 'a' key 'k': state is not a finite number");
  }
}

TEMPLATE_TEST_CASE("decode: bad values", "[wire]", GUNPP_DECODERS) {
  auto with_value = [](const std::string& value) {
    return error_of<TestType>(R"({"a":{"_":{"#":"a",">":{"x":1,"w":1}},"x":)" +
                              value + R"(,"w":1}})");
  };
  CHECK(with_value("[1,2]") ==
        "Invalid graph: soul 'a' key 'x': bad value (array)");
  CHECK(with_value("[]") ==
        "Invalid graph: soul 'a' key 'x': bad value (array)");
  CHECK(with_value(R"({"y":1})") ==
        "Invalid graph: soul 'a' key 'x': bad value (object)");
  CHECK(with_value("{}") ==
        "Invalid graph: soul 'a' key 'x': bad value (object)");
  CHECK(with_value(R"({"#":""})") ==
        "Invalid graph: soul 'a' key 'x': bad value (object)");
  CHECK(with_value(R"({"#":5})") ==
        "Invalid graph: soul 'a' key 'x': bad value (object)");
  CHECK(with_value(R"({"#":"b",".":"c"})") ==
        "Invalid graph: soul 'a' key 'x': bad value (object)");
  CHECK(with_value(R"({"#":{"#":"b"}})") ==
        "Invalid graph: soul 'a' key 'x': bad value (object)");
  CHECK(with_value("1e999") ==
        "Invalid graph: soul 'a' key 'x': bad value (number out of range)");
  CHECK(with_value("-1e999") ==
        "Invalid graph: soul 'a' key 'x': bad value (number out of range)");
  // The bad field being the very last one changes nothing (GUN.js loses
  // that error and relays the message).
  CHECK(error_of<TestType>(R"({"a":{"_":{"#":"a",">":{"x":1}},"x":[1,2]}})") ==
        "Invalid graph: soul 'a' key 'x': bad value (array)");
}

TEMPLATE_TEST_CASE("decode: an invalid part voids the whole put", "[wire]",
                   GUNPP_DECODERS) {
  // V13 and V20: a valid node or field next to an invalid one is not kept.
  const Message m = decode_one<TestType>(
      R"({"put":{"b":{"_":{"#":"b",">":{"y":1}},"y":2},)"
      R"("a":{"_":{"#":"a",">":{"x":1,"y":1,"z":1}},"x":"X","y":[1],"z":"Z"}}})");
  CHECK_FALSE(m.put);
  CHECK(m.error.code() == Status::Code::kInvalidArgument);
  CHECK(m.error.message() ==
        "Invalid graph: soul 'a' key 'y': bad value (array)");
}

TEMPLATE_TEST_CASE("decode: put shapes", "[wire]", GUNPP_DECODERS) {
  CHECK_FALSE(decode_one<TestType>(R"({"#":"m","put":null})").has_put);
  CHECK_FALSE(decode_one<TestType>(R"({"#":"m","put":0})").has_put);
  CHECK(error_of<TestType>(R"("text")") == "Invalid graph: put is not a graph");
  CHECK(error_of<TestType>(R"([1])") == "Invalid graph: put is not a graph");
  const Message empty = decode_one<TestType>(R"({"put":{}})");
  REQUIRE(empty.put);
  CHECK(empty.put->empty());
  // GUN's internal single-field form is ignored, as GUN.js ignores it.
  const Message single =
      decode_one<TestType>(R"({"put":{"#":"a",".":"x",":":1,">":1000}})");
  CHECK_FALSE(single.has_put);
  CHECK_FALSE(single.put);
  CHECK(single.error.is_ok());
}

TEMPLATE_TEST_CASE("decode gets and acks", "[wire]", GUNPP_DECODERS) {
  const Message whole = decode_one<TestType>(R"({"#":"g","get":{"#":"a"}})");
  REQUIRE(whole.get);
  CHECK(whole.get->soul == "a");
  CHECK_FALSE(whole.get->key);
  CHECK_FALSE(whole.get->lex);
  const Message key =
      decode_one<TestType>(R"({"#":"g","get":{"#":"a",".":"y"}})");
  CHECK(key.get->key == std::optional<std::string>("y"));
  CHECK_FALSE(decode_one<TestType>(R"({"get":{"#":"a",".":""}})").get->key);
  CHECK(decode_one<TestType>(R"({"get":{"#":"a",".":{"*":"x"}}})").get->lex);

  const Message ack = decode_one<TestType>(R"({"#":"k","@":"m1","ok":{"":1}})");
  CHECK(ack.reply_to == "m1");
  CHECK(ack.ok);
  CHECK_FALSE(ack.has_put);
  const Message nack =
      decode_one<TestType>(R"({"@":"m1","err":"nope","ok":0})");
  CHECK(nack.err == std::optional<std::string>("nope"));
  CHECK_FALSE(nack.ok);
  // Unknown members of any shape are skipped.
  const Message extra = decode_one<TestType>(
      R"({"dam":"hi","##":[1,{"a":[2]}],"#":"x","><":"p","put":{}})");
  CHECK(extra.id == "x");
  CHECK(extra.put);
}

TEMPLATE_TEST_CASE("decode: the members a mesh routes by", "[wire]",
                   GUNPP_DECODERS) {
  const Message hello =
      decode_one<TestType>(R"({"#":"h","dam":"?","pid":"P1","@":"x"})");
  CHECK(hello.dam == "?");
  CHECK(hello.pid == "P1");
  CHECK(hello.reply_to == "x");
  const Message relayed = decode_one<TestType>(
      R"({"#":"r","><":"a,b","##":-114189300,"@":"g","put":{}})");
  CHECK(relayed.via == "a,b");
  CHECK(relayed.hash == std::optional<double>(-114189300));
  const Message plain = decode_one<TestType>(R"({"#":"p","dam":5,"##":"x"})");
  CHECK(plain.dam.empty());
  CHECK_FALSE(plain.hash);
}

TEMPLATE_TEST_CASE("decode: each message knows its element of the frame",
                   "[wire]", GUNPP_DECODERS) {
  const std::string text =
      R"( [ 5, {"#":"a"} , "{\"#\":\"b\"}", [1,{"#":"no"}], 1e999, {"#":"c","s":"],\""} ] )";
  auto frame = TestType::decode(text);
  REQUIRE(frame);
  REQUIRE(frame->messages.size() == 3);
  const auto elements = frame_elements(text);
  REQUIRE(elements.size() == 6);
  CHECK(elements[0] == "5");
  CHECK(elements[3] == R"([1,{"#":"no"}])");
  CHECK(frame->messages[0].element == 1);
  CHECK(elements[frame->messages[0].element] == R"({"#":"a"})");
  CHECK_FALSE(frame->messages[0].in_string);
  CHECK(frame->messages[1].element == 2);
  CHECK(frame->messages[1].in_string);
  CHECK(elements[2] == R"("{\"#\":\"b\"}")");
  CHECK(frame->messages[2].element == 5);
  CHECK(elements[5] == R"({"#":"c","s":"],\""})");
  const std::string object = R"(  {"#":"o"} )";
  CHECK(frame_elements(object) ==
        std::vector<std::string_view>{R"({"#":"o"})"});
  CHECK(frame_elements("[]").empty());
}

TEST_CASE("a member added to a message's text overrides one of its name",
          "[wire]") {
  using detail::with_string_member;
  CHECK(with_string_member(R"({"#":"a"})", "><", "p1,p2") ==
        R"({"#":"a","><":"p1,p2"})");
  CHECK(with_string_member(" { } ", "#", "id") == R"({ "#":"id"})");
  const std::string added =
      with_string_member(R"({"#":"old","get":{"#":"s"}} )", "#", "n\"w");
  const auto frame = decode_frame(added);
  REQUIRE(frame);
  CHECK(frame->messages.at(0).id == "n\"w");
  REQUIRE(frame->messages.at(0).get);
}

TEST_CASE("a FrameDecoder decodes a large frame, then small ones, then again",
          "[wire]") {
  FrameDecoder decoder;
  std::string big = R"({"#":"big","put":{"n":{"_":{"#":"n",">":{"k":1}},"k":")";
  big += std::string(5u << 20, 'v') + "\"}}}";
  const auto check_big = [&] {
    auto frame = decoder.decode(big);
    REQUIRE(frame);
    const Graph& put = *frame->messages.at(0).put;
    CHECK(put.nodes().at(0).fields.at(0).value.as_string().size() == 5u << 20);
  };
  check_big();
  // More small frames in a row than the decoder keeps large buffers for.
  for (int i = 0; i < 100; ++i) {
    const std::string id = std::to_string(i);
    auto frame = decoder.decode(R"({"#":")" + id + R"(","get":{"#":"s"}})");
    REQUIRE(frame);
    CHECK(frame->messages.at(0).id == id);
  }
  check_big();
  FrameDecoder moved = std::move(decoder);
  CHECK(moved.decode(R"([{"#":"m"}])")->messages.at(0).id == "m");
  decoder = FrameDecoder();
  CHECK(decoder.decode(R"({"#":"fresh"})")->messages.at(0).id == "fresh");
  CHECK_FALSE(decoder.decode("[1,").is_ok());
}

TEST_CASE("a large padded frame is parsed where it lies, padding unread",
          "[wire]") {
  // Above the size (2 MiB) from which an unpadded frame is copied first.
  std::string big =
      R"([{"#":"big","put":{"n":{"_":{"#":"n",">":{"k":1}},"k":")";
  big += std::string(3u << 20, 'v') + "\"}}}, 7]";
  const std::string buffer = with_garbage_after(big);
  const PaddedFrame frame{std::string_view(buffer).substr(0, big.size())};
  FrameDecoder decoder;
  for (int round = 0; round < 2; ++round) {  // fresh, then warm buffers
    auto padded = decoder.decode(frame);
    auto copied = decode_frame(big);
    REQUIRE(padded);
    REQUIRE(copied);
    CHECK(padded->skipped == 1);
    REQUIRE(padded->messages.size() == 1);
    REQUIRE(padded->messages[0].put);
    CHECK(padded->messages[0].put->nodes().at(0).fields ==
          copied->messages[0].put->nodes().at(0).fields);
  }
  CHECK(buffer == with_garbage_after(big));  // read, never written
  // A padded frame that is not JSON is refused as an unpadded one is.
  const std::string_view cut = std::string_view(big).substr(0, big.size() - 4);
  const std::string cut_buffer = with_garbage_after(cut);
  const auto refused = decoder.decode(
      PaddedFrame{std::string_view(cut_buffer).substr(0, cut.size())});
  REQUIRE_FALSE(refused);
  CHECK(refused.status().message() == decode_frame(cut).status().message());
}

TEMPLATE_TEST_CASE("decode frames", "[wire]", GUNPP_DECODERS) {
  SECTION("an array of messages, with strings holding messages") {
    auto frame = TestType::decode(
        R"( [{"#":"a"}, "{\"#\":\"b\"}", [{"#":"nested"}], 5, "x", {"#":"c"}] )");
    REQUIRE(frame);
    REQUIRE(frame->messages.size() == 3);
    CHECK(frame->messages[0].id == "a");
    CHECK(frame->messages[1].id == "b");
    CHECK(frame->messages[2].id == "c");
    CHECK(frame->skipped == 3);
  }
  SECTION("a number out of range fails only its own message") {
    auto frame = TestType::decode(
        R"([{"#":"a","put":{"s":{"_":{"#":"s",">":{"k":1}},"k":1e999}}},)"
        R"( {"#":"b","put":{"s":{"_":{"#":"s",">":{"k":1}},"k":2}}}, 7 ])");
    REQUIRE(frame);
    REQUIRE(frame->messages.size() == 2);
    CHECK_FALSE(frame->messages[0].put);
    CHECK(frame->messages[0].id == "a");
    CHECK_FALSE(frame->messages[0].error.is_ok());
    CHECK(frame->messages[1].put);
    CHECK(frame->skipped == 1);
  }
  SECTION("errors") {
    CHECK(TestType::decode("").status().code() ==
          Status::Code::kInvalidArgument);
    CHECK(TestType::decode("nope").status().code() ==
          Status::Code::kInvalidArgument);
    CHECK(TestType::decode("42").status().code() ==
          Status::Code::kInvalidArgument);
    CHECK(TestType::decode(R"({"#":"a")").status().code() ==
          Status::Code::kInvalidArgument);
    CHECK(TestType::decode(R"({"#":"a"} {"#":"b"})").status().code() ==
          Status::Code::kInvalidArgument);
    CHECK(TestType::decode(R"({"a":1e999} x)").status().code() ==
          Status::Code::kInvalidArgument);
    CHECK(TestType::decode("[{\"a\":\"\xFF\"}]").status().code() ==
          Status::Code::kInvalidArgument);  // not UTF-8
    CHECK(TestType::decode(R"({"#":"\ud800"})").status().code() ==
          Status::Code::kInvalidArgument);  // lone surrogate
    // A raw NUL byte after the value, in it, or in a string, with and
    // without a number that only the reference decoder reads.
    using namespace std::string_literals;
    for (
        const std::string& text :
        {"{\"#\":\"a\"}\0"s, "{\"#\":\"a\"}\t\0\0x"s, "{\"#\":\"a\"}\0 "s,
         "{\"#\":\"a\0\"}"s, "[{\"#\":\"a\"},\0{}]"s, "{\"a\":1e999}\0"s,
         "{\"put\":{\"s\":{\"_\":{\"#\":\"s\",\">\":{\"k\":6}},\"k\":90e99}}}\t\0"s}) {
      INFO(text);
      CHECK(TestType::decode(text).status().message() ==
            "frame is not valid JSON");
    }
  }
  SECTION("limits") {
    WireLimits limits;
    limits.max_frame_bytes = 10;
    CHECK(TestType::decode(R"({"#":"abcdefgh"})", limits).status().code() ==
          Status::Code::kResourceExhausted);
    limits = WireLimits();
    limits.max_messages_per_frame = 2;
    CHECK(TestType::decode("[{},{},{}]", limits).status().code() ==
          Status::Code::kResourceExhausted);
    CHECK(TestType::decode("[{},{}]", limits));
  }
  SECTION("escapes decode to UTF-8") {
    const Message m = decode_one<TestType>(R"({"#":"\ud83d\ude00\u00e9\n"})");
    CHECK(m.id == "\xF0\x9F\x98\x80\xC3\xA9\n");
  }
}

TEMPLATE_TEST_CASE(
    "decode: numbers out of range never make the decoder recurse",
    "[wire][regression]", GUNPP_DECODERS) {
  SECTION("one alone in an array frame is a skipped element") {
    auto frame = TestType::decode("[1e999]");
    REQUIRE(frame);
    CHECK(frame->messages.empty());
    CHECK(frame->skipped == 1);
  }
  SECTION("inside nested arrays, deep ones included") {
    auto frame = TestType::decode(R"([[1e999],[[-2e949]],{"#":"b"}])");
    REQUIRE(frame);
    REQUIRE(frame->messages.size() == 1);
    CHECK(frame->messages[0].id == "b");
    CHECK(frame->skipped == 2);
    const std::string deep =
        std::string(100000, '[') + "1e999" + std::string(100000, ']');
    auto deep_frame = TestType::decode(deep);
    REQUIRE(deep_frame);
    CHECK(deep_frame->skipped == 1);
  }
  SECTION("in a message held in a string element") {
    auto frame = TestType::decode(
        R"(["{\"#\":\"s\",\"put\":{\"a\":{\"_\":{\"#\":\"a\",\">\":{\"k\":1}},)"
        R"(\"k\":1e999}}}",{"#":"t"}])");
    REQUIRE(frame);
    REQUIRE(frame->messages.size() == 2);
    CHECK(frame->messages[0].id == "s");
    CHECK_FALSE(frame->messages[0].put);
    CHECK(frame->messages[0].error.message() ==
          "Invalid graph: soul 'a' key 'k': bad value (number out of range)");
    CHECK(frame->messages[1].id == "t");
  }
  SECTION("the rest of the message is still read, and the error is the first") {
    const Message m = decode_one<TestType>(
        R"({"put":{"a":{"_":{"#":"a",">":{"k":1e999}},"k":1}},"#":"late"})");
    CHECK(m.id == "late");
    CHECK(m.has_put);
    CHECK_FALSE(m.put);
    CHECK(m.error.message() ==
          "Invalid graph: soul 'a' key 'k': state is not a finite number");
    const Message other =
        decode_one<TestType>(R"({"#":"m","x":1e999,"put":{}})");
    CHECK_FALSE(other.put);
    CHECK(other.error.message() == "Invalid graph: number out of range");
    // GUN's single-field form is ignored, but not when it overflows.
    const Message single =
        decode_one<TestType>(R"({"put":{"#":"a",".":"k",":":1e999}})");
    CHECK_FALSE(single.put);
    CHECK(single.error.message() == "Invalid graph: number out of range");
  }
  SECTION("many in one frame cost one more pass, not one per number") {
    std::string text = "[";
    for (int i = 0; i < 50000; ++i) text += "1e999,{\"#\":\"m\"},";
    text += "2]";
    auto frame = TestType::decode(text);
    REQUIRE(frame);
    CHECK(frame->messages.size() == 50000);
    CHECK(frame->skipped == 50001);
  }
  SECTION("text that is not JSON stays an error") {
    for (const char* text :
         {"[1e999-5]", "[01e999]", "[1e999,]", "[1e999e5]", "[-1e999",
          R"({"a":1e999,})", R"([{"a":1e999}x])", "[1e999 1]"}) {
      INFO(text);
      CHECK(TestType::decode(text).status().message() ==
            "frame is not valid JSON");
    }
  }
}

TEST_CASE("every input the fuzzer found crashing keeps the fuzz property",
          "[wire][regression]") {
  const std::size_t inputs = testing::replay_inputs(
      {GUNPP_FUZZ_REGRESSIONS_DIR}, [](const std::string& text) {
        CHECK(testing::wire_protocol_property_violation(text).empty());
      });
  CHECK(inputs >= 2);
}

// A frame of `n` fields in one node, megabytes long for large n; `tail`
// goes after the node's last field (a duplicate, say).
std::string big_put(std::size_t n, const std::string& tail = "") {
  std::string states;
  std::string fields;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string key = "key" + std::to_string(i);
    states += (i ? ",\"" : "\"") + key + "\":" + std::to_string(1000 + i);
    fields +=
        ",\"" + key + "\":" +
        (i % 2 ? "\"value" + std::to_string(i) + "\"" : std::to_string(i));
  }
  return R"({"#":"big","put":{"n":{"_":{"#":"n",">":{)" + states + "}}" +
         fields + tail + "}}}";
}

TEST_CASE("decoders agree on frames of megabytes, one after another",
          "[wire][differential]") {
  // Frames past 2 MiB are copied into the parser's own padded buffer, sized
  // for the largest so far: growing, reused, then a small frame between.
  const std::vector<std::string> frames = {
      big_put(60'000),
      big_put(60'000, R"(,"key7":"last wins")"),
      "[" + big_put(150'000) + "," + big_put(3) + "]",
      big_put(2),
      big_put(60'000, R"(,"key9":[1])"),     // a bad field: the put fails
      big_put(80'000).substr(0, 2'500'000),  // cut: not JSON
  };
  for (const std::string& text : frames) {
    INFO(text.size() << " bytes");
    const auto fast = decode_frame(text);
    CHECK(testing::describe_decoded(fast) ==
          testing::describe_decoded(detail::decode_frame_reference(text)));
  }
  const auto frame = decode_frame(frames[1]);
  REQUIRE(frame.is_ok());
  const NodeDelta& node = only_node(frame->messages.at(0));
  REQUIRE(node.fields.size() == 60'000);
  CHECK(node.fields[7].value == Value("last wins"));
  CHECK(node.fields[59'999].key == "key59999");
  CHECK(node.fields[59'999].value == Value("value59999"));
  CHECK(node.fields[59'999].state == 1000 + 59'999);
  CHECK(frames[0].size() > 2 * 1024 * 1024);
  CHECK(frames[5].size() == 2'500'000);
  CHECK_FALSE(decode_frame(frames[5]).is_ok());
}

TEST_CASE("both decoders agree on every input of the fuzz corpora",
          "[wire][differential]") {
  // Wire frames, the mesh's frames and the agent's JSON lines: all bytes
  // that reached a decoder. Lines are tried one by one as well.
  std::size_t inputs = 0;
  std::size_t simdjson_accepted = 0;
  const auto check = [&](std::string_view text) {
    const auto fast = decode_frame(text);
    CHECK(testing::describe_decoded(fast) ==
          testing::describe_decoded(detail::decode_frame_reference(text)));
    if (fast) ++simdjson_accepted;
    ++inputs;
  };
  const std::filesystem::path corpus(GUNPP_FUZZ_CORPUS_DIR);
  testing::replay_inputs(
      {corpus / "wire_protocol", corpus / "mesh", corpus / "agent"},
      [&](const std::string& text) {
        check(text);
        std::size_t start = 0;
        while (start < text.size()) {
          std::size_t end = text.find('\n', start);
          if (end == std::string::npos) end = text.size();
          check(std::string_view(text).substr(start, end - start));
          start = end + 1;
        }
      });
  CHECK(inputs > 2000);
  CHECK(simdjson_accepted > 500);
}

}  // namespace
}  // namespace gunpp
