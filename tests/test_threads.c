/*
 * test_threads.c - a BUMP_THREADSAFE arena shared by several threads.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

enum { NTHREADS = 4 };

/* Blocks per thread; fewer under memcheck, which runs one thread at a time. */
#define PER_THREAD ((size_t)(getenv("BUMP_TEST_VALGRIND") ? 5000 : 100000))

struct block {
	unsigned char *p;
	size_t size;
	unsigned thread;
	unsigned index;
};

struct worker {
	pthread_t tid;
	bump_t *arena;
	pthread_barrier_t *go;
	unsigned id;
	size_t max_blocks;
	int until_exhausted;	/* exhaustion mode: allocate until NULL */
	struct block *blocks;
	size_t nblocks;
	size_t bytes;		/* sum of the block sizes */
	char error[160];	/* first problem seen by the thread */
};

static unsigned char
pattern(unsigned thread, unsigned index, size_t j)
{
	return (unsigned char)(thread * 67 + index * 13 + j * 7 + 1);
}

static void
write_pattern(const struct block *k)
{
	size_t j;

	for (j = 0; j < k->size; j++)
		k->p[j] = pattern(k->thread, k->index, j);
}

static int
pattern_intact(const struct block *k)
{
	size_t j;

	for (j = 0; j < k->size; j++)
		if (k->p[j] != pattern(k->thread, k->index, j))
			return 0;
	return 1;
}

/* Threads cannot use ck_assert: they note the first problem instead. */
#define NOTE(w, ...) do {						\
	if ((w)->error[0] == '\0')					\
		snprintf((w)->error, sizeof (w)->error, __VA_ARGS__);	\
} while (0)

static void *
work(void *arg)
{
	struct worker *w = arg;
	uint32_t x = 2463534242u * (w->id + 1);
	size_t cap = bump_capacity(w->arena);
	size_t shrink = 512;		/* exhaustion mode: current size cap */
	unsigned i;
	int rc;

	rc = pthread_barrier_wait(w->go);
	if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD)
		NOTE(w, "barrier: %d", rc);
	for (i = 0; w->nblocks < w->max_blocks; i++) {
		struct block k;
		size_t n, j;
		unsigned kind;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		n = w->until_exhausted ? 1 + x % shrink : x % 300;
		kind = (x >> 20) % 20;
		if (w->until_exhausted && kind == 4)
			kind = 5;	/* realloc would leak its first block */
		k.thread = w->id;
		k.index = i;
		k.size = n;
		switch (kind) {
		case 0:
		case 1:	/* calloc: must come back zeroed */
			k.p = bump_calloc(w->arena, 1, n);
			if (k.p != NULL)
				for (j = 0; j < n; j++)
					if (k.p[j] != 0) {
						NOTE(w, "calloc byte not zero");
						break;
					}
			break;
		case 2: {	/* aligned_alloc */
			size_t a = (size_t)1 << ((x >> 8) % 9);

			k.p = bump_aligned_alloc(w->arena, a, n);
			if (k.p != NULL && (uintptr_t)k.p % a != 0)
				NOTE(w, "aligned_alloc(%zu) gave %p", a,
				    (void *)k.p);
			break;
		}
		case 3: {	/* strdup of a string of n - 1 chars */
			char buf[600];

			if (n == 0)
				n = k.size = 1;
			memset(buf, 'a' + (int)(i % 26), n - 1);
			buf[n - 1] = '\0';
			k.p = (unsigned char *)bump_strdup(w->arena, buf);
			if (k.p != NULL && memcmp(k.p, buf, n) != 0)
				NOTE(w, "strdup copy wrong");
			break;
		}
		case 4: {	/* realloc: always moves here, keeps contents */
			unsigned char *old = bump_malloc(w->arena, 8);

			if (old == NULL) {
				k.p = NULL;
				break;
			}
			memcpy(old, "realloc", 8);
			k.p = bump_realloc(w->arena, old, n < 8 ? 8 : n);
			if (k.p != NULL) {
				k.size = n < 8 ? 8 : n;
				if (k.p == old)
					NOTE(w, "threadsafe realloc did not "
					    "move");
				if (memcmp(k.p, "realloc", 8) != 0)
					NOTE(w, "realloc lost the contents");
			}
			break;
		}
		default:
			k.p = bump_malloc(w->arena, n);
			if (k.p != NULL && n >= 16 && (uintptr_t)k.p % 16)
				NOTE(w, "malloc(%zu) gave %p", n, (void *)k.p);
			break;
		}
		if (k.p == NULL) {
			if (errno != ENOMEM)
				NOTE(w, "NULL with errno %d", errno);
			if (!w->until_exhausted) {
				NOTE(w, "allocation %u failed", i);
				break;
			}
			if (shrink == 1 && kind != 2)
				break;	/* not even one byte is left */
			if (kind != 2)
				shrink = shrink / 2 ? shrink / 2 : 1;
			continue;
		}
		if (bump_used(w->arena) > cap)
			NOTE(w, "used %zu > capacity", bump_used(w->arena));
		if (!bump_owns(w->arena, k.p))
			NOTE(w, "block %p not owned", (void *)k.p);
		write_pattern(&k);
		if (i % 13 == 0)
			bump_free(w->arena, k.p);	/* gives nothing back */
		w->blocks[w->nblocks++] = k;
		w->bytes += k.size;
	}
	return NULL;
}

