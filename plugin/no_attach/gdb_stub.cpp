#include "plugin/no_attach/gdb_stub.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "plugin/no_attach/packet.h"

namespace heapwalk::plugin::no_attach {
namespace {

constexpr const char* kTriple = "x86_64-pc-linux-gnu";
constexpr uint64_t kPage = 4096;
constexpr uint64_t kMaxRead = 0x20000;  // the PacketSize we announce

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "ADDR,LEN" after `skip` characters.
bool address_and_length(std::string_view text, uint64_t& addr, uint64_t& len) {
  size_t comma = text.find(',');
  if (comma == std::string_view::npos) return false;
  auto a = parse_hex_number(text.substr(0, comma)), l = parse_hex_number(text.substr(comma + 1));
  if (!a || !l) return false;
  addr = *a;
  len = *l;
  return true;
}

std::string hex64(uint64_t value) {
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(value >> (8 * i));  // little-endian
  return to_hex(std::span<const uint8_t>(bytes, 8));
}

}  // namespace

bool is_refused_packet(const std::string& p) {
  if (p.empty()) return false;
  // Memory and register writes, breakpoints and watchpoints, resuming, restarting, killing.
  switch (p[0]) {
    case 'M': case 'X': case 'P': case 'G': case 'Z': case 'z': case 'c': case 'C': case 's':
    case 'S': case 'R': case '!': case 'A': case 'k': case 'I': case 'i': case 'W':
      return true;
    default:
      break;
  }
  for (const char* prefix : {"vCont;", "vCont:", "vRun", "vAttach", "vKill", "vFlash", "vStopped",
                             "_M", "_m", "QSaveRegisterState", "QRestoreRegisterState",
                             "QSetWorkingDir", "QEnvironment", "QLaunch", "QSetSTDIN",
                             "QSetSTDOUT", "QSetSTDERR", "QSetDisableASLR", "QNonStop",
                             "qLaunchGDBServer", "qLaunchSuccess", "vFile:", "QSetIgnoredExceptions",
                             "jLLDBTraceStart", "jLLDBTraceStop", "QMemTags", "qMemTags",
                             "QPassSignals", "QProgramSignals", "qXfer:siginfo:write"})
    if (starts_with(p, prefix)) return true;
  return false;
}

std::string GdbStub::answer(const std::string& p) {
  if (is_refused_packet(p)) {
    ++refused_;
    return "E01";
  }
  if (p == "QStartNoAckMode") {
    no_ack_ = true;
    return "OK";
  }
  if (starts_with(p, "qSupported"))
    return "PacketSize=20000;QStartNoAckMode+;QThreadSuffixSupported+;QListThreadsInStopReply+;"
           "qXfer:auxv:read+";
  if (p == "QThreadSuffixSupported" || p == "QListThreadsInStopReply") return "OK";
  if (p == "qHostInfo")
    return fmt::format("triple:{};ptrsize:8;endian:little;ostype:linux;vendor:pc;", to_hex(kTriple));
  if (p == "qProcessInfo") {
    const ProcessIds& ids = target_.ids;
    return fmt::format(
        "pid:{:x};parent-pid:{:x};real-uid:{:x};real-gid:{:x};effective-uid:{:x};"
        "effective-gid:{:x};triple:{};ostype:linux;endian:little;ptrsize:8;",
        target_.pid, ids.ppid, ids.uid, ids.gid, ids.euid, ids.egid, to_hex(kTriple));
  }
  // The stop is reported on the first thread: LLDB numbers the stop's thread #1, then the others
  // in qfThreadInfo's order. The selected thread is set through the SB API afterwards.
  if (p == "qC") return fmt::format("QC{:x}", target_.threads.front().tid);
  if (p == "?" || p == "\x03") return stop_reply(0);
  if (p == "qfThreadInfo") {
    std::string reply = "m";
    for (size_t i = 0; i < target_.threads.size(); ++i)
      reply += fmt::format("{}{:x}", i ? "," : "", target_.threads[i].tid);
    return reply;
  }
  if (p == "qsThreadInfo") return "l";
  if (starts_with(p, "qThreadStopInfo")) {
    auto tid = parse_hex_number(std::string_view(p).substr(15));
    for (size_t i = 0; tid && i < target_.threads.size(); ++i)
      if (target_.threads[i].tid == *tid) return stop_reply(i);
    return "E15";
  }
  if (starts_with(p, "qRegisterInfo")) {
    auto n = parse_hex_number(std::string_view(p).substr(13));
    std::string info = n ? register_info(*n) : std::string();
    return info.empty() ? "E45" : info;
  }
  if (p[0] == 'p') return read_register(p);
  if (p[0] == 'g') return read_registers(p);
  if (p[0] == 'H' && p.size() >= 2 && (p[1] == 'g' || p[1] == 'c')) {
    // Which thread later packets mean: state of the stub, not of the target.
    std::string_view id = std::string_view(p).substr(2);
    if (id == "-1" || id == "0") {
      if (p[1] == 'g') current_ = SIZE_MAX;
      return "OK";
    }
    auto tid = parse_hex_number(id);
    for (size_t i = 0; tid && i < target_.threads.size(); ++i)
      if (target_.threads[i].tid == *tid) {
        if (p[1] == 'g') current_ = i;
        return "OK";
      }
    return "E15";
  }
  if (p[0] == 'T') {  // is thread alive
    auto tid = parse_hex_number(std::string_view(p).substr(1));
    for (const ThreadState& t : target_.threads)
      if (tid && t.tid == *tid) return "OK";
    return "E15";
  }
  if (p[0] == 'm') return read_memory(p, false);
  if (p[0] == 'x') return read_memory(p, true);
  if (starts_with(p, "qMemoryRegionInfo:")) return region_info(p);
  if (p == "qMemoryRegionInfo") return "OK";
  if (starts_with(p, "qXfer:auxv:read::")) return read_auxv(p);
  if (starts_with(p, "qSymbol")) return "OK";
  if (p[0] == 'D') {
    detached_ = true;  // the target was never attached: nothing to undo
    return "OK";
  }
  return {};
}

std::string GdbStub::stop_reply(size_t index) const {
  const ThreadState& t = target_.threads[index];
  // The stop's thread: stopped by SIGSTOP (0x13) as far as LLDB knows; the others: no reason.
  std::string reply = fmt::format("T{}thread:{:x};", index == 0 ? "13" : "00", t.tid);
  if (!t.name.empty()) reply += fmt::format("hexname:{};", to_hex(t.name));
  reply += "threads:";
  for (size_t i = 0; i < target_.threads.size(); ++i)
    reply += fmt::format("{}{:x}", i ? "," : "", target_.threads[i].tid);
  reply += ";";
  if (index == 0) reply += "reason:signal;";
  return reply;
}

const ThreadState* GdbStub::thread_of(const std::string& packet, size_t& index) const {
  size_t at = packet.find(";thread:");
  if (at == std::string::npos) {
    index = current_ == SIZE_MAX ? 0 : current_;
    return &target_.threads[index];
  }
  std::string_view id = std::string_view(packet).substr(at + 8);
  if (size_t semi = id.find(';'); semi != std::string_view::npos) id = id.substr(0, semi);
  auto tid = parse_hex_number(id);
  for (size_t i = 0; tid && i < target_.threads.size(); ++i)
    if (target_.threads[i].tid == *tid) {
      index = i;
      return &target_.threads[i];
    }
  return nullptr;
}

std::string GdbStub::read_register(const std::string& p) const {
  size_t end = p.find(';');
  auto number = parse_hex_number(std::string_view(p).substr(1, end == std::string::npos ? end : end - 1));
  size_t index = 0;
  const ThreadState* t = thread_of(p, index);
  if (!number || *number >= kRegisterCount || !t) return "E15";
  return hex64(t->registers[*number]);
}

std::string GdbStub::read_registers(const std::string& p) const {
  size_t index = 0;
  const ThreadState* t = thread_of(p, index);
  if (!t) return "E15";
  std::string reply;
  for (uint64_t value : t->registers) reply += hex64(value);
  return reply;
}

std::string GdbStub::read_memory(const std::string& p, bool binary) const {
  uint64_t addr = 0, len = 0;
  if (!address_and_length(std::string_view(p).substr(1), addr, len)) return "E01";
  if (len == 0) return binary ? "OK" : "";
  len = std::min(len, binary ? kMaxRead : kMaxRead / 2);
  std::vector<uint8_t> bytes(len);
  size_t got = 0;
  if (!target_.memory->read(addr, bytes.data(), len)) {
    // As much as is readable from addr, page by page.
    for (uint64_t at = addr; got < len;) {
      uint64_t n = std::min<uint64_t>(len - got, kPage - (at % kPage));
      if (!target_.memory->read(at, bytes.data() + got, n)) break;
      got += n;
      at += n;
    }
    if (got == 0) return "E08";
    bytes.resize(got);
  }
  // Binary bytes go as they are: frame_packet escapes what the framing needs.
  return binary ? std::string(bytes.begin(), bytes.end()) : to_hex(bytes);
}

std::string GdbStub::region_info(const std::string& p) const {
  auto addr = parse_hex_number(std::string_view(p).substr(18));
  if (!addr) return "E01";
  for (const MapEntry& m : target_.maps) {
    if (*addr < m.start) return fmt::format("start:{:x};size:{:x};", *addr, m.start - *addr);
    if (*addr >= m.end) continue;
    std::string permissions = std::string(m.read ? "r" : "") + (m.write ? "w" : "") + (m.exec ? "x" : "");
    std::string reply = fmt::format("start:{:x};size:{:x};permissions:{};flags:;", m.start,
                                    m.end - m.start, permissions);
    if (!m.name.empty()) reply += fmt::format("name:{};", to_hex(m.name));
    return reply;
  }
  return fmt::format("start:{:x};size:{:x};", *addr, UINT64_MAX - *addr);
}

std::string GdbStub::read_auxv(const std::string& p) const {
  uint64_t offset = 0, len = 0;
  if (!address_and_length(std::string_view(p).substr(17), offset, len)) return "E01";
  if (offset >= target_.auxv.size()) return "l";
  std::string_view chunk = std::string_view(target_.auxv).substr(offset, std::min(len, kMaxRead / 2));
  bool last = offset + chunk.size() >= target_.auxv.size();
  return (last ? "l" : "m") + std::string(chunk);
}

}  // namespace heapwalk::plugin::no_attach
