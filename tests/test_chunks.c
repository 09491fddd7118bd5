/*
 * test_chunks.c - the chunk layer (lib/chunks.h) on its own.
 *
 * Like test_fault, this program links its own copy of the layer with the
 * OS layer wrapped by the linker (-Wl,--wrap=...): the wrappers count the
 * OS calls (reuse from the cache must make none), can make them fail
 * (exhaustion, refusal), and make the huge page probe and hint fail the
 * way a chroot without /sys or a kernel without THP does (errno must not
 * change).
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <config.h>	/* BUMP_DEBUG: the layer's own assertions */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <bump_alloc.h>
#include "chunks.h"
#include "os.h"
#include "testutil.h"

/* ---- the wrapped OS layer -------------------------------------------- */

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_madvise(void *p, size_t size, int advice);
int __wrap_madvise(void *p, size_t size, int advice);

static unsigned long os_calls;	/* reserve, commit, decommit, purge */
static int fail_os;		/* make every one of them fail */
static int no_sysfs;		/* open() of /sys fails with ENOENT */
static int no_thp;		/* madvise(MADV_HUGEPAGE) fails with EINVAL */

static int
inject(void)
{
	__atomic_add_fetch(&os_calls, 1, __ATOMIC_RELAXED);
	if (fail_os) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

#include "wrap_os.h"

int
__wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (no_sysfs && strncmp(path, "/sys/", 5) == 0) {
		errno = ENOENT;
		return -1;
	}
	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	return __real_open(path, flags, mode);
}

int
__wrap_madvise(void *p, size_t size, int advice)
{
#ifdef MADV_HUGEPAGE
	if (no_thp && advice == MADV_HUGEPAGE) {
		errno = EINVAL;
		return -1;
	}
#endif
	return __real_madvise(p, size, advice);
}

/* ---- helpers ---------------------------------------------------------- */

#define MIN_SHIFT BUMP_CHUNK_MIN_SHIFT
#define MAX_SHIFT BUMP_CHUNK_MAX_SHIFT

static int
all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != 0)
			return 0;
	return 1;
}

static struct bump_chunks fixed;	/* zeroed static storage */

/* ---- tests ------------------------------------------------------------ */

