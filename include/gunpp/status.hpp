// Status: the error value every gunpp call that can fail on input returns.
//
// Errors caused by input (a bad graph, a full queue) and by the environment
// (a file, a socket) are values, never exceptions. Exceptions are thrown only
// when the caller breaks a documented precondition (for example constructing a
// number Value from NaN). Both Status and Result are [[nodiscard]]: dropping
// one drops an error.
#ifndef GUNPP_STATUS_HPP_
#define GUNPP_STATUS_HPP_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gunpp {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,    // the input is malformed; nothing was applied
    kResourceExhausted,  // a StoreOptions bound was hit; nothing was applied
    kNotFound,           // the soul or key does not exist
    kCancelled,          // the owner was destroyed before the work finished
    kIOError,            // the operating system refused a read or write
    kCorruption,         // stored data is damaged or of an unknown format
    kUnavailable,        // a peer or service cannot be reached now
    kUnauthenticated,    // a write is not proven to come from its owner
    kInternal,           // a bug in gunpp: an invariant did not hold
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
  static Status io_error(std::string message) {
    return Status(Code::kIOError, std::move(message));
  }
  static Status corruption(std::string message) {
    return Status(Code::kCorruption, std::move(message));
  }
  static Status unavailable(std::string message) {
    return Status(Code::kUnavailable, std::move(message));
  }
  static Status unauthenticated(std::string message) {
    return Status(Code::kUnauthenticated, std::move(message));
  }
  static Status internal(std::string message) {
    return Status(Code::kInternal, std::move(message));
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

// A value of type T, or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit on purpose
  // An error. An OK `status` carries no value, so it becomes an Internal
  // error rather than a Result that claims success and holds nothing.
  Result(Status status)  // NOLINT: implicit on purpose
      : data_(status.is_ok()
                  ? Status::internal("Result constructed from an OK Status")
                  : std::move(status)) {}

  bool is_ok() const { return data_.index() == 0; }
  explicit operator bool() const { return is_ok(); }

  // OK when a value is held.
  Status status() const { return is_ok() ? Status::ok() : std::get<1>(data_); }

  // Require is_ok().
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // Moves the value out of a temporary: `T t = *make();` copies nothing.
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace gunpp

#endif  // GUNPP_STATUS_HPP_
