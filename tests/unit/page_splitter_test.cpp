// The resident ledger's page splitter: exact bucket bytes on hand-made pages, the tie rules that
// decide buckets where segments start together, and random segments against a byte-by-byte
// oracle (a byte is the first covering segment's in a stable sort by start).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <vector>

#include "walker/analysis/page_splitter.h"

using heapwalk::walker::make_disjoint;
using heapwalk::walker::PageSplitter;
using heapwalk::walker::Segment;

namespace {

constexpr uint64_t kPage = 16;
constexpr uint8_t kFallback = 7;
using Buckets = std::array<uint64_t, 8>;

PageSplitter::Ordered ordered(std::vector<Segment> segments) {
  // Two at a time, so that batches end inside pages.
  return [segments = std::move(segments), i = size_t{0}](std::span<Segment> out) mutable {
    size_t n = std::min<size_t>({2, out.size(), segments.size() - i});
    std::copy_n(segments.begin() + i, n, out.begin());
    i += n;
    return n;
  };
}

Buckets split(PageSplitter& splitter, const std::vector<uint64_t>& pages) {
  Buckets out{};
  for (uint64_t p : pages) splitter.split(p, kPage, kFallback, out);
  return out;
}

}  // namespace

TEST_CASE("make_disjoint sorts stably and gives each overlap to the segment that starts first",
          "[page_splitter]") {
  std::vector<Segment> s = {{40, 50, 3}, {10, 30, 1}, {20, 25, 2}, {10, 40, 4}, {28, 45, 5},
                            {60, 60, 6}};
  make_disjoint(s);
  // {10,30,1} before {10,40,4} (given first); {20,25,2} inside it vanishes; {10,40,4} keeps
  // [30,40); {28,45,5} keeps [40,45); {40,50,3} keeps [45,50); the empty one is dropped.
  std::vector<std::array<uint64_t, 3>> got;
  for (const Segment& x : s) got.push_back({x.start, x.end, x.bucket});
  CHECK(got == std::vector<std::array<uint64_t, 3>>{
                   {10, 30, 1}, {30, 40, 4}, {40, 45, 5}, {45, 50, 3}});
}

TEST_CASE("pages split among fine segments, the background, else the fallback",
          "[page_splitter]") {
  // Pages of 16 bytes: [0,16) [16,32) [32,48) [48,64) [80,96).
  PageSplitter splitter(ordered({{4, 20, 1}, {20, 22, 2}, {40, 90, 1}}),
                        {{24, 28, 3}, {2, 3, 4}},
                        {{16, 48, 5}, {64, 100, 6}});
  Buckets out = split(splitter, {0, 16, 32, 48, 80});
  // Page 0: [2,3) 4, [4,16) 1, rest 3 to the fallback (no background there).
  // Page 16: [16,20) 1, [20,22) 2, [24,28) 3, rest 6 to the background 5.
  // Page 32: [40,48) 1, rest 8 to 5. Page 48: all 1 (no background: it is the fine segment's).
  // Page 80: [80,90) 1, rest 6 to the background 6.
  CHECK(out == Buckets{0, 12 + 4 + 8 + 16 + 10, 2, 4, 1, 6 + 8, 6, 3});
}

TEST_CASE("at equal starts the table's segment wins, then the others in the order given",
          "[page_splitter]") {
  SECTION("an allocation and a free chunk start together") {
    PageSplitter a(ordered({{0, 8, 1}}), {{0, 12, 2}}, {});
    CHECK(split(a, {0}) == Buckets{0, 8, 4, 0, 0, 0, 0, 4});
    PageSplitter b(ordered({{0, 12, 1}}), {{0, 8, 2}}, {});
    CHECK(split(b, {0}) == Buckets{0, 12, 0, 0, 0, 0, 0, 4});
  }
  SECTION("two others start together: the first given keeps the overlap, wherever it lies") {
    PageSplitter a(ordered({}), {{20, 24, 1}, {0, 6, 3}, {0, 10, 2}}, {});
    CHECK(split(a, {0, 16}) == Buckets{0, 4, 4, 6, 0, 0, 0, 32 - 14});
    PageSplitter b(ordered({}), {{20, 24, 1}, {0, 10, 2}, {0, 6, 3}}, {});
    CHECK(split(b, {0, 16}) == Buckets{0, 4, 10, 0, 0, 0, 0, 32 - 14});
  }
  SECTION("an earlier start keeps the overlap whatever the source") {
    PageSplitter a(ordered({{4, 12, 1}}), {{2, 8, 2}}, {});
    CHECK(split(a, {0}) == Buckets{0, 4, 6, 0, 0, 0, 0, 6});
  }
  SECTION("background segments that start together: the first given") {
    PageSplitter a(ordered({}), {}, {{0, 16, 5}, {0, 32, 6}});
    CHECK(split(a, {0, 16}) == Buckets{0, 0, 0, 0, 0, 16, 16, 0});
  }
}

TEST_CASE("random segments split as the first covering segment of a stable sort says",
          "[page_splitter]") {
  std::mt19937 rng(GENERATE(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u));
  constexpr uint64_t kSpace = 512;
  auto random_segments = [&](size_t n, uint8_t first_bucket, bool sorted) {
    std::vector<Segment> v;
    for (size_t i = 0; i < n; ++i) {
      uint64_t start = rng() % kSpace, length = rng() % 3 == 0 ? rng() % 40 : rng() % 6;
      v.push_back({start, std::min(kSpace, start + length), uint8_t(first_bucket + rng() % 3)});
    }
    if (sorted)
      std::stable_sort(v.begin(), v.end(),
                       [](const Segment& a, const Segment& b) { return a.start < b.start; });
    return v;
  };
  std::vector<Segment> table = random_segments(120, 0, true), others = random_segments(30, 3, false),
                       background = random_segments(6, 5, false);
  std::vector<uint64_t> pages;
  for (uint64_t p = 0; p < kSpace; p += kPage)
    if (rng() % 4) pages.push_back(p);

  // The oracle: all fine segments in one stable sort (table first), byte by byte.
  std::vector<Segment> fine = table;
  fine.insert(fine.end(), others.begin(), others.end());
  std::stable_sort(fine.begin(), fine.end(),
                   [](const Segment& a, const Segment& b) { return a.start < b.start; });
  std::vector<Segment> behind = background;
  make_disjoint(behind);
  Buckets expected{};
  for (uint64_t p : pages) {
    uint8_t rest = kFallback;
    for (const Segment& b : behind)
      if (b.start < p + kPage && b.end > p) {
        rest = static_cast<uint8_t>(b.bucket);
        break;
      }
    for (uint64_t x = p; x < p + kPage; ++x) {
      auto covering = std::find_if(fine.begin(), fine.end(),
                                   [&](const Segment& s) { return s.start <= x && x < s.end; });
      ++expected[covering == fine.end() ? rest : covering->bucket];
    }
  }
  PageSplitter splitter(ordered(table), others, background);
  CHECK(split(splitter, pages) == expected);
}
