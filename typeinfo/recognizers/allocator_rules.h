// Recognizer rules for a program's own allocators ([[allocator]] in a recognizer file,
// docs/recognizers.md "Your own allocators"): which type is an allocator, where its blocks are
// (malloc chunks it carves), and how to enumerate the units in each block: units with headers (a
// first-fit heap), fixed-size units with free lists through their first word (a pool), or a
// bump region with a current offset. Read with the rest of a recognizer file (rules.h);
// enumerated by walker/suballocators.h.
#pragma once

#include <string>
#include <vector>

#include "typeinfo/recognizers/rules.h"


namespace heapwalk::typeinfo {

struct AllocatorRule {
  enum class Form { kHeap, kPool, kBump };
  std::vector<std::string> patterns;  // the allocator's type names (as in [[recognizer]])
  // Where the blocks are. `blocks`: an expression on the allocator giving the first block
  // descriptor's address (its pointee type is the descriptor type). Then `next` (a list: the
  // descriptor's field to the next one) or `count` (an array of that many descriptors).
  std::string blocks, next, count;
  std::string memory;  // descriptor expression: the block's malloc chunk; empty: the descriptor is its start
  std::string size;    // descriptor (or allocator) expression: bytes of the block the allocator uses; empty: the whole chunk
  std::string first;   // offset of the first unit from the block's start; empty: sizeof(descriptor) in-block, else 0
  Form form = Form::kHeap;
  // heap: a header before each unit
  std::string header;                      // the header's type
  std::string unit_size, in_use, unit_next, unit_prev;  // header expressions (unit_size: header included)
  std::string payload;                     // offset of the user pointer from the header; empty: sizeof(header)
  // pool: units of unit_size (descriptor or allocator expression), `units` of them (or as many
  // as fit); `free` names a field (descriptor or allocator) holding the free lists' heads: a
  // pointer or a fixed array of pointers.
  std::string units, free;
  // bump: `used` bytes from the first unit's offset are live, the rest free; `kind` names them.
  std::string used, kind;
  RuleSource source;
};


}  // namespace heapwalk::typeinfo
