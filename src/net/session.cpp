#include "session.hpp"

#include <utility>

namespace gunpp::net {

void log_line(const NetOptions& options, const std::string& line) {
  if (options.log) options.log(line);
}

Session::Session(WsStream stream, Mesh& mesh, const NetOptions& options,
                 std::string url, bool accepted,
                 std::function<void()> on_closed)
    : ws_(std::move(stream)),
      mesh_(&mesh),
      options_(&options),
      url_(std::move(url)),
      accepted_(accepted),
      on_closed_(std::move(on_closed)) {}

void Session::start() {
  ws_.read_message_max(options_->max_frame_bytes);
  ws_.text(true);
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(
      websocket::stream_base::timeout::suggested(beast::role_type::server));
  PeerLink link;
  link.url = url_;
  link.accepted = accepted_;
  link.send = [weak = weak_from_this()](std::string frame) -> std::size_t {
    auto self = weak.lock();
    return self ? self->enqueue(std::move(frame)) : 0;
  };
  link.close = [weak = weak_from_this()](std::string_view reason) {
    if (auto self = weak.lock()) self->close(reason);
  };
  peer_ = mesh_->add_peer(std::move(link));
  read();
}

void Session::read() {
  ws_.async_read(buffer_,
                 [self = shared_from_this()](error_code ec, std::size_t) {
                   self->on_read(ec);
                 });
}

void Session::on_read(error_code ec) {
  if (closed_) return;
  if (ec) {
    finish(ec == websocket::error::closed ? "closed by the peer"
                                          : "read: " + ec.message());
    return;
  }
  if (ws_.got_text()) {
    const auto data = buffer_.cdata();
    mesh_->receive(
        peer_,
        std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.consume(buffer_.size());
  if (!closed_) read();
}

std::size_t Session::enqueue(std::string frame) {
  if (closed_) return 0;
  queued_bytes_ += frame.size();
  queue_.push_back(std::move(frame));
  if (!writing_) write_next();
  return queued_bytes_;
}

void Session::write_next() {
  if (queue_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.async_write(asio::buffer(queue_.front()),
                  [self = shared_from_this()](error_code ec, std::size_t) {
                    if (self->closed_) return;
                    if (ec) return self->finish("write: " + ec.message());
                    self->queued_bytes_ -= self->queue_.front().size();
                    self->queue_.pop_front();
                    self->write_next();
                  });
}

void Session::close(std::string_view reason) {
  if (closed_) return;
  const std::string why(reason);
  finish(why);
}

void Session::finish(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  mesh_->remove_peer(peer_);
  log_line(*options_, "connection " +
                          (url_.empty() ? "from a peer" : "to " + url_) +
                          " closed: " + std::string(reason));
  error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both,
                                                 ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
  queue_.clear();
  queued_bytes_ = 0;
  if (on_closed_) std::exchange(on_closed_, nullptr)();
}

void Session::detach() {
  on_closed_ = nullptr;
  finish("shutting down");
}

}  // namespace gunpp::net
