/*
 * test_own.c - what an arena owns: cleanups (bump_cleanup_add,
 * bump_cleanup_cancel), child arenas (bump_create_child), each thread's
 * scratch arenas (bump_scratch), and bump_flags; each of them on a
 * destroyed arena.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

/* ---- A log of the cleanups that ran ------------------------------------ */

enum { LOG_MAX = 64 };
static int ran[LOG_MAX];
static int nran;

static void
clear_log(void)
{
	nran = 0;
}

/* The cleanup most tests register: its argument is its number. */
static void
log_id(void *arg)
{
	ck_assert_int_lt(nran, LOG_MAX);
	ran[nran++] = (int)(intptr_t)arg;
}

#define ID(n) ((void *)(intptr_t)(n))

/* The log is exactly the n numbers given, in that order. */
static void
assert_log(int n, const int *want)
{
	ck_assert_int_eq(nran, n);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(ran[i], want[i]);
}
#define ASSERT_LOG(...) do {						\
	const int want_[] = { __VA_ARGS__ };				\
	assert_log((int)(sizeof want_ / sizeof want_[0]), want_);	\
} while (0)

static bump_cleanup_t *
add(bump_t *b, int id)
{
	bump_cleanup_t *c = bump_cleanup_add(b, log_id, ID(id));

	ck_assert_ptr_nonnull(c);
	return c;
}

/* An arena that b's destruction left behind is refused by everything. */
static void
assert_dead(bump_t *b)
{
	errno = 0;
	ck_assert_ptr_null(bump_malloc(b, 8));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(bump_used(b), 0);
	ck_assert_uint_eq(bump_capacity(b), 0);
	ck_assert_uint_eq(bump_flags(b), 0);
}

/* ---- Cleanups ------------------------------------------------------------ */

START_TEST(test_cleanup_reset_newest_first)
{
	bump_t *b = bump_create(0, 0);

	ck_assert_ptr_nonnull(b);
	clear_log();
	errno = 1234;
	add(b, 1);
	ck_assert_ptr_nonnull(bump_malloc(b, 100));
	add(b, 2);
	add(b, 3);
	ck_assert_int_eq(errno, 1234);	/* success leaves errno alone */
	ck_assert_int_eq(nran, 0);
	bump_reset(b);
	ASSERT_LOG(3, 2, 1);
	ck_assert_uint_eq(bump_used(b), 0);
	bump_reset(b);			/* each runs once */
	ck_assert_int_eq(nran, 3);
	add(b, 4);
	bump_destroy(b);
	ASSERT_LOG(3, 2, 1, 4);
}
END_TEST

START_TEST(test_cleanup_destroy_newest_first)
{
	bump_t *b = bump_create(4096, 0);

	ck_assert_ptr_nonnull(b);
	clear_log();
	for (int i = 1; i <= 5; i++)
		add(b, i);
	bump_destroy(b);
	ASSERT_LOG(5, 4, 3, 2, 1);
	assert_dead(b);
}
END_TEST

/*
 * A cleanup runs before the memory it guards goes: the arena still holds
 * the object, and its bytes are as the program left them.
 */
struct guarded {
	bump_t *arena;
	int value;
};
static int seen_value;
static size_t seen_used;
static int seen_owned;

static void
inspect_guarded(void *arg)
{
	const struct guarded *g = arg;

	seen_value = g->value;
	seen_used = bump_used(g->arena);
	seen_owned = bump_owns(g->arena, g);
}

START_TEST(test_cleanup_runs_before_memory_goes)
{
	bump_t *b = bump_create(0, 0);
	struct guarded *g;
	bump_mark_t m;
	size_t used;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(bump_malloc(b, 100));
	for (int round = 0; round < 3; round++) {
		m = bump_mark(b);
		g = bump_malloc(b, sizeof *g);
		ck_assert_ptr_nonnull(g);
		g->arena = b;
		g->value = 100 + round;
		ck_assert_ptr_nonnull(bump_cleanup_add(b, inspect_guarded, g));
		used = bump_used(b);
		seen_value = seen_owned = 0;
		seen_used = 0;
		if (round == 0)
			bump_rewind(b, m);
		else if (round == 1)
			bump_reset(b);
		else
			bump_destroy(b);
		ck_assert_int_eq(seen_value, 100 + round);
		ck_assert_uint_eq(seen_used, used);
		ck_assert_int_eq(seen_owned, 1);
	}
}
END_TEST

START_TEST(test_cleanup_rewind_runs_those_after_mark)
{
	bump_t *b = bump_create(0, 0);
	bump_mark_t m0, m1, m2, stale;

	ck_assert_ptr_nonnull(b);
	clear_log();
	add(b, 1);
	m0 = bump_mark(b);
	add(b, 2);
	ck_assert_ptr_nonnull(bump_malloc(b, 3000));
	m1 = bump_mark(b);
	add(b, 3);
	ck_assert_ptr_nonnull(bump_malloc(b, 50));
	add(b, 4);
	m2 = bump_mark(b);		/* after every registration */
	stale = m2;
	bump_rewind(b, m2);
	ck_assert_int_eq(nran, 0);
	bump_rewind(b, m1);
	ASSERT_LOG(4, 3);
	ck_assert_uint_eq(bump_used(b), m1.offset);
	/* m2 is above the top now: stale, ignored, nothing runs. */
	bump_rewind(b, stale);
	ck_assert_int_eq(nran, 2);
	ck_assert_uint_eq(bump_used(b), m1.offset);
	bump_rewind(b, m0);
	ASSERT_LOG(4, 3, 2);
	bump_reset(b);
	ASSERT_LOG(4, 3, 2, 1);
	bump_destroy(b);
	ck_assert_int_eq(nran, 4);
}
END_TEST

