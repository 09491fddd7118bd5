/*
 * test_create.c - bump_create() and bump_destroy(): reserve sizes, flags,
 * memory cost, guard pages.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <stdint.h>
#ifndef _WIN32
# include <signal.h>
# include <sys/resource.h>
# include <sys/types.h>
# include <sys/wait.h>
#endif
#include <unistd.h>

#include <bump_alloc.h>
#include "testutil.h"

#define GiB ((size_t)1 << 30)

static size_t
round_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

/* Contents of /proc/sys/vm/overcommit_memory, or -1. */
static int
overcommit_mode(void)
{
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int mode = -1;

	if (f != NULL) {
		if (fscanf(f, "%d", &mode) != 1)
			mode = -1;
		fclose(f);
	}
	return mode;
}

#ifdef _WIN32
/*
 * Windows has no fork, but whether a write faults is no mystery there: it
 * does exactly when the page is not committed, is a guard page or is not
 * writable, and VirtualQuery says which.
 */
static void
assert_segv(volatile unsigned char *p)
{
	const DWORD writable = PAGE_READWRITE | PAGE_WRITECOPY |
	    PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;
	MEMORY_BASIC_INFORMATION mbi;

	ck_assert_uint_eq(VirtualQuery((const void *)p, &mbi, sizeof mbi),
	    sizeof mbi);
	ck_assert_msg(mbi.State != MEM_COMMIT || (mbi.Protect & PAGE_GUARD) ||
	    !(mbi.Protect & writable), "write at %p would not fault "
	    "(state %#lx, protection %#lx)", (void *)p,
	    (unsigned long)mbi.State, (unsigned long)mbi.Protect);
}

/*
 * Whether p lies on a large page: with the privilege, BUMP_HUGEPAGES pins
 * the whole arena on large pages, and those cannot be guarded.
 */
static int
on_large_page(const void *p)
{
	PSAPI_WORKING_SET_EX_INFORMATION ws;

	ws.VirtualAddress = (void *)(uintptr_t)p;
	return K32QueryWorkingSetEx(GetCurrentProcess(), &ws, sizeof ws) &&
	    ws.VirtualAttributes.Valid && ws.VirtualAttributes.LargePage;
}

/* Committed bytes in the whole VirtualAlloc reservation holding p. */
static size_t
committed_bytes(const void *p)
{
	MEMORY_BASIC_INFORMATION mbi;
	const char *at, *base;
	size_t committed = 0;

	ck_assert_uint_eq(VirtualQuery(p, &mbi, sizeof mbi), sizeof mbi);
	base = at = mbi.AllocationBase;
	while (VirtualQuery(at, &mbi, sizeof mbi) == sizeof mbi &&
	    mbi.AllocationBase == base) {
		if (mbi.State == MEM_COMMIT)
			committed += mbi.RegionSize;
		at += mbi.RegionSize;
	}
	return committed;
}
#else
static int
on_large_page(const void *p)
{
	(void)p;
	return 0;	/* huge pages elsewhere are guarded like any other */
}

/*
 * Write one byte at p in a forked child and return its wait status.  The
 * child does nothing else (the parent has set everything up), so a
 * SIGSEGV can only come from that single write.
 */
static int
status_of_write(volatile unsigned char *p)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		struct rlimit rl = { 0, 0 };

		(void)setrlimit(RLIMIT_CORE, &rl);	/* no core files */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		*p = 0x5a;
		_exit(0);
	}
	while (waitpid(pid, &st, 0) == -1)
		ck_assert_int_eq(errno, EINTR);
	return st;
}

