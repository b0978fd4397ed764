// Kind names (what a partition groups by), interned to small ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace heapwalk::walker {

using KindId = uint32_t;
inline constexpr KindId kNoKind = 0xffffffffu;

class KindTable {
 public:
  KindId intern(std::string_view name) {
    auto it = ids_.find(std::string(name));
    if (it != ids_.end()) return it->second;
    KindId id = static_cast<KindId>(names_.size());
    names_.emplace_back(name);
    ids_.emplace(names_.back(), id);
    return id;
  }
  const std::string& name(KindId id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, KindId> ids_;
};

}  // namespace heapwalk::walker
