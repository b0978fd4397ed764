// Renderings stop when the command's interruption check says so (walker/progress.h).
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <thread>

#include <fmt/format.h>

#include "report/report_render.h"
#include "walker/progress.h"

using namespace heapwalk;

namespace {
walker::Partition big_partition(size_t rows) {
  std::vector<walker::PartitionRow> r;
  r.reserve(rows);
  for (size_t i = 0; i < rows; ++i) r.emplace_back(fmt::format("kind {}", i), 1, i + 1);
  return walker::make_partition(std::move(r));
}
}  // namespace

TEST_CASE("a rendering of many rows stops when asked, and only then", "[report][interrupt]") {
  const walker::Partition p = big_partition(200000);
  size_t asked = 0;
  {
    walker::InterruptScope scope([&] { return ++asked >= 3; });
    CHECK_THROWS_AS(report::render_partition_csv(p), walker::Interrupted);
    CHECK(asked == 3);  // asked every 1024 rows: stopped after about 3 Ki of 200 Ki rows
    asked = 0;
    CHECK_THROWS_AS(report::render_partition_json(p), walker::Interrupted);
    asked = 0;
    CHECK_THROWS_AS(report::render_partition_text(p, 0, 0), walker::Interrupted);
  }
  // Without a scope, or with a check that says go on, the whole rendering is made.
  CHECK(report::render_partition_csv(p).size() > 200000 * 10);
  walker::InterruptScope scope([] { return false; });
  CHECK(report::render_partition_json(p).find("kind 199999") != std::string::npos);
}

namespace {
// Says on which thread it was destroyed.
struct Witness {
  std::promise<std::thread::id>* destroyed_on;
  explicit Witness(std::promise<std::thread::id>* p) : destroyed_on(p) {}
  ~Witness() { destroyed_on->set_value(std::this_thread::get_id()); }
};
}  // namespace

TEST_CASE("what an interrupted command built is freed on another thread, and only then",
          "[report][interrupt]") {
  std::promise<std::thread::id> normal;
  { walker::FreedAfterInterrupt<Witness> held(&normal); }
  CHECK(normal.get_future().get() == std::this_thread::get_id());

  std::promise<std::thread::id> interrupted;
  std::future<std::thread::id> freed = interrupted.get_future();
  CHECK_THROWS_AS(
      [&] {
        walker::FreedAfterInterrupt<Witness> held(&interrupted);
        throw walker::Interrupted();
      }(),
      walker::Interrupted);
  REQUIRE(freed.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(freed.get() != std::this_thread::get_id());
}