/* A mark cutting through a record (forged, or stale) runs it first. */
START_TEST(test_cleanup_mark_inside_record)
{
	bump_t *b = bump_create(0, 0);
	bump_mark_t m;

	ck_assert_ptr_nonnull(b);
	clear_log();
	m = bump_mark(b);
	add(b, 1);
	m.offset += 8;			/* inside the record */
	ck_assert_uint_gt(bump_used(b), m.offset);
	bump_rewind(b, m);
	ASSERT_LOG(1);
	ck_assert_uint_eq(bump_used(b), m.offset);
	add(b, 2);			/* the list is sound */
	bump_destroy(b);
	ASSERT_LOG(1, 2);
}
END_TEST

START_TEST(test_cleanup_loop_of_rewinds)
{
	bump_t *b = bump_create(0, 0);
	static int count;
	bump_mark_t m;

	ck_assert_ptr_nonnull(b);
	clear_log();
	m = bump_mark(b);
	for (count = 0; count < 1000; count++) {
		ck_assert_ptr_nonnull(bump_malloc(b, 64));
		ck_assert_ptr_nonnull(bump_cleanup_add(b, log_id, ID(count)));
		bump_rewind(b, m);
		ck_assert_int_eq(nran, 1);
		ck_assert_int_eq(ran[0], count);
		clear_log();
	}
	ck_assert_uint_eq(bump_used(b), 0);
	bump_destroy(b);
	ck_assert_int_eq(nran, 0);
}
END_TEST

