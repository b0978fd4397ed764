// Each recognizer finds the container's own fields by name in DWARF and records their offsets;
// walker/container_walk.cpp reads them. Field meanings per kind are listed at each recognizer.
#include "typeinfo/containers.h"

#include <string>
#include <string_view>

#include "typeinfo/boost_intrusive.h"
#include "typeinfo/boost_pool.h"
#include "typeinfo/boost_unordered.h"
#include "typeinfo/abseil_btree.h"
#include "typeinfo/abseil_cord.h"
#include "typeinfo/member_lookup.h"
#include "typeinfo/protobuf_map.h"
#include "typeinfo/protobuf_oneof.h"
#include "typeinfo/type_names.h"
#include "typeinfo/type_registry.h"
#include "typeinfo/recognizers/declared.h"

#include <fmt/format.h>

namespace heapwalk::typeinfo {
namespace {

bool starts_with_any(std::string_view name, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes)
    if (name.starts_with(p)) return true;
  return false;
}

bool is_pointer(lldb::SBType& t) { return t.IsPointerType(); }

std::optional<uint32_t> offset_of(lldb::SBType type, std::string_view field, bool pointer = false) {
  auto member = pointer ? find_member(type, field, is_pointer) : find_member(type, field);
  if (!member) return std::nullopt;
  return member->offset;
}

// The pointee of the first pointer member called `field`.
lldb::SBType pointee_of(lldb::SBType type, std::string_view field) {
  auto member = find_member(type, field, is_pointer);
  return member ? plain(member->type.GetPointeeType()) : lldb::SBType();
}

lldb::SBType template_arg(lldb::SBType type, uint32_t index) {
  if (index >= type.GetNumberOfTemplateArguments()) return {};
  return plain(type.GetTemplateArgumentType(index));
}

class Recognizer {
 public:
  Recognizer(lldb::SBType type, TypeRegistry& registry) : type_(type), registry_(registry) {
    const char* raw = type.GetName();
    name_ = raw ? raw : "";
  }

  std::optional<Container> run() {
    std::string_view n = name_;
    if (n.starts_with("std::vector<bool,")) return bit_vector();
    if (n.starts_with("std::vector<")) return vector();
    if (starts_with_any(n, {"std::__cxx11::basic_string<", "std::basic_string<"})) return string();
    if (n.starts_with("std::unique_ptr<")) return unique_ptr();
    if (n.starts_with("std::shared_ptr<")) return shared_ptr(ContainerKind::kSharedPtr);
    if (n.starts_with("std::weak_ptr<")) return shared_ptr(ContainerKind::kWeakPtr);
    if (starts_with_any(n, {"std::map<", "std::multimap<", "std::set<", "std::multiset<"}))
      return rb_tree();
    if (starts_with_any(n, {"std::unordered_map<", "std::unordered_multimap<",
                            "std::unordered_set<", "std::unordered_multiset<"}))
      return hashtable();
    if (starts_with_any(n, {"std::__cxx11::list<", "std::list<"})) return list();
    if (n.starts_with("std::forward_list<")) return forward_list();
    if (n.starts_with("std::deque<")) return deque();
    if (n.starts_with("std::optional<")) return optional();
    if (n.starts_with("std::variant<")) return variant();
    if (n.starts_with("std::function<")) return function();
    if (n == "std::any") return any();
    if (n == "std::pmr::monotonic_buffer_resource") return monotonic_resource();
    return std::nullopt;
  }

 private:
  Container make(ContainerKind kind, lldb::SBType element) {
    Container c;
    c.kind = kind;
    c.name = readable_type_name(name_);
    if (element.IsValid()) {
      c.element = registry_.intern(element);
      c.element_size = element.GetByteSize();
      c.element_name = readable_type_name(element.GetName() ? element.GetName() : "");
    }
    return c;
  }

