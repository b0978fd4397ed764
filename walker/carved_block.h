// A malloc chunk carved into the units of a program's own allocator, as the carvers
// (allocator_carver.cpp, protobuf_arena.cpp) read it before the allocation table is rebuilt.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heapwalk::walker {

struct CarvedUnit {
  uint64_t address = 0, size = 0;
  bool live = true;
  std::string kind;  // what the allocator says the unit is; empty: the block's kind (if any)
};

struct CarvedBlock {
  uint64_t chunk = 0, usable = 0;
  std::vector<CarvedUnit> units;  // by address, within [chunk, chunk + usable)
  std::string allocator, kind;
  // The kind of the block's head (from its start to its first unit); empty: named by what
  // points to it.
  std::string head_kind;
  // The block's units and its head reach each other (SubBlock::closed).
  bool closed = false;
};

}  // namespace heapwalk::walker
