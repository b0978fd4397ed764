// absl::btree_* (typeinfo/abseil_btree.h): every node from the root, each named "<container>
// node" and explained up to its size (a leaf's max_count slots, or an internal node's slots and
// children); the values [start, finish) of each node are walked as the key (and mapped value).
#include <vector>

#include "typeinfo/abseil_btree.h"
#include "walker/graph/container_walk.h"

namespace heapwalk::walker {

void ContainerWalk::absl_btree(const typeinfo::Container& c, const Names& n, uint64_t object,
                               const Emit& emit) {
  uint64_t root = memory_.word(object + c.field[0]);
  uint64_t size = memory_.word(object + c.field[1]);
  if (root == 0 || size == 0) return;  // an empty tree's root is a static empty node
  const uint64_t slots = c.index_size, field = c.node_size;
  std::vector<uint64_t> stack{root};
  // A tree of `size` values has fewer nodes than values.
  const uint64_t limit = bounded(size);
  for (uint64_t seen = 0; !stack.empty() && seen < limit && stack.size() <= limit; ++seen) {
    uint64_t node = stack.back();
    stack.pop_back();
    uint64_t counters[4] = {0, 0, 0, 0};  // position, start, finish, max_count
    for (int i = 0; i < 4; ++i) {
      uint16_t v = 0;
      if (!memory_.read(node + 8 + i * field, &v, field)) break;
      counters[i] = v;
    }
    const uint64_t start = counters[1], finish = counters[2], max_count = counters[3];
    const bool leaf = max_count != 0;
    if (start > finish || finish > (leaf ? max_count : slots) || max_count > slots) continue;
    const uint64_t bytes = leaf ? typeinfo::absl_btree_leaf_size(c, max_count)
                                : typeinfo::absl_btree_internal_size(c);
    emit(owned_block(node, typeinfo::kNoLayout, n.buffer, 0, bytes));
    for (uint64_t i = start; i < finish; ++i) {
      uint64_t slot = node + c.field[2] + i * c.element_size;
      Reach key = owned_block(node, c.element, n.buffer, 1, bytes);
      key.walk_at = slot;
      emit(key);
      if (!c.alternatives.empty()) {
        Reach value = owned_block(node, c.alternatives[0], n.buffer, 1, bytes);
        value.walk_at = slot + c.value_offset;
        emit(value);
      }
    }
    if (!leaf)
      for (uint64_t i = start; i <= finish; ++i)
        if (uint64_t child = memory_.word(node + c.field[3] + i * 8)) stack.push_back(child);
  }
}

}  // namespace heapwalk::walker