static void
assert_segv(volatile unsigned char *p)
{
	int st = status_of_write(p);

	ck_assert_msg(WIFSIGNALED(st),
	    "write at %p did not fault (child exited %d)", (void *)p,
	    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	ck_assert_int_eq(WTERMSIG(st), SIGSEGV);
}

#endif

/*
 * Run the code paths an RSS test uses once before its baseline: the first
 * run of any code faults its pages in, and VmRSS counts those too.
 */
static void
warm_up(void)
{
	bump_t *b = bump_create(0, 0);
	unsigned char *p;
	long r;

	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	fill_bytes(p, 1, 100);
	bump_destroy(b);
	b = bump_create(MiB, BUMP_PREFAULT);
	ck_assert_ptr_nonnull(b);
	bump_destroy(b);
	r = rss_kib();
	ck_assert_msg(r != 0, "VmRSS is %ld", r);
}

START_TEST(test_reserve_zero_is_default)
{
	bump_t *b = bump_create(0, 0);

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(BUMP_DEFAULT_RESERVE, (size_t)1 << 30);
	ck_assert_uint_eq(bump_capacity(b), BUMP_DEFAULT_RESERVE);
	ck_assert_uint_eq(bump_used(b), 0);
	bump_destroy(b);
}
END_TEST

START_TEST(test_reserve_rounded_to_page)
{
	const size_t ps = page_size();
	const size_t req[] = { 1, 2, ps - 1, ps, ps + 1, 3 * ps + 1,
	    MiB - 1, MiB, MiB + 1, 3 * MiB + 17 };
	size_t i;

	for (i = 0; i < sizeof req / sizeof req[0]; i++) {
		bump_t *b = bump_create(req[i], 0);
		size_t cap;
		unsigned char *p;
		void *q;

		ck_assert_msg(b != NULL, "bump_create(%zu) failed", req[i]);
		cap = bump_capacity(b);
		ck_assert_uint_eq(cap, round_up(req[i], ps));
		/* The whole capacity can be handed out and written ... */
		p = bump_malloc(b, cap);
		ck_assert_ptr_nonnull(p);
		fill_bytes(p, 0xc3, cap);
		ck_assert_uint_eq(p[0], 0xc3);
		ck_assert_uint_eq(p[cap - 1], 0xc3);
		ck_assert_uint_eq(bump_used(b), cap);
		/* ... and not one byte more. */
		errno = 0;
		q = bump_malloc(b, 1);
		ck_assert_ptr_null(q);
		ck_assert_int_eq(errno, ENOMEM);
		ck_assert_uint_eq(bump_used(b), cap);
		bump_destroy(b);
	}
}
END_TEST

START_TEST(test_reserve_64g)
{
	const size_t big = (size_t)64 << 30;
	bump_t *b;
	unsigned char *p, *q;
	void *r;

	if (sizeof(size_t) < 8)
		return;		/* no 64 GiB address space */
	if (getenv("BUMP_TEST_VALGRIND") != NULL) {
		fprintf(stderr, "%s:%d: under valgrind, 64 GiB reserve check "
		    "skipped\n", __FILE__, __LINE__);
		return;
	}
	errno = 0;
	b = bump_create(big, 0);
	if (b == NULL && errno == ENOMEM && overcommit_mode() == 2) {
		fprintf(stderr, "%s:%d: vm.overcommit_memory is 2, 64 GiB "
		    "reserve check skipped\n", __FILE__, __LINE__);
		return;
	}
	ck_assert_msg(b != NULL, "64 GiB reserve failed: %s", strerror(errno));
	ck_assert_uint_eq(bump_capacity(b), big);
	/* Far more than RAM can be handed out; touch both ends. */
	p = bump_malloc(b, (size_t)60 << 30);
#ifdef _WIN32
	/*
	 * Windows never overcommits: handing out 60 GiB commits 60 GiB, which
	 * the commit limit may refuse.  Then nothing may have changed.
	 */
	if (p == NULL) {
		ck_assert_int_eq(errno, ENOMEM);
		ck_assert_uint_eq(bump_used(b), 0);
		ck_assert_uint_eq(bump_capacity(b), big);
		p = bump_malloc(b, 64 * MiB);
		ck_assert_ptr_nonnull(p);
		fill_bytes(p, 0x3c, 64 * MiB);
		ck_assert_uint_eq(bump_used(b), 64 * MiB);
		fprintf(stderr, "%s:%d: 60 GiB commit refused cleanly, arena "
		    "intact\n", __FILE__, __LINE__);
		bump_destroy(b);
		return;
	}
#endif
	ck_assert_ptr_nonnull(p);
	p[0] = 1;
	p[((size_t)60 << 30) - 1] = 2;
	ck_assert_uint_eq(bump_used(b), (size_t)60 << 30);
	errno = 0;
	r = bump_malloc(b, ((size_t)4 << 30) + 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, ENOMEM);
	q = bump_malloc(b, (size_t)4 << 30);
	ck_assert_ptr_nonnull(q);
	q[((size_t)4 << 30) - 1] = 3;
	ck_assert_ptr_eq(q, p + ((size_t)60 << 30));
	ck_assert_uint_eq(bump_used(b), big);
	ck_assert_uint_eq(p[0], 1);
	ck_assert_uint_eq(p[((size_t)60 << 30) - 1], 2);
	bump_destroy(b);
}
END_TEST

START_TEST(test_unknown_flags_einval)
{
	unsigned bit;
	bump_t *b;

	for (bit = 3; bit < 32; bit++) {
		errno = 0;
		b = bump_create(0, 1u << bit);
		ck_assert_msg(b == NULL, "flag 1<<%u accepted", bit);
		ck_assert_int_eq(errno, EINVAL);
		/* Known flags do not make an unknown one acceptable. */
		errno = 0;
		b = bump_create(MiB, BUMP_THREADSAFE | BUMP_HUGEPAGES |
		    (1u << bit));
		ck_assert_msg(b == NULL, "flag 1<<%u accepted", bit);
		ck_assert_int_eq(errno, EINVAL);
	}
	errno = 0;
	b = bump_create(0, ~0u);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	b = bump_create(MiB, ~(unsigned)(BUMP_THREADSAFE | BUMP_HUGEPAGES |
	    BUMP_PREFAULT));
	ck_assert_ptr_null(b);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_known_flags_accepted)
{
	unsigned flags;

	for (flags = 0; flags < 8; flags++) {
		bump_t *b = bump_create(4 * MiB, flags);
		unsigned char *p;

		ck_assert_msg(b != NULL, "flags %u refused", flags);
		ck_assert_uint_eq(bump_capacity(b), 4 * MiB);
		p = bump_malloc(b, 4 * MiB);
		ck_assert_ptr_nonnull(p);
		fill_bytes(p, (int)flags, 4 * MiB);
		ck_assert_uint_eq(p[4 * MiB - 1], flags);
		bump_destroy(b);
	}
}
END_TEST

START_TEST(test_impossible_reserve_enomem)
{
	const size_t ps = page_size();
	const size_t req[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - ps,
	    SIZE_MAX - 2 * ps + 1, SIZE_MAX - 64 * KiB, SIZE_MAX / 2 + 1,
	    SIZE_MAX / 2 };
	const unsigned flags[] = { 0, BUMP_THREADSAFE, BUMP_HUGEPAGES,
	    BUMP_PREFAULT };
	size_t i, j;

	for (i = 0; i < sizeof req / sizeof req[0]; i++)
		for (j = 0; j < sizeof flags / sizeof flags[0]; j++) {
			bump_t *b;

			errno = 0;
			b = bump_create(req[i], flags[j]);
			ck_assert_msg(b == NULL, "reserve %zu (flags %u) "
			    "succeeded", req[i], flags[j]);
			ck_assert_int_eq(errno, ENOMEM);
		}
}
END_TEST

START_TEST(test_hugepages)
{
	bump_t *b = bump_create(0, BUMP_HUGEPAGES);
	unsigned char *p, *q;
	size_t i;

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_capacity(b), BUMP_DEFAULT_RESERVE);
	p = bump_malloc(b, 8 * MiB);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 8 * MiB; i++)
		p[i] = (unsigned char)(i * 7);
	q = bump_aligned_alloc(b, 2 * MiB, 3 * MiB);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((uintptr_t)q % (2 * MiB), 0);
	fill_bytes(q, 0xee, 3 * MiB);
	for (i = 0; i < 8 * MiB; i++)
		if (p[i] != (unsigned char)(i * 7))
			ck_abort_msg("byte %zu changed", i);
	bump_destroy(b);

	/* A reserve that is not a huge page multiple is fine too. */
	b = bump_create(5 * MiB + 3, BUMP_HUGEPAGES | BUMP_THREADSAFE);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_capacity(b), round_up(5 * MiB + 3,
	    page_size()));
	p = bump_malloc(b, bump_capacity(b));
	ck_assert_ptr_nonnull(p);
	fill_bytes(p, 1, bump_capacity(b));
	bump_destroy(b);
}
END_TEST

