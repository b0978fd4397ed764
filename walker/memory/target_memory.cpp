#include "walker/memory/target_memory.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <lldb/API/SBError.h>

namespace heapwalk::walker {
namespace {

bool looks_like_core_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr eh{};
  if (!in.read(reinterpret_cast<char*>(&eh), sizeof eh)) return false;
  return std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_type == ET_CORE;
}

// The image is the target's memory if LLDB reads the same bytes from a few of its regions.
bool agrees_with_lldb(const MemoryImage& image, lldb::SBProcess& process) {
  int compared = 0;
  for (const Region& r : image.regions()) {
    if (!r.writable) continue;
    uint8_t ours[256], theirs[256];
    size_t n = std::min<uint64_t>(sizeof ours, r.size());
    lldb::SBError error;
    if (!image.read(r.start, ours, n)) return false;
    if (process.ReadMemory(r.start, theirs, n, error) != n || error.Fail()) continue;
    if (std::memcmp(ours, theirs, n) != 0) return false;
    if (++compared == 4) break;
  }
  return compared > 0;
}

std::unique_ptr<MemoryImage> find_mapped_core(lldb::SBProcess& process) {
  std::ifstream maps("/proc/self/maps");
  std::set<std::string> seen;
  for (std::string line; std::getline(maps, line);) {
    size_t slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    if (!seen.insert(path).second || !looks_like_core_file(path)) continue;
    try {
      auto image = open_core_image(path);
      if (agrees_with_lldb(*image, process)) return image;
    } catch (const std::exception&) {
    }
  }
  return nullptr;
}

std::mutex fd_mutex;
// Never destroyed, like the session cache: read while LLDB tears down.
std::map<uint64_t, int>& memory_fds() {
  static auto& fds = *new std::map<uint64_t, int>;
  return fds;
}

}  // namespace

void use_process_memory_fd(uint64_t pid, int fd) {
  std::lock_guard lock(fd_mutex);
  if (fd < 0) memory_fds().erase(pid);
  else memory_fds()[pid] = fd;
}

int process_memory_fd(uint64_t pid) {
  std::lock_guard lock(fd_mutex);
  auto it = memory_fds().find(pid);
  return it == memory_fds().end() ? -1 : it->second;
}

bool is_core(lldb::SBProcess& process) {
  const char* plugin = process.GetPluginName();
  return plugin && std::string_view(plugin).find("core") != std::string_view::npos;
}

std::string core_file_of(lldb::SBProcess& process, const std::string& given) {
  if (!given.empty() || !is_core(process)) return given;
  auto image = find_mapped_core(process);
  return image ? image->core_path() : std::string();
}

std::unique_ptr<MemoryImage> open_target_memory(lldb::SBProcess& process,
                                                const std::string& core_path) {
  if (!process.IsValid())
    throw std::runtime_error("no process: run the program to a breakpoint, attach, or load a core");
  if (is_core(process)) {
    if (!core_path.empty()) return open_core_image(core_path);
    if (auto image = find_mapped_core(process)) return image;
  } else if (int fd = process_memory_fd(process.GetProcessID()); fd >= 0) {
    // The descriptor registered for this pid, or nothing: a pid whose memory is given is never
    // read another way.
    if (auto image = open_proc_mem_image(static_cast<int>(process.GetProcessID()), fd,
                                         lldb_regions(process)))
      return image;
    throw std::runtime_error(fmt::format("cannot read the memory of process {} through its "
                                         "/proc/PID/mem descriptor", process.GetProcessID()));
  } else if (auto image = open_proc_mem_image(static_cast<int>(process.GetProcessID()),
                                              lldb_regions(process))) {
    return image;
  }
  return open_lldb_image(process, lldb_regions(process));
}

}  // namespace heapwalk::walker
