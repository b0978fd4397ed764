#include "typeinfo/kind_names.h"

#include <string_view>

#include "typeinfo/member_lookup.h"
#include "typeinfo/type_names.h"

namespace heapwalk::typeinfo {
namespace {

std::string readable_argument(lldb::SBType type, uint32_t index) {
  if (index >= type.GetNumberOfTemplateArguments()) return {};
  lldb::SBType arg = type.GetTemplateArgumentType(index);
  return arg.GetName() ? readable_type_name(arg.GetName()) : std::string();
}

}  // namespace

std::string kind_name(lldb::SBType type, const std::string& readable) {
  std::string_view name = readable;
  if (name.starts_with("std::_Sp_counted_ptr_inplace<")) {
    std::string object = readable_argument(type, 0);
    if (!object.empty()) return object + " (make_shared)";
  }
  if (name.starts_with("std::_Sp_counted_ptr<") || name.starts_with("std::_Sp_counted_deleter<")) {
    lldb::SBType pointer = type.GetNumberOfTemplateArguments() ? plain(type.GetTemplateArgumentType(0))
                                                               : lldb::SBType();
    if (pointer.IsValid() && pointer.IsPointerType() && pointer.GetPointeeType().GetName()) {
      std::string object = readable_type_name(pointer.GetPointeeType().GetName());
      // shared_ptr<T[]> deletes through std::__sp_array_delete (or default_delete<T[]>).
      std::string deleter = readable_argument(type, 1);
      if (deleter == "std::__sp_array_delete" || deleter.ends_with("[]>")) object += "[]";
      return "std::shared_ptr<" + object + "> control block";
    }
  }
  return readable;
}

}  // namespace heapwalk::typeinfo
