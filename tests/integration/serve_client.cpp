#include "serve_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace heapwalk::test {

namespace {
constexpr const char* kFrame = "\x1eheapwalk-status ";
}

ServeClient::ServeClient(const std::vector<std::string>& argv, const std::string& dir) : dir_(dir) {
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    int err = ::open("serve-stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err >= 0) dup2(err, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  in_ = to_child[1];
  out_ = from_child[0];
  signal(SIGPIPE, SIG_IGN);
}

ServeClient::~ServeClient() {
  if (!finished_) finish();
  if (out_ >= 0) ::close(out_);
}

void ServeClient::send(const std::string& line) {
  std::string text = line + "\n";
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(in_, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

ServeAnswer ServeClient::read_answer(int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    if (size_t at = buffer_.find(kFrame); at != std::string::npos) {
      size_t end = buffer_.find('\n', at);
      if (end != std::string::npos) {
        ServeAnswer answer;
        answer.text = buffer_.substr(0, at);
        answer.status = std::stoi(buffer_.substr(at + std::string(kFrame).size()));
        buffer_.erase(0, end + 1);
        return answer;
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {-1, buffer_};
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    ssize_t n = ::read(out_, chunk, sizeof chunk);
    if (n <= 0) return {-1, buffer_};
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

ServeAnswer ServeClient::ask(const std::string& line, int seconds) {
  send(line);
  return read_answer(seconds);
}

int ServeClient::finish(int seconds) {
  if (finished_) return status_;
  finished_ = true;
  if (in_ >= 0) ::close(in_);
  in_ = -1;
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_)
      return status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  return status_ = -1;
}

std::string ServeClient::stderr_text() const {
  std::ifstream in(dir_ + "/serve-stderr.txt");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace heapwalk::test
