// --out FILE: never one of the session's inputs, never half written.
#pragma once

#include <string>
#include <vector>

namespace heapwalk::plugin {

// A file the session reads: the executable, the core, a library or any file the target maps,
// a file this process (lldb) has mapped. `what` says which, for the refusal.
struct InputFile {
  std::string path;
  std::string what;  // "the core being read", "a file the target maps", …
};

// Throws std::runtime_error when `path` names (by device and inode, whatever the name: links,
// "./", symlinks) one of `inputs` or a file this process has mapped (/proc/self/maps: a core
// LLDB reads, the modules it loaded; overwriting one would crash lldb with SIGBUS).
void refuse_inputs(const std::string& path, const std::vector<InputFile>& inputs);

// Writes `data` to `path`: a regular file (or a new one) through a temporary file in the same
// directory, renamed over it once every write, the flush and the close succeeded, keeping an
// existing file's mode; anything else that exists (a device, a FIFO) directly, checking every
// write and the close. Throws std::runtime_error("cannot write 'PATH': REASON"); on failure an
// existing regular file is left as it was.
void write_output_file(const std::string& path, const std::string& data);

}  // namespace heapwalk::plugin
