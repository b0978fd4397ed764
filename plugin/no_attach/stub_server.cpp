#include "plugin/no_attach/stub_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "plugin/no_attach/packet.h"

namespace heapwalk::plugin::no_attach {
namespace {

bool write_all(int fd, const std::string& bytes) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

StubServer::StubServer(std::unique_ptr<GdbStub> stub) : stub_(std::move(stub)) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0 || ::pipe2(wake_, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("cannot make the stub's socket: {}", std::strerror(errno)));
  server_fd_ = fds[0];
  client_fd_ = fds[1];
  thread_ = std::thread([this] { serve(); });
}

StubServer::~StubServer() {
  if (wake_[1] >= 0) {
    char c = 0;
    [[maybe_unused]] ssize_t n = ::write(wake_[1], &c, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : {server_fd_, client_fd_, wake_[0], wake_[1]})
    if (fd >= 0) ::close(fd);
}

int StubServer::take_client_fd() {
  int fd = client_fd_;
  client_fd_ = -1;
  return fd;
}

void StubServer::serve() {
  PacketReader reader;
  // HEAPWALK_STUB_LOG=FILE: every packet and its reply, for debugging the stub.
  FILE* log = nullptr;
  if (const char* path = std::getenv("HEAPWALK_STUB_LOG")) log = std::fopen(path, "a");
  struct Closer {
    FILE*& f;
    ~Closer() { if (f) std::fclose(f); }
  } closer{log};
  for (;;) {
    pollfd fds[2] = {{server_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    char chunk[65536];
    ssize_t n = ::recv(server_fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // LLDB closed its end
    reader.feed(std::string_view(chunk, static_cast<size_t>(n)));
    for (bool bad = false;;) {
      std::optional<std::string> packet = reader.next(bad);
      if (bad) {
        if (!stub_->no_ack() && !write_all(server_fd_, "-")) return;
        continue;
      }
      if (!packet) break;
      std::string answer = stub_->answer(*packet);
      if (log) fmt::print(log, "-> {}\n<- {}\n", *packet, answer.substr(0, 200));
      std::string reply = frame_packet(answer);
      if (!stub_->no_ack() || *packet == "QStartNoAckMode") reply = "+" + reply;
      if (!write_all(server_fd_, reply)) return;
      if (stub_->detached()) return;
    }
  }
}

}  // namespace heapwalk::plugin::no_attach