  // field[0] = _M_start, field[1] = _M_finish, field[2] = _M_end_of_storage.
  std::optional<Container> vector() {
    auto start = offset_of(type_, "_M_start", true), finish = offset_of(type_, "_M_finish", true),
         end = offset_of(type_, "_M_end_of_storage", true);
    if (!start || !finish || !end) return std::nullopt;
    Container c = make(ContainerKind::kVector, pointee_of(type_, "_M_start"));
    c.field[0] = *start;
    c.field[1] = *finish;
    c.field[2] = *end;
    return c;
  }

  // field[0] = the word pointer of _M_start (_Bit_iterator::_M_p).
  std::optional<Container> bit_vector() {
    auto start = offset_of(type_, "_M_start");
    if (!start) return std::nullopt;
    Container c = make(ContainerKind::kBitVector, {});
    c.field[0] = *start;
    return c;
  }

  // field[0] = _M_p, field[1] = _M_local_buf (the SSO buffer: no heap block when _M_p points
  // there), field[2] = _M_allocated_capacity (characters, without the terminating one).
  std::optional<Container> string() {
    auto p = offset_of(type_, "_M_p", true), local = offset_of(type_, "_M_local_buf"),
         capacity = offset_of(type_, "_M_allocated_capacity");
    if (!p || !local || !capacity) return std::nullopt;
    Container c = make(ContainerKind::kString, pointee_of(type_, "_M_p"));
    c.field[0] = *p;
    c.field[1] = *local;
    c.field[2] = *capacity;
    return c;
  }

  // field[0] = the owned pointer (the tuple's _M_head_impl of pointer type).
  std::optional<Container> unique_ptr() {
    auto p = offset_of(type_, "_M_head_impl", true);
    if (!p) return std::nullopt;
    lldb::SBType declared = template_arg(type_, 0);
    bool array = declared.IsValid() && declared.IsArrayType();
    Container c = make(array ? ContainerKind::kUniqueArray : ContainerKind::kUniquePtr,
                       pointee_of(type_, "_M_head_impl"));
    c.field[0] = *p;
    return c;
  }

  // field[0] = _M_ptr, field[1] = _M_refcount._M_pi (the control block).
  std::optional<Container> shared_ptr(ContainerKind kind) {
    auto ptr = offset_of(type_, "_M_ptr", true), pi = offset_of(type_, "_M_pi", true);
    if (!ptr || !pi) return std::nullopt;
    Container c = make(kind, pointee_of(type_, "_M_ptr"));
    c.field[0] = *ptr;
    c.field[1] = *pi;
    if (lldb::SBType base = pointee_of(type_, "_M_pi"); base.IsValid()) c.control = registry_.intern(base);
    // shared_ptr<int[]> holds an int*: name what it was declared with.
    lldb::SBType declared = template_arg(type_, 0);
    if (declared.IsValid() && declared.GetName())
      c.element_name = readable_type_name(declared.GetName());
    return c;
  }

  // field[0] = _M_header (node base: parent +8, left +16, right +24), field[1] = _M_node_count.
  // Node value at value_offset, after the 32-byte _Rb_tree_node_base.
  std::optional<Container> rb_tree() {
    auto tree = find_member(type_, "_M_t");
    auto header = offset_of(type_, "_M_header"), count = offset_of(type_, "_M_node_count");
    if (!tree || !header || !count) return std::nullopt;
    lldb::SBType value = template_arg(tree->type, 1);  // _Rb_tree<Key, Value, …>
    if (!value.IsValid()) return std::nullopt;
    Container c = make(ContainerKind::kRbTree, value);
    c.field[0] = *header;
    c.field[1] = *count;
    c.value_offset = static_cast<uint32_t>(align_up(32, align_of(value)));
    c.node_size = c.value_offset + static_cast<uint32_t>(value.GetByteSize());
    return c;
  }

