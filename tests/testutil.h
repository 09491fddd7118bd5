/*
 * testutil.h - small helpers shared by the Check suites.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef BUMP_TESTUTIL_H
#define BUMP_TESTUTIL_H

#include <check.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _WIN32
# include <windows.h>
# include <psapi.h>
#endif
#ifdef __linux__
# include <fcntl.h>
#endif

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

/* The fundamental alignment the arena promises (16 on x86-64). */
#define MAX_ALIGN ((size_t)alignof(max_align_t))

/* Natural alignment of a block of n bytes: min(MAX_ALIGN, pow2ceil(n)). */
static inline size_t
natural_align(size_t n)
{
	size_t a = 1;

	while (a < n && a < MAX_ALIGN)
		a <<= 1;
	return a;
}

/* Every test case gets a generous time limit. */
#define TEST_TIMEOUT 30

/*
 * Resident set size of this process in KiB (VmRSS of /proc/self/status;
 * the working set on Windows), or -1 where that is unavailable.  Reads with open/read into a stack
 * buffer so that measuring does not itself allocate.  VmRSS counts file
 * pages too, so code run for the first time (this function included)
 * raises it: warm the code paths up before taking a baseline.
 */
static inline long
rss_kib_once(void)
{
#ifdef __linux__
	char buf[8192];
	size_t len = 0;
	ssize_t n;
	const char *p;
	int fd = open("/proc/self/status", O_RDONLY);

	if (fd < 0)
		return -1;
	while (len < sizeof buf - 1 &&
	    (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	p = strstr(buf, "VmRSS:");
	if (p == NULL)
		return -1;
	return strtol(p + 6, NULL, 10);
#elif defined(_WIN32)
	PROCESS_MEMORY_COUNTERS pmc;

	pmc.cb = sizeof pmc;
	if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
		return -1;
	return (long)(pmc.WorkingSetSize / 1024);
#else
	return -1;
#endif
}

/*
 * Is the library watched by a tool (ASan here, or memcheck under make
 * check-valgrind)?  Then its arenas send every call through its hooks.
 */
static inline int
arena_watched(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
	return 1;
# endif
#endif
	return getenv("BUMP_TEST_VALGRIND") != NULL;
}

/*
 * Under memcheck (make check-valgrind sets BUMP_TEST_VALGRIND),
 * AddressSanitizer or ThreadSanitizer (shadow memory) the RSS figures and
 * the huge reserves some tests make mean nothing.
 */
static inline int
under_memory_tool(void)
{
#if defined(__SANITIZE_THREAD__)
	return 1;
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
	return 1;
# endif
#endif
	return arena_watched();
}

static inline long
rss_kib(void)
{
	static int warm;

	if (under_memory_tool())
		return -1;
	if (!warm) {
		warm = 1;
		(void)rss_kib_once();
	}
	return rss_kib_once();
}

/*
 * memset that the compiler cannot drop: the allocation functions carry
 * the malloc attribute, so stores into a block never read again are dead
 * as far as the optimiser knows, and RSS tests need them to happen.
 */
static void *(*const volatile fill_bytes_)(void *, int, size_t) = memset;
#define fill_bytes(p, c, n) ((void)fill_bytes_((p), (c), (n)))

/* Skip the rest of a test (with one line on stderr) when RSS is unknown. */
#define SKIP_UNLESS_RSS(v) do {						\
	if ((v) < 0) {							\
		fprintf(stderr, "%s:%d: VmRSS unavailable (or under "	\
		    "ASan/Valgrind), RSS check skipped\n", __FILE__, __LINE__);			\
		return;							\
	}								\
} while (0)

static inline size_t
page_size(void)
{
#ifdef _WIN32
	SYSTEM_INFO info;

	GetSystemInfo(&info);
	return info.dwPageSize;
#else
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096;
#endif
}

/* n, hidden from the optimiser (keeps -Walloc-size-larger-than quiet). */
static inline size_t
opaque_size(size_t n)
{
	volatile size_t v = n;

	return v;
}

/* Address comparisons (Check only has ==, != and NULL tests for pointers). */
#define assert_addr_gt(X, Y) \
	ck_assert_uint_gt((uintptr_t)(const void *)(X), (uintptr_t)(const void *)(Y))
#define assert_addr_ge(X, Y) \
	ck_assert_uint_ge((uintptr_t)(const void *)(X), (uintptr_t)(const void *)(Y))

/*
 * Blocks are contiguous only inside one block of an arena: a chunk (256
 * bytes to 4 MiB) or, once the arena has outgrown 4 MiB chunks, its own
 * reservation; bump_reset keeps the newest block (see bump_create(3)).
 * whole_arena(b) makes b one contiguous block, as it was before the chunk
 * layer: a chunk holding the whole reserve when that is at most 4 MiB,
 * else the arena's own reservation (guard pages included).  Tests that
 * pin exact placement over more than one chunk start with it.
 */
#ifdef BUMP_ALLOC_H
#define ONE_CHUNK_MAX ((size_t)4 << 20)
static inline void
whole_arena(bump_t *b)
{
	size_t cap = bump_capacity(b);

	ck_assert_ptr_nonnull(bump_malloc(b, cap <= ONE_CHUNK_MAX ? cap :
	    ONE_CHUNK_MAX + 1));
	bump_reset(b);
	ck_assert_uint_eq(bump_used(b), 0);
}

/* b's statistics (bump_stats(3)), which must be there. */
static inline struct bump_stats
stats_of(const bump_t *b)
{
	struct bump_stats st;

	ck_assert_int_eq(bump_stats(b, &st), 0);
	return st;
}

/*
 * bump_vasprintf and bump_grow_vprintf called the way a user's own
 * variadic wrapper calls them (format-checked: mingw's C99 printf there).
 */
#if defined(__MINGW32__)
# define TEST_PRINTF_(f, a) __attribute__((format(gnu_printf, f, a)))
#elif defined(__GNUC__)
# define TEST_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#else
# define TEST_PRINTF_(f, a)
#endif
static inline char *call_vasprintf(bump_t *b, const char *fmt, ...)
	TEST_PRINTF_(2, 3);
static inline int call_vprintf(bump_grow_t *g, const char *fmt, ...)
	TEST_PRINTF_(2, 3);

static inline char *
call_vasprintf(bump_t *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = bump_vasprintf(b, fmt, ap);
	va_end(ap);
	return s;
}

static inline int
call_vprintf(bump_grow_t *g, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = bump_grow_vprintf(g, fmt, ap);
	va_end(ap);
	return rc;
}
#endif

/* A test case with the suites' common time limit. */
static inline TCase *
tcase_new(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, TEST_TIMEOUT);
	return tc;
}

/* main(): run the suite built by suite_fn(), fail if any test failed. */
#define TEST_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	SRunner *sr_ = srunner_create(suite_fn());			\
	int failed_;							\
									\
	srunner_run_all(sr_, CK_NORMAL);				\
	failed_ = srunner_ntests_failed(sr_);				\
	srunner_free(sr_);						\
	return failed_ ? EXIT_FAILURE : EXIT_SUCCESS;			\
}

#endif /* BUMP_TESTUTIL_H */
