// The --no-attach stub's pieces (plugin/no_attach): packet framing, the register table, the
// threads file, /proc line parsing, and the stub's answers, refusals included.
#include <catch2/catch.hpp>

#include <memory>

#include "plugin/no_attach/gdb_stub.h"
#include "plugin/no_attach/packet.h"
#include "plugin/no_attach/proc_files.h"
#include "plugin/no_attach/register_table.h"
#include "plugin/no_attach/thread_file.h"
#include "synthetic_image.h"

using namespace heapwalk::plugin::no_attach;

TEST_CASE("gdb-remote packets are framed, checksummed and escaped", "[no-attach][packets]") {
  CHECK(frame_packet("OK") == "$OK#9a");
  CHECK(frame_packet("") == "$#00");
  // '#', '$', '}' and '*' travel as '}' + (c ^ 0x20).
  CHECK(frame_packet("a#b$c}d*") == "$a}\x03" "b}\x04" "c}]d}\x0a#ec");
  PacketReader reader;
  bool bad = false;
  reader.feed("+$qC#b4+$m1000,4#");
  CHECK(reader.next(bad) == std::optional<std::string>("qC"));
  CHECK_FALSE(reader.next(bad));  // the second is not complete yet
  reader.feed("8e");
  auto m = reader.next(bad);
  CHECK_FALSE(bad);
  REQUIRE(m);
  CHECK(*m == "m1000,4");
  reader.feed("$qC#00");
  CHECK_FALSE(reader.next(bad));
  CHECK(bad);  // a bad checksum
  reader.feed("\x03");
  CHECK(reader.next(bad) == std::optional<std::string>("\x03"));
  // An escaped payload comes back as it was sent.
  std::string framed = frame_packet("x}y");
  reader.feed(framed);
  CHECK(reader.next(bad) == std::optional<std::string>("x}y"));
}

TEST_CASE("hex helpers", "[no-attach][packets]") {
  CHECK(to_hex(std::string_view("x86")) == "783836");
  CHECK(from_hex("783836") == std::optional<std::string>("x86"));
  CHECK_FALSE(from_hex("7"));
  CHECK_FALSE(from_hex("zz"));
  CHECK(parse_hex_number("7fff0000") == 0x7fff0000u);
  CHECK(parse_hex_number("ffffffffffffffff") == UINT64_MAX);
  CHECK_FALSE(parse_hex_number("10000000000000000"));
  CHECK_FALSE(parse_hex_number(""));
  CHECK_FALSE(parse_hex_number("0x1"));
}

TEST_CASE("the register table is lldb-server's general-purpose set", "[no-attach][registers]") {
  CHECK(register_info(0) ==
        "name:rax;bitsize:64;offset:0;encoding:uint;format:hex;set:General Purpose Registers;"
        "ehframe:0;dwarf:0;");
  CHECK(register_info(7).find("name:rsp;") == 0);
  CHECK(register_info(7).find("generic:sp;") != std::string::npos);
  CHECK(register_info(16).find("name:rip;") == 0);
  CHECK(register_info(16).find("generic:pc;") != std::string::npos);
  CHECK(register_info(17).find("name:rflags;") == 0);
  CHECK(register_info(24).find("name:fs_base;") == 0);
  CHECK(register_info(24).find("set:General") == std::string::npos);
  CHECK(register_info(kRegisterCount).empty());
  CHECK(register_number("eflags") == 17u);
  CHECK(register_number("rflags") == 17u);
  CHECK(register_number("r15") == 15u);
  CHECK_FALSE(register_number("xmm0"));
  CHECK(register_number("rsp") == kRsp);
  CHECK(register_number("rip") == kRip);
}