static int
by_address(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	if ((uintptr_t)x->p != (uintptr_t)y->p)
		return (uintptr_t)x->p < (uintptr_t)y->p ? -1 : 1;
	return 0;
}

/* Run NTHREADS workers on arena b, then check every block they recorded. */
static size_t
run_and_check(bump_t *b, int until_exhausted, size_t *bytes)
{
	struct worker w[NTHREADS];
	pthread_barrier_t go;
	struct block *all;
	unsigned char *first;
	size_t cap = bump_capacity(b), total = 0, i;
	unsigned t;
	int rc;

	rc = pthread_barrier_init(&go, NULL, NTHREADS);
	ck_assert_int_eq(rc, 0);
	/* The arena's first block marks the start of its region. */
	first = bump_malloc(b, 0);
	ck_assert_ptr_nonnull(first);
	ck_assert_uint_eq(bump_used(b), 1);
	for (t = 0; t < NTHREADS; t++) {
		memset(&w[t], 0, sizeof w[t]);
		w[t].arena = b;
		w[t].go = &go;
		w[t].id = t;
		w[t].until_exhausted = until_exhausted;
		w[t].max_blocks = until_exhausted ? cap : PER_THREAD;
		w[t].blocks = calloc(w[t].max_blocks, sizeof(struct block));
		ck_assert_ptr_nonnull(w[t].blocks);
		rc = pthread_create(&w[t].tid, NULL, work, &w[t]);
		ck_assert_int_eq(rc, 0);
	}
	for (t = 0; t < NTHREADS; t++) {
		rc = pthread_join(w[t].tid, NULL);
		ck_assert_int_eq(rc, 0);
	}
	pthread_barrier_destroy(&go);
	for (t = 0; t < NTHREADS; t++) {
		ck_assert_msg(w[t].error[0] == '\0', "thread %u: %s", t,
		    w[t].error);
		if (!until_exhausted)
			ck_assert_uint_eq(w[t].nblocks, PER_THREAD);
		total += w[t].nblocks;
	}

	all = malloc(total * sizeof *all);
	ck_assert_ptr_nonnull(all);
	total = 0;
	*bytes = 0;
	for (t = 0; t < NTHREADS; t++) {
		memcpy(all + total, w[t].blocks,
		    w[t].nblocks * sizeof *all);
		total += w[t].nblocks;
		*bytes += w[t].bytes;
		free(w[t].blocks);
	}
	for (i = 0; i < total; i++)
		ck_assert_msg(pattern_intact(&all[i]),
		    "block %u of thread %u (%p, %zu bytes) overwritten",
		    all[i].index, all[i].thread, (void *)all[i].p,
		    all[i].size);
	qsort(all, total, sizeof *all, by_address);
	for (i = 0; i < total; i++) {
		size_t len = all[i].size ? all[i].size : 1;

		ck_assert_msg((uintptr_t)all[i].p > (uintptr_t)first,
		    "block %p at or below the first %p", (void *)all[i].p,
		    (void *)first);
		ck_assert_msg((uintptr_t)all[i].p + len <=
		    (uintptr_t)first + cap, "block %p past the region",
		    (void *)all[i].p);
		if (i + 1 < total)
			ck_assert_msg((uintptr_t)all[i].p + len <=
			    (uintptr_t)all[i + 1].p,
			    "blocks %p (%zu bytes) and %p overlap",
			    (void *)all[i].p, len, (void *)all[i + 1].p);
	}
	free(all);
	ck_assert_uint_le(*bytes + 1, bump_used(b));
	ck_assert_uint_le(bump_used(b), cap);
	return total;
}

START_TEST(test_many_threads_many_blocks)
{
	bump_t *b = bump_create(0, BUMP_THREADSAFE);
	size_t n, bytes;

	ck_assert_ptr_nonnull(b);
	n = run_and_check(b, 0, &bytes);
	ck_assert_uint_eq(n, (size_t)NTHREADS * PER_THREAD);
	ck_assert_uint_gt(bytes, 0);
	bump_destroy(b);
}
END_TEST

START_TEST(test_exhaustion_under_contention)
{
	bump_t *b = bump_create(256 * KiB, BUMP_THREADSAFE);
	int round;

	ck_assert_ptr_nonnull(b);
	for (round = 0; round < 20; round++) {
		size_t n, bytes;
		void *p;

		n = run_and_check(b, 1, &bytes);
		ck_assert_uint_gt(n, 100);
		ck_assert_uint_le(bytes, bump_capacity(b));
		/* Every thread stopped only when not one byte was left. */
		ck_assert_uint_eq(bump_used(b), bump_capacity(b));
		errno = 0;
		p = bump_malloc(b, 1);
		ck_assert_ptr_null(p);
		ck_assert_int_eq(errno, ENOMEM);
		bump_reset(b);		/* all threads are joined */
		ck_assert_uint_eq(bump_used(b), 0);
	}
	bump_destroy(b);
}
END_TEST

