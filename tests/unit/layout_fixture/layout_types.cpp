// Test-only program: the types the layout and walk unit tests compile from DWARF. Built with
// -g -O0 and never run (the tests open it as a static target). Every type is used in main() so
// that its definition, and the library templates it instantiates, are emitted.
// Offsets in the comments are g++ 12 / x86-64 (Itanium ABI); the tests check them exactly.
#include <array>
#include <cstddef>
#include <cstdint>
#include <any>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include <ext/aligned_buffer.h>

struct Leaf {
  int value;
};

// Typed pointer and reference slots.
struct Slots {
  Leaf* a;         // 0
  int x;           // 8
  const Leaf* b;   // 16: cv-qualifiers dropped
  Leaf& r;         // 24: a reference is a pointer slot
  int* ints;       // 32: a pointer to a scalar is typed too
  Slots(Leaf& l) : a(&l), x(0), b(&l), r(l), ints(nullptr) {}
};

// Embedded arrays: of types with edges (an ArraySlot), of scalars (covered).
struct Arrays {
  Leaf* items[3];             // 0: ArraySlot {0, Leaf*, 3}
  std::array<Leaf*, 2> more;  // 24: ArraySlot {24, Leaf*, 2}
  int counts[4];              // 40: covered
  Leaf leaves[2];             // 56: no edges: covered
};

// Flexible array members (a GNU extension in C++).
struct Flex {
  size_t n;        // 0: an 8-byte integer: untyped
  Leaf* items[];   // 8: ArraySlot {8, Leaf*, 0}
};
struct FlexInts {
  int n;
  int data[];      // 4: ArraySlot {4, int, 0}
};

// Library containers embedded in a struct.
struct Holder {
  std::vector<int> v;                // 0
  std::string s;                     // 24
  std::map<int, Leaf*> m;            // 56
  std::unique_ptr<Leaf> u;           // 104
  std::shared_ptr<Leaf> sp;          // 112
  std::optional<Leaf*> opt;          // 128
  std::variant<int, Leaf*> var;      // 144
};                                   // 160

// Members no type describes, separated by doubles (covered) so each range stays apart.
struct Untyped {
  void* v;                  // 0
  double d0;
  char* c;                  // 16
  double d1;
  unsigned char* uc;        // 32
  double d2;
  std::byte* b;             // 48
  double d3;
  const char* cc;           // 64
  double d4;
  signed char* sc;          // 80
  double d5;
  long l;                   // 96
  double d6;
  unsigned long ul;         // 112
  double d7;
  intptr_t ip;              // 128
  double d8;
  size_t sz;                // 144
  double d9;
  long long ll;             // 160
  double d10;
  unsigned long long ull;   // 176
  void (*fn)(int);          // 184: code: covered
  int Leaf::*member;        // 192: a member pointer: covered
  char small[4];            // 200: too short for a pointer: covered
  int i;                    // 204
  char name[16];            // 208: raw storage: untyped
  float f;                  // 224
  unsigned u32;             // 228
  short s16[4];             // 232
};                          // 240

union ScalarUnion {
  int i;
  double d;
  float f;
};
union PointerUnion {
  int i;
  Leaf* p;
};
union LongUnion {
  int i;
  long l;
};
struct Unions {
  ScalarUnion s;   // 0: covered
  PointerUnion p;  // 8: untyped
  LongUnion l;     // 16: untyped
  double d;        // 24
};

// Aligned words that no member covers.
struct Aligned {
  Leaf* p;            // 0
  alignas(16) int x;  // 16; [8, 16) and [24, 32) are no member's
};                    // 32, align 16
struct alignas(32) TailPadded {
  Leaf* p;  // 0
  int x;    // 8; [16, 32) is tail padding
};
struct Padded {
  int a;    // 0; [4, 8) is padding, not an aligned word
  Leaf* p;  // 8
  char c;   // 16; [17, 24): no aligned word either
};

// libstdc++'s typed raw storage reads as its template argument.
struct Buffers {
  __gnu_cxx::__aligned_buffer<Leaf*> one;     // 0: pointer slot
  __gnu_cxx::__aligned_membuf<Slots> slots;   // 8: Slots' slots at 8 + …
};

