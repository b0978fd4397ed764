// The types behind std::function and std::any: their manager function is a member of a class
// template instantiated for the stored type (std::_Function_handler<Sig, Functor>,
// std::any::_Manager_external<T>), so the manager's symbol names it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {

struct ErasedType {
  LayoutId layout = kNoLayout;
  std::string kind;        // "lambda in build_model()", "BigAny"
  bool in_place = false;   // stored inside the std::function / std::any, not on the heap
};

class TypeErasure {
 public:
  explicit TypeErasure(TypeRegistry& registry) : registry_(registry) {}

  // What the std::function whose _M_manager is `manager` holds; nullptr when unknown.
  const ErasedType* function_target(uint64_t manager);
  // What the std::any whose _M_manager is `manager` holds; nullptr when unknown.
  const ErasedType* any_value(uint64_t manager);

 private:
  std::optional<ErasedType> resolve_function(uint64_t manager);
  std::optional<ErasedType> resolve_any(uint64_t manager);

  TypeRegistry& registry_;
  std::unordered_map<uint64_t, std::optional<ErasedType>> functions_, anys_;
};

}  // namespace heapwalk::typeinfo