START_TEST(test_cleanup_cancel)
{
	bump_t *b = bump_create(0, 0), *other = bump_create(0, 0);
	bump_cleanup_t *c1, *c2, *c3, *elsewhere;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(other);
	clear_log();
	c1 = add(b, 1);
	c2 = add(b, 2);
	c3 = add(b, 3);
	elsewhere = add(other, 9);
	errno = 1234;
	ck_assert_int_eq(bump_cleanup_cancel(b, c2), 0);	/* the middle */
	ck_assert_int_eq(errno, 1234);
	errno = 0;
	ck_assert_int_eq(bump_cleanup_cancel(b, c2), -1);	/* twice */
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(bump_cleanup_cancel(b, elsewhere), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(bump_cleanup_cancel(b, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(bump_cleanup_cancel(NULL, c1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(bump_cleanup_cancel(b, c3), 0);	/* the newest */
	bump_reset(b);
	ASSERT_LOG(1);
	errno = 0;
	ck_assert_int_eq(bump_cleanup_cancel(b, c1), -1);	/* ran */
	ck_assert_int_eq(errno, EINVAL);
	c1 = add(b, 4);
	ck_assert_int_eq(bump_cleanup_cancel(b, c1), 0);	/* the only one */
	bump_destroy(b);
	ASSERT_LOG(1);
	bump_destroy(other);		/* its own one still ran */
	ASSERT_LOG(1, 9);
}
END_TEST

START_TEST(test_cleanup_add_errors)
{
	bump_t *b = bump_create(0, 0);
	size_t used;

	ck_assert_ptr_nonnull(b);
	clear_log();
	ck_assert_ptr_nonnull(bump_malloc(b, 10));
	used = bump_used(b);
	errno = 0;
	ck_assert_ptr_null(bump_cleanup_add(NULL, log_id, NULL));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_cleanup_add(b, NULL, ID(1)));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(bump_used(b), used);
	bump_destroy(b);
	ck_assert_int_eq(nran, 0);	/* nothing was registered */
}
END_TEST

/* A full arena registers nothing, changes nothing, and says ENOMEM. */
START_TEST(test_cleanup_full_arena)
{
	static _Alignas(16) unsigned char buf[4096];
	bump_t *b = bump_create_in(buf, sizeof buf, 0);
	size_t cap;

	ck_assert_ptr_nonnull(b);
	clear_log();
	cap = bump_capacity(b);
	ck_assert_ptr_nonnull(bump_malloc(b, cap));
	errno = 0;
	ck_assert_ptr_null(bump_cleanup_add(b, log_id, ID(1)));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), cap);
	bump_reset(b);
	ck_assert_int_eq(nran, 0);
	/* The record lives in the buffer. */
	add(b, 2);
	ck_assert_uint_gt(bump_used(b), 0);
	ck_assert_uint_lt(bump_used(b), 64);
	bump_destroy(b);
	ASSERT_LOG(2);

	/* Almost full: a chunked arena at its cap. */
	b = bump_create(8192, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(bump_malloc(b, 8192 - 8));
	errno = 0;
	ck_assert_ptr_null(bump_cleanup_add(b, log_id, ID(3)));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), 8192 - 8);
	ck_assert_ptr_nonnull(bump_malloc(b, 8));	/* still usable */
	bump_destroy(b);
	ASSERT_LOG(2);
}
END_TEST

/* A record is no block: bump_free and bump_realloc cannot reach it. */
START_TEST(test_cleanup_record_out_of_reach)
{
	bump_t *b = bump_create(0, 0);
	bump_cleanup_t *c;
	char *p, *q;
	size_t used;

	ck_assert_ptr_nonnull(b);
	clear_log();
	p = bump_malloc(b, 32);
	ck_assert_ptr_nonnull(p);
	c = add(b, 1);
	used = bump_used(b);
	bump_free(b, p);		/* no longer the newest */
	bump_free(b, c);		/* not a block */
	ck_assert_uint_eq(bump_used(b), used);
	memset(p, 'x', 32);
	q = bump_realloc(b, p, 64);	/* moves, above the record */
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(q, p);
	ck_assert_int_eq(q[31], 'x');
	memset(q, 'y', 64);
	bump_free(b, q);		/* the newest: gives its bytes back */
	ck_assert_uint_ge(bump_used(b), used);	/* all but its alignment */
	ck_assert_uint_lt(bump_used(b), used + 16);
	bump_reset(b);
	ASSERT_LOG(1);
	bump_destroy(b);
}
END_TEST

/* ---- Cleanups that use their own arena ------------------------------------ */

static bump_t *pass_arena;
static bump_mark_t pass_mark;

/* A new arena for the cleanups below, and a clear log. */
static bump_t *
new_pass_arena(void)
{
	pass_arena = bump_create(0, 0);
	ck_assert_ptr_nonnull(pass_arena);
	clear_log();
	return pass_arena;
}

/* Allocates from the arena whose pass runs it, and writes what it got. */
static void
allocate_in_pass(void *arg)
{
	size_t used = bump_used(pass_arena);
	char *p = bump_malloc(pass_arena, 5000);

	ck_assert_ptr_nonnull(p);
	memset(p, 'a', 5000);
	ck_assert_uint_gt(bump_used(pass_arena), used);
	log_id(arg);
}

START_TEST(test_cleanup_allocates)
{
	bump_t *b = new_pass_arena();

	ck_assert_ptr_nonnull(bump_malloc(b, 100));
	pass_mark = bump_mark(b);
	ck_assert_ptr_nonnull(bump_cleanup_add(b, allocate_in_pass, ID(1)));
	bump_rewind(b, pass_mark);
	ASSERT_LOG(1);
	ck_assert_uint_eq(bump_used(b), pass_mark.offset);
	ck_assert_ptr_nonnull(bump_cleanup_add(b, allocate_in_pass, ID(2)));
	bump_reset(b);
	ASSERT_LOG(1, 2);
	ck_assert_uint_eq(bump_used(b), 0);
	ck_assert_ptr_nonnull(bump_cleanup_add(b, allocate_in_pass, ID(3)));
	bump_destroy(b);
	ASSERT_LOG(1, 2, 3);
}
END_TEST

/* Registers cleanup 100 + its own number: it runs in the same pass. */
static void
register_in_pass(void *arg)
{
	int id = (int)(intptr_t)arg;

	log_id(arg);
	if (id < 100)
		ck_assert_ptr_nonnull(bump_cleanup_add(pass_arena,
		    register_in_pass, ID(100 + id)));
}

START_TEST(test_cleanup_registers_in_pass)
{
	bump_t *b = new_pass_arena();

	add(b, 1);
	pass_mark = bump_mark(b);
	ck_assert_ptr_nonnull(bump_cleanup_add(b, register_in_pass, ID(2)));
	add(b, 3);
	bump_rewind(b, pass_mark);
	ASSERT_LOG(3, 2, 102);
	ck_assert_uint_eq(bump_used(b), pass_mark.offset);
	ck_assert_ptr_nonnull(bump_cleanup_add(b, register_in_pass, ID(4)));
	bump_reset(b);
	ASSERT_LOG(3, 2, 102, 4, 104, 1);
	bump_reset(b);			/* nothing left over */
	ck_assert_int_eq(nran, 6);
	ck_assert_ptr_nonnull(bump_cleanup_add(b, register_in_pass, ID(5)));
	bump_destroy(b);
	ASSERT_LOG(3, 2, 102, 4, 104, 1, 5, 105);
}
END_TEST

/* Resets, rewinds and destroys its own arena: all ignored in a pass. */
static void
drop_own_arena(void *arg)
{
	size_t used = bump_used(pass_arena);

	bump_reset(pass_arena);
	bump_rewind(pass_arena, (bump_mark_t){ 0 });
	bump_destroy(pass_arena);
	ck_assert_uint_eq(bump_used(pass_arena), used);
	ck_assert_ptr_nonnull(bump_malloc(pass_arena, 16));	/* alive */
	log_id(arg);
}

START_TEST(test_cleanup_drops_own_arena)
{
	bump_t *b = new_pass_arena();
	char *keep;

	keep = bump_strdup(b, "still here");
	ck_assert_ptr_nonnull(keep);
	pass_mark = bump_mark(b);
	add(b, 1);
	ck_assert_ptr_nonnull(bump_cleanup_add(b, drop_own_arena, ID(2)));
	add(b, 3);
	bump_rewind(b, pass_mark);
	ASSERT_LOG(3, 2, 1);
	ck_assert_uint_eq(bump_used(b), pass_mark.offset);
	ck_assert_str_eq(keep, "still here");
	ck_assert_ptr_nonnull(bump_cleanup_add(b, drop_own_arena, ID(4)));
	add(b, 5);
	bump_reset(b);
	ASSERT_LOG(3, 2, 1, 5, 4);
	ck_assert_uint_eq(bump_used(b), 0);
	ck_assert_ptr_nonnull(bump_malloc(b, 8));
	ck_assert_ptr_nonnull(bump_cleanup_add(b, drop_own_arena, ID(6)));
	add(b, 7);
	bump_destroy(b);
	ASSERT_LOG(3, 2, 1, 5, 4, 7, 6);
	assert_dead(b);
}
END_TEST

/* Cancels the cleanups of its list: a pending one, and itself (ran). */
static bump_cleanup_t *to_cancel, *itself;

static void
cancel_in_pass(void *arg)
{
	ck_assert_int_eq(bump_cleanup_cancel(pass_arena, to_cancel), 0);
	errno = 0;
	ck_assert_int_eq(bump_cleanup_cancel(pass_arena, itself), -1);
	ck_assert_int_eq(errno, EINVAL);
	log_id(arg);
}

START_TEST(test_cleanup_cancels_in_pass)
{
	bump_t *b = new_pass_arena();

	add(b, 1);
	to_cancel = add(b, 2);
	add(b, 3);
	itself = bump_cleanup_add(b, cancel_in_pass, ID(4));
	ck_assert_ptr_nonnull(itself);
	add(b, 5);
	bump_reset(b);
	ASSERT_LOG(5, 4, 3, 1);
	bump_destroy(b);
}
END_TEST

/* 100,000 cleanups: each runs once, newest first. */
static unsigned long expected_next;
static unsigned long bad_order;

static void
count_down(void *arg)
{
	if ((unsigned long)(uintptr_t)arg != expected_next)
		bad_order++;
	expected_next--;
}

START_TEST(test_cleanup_many)
{
	enum { N = 100000 };
	bump_t *b = bump_create(0, 0);
	static bump_cleanup_t *h[N];

	ck_assert_ptr_nonnull(b);
	for (unsigned long i = 1; i <= N; i++)
		ck_assert_ptr_nonnull(h[i - 1] = bump_cleanup_add(b, count_down,
		    (void *)(uintptr_t)i));
	expected_next = N;
	bad_order = 0;
	bump_reset(b);
	ck_assert_uint_eq(expected_next, 0);
	ck_assert_uint_eq(bad_order, 0);
	/* Again, the newer half cancelled newest first (each at the head). */
	for (unsigned long i = 1; i <= N; i++)
		ck_assert_ptr_nonnull(h[i - 1] = bump_cleanup_add(b, count_down,
		    (void *)(uintptr_t)i));
	for (unsigned long i = N; i > N / 2; i--)
		ck_assert_int_eq(bump_cleanup_cancel(b, h[i - 1]), 0);
	expected_next = N / 2;
	bump_destroy(b);
	ck_assert_uint_eq(expected_next, 0);
	ck_assert_uint_eq(bad_order, 0);
}
END_TEST

/* ---- Cleanups in a BUMP_THREADSAFE arena ----------------------------------- */

/* Run fn(0) .. fn(n-1) in n threads at once; each must return NULL. */
static void
run_threads(void *(*fn)(void *), uintptr_t n)
{
	pthread_t t[8];
	void *rc;

	ck_assert_uint_le(n, 8);
	for (uintptr_t i = 0; i < n; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, fn, (void *)i), 0);
	for (uintptr_t i = 0; i < n; i++) {
		ck_assert_int_eq(pthread_join(t[i], &rc), 0);
		ck_assert_ptr_null(rc);
	}
}