// A diamond over a polymorphic virtual base.
struct VBase {
  virtual ~VBase();
  std::string name;         // 8 in VBase
  std::vector<int> values;  // 40 in VBase
};
struct Left : virtual VBase {
  Leaf* l;
};
struct Right : virtual VBase {
  Leaf* r;
};
struct Diamond : Left, Right {
  Leaf* d;
};  // Left 0 (vptr, l 8), Right 16 (vptr, r 24), d 32, VBase 40 (name 48, values 80); 104
struct HoldsDiamond {
  int tag;          // 0
  Diamond member;   // 8: its virtual base at 48 (name 56, values 88)
};

// A diamond over a non-polymorphic virtual base.
struct NVBase {
  std::string name;         // 0 in NVBase
  std::vector<int> values;  // 32 in NVBase
};
struct NLeft : virtual NVBase {
  Leaf* l;
};
struct NRight : virtual NVBase {
  Leaf* r;
};
struct NDiamond : NLeft, NRight {
  Leaf* d;
};  // NLeft 0 (vptr, l 8), NRight 16 (vptr, r 24), d 32, NVBase 40 (name 40, values 72); 96
struct HoldsNDiamond {
  int tag;
  NDiamond member;  // 8: NVBase at 48 (name 48, values 80)
};

// Classes deriving from library containers.
struct IntStack : std::vector<int> {
  Leaf* top;  // 24
};
struct NamedThing : std::string {
  Leaf* owner;  // 32
};

// Destructors: which types get a new[] cookie.
struct Trivial {
  Leaf* p;
  int x;
};
struct UserDtor {
  ~UserDtor();
  Leaf* p;
  int x;
};
struct MemberDtor {
  int x;
  UserDtor u;
};
struct BaseDtor : UserDtor {
  int y;
};
struct StringMember {
  std::string s;
};
struct DefaultedDtor {
  ~DefaultedDtor() = default;  // user-declared, yet trivial: no cookie
  Leaf* p;
};
struct PolyNoDtor {
  virtual void f();  // polymorphic, yet its destructor is trivial: no cookie
  Leaf* p;
};

// shared_ptr control blocks.
struct LeafDeleter {
  void operator()(Leaf* l) const { delete l; }
};
struct PoolDeleter {  // a stateful deleter: its own pointer is a strong edge
  Leaf* pool;
  void operator()(Leaf* l) const { delete l; }
};

// Walk types.
struct PNode {
  virtual ~PNode();
  PNode* next;    // 8
  Leaf* payload;  // 16
};                // 24
struct PNodeDerived : PNode {
  ~PNodeDerived() override;
  Leaf* extra;  // 24
};              // 32

struct MA {
  virtual ~MA();
  Leaf* a;  // 8
};
struct MB {
  virtual ~MB();
  Leaf* b;  // 8 in MB
};
struct MC : MA, MB {
  ~MC() override;
  Leaf* c;  // 32
};          // MA 0, MB 16, c 32; 40

struct Plain {  // 32 bytes: an exact-fit chunk is 40 usable
  Leaf* p;
  double d1, d2, d3;
};
struct Owned {  // 16 bytes, a destructor: new Owned[n] has a cookie
  ~Owned();
  Leaf* p;
  int x;
};
struct Poly {  // virtual destructor: new Poly[n] has a cookie
  virtual ~Poly();
  Leaf* p;  // 8
};          // 16

struct Member {  // non-polymorphic, embedded in both below at 16
  Leaf* m;
};
struct OuterPoly {
  virtual ~OuterPoly();
  Leaf* a;     // 8
  Member mem;  // 16
  Leaf* b;     // 24
};
struct OuterPlain {
  Leaf* a;     // 0
  double d;    // 8
  Member mem;  // 16
  Leaf* b;     // 24
};

struct Traps {
  std::vector<Leaf*> vec;               // 0
  std::optional<Leaf*> off;             // 24
  std::optional<Leaf*> on;              // 40
  std::variant<long, Leaf*> as_long;    // 56
  std::variant<int, Leaf*> as_int;      // 72
  std::variant<int, Leaf*> as_pointer;  // 88
};

struct Chains {
  std::list<Leaf*> items;  // 0: next, prev, size
};

struct Opaque {
  void* v;  // 0
  Leaf* q;  // 8
};
struct Handles {
  intptr_t h;        // 0
  unsigned long ul;  // 8
  size_t sz;         // 16
  int small;         // 24
};

struct WeakHolder {
  std::weak_ptr<Leaf> w;
};
struct SharedHolder {
  std::shared_ptr<Leaf> s;
};

struct CycleNode {
  CycleNode* other;
  Leaf* leaf;
};

struct Incomplete;  // never defined
struct HasIncomplete {
  Incomplete* p;
};

