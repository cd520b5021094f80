#include "tokens.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace gunpp::rad {
namespace {

// parseFloat: the longest prefix that reads as a number, NaN for none.
double parse_float(std::string_view text) {
  const std::string copy(text);
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() ? std::nan("") : d;
}

}  // namespace

bool TokenReader::next(Token& token) {
  const std::size_t start = text_.find(separator_, at_);
  if (start == std::string_view::npos) return false;
  before_ = text_.substr(at_, start - at_);
  std::size_t i = start;
  std::size_t n = 0;
  while (i < text_.size() && text_[i] == separator_) {
    ++n;
    ++i;
  }
  const char type = i < text_.size() ? text_[i] : '\0';
  std::size_t end = i;
  for (std::size_t k = 0; k < n && end != std::string_view::npos; ++k) {
    end = text_.find(separator_, end + 1);
  }
  if (end == std::string_view::npos) end = text_.size();
  const std::string_view payload =
      i + 1 <= end ? text_.substr(i + 1, end - i - 1) : std::string_view();
  at_ = end + 1 > text_.size() ? text_.size() : end + 1;
  token = Token{};
  switch (type) {
    case '"':
      token.type = Token::kString;
      token.text = payload;
      break;
    case '#':
      token.type = Token::kLink;
      token.text = payload;
      break;
    case '+':
      if (payload.empty()) {
        token.type = Token::kTrue;
      } else {
        token.type = Token::kNumber;
        token.number = parse_float(payload);
      }
      break;
    case ' ':
      token.type = Token::kNull;
      break;
    case '-':
      token.type = Token::kFalse;
      break;
    default:
      token.type = Token::kUnknown;
  }
  return true;
}

void decode_2019_leaf(std::string_view text, Record& record) {
  const std::size_t gt = text.rfind('>');
  if (gt == std::string_view::npos) return;
  Token value, state;
  TokenReader values(text.substr(0, gt), '\x1b');
  TokenReader states(text.substr(gt + 1), '\x1b');
  if (states.next(state) && state.type == Token::kNumber &&
      std::isfinite(state.number)) {
    record.has_state = true;
    record.state = state.number;
  }
  if (!values.next(value)) return;
  record.has_value = true;
  switch (value.type) {
    case Token::kString:
      record.value = Value(value.text);
      break;
    case Token::kNumber:
      record.has_value = std::isfinite(value.number);
      if (record.has_value) record.value = Value(value.number);
      break;
    case Token::kTrue:
    case Token::kFalse:
      record.value = Value(value.type == Token::kTrue);
      break;
    case Token::kNull:
      record.value = Value();
      break;
    case Token::kLink:
      record.has_value = !value.text.empty();
      if (record.has_value) record.value = Value(Link(value.text));
      break;
    case Token::kUnknown:
      record.has_value = false;
  }
}

}  // namespace gunpp::rad