enum { TS_THREADS = 4, TS_EACH = 5000 };
static unsigned char ts_ran[TS_THREADS * TS_EACH];
static bump_t *ts_arena;

static void
mark_ran(void *arg)
{
	ts_ran[(uintptr_t)arg]++;
}

/* Registers TS_EACH cleanups, allocating between, and cancels the odd ones. */
static void *
register_many(void *arg)
{
	uintptr_t first = (uintptr_t)arg * TS_EACH;
	static bump_cleanup_t *h[TS_THREADS][TS_EACH];
	bump_cleanup_t **mine = h[(uintptr_t)arg];

	for (uintptr_t i = 0; i < TS_EACH; i++) {
		char *p = bump_malloc(ts_arena, 24);

		if (p == NULL)
			return (void *)1;
		memset(p, 0x5a, 24);
		if ((mine[i] = bump_cleanup_add(ts_arena, mark_ran,
		    (void *)(first + i))) == NULL)
			return (void *)2;
		if (i % 2 == 1 && bump_cleanup_cancel(ts_arena, mine[i]) != 0)
			return (void *)3;
	}
	return NULL;
}

START_TEST(test_cleanup_threadsafe)
{
	ts_arena = bump_create(0, BUMP_THREADSAFE);
	ck_assert_ptr_nonnull(ts_arena);
	memset(ts_ran, 0, sizeof ts_ran);
	run_threads(register_many, TS_THREADS);
	bump_reset(ts_arena);
	for (size_t i = 0; i < sizeof ts_ran; i++)
		ck_assert_uint_eq(ts_ran[i], i % 2 == 0);
	bump_destroy(ts_arena);
	for (size_t i = 0; i < sizeof ts_ran; i++)
		ck_assert_uint_eq(ts_ran[i], i % 2 == 0);
}
END_TEST