  // field[0] = _M_buckets, field[1] = _M_bucket_count, field[2] = _M_before_begin (its _M_nxt),
  // field[3] = _M_element_count, value_offset after _Hash_node_base::_M_nxt.
  // _M_single_bucket (inline storage when there is one bucket) is not a heap block, so the
  // walker's allocation lookup skips it without a special case.
  std::optional<Container> hashtable() {
    auto table = find_member(type_, "_M_h");
    auto buckets = offset_of(type_, "_M_buckets", true), count = offset_of(type_, "_M_bucket_count"),
         before = offset_of(type_, "_M_before_begin"), elements = offset_of(type_, "_M_element_count");
    if (!table || !buckets || !count || !before || !elements) return std::nullopt;
    lldb::SBType value = template_arg(table->type, 1);  // _Hashtable<Key, Value, …>
    if (!value.IsValid()) return std::nullopt;
    Container c = make(ContainerKind::kHashtable, value);
    c.field[0] = *buckets;
    c.field[1] = *count;
    c.field[2] = *before;
    c.field[3] = *elements;
    c.value_offset = static_cast<uint32_t>(align_up(8, align_of(value)));
    c.node_size = c.value_offset + static_cast<uint32_t>(value.GetByteSize());
    return c;
  }

  // field[0] = _M_node (the header: _M_next +0), field[1] = _M_size; value after next/prev.
  std::optional<Container> list() {
    auto node = offset_of(type_, "_M_node"), size = offset_of(type_, "_M_size");
    lldb::SBType value = template_arg(type_, 0);
    if (!node || !size || !value.IsValid()) return std::nullopt;
    Container c = make(ContainerKind::kList, value);
    c.field[0] = *node;
    c.field[1] = *size;
    c.value_offset = static_cast<uint32_t>(align_up(16, align_of(value)));
    c.node_size = c.value_offset + static_cast<uint32_t>(value.GetByteSize());
    return c;
  }

  // field[0] = _M_head (its _M_next); value after the next pointer.
  std::optional<Container> forward_list() {
    auto head = offset_of(type_, "_M_head");
    lldb::SBType value = template_arg(type_, 0);
    if (!head || !value.IsValid()) return std::nullopt;
    Container c = make(ContainerKind::kForwardList, value);
    c.field[0] = *head;
    c.value_offset = static_cast<uint32_t>(align_up(8, align_of(value)));
    c.node_size = c.value_offset + static_cast<uint32_t>(value.GetByteSize());
    return c;
  }

  // field[0] = _M_map, field[1] = _M_map_size, field[2] = _M_start, field[3] = _M_finish
  // (iterators: _M_cur +0, _M_first +8, _M_last +16, _M_node +24).
  std::optional<Container> deque() {
    auto map = offset_of(type_, "_M_map", true), map_size = offset_of(type_, "_M_map_size"),
         start = offset_of(type_, "_M_start"), finish = offset_of(type_, "_M_finish");
    if (!map || !map_size || !start || !finish) return std::nullopt;
    Container c = make(ContainerKind::kDeque, pointee_of(type_, "_M_cur"));
    c.field[0] = *map;
    c.field[1] = *map_size;
    c.field[2] = *start;
    c.field[3] = *finish;
    return c;
  }

  // field[0] = _M_engaged, field[1] = _M_value (inside the payload union).
  std::optional<Container> optional() {
    auto engaged = offset_of(type_, "_M_engaged"), value = offset_of(type_, "_M_value");
    if (!engaged || !value) return std::nullopt;
    Container c = make(ContainerKind::kOptional, template_arg(type_, 0));
    c.field[0] = *engaged;
    c.field[1] = *value;
    return c;
  }

