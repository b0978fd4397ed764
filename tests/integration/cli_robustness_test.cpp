// Issue 11, the CLI and the commands' edges: strict options, --out that never touches an input
// and never reports a write that failed, and SIGINT / SIGTERM (exit 130, nothing left running).
#include <catch2/catch.hpp>

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "command_output.h"
#include "sim_fixture.h"

using namespace heapwalk::test;
namespace fs = std::filesystem;

namespace {

std::string tiny() { return HEAPWALK_TINY_FIXTURE_DIR "/heapwalk_fixture_tiny"; }

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The processes whose working directory is `dir` (what a CLI launched there).
std::vector<pid_t> processes_in(const std::string& dir) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code error;
    fs::path cwd = fs::read_symlink(entry.path() / "cwd", error);
    if (error || cwd != fs::path(dir)) continue;
    // A zombie is gone for this purpose only once reaped; count it as still there.
    found.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return found;
}

// Starts `argv` with cwd `dir`, stdout and stderr to dir/out.txt; its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& dir) {
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    FILE* out = std::freopen("out.txt", "w", stdout);
    if (!out) _exit(127);
    dup2(fileno(stdout), 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// The exit status of `pid`, waiting at most `seconds`; -1 when it did not exit (then killed).
int wait_exit(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

bool gone_within(const std::string& dir, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (processes_in(dir).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST_CASE("options are strict: whole numbers, bounded, no unknown or extra words", "[cli][options]") {
  Debugger dbg;
  struct Case {
    const char* command;
    const char* error;
  };
  for (Case c : {Case{"heap partition --limit 1x", "--limit takes a whole number, not '1x'"},
                 Case{"heap leaks --limit 18446744073709551615", "--limit takes a number up to"},
                 Case{"heap leaks --limit 99999999999999999999999", "--limit takes a number up to"},
                 Case{"heap leaks --limit=", "--limit takes a whole number, not ''"},
                 Case{"heap leaks extra", "unexpected argument 'extra'"},
                 Case{"heap summary --bogus", "unknown option '--bogus'"},
                 Case{"heap partition --root a --root b", "--root is given twice"},
                 Case{"heap referents 1 2", "unexpected argument '2'"}}) {
    bool ok = true;
    std::string error;
    dbg.run(c.command, &ok, &error);
    INFO(c.command << " -> " << error);
    CHECK_FALSE(ok);
    CHECK(error.find(c.error) != std::string::npos);
    CHECK(error.find("\nusage: heap ") != std::string::npos);  // and the usage line
  }
  ShellOutput pid = run_shell(fmt::format("{} --pid 1x summary", HEAPWALK_CLI_PATH));
  CHECK(pid.status == 2);
  CHECK(pid.text.find("'1x' is not a process id") != std::string::npos);
  ShellOutput core = run_shell(fmt::format("{} --core onlyone", HEAPWALK_CLI_PATH));
  CHECK(core.status == 2);
  CHECK(core.text.find("--core takes CORE EXE") != std::string::npos);
}

TEST_CASE("a huge --limit is capped, not an allocation", "[cli][options][live]") {
  std::string dir = make_work_dir("limit");
  ShellOutput out = run_shell(fmt::format("cd {} && {} --break ready -- {} partition --limit 1000000000",
                               dir, HEAPWALK_CLI_PATH, tiny()));
  INFO(out.text);
  CHECK(out.status == 0);
  CHECK(out.text.find("Partition of a set of 116 objects") != std::string::npos);
}

TEST_CASE("--out never overwrites an input, and every failed write is an error", "[cli][out][core]") {
  std::string dir = make_work_dir("out");
  std::string core = make_sim_core({}, dir, {tiny(), "tiny-truth.json"});
  const std::string before = contents(core);
  auto heapwalk = [&](const std::string& out) {
    return run_shell(fmt::format("{} --core {} {} arenas --out {}", HEAPWALK_CLI_PATH, core, tiny(), out));
  };
  // The core itself, by another name, through a symlink, through a hard link.
  fs::create_symlink(core, dir + "/link-to-core");
  fs::create_hard_link(core, dir + "/hard-link-to-core");
  for (std::string target : {core, dir + "/./" + fs::path(core).filename().string(),
                             dir + "/link-to-core", dir + "/hard-link-to-core"}) {
    ShellOutput out = heapwalk(target);
    INFO(target << ": " << out.text);
    CHECK(out.status == 1);
    CHECK(out.text.find("refusing to write") != std::string::npos);
  }
  CHECK(contents(core) == before);
  // The program itself (a copy, so that a failure here damages nothing).
  std::string exe = dir + "/tiny-copy";
  fs::copy_file(tiny(), exe);
  ShellOutput program = run_shell(fmt::format("{} --core {} {} arenas --out {}", HEAPWALK_CLI_PATH, core, exe, exe));
  INFO(program.text);
  // (The copy's build-id is the original's, so the core is its core.)
  CHECK(program.status == 1);
  CHECK(program.text.find("refusing to write") != std::string::npos);
  // A device that is full: an error, not "Wrote N bytes".
  ShellOutput full = heapwalk("/dev/full");
  INFO(full.text);
  CHECK(full.status == 1);
  CHECK(full.text.find("cannot write '/dev/full': No space left on device") != std::string::npos);
  CHECK(full.text.find("Wrote") == std::string::npos);
  // A directory that cannot be written: nothing half-written, no temporary file left.
  std::string locked = dir + "/locked";
  fs::create_directory(locked);
  {
    std::ofstream(locked + "/report.txt") << "old report\n";
  }
  ::chmod(locked.c_str(), 0555);
  ShellOutput denied = heapwalk(locked + "/report.txt");
  ::chmod(locked.c_str(), 0755);
  if (geteuid() != 0) {  // root writes anywhere
    CHECK(denied.status == 1);
    CHECK(contents(locked + "/report.txt") == "old report\n");
  }
  // A good file: written whole, mode kept, no temporary file beside it.
  std::string report = dir + "/report.txt";
  {
    std::ofstream(report) << "old\n";
  }
  ::chmod(report.c_str(), 0640);
  ShellOutput good = heapwalk(report);
  INFO(good.text);
  CHECK(good.status == 0);
  CHECK(good.text.find(fmt::format("Wrote {} bytes to {}.", fs::file_size(report), report)) !=
        std::string::npos);
  struct stat st;
  REQUIRE(::stat(report.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  for (const auto& entry : fs::directory_iterator(dir))
    CHECK(entry.path().filename().string().find(".heapwalk-") == std::string::npos);
  fs::remove(core);
}

TEST_CASE("SIGINT and SIGTERM stop the CLI: exit 130, nothing it launched left", "[cli][signals][live]") {
  SECTION("during the analysis of a big heap") {
    std::string dir = make_work_dir("sigint");
    // A big sim (1.9 M allocations): its walk takes ~3 s, long enough to be interrupted.
    pid_t cli = spawn({HEAPWALK_CLI_PATH, "--break", "ready", "--", sim_executable(),
                       "--cortex-density", "800", "--retina-density", "800", "partition"},
                      dir);
    for (int i = 0; i < 1200 && !fs::exists(dir + "/sim-truth.json"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(dir + "/sim-truth.json"));
    // The truth is written just before ready(): 200 ms later the CLI is enumerating or walking
    // (both poll the flag). A full second was enough, on an idle machine, to finish the walk.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(processes_in(dir).empty());
    auto sent = std::chrono::steady_clock::now();
    kill(cli, SIGINT);
    int status = wait_exit(cli, 20);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    INFO(contents(dir + "/out.txt"));
    CHECK(status == 130);
    CHECK(seconds < 6);
    CHECK(contents(dir + "/out.txt").find("error: heap partition: interrupted") != std::string::npos);
    CHECK(gone_within(dir, 5));
  }
  SECTION("before the program reaches its breakpoint") {
    std::string dir = make_work_dir("sigterm");
    pid_t cli = spawn({HEAPWALK_CLI_PATH, "--break", "never", "--", tiny(), "--spin", "summary"}, dir);
    for (int i = 0; i < 200 && processes_in(dir).size() < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kill(cli, SIGTERM);
    int status = wait_exit(cli, 20);
    INFO(contents(dir + "/out.txt"));
    CHECK(status == 130);
    CHECK(gone_within(dir, 5));
  }
}
