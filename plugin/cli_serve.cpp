#include "plugin/cli_serve.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

namespace heapwalk::plugin {
namespace {

std::string trimmed(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// The first word of `s` and what follows it (trimmed).
std::pair<std::string, std::string> first_word(const std::string& s) {
  size_t space = s.find_first_of(" \t");
  if (space == std::string::npos) return {s, {}};
  return {s.substr(0, space), trimmed(s.substr(space))};
}

// Lines from a file descriptor, polled so that stop_serving() is seen while waiting for one.
class LineReader {
 public:
  LineReader(int fd, const std::function<bool()>& stop) : fd_(fd), stop_(stop) {}
  // False at EOF (a last line without a newline still counts), on a read error, or on stop.
  bool next(std::string& line) {
    for (;;) {
      if (size_t newline = buffer_.find('\n'); newline != std::string::npos) {
        line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return true;
      }
      if (eof_) {
        if (buffer_.empty()) return false;
        line.swap(buffer_);
        buffer_.clear();
        return true;
      }
      if (stop_ && stop_()) return false;
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, 200);
      if (ready < 0 && errno != EINTR) return false;
      if (ready <= 0) continue;
      char chunk[4096];
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) eof_ = true;
      else buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  const std::function<bool()>& stop_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace

std::string serve_frame(int status) { return fmt::format("{}{}\n", kServeFramePrefix, status); }

std::string serve_command_of(const std::string& line) {
  std::string text = trimmed(line);
  if (text.empty()) return {};
  auto [word, rest] = first_word(text);
  if (word == "heap") {
    text = rest;
    if (text.empty()) return "help heap";
    std::tie(word, rest) = first_word(text);
  }
  if (word == "help") return rest.empty() ? "help heap" : "help heap " + rest;
  return "heap " + text;
}

int serve_commands(lldb::SBDebugger& debugger, int in, FILE* out, const ServeHooks& hooks) {
  LineReader reader(in, hooks.stop_serving);
  for (std::string line; reader.next(line);) {
    if (hooks.stop_serving && hooks.stop_serving()) break;
    if (trimmed(line) == "quit") break;
    std::string command = serve_command_of(line);
    int status = 0;
    if (!command.empty()) {
      if (hooks.begin_command) hooks.begin_command();
      lldb::SBCommandReturnObject result;
      debugger.GetCommandInterpreter().HandleCommand(command.c_str(), result);
      bool interrupted = hooks.end_command && hooks.end_command();
      // Result text, then error text, as the one-shot CLI prints them (there on two streams).
      if (result.GetOutputSize()) fmt::print(out, "{}", result.GetOutput());
      if (result.GetErrorSize()) fmt::print(out, "{}", result.GetError());
      status = result.Succeeded() && !interrupted ? 0 : 1;
    }
    fmt::print(out, "{}", serve_frame(status));
    std::fflush(out);
    if (hooks.stop_serving && hooks.stop_serving()) break;
  }
  return 0;
}

}  // namespace heapwalk::plugin