/* ---- Each thread's chunk cache (lib/chunks_thread.c), on every OS -------- */

static size_t
committed_of(const bump_t *b)
{
	struct bump_stats st;

	ck_assert_int_eq(bump_stats(b, &st), 0);
	return st.committed;
}

/* An arena that grew to 10 KiB dies; the next one starts in a chunk as big. */
static void *
remember_size(void *arg)
{
	size_t *committed = arg;
	bump_t *a = bump_create(0, 0), *b;
	unsigned char *p;

	if (a == NULL || (p = bump_malloc(a, 10 * KiB)) == NULL)
		return NULL;
	fill_bytes(p, 1, 10 * KiB);
	bump_destroy(a);
	if ((b = bump_create(0, 0)) == NULL || bump_malloc(b, 100) == NULL)
		return NULL;
	*committed = committed_of(b);
	bump_destroy(b);
	return NULL;
}

/*
 * A thread remembers how big its arenas grew, in state of its own that
 * its exit gives back (fiber-local storage on Windows, where 0.2.0 kept
 * none: every new arena started in 256 bytes).
 */
START_TEST(test_thread_remembers_arena_size)
{
	pthread_t t;
	size_t committed = 0;

	ck_assert_int_eq(pthread_create(&t, NULL, remember_size, &committed), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(committed, 16 * KiB);
}
END_TEST

enum { CACHED_ARENAS = 8 };

/* Eight arenas of 12 KiB at once, destroyed: their chunks are the caller's cache's. */
static void *
fill_cache(void *arg)
{
	bump_t *b[CACHED_ARENAS];

	(void)arg;
	for (int i = 0; i < CACHED_ARENAS; i++) {
		unsigned char *p;

		if ((b[i] = bump_create(0, 0)) == NULL ||
		    (p = bump_malloc(b[i], 12 * KiB)) == NULL)
			return NULL;
		fill_bytes(p, i + 1, 12 * KiB);
	}
	for (int i = 0; i < CACHED_ARENAS; i++)
		bump_destroy(b[i]);
	return NULL;
}

/*
 * The chunks a thread keeps for its next arenas go back to the chunk layer
 * when it exits: bump_purge() on another thread then gives their written
 * pages back (kept by a dead thread, they would never come back).
 */
START_TEST(test_thread_cache_back_at_exit)
{
	pthread_t t;
	size_t given;

	(void)bump_purge();
	ck_assert_int_eq(pthread_create(&t, NULL, fill_cache, NULL), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	given = bump_purge();
	ck_assert_uint_ge(given, CACHED_ARENAS * 8 * KiB);
}
END_TEST

#ifdef _WIN32
static void *main_fiber;

static void WINAPI
fiber_main(void *arg)
{
	(void)fill_cache(arg);
	SwitchToFiber(main_fiber);
}

/*
 * Windows: each fiber has a cache of its own (fiber-local storage), which
 * goes back when the fiber is deleted, on the deleting thread, without
 * touching that thread's own cache.
 */
START_TEST(test_fiber_cache_back_at_delete)
{
	void *fiber;
	bump_t *mine;
	size_t given;

	main_fiber = ConvertThreadToFiber(NULL);
	ck_assert_ptr_nonnull(main_fiber);
	(void)bump_purge();
	mine = bump_create(0, 0);	/* this fiber's cache opens */
	ck_assert_ptr_nonnull(mine);
	ck_assert_ptr_nonnull(bump_malloc(mine, 100));
	bump_destroy(mine);
	fiber = CreateFiber(0, fiber_main, NULL);
	ck_assert_ptr_nonnull(fiber);
	SwitchToFiber(fiber);
	DeleteFiber(fiber);
	/* This fiber's cache still works: its arenas reuse its chunks. */
	mine = bump_create(0, 0);
	ck_assert_ptr_nonnull(mine);
	ck_assert_ptr_nonnull(bump_malloc(mine, 100));
	bump_destroy(mine);
	given = bump_purge();
	ck_assert_uint_ge(given, CACHED_ARENAS * 8 * KiB);
	ck_assert(ConvertFiberToThread());
}
END_TEST
#endif

static Suite *
threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_new("threadsafe");
	TCase *cache = tcase_new("thread cache");

	tcase_add_test(tc, test_many_threads_many_blocks);
	tcase_add_test(tc, test_exhaustion_under_contention);
	suite_add_tcase(s, tc);
	tcase_add_test(cache, test_thread_remembers_arena_size);
	tcase_add_test(cache, test_thread_cache_back_at_exit);
#ifdef _WIN32
	tcase_add_test(cache, test_fiber_cache_back_at_delete);
#endif
	suite_add_tcase(s, cache);
	return s;
}

TEST_MAIN(threads_suite)