START_TEST(test_prefault_rss)
{
	long before, after;
	bump_t *b;
	unsigned char *p;

	warm_up();
	before = rss_kib();
	SKIP_UNLESS_RSS(before);
	b = bump_create(8 * MiB, BUMP_PREFAULT);
	ck_assert_ptr_nonnull(b);
	after = rss_kib();
	ck_assert_msg(after - before >= 8192 - 256 &&
	    after - before <= 8192 + 512,
	    "BUMP_PREFAULT 8 MiB arena raised RSS by %ld KiB", after - before);
	/* Using it costs nothing more. */
	p = bump_malloc(b, 8 * MiB);
	ck_assert_ptr_nonnull(p);
	fill_bytes(p, 0x11, 8 * MiB);
	ck_assert_int_le(rss_kib() - after, 256);
	bump_destroy(b);
}
END_TEST

START_TEST(test_plain_small_arena_rss)
{
	long before, after;
	bump_t *b;

	warm_up();
	before = rss_kib();
	SKIP_UNLESS_RSS(before);
	b = bump_create(8 * MiB, 0);
	ck_assert_ptr_nonnull(b);
	after = rss_kib();
	ck_assert_msg(after - before < 256,
	    "plain 8 MiB arena raised RSS by %ld KiB", after - before);
	bump_destroy(b);
}
END_TEST

