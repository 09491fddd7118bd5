/*
 * test_cxx.cc - <bump_alloc.hpp>: bump::arena, bump::allocator<T> under the
 * standard containers, bump::memory_resource (C++17), bump::scope, the
 * typed macros from C++, and objects the arena destroys (bump::make,
 * bump::make_array) and bump::scratch.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <bump_alloc.hpp>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "testutil.h"

template <class T> using arena_vector = std::vector<T, bump::allocator<T>>;
using arena_string = std::basic_string<char, std::char_traits<char>,
    bump::allocator<char>>;

/* Whether f() throws an E (and nothing else). */
template <class E, class F>
static bool
throws(F f)
{
	try {
		f();
	} catch (const E &) {
		return true;
	}
	return false;
}

/* std::hash has no specialisation for strings of other allocators. */
struct string_hash {
	size_t operator()(const arena_string &s) const noexcept
	{
		size_t h = 14695981039346656037u;

		for (char c : s)
			h = (h ^ (unsigned char)c) * 1099511628211u;
		return h;
	}
};

struct alignas(64) line {
	unsigned char bytes[64];
};

static_assert(std::is_same<bump::allocator<int>::rebind<long>::other,
    bump::allocator<long>>::value, "rebind");
static_assert(std::is_same<std::allocator_traits<bump::allocator<int>>::
    rebind_alloc<char>, bump::allocator<char>>::value, "traits rebind");
static_assert(bump::allocator<int>::propagate_on_container_move_assignment::value &&
    bump::allocator<int>::propagate_on_container_copy_assignment::value &&
    bump::allocator<int>::propagate_on_container_swap::value &&
    !bump::allocator<int>::is_always_equal::value, "propagation traits");
static_assert(!std::is_copy_constructible<bump::arena>::value &&
    std::is_nothrow_move_constructible<bump::arena>::value &&
    std::is_nothrow_move_assignable<bump::arena>::value, "move-only arena");

START_TEST(test_arena_raii)
{
	bump::arena a(1 << 20);

	ck_assert_ptr_nonnull(a.get());
	ck_assert_uint_eq(a.capacity(), (size_t)1 << 20);
	void *p = bump_malloc(a.get(), 100);
	ck_assert(a.owns(p));
	ck_assert_uint_eq(a.used(), 100);

	bump::arena b(std::move(a));		/* the arena moves, not its memory */
	ck_assert_ptr_null(a.get());
	ck_assert(b.owns(p));
	ck_assert_uint_eq(a.used(), 0);		/* a moved-from arena is empty */
	bump::arena c;
	c = std::move(b);
	ck_assert(c.owns(p));
	c.reset();
	ck_assert_uint_eq(c.used(), 0);
	bump_t *raw = c.release();
	ck_assert_ptr_null(c.get());
	bump_destroy(raw);

	errno = 0;
	ck_assert(throws<std::bad_alloc>([&] {
		bump::arena bad(0, 1u << 20);	/* unknown flag */
	}));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_vector)
{
	bump::arena a;
	arena_vector<int> v{bump::allocator<int>(a.get())};	/* from bump_t * */
	arena_vector<int> w{bump::allocator<int>(a)};		/* from the arena */

	for (int i = 0; i < 100000; i++)
		v.push_back(i * 3);
	ck_assert_uint_eq(v.size(), 100000);
	for (int i = 0; i < 100000; i++)
		ck_assert_int_eq(v[(size_t)i], i * 3);
	ck_assert(a.owns(v.data()));
	ck_assert(v.get_allocator() == w.get_allocator());

	w = v;					/* copy: same arena */
	ck_assert(a.owns(w.data()));
	ck_assert_int_eq(w[99999], 299997);
	arena_vector<int> m(std::move(v));
	ck_assert(a.owns(m.data()));
	ck_assert_int_eq(m[5], 15);

	/* Another arena: propagating assignment takes the arena along. */
	bump::arena other;
	arena_vector<int> o(3, 7, bump::allocator<int>(other));
	ck_assert(other.owns(o.data()));
	ck_assert(o.get_allocator() != m.get_allocator());
	o = m;
	ck_assert(a.owns(o.data()));
	ck_assert_int_eq(o[5], 15);
	o.swap(m);
	ck_assert(a.owns(m.data()));

	/* Over-aligned elements keep their alignment. */
	arena_vector<line> lines{bump::allocator<line>(a)};
	for (int i = 0; i < 100; i++) {
		lines.push_back(line());
		ck_assert_uint_eq((uintptr_t)lines.data() % 64, 0);
	}
}
END_TEST

