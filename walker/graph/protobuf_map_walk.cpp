// google::protobuf::Map<K, V> (typeinfo/protobuf_map.h): the bucket table ("<map> buckets"),
// every list node ("<map> node", its key and value walked), and each tree ("<map> tree"), which
// is left to the conservative scan (its nodes and the map nodes they hold are reached, unnamed).
#include "walker/graph/container_walk.h"

namespace heapwalk::walker {

void ContainerWalk::protobuf_map(const typeinfo::Container& c, const Names& n, uint64_t object,
                                 const Emit& emit) {
  const uint64_t table = memory_.word(object + c.field[0]);
  uint64_t buckets = memory_.word(object + c.field[1]);
  const uint64_t count = memory_.word(object + c.field[2]);
  auto block = table ? allocations_.find(table) : std::nullopt;
  if (!block) return;  // libprotobuf's static empty table, or nothing
  buckets = std::min(buckets, (allocations_.end(*block) - table) / 8);
  emit(owned_block(table, typeinfo::kNoLayout, n.secondary, 0, buckets * 8));
  const uint64_t limit = bounded(count);
  uint64_t seen = 0;
  for (uint64_t b = 0; b < buckets; ++b) {
    uint64_t entry = memory_.word(table + b * 8);
    if (entry == 0) continue;
    if (entry == memory_.word(table + (b ^ 1) * 8)) {  // a tree, shared by buckets b and b ^ 1
      if ((b & 1) == 0) emit(owned_block(entry, typeinfo::kNoLayout, n.in_place, 0, 0));
      continue;
    }
    for (uint64_t node = entry; node && seen < limit; ++seen) {
      Reach key = owned_block(node, c.element, n.buffer, 1, c.node_size);
      emit(key);
      Reach value = owned_block(node, c.alternatives[0], n.buffer, 1, c.node_size);
      value.walk_at = node + c.value_offset;
      // On an arena the node is no allocation: its key and value may be units of their own
      // (walker/protobuf_arena.h), each reached where it is.
      if (auto held = allocations_.find(node); held && allocations_.end(*held) <= value.walk_at)
        value.target = value.walk_at;
      emit(value);
      node = memory_.word(node + c.field[3]);
    }
  }
}

}  // namespace heapwalk::walker
