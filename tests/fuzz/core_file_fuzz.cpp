// libFuzzer target: the core-file reader (walker/memory): the ELF header, program headers and
// notes of any bytes, through both readers heapwalk uses (read_core_file: headers and NT_FILE;
// open_core_image: PT_LOAD segments mapped from the file). The input is written to a memfd and
// opened by its /proc/self/fd path, as a core on disk would be.
//
// What must hold (checked, abort otherwise): no crash or over-read (ASan), no allocation sized by
// a header field (libFuzzer's -rss_limit_mb / -malloc_limit_mb), the image's regions sorted and
// each region readable at its first and last byte, and nothing readable outside its regions.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>

#include "walker/memory/core_file.h"
#include "walker/memory/memory_image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("core", 0);
  if (fd < 0) return 0;
  for (size_t done = 0; done < size;) {
    ssize_t n = write(fd, data + done, size - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);

  heapwalk::walker::CoreFile core = heapwalk::walker::read_core_file(path);
  for (const auto& f : core.files)
    if (f.path.size() > size) std::abort();  // a name is bytes of the note, never more

  try {
    auto image = heapwalk::walker::open_core_image(path);
    const auto& regions = image->regions();
    uint64_t previous_start = 0;
    for (const auto& r : regions) {
      if (r.start < previous_start || r.end <= r.start) std::abort();
      previous_start = r.start;
      uint8_t byte;
      if (!image->read(r.start, &byte, 1) || !image->read(r.end - 1, &byte, 1)) std::abort();
      (void)image->word(r.end - 8);
      (void)image->word(r.end - 1);  // straddles the end
      if (r.size() > size) std::abort();  // every readable byte is a byte of the file
    }
    (void)image->word(0);
    (void)image->word(~uint64_t{0} - 3);
    uint8_t buffer[64];
    (void)image->read(~uint64_t{0} - 16, buffer, sizeof buffer);  // wraps around
    (void)image->problems();
  } catch (const std::exception&) {
  }
  close(fd);
  return 0;
}