START_TEST(test_map_unordered_string)
{
	bump::arena a;
	using pair = std::pair<const int, arena_string>;
	std::map<int, arena_string, std::less<int>, bump::allocator<pair>>
	    m{bump::allocator<pair>(a)};
	std::unordered_map<arena_string, int, string_hash,
	    std::equal_to<arena_string>,
	    bump::allocator<std::pair<const arena_string, int>>>
	    u(16, string_hash(), std::equal_to<arena_string>(),
	    bump::allocator<std::pair<const arena_string, int>>(a));

	for (int i = 0; i < 5000; i++) {
		arena_string s("value number ", bump::allocator<char>(a));
		char num[16];

		snprintf(num, sizeof num, "%d", i);
		s += num;
		s += " and some more to be past the small string buffer";
		m.emplace(i, s);
		u[s] = i;
	}
	ck_assert_uint_eq(m.size(), 5000);
	ck_assert_uint_eq(u.size(), 5000);
	for (int i = 0; i < 5000; i += 499) {
		const arena_string &s = m.at(i);

		ck_assert(a.owns(&s));			/* the node */
		ck_assert(a.owns(s.data()));		/* its characters */
		ck_assert_int_eq(u.at(s), i);
		ck_assert_int_eq(strncmp(s.c_str(), "value number ", 13), 0);
		ck_assert_int_eq(atoi(s.c_str() + 13), i);
	}
	for (const auto &kv : u)
		ck_assert(a.owns(&kv));
	arena_string big(100000, 'x', bump::allocator<char>(a));
	ck_assert(a.owns(big.data()));
	ck_assert_uint_eq(big.size(), 100000);
	ck_assert_int_eq(big[99999], 'x');
}
END_TEST

/* allocate throws bad_alloc; deallocate of the newest gives it back. */
START_TEST(test_allocate_deallocate)
{
	bump::arena a(64 * 1024);
	bump::allocator<double> al(a);
	size_t used = a.used();
	double *p = al.allocate(10);

	ck_assert(a.owns(p));
	ck_assert_uint_eq(a.used(), used + 80);
	al.deallocate(p, 10);
	ck_assert_uint_eq(a.used(), used);

	ck_assert(throws<std::bad_alloc>([&] { (void)al.allocate(1 << 20); }));
	ck_assert(throws<std::bad_alloc>([&] {
		(void)al.allocate(opaque_size(SIZE_MAX / 4));	/* n * sizeof overflows */
	}));
	ck_assert_uint_eq(a.used(), used);
	arena_vector<int> v{bump::allocator<int>(a)};
	ck_assert(throws<std::bad_alloc>([&] {
		for (int i = 0; i < 1000000; i++)
			v.push_back(i);
	}));
	ck_assert_int_eq(v.back(), (int)v.size() - 1);	/* strong guarantee */

	/* Converting between value types keeps the arena. */
	bump::allocator<char> ac(al);
	ck_assert_ptr_eq(ac.get(), a.get());
	ck_assert(ac == al);
}
END_TEST

START_TEST(test_scope)
{
	bump::arena a;
	void *keep = bump_malloc(a.get(), 24);
	size_t used = a.used();

	{
		bump::scope s(a);

		for (int i = 0; i < 100; i++)
			ck_assert_ptr_nonnull(bump_malloc(a.get(), 1000));
		ck_assert_uint_gt(a.used(), used + 99000);
		s.rewind();
		ck_assert_uint_eq(a.used(), used);
		arena_vector<int> scratch(100, 1, bump::allocator<int>(a));
		ck_assert(a.owns(scratch.data()));
	}
	ck_assert_uint_eq(a.used(), used);
	ck_assert(a.owns(keep));
	{
		bump::scope s(a.get());

		ck_assert_ptr_nonnull(bump_malloc(a.get(), 10));
	}
	ck_assert_uint_eq(a.used(), used);
}
END_TEST

