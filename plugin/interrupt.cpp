#include "plugin/interrupt.h"

#include <atomic>

namespace heapwalk::plugin {
namespace {
std::atomic<bool> requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace

void request_interrupt() { requested.store(true, std::memory_order_relaxed); }
void clear_interrupt() { requested.store(false, std::memory_order_relaxed); }
bool interrupt_requested() { return requested.load(std::memory_order_relaxed); }

}  // namespace heapwalk::plugin