/* A rewind in a shared arena runs what lies above the mark. */
START_TEST(test_cleanup_threadsafe_rewind)
{
	bump_t *b = bump_create(0, BUMP_THREADSAFE);
	bump_mark_t m;

	ck_assert_ptr_nonnull(b);
	clear_log();
	add(b, 1);
	m = bump_mark(b);
	add(b, 2);
	add(b, 3);
	bump_rewind(b, m);
	ASSERT_LOG(3, 2);
	bump_destroy(b);
	ASSERT_LOG(3, 2, 1);
}
END_TEST

/* ---- Child arenas ------------------------------------------------------ */

START_TEST(test_child_dies_with_parent)
{
	bump_t *parent = bump_create(0, 0), *child, *grandchild, *sibling;

	ck_assert_ptr_nonnull(parent);
	clear_log();
	add(parent, 1);
	errno = 1234;
	child = bump_create_child(parent, 0, 0);
	ck_assert_ptr_nonnull(child);
	ck_assert_int_eq(errno, 1234);
	add(parent, 2);
	grandchild = bump_create_child(child, 1 << 20, 0);
	ck_assert_ptr_nonnull(grandchild);
	sibling = bump_create_child(parent, 0, 0);
	ck_assert_ptr_nonnull(sibling);
	add(child, 10);
	add(grandchild, 20);
	add(child, 11);
	add(sibling, 30);
	ck_assert_ptr_nonnull(bump_strdup(grandchild, "deep"));
	bump_destroy(parent);
	/* Newest first: the sibling, 2, the child (its 11, its 10, the
	 * grandchild made before them), then 1. */
	ASSERT_LOG(30, 2, 11, 10, 20, 1);
	assert_dead(parent);
	assert_dead(child);
	assert_dead(grandchild);
	assert_dead(sibling);
}
END_TEST

START_TEST(test_child_dies_at_parent_reset)
{
	bump_t *parent = bump_create(0, 0), *child;

	ck_assert_ptr_nonnull(parent);
	clear_log();
	child = bump_create_child(parent, 0, 0);
	ck_assert_ptr_nonnull(child);
	add(child, 1);
	ck_assert_ptr_nonnull(bump_malloc(child, 100000));
	bump_reset(parent);
	ASSERT_LOG(1);
	assert_dead(child);
	/* A stale child handle is refused by every call, and harmless. */
	bump_destroy(child);
	bump_reset(child);
	bump_rewind(child, (bump_mark_t){ 0 });
	errno = 0;
	ck_assert_ptr_null(bump_cleanup_add(child, log_id, ID(2)));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_create_child(child, 0, 0));
	ck_assert_int_eq(errno, EINVAL);
	/* The parent goes on. */
	ck_assert_uint_eq(bump_used(parent), 0);
	ck_assert_ptr_nonnull(bump_malloc(parent, 10));
	bump_destroy(parent);
	ASSERT_LOG(1);
}
END_TEST

START_TEST(test_child_rewind_past_creation)
{
	bump_t *parent = bump_create(0, 0), *before, *after;
	bump_mark_t m;

	ck_assert_ptr_nonnull(parent);
	clear_log();
	before = bump_create_child(parent, 0, 0);
	ck_assert_ptr_nonnull(before);
	m = bump_mark(parent);
	after = bump_create_child(parent, 0, 0);
	ck_assert_ptr_nonnull(after);
	add(before, 1);
	add(after, 2);
	bump_rewind(parent, m);
	ASSERT_LOG(2);
	assert_dead(after);
	ck_assert_ptr_nonnull(bump_malloc(before, 10));	/* alive */
	bump_rewind(parent, (bump_mark_t){ 0 });
	ASSERT_LOG(2, 1);
	assert_dead(before);
	bump_destroy(parent);
}
END_TEST

/* Destroyed first, a child leaves its parent; twice is harmless. */
START_TEST(test_child_destroyed_first)
{
	bump_t *parent = bump_create(0, 0), *a, *b, *c;

	ck_assert_ptr_nonnull(parent);
	clear_log();
	a = bump_create_child(parent, 0, 0);
	b = bump_create_child(parent, 0, 0);
	c = bump_create_child(parent, 0, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	add(a, 1);
	add(b, 2);
	add(c, 3);
	bump_destroy(b);		/* the middle of the parent's list */
	ASSERT_LOG(2);
	assert_dead(b);
	bump_destroy(b);
	bump_destroy(c);		/* the head */
	bump_destroy(c);
	ASSERT_LOG(2, 3);
	bump_reset(parent);
	ASSERT_LOG(2, 3, 1);
	assert_dead(a);
	bump_destroy(a);
	bump_destroy(parent);
	ck_assert_int_eq(nran, 3);
}
END_TEST

START_TEST(test_child_errors)
{
	static _Alignas(16) unsigned char buf[4096];
	bump_t *parent = bump_create(0, 0), *full;
	size_t used;

	ck_assert_ptr_nonnull(parent);
	ck_assert_ptr_nonnull(bump_malloc(parent, 10));
	used = bump_used(parent);
	errno = 0;
	ck_assert_ptr_null(bump_create_child(NULL, 0, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_create_child(parent, 0, 1u << 20));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(bump_used(parent), used);
	errno = 0;
	ck_assert_ptr_null(bump_create_child(parent, SIZE_MAX, 0));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(parent), used);
	/* A parent too full for the record: nothing made, nothing changed. */
	full = bump_create_in(buf, sizeof buf, 0);
	ck_assert_ptr_nonnull(full);
	ck_assert_ptr_nonnull(bump_malloc(full, bump_capacity(full)));
	errno = 0;
	ck_assert_ptr_null(bump_create_child(full, 0, 0));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(full), bump_capacity(full));
	bump_destroy(full);
	bump_destroy(parent);
}
END_TEST

