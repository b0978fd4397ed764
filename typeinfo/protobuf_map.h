// google::protobuf::Map<K, V> (protobuf 3.21): a C++ recognizer, because a bucket holds either a
// list of nodes or (when it grew long) a tree shared with its partner bucket, which no rule can
// express. The walk is walker/graph/protobuf_map_walk.cpp.
//
// Map { InnerMap elements_ { num_elements_, num_buckets_, seed_, index_of_first_non_null_,
// void** table_, alloc_ } }. table_[b] is null, a list (Node { MapPair<K, V> kv; Node* next; },
// kv laid out as std::pair<const K, V>), or, when table_[b] == table_[b ^ 1], a
// std::map<K, void*> of nodes. An empty map's table_ is libprotobuf's static kGlobalEmptyTable.
//
// Container fields for ContainerKind::kProtobufMap: field[0] table_, field[1] num_buckets_,
// field[2] num_elements_, field[3] the offset of Node::next; element the key's layout,
// alternatives[0] the value's (at value_offset); node_size a node's bytes.
#pragma once

#include <optional>
#include <string>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

std::optional<Container> recognize_protobuf_map(lldb::SBType type, const std::string& readable,
                                                TypeRegistry& registry);

}  // namespace heapwalk::typeinfo