START_TEST(test_idle_arena_rss)
{
	long before, after;
	bump_t *b;

	warm_up();
	before = rss_kib();
	SKIP_UNLESS_RSS(before);
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	after = rss_kib();
	ck_assert_msg(after - before < 64,
	    "idle 1 GiB arena costs %ld KiB", after - before);
	bump_destroy(b);
}
END_TEST

START_TEST(test_light_use_rss)
{
	long before, after;
	bump_t *b;
	unsigned char *p;

	warm_up();
	before = rss_kib();
	SKIP_UNLESS_RSS(before);
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, MiB);
	ck_assert_ptr_nonnull(p);
	fill_bytes(p, 0x77, MiB);
	after = rss_kib();
	/* >= 1024 - 256: the arena may reuse pages warm_up's arena left cached. */
	ck_assert_msg(after - before >= 1024 - 256 && after - before <= 1536,
	    "1 GiB arena with 1 MiB used costs %ld KiB", after - before);
	bump_destroy(b);
}
END_TEST

START_TEST(test_destroy_returns_rss)
{
	long before, peak, after;
	bump_t *b;
	unsigned char *p;

	warm_up();
	before = rss_kib();
	SKIP_UNLESS_RSS(before);
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, 64 * MiB);
	ck_assert_ptr_nonnull(p);
	fill_bytes(p, 0x42, 64 * MiB);
	peak = rss_kib();
	ck_assert_int_ge(peak - before, 64 * 1024 - 256);
	bump_destroy(b);
	after = rss_kib();
	ck_assert_msg(after - before <= 384,
	    "RSS %ld KiB above the start after destroy", after - before);
}
END_TEST

#ifdef _WIN32
/*
 * Windows charges committed memory against the commit limit at once, so
 * an arena must commit only what it hands out: 64 MiB used of an 8 GiB
 * reserve commits about 64 MiB (one commit step more at most; the arena
 * moved to a reservation of its own), and trim gives it back.
 */
