#include "walker/builtin_allocator_rules.h"

#include "walker/protobuf_arena.h"

namespace heapwalk::walker {

using typeinfo::AllocatorRule;

const AllocatorRule& boost_pool_rule() {
  static const AllocatorRule rule = [] {
    AllocatorRule r;
    r.patterns = {"boost::object_pool<**>"};
    r.form = AllocatorRule::Form::kPool;
    r.source = {"(built in)", 0};
    return r;
  }();
  return rule;
}

const AllocatorRule& protobuf_arena_rule() {
  static const AllocatorRule rule = [] {
    AllocatorRule r;
    r.patterns = {kProtobufArenaType};
    r.form = AllocatorRule::Form::kBump;
    r.source = {"(built in)", 0};
    return r;
  }();
  return rule;
}

}  // namespace heapwalk::walker
