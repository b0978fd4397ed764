// Residency (smaps + pagemap) of a stopped child, and the /proc/PID/mem image that reads it
// without faulting: untouched anonymous pages read as zeros, untouched file pages as the file's
// bytes, written pages as written; the child's Rss the same before and after.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "walker/memory/memory_image.h"
#include "walker/memory/residency.h"

using namespace heapwalk::walker;

namespace {

constexpr size_t kFileBytes = 1 << 20, kAnonBytes = 1 << 20;

uint8_t file_byte(size_t i) { return static_cast<uint8_t>(i * 7 + 3); }

}  // namespace

TEST_CASE("the /proc/PID/mem image reads untouched pages without faulting them in",
          "[residency]") {
  std::string path = (std::filesystem::temp_directory_path() / "heapwalk-residency-XXXXXX").string();
  int fd = mkstemp(path.data());
  REQUIRE(fd >= 0);
  std::vector<uint8_t> content(kFileBytes);
  for (size_t i = 0; i < content.size(); ++i) content[i] = file_byte(i);
  REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  // Mapped before the fork and never touched: the child has the mappings and no page of them.
  auto* file = static_cast<uint8_t*>(mmap(nullptr, kFileBytes, PROT_READ, MAP_PRIVATE, fd, 0));
  auto* anon = static_cast<uint8_t*>(
      mmap(nullptr, kAnonBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  REQUIRE(file != MAP_FAILED);
  REQUIRE(anon != MAP_FAILED);
  pid_t child = fork();
  if (child == 0) {
    for (size_t i = 0; i < kAnonBytes / 2; ++i) anon[i] = 0xab;  // the first half written
    raise(SIGSTOP);
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, WUNTRACED) == child);
  REQUIRE(WIFSTOPPED(status));

  auto before = Residency::rollup_rss(child);
  REQUIRE(before);
  auto residency = Residency::take(child);
  REQUIRE(residency);
  CHECK(residency->counted() == residency->rss());
  CHECK(residency->problems().empty());
  const uint64_t f = reinterpret_cast<uint64_t>(file), a = reinterpret_cast<uint64_t>(anon);
  CHECK(!(residency->page(f) & Residency::kPresent));
  CHECK(residency->page(a) & Residency::kResident);
  CHECK(!(residency->page(a + kAnonBytes - kPageSize) & Residency::kPresent));

  std::vector<Region> regions;
  for (const ResidentMapping& m : residency->mappings())
    if (m.readable) regions.push_back({m.start, m.end, true, m.writable, m.executable, m.name});
  auto image = open_proc_mem_image(child, regions);
  REQUIRE(image);
  REQUIRE(image->residency());
  std::vector<uint8_t> got(kFileBytes);
  REQUIRE(image->read(f, got.data(), got.size()));
  CHECK(got == content);
  got.assign(kAnonBytes, 0x11);
  REQUIRE(image->read(a, got.data(), got.size()));
  CHECK(std::all_of(got.begin(), got.begin() + kAnonBytes / 2, [](uint8_t b) { return b == 0xab; }));
  CHECK(std::all_of(got.begin() + kAnonBytes / 2, got.end(), [](uint8_t b) { return b == 0; }));
  CHECK(image->disturbance().total() == 0);
  auto after = Residency::rollup_rss(child);
  REQUIRE(after);
  CHECK(*after == *before);
  // The plain reading the image avoids would have mapped the file's pages.
  {
    FILE* mem = fopen(("/proc/" + std::to_string(child) + "/mem").c_str(), "rb");
    REQUIRE(mem);
    std::fseek(mem, static_cast<long>(f), SEEK_SET);
    REQUIRE(std::fread(got.data(), 1, kFileBytes, mem) == kFileBytes);
    std::fclose(mem);
    auto faulted = Residency::rollup_rss(child);
    REQUIRE(faulted);
    CHECK(*faulted > *before);
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  munmap(file, kFileBytes);
  munmap(anon, kAnonBytes);
  close(fd);
  std::filesystem::remove(path);
}