START_TEST(test_typed_macros)
{
	bump::arena a;
	line *l = BUMP_NEW(a.get(), line);
	line *ls = BUMP_NEW_ARRAY_ZEROED(a.get(), line, 4);

	static_assert(std::is_same<decltype(BUMP_NEW(a.get(), line)), line *>::value,
	    "typed");
	static_assert(std::is_same<decltype(BUMP_NEW_ARRAY(a.get(), int, 2)),
	    int *>::value, "typed");
	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_nonnull(ls);
	ck_assert_uint_eq((uintptr_t)l % 64, 0);
	ck_assert_uint_eq((uintptr_t)ls % 64, 0);
	ck_assert_uint_eq(ls[3].bytes[63], 0);
	errno = 0;
	ck_assert_ptr_null(BUMP_NEW_ARRAY(a.get(), line, opaque_size(SIZE_MAX / 8)));
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

#if BUMP_ALLOC_HAVE_PMR
START_TEST(test_pmr)
{
	bump::arena a;
	bump::memory_resource r(a);
	bump::memory_resource same(a.get());
	std::pmr::vector<std::pmr::string> v(&r);

	for (int i = 0; i < 2000; i++)
		v.emplace_back(std::string(40, char('a' + i % 26)));
	ck_assert(a.owns(v.data()));
	for (int i = 0; i < 2000; i += 97) {
		ck_assert(a.owns(v[(size_t)i].data()));
		ck_assert_uint_eq(v[(size_t)i].size(), 40);
		ck_assert_int_eq(v[(size_t)i][39], 'a' + i % 26);
	}
	ck_assert(r.is_equal(same));
	ck_assert(r == same);
	bump::arena other;
	bump::memory_resource elsewhere(other);
	ck_assert(!r.is_equal(elsewhere));
	ck_assert(!r.is_equal(*std::pmr::new_delete_resource()));

	std::pmr::string s("a string long enough to leave the small buffer", &r);
	ck_assert(a.owns(s.data()));
	void *p = r.allocate(100, 256);		/* over-aligned */
	ck_assert_uint_eq((uintptr_t)p % 256, 0);
	void *q = r.allocate(48, 16);
	size_t used = a.used();
	ck_assert_uint_eq((uintptr_t)q % 16, 0);
	r.deallocate(q, 48, 16);		/* newest: given back */
	ck_assert_uint_eq(a.used(), used - 48);

	bump::arena small(4096);
	bump::memory_resource rs(small);
	ck_assert(throws<std::bad_alloc>([&] { (void)rs.allocate(8192, 8); }));
}
END_TEST
#endif

/* ---- Objects the arena destroys: bump::make, bump::make_array ---------- */

/* Counts constructions and destructions, and logs the order of the latter. */
struct tracked {
	static int alive, made, nlog;
	static int log[64];
	int id;
	std::string name;	/* not trivially destructible */

	tracked() : tracked(made) {}
	explicit tracked(int i, const char *n = "tracked") : id(i), name(n)
	{
		alive++;
		made++;
	}
	tracked(const tracked &) = delete;
	~tracked()
	{
		alive--;
		if (nlog < 64)
			log[nlog++] = id;
	}
	static void clear() { alive = made = nlog = 0; }
};
int tracked::alive, tracked::made, tracked::nlog, tracked::log[64];

static_assert(!std::is_trivially_destructible<tracked>::value, "owned");
static_assert(!std::is_copy_constructible<bump::scratch>::value, "RAII");

static void
assert_destroyed(std::initializer_list<int> ids)
{
	int i = 0;

	ck_assert_int_eq(tracked::nlog, (int)ids.size());
	for (int id : ids)
		ck_assert_int_eq(tracked::log[i++], id);
}

START_TEST(test_make_destroyed_with_arena)
{
	tracked::clear();
	{
		bump::arena a;
		tracked *t1 = a.make<tracked>(1, "one");
		tracked *t2 = bump::make<tracked>(a.get(), 2);

		ck_assert(a.owns(t1) && a.owns(t2));
		ck_assert_int_eq(t1->id, 1);
		ck_assert_str_eq(t1->name.c_str(), "one");
		ck_assert_int_eq(tracked::alive, 2);
		a.reset();
		assert_destroyed({ 2, 1 });
		ck_assert_int_eq(tracked::alive, 0);
		(void)a.make<tracked>(3);
		(void)a.make<tracked>(4);
	}			/* ~arena: bump_destroy */
	assert_destroyed({ 2, 1, 4, 3 });
	ck_assert_int_eq(tracked::alive, 0);
}
END_TEST

START_TEST(test_make_rewind_and_scope)
{
	bump::arena a;
	tracked *keep;
	bump_mark_t m;

	tracked::clear();
	keep = a.make<tracked>(1);
	{
		bump::scope s(a);

		(void)a.make<tracked>(2);
		(void)bump::make_array<tracked>(a.get(), 2);	/* ids 2, 3 */
	}
	assert_destroyed({ 3, 2, 2 });
	ck_assert_int_eq(tracked::alive, 1);
	ck_assert_int_eq(keep->id, 1);
	m = bump_mark(a.get());
	(void)a.make<tracked>(5);
	bump_rewind(a.get(), m);
	assert_destroyed({ 3, 2, 2, 5 });
	ck_assert_int_eq(tracked::alive, 1);
}
END_TEST

/* A trivially destructible T costs its bytes and nothing more. */
START_TEST(test_make_trivial_registers_nothing)
{
	bump::arena made, plain;
	int *i = made.make<int>(7);
	double *d = bump::make<double>(made.get(), 2.5);
	int *zeros = made.make_array<int>(10);
	size_t one, hundred;

	ck_assert_int_eq(*i, 7);
	ck_assert(*d == 2.5);
	for (int k = 0; k < 10; k++)
		ck_assert_int_eq(zeros[k], 0);	/* value-initialized */
	ck_assert_ptr_nonnull(BUMP_NEW(plain.get(), int));
	ck_assert_ptr_nonnull(BUMP_NEW(plain.get(), double));
	ck_assert_ptr_nonnull(BUMP_NEW_ARRAY(plain.get(), int, 10));
	ck_assert_uint_eq(made.used(), plain.used());
	/* A T with a destructor costs one record more, an array one too. */
	{
		bump::arena x, y;

		(void)x.make_array<tracked>(1);
		(void)y.make_array<tracked>(100);
		one = x.used();
		hundred = y.used();
	}
	ck_assert_uint_eq(hundred - one, 99 * sizeof(tracked));
	{
		bump::arena x;

		(void)x.make<tracked>(1);
		ck_assert_uint_gt(x.used(), sizeof(tracked) + 16);
	}
}
END_TEST

START_TEST(test_make_array_reverse_order)
{
	bump::arena a;
	tracked *t;

	tracked::clear();
	t = a.make_array<tracked>(5);
	for (int k = 0; k < 5; k++)
		ck_assert_int_eq(t[k].id, k);
	ck_assert_uint_eq((uintptr_t)t % alignof(tracked), 0);
	ck_assert_ptr_nonnull(a.make_array<tracked>(0));	/* registers nothing */
	a.reset();
	assert_destroyed({ 4, 3, 2, 1, 0 });
	ck_assert_int_eq(tracked::alive, 0);
	a.reset();
	ck_assert_int_eq(tracked::nlog, 5);
	ck_assert(throws<std::bad_alloc>([&] {
		(void)a.make_array<tracked>(opaque_size(SIZE_MAX / 8));
	}));
	ck_assert(throws<std::bad_alloc>([&] {
		(void)a.make_array<int>(opaque_size(SIZE_MAX / 2));
	}));
	ck_assert_uint_eq(a.used(), 0);
}
END_TEST

/* Throws from the constructor once countdown reaches 0. */
struct thrower {
	static int countdown;
	tracked member;

	thrower() : member(100)
	{
		if (--countdown == 0)
			throw std::runtime_error("constructor");
	}
};
int thrower::countdown;

/* Makes a tracked object in the arena, then throws. */
struct maker_then_throw {
	explicit maker_then_throw(bump_t *b)
	{
		(void)bump::make<tracked>(b, 50);
		throw std::runtime_error("after making");
	}
};

/* Make tracked 1, then a thrower that throws; bump_used() before that. */
static size_t
make_then_throw(bump::arena &a)
{
	size_t used;

	tracked::clear();
	(void)a.make<tracked>(1);
	used = a.used();
	thrower::countdown = 1;
	ck_assert(throws<std::runtime_error>([&] { (void)a.make<thrower>(); }));
	return used;
}

START_TEST(test_make_constructor_throws)
{
	bump::arena a;
	size_t used = make_then_throw(a);

	ck_assert_uint_eq(a.used(), used);		/* rewound */
	assert_destroyed({ 100 });			/* the member, by C++ */
	/* What the constructor made in the arena goes with the rewind. */
	ck_assert(throws<std::runtime_error>([&] {
		(void)a.make<maker_then_throw>(a.get());
	}));
	ck_assert_uint_eq(a.used(), used);
	assert_destroyed({ 100, 50 });
	/* An array: the elements made so far go, the last first. */
	thrower::countdown = 4;
	ck_assert(throws<std::runtime_error>([&] {
		(void)a.make_array<thrower>(6);
	}));
	ck_assert_uint_eq(a.used(), used);
	assert_destroyed({ 100, 50, 100, 100, 100, 100 });
	ck_assert_int_eq(tracked::alive, 1);
	a.reset();			/* nothing else was registered */
	assert_destroyed({ 100, 50, 100, 100, 100, 100, 1 });
}
END_TEST

/* No room for the record: the object is destroyed, std::bad_alloc. */
START_TEST(test_make_no_room_for_record)
{
	alignas(16) static unsigned char buf[4096];
	bump_t *b = bump_create_in(buf, sizeof buf, 0);
	size_t cap;

	ck_assert_ptr_nonnull(b);
	tracked::clear();
	cap = bump_capacity(b);
	/* Room for the object (bump_malloc aligns it to 16), less than 16
	 * bytes more: not enough for the record. */
	const size_t room = (sizeof(tracked) + 15) / 16 * 16;
	ck_assert_uint_eq(cap % 16, 0);
	ck_assert_ptr_nonnull(bump_malloc(b, cap - room));
	ck_assert(throws<std::bad_alloc>([&] { (void)bump::make<tracked>(b, 1); }));
	ck_assert_int_eq(tracked::made, 1);
	ck_assert_int_eq(tracked::alive, 0);
	ck_assert_uint_eq(bump_used(b), cap - room);
	ck_assert(throws<std::bad_alloc>([&] {
		(void)bump::make<int>(nullptr, 1);
	}));
	bump_destroy(b);
	assert_destroyed({ 1 });	/* once */
}
END_TEST

/* A shared arena is not rewound (other threads may be in it). */
START_TEST(test_make_throws_in_threadsafe_arena)
{
	bump::arena a(0, BUMP_THREADSAFE);
	size_t used = make_then_throw(a);

	ck_assert_uint_ge(a.used(), used);
	a.reset();
	assert_destroyed({ 100, 1 });	/* ~thrower was never registered */
}
END_TEST

START_TEST(test_scratch_raii)
{
	bump::arena out;
	bump_t *s1, *s2;
	size_t used;

	tracked::clear();
	{
		bump::scratch s;

		s1 = s.get();
		ck_assert_ptr_nonnull(s1);
		used = bump_used(s1);
		ck_assert_ptr_nonnull(bump_malloc(s1, 1000));
		(void)bump::make<tracked>(s1, 7);
		{
			bump::scratch inner(s1, out);

			s2 = inner.get();
			ck_assert_ptr_ne(s2, s1);
			ck_assert_ptr_ne(s2, out.get());
			ck_assert_ptr_nonnull(bump_malloc(s2, 10));
			inner.rewind();
		}
		ck_assert_int_eq(tracked::alive, 1);
		errno = 0;
		ck_assert(throws<std::bad_alloc>([&] {
			bump::scratch none(s1, s2);
		}));
		ck_assert_int_eq(errno, EBUSY);
	}
	assert_destroyed({ 7 });	/* the end of the scope rewound */
	ck_assert_uint_eq(bump_used(s1), used);
	{
		bump::scratch s(out);

		ck_assert_ptr_eq(s.get(), s1);
	}
}
END_TEST

static Suite *
cxx_suite(void)
{
	Suite *s = suite_create("cxx");
	TCase *tc = tcase_new("core");

	tcase_add_test(tc, test_arena_raii);
	tcase_add_test(tc, test_vector);
	tcase_add_test(tc, test_map_unordered_string);
	tcase_add_test(tc, test_allocate_deallocate);
	tcase_add_test(tc, test_scope);
	tcase_add_test(tc, test_typed_macros);
#if BUMP_ALLOC_HAVE_PMR
	tcase_add_test(tc, test_pmr);
#endif
	suite_add_tcase(s, tc);
	tc = tcase_new("owned objects");
	tcase_add_test(tc, test_make_destroyed_with_arena);
	tcase_add_test(tc, test_make_rewind_and_scope);
	tcase_add_test(tc, test_make_trivial_registers_nothing);
	tcase_add_test(tc, test_make_array_reverse_order);
	tcase_add_test(tc, test_make_constructor_throws);
	tcase_add_test(tc, test_make_no_room_for_record);
	tcase_add_test(tc, test_make_throws_in_threadsafe_arena);
	tcase_add_test(tc, test_scratch_raii);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(cxx_suite)
