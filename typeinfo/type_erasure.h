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

// An absl::Cord external rep's releaser: CordRepExternalImpl<R> holds R at `offset`.
struct CordReleaser {
  LayoutId layout = kNoLayout;
  uint32_t offset = 0;
};

class TypeErasure {
 public:
  explicit TypeErasure(TypeRegistry& registry) : registry_(registry) {}

  // What the std::function whose _M_manager is `manager` holds; nullptr when unknown.
  const ErasedType* function_target(uint64_t manager);
  // What the std::any whose _M_manager is `manager` holds; nullptr when unknown.
  const ErasedType* any_value(uint64_t manager);
  // The releaser of the cord rep whose releaser_invoker is `invoker` (CordRepExternalImpl<R>::
  // Release); nullptr when unknown (abseil_cord_releaser.cpp).
  const CordReleaser* cord_releaser(uint64_t invoker);

 private:
  std::optional<ErasedType> resolve_function(uint64_t manager);
  std::optional<ErasedType> resolve_any(uint64_t manager);
  std::optional<CordReleaser> resolve_cord_releaser(uint64_t invoker);

  TypeRegistry& registry_;
  std::unordered_map<uint64_t, std::optional<ErasedType>> functions_, anys_;
  std::unordered_map<uint64_t, std::optional<CordReleaser>> cord_releasers_;
};

}  // namespace heapwalk::typeinfo
