// A `heapwalk ... --serve` engine driven through its pipes, as a front end drives it: one line
// per command on its stdin, answers read from its stdout up to the frame line.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace heapwalk::test {

struct ServeAnswer {
  int status = -1;   // the N of "\x1eheapwalk-status N"; -1 when the engine ended first
  std::string text;  // everything before the frame
};

class ServeClient {
 public:
  // Starts `argv` (argv[0] the heapwalk CLI) in `dir`; its stderr goes to dir/serve-stderr.txt.
  ServeClient(const std::vector<std::string>& argv, const std::string& dir);
  ~ServeClient();  // closes stdin and waits (kills after 30 s)
  ServeClient(const ServeClient&) = delete;
  ServeClient& operator=(const ServeClient&) = delete;

  // Writes `line` and a newline; reads the answer (waits at most `seconds`).
  ServeAnswer ask(const std::string& line, int seconds = 120);
  void send(const std::string& line);  // writes without reading
  ServeAnswer read_answer(int seconds = 120);
  // Closes stdin (EOF) and returns the exit status (waits at most `seconds`; -1: killed).
  int finish(int seconds = 30);
  pid_t pid() const { return pid_; }
  std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string dir_, buffer_;
  int status_ = -1;
  bool finished_ = false;
};

}  // namespace heapwalk::test
