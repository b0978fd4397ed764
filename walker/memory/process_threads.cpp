#include "walker/memory/process_threads.h"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace heapwalk::walker {

std::vector<uint64_t> task_ids(uint64_t pid) {
  std::vector<uint64_t> tids;
  DIR* dir = ::opendir(fmt::format("/proc/{}/task", pid).c_str());
  if (!dir) return tids;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    uint64_t tid = std::strtoull(entry->d_name, &end, 10);
    if (entry->d_name[0] >= '0' && entry->d_name[0] <= '9' && end && *end == 0) tids.push_back(tid);
  }
  ::closedir(dir);
  return tids;
}

char thread_state(uint64_t pid, uint64_t tid) {
  std::ifstream in(fmt::format("/proc/{}/task/{}/stat", pid, tid), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string stat = text.str();
  // "TID (comm) S …": the name may hold spaces and parentheses; the state follows the last ')'.
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return 0;
  return stat[paren + 2];
}

std::string running_thread(uint64_t pid) {
  for (uint64_t tid : task_ids(pid)) {
    char state = thread_state(pid, tid);
    // Zombie and dead threads ('Z', 'X') run no more either.
    if (state != 0 && state != 't' && state != 'T' && state != 'Z' && state != 'X')
      return fmt::format("thread {} (state {})", tid, state);
  }
  return {};
}

}  // namespace heapwalk::walker