START_TEST(test_child_flags)
{
	static _Alignas(16) unsigned char buf[8192];
	bump_t *plain = bump_create(0, 0), *shared, *in, *child;

	ck_assert_ptr_nonnull(plain);
	shared = bump_create_child(plain, 1 << 20, BUMP_THREADSAFE);
	ck_assert_ptr_nonnull(shared);
	ck_assert_uint_eq(bump_flags(shared), BUMP_THREADSAFE);
	child = bump_create_child(shared, 0, 0);
	ck_assert_ptr_nonnull(child);
	ck_assert_uint_eq(bump_flags(child), 0);
	ck_assert_uint_eq(bump_capacity(child), BUMP_DEFAULT_RESERVE);
	in = bump_create_in(buf, sizeof buf, 0);
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(bump_create_child(in, 4096, 0));
	bump_destroy(in);		/* its child with it */
	bump_destroy(plain);
	assert_dead(shared);
	assert_dead(child);
}
END_TEST

/*
 * A child starts in the smallest chunk, not at the size the thread's last
 * arenas grew to (which a new arena of its own does).
 */
START_TEST(test_child_starts_small)
{
	bump_t *parent, *child, *grown[3];

	for (int i = 0; i < 3; i++) {
		grown[i] = bump_create(0, 0);
		ck_assert_ptr_nonnull(grown[i]);
		ck_assert_ptr_nonnull(bump_malloc(grown[i], 6000));  /* 8 KiB */
	}
	for (int i = 0; i < 3; i++)	/* each lets a new arena start big */
		bump_destroy(grown[i]);
	parent = bump_create(0, 0);
	ck_assert_ptr_nonnull(parent);
	child = bump_create_child(parent, 0, 0);
	ck_assert_ptr_nonnull(child);
	ck_assert_ptr_nonnull(bump_malloc(child, 16));
	ck_assert_uint_eq(stats_of(child).committed, 256);
	ck_assert_uint_eq(stats_of(parent).committed, 8192);	/* recalled */
	bump_destroy(parent);
}
END_TEST

/* A cleanup of a child destroys the child's parent mid-pass. */
static bump_t *doomed_parent;

static void
destroy_doomed_parent(void *arg)
{
	bump_destroy(doomed_parent);
	log_id(arg);
}

START_TEST(test_child_cleanup_destroys_parent)
{
	bump_t *child;

	for (int how = 0; how < 3; how++) {
		doomed_parent = bump_create(0, 0);
		ck_assert_ptr_nonnull(doomed_parent);
		clear_log();
		child = bump_create_child(doomed_parent, 0, 0);
		ck_assert_ptr_nonnull(child);
		add(doomed_parent, 1);
		ck_assert_ptr_nonnull(bump_cleanup_add(child,
		    destroy_doomed_parent, ID(2)));
		add(child, 3);
		if (how == 0)
			bump_reset(child);
		else if (how == 1)
			bump_rewind(child, (bump_mark_t){ 0 });
		else
			bump_destroy(child);
		/* The child's pass meets the parent's (1, and the child's
		 * record), then the child dies. */
		ASSERT_LOG(3, 1, 2);
		assert_dead(doomed_parent);
		assert_dead(child);
	}
}
END_TEST

/* Many children destroyed in any order, the rest with the parent. */
START_TEST(test_child_many)
{
	enum { N = 2000 };
	static bump_t *kids[N];
	bump_t *parent = bump_create(0, 0);
	uint64_t x = 12345;

	ck_assert_ptr_nonnull(parent);
	expected_next = 0;
	for (int i = 0; i < N; i++) {
		kids[i] = bump_create_child(parent, 0, 0);
		ck_assert_ptr_nonnull(kids[i]);
		ck_assert_ptr_nonnull(bump_malloc(kids[i], 100));
	}
	for (int i = 0; i < N; i++) {	/* half of them, shuffled */
		int j;

		x = x * 6364136223846793005u + 1442695040888963407u;
		j = (int)((x >> 33) % N);
		bump_destroy(kids[j]);	/* some twice: ignored */
	}
	bump_destroy(parent);
	for (int i = 0; i < N; i++)
		assert_dead(kids[i]);
}
END_TEST

/* Threads create and destroy children of one shared parent at once. */
enum { KID_THREADS = 4, KIDS_EACH = 500 };
static bump_t *shared_parent;
static bump_t *kid_of[KID_THREADS][KIDS_EACH];

static void *
make_children(void *arg)
{
	bump_t **mine = kid_of[(uintptr_t)arg];

	for (int i = 0; i < KIDS_EACH; i++) {
		if ((mine[i] = bump_create_child(shared_parent, 0, 0)) == NULL ||
		    bump_malloc(mine[i], 64) == NULL ||
		    bump_malloc(shared_parent, 32) == NULL)
			return (void *)1;
		if (i % 2 == 1)
			bump_destroy(mine[i]);
	}
	return NULL;
}