  // field[0] = _M_index, field[1] = _M_u (every alternative lives at its start).
  std::optional<Container> variant() {
    auto index = find_member(type_, "_M_index");
    auto storage = offset_of(type_, "_M_u");
    if (!index || !storage) return std::nullopt;
    Container c = make(ContainerKind::kVariant, {});
    c.field[0] = index->offset;
    c.field[1] = *storage;
    c.index_size = static_cast<uint32_t>(index->type.GetByteSize());
    for (uint32_t i = 0; i < type_.GetNumberOfTemplateArguments(); ++i)
      c.alternatives.push_back(registry_.intern(template_arg(type_, i)));
    return c;
  }

  // field[0] = _M_functor (the functor in place, or a pointer to it), field[1] = _M_manager,
  // whose symbol names the functor's type (resolved per manager at walk time).
  std::optional<Container> function() {
    auto functor = offset_of(type_, "_M_functor"), manager = offset_of(type_, "_M_manager");
    if (!functor || !manager) return std::nullopt;
    Container c = make(ContainerKind::kFunction, {});
    c.field[0] = *functor;
    c.field[1] = *manager;
    c.field[2] = static_cast<uint32_t>(find_member(type_, "_M_functor")->type.GetByteSize());
    return c;
  }

  // field[0] = _M_manager (names the held type), field[1] = _M_storage (in place, or _M_ptr).
  std::optional<Container> any() {
    auto manager = offset_of(type_, "_M_manager"), storage = offset_of(type_, "_M_storage");
    if (!manager || !storage) return std::nullopt;
    Container c = make(ContainerKind::kAny, {});
    c.field[0] = *manager;
    c.field[1] = *storage;
    c.field[2] = static_cast<uint32_t>(find_member(type_, "_M_storage")->type.GetByteSize());
    return c;
  }

  // field[0] = _M_head: the newest chunk's footer (a _Chunk at the end of its allocation),
  // field[1] = the resource's size (its other words are scanned conservatively).
  // The class's debug info lives with its key function, in libstdc++.so, so a program's DWARF
  // usually holds only a declaration: then libstdc++ 9–14's layout applies (vptr, then seven
  // words, _M_head last).
  std::optional<Container> monotonic_resource() {
    constexpr uint32_t kHeadOffset = 56, kSize = 64;
    Container c = make(ContainerKind::kMonotonicResource, {});
    auto head = offset_of(type_, "_M_head", true);
    c.field[0] = head ? *head : kHeadOffset;
    c.field[1] = head ? static_cast<uint32_t>(type_.GetByteSize()) : kSize;
    return c;
  }

  lldb::SBType type_;
  TypeRegistry& registry_;
  std::string name_;
};

}  // namespace

std::optional<Container> recognize_container(lldb::SBType type, TypeRegistry& registry) {
  // Rules first (built-in ones for libraries, then the user's): they may also describe types
  // the C++ recognizers know.
  std::string raw = type.GetName() ? type.GetName() : "";
  std::string readable = readable_type_name(raw);
  const TypeRule* rule = registry.rules().match({readable, raw});
  std::optional<TypeRule> oneofs;  // a generated protobuf message's oneofs, as a union rule
  if (!rule && (oneofs = protobuf_oneof_rule(type, registry))) rule = &*oneofs;
  if (rule) {
    try {
      Container c;
      c.kind = ContainerKind::kDeclared;
      c.name = readable;
      c.declared = registry.add_declared(compile_rule(*rule, type, registry));
      return c;
    } catch (const RecognizerError& e) {
      registry.add_problem(fmt::format("a recognizer does not apply to {}: {}", readable, e.what()));
    }
  }
  if (auto boost = recognize_boost_unordered(type, registry)) return boost;
  if (auto boost = recognize_boost_intrusive(type, registry)) return boost;
  if (auto boost = recognize_boost_pool(type, registry)) return boost;
  if (auto btree = recognize_absl_btree(type, readable, registry)) return btree;
  if (auto cord = recognize_absl_cord(type, readable, registry)) return cord;
  if (auto map = recognize_protobuf_map(type, readable, registry)) return map;
  return Recognizer(type, registry).run();
}

}  // namespace heapwalk::typeinfo
