#include "gunpp/ham.hpp"

#include <catch2/catch.hpp>

namespace gunpp {
namespace {

constexpr double kNow = 10000;

HamDecision tie(const Value& incoming, const Value& current) {
  return ham(kNow, 1000, incoming, 1000, current);
}

TEST_CASE("HAM branch order", "[ham]") {
  const Value v("v");
  SECTION("future state defers, even against a newer current") {
    CHECK(ham(kNow, kNow + 1, v, kNoState, Value()) == HamDecision::kDefer);
    CHECK(ham(kNow, kNow + 0.001, v, kNow + 5, v) == HamDecision::kDefer);
  }
  SECTION("state equal to machine time is not future") {
    CHECK(ham(kNow, kNow, v, kNoState, Value()) == HamDecision::kConverge);
  }
  SECTION("older state is historical") {
    CHECK(ham(kNow, 999, Value("z"), 1000, Value("a")) ==
          HamDecision::kHistorical);
  }
  SECTION("newer state converges whatever the values") {
    CHECK(ham(kNow, 2000, Value("a"), 1000, Value("z")) ==
          HamDecision::kConverge);
  }
  SECTION("absent key converges for any finite state, negative too") {
    CHECK(ham(kNow, -5, v, kNoState, Value()) == HamDecision::kConverge);
    CHECK(ham(kNow, -1e308, v, kNoState, Value()) == HamDecision::kConverge);
  }
  SECTION("equal state and identical value keeps the current") {
    CHECK(tie(Value("v"), Value("v")) == HamDecision::kKeepCurrent);
    CHECK(tie(Value(0.0), Value(-0.0)) == HamDecision::kKeepCurrent);
  }
}

TEST_CASE("HAM ties: the larger lexical form wins", "[ham]") {
  // Each pair: (loser, winner) at equal state; checked in both orders.
  struct Pair {
    Value loser;
    Value winner;
    const char* why;
  };
  const Pair pairs[] = {
      {Value("a"), Value("b"), "b > a"},
      {Value("a!"), Value("a"), "closing quote beats !"},
      {Value("a"), Value("ab"), "longer string"},
      {Value(10), Value(9), "9 beats 10 as text"},
      {Value("1"), Value(1), "any number beats any string"},
      {Value("zzz"), Value(-5), "negative number beats a string"},
      {Value("z"), Value(nullptr), "null beats a string"},
      {Value(nullptr), Value(true), "true beats null"},
      {Value(false), Value(nullptr), "null beats false"},
      {Value(123), Value(false), "false beats a number"},
      {Value(true), Value(Link("z")), "a link beats every scalar"},
      {Value("~~~"), Value(Link("a")), "a link beats a string"},
      {Value(Link("a")), Value(Link("b")), "links compare by soul"},
      {Value("a#"), Value("a\""), "escaped quote: backslash beats #"},
      {Value(1e21), Value(2), "1e+21 loses to 2"},
      {Value(-1), Value(-2), "-2 beats -1 as text"},
      {Value(0.1), Value(1e-7), "1e-7 beats 0.1"},
      {Value(0.1), Value(0.1 + 0.2), "0.30000000000000004 beats 0.1"},
      {Value(1.7976931348623157e308), Value(5e-324),
       "5e-324 beats 1.7976931348623157e+308"},
      {Value("a\n"), Value("a\t"), "\\t beats \\n (t > n)"},
      {Value("\x01"), Value("\x1f"), "\\u001f beats \\u0001"},
      {Value("\xF0\x9F\x98\x80"), Value("\xEF\xBF\xBD"),
       "U+FFFD beats U+1F600 in UTF-16 order"},
      {Value("\xF0\x9F\x98\x80"), Value("\xEF\xBF\xBF"),
       "U+FFFF beats U+1F600"},
  };
  for (const Pair& p : pairs) {
    INFO(p.why);
    CHECK(tie(p.winner, p.loser) == HamDecision::kConverge);
    CHECK(tie(p.loser, p.winner) == HamDecision::kKeepCurrent);
  }
}

TEST_CASE("HAM decisions have names", "[ham]") {
  CHECK(to_string(HamDecision::kDefer) == "defer");
  CHECK(to_string(HamDecision::kHistorical) == "historical");
  CHECK(to_string(HamDecision::kKeepCurrent) == "keep-current");
  CHECK(to_string(HamDecision::kConverge) == "converge");
}

}  // namespace
}  // namespace gunpp
