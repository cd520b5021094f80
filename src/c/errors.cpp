// The C ABI's status codes, its per-thread last error and its version.
#include "c_api.hpp"

namespace gunpp::c {
namespace {

thread_local std::string last_error;

static_assert(GUNPP_INVALID_ARGUMENT ==
              static_cast<int>(Status::Code::kInvalidArgument));
static_assert(GUNPP_UNAUTHENTICATED ==
              static_cast<int>(Status::Code::kUnauthenticated));
static_assert(GUNPP_INTERNAL == static_cast<int>(Status::Code::kInternal));

}  // namespace

int fail(const Status& status) {
  try {
    last_error = status.message();
  } catch (...) {
    last_error.clear();  // no memory for the message: the code still says
  }
  return static_cast<int>(status.code());
}

Status check_peer(const gunpp_peer* peer) {
  if (peer == nullptr) return Status::invalid_argument("the peer is NULL");
  if (peer->closing) return Status::cancelled("the peer is closing");
  return Status::ok();
}

}  // namespace gunpp::c

extern "C" {

#define GUNPP_TEXT_OF(n) #n
#define GUNPP_VERSION_TEXT(a, b, c) \
  GUNPP_TEXT_OF(a) "." GUNPP_TEXT_OF(b) "." GUNPP_TEXT_OF(c)

const char* gunpp_version(void) {
  return GUNPP_VERSION_TEXT(GUNPP_VERSION_MAJOR, GUNPP_VERSION_MINOR,
                            GUNPP_VERSION_PATCH);
}

const char* gunpp_last_error(void) { return gunpp::c::last_error.c_str(); }

size_t gunpp_last_error_size(void) { return gunpp::c::last_error.size(); }

const char* gunpp_status_name(int status) {
  if (status < GUNPP_OK || status > GUNPP_INTERNAL) return "Unknown";
  // Static storage: the names are string literals.
  return gunpp::to_string(static_cast<gunpp::Status::Code>(status)).data();
}

}  // extern "C"