TEST_CASE("the threads file is parsed strictly", "[no-attach][threads-file]") {
  ThreadsFile file = parse_threads_json(
      R"({"threads":[{"tid":12,"name":"a","registers":{"rip":"0x401136","eflags":"0x246"}},)"
      R"({"tid":13,"registers":{}}],"selected_tid":13,"selected_frame":2})");
  REQUIRE(file.threads.size() == 2);
  CHECK(file.threads[0].tid == 12);
  CHECK(file.threads[0].name == "a");
  CHECK(file.threads[0].registers[kRip] == 0x401136);
  CHECK(file.threads[0].registers[17] == 0x246);
  CHECK(file.threads[0].known.count() == 2);
  CHECK(file.selected_tid == 13u);
  CHECK(file.selected_frame == 2);
  auto error = [](const char* text) {
    try {
      parse_threads_json(text);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(parsed)");
  };
  CHECK(error("{").starts_with("not JSON"));
  CHECK(error("[]") == "not a JSON object with \"threads\"");
  CHECK(error(R"({"threads":[]})") == "\"threads\" is empty");
  CHECK(error(R"({"threads":[{"tid":1}],"extra":1})") == "unknown key 'extra'");
  CHECK(error(R"({"threads":[{"tid":"1"}]})") == "\"tid\" must be a whole number");
  CHECK(error(R"({"threads":[{"tid":1},{"tid":1}]})") == "thread 1 is listed twice");
  CHECK(error(R"({"threads":[{"tid":1,"registers":{"xmm0":"0x0"}}]})") == "unknown register 'xmm0' in thread 1");
  CHECK(error(R"({"threads":[{"tid":1,"registers":{"rax":"0x"}}]})") ==
        "register rax of thread 1 is not a 64-bit hex value: '0x'");
  CHECK(error(R"({"threads":[{"tid":1,"registers":{"rax":1}}]})") ==
        "register rax of thread 1 must be a hex string such as \"0x1f\"");
  CHECK(error(R"({"threads":[{"tid":1}],"selected_tid":2})") == "\"selected_tid\" 2 is not one of the threads");
  CHECK(error(R"({"threads":[{"tid":1}],"selected_frame":-1})") == "\"selected_frame\" must be a whole number");
}

TEST_CASE("/proc lines: syscall and maps", "[no-attach][proc]") {
  auto blocked = parse_syscall_line("230 0x0 0x0 0x7ffe5870 0x7ffe58b0 0x0 0x0 0x7ffedade5858 0x7fc22ee42503\n");
  REQUIRE(blocked);
  CHECK(blocked->sp == 0x7ffedade5858);
  CHECK(blocked->pc == 0x7fc22ee42503);
  auto outside = parse_syscall_line("-1 0x7ffc1000 0x401136");
  REQUIRE(outside);
  CHECK(outside->sp == 0x7ffc1000);
  CHECK_FALSE(parse_syscall_line("running"));
  CHECK_FALSE(parse_syscall_line(""));
  auto map = parse_maps_line("7fc90315c000-7fc903182000 r-xp 00000000 fe:00 1234   /usr/lib/libc.so.6");
  REQUIRE(map);
  CHECK(map->start == 0x7fc90315c000);
  CHECK(map->end == 0x7fc903182000);
  CHECK((map->read && !map->write && map->exec));
  CHECK(map->name == "/usr/lib/libc.so.6");
  auto anon = parse_maps_line("7fc903331000-7fc90333e000 rw-p 00000000 00:00 0 ");
  REQUIRE(anon);
  CHECK(anon->name.empty());
  CHECK_FALSE(parse_maps_line("garbage"));
}

namespace {

GdbStub make_stub() {
  auto image = std::make_shared<heapwalk::test::SyntheticImage>();
  image->add_region(0x10000, 0x2000);
  image->put<uint64_t>(0x10000, 0x1122334455667788);
  image->put<uint8_t>(0x11fff, '#');
  TargetSnapshot t;
  t.pid = 0x4d2;
  ThreadState a, b;
  a.tid = 0x4d2;
  a.name = "main";
  a.registers[kRip] = 0x401136;
  b.tid = 0x4d3;
  b.registers[kRsp] = 0x7ffc0000;
  t.threads = {a, b};
  t.maps = {{0x10000, 0x12000, true, true, false, "[heap]"}, {0x20000, 0x21000, false, false, false, ""}};
  t.auxv = std::string("\x21\0\0\0\0\0\0\0", 8);
  t.memory = image;
  return GdbStub(std::move(t));
}

}  // namespace

TEST_CASE("the stub answers LLDB's queries", "[no-attach][stub]") {
  GdbStub stub = make_stub();
  CHECK(stub.answer("QStartNoAckMode") == "OK");
  CHECK(stub.no_ack());
  CHECK(stub.answer("qSupported:xmlRegisters=i386").find("qXfer:auxv:read+") != std::string::npos);
  CHECK(stub.answer("qProcessInfo").find("pid:4d2;") == 0);
  CHECK(stub.answer("qProcessInfo").find("triple:7838365f36342d70632d6c696e75782d676e75;") != std::string::npos);
  CHECK(stub.answer("qC") == "QC4d2");
  CHECK(stub.answer("qfThreadInfo") == "m4d2,4d3");
  CHECK(stub.answer("qsThreadInfo") == "l");
  CHECK(stub.answer("?").find("T13thread:4d2;hexname:6d61696e;threads:4d2,4d3;") == 0);
  CHECK(stub.answer("qThreadStopInfo4d3").find("T00thread:4d3;") == 0);
  CHECK(stub.answer("qThreadStopInfo99") == "E15");
  CHECK(stub.answer("qRegisterInfo0").find("name:rax;") == 0);
  CHECK(stub.answer("qRegisterInfo1a") == "E45");
  CHECK(stub.answer("p10;thread:4d2;") == "3611400000000000");
  CHECK(stub.answer("p7;thread:4d3;") == "0000fc7f00000000");
  CHECK(stub.answer("p7;thread:99;") == "E15");
  CHECK(stub.answer("Hg4d3") == "OK");
  CHECK(stub.answer("p7") == "0000fc7f00000000");
  CHECK(stub.answer("g").size() == kRegisterCount * 16);
  CHECK(stub.answer("m10000,8") == "8877665544332211");
  CHECK(stub.answer("m11ffe,4") == "0023");  // the readable part only
  CHECK(stub.answer("m30000,4") == "E08");
  CHECK(stub.answer("x0,0") == "OK");
  CHECK(stub.answer("x11fff,1") == "#");  // raw: the framing escapes it
  CHECK(stub.answer("qMemoryRegionInfo:10010") ==
        "start:10000;size:2000;permissions:rw;flags:;name:5b686561705d;");
  CHECK(stub.answer("qMemoryRegionInfo:20000") == "start:20000;size:1000;permissions:;flags:;");
  CHECK(stub.answer("qMemoryRegionInfo:100") == "start:100;size:ff00;");
  CHECK(stub.answer("qMemoryRegionInfo:30000") == "start:30000;size:fffffffffffcffff;");
  CHECK(stub.answer("qXfer:auxv:read::0,100") == "l" + std::string("\x21\0\0\0\0\0\0\0", 8));
  CHECK(stub.answer("qXfer:auxv:read::8,100") == "l");
  CHECK(stub.answer("vCont?").empty());
  CHECK(stub.answer("jThreadsInfo").empty());
  CHECK(stub.refused() == 0);
  CHECK(stub.answer("D") == "OK");
  CHECK(stub.detached());
}

TEST_CASE("the stub refuses every packet that would change the target or run code", "[no-attach][stub]") {
  GdbStub stub = make_stub();
  uint64_t n = 0;
  for (const char* packet :
       {"M10000,1:00", "X10000,1:a", "P0=0000000000000000", "G00", "Z0,401136,1", "z0,401136,1",
        "Z2,10000,8", "c", "C13", "s", "S05", "vCont;c", "vCont;s:4d2", "vRun;2f62696e", "vAttach;4d2",
        "vKill;4d2", "_M1000,rwx", "_m10000", "QSaveRegisterState;thread:4d2;",
        "QRestoreRegisterState:1;thread:4d2;", "k", "R00", "A4,0,2f62696e", "QSetWorkingDir:2f",
        "vFile:open:2f746d70,601,1ff", "QEnvironment:A=B", "QNonStop:1", "QPassSignals:13", "I"}) {
    INFO(packet);
    CHECK(stub.answer(packet) == "E01");
    CHECK(stub.refused() == ++n);
  }
  CHECK_FALSE(stub.detached());
}
