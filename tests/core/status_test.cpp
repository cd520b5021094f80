#include "gunpp/status.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

namespace gunpp {
namespace {

TEST_CASE("status: codes, names and messages", "[status]") {
  CHECK(Status().is_ok());
  CHECK(Status::ok().to_string() == "OK");
  const Status errors[] = {
      Status::invalid_argument("a"), Status::resource_exhausted("b"),
      Status::not_found("c"),        Status::cancelled("d"),
      Status::io_error("e"),         Status::corruption("f"),
      Status::unavailable("g"),      Status::unauthenticated("h"),
      Status::internal("i"),
  };
  const char* names[] = {"InvalidArgument", "ResourceExhausted", "NotFound",
                         "Cancelled",       "IOError",           "Corruption",
                         "Unavailable",     "Unauthenticated",   "Internal"};
  for (std::size_t i = 0; i < std::size(errors); ++i) {
    INFO(names[i]);
    CHECK_FALSE(errors[i].is_ok());
    CHECK_FALSE(static_cast<bool>(errors[i]));
    CHECK(to_string(errors[i].code()) == names[i]);
    CHECK(errors[i].to_string() ==
          std::string(names[i]) + ": " + errors[i].message());
  }
}

TEST_CASE("result: a value or the error that explains its absence",
          "[status]") {
  const Result<int> value = 7;
  REQUIRE(value.is_ok());
  CHECK(value.value() == 7);
  CHECK(value.status().is_ok());

  const Result<int> error = Status::not_found("gone");
  CHECK_FALSE(error.is_ok());
  CHECK(error.status() == Status::not_found("gone"));

  // An OK status carries no value: it becomes an internal error rather than
  // a result that claims success and holds nothing.
  const Result<int> broken = Status::ok();
  CHECK_FALSE(broken.is_ok());
  CHECK(broken.status().code() == Status::Code::kInternal);
}

TEST_CASE("result: the value of a temporary moves out, uncopied", "[status]") {
  // Counts the copies made of it, through every move.
  struct Counted {
    std::shared_ptr<int> copies = std::make_shared<int>(0);
    Counted() = default;
    Counted(const Counted& other) : copies(other.copies) { ++*copies; }
    Counted(Counted&&) = default;
    Counted& operator=(const Counted&) = delete;
    Counted& operator=(Counted&&) = default;
  };
  const auto make = [] { return Result<Counted>(Counted()); };
  const Counted by_star = *make();
  CHECK(*by_star.copies == 0);
  const Counted by_value = make().value();
  CHECK(*by_value.copies == 0);
  Result<Counted> kept = make();
  const Counted copied = *kept;  // an lvalue's value is copied, and kept
  CHECK(*copied.copies == 1);
  CHECK(kept.is_ok());
}

}  // namespace
}  // namespace gunpp
