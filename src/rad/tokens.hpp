// RAD's typed tokens (its older line format and 2019's leaves): a run of n
// separators, a type character, and the payload up to the n-th separator
// after it, so that a string holding k separators is led by k + 1.
#ifndef GUNPP_SRC_RAD_TOKENS_HPP_
#define GUNPP_SRC_RAD_TOKENS_HPP_

#include <string>
#include <string_view>

#include "gunpp/rad.hpp"

namespace gunpp::rad {

struct Token {
  enum Type { kString, kNumber, kTrue, kFalse, kNull, kLink, kUnknown };
  Type type = kUnknown;
  std::string text;   // kString, kLink
  double number = 0;  // kNumber
};

// Reads the tokens of `text` one after another.
class TokenReader {
 public:
  TokenReader(std::string_view text, char separator)
      : text_(text), separator_(separator) {}

  // The next token; false at the end of the text.
  bool next(Token& token);
  // The text between the previous token and this one ("#", ":", "\n"...).
  std::string_view before() const { return before_; }

 private:
  std::string_view text_;
  char separator_;
  std::size_t at_ = 0;
  std::string_view before_;
};

// 2019's leaf text, ESC-framed value ">" ESC-framed state, into `record`.
void decode_2019_leaf(std::string_view text, Record& record);

}  // namespace gunpp::rad

#endif  // GUNPP_SRC_RAD_TOKENS_HPP_