START_TEST(test_commit_follows_use)
{
	const size_t used = 64 * MiB;
	bump_t *b = bump_create(8 * GiB, 0);
	struct bump_stats st;
	unsigned char *p;
	size_t committed;

	ck_assert_ptr_nonnull(b);
	/*
	 * The bookkeeping sits in a chunk of the shared layer, which commits
	 * 4 MiB at a time for all arenas: the arena itself holds nothing yet.
	 */
	ck_assert_int_eq(bump_stats(b, &st), 0);
	ck_assert_uint_eq(st.committed, 0);
	p = bump_malloc(b, used);
	ck_assert_ptr_nonnull(p);
	fill_bytes(p, 0x6b, used);
	committed = committed_bytes(p);
	fprintf(stderr, "%s:%d: 8 GiB arena, 64 MiB used: %zu bytes "
	    "(%.2f MiB) committed\n", __FILE__, __LINE__, committed,
	    (double)committed / (double)MiB);
	ck_assert_uint_ge(committed, used);
	ck_assert_uint_le(committed, used + 2 * MiB);
	bump_reset(b);
	ck_assert_uint_eq(committed_bytes(p), committed);	/* kept */
	ck_assert_int_eq(bump_trim(b), 0);
	ck_assert_uint_le(committed_bytes(p), 64 * KiB);
	bump_destroy(b);
}
END_TEST
#endif

START_TEST(test_destroy_null)
{
	bump_t *b = bump_create(MiB, 0);

	bump_destroy(NULL);
	/* Still alive, and other arenas are unaffected. */
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_capacity(b), MiB);
	bump_destroy(b);
}
END_TEST

START_TEST(test_many_arenas)
{
	enum { N = 64 };
	bump_t *b[N];
	unsigned char *p[N];
	int i, j;

	for (i = 0; i < N; i++) {
		b[i] = bump_create(0, (unsigned)i % 2 ? BUMP_THREADSAFE : 0);
		ck_assert_ptr_nonnull(b[i]);
		p[i] = bump_malloc(b[i], 64 * KiB);
		ck_assert_ptr_nonnull(p[i]);
		fill_bytes(p[i], i, 64 * KiB);
	}
	for (i = 0; i < N; i++) {
		for (j = 0; j < N; j++)
			ck_assert_int_eq(bump_owns(b[i], p[j]), i == j);
		ck_assert_uint_eq(p[i][0], (unsigned)i);
		ck_assert_uint_eq(p[i][64 * KiB - 1], (unsigned)i);
	}
	for (i = 0; i < N; i++)
		bump_destroy(b[i]);
}
END_TEST

/*
 * Guard pages surround an arena's own reservation: the region of a
 * BUMP_THREADSAFE, BUMP_HUGEPAGES or BUMP_PREFAULT arena from the start,
 * and that of a plain arena once it has outgrown 4 MiB chunks.  Small
 * plain arenas live in shared chunks (a million of them fit in RAM) and
 * have no guard pages of their own; bump_owns still ends at the capacity.
 * Writing one byte past the capacity of a reservation faults.
 */
