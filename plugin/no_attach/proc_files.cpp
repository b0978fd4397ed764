#include "plugin/no_attach/proc_files.h"

#include <unistd.h>

#include <climits>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace heapwalk::plugin::no_attach {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<uint64_t> number(const std::string& text, int base) {
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    uint64_t value = std::stoull(text, &used, base);
    if (used != text.size()) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

bool process_exists(uint64_t pid) { return ::access(fmt::format("/proc/{}/stat", pid).c_str(), F_OK) == 0; }

std::string thread_name(uint64_t pid, uint64_t tid) {
  std::string name = file_text(fmt::format("/proc/{}/task/{}/comm", pid, tid));
  while (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

std::optional<StackAndPc> parse_syscall_line(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  // "-1 SP PC" (blocked outside a system call) or "NR A1 … A6 SP PC".
  if (words.size() != 3 && words.size() != 9) return std::nullopt;
  auto hex = [](const std::string& w) -> std::optional<uint64_t> {
    if (w.size() < 3 || w[0] != '0' || w[1] != 'x') return std::nullopt;
    return number(w.substr(2), 16);
  };
  auto sp = hex(words[words.size() - 2]), pc = hex(words.back());
  if (!sp || !pc) return std::nullopt;
  return StackAndPc{*sp, *pc};
}

std::optional<StackAndPc> syscall_stack_and_pc(uint64_t pid, uint64_t tid) {
  return parse_syscall_line(file_text(fmt::format("/proc/{}/task/{}/syscall", pid, tid)));
}

std::optional<MapEntry> parse_maps_line(const std::string& line) {
  // "start-end perms offset dev inode   name"
  std::istringstream in(line);
  std::string range, perms, offset, dev, inode;
  if (!(in >> range >> perms >> offset >> dev >> inode) || perms.size() < 3) return std::nullopt;
  size_t dash = range.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto start = number(range.substr(0, dash), 16), end = number(range.substr(dash + 1), 16);
  if (!start || !end || *end <= *start) return std::nullopt;
  MapEntry e;
  e.start = *start;
  e.end = *end;
  e.read = perms[0] == 'r';
  e.write = perms[1] == 'w';
  e.exec = perms[2] == 'x';
  std::string name;
  std::getline(in, name);
  size_t first = name.find_first_not_of(' ');
  e.name = first == std::string::npos ? std::string() : name.substr(first);
  return e;
}

std::vector<MapEntry> read_maps(uint64_t pid) {
  std::vector<MapEntry> maps;
  std::ifstream in(fmt::format("/proc/{}/maps", pid));
  for (std::string line; std::getline(in, line);)
    if (auto e = parse_maps_line(line)) maps.push_back(std::move(*e));
  return maps;
}

std::string read_auxv(uint64_t pid) { return file_text(fmt::format("/proc/{}/auxv", pid)); }

std::string executable_path(uint64_t pid) {
  char buffer[PATH_MAX];
  ssize_t n = ::readlink(fmt::format("/proc/{}/exe", pid).c_str(), buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

ProcessIds process_ids(uint64_t pid) {
  ProcessIds ids;
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "PPid:") words >> ids.ppid;
    if (key == "Uid:") words >> ids.uid >> ids.euid;
    if (key == "Gid:") words >> ids.gid >> ids.egid;
  }
  return ids;
}

}  // namespace heapwalk::plugin::no_attach
