// libFuzzer target: the type-name simplifier (what partitions print) on any text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "typeinfo/type_names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // names are short; long ones only slow the search down
  std::string name(reinterpret_cast<const char*>(data), size);
  (void)heapwalk::typeinfo::readable_type_name(name);
  return 0;
}
