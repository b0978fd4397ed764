#include "plugin/no_attach/register_table.h"

#include <fmt/format.h>

namespace heapwalk::plugin::no_attach {

const std::array<RegisterDef, kRegisterCount>& register_defs() {
  static constexpr const char* kGpr = "General Purpose Registers";
  static constexpr const char* kBase = "Segment Base Registers";
  static const std::array<RegisterDef, kRegisterCount> defs{{
      {"rax", 0, nullptr, kGpr, nullptr},     {"rbx", 3, nullptr, kGpr, nullptr},
      {"rcx", 2, "arg4", kGpr, nullptr},      {"rdx", 1, "arg3", kGpr, nullptr},
      {"rdi", 5, "arg1", kGpr, nullptr},      {"rsi", 4, "arg2", kGpr, nullptr},
      {"rbp", 6, "fp", kGpr, nullptr},        {"rsp", 7, "sp", kGpr, nullptr},
      {"r8", 8, "arg5", kGpr, nullptr},       {"r9", 9, "arg6", kGpr, nullptr},
      {"r10", 10, nullptr, kGpr, nullptr},    {"r11", 11, nullptr, kGpr, nullptr},
      {"r12", 12, nullptr, kGpr, nullptr},    {"r13", 13, nullptr, kGpr, nullptr},
      {"r14", 14, nullptr, kGpr, nullptr},    {"r15", 15, nullptr, kGpr, nullptr},
      {"rip", 16, "pc", kGpr, nullptr},       {"rflags", 49, "flags", kGpr, "eflags"},
      {"cs", 51, nullptr, kGpr, nullptr},     {"fs", 54, nullptr, kGpr, nullptr},
      {"gs", 55, nullptr, kGpr, nullptr},     {"ss", 52, nullptr, kGpr, nullptr},
      {"ds", 53, nullptr, kGpr, nullptr},     {"es", 50, nullptr, kGpr, nullptr},
      {"fs_base", 58, nullptr, kBase, nullptr}, {"gs_base", 59, nullptr, kBase, nullptr},
  }};
  return defs;
}

std::optional<size_t> register_number(std::string_view name) {
  const auto& defs = register_defs();
  for (size_t i = 0; i < defs.size(); ++i)
    if (name == defs[i].name || (defs[i].alias && name == defs[i].alias)) return i;
  return std::nullopt;
}

std::string register_info(size_t number) {
  if (number >= kRegisterCount) return {};
  const RegisterDef& r = register_defs()[number];
  std::string info = fmt::format("name:{};bitsize:64;offset:{};encoding:uint;format:hex;set:{};",
                                 r.name, number * 8, r.set);
  if (r.ehframe >= 0) info += fmt::format("ehframe:{0};dwarf:{0};", r.ehframe);
  if (r.generic) info += fmt::format("generic:{};", r.generic);
  return info;
}

}  // namespace heapwalk::plugin::no_attach