struct Hook {
  Hook* next;
};
struct Item {
  Leaf* a;    // 0
  Hook hook;  // 8
  Leaf* b;    // 16
};
struct ItemRef {
  Item* item;
};
struct HookRoots {  // the owner is found through ref after the hook was walked (LIFO)
  ItemRef* ref;  // 0
  Hook* hook;    // 8
};

struct AlignedMap {
  std::unordered_map<int, Aligned> m;
};

// Type-erased storage: closures of one signature in two functions of one unit; std::any in
// place and on the heap.
struct BigAny {
  Leaf* a;
  Leaf* b;
  double weights[4];
};
std::function<void(int)> make_small() {
  return [](int) {};
}
std::function<void(int)> make_big(Leaf* a, Leaf* b, Leaf* c, Leaf* d) {
  return [a, b, c, d](int x) { a->value = b->value + c->value + d->value + x; };
}

VBase::~VBase() = default;
PNode::~PNode() = default;
PNodeDerived::~PNodeDerived() = default;
MA::~MA() = default;
MB::~MB() = default;
MC::~MC() = default;
UserDtor::~UserDtor() = default;
Owned::~Owned() = default;
Poly::~Poly() = default;
OuterPoly::~OuterPoly() = default;
void PolyNoDtor::f() {}

// Fields for recognizer expressions (recognizer_rules_test.cpp).
struct Wide {
  long a, b;
};
struct Counted {
  Wide* begin;          // 0
  Wide* end;            // 8
  long size;            // 16
  int small;            // 24
  unsigned char flags;  // 28
};

template <class... T>
void use(T&&...) {}

int main() {
  Leaf leaf{1};
  Slots slots(leaf);
  Arrays arrays{};
  Flex* flex = nullptr;
  FlexInts* flex_ints = nullptr;
  Holder holder;
  Untyped untyped{};
  Unions unions{};
  Aligned aligned{};
  TailPadded tail{};
  Padded padded{};
  Buffers buffers{};
  Diamond diamond;
  HoldsDiamond holds_diamond;
  NDiamond ndiamond;
  HoldsNDiamond holds_ndiamond;
  IntStack stack;
  NamedThing named;
  Trivial trivial{};
  UserDtor user_dtor{};
  MemberDtor member_dtor{};
  BaseDtor base_dtor{};
  StringMember string_member;
  DefaultedDtor defaulted{};
  PolyNoDtor poly_no_dtor;
  PNode* list = new PNodeDerived;
  MC mc;
  Plain plain{};
  Owned* owned = new Owned[2];
  Poly* poly = new Poly[2];
  OuterPoly outer_poly;
  OuterPlain outer_plain{};
  Traps traps;
  Chains chains;
  Opaque opaque{};
  Handles handles{};
  WeakHolder weak;
  Counted counted{};
  SharedHolder shared;
  CycleNode cycle{};
  HasIncomplete incomplete{};
  Item item{};
  ItemRef item_ref{};
  HookRoots hooks{};
  AlignedMap aligned_map;
  aligned_map.m[1] = Aligned{};
  std::function<void(int)> small = make_small();
  std::function<void(int)> big = make_big(&leaf, &leaf, &leaf, &leaf);
  std::any any_int = 42;
  std::any any_big = BigAny{};

  // Every kind of control block.
  std::shared_ptr<Leaf> by_pointer(new Leaf{2});
  std::shared_ptr<Leaf> by_deleter(new Leaf{3}, LeafDeleter{});
  std::shared_ptr<Leaf> by_pool(new Leaf{4}, PoolDeleter{nullptr});
  std::shared_ptr<Leaf[]> array(new Leaf[2]);
  std::shared_ptr<Leaf> in_place = std::make_shared<Leaf>();
  weak.w = by_pointer;
  shared.s = in_place;

  use(leaf, slots, arrays, flex, flex_ints, holder, untyped, unions, aligned, tail, padded,
      buffers, diamond, holds_diamond, ndiamond, holds_ndiamond, stack, named, trivial, user_dtor,
      member_dtor, base_dtor, string_member, defaulted, poly_no_dtor, list, mc, plain, owned, poly,
      outer_poly, outer_plain, traps, chains, opaque, handles, weak, shared, cycle, incomplete, item, item_ref, hooks,
      aligned_map, small, big, any_int, any_big, by_pointer, by_deleter, by_pool, array, in_place,
      counted);
  delete list;
  delete[] owned;
  delete[] poly;
  return 0;
}
