// heapwalk --serve (issue 9): one engine, many commands, each answered exactly as the one-shot
// CLI answers it, framed by "\x1eheapwalk-status N"; `heap more` works across lines; Ctrl-C
// interrupts a command, not the engine.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "serve_client.h"
#include "sim_fixture.h"

using namespace heapwalk::test;
namespace fs = std::filesystem;

namespace {

// The one-shot CLI's stdout, then its stderr without progress lines: what --serve answers.
std::string one_shot(const std::string& arguments, const std::string& dir, int* status) {
  std::string err = dir + "/one-shot-stderr.txt";
  FILE* pipe = popen(fmt::format("{} {} 2>{}", HEAPWALK_CLI_PATH, arguments, err).c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int raw = pclose(pipe);
  *status = WEXITSTATUS(raw);
  std::ifstream in(err);
  for (std::string line; std::getline(in, line);)
    if (line.find("Ctrl-C stops") == std::string::npos) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("--serve answers each command as the one-shot CLI does, framed", "[cli][serve][core]") {
  std::string dir = make_work_dir("serve");
  std::string core = make_sim_core({"--threads", "2"}, dir);
  ServeClient engine({HEAPWALK_CLI_PATH, "--core", core, sim_executable(), "--serve"}, dir);
  for (const char* command : {"partition --root sim", "leaks", "summary", "top 5",
                              "shpaths --limit 3", "help partition", "partition --bogus"}) {
    ServeAnswer answer = engine.ask(command);
    int status = 0;
    std::string expected =
        std::string(command).starts_with("help")
            ? one_shot(fmt::format("{}", command), dir, &status)
            : one_shot(fmt::format("--core {} {} {}", core, sim_executable(), command), dir, &status);
    INFO(command << "\n" << answer.text << "\n---\n" << engine.stderr_text());
    CHECK(answer.status == (status == 0 ? 0 : 1));
    CHECK(answer.text == expected);
  }
  // `heap more` continues the table of an earlier line.
  ServeAnswer first = engine.ask("partition --limit 2");
  REQUIRE(first.status == 0);
  CHECK(first.text.find("Type 'heap more' to view.") != std::string::npos);
  ServeAnswer more = engine.ask("more");
  INFO(more.text);
  CHECK(more.status == 0);
  CHECK(more.text.find("\n     2 ") != std::string::npos);  // row index 2, the third row
  CHECK(more.text.find("\n     0 ") == std::string::npos);
  // A leading "heap" is optional; a blank line is answered with an empty success.
  CHECK(engine.ask("heap summary").text == engine.ask("summary").text);
  ServeAnswer blank = engine.ask("");
  CHECK(blank.status == 0);
  CHECK(blank.text.empty());
  // A failing command is status 1 and leaves the engine serving.
  ServeAnswer bad = engine.ask("frobnicate");
  CHECK(bad.status == 1);
  CHECK_FALSE(bad.text.empty());
  CHECK(engine.ask("summary").status == 0);
  // Ctrl-C while idle changes nothing.
  kill(engine.pid(), SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(engine.ask("summary").status == 0);
  engine.send("quit");
  CHECK(engine.finish() == 0);
  std::string stdout_rest = engine.read_answer(1).text;
  CHECK(stdout_rest.empty());
  ::unlink(core.c_str());
}

TEST_CASE("--serve: Ctrl-C interrupts the running command, the engine goes on", "[cli][serve][signals][live]") {
  std::string dir = make_work_dir("serve-sigint");
  // A big sim (1.9 M allocations): its first walk takes seconds.
  ServeClient engine({HEAPWALK_CLI_PATH, "--break", "ready", "--", sim_executable(), "--cortex-density",
                      "800", "--retina-density", "800", "--serve"},
                     dir);
  // Any answer means the target is set up.
  REQUIRE(engine.ask("help summary").status == 0);
  engine.send("partition");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(engine.pid(), SIGINT);
  ServeAnswer interrupted = engine.read_answer();
  INFO(interrupted.text << "\n---\n" << engine.stderr_text());
  CHECK(interrupted.status == 1);
  CHECK(interrupted.text.find("interrupted") != std::string::npos);
  ServeAnswer again = engine.ask("partition --limit 2");
  CHECK(again.status == 0);
  CHECK(again.text.find("Partition of a set of") != std::string::npos);
  CHECK(engine.finish() == 0);  // EOF: kills what it launched and exits
}
