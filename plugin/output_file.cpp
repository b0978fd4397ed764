#include "plugin/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace heapwalk::plugin {
namespace {

struct FileId {
  dev_t dev;
  ino_t ino;
  bool operator==(const FileId&) const = default;
};

bool id_of(const std::string& path, FileId& id) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  id = {st.st_dev, st.st_ino};
  return true;
}

[[noreturn]] void fail(const std::string& path, int error) {
  throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(error)));
}

// Every byte, retrying short writes and EINTR; false with errno set otherwise.
bool write_all(int fd, const std::string& data) {
  for (size_t done = 0; done < data.size();) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

mode_t new_file_mode() {
  mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

}  // namespace

void refuse_inputs(const std::string& path, const std::vector<InputFile>& inputs) {
  FileId out;
  if (!id_of(path, out)) return;  // a file that does not exist is nobody's input
  for (const InputFile& input : inputs) {
    FileId id;
    if (id_of(input.path, id) && id == out)
      throw std::runtime_error(
          fmt::format("refusing to write '{}': it is {} ({})", path, input.what, input.path));
  }
  // What this process maps: by the device and inode the kernel shows, and by its name.
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    unsigned major = 0, minor = 0;
    unsigned long inode = 0;
    int name_at = 0;
    if (std::sscanf(line.c_str(), "%*x-%*x %*s %*x %x:%x %lu %n", &major, &minor, &inode,
                    &name_at) < 3 || inode == 0)
      continue;
    std::string name = line.substr(static_cast<size_t>(name_at));
    FileId id;
    if ((FileId{makedev(major, minor), static_cast<ino_t>(inode)} == out) ||
        (!name.empty() && name[0] == '/' && id_of(name, id) && id == out))
      throw std::runtime_error(fmt::format(
          "refusing to write '{}': it is a file this debugger has mapped ({})", path, name));
  }
}

void write_output_file(const std::string& path, const std::string& data) {
  if (path.empty()) throw std::runtime_error("--out needs a file name");
  struct stat st;
  bool exists = stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) fail(path, EISDIR);
  if (exists && !S_ISREG(st.st_mode)) {
    // A device or a FIFO: no rename possible; every write and the close are checked.
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) fail(path, errno);
    if (!write_all(fd, data)) {
      int error = errno;
      ::close(fd);
      fail(path, error);
    }
    if (::close(fd) != 0) fail(path, errno);
    return;
  }
  // Renaming replaces the name given; through a symlink, replace the file it names.
  std::string target = path;
  if (exists) {
    char real[PATH_MAX];
    if (realpath(path.c_str(), real)) target = real;
  }
  size_t slash = target.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash));
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  std::string temp = fmt::format("{}/.{}.heapwalk-XXXXXX", dir, base);
  int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) fail(path, errno);
  auto abandon = [&](int error) {
    ::close(fd);
    ::unlink(temp.c_str());
    fail(path, error);
  };
  if (!write_all(fd, data)) abandon(errno);
  if (::fchmod(fd, exists ? (st.st_mode & 07777) : new_file_mode()) != 0) abandon(errno);
  if (::fsync(fd) != 0) abandon(errno);
  if (::close(fd) != 0) {
    int error = errno;
    ::unlink(temp.c_str());
    fail(path, error);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    int error = errno;
    ::unlink(temp.c_str());
    fail(path, error);
  }
}

}  // namespace heapwalk::plugin
