// (a) of the Foundation issue, shared by the malloc tests: the chunk census against the
// mallinfo2() a fixture wrote about itself, field by field.
#pragma once

#include <boost/property_tree/ptree.hpp>

#include "walker/malloc/malloc_heap.h"

namespace heapwalk::test {

// Also checks that every worker thread got an arena and every arena a non-empty tcache.
void check_mallinfo(const walker::MallocHeap& heap, const boost::property_tree::ptree& truth);

}  // namespace heapwalk::test