START_TEST(test_child_threadsafe_parent)
{
	shared_parent = bump_create(0, BUMP_THREADSAFE);
	ck_assert_ptr_nonnull(shared_parent);
	run_threads(make_children, KID_THREADS);
	for (int i = 0; i < KID_THREADS; i++)
		for (int k = 0; k < KIDS_EACH; k += 2)
			ck_assert_uint_gt(bump_used(kid_of[i][k]), 0);
	bump_destroy(shared_parent);
	/* The children alive until then died with it.  Not the odd ones:
	 * destroyed while other threads made arenas, their bookkeeping may
	 * hold another arena's blocks since (SPEC: a destroyed arena is
	 * detected as long as its bookkeeping has not been reused). */
	for (int i = 0; i < KID_THREADS; i++)
		for (int k = 0; k < KIDS_EACH; k += 2)
			assert_dead(kid_of[i][k]);
}
END_TEST

/* ---- Scratch arenas ------------------------------------------------------ */

START_TEST(test_scratch_conflicts)
{
	bump_t *s1, *s2, *mine = bump_create(0, 0);
	bump_t *both[2], *others[3];

	ck_assert_ptr_nonnull(mine);
	errno = 1234;
	s1 = bump_scratch(NULL, 0);
	ck_assert_ptr_nonnull(s1);
	ck_assert_int_eq(errno, 1234);
	ck_assert_ptr_eq(bump_scratch(NULL, 0), s1);	/* the same one */
	s2 = bump_scratch(&s1, 1);
	ck_assert_ptr_nonnull(s2);
	ck_assert_ptr_ne(s2, s1);
	ck_assert_ptr_eq(bump_scratch(&s2, 1), s1);
	ck_assert_ptr_eq(bump_scratch(&s1, 1), s2);
	others[0] = NULL;
	others[1] = mine;
	others[2] = s1;
	ck_assert_ptr_eq(bump_scratch(others, 3), s2);
	ck_assert_ptr_eq(bump_scratch(others, 2), s1);
	both[0] = s2;
	both[1] = s1;
	errno = 0;
	ck_assert_ptr_null(bump_scratch(both, 2));
	ck_assert_int_eq(errno, EBUSY);
	errno = 0;
	ck_assert_ptr_null(bump_scratch(NULL, 1));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(bump_flags(s1), 0);
	ck_assert_uint_eq(bump_capacity(s1), BUMP_DEFAULT_RESERVE);
	bump_destroy(mine);
}
END_TEST

/* The use it is for: a function with an output arena and scratch memory. */
static char *
joined_upper(bump_t *out, const char *const *words, int n)
{
	bump_t *scratch = bump_scratch(&out, 1);
	bump_mark_t m = bump_mark(scratch);
	size_t len = 0, at = 0;
	size_t *lens;
	char *s;

	ck_assert_ptr_ne(scratch, out);
	lens = bump_malloc(scratch, (size_t)n * sizeof *lens);
	ck_assert_ptr_nonnull(lens);
	for (int i = 0; i < n; i++)
		len += lens[i] = strlen(words[i]);
	s = bump_malloc(out, len + 1);
	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < n; i++) {
		for (size_t k = 0; k < lens[i]; k++)
			s[at + k] = (char)(words[i][k] - 'a' + 'A');
		at += lens[i];
	}
	s[at] = '\0';
	bump_rewind(scratch, m);
	return s;
}

START_TEST(test_scratch_mark_rewind)
{
	const char *words[] = { "abc", "de", "f" };
	bump_t *s = bump_scratch(NULL, 0), *out;
	bump_mark_t start;
	size_t used;
	char *r;

	ck_assert_ptr_nonnull(s);
	start = bump_mark(s);
	/* Its output is the thread's scratch arena itself: no aliasing. */
	r = joined_upper(s, words, 3);
	ck_assert_str_eq(r, "ABCDEF");
	used = bump_used(s);
	ck_assert_uint_ge(used, start.offset + 7);
	ck_assert_uint_lt(used, start.offset + 7 + 8);	/* and alignment */
	out = bump_create(0, 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(joined_upper(out, words, 2), "ABCDE");
	ck_assert_uint_eq(bump_used(s), used);	/* rewound */
	ck_assert_str_eq(r, "ABCDEF");
	bump_rewind(s, start);
	bump_destroy(out);
}
END_TEST

/* bump_destroy leaves a scratch arena alone: the thread still has it. */
START_TEST(test_scratch_destroy_ignored)
{
	bump_t *s = bump_scratch(NULL, 0);

	ck_assert_ptr_nonnull(s);
	bump_destroy(s);
	ck_assert_ptr_eq(bump_scratch(NULL, 0), s);
	ck_assert_ptr_nonnull(bump_malloc(s, 100));
	bump_reset(s);
	ck_assert_uint_eq(bump_used(s), 0);
}
END_TEST

/* Each thread has its own, destroyed (cleanups and all) when it exits. */
static int exited_runs;
static pthread_mutex_t exited_lock = PTHREAD_MUTEX_INITIALIZER;

static void
count_exit(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&exited_lock);
	exited_runs++;
	pthread_mutex_unlock(&exited_lock);
}

