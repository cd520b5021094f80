// Status: the error value every gunpp call that can fail on input returns.
//
// Errors caused by input (a bad graph, a full queue) are values, never
// exceptions. Exceptions are thrown only when the caller breaks a documented
// precondition (for example constructing a number Value from NaN).
#ifndef GUNPP_STATUS_HPP_
#define GUNPP_STATUS_HPP_

#include <string>
#include <string_view>
#include <utility>

namespace gunpp {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,    // the input is malformed; nothing was applied
    kResourceExhausted,  // an Options bound was hit; nothing was applied
    kNotFound,           // the soul or key does not exist
    kCancelled,          // the owner was destroyed before the work finished
  };

  // A default-constructed Status is OK.
  Status() = default;

  static Status ok() { return Status(); }
  static Status invalid_argument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  static Status resource_exhausted(std::string message) {
    return Status(Code::kResourceExhausted, std::move(message));
  }
  static Status not_found(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status cancelled(std::string message) {
    return Status(Code::kCancelled, std::move(message));
  }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }

  // Human-readable reason; empty when OK. Errors about input name the soul
  // and key involved, e.g. "soul 'a' key 'x': state is not a finite number".
  const std::string& message() const { return message_; }

  // "OK", or the code's name followed by ": " and the message.
  std::string to_string() const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// The name of a code, e.g. "InvalidArgument".
std::string_view to_string(Status::Code code);

}  // namespace gunpp

#endif  // GUNPP_STATUS_HPP_
