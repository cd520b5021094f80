#include "committer.hpp"

#include "guarded_call.hpp"

namespace gunpp::detail {

void Committer::fail(Status error) {
  if (error_.is_ok()) error_ = std::move(error);
}

bool Committer::hold(PutCallback done, const PutSummary& summary) {
  if (storage_ == nullptr) {
    call_guarded(*callback_exceptions_, done, Status::ok(), summary);
    return false;
  }
  held_.push_back(Held{std::move(done), summary});
  return storage_->durability() == Durability::kPerPut;
}

bool Committer::turn_ran(bool queue_dry, std::size_t every) {
  return storage_ != nullptr && (queue_dry || ++turns_ >= every);
}

bool Committer::commit() {
  turns_ = 0;
  bool committed = false;
  if (storage_ != nullptr && !batch_.empty() && !failed()) {
    if (Status s = storage_->commit(batch_); !s) {
      fail(std::move(s));
    } else {
      committed = true;
    }
  }
  batch_.clear();
  return committed;
}

void Committer::release() {
  auto held = std::move(held_);
  held_.clear();
  for (Held& h : held) {
    call_guarded(*callback_exceptions_, h.done, error_, h.summary);
  }
}

}  // namespace gunpp::detail