START_TEST(test_overrun_faults)
{
	const size_t ps = page_size();
	const size_t req[] = { ps, 64 * KiB, MiB, 3 * MiB + ps, 4 * MiB };
	const unsigned flags[] = { 0, BUMP_THREADSAFE, BUMP_HUGEPAGES,
	    BUMP_PREFAULT };
	size_t i, j;

	for (i = 0; i < sizeof req / sizeof req[0]; i++)
		for (j = 0; j < sizeof flags / sizeof flags[0]; j++) {
			bump_t *b = bump_create(req[i], flags[j]);
			unsigned char *p;
			size_t cap;

			ck_assert_ptr_nonnull(b);
			cap = bump_capacity(b);
			ck_assert_uint_eq(cap, req[i]);
			p = bump_malloc(b, cap);
			ck_assert_ptr_nonnull(p);
			fill_bytes(p, 0x99, cap);	/* all of it is usable */
			ck_assert_int_eq(bump_owns(b, p + cap - 1), 1);
			ck_assert_int_eq(bump_owns(b, p + cap), 0);
			if (flags[j] == 0 || on_large_page(p)) {
				bump_destroy(b);	/* in a shared chunk */
				continue;
			}
			assert_segv(p + cap);
			assert_segv(p + cap + ps - 1);
			bump_destroy(b);
		}
	/* A plain arena that moved to its own reservation is guarded. */
	for (i = 0; i < sizeof req / sizeof req[0]; i++) {
		size_t cap = 8 * MiB + req[i];
		bump_t *b = bump_create(cap, 0);
		unsigned char *p;

		ck_assert_ptr_nonnull(b);
		whole_arena(b);
		p = bump_malloc(b, cap);
		ck_assert_ptr_nonnull(p);
		fill_bytes(p, 0x99, cap);
		if (!on_large_page(p)) {
			assert_segv(p + cap);
			assert_segv(p + cap + ps - 1);
			assert_segv(p - 1);
		}
		bump_destroy(b);
	}
}
END_TEST

/*
 * The bookkeeping is not reachable by running off the first block
 * downward: it lives in a chunk of its own.  Below a reservation's first
 * block a guard page faults.
 */
START_TEST(test_underrun_faults)
{
	const unsigned flags[] = { 0, BUMP_THREADSAFE, BUMP_HUGEPAGES,
	    BUMP_PREFAULT };
	size_t j;

	for (j = 0; j < sizeof flags / sizeof flags[0]; j++) {
		bump_t *b = bump_create(2 * MiB, flags[j]);
		unsigned char *p;

		ck_assert_ptr_nonnull(b);
		p = bump_malloc(b, 1);
		ck_assert_ptr_nonnull(p);
		*p = 1;
		ck_assert_int_eq(bump_owns(b, p - 1), 0);
		/* Far from the bookkeeping, before it or after it. */
		ck_assert_uint_ge((uintptr_t)p > (uintptr_t)b ?
		    (uintptr_t)p - (uintptr_t)b : (uintptr_t)b - (uintptr_t)p,
		    sizeof(void *) * 32);
		if (flags[j] == 0 || on_large_page(p)) {
			bump_destroy(b);
			continue;
		}
		assert_segv(p - 1);
		assert_segv(p - page_size());
		bump_destroy(b);
	}
}
END_TEST

static Suite *
create_suite(void)
{
	Suite *s = suite_create("create");
	TCase *tc = tcase_new("core");
	TCase *mem = tcase_new("memory");
	TCase *guard = tcase_new("guard");

	tcase_add_test(tc, test_reserve_zero_is_default);
	tcase_add_test(tc, test_reserve_rounded_to_page);
	tcase_add_test(tc, test_reserve_64g);
	tcase_add_test(tc, test_unknown_flags_einval);
	tcase_add_test(tc, test_known_flags_accepted);
	tcase_add_test(tc, test_impossible_reserve_enomem);
	tcase_add_test(tc, test_hugepages);
	tcase_add_test(tc, test_destroy_null);
	tcase_add_test(tc, test_many_arenas);
	suite_add_tcase(s, tc);

	tcase_add_test(mem, test_prefault_rss);
	tcase_add_test(mem, test_plain_small_arena_rss);
	tcase_add_test(mem, test_idle_arena_rss);
	tcase_add_test(mem, test_light_use_rss);
	tcase_add_test(mem, test_destroy_returns_rss);
#ifdef _WIN32
	tcase_add_test(mem, test_commit_follows_use);
#endif
	suite_add_tcase(s, mem);

	tcase_add_test(guard, test_overrun_faults);
	tcase_add_test(guard, test_underrun_faults);
	suite_add_tcase(s, guard);
	return s;
}

TEST_MAIN(create_suite)
