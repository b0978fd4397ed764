// Objects whose content a runtime value selects: std::variant's active alternative, and the
// type-erased std::function and std::any (their target's type from the manager's address).
#include "walker/graph/container_walk.h"

namespace heapwalk::walker {

using typeinfo::Container;

void ContainerWalk::variant(const Container& c, uint64_t object, const Emit& emit) {
  uint64_t index = 0;
  if (c.index_size == 0 || c.index_size > 8 || !memory_.read(object + c.field[0], &index, c.index_size))
    return;
  if (index >= c.alternatives.size()) return;  // valueless by exception
  emit(in_place_at(object + c.field[1], c.alternatives[index]));
}

void ContainerWalk::function(const Container& c, uint64_t object, const Emit& emit,
                             const Untyped& untyped) {
  uint64_t functor = object + c.field[0];
  uint64_t manager = memory_.word(object + c.field[1]);
  if (manager == 0) return;  // empty
  // The storage is scanned whatever the type says: a wrong guess of "in place" must not lose
  // a heap-stored functor.
  untyped(functor, functor + c.field[2]);
  erased_value(functor, erasure_.function_target(manager), emit);
}

void ContainerWalk::any(const Container& c, uint64_t object, const Emit& emit,
                        const Untyped& untyped) {
  uint64_t storage = object + c.field[1];
  uint64_t manager = memory_.word(object + c.field[0]);
  if (manager == 0) return;  // empty
  untyped(storage, storage + c.field[2]);
  erased_value(storage, erasure_.any_value(manager), emit);
}

// The value a std::function or std::any holds, as its manager names it (nullptr: unknown, left
// to the conservative scan): in its storage, or on the heap through the storage's first word.
void ContainerWalk::erased_value(uint64_t storage, const typeinfo::ErasedType* value,
                                 const Emit& emit) {
  if (!value) return;
  if (value->in_place) return emit(in_place_at(storage, value->layout));
  if (uint64_t p = memory_.word(storage)) emit(reach_to(p, value->layout, kinds_.intern(value->kind)));
}

}  // namespace heapwalk::walker