static void *
use_scratch(void *arg)
{
	bump_t *main_scratch = arg, *s = bump_scratch(NULL, 0), *s2;

	if (s == NULL || s == main_scratch || bump_malloc(s, 1000) == NULL ||
	    bump_cleanup_add(s, count_exit, NULL) == NULL)
		return (void *)1;
	if ((s2 = bump_scratch(&s, 1)) == NULL || s2 == main_scratch ||
	    bump_cleanup_add(s2, count_exit, NULL) == NULL)
		return (void *)2;
	return s;
}

START_TEST(test_scratch_per_thread)
{
	enum { N = 50 };
	bump_t *mine = bump_scratch(NULL, 0);
	pthread_t t;
	void *rc;

	ck_assert_ptr_nonnull(mine);
	exited_runs = 0;
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(pthread_create(&t, NULL, use_scratch, mine), 0);
		ck_assert_int_eq(pthread_join(t, &rc), 0);
		ck_assert_uint_gt((uintptr_t)rc, 2);
		/* Its scratch arenas died with it. */
		ck_assert_int_eq(exited_runs, 2 * (i + 1));
	}
	ck_assert_ptr_eq(bump_scratch(NULL, 0), mine);
}
END_TEST

/* ---- bump_flags, and every new call on a destroyed arena ------------------ */

START_TEST(test_flags)
{
	static _Alignas(16) unsigned char buf[4096];
	bump_t *b;

	ck_assert_uint_eq(bump_flags(NULL), 0);
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_flags(b), 0);
	bump_destroy(b);
	b = bump_create(1 << 20, BUMP_THREADSAFE | BUMP_PREFAULT);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_flags(b), BUMP_THREADSAFE | BUMP_PREFAULT);
	bump_destroy(b);
	b = bump_create(1 << 20, BUMP_HUGEPAGES);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_flags(b), BUMP_HUGEPAGES);
	bump_destroy(b);
	/* A buffer is committed already: no huge pages, no prefaulting. */
	b = bump_create_in(buf, sizeof buf, BUMP_THREADSAFE | BUMP_HUGEPAGES |
	    BUMP_PREFAULT);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_flags(b), BUMP_THREADSAFE);
	bump_destroy(b);
}
END_TEST

START_TEST(test_destroyed_arena_refused)
{
	bump_t *s = bump_scratch(NULL, 0), *b = bump_create(0, 0);
	bump_cleanup_t *c;

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(b);
	clear_log();
	c = add(b, 1);
	bump_destroy(b);
	ASSERT_LOG(1);
	errno = 0;
	ck_assert_ptr_null(bump_cleanup_add(b, log_id, ID(2)));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(bump_cleanup_cancel(b, c), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_create_child(b, 0, 0));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(bump_flags(b), 0);
	/* In the in-use list a dead arena is only an address. */
	ck_assert_ptr_eq(bump_scratch(&b, 1), s);
	bump_destroy(b);
	ck_assert_int_eq(nran, 1);
}
END_TEST

static Suite *
own_suite(void)
{
	Suite *s = suite_create("own");
	TCase *c = tcase_new("cleanups");
	TCase *r = tcase_new("reentrant");
	TCase *k = tcase_new("children");
	TCase *x = tcase_new("scratch");
	TCase *d = tcase_new("flags and dead arenas");

	tcase_add_test(c, test_cleanup_reset_newest_first);
	tcase_add_test(c, test_cleanup_destroy_newest_first);
	tcase_add_test(c, test_cleanup_runs_before_memory_goes);
	tcase_add_test(c, test_cleanup_rewind_runs_those_after_mark);
	tcase_add_test(c, test_cleanup_mark_inside_record);
	tcase_add_test(c, test_cleanup_loop_of_rewinds);
	tcase_add_test(c, test_cleanup_cancel);
	tcase_add_test(c, test_cleanup_add_errors);
	tcase_add_test(c, test_cleanup_full_arena);
	tcase_add_test(c, test_cleanup_record_out_of_reach);
	tcase_add_test(c, test_cleanup_many);
	tcase_add_test(c, test_cleanup_threadsafe);
	tcase_add_test(c, test_cleanup_threadsafe_rewind);
	suite_add_tcase(s, c);
	tcase_add_test(r, test_cleanup_allocates);
	tcase_add_test(r, test_cleanup_registers_in_pass);
	tcase_add_test(r, test_cleanup_drops_own_arena);
	tcase_add_test(r, test_cleanup_cancels_in_pass);
	suite_add_tcase(s, r);
	tcase_add_test(k, test_child_dies_with_parent);
	tcase_add_test(k, test_child_dies_at_parent_reset);
	tcase_add_test(k, test_child_rewind_past_creation);
	tcase_add_test(k, test_child_destroyed_first);
	tcase_add_test(k, test_child_errors);
	tcase_add_test(k, test_child_flags);
	tcase_add_test(k, test_child_starts_small);
	tcase_add_test(k, test_child_cleanup_destroys_parent);
	tcase_add_test(k, test_child_many);
	tcase_add_test(k, test_child_threadsafe_parent);
	suite_add_tcase(s, k);
	tcase_add_test(x, test_scratch_conflicts);
	tcase_add_test(x, test_scratch_mark_rewind);
	tcase_add_test(x, test_scratch_destroy_ignored);
	tcase_add_test(x, test_scratch_per_thread);
	suite_add_tcase(s, x);
	tcase_add_test(d, test_flags);
	tcase_add_test(d, test_destroyed_arena_refused);
	suite_add_tcase(s, d);
	return s;
}

TEST_MAIN(own_suite)