START_TEST(test_sizes_and_alignment)
{
	struct bump_chunks *pool = bump__chunks_shared();
	void *got[MAX_SHIFT + 1];
	int fresh;

	for (unsigned s = MIN_SHIFT; s <= MAX_SHIFT; s++) {
		size_t size = (size_t)1 << s;

		got[s] = bump__chunk_get(pool, s, &fresh);
		ck_assert_ptr_nonnull(got[s]);
		ck_assert_uint_eq((uintptr_t)got[s] & (size - 1), 0);
		ck_assert_int_eq(fresh, 1);	/* first use in this process */
		ck_assert(all_zero(got[s], size));
		fill_bytes(got[s], (int)s, size);	/* every byte writable */
	}
	/* No two chunks overlap: each still holds its own pattern. */
	for (unsigned s = MIN_SHIFT; s <= MAX_SHIFT; s++) {
		unsigned char *c = got[s];
		size_t size = (size_t)1 << s;

		ck_assert_uint_eq(c[0], s);
		ck_assert_uint_eq(c[size - 1], s);
	}
	for (unsigned s = MIN_SHIFT; s <= MAX_SHIFT; s++)
		bump__chunk_put(pool, got[s], s);
	/* Sizes outside the range are refused. */
	errno = 0;
	ck_assert_ptr_null(bump__chunk_get(pool, MIN_SHIFT - 1, &fresh));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(bump__chunk_get(pool, MAX_SHIFT + 1, &fresh));
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(test_reuse_makes_no_system_call)
{
	struct bump_chunks *pool = bump__chunks_shared();
	unsigned shifts[] = { MIN_SHIFT, 12, 16, MAX_SHIFT };
	int fresh;

	for (unsigned i = 0; i < sizeof shifts / sizeof shifts[0]; i++) {
		unsigned s = shifts[i];
		char *a = bump__chunk_get(pool, s, &fresh), *b;
		unsigned long before;

		ck_assert_ptr_nonnull(a);
		a[0] = 1;
		bump__chunk_put(pool, a, s);
		before = os_calls;
		for (int round = 0; round < 1000; round++) {
			b = bump__chunk_get(pool, s, &fresh);
			ck_assert_ptr_eq(b, a);		/* the cached one */
			ck_assert_int_eq(fresh, 0);	/* it was written */
			b[0] = 1;
			bump__chunk_put(pool, b, s);
		}
		ck_assert_uint_eq(os_calls, before);
	}
}
END_TEST

START_TEST(test_split_halves_are_fresh)
{
	struct bump_chunks *pool = bump__chunks_shared();
	int fresh;
	char *a = bump__chunk_get(pool, 16, &fresh), *b;

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(fresh, 1);
	/* Its buddy was split off a fresh chunk: fresh too, and zero. */
	b = bump__chunk_get(pool, 16, &fresh);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(fresh, 1);
	ck_assert(all_zero(b, (size_t)1 << 16));
	memset(a, 0xa5, (size_t)1 << 16);
	bump__chunk_put(pool, a, 16);
	bump__chunk_put(pool, b, 16);	/* never written: still counts dirty */
	a = bump__chunk_get(pool, 16, &fresh);
	ck_assert_int_eq(fresh, 0);
	bump__chunk_put(pool, a, 16);
}
END_TEST

START_TEST(test_fixed_pool_exhaustion_and_owns)
{
	int fresh, local = 0;	/* an address outside every pool */
	char *a, *b, *c, *d;
	size_t in_use, cached;

	ck_assert_int_eq(bump__chunks_owns(&fixed, &local), 0);	/* unready */
	ck_assert_int_eq(bump__chunks_init_fixed(&fixed, MiB), 0);
	ck_assert_int_eq(bump__chunks_owns(&fixed, &local), 0);
	a = bump__chunk_get(&fixed, 19, &fresh);
	b = bump__chunk_get(&fixed, 19, &fresh);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(fresh, 1);
	ck_assert_int_eq(bump__chunks_owns(&fixed, a), 1);
	ck_assert_int_eq(bump__chunks_owns(&fixed, b + (MiB / 2) - 1), 1);
	errno = 0;
	c = bump__chunk_get(&fixed, MIN_SHIFT, &fresh);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(errno, ENOMEM);
	/* Too big for the pool at all: refused, and nothing changed. */
	errno = 0;
	ck_assert_ptr_null(bump__chunk_get(&fixed, MAX_SHIFT, &fresh));
	ck_assert_int_eq(errno, ENOMEM);
	bump__chunks_usage(&fixed, &in_use, &cached);
	ck_assert_uint_eq(in_use, MiB);
	/* Given back, the same memory serves smaller chunks. */
	bump__chunk_put(&fixed, b, 19);
	c = bump__chunk_get(&fixed, 18, &fresh);
	d = bump__chunk_get(&fixed, 18, &fresh);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(bump__chunks_owns(&fixed, c), 1);
	ck_assert_int_eq(bump__chunks_owns(&fixed, d), 1);
	ck_assert_ptr_null(bump__chunk_get(&fixed, 18, &fresh));
	ck_assert_int_eq(bump__chunks_owns(&fixed, a + MiB), 0);
	ck_assert_int_eq(bump__chunks_owns(&fixed, a - 1), 0);
	ck_assert_int_eq(bump__chunks_owns(&fixed, NULL), 0);
	/* A reservation the OS refuses: -1/ENOMEM. */
	{
		static struct bump_chunks refused;

		fail_os = 1;
		errno = 0;
		ck_assert_int_eq(bump__chunks_init_fixed(&refused, MiB), -1);
		ck_assert_int_eq(errno, ENOMEM);
		fail_os = 0;
		ck_assert_int_eq(bump__chunks_owns(&refused, a), 0);
	}
}
END_TEST

START_TEST(test_os_refusal)
{
	static struct bump_chunks pool;
	int fresh;
	char *a;

	ck_assert_int_eq(bump__chunks_init_fixed(&pool, 8 * MiB), 0);
	fail_os = 1;	/* commit fails: nothing handed out */
	errno = 0;
	ck_assert_ptr_null(bump__chunk_get(&pool, 16, &fresh));
	ck_assert_int_eq(errno, ENOMEM);
	fail_os = 0;
	a = bump__chunk_get(&pool, 16, &fresh);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(fresh, 1);
	ck_assert(all_zero(a, (size_t)1 << 16));
}
END_TEST

START_TEST(test_purge_gives_memory_back)
{
	static struct bump_chunks pool;
	enum { N = 8 };
	char *c[N];
	long before, full, after;
	size_t in_use, cached, given;
	int fresh;

	ck_assert_int_eq(bump__chunks_init_fixed(&pool, 64 * MiB), 0);
	before = rss_kib();
	for (int i = 0; i < N; i++) {
		c[i] = bump__chunk_get(&pool, 20, &fresh);
		ck_assert_ptr_nonnull(c[i]);
		fill_bytes(c[i], 1, MiB);
	}
	for (int i = 0; i < N; i++)
		bump__chunk_put(&pool, c[i], 20);
	bump__chunks_usage(&pool, &in_use, &cached);
	ck_assert_uint_eq(in_use, 0);
	ck_assert_uint_eq(cached, N * MiB);	/* under the bound: kept */
	full = rss_kib();
	given = bump__chunks_purge(&pool);
	/*
	 * They merge into 4 MiB chunks, and each keeps in RAM the page its
	 * header is written into again: the figure says so.
	 */
	ck_assert_uint_eq(given, N * MiB - (N * MiB >> MAX_SHIFT) * page_size());
	bump__chunks_usage(&pool, &in_use, &cached);
	ck_assert_uint_eq(cached, 0);
	after = rss_kib();
	/* Purged chunks come back fresh (zero) and without a new carve. */
	for (int i = 0; i < N; i++) {
		c[i] = bump__chunk_get(&pool, 20, &fresh);
		ck_assert_int_eq(fresh, 1);
		ck_assert(all_zero(c[i], MiB));
	}
	for (int i = 0; i < N; i++)
		bump__chunk_put(&pool, c[i], 20);
	SKIP_UNLESS_RSS(before);
	ck_assert_int_ge(full - before, (long)(N * MiB / KiB) * 7 / 8);
	ck_assert_int_le(after, before + (long)(N * MiB / KiB) / 8);
}
END_TEST

START_TEST(test_cache_is_bounded)
{
	static struct bump_chunks pool;
	enum { N = 2 * (int)(BUMP_CHUNK_CACHE >> MAX_SHIFT) };
	char *c[N];
	size_t in_use, cached;
	long before, after;
	int fresh;

	ck_assert_int_eq(bump__chunks_init_fixed(&pool, (size_t)N << MAX_SHIFT), 0);
	before = rss_kib();
	for (int i = 0; i < N; i++) {
		c[i] = bump__chunk_get(&pool, MAX_SHIFT, &fresh);
		ck_assert_ptr_nonnull(c[i]);
		fill_bytes(c[i], 1, (size_t)1 << MAX_SHIFT);
	}
	for (int i = 0; i < N; i++)
		bump__chunk_put(&pool, c[i], MAX_SHIFT);
	bump__chunks_usage(&pool, &in_use, &cached);
	ck_assert_uint_eq(in_use, 0);
	ck_assert_uint_le(cached, BUMP_CHUNK_CACHE);
	ck_assert_uint_ge(cached, BUMP_CHUNK_CACHE - ((size_t)1 << MAX_SHIFT));
	after = rss_kib();
	SKIP_UNLESS_RSS(before);
	ck_assert_int_le(after - before,
	    (long)((BUMP_CHUNK_CACHE + 4 * MiB) / KiB));
}
END_TEST

/* A pool's own cache_limit: a smaller bound purges past it; SIZE_MAX
 * (the malloc replacement's pool, which purges by age) keeps every chunk
 * put, with its pages, until bump__chunks_purge. */
START_TEST(test_cache_limit_per_pool)
{
	static struct bump_chunks small, unbounded;
	struct bump_chunks *pools[2] = { &small, &unbounded };
	enum { N = 2 * (int)(BUMP_CHUNK_CACHE >> MAX_SHIFT) };
	size_t total = (size_t)N << MAX_SHIFT, in_use, cached;
	char *c[N];
	int fresh;

	small.cache_limit = 8 * MiB;
	unbounded.cache_limit = SIZE_MAX;
	for (int p = 0; p < 2; p++) {
		ck_assert_int_eq(bump__chunks_init_fixed(pools[p], total), 0);
		for (int i = 0; i < N; i++) {
			c[i] = bump__chunk_get(pools[p], MAX_SHIFT, &fresh);
			ck_assert_ptr_nonnull(c[i]);
			fill_bytes(c[i], 1, (size_t)1 << MAX_SHIFT);
		}
		for (int i = 0; i < N; i++)
			bump__chunk_put(pools[p], c[i], MAX_SHIFT);
		bump__chunks_usage(pools[p], &in_use, &cached);
		ck_assert_uint_eq(in_use, 0);
		if (p == 0) {
			ck_assert_uint_le(cached, 8 * MiB);
			ck_assert_uint_ge(cached, 8 * MiB - ((size_t)1 << MAX_SHIFT));
		} else {
			ck_assert_uint_eq(cached, total);
			ck_assert_uint_ge(bump__chunks_purge(pools[p]), total / 2);
			bump__chunks_usage(pools[p], &in_use, &cached);
			ck_assert_uint_eq(cached, 0);
		}
	}
}
END_TEST

START_TEST(test_small_chunks_merge_into_pages)
{
	static struct bump_chunks pool;
	size_t page = page_size(), n = page >> MIN_SHIFT, given, cached;
	char *c[64];
	int fresh;

	ck_assert_uint_le(n, 64);
	ck_assert_int_eq(bump__chunks_init_fixed(&pool, 4 * MiB), 0);
	for (size_t i = 0; i < n; i++) {
		c[i] = bump__chunk_get(&pool, MIN_SHIFT, &fresh);
		ck_assert_ptr_nonnull(c[i]);
		memset(c[i], 0x5a, (size_t)1 << MIN_SHIFT);
	}
	for (size_t i = 0; i < n; i++)	/* out of order on purpose */
		bump__chunk_put(&pool, c[(i * 7) % n], MIN_SHIFT);
	bump__chunks_usage(&pool, NULL, &cached);
	ck_assert_uint_eq(cached, page);
	given = bump__chunks_purge(&pool);
	/*
	 * The page merges with its free buddies (a page, 2 pages, ... 2 MiB,
	 * split off when the first chunk was carved) back into the pool's
	 * 4 MiB chunk.  In RAM were that page and each buddy's header page;
	 * after the purge only the merged chunk's header page is.
	 */
	ck_assert_uint_eq(given, (MAX_SHIFT - bump__log2_floor(page)) * page);
	bump__chunks_usage(&pool, NULL, &cached);
	ck_assert_uint_eq(cached, 0);
}
END_TEST

/*
 * The buddies split off a chunk in use are fresh, only their link in RAM:
 * a purge looks at them but need not purge them, and they come out fresh,
 * every byte zero, the link the layer wrote included.
 */
START_TEST(test_purge_leaves_fresh_chunks_zero)
{
	static struct bump_chunks pool;
	char *held, *c[MAX_SHIFT];
	int fresh;

	ck_assert_int_eq(bump__chunks_init_fixed(&pool, 4 * MiB), 0);
	held = bump__chunk_get(&pool, MIN_SHIFT, &fresh);
	ck_assert_ptr_nonnull(held);
	ck_assert_uint_eq(bump__chunks_purge(&pool), 0);	/* nothing written */
	for (unsigned s = MIN_SHIFT; s < MAX_SHIFT; s++) {
		c[s] = bump__chunk_get(&pool, s, &fresh);
		ck_assert_ptr_nonnull(c[s]);
		ck_assert_int_eq(fresh, 1);
		ck_assert_msg(all_zero(c[s], (size_t)1 << s),
		    "a fresh chunk of 2^%u bytes is not zero", s);
	}
	for (unsigned s = MIN_SHIFT; s < MAX_SHIFT; s++)
		bump__chunk_put(&pool, c[s], s);
	bump__chunk_put(&pool, held, MIN_SHIFT);
}
END_TEST

struct worker {
	struct bump_chunks *pool;
	unsigned seed;
	int ok;
	int cached;	/* through the thread's cache: take and give */
};

static void *
hammer(void *arg)
{
	struct worker *w = arg;
	char *held[16] = { NULL };
	unsigned shift[16] = { 0 };

	w->ok = 1;
	for (int i = 0; i < 20000; i++) {
		unsigned slot = (w->seed = w->seed * 1103515245u + 12345u) >> 16 & 15;
		int fresh;

		if (held[slot] != NULL) {
			/* Still ours: nobody else wrote into it. */
			if ((unsigned char)held[slot][1] != (slot ^ 0x80) ||
			    (unsigned char)held[slot][((size_t)1 << shift[slot]) - 1] !=
			    (slot ^ 0x40))
				w->ok = 0;
			if (w->cached)
				bump__chunk_give(held[slot], shift[slot]);
			else
				bump__chunk_put(w->pool, held[slot], shift[slot]);
			held[slot] = NULL;
			continue;
		}
		shift[slot] = MIN_SHIFT + (w->seed >> 8) % 9;
		held[slot] = w->cached ? bump__chunk_take(shift[slot], &fresh) :
		    bump__chunk_get(w->pool, shift[slot], &fresh);
		if (held[slot] == NULL) {
			w->ok = 0;
			break;
		}
		if (fresh && !all_zero(held[slot], (size_t)1 << shift[slot]))
			w->ok = 0;
		held[slot][1] = (char)(slot ^ 0x80);
		held[slot][((size_t)1 << shift[slot]) - 1] = (char)(slot ^ 0x40);
	}
	for (unsigned slot = 0; slot < 16; slot++)
		if (held[slot] != NULL)
			bump__chunk_put(w->pool, held[slot], shift[slot]);
	return NULL;
}

/*
 * Threads hammer the pool with gets and puts (or takes and gives through
 * their caches); once they have exited, nothing is in use: a thread's
 * cache went back to the pool when it exited.
 */
static void
run_threads(struct bump_chunks *pool, int cached)
{
	enum { T = 4 };
	pthread_t t[T];
	struct worker w[T];
	size_t in_use;

	for (unsigned i = 0; i < T; i++) {
		w[i].pool = pool;
		w[i].cached = cached;
		w[i].seed = i * 7919u + 1;
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
	}
	for (unsigned i = 0; i < T; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_int_eq(w[i].ok, 1);
	}
	bump__chunks_usage(pool, &in_use, NULL);
	ck_assert_uint_eq(in_use, 0);
}

START_TEST(test_threads_shared)
{
	run_threads(bump__chunks_shared(), 0);
}
END_TEST

START_TEST(test_threads_fixed)
{
	static struct bump_chunks pool;

	ck_assert_int_eq(bump__chunks_init_fixed(&pool, 256 * MiB), 0);
	run_threads(&pool, 0);
}
END_TEST

static int stop_forking;

static void *
churn(void *arg)
{
	struct bump_chunks *pool = arg;
	int fresh;

	while (!__atomic_load_n(&stop_forking, __ATOMIC_RELAXED)) {
		for (unsigned s = MIN_SHIFT; s <= 16; s++) {
			void *p = bump__chunk_get(pool, s, &fresh);

			if (p != NULL)
				bump__chunk_put(pool, p, s);
		}
	}
	return NULL;
}

START_TEST(test_fork_child_keeps_working)
{
	struct bump_chunks *pool = bump__chunks_shared();
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, churn, pool), 0);
	for (int i = 0; i < 50; i++) {
		int status;
		pid_t pid = fork();

		ck_assert_int_ne(pid, -1);
		if (pid == 0) {
			int fresh, ok = 1;

			/* The other thread is gone; its locks must not be held. */
			for (unsigned s = MIN_SHIFT; s <= MAX_SHIFT; s++) {
				char *p = bump__chunk_get(pool, s, &fresh);

				if (p == NULL) {
					ok = 0;
					break;
				}
				p[0] = 1;
				bump__chunk_put(pool, p, s);
			}
			(void)bump__chunks_purge(pool);
			_exit(ok ? 0 : 1);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	__atomic_store_n(&stop_forking, 1, __ATOMIC_RELAXED);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
}
END_TEST

START_TEST(test_errno_untouched_on_success)
{
	struct bump_chunks *pool = bump__chunks_shared();
	static struct bump_chunks small;
	int fresh;
	void *p;

	errno = 1234;
	p = bump__chunk_get(pool, 20, &fresh);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(errno, 1234);
	bump__chunk_put(pool, p, 20);
	ck_assert_int_eq(errno, 1234);
	(void)bump__chunks_purge(pool);
	ck_assert_int_eq(errno, 1234);
	/* A fixed pool's larger classes are exhausted first: errno stays. */
	ck_assert_int_eq(bump__chunks_init_fixed(&small, 64 * KiB), 0);
	ck_assert_int_eq(errno, 1234);
	p = bump__chunk_get(&small, MIN_SHIFT, &fresh);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(errno, 1234);
}
END_TEST

START_TEST(test_errno_untouched_by_failing_probes)
{
	void *p = bump__os_reserve(4 * MiB);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(bump__os_commit(p, 4 * MiB), 0);
	no_sysfs = 1;
	no_thp = 1;
	errno = 1234;
	(void)bump__os_huge_page_size();	/* the sysfs file is missing */
	ck_assert_int_eq(errno, 1234);
	bump__os_hugepage_hint(p, 4 * MiB);	/* the kernel says EINVAL */
	ck_assert_int_eq(errno, 1234);
	(void)bump__os_page_size();
	(void)bump__os_granularity();
	ck_assert_int_eq(errno, 1234);
	bump__os_release(p, 4 * MiB);
}
END_TEST

/*
 * Arenas over the layer: once the cache is warm, creating arenas, using
 * them (across several chunks), resetting and destroying them makes no
 * system call at all.
 */
static void
arena_rotation(int rounds)
{
	enum { LIVE = 100 };
	bump_t *live[LIVE] = { NULL };

	for (int r = 0; r < rounds; r++) {
		int i = r % LIVE;

		bump_destroy(live[i]);
		live[i] = bump_create(0, 0);
		ck_assert_ptr_nonnull(live[i]);
		for (int k = 0; k < 100; k++)
			ck_assert_ptr_nonnull(bump_malloc(live[i],
			    16 + (size_t)(r * 31 + k * 7) % 64));
		if (r % 10 == 0) {
			ck_assert_ptr_nonnull(bump_malloc(live[i], 100000));
			bump_reset(live[i]);
		}
	}
	for (int i = 0; i < LIVE; i++)
		bump_destroy(live[i]);
}

START_TEST(test_arenas_steady_state_no_system_call)
{
	unsigned long before;

	arena_rotation(2000);	/* warm the cache */
	before = os_calls;
	arena_rotation(20000);
	ck_assert_uint_eq(os_calls, before);
}
END_TEST

/* ---- each thread's cache (lib/chunks_thread.c) -------------------------- */

START_TEST(test_thread_cache_reuses_untouched)
{
	unsigned char *c = bump__chunk_take(12, &(int){ 0 }), *again;
	unsigned long before;
	int fresh = 1;

	ck_assert_ptr_nonnull(c);
	fill_bytes(c, 0xab, 4096);
	bump__chunk_give(c, 12);
	before = os_calls;
	again = bump__chunk_take(12, &fresh);
	/* The same chunk, with no OS call, no list link written into it. */
	ck_assert_ptr_eq(again, c);
	ck_assert_int_eq(fresh, 0);
	ck_assert_uint_eq(os_calls, before);
	for (size_t i = 0; i < 4096; i++)
		ck_assert_uint_eq(again[i], 0xab);
	bump__chunk_give(again, 12);
}
END_TEST

START_TEST(test_thread_cache_is_bounded)
{
	enum { N = 20, KEPT = 8 };
	void *c[N];
	size_t before, after;
	int fresh;

	for (int i = 0; i < N; i++)
		ck_assert_ptr_nonnull(c[i] = bump__chunk_take(MIN_SHIFT, &fresh));
	bump__chunks_usage(bump__chunks_shared(), NULL, &before);
	for (int i = 0; i < N; i++)
		bump__chunk_give(c[i], MIN_SHIFT);
	/* At most KEPT stay with the thread: the rest are the pool's again. */
	bump__chunks_usage(bump__chunks_shared(), NULL, &after);
	ck_assert_uint_ge(after - before, (size_t)(N - KEPT) << MIN_SHIFT);
	ck_assert_uint_le(after - before, (size_t)N << MIN_SHIFT);
	/* Flushing gives the rest back, and the cache's own 512 bytes. */
	bump__chunks_flush_thread();
	bump__chunks_usage(bump__chunks_shared(), NULL, &after);
	ck_assert_uint_eq(after - before, ((size_t)N << MIN_SHIFT) + 512);
}
END_TEST

START_TEST(test_threads_cached)
{
	run_threads(bump__chunks_shared(), 1);
}
END_TEST

/* A chunk a thread kept is the pool's once the thread has exited. */
static void *
keep_one(void *arg)
{
	void **c = arg;
	int fresh;

	*c = bump__chunk_take(12, &fresh);
	if (*c != NULL)
		bump__chunk_give(*c, 12);	/* stays in this thread's cache */
	return NULL;
}

START_TEST(test_exited_thread_gives_cache_back)
{
	pthread_t t;
	void *kept = NULL, *got;
	int fresh;

	ck_assert_int_eq(pthread_create(&t, NULL, keep_one, &kept), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_ptr_nonnull(kept);
	/* Straight from the pool's list, past this thread's own cache. */
	got = bump__chunk_get(bump__chunks_shared(), 12, &fresh);
	ck_assert_ptr_eq(got, kept);
	bump__chunk_put(bump__chunks_shared(), got, 12);
}
END_TEST

/* An arena of about 5 KiB in 100 blocks: an arena per request. */
static bump_t *
request_arena(void)
{
	bump_t *b = bump_create(0, 0);

	ck_assert_ptr_nonnull(b);
	for (int k = 0; k < 100; k++)
		ck_assert_ptr_nonnull(bump_malloc(b, 16 + (size_t)(k * 7) % 64));
	return b;
}

START_TEST(test_arena_per_request_starts_in_one_chunk)
{
	bump_t *b;

	(void)bump_purge();	/* nothing remembered */
	b = request_arena();
	ck_assert_uint_ge(stats_of(b).blocks, 3);	/* 256 B, 1 KiB, 4 KiB... */
	bump_destroy(b);
	for (int i = 0; i < 10; i++) {
		b = request_arena();
		ck_assert_uint_eq(stats_of(b).blocks, 1);
		ck_assert_uint_eq(stats_of(b).committed, 8 * KiB);
		bump_destroy(b);
	}
}
END_TEST

START_TEST(test_only_creating_starts_small_again)
{
	bump_t *b, *small[3];

	(void)bump_purge();
	bump_destroy(request_arena());	/* one arena died: one credit */
	for (int i = 0; i < 3; i++) {
		small[i] = bump_create(0, 0);
		ck_assert_ptr_nonnull(bump_malloc(small[i], 100));
	}
	ck_assert_uint_eq(stats_of(small[0]).committed, 8 * KiB);
	ck_assert_uint_eq(stats_of(small[1]).committed, 256);
	ck_assert_uint_eq(stats_of(small[2]).committed, 256);
	for (int i = 0; i < 3; i++)
		bump_destroy(small[i]);
	/* bump_purge forgets what the thread remembered. */
	bump_destroy(request_arena());
	(void)bump_purge();
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(bump_malloc(b, 100));
	ck_assert_uint_eq(stats_of(b).committed, 256);
	bump_destroy(b);
	/* The size remembered is at most 16 KiB. */
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(bump_malloc(b, 1000000));
	bump_destroy(b);
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(bump_malloc(b, 100));
	ck_assert_uint_eq(stats_of(b).committed, 16 * KiB);
	bump_destroy(b);
}
END_TEST

/* However many arenas died, at most 1024 new ones start big. */
START_TEST(test_remembered_arenas_are_bounded)
{
	enum { N = 2000, CREDITS = 1024 };
	static bump_t *b[N];
	size_t big = 0;

	(void)bump_purge();
	for (int i = 0; i < N; i++)
		b[i] = request_arena();
	for (int i = 0; i < N; i++)
		bump_destroy(b[i]);
	for (int i = 0; i < N; i++) {
		b[i] = bump_create(0, 0);
		ck_assert_ptr_nonnull(bump_malloc(b[i], 100));
		big += stats_of(b[i]).committed > 256;
	}
	ck_assert_uint_eq(big, CREDITS);
	for (int i = 0; i < N; i++)
		bump_destroy(b[i]);
}
END_TEST

#ifdef BUMP_DEBUG
/* ---- debug builds (--enable-debug): a bad chunk given back aborts ------ */

START_TEST(test_debug_put_misaligned_aborts)
{
	int fresh;
	char *c = bump__chunk_get(bump__chunks_shared(), 12, &fresh);

	ck_assert_ptr_nonnull(c);
	/* c + 256 is not aligned to 512 bytes. */
	bump__chunk_put(bump__chunks_shared(), c + 256, 9);
}
END_TEST

START_TEST(test_debug_put_outside_spans_aborts)
{
	static _Alignas(4096) char outside[4096];

	bump__chunk_put(bump__chunks_shared(), outside, 12);
}
END_TEST
#endif

static Suite *
chunks_suite(void)
{
	Suite *s = suite_create("chunks");
	TCase *tc = tcase_new("chunks");

	tcase_add_test(tc, test_sizes_and_alignment);
	tcase_add_test(tc, test_reuse_makes_no_system_call);
	tcase_add_test(tc, test_split_halves_are_fresh);
	tcase_add_test(tc, test_fixed_pool_exhaustion_and_owns);
	tcase_add_test(tc, test_os_refusal);
	tcase_add_test(tc, test_purge_gives_memory_back);
	tcase_add_test(tc, test_purge_leaves_fresh_chunks_zero);
	tcase_add_test(tc, test_cache_is_bounded);
	tcase_add_test(tc, test_cache_limit_per_pool);
	tcase_add_test(tc, test_small_chunks_merge_into_pages);
	tcase_add_test(tc, test_threads_shared);
	tcase_add_test(tc, test_threads_fixed);
	tcase_add_test(tc, test_fork_child_keeps_working);
	tcase_add_test(tc, test_errno_untouched_on_success);
	tcase_add_test(tc, test_errno_untouched_by_failing_probes);
	tcase_add_test(tc, test_arenas_steady_state_no_system_call);
	tcase_add_test(tc, test_thread_cache_reuses_untouched);
	tcase_add_test(tc, test_thread_cache_is_bounded);
	tcase_add_test(tc, test_threads_cached);
	tcase_add_test(tc, test_exited_thread_gives_cache_back);
	tcase_add_test(tc, test_arena_per_request_starts_in_one_chunk);
	tcase_add_test(tc, test_only_creating_starts_small_again);
	tcase_add_test(tc, test_remembered_arenas_are_bounded);
#ifdef BUMP_DEBUG
	tcase_add_test_raise_signal(tc, test_debug_put_misaligned_aborts,
	    SIGABRT);
	tcase_add_test_raise_signal(tc, test_debug_put_outside_spans_aborts,
	    SIGABRT);
#endif
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(chunks_suite)
