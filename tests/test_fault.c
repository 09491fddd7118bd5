/*
 * test_fault.c - every OS failure leaves a usable arena.
 *
 * This program links its own copy of the library's sources with the OS
 * layer wrapped by the linker (-Wl,--wrap=bump__os_commit, ...), so the
 * installed library carries no fault switch at all.  The wrappers count
 * OS calls and fail the N-th one (or, "sticky", every one from the N-th
 * on, as a machine out of memory would).  Each scenario is run for
 * N = 1, 2, ... until it completes without reaching call N: every OS call
 * the scenario makes gets to fail once.  After each public call the test
 * checks: a call during which a fault fired returned its documented error
 * (NULL or -1 with errno ENOMEM) or, for realloc, a correct result; the
 * arena kept its state (bump_used, every live block's contents); and with
 * the fault gone the same call succeeds.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <errno.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

/* ---- the wrapped OS layer (see lib/os.h) ---------------------------- */

static unsigned long os_calls;	/* since the scenario started */
static unsigned long fail_at;	/* 0: never */
static int sticky;		/* fail every call from fail_at on */
static unsigned long faults;	/* how many calls were made to fail */

static int
inject(void)
{
	os_calls++;
	if (fail_at != 0 && (os_calls == fail_at ||
	    (sticky && os_calls > fail_at))) {
		faults++;
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

#include "wrap_os.h"

/* ---- the model: live blocks and what they hold ---------------------- */

enum { MAX_BLOCKS = 32 };

struct run {
	bump_t *b;
	unsigned flags;
	struct { unsigned char *p; size_t n; unsigned char seed; } blk[MAX_BLOCKS];
	int nblk;
	size_t used;		/* bump_used() before the current step */
	unsigned long faults_before;
	const char *step;
};

static void
fill(unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

/* Every live block still holds its pattern (sampled: blocks are MiBs). */
static void
check_blocks(const struct run *r)
{
	for (int k = 0; k < r->nblk; k++) {
		const unsigned char *p = r->blk[k].p;
		size_t n = r->blk[k].n;

		for (size_t i = 0; i < n; i += (i < 4096 ? 1 : 4093))
			if (p[i] != (unsigned char)(r->blk[k].seed + i * 7))
				ck_abort_msg("%s: block %d byte %zu changed",
				    r->step, k, i);
		if (n > 0)
			ck_assert_uint_eq(p[n - 1],
			    (unsigned char)(r->blk[k].seed + (n - 1) * 7));
	}
}

static void
begin(struct run *r, const char *step)
{
	r->step = step;
	r->used = bump_used(r->b);
	r->faults_before = faults;
}

static int
faulted(const struct run *r)
{
	return faults != r->faults_before;
}

/* After a reported failure: nothing changed, and the fault goes away. */
static void
assert_untouched(struct run *r)
{
	ck_assert_msg(bump_used(r->b) == r->used, "%s: used went from %zu "
	    "to %zu on failure", r->step, r->used, bump_used(r->b));
	check_blocks(r);
	fail_at = 0;
	sticky = 0;
}

static void
keep(struct run *r, void *p, size_t n)
{
	unsigned char seed = (unsigned char)(r->nblk * 37 + 1);

	ck_assert_int_lt(r->nblk, MAX_BLOCKS);
	fill(p, n, seed);
	r->blk[r->nblk].p = p;
	r->blk[r->nblk].n = n;
	r->blk[r->nblk].seed = seed;
	r->nblk++;
	check_blocks(r);
}

/*
 * One allocating step: call(r) returns the block (or NULL); on a fault it
 * must be NULL with ENOMEM and change nothing, and the retry succeeds.
 */
static void *
alloc_step(struct run *r, const char *step, void *(*call)(struct run *),
    size_t n)
{
	void *p;

	begin(r, step);
	errno = 0;
	p = call(r);
	if (p == NULL) {
		ck_assert_msg(faulted(r), "%s failed without a fault: %s",
		    step, strerror(errno));
		ck_assert_msg(errno == ENOMEM, "%s: errno %d, not ENOMEM",
		    step, errno);
		assert_untouched(r);
		p = call(r);
		ck_assert_msg(p != NULL, "%s fails after the fault is gone",
		    step);
	}
	keep(r, p, n);
	return p;
}

/* The steps' calls; sizes cross the 1 MiB commit step again and again. */
static void *call_small(struct run *r) { return bump_malloc(r->b, 100); }
static void *call_big(struct run *r) { return bump_malloc(r->b, 2 * MiB + 10); }
static void *call_calloc(struct run *r) { return bump_calloc(r->b, 3, 500 * KiB); }
static void *call_aligned(struct run *r) { return bump_aligned_alloc(r->b, MiB, 1000); }
static void *call_asprintf(struct run *r) { return bump_asprintf(r->b, "%*d", (int)(1200 * KiB), 7); }

static char *memdup_src;	/* 1 MiB + 1 of pattern */
static void *call_memdup(struct run *r) { return bump_memdup(r->b, memdup_src, MiB + 1); }
static void *call_strdup(struct run *r) { return bump_strdup(r->b, memdup_src + MiB - 300 * KiB); }

static void
run_scenario(struct run *r, size_t reserve)
{
	unsigned char *g, *q;
	bump_mark_t m;
	char *s;
	int rc;
	unsigned flags = r->flags;

	memset(r, 0, sizeof *r);
	r->flags = flags;

	/* bump_create: reserve, bookkeeping commit, prefault. */
	errno = 0;
	r->faults_before = faults;
	r->b = bump_create(reserve, r->flags);
	if (r->b == NULL) {
		ck_assert_msg(faulted(r), "create failed without a fault");
		ck_assert_int_eq(errno, ENOMEM);
		fail_at = 0;
		sticky = 0;
		r->b = bump_create(reserve, r->flags);
	}
	ck_assert_ptr_nonnull(r->b);
	ck_assert_uint_eq(bump_used(r->b), 0);

	alloc_step(r, "malloc(100)", call_small, 100);
	alloc_step(r, "malloc(2 MiB)", call_big, 2 * MiB + 10);
	g = alloc_step(r, "calloc(3, 500 KiB)", call_calloc, 1500 * KiB);
	(void)g;
	alloc_step(r, "aligned_alloc(1 MiB)", call_aligned, 1000);
	alloc_step(r, "memdup(1 MiB)", call_memdup, MiB + 1);
	alloc_step(r, "strdup(300 KiB)", call_strdup, 300 * KiB + 1);

	/* asprintf: check the text, then keep the block as a pattern. */
	begin(r, "asprintf(1.2 MiB)");
	s = call_asprintf(r);
	if (s == NULL) {
		ck_assert(faulted(r));
		ck_assert_int_eq(errno, ENOMEM);
		assert_untouched(r);
		s = call_asprintf(r);
	}
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), 1200 * KiB);
	ck_assert_int_eq(s[1200 * KiB - 1], '7');

	/* realloc: grow the newest block in place across commit steps. */
	begin(r, "malloc(10) for realloc");
	g = bump_malloc(r->b, 10);
	if (g == NULL) {
		ck_assert(faulted(r));
		assert_untouched(r);
		g = bump_malloc(r->b, 10);
	}
	ck_assert_ptr_nonnull(g);
	fill(g, 10, 99);
	begin(r, "realloc grow to 3 MiB");
	errno = 0;
	q = bump_realloc(r->b, g, 3 * MiB);
	if (q == NULL) {
		ck_assert(faulted(r));
		ck_assert_int_eq(errno, ENOMEM);
		ck_assert_uint_eq(bump_used(r->b), r->used);
		for (int i = 0; i < 10; i++)	/* the old block is untouched */
			ck_assert_uint_eq(g[i], (unsigned char)(99 + i * 7));
		assert_untouched(r);
		q = bump_realloc(r->b, g, 3 * MiB);
		ck_assert_ptr_nonnull(q);
	}
	/* A one-shot fault may be absorbed by moving the block: fine. */
	for (int i = 0; i < 10; i++)
		ck_assert_uint_eq(q[i], (unsigned char)(99 + i * 7));
	if (!(r->flags & BUMP_THREADSAFE) && !faulted(r))
		ck_assert_ptr_eq(q, g);	/* in place when nothing failed */
	keep(r, q, 3 * MiB);

	/* Shrinking in place makes no OS call. */
	begin(r, "realloc shrink");
	g = bump_realloc(r->b, q, 100);
	ck_assert_ptr_nonnull(g);
	r->blk[r->nblk - 1].n = 100;
	r->blk[r->nblk - 1].p = g;
	check_blocks(r);

	/* mark, allocate past the commit, rewind: used is back. */
	m = bump_mark(r->b);
	begin(r, "malloc(2 MiB) after mark");
	q = bump_malloc(r->b, 2 * MiB);
	if (q == NULL) {
		ck_assert(faulted(r));
		assert_untouched(r);
	}
	bump_rewind(r->b, m);
	ck_assert_uint_eq(bump_used(r->b), m.offset);
	check_blocks(r);

	/* reset + trim: the decommit may fail; the arena stays as it was. */
	bump_reset(r->b);
	r->nblk = 0;
	begin(r, "trim after reset");
	errno = 0;
	rc = bump_trim(r->b);
	if (rc != 0) {
		ck_assert_int_eq(rc, -1);
		ck_assert(faulted(r));
		ck_assert_int_eq(errno, ENOMEM);
		assert_untouched(r);
		ck_assert_int_eq(bump_trim(r->b), 0);
	}
	ck_assert_uint_eq(bump_used(r->b), 0);

	/* Memory comes back after a trim (commit again), zeroed for calloc. */
	alloc_step(r, "malloc(2 MiB) after trim", call_big, 2 * MiB + 10);
	begin(r, "calloc after trim");
	g = call_calloc(r);
	if (g == NULL) {
		ck_assert(faulted(r));
		assert_untouched(r);
		g = call_calloc(r);
	}
	ck_assert_ptr_nonnull(g);
	for (size_t i = 0; i < 1500 * KiB; i += 4093)
		ck_assert_uint_eq(g[i], 0);
	keep(r, g, 1500 * KiB);
	bump_destroy(r->b);
}

/*
 * bump_destroy keeps the last arena's own reservation for the next arena
 * of its size, which then makes no OS call: a scenario would make fewer
 * calls the second time.  An arena of another size with a reservation of
 * its own (BUMP_THREADSAFE) drops the kept one; hold it until the
 * scenario is over, so that every scenario starts without a kept one.
 */
static bump_t *
empty_arena_cache(void)
{
	bump_t *other;

	fail_at = 0;
	other = bump_create(page_size(), BUMP_THREADSAFE);
	ck_assert_ptr_nonnull(other);
	return other;
}

/*
 * Walk N over every OS call the scenario makes, one-shot and sticky.
 * Returns the number of OS calls the fault-free scenario makes.
 */
static unsigned long
walk(unsigned flags, size_t reserve)
{
	struct run r;
	bump_t *other;
	unsigned long calls_clean;
	int mode;

	r.flags = flags;
	/*
	 * A first run fills the chunk cache: the runs after it take the same
	 * chunks from it and make the same OS calls (faults in the chunk
	 * layer's own calls are tested by test_chunks).
	 */
	other = empty_arena_cache();
	run_scenario(&r, reserve);
	bump_destroy(other);
	other = empty_arena_cache();
	os_calls = 0;
	run_scenario(&r, reserve);
	bump_destroy(other);
	calls_clean = os_calls;
	ck_assert_uint_gt(calls_clean, 0);
	for (mode = 0; mode < 2; mode++) {
		for (unsigned long n = 1; n <= calls_clean; n++) {
			unsigned long before = faults;

			other = empty_arena_cache();
			os_calls = 0;
			fail_at = n;
			sticky = mode;
			run_scenario(&r, reserve);
			fail_at = 0;
			bump_destroy(other);
			ck_assert_msg(faults > before, "flags %#x: call %lu of "
			    "%lu never failed", flags, n, calls_clean);
		}
	}
	fail_at = 0;
	fprintf(stderr, "flags %#x: walked OS calls 1..%lu, one-shot and "
	    "sticky\n", flags, calls_clean);
	return calls_clean;
}

START_TEST(test_faults_plain)
{
	ck_assert_uint_ge(walk(0, 64 * MiB), 8);
}
END_TEST

START_TEST(test_faults_threadsafe)
{
	ck_assert_uint_ge(walk(BUMP_THREADSAFE, 64 * MiB), 8);
}
END_TEST

START_TEST(test_faults_hugepages)
{
	ck_assert_uint_ge(walk(BUMP_HUGEPAGES, 64 * MiB), 4);
}
END_TEST

START_TEST(test_faults_prefault)
{
	/* Committed up front: create, trim and the commit after the trim. */
	ck_assert_uint_ge(walk(BUMP_PREFAULT, 16 * MiB), 4);
}
END_TEST

START_TEST(test_faults_all_flags)
{
	ck_assert_uint_ge(walk(BUMP_THREADSAFE | BUMP_HUGEPAGES |
	    BUMP_PREFAULT, 16 * MiB), 4);
}
END_TEST

static Suite *
fault_suite(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = tcase_new("os_failures");

	memdup_src = malloc(MiB + 1);
	for (size_t i = 0; i < MiB; i++)
		memdup_src[i] = (char)(i % 255 + 1);	/* no NUL before the end */
	memdup_src[MiB] = '\0';
	tcase_add_test(tc, test_faults_plain);
	tcase_add_test(tc, test_faults_threadsafe);
	tcase_add_test(tc, test_faults_hugepages);
	tcase_add_test(tc, test_faults_prefault);
	tcase_add_test(tc, test_faults_all_flags);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(fault_suite)
