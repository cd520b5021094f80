#include "committer.hpp"

#include "guarded_call.hpp"

namespace gunpp::detail {

void Committer::fail(Status error) {
  if (!error_.is_ok()) return;
  error_ = std::move(error);
  if (transient() && on_transient_) on_transient_();
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
  if (!transient()) batch_.clear();
  return committed;
}

bool Committer::recover() {
  if (!transient()) return false;
  if (Status s = storage_->commit(batch_); !s) {
    error_ = std::move(s);
    if (!transient()) {
      batch_.clear();
    } else if (on_transient_) {
      on_transient_();
    }
    return false;
  }
  error_ = Status::ok();
  batch_.clear();
  return true;
}

void Committer::release() {
  auto held = std::move(held_);
  held_.clear();
  for (Held& h : held) {
    call_guarded(*callback_exceptions_, h.done, error_, h.summary);
  }
}

}  // namespace gunpp::detail
