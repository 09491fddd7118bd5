/*
 * test_strings.c - bump_strdup, bump_strndup, bump_memdup, bump_asprintf
 * and bump_vasprintf.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#ifndef _WIN32
# include <sys/mman.h>
#endif
#include <wchar.h>

#include <bump_alloc.h>
#include "testutil.h"

static bump_t *
fresh(size_t reserve)
{
	bump_t *b = bump_create(reserve, 0);

	ck_assert_ptr_nonnull(b);
	return b;
}

START_TEST(test_strdup)
{
	bump_t *b = fresh(0);
	const char *src = "hello, arena";
	char *s, *e;

	s = bump_strdup(b, src);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_ne(s, src);
	ck_assert_str_eq(s, src);
	ck_assert_uint_eq(strlen(s), strlen(src));
	ck_assert_int_eq(bump_owns(b, s), 1);
	ck_assert_uint_eq(bump_used(b), strlen(src) + 1);

	e = bump_strdup(b, "");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_ne(e, s);
	ck_assert_str_eq(e, "");
	ck_assert_int_eq(bump_owns(b, e), 1);
	ck_assert_uint_eq(bump_used(b), strlen(src) + 2);
	ck_assert_str_eq(s, src);		/* not disturbed */
	bump_destroy(b);
}
END_TEST

START_TEST(test_strndup)
{
	bump_t *b = fresh(0);
	const char embedded[] = "ab\0cd";
	char *s;
	size_t used;

	s = bump_strndup(b, "hello", 3);	/* shorter n */
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "hel");
	ck_assert_uint_eq(bump_used(b), 4);	/* only what it keeps */
	ck_assert_int_eq(bump_owns(b, s), 1);

	bump_reset(b);
	s = bump_strndup(b, "hello", 100);	/* longer n */
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "hello");
	ck_assert_uint_eq(bump_used(b), 6);

	s = bump_strndup(b, "hello", 5);	/* exact */
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "hello");

	s = bump_strndup(b, "hello", SIZE_MAX);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "hello");

	used = bump_used(b);
	s = bump_strndup(b, "hello", 0);	/* n = 0 */
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(bump_used(b), used + 1);
	ck_assert_int_eq(bump_owns(b, s), 1);

	s = bump_strndup(b, embedded, sizeof embedded);	/* stops at NUL */
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "ab");
	ck_assert_uint_eq(strlen(s), 2);
	bump_destroy(b);
}
END_TEST

/* strndup reads at most n bytes: the byte after them is unreadable. */
START_TEST(test_strndup_reads_at_most_n)
{
	const size_t ps = page_size();
	bump_t *b = fresh(0);
	char *page, *src, *s;
	int rc;

#ifdef _WIN32
	DWORD old;

	page = VirtualAlloc(NULL, 2 * ps, MEM_RESERVE | MEM_COMMIT,
	    PAGE_READWRITE);
	ck_assert_ptr_nonnull(page);
	rc = !VirtualProtect(page + ps, ps, PAGE_NOACCESS, &old);
#else
	page = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(page, MAP_FAILED);
	rc = mprotect(page + ps, ps, PROT_NONE);
#endif
	ck_assert_int_eq(rc, 0);
	src = page + ps - 4;
	memcpy(src, "wxyz", 4);			/* no NUL before the guard */
	s = bump_strndup(b, src, 4);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "wxyz");
	s = bump_strndup(b, src, 2);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "wx");
	s = bump_memdup(b, src, 4);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(memcmp(s, "wxyz", 4), 0);
#ifdef _WIN32
	VirtualFree(page, 0, MEM_RELEASE);
#else
	munmap(page, 2 * ps);
#endif
	bump_destroy(b);
}
END_TEST

START_TEST(test_memdup)
{
	bump_t *b = fresh(0);
	unsigned char src[1000];
	unsigned char *p, *z, *z2;
	size_t i;

	for (i = 0; i < sizeof src; i++)
		src[i] = (unsigned char)(i * 13 + 5);
	p = bump_memdup(b, src, sizeof src);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_ne(p, src);
	ck_assert_int_eq(memcmp(p, src, sizeof src), 0);
	ck_assert_int_eq(bump_owns(b, p), 1);
	ck_assert_uint_eq((uintptr_t)p % 16, 0);	/* like bump_malloc */
	ck_assert_uint_eq(bump_used(b), sizeof src);

	z = bump_memdup(b, src, 0);
	ck_assert_ptr_nonnull(z);
	z2 = bump_memdup(b, src, 0);
	ck_assert_ptr_nonnull(z2);
	ck_assert_ptr_ne(z, z2);
	ck_assert_int_eq(bump_owns(b, z), 1);
	z = bump_memdup(b, NULL, 0);		/* nothing to read */
	ck_assert_ptr_nonnull(z);
	ck_assert_ptr_ne(z, z2);
	ck_assert_int_eq(memcmp(p, src, sizeof src), 0);
	bump_destroy(b);
}
END_TEST

START_TEST(test_asprintf_formats)
{
	bump_t *b = fresh(0);
	char want[512];
	char *s;
	int n;
	void *ptr = &n;
	long long big = -1234567890123LL;

#define SAME_AS_SNPRINTF(...) do {					\
	n = snprintf(want, sizeof want, __VA_ARGS__);			\
	ck_assert_int_gt(n, 0);						\
	ck_assert_int_lt(n, (int)sizeof want);				\
	s = bump_asprintf(b, __VA_ARGS__);				\
	ck_assert_ptr_nonnull(s);					\
	ck_assert_str_eq(s, want);					\
	ck_assert_int_eq(bump_owns(b, s), 1);				\
	s = call_vasprintf(b, __VA_ARGS__);				\
	ck_assert_ptr_nonnull(s);					\
	ck_assert_str_eq(s, want);					\
} while (0)

	SAME_AS_SNPRINTF("plain text");
	SAME_AS_SNPRINTF("%d|%i|%u|%x|%X|%o", -42, 17, 4000000000u, 0xbeefu,
	    0xcafeu, 0755u);
	SAME_AS_SNPRINTF("%ld|%lld|%lu|%llx", -9L, big, 123456789UL,
	    0x123456789abcdefULL);
	SAME_AS_SNPRINTF("%zu|%zd|%jd|%td|%hhd|%hd", (size_t)SIZE_MAX,
	    (ssize_t)-5, (intmax_t)INTMAX_MIN, (ptrdiff_t)-77, (signed char)-3,
	    (short)-300);
	SAME_AS_SNPRINTF("%c%c%c|%s|%.3s|%10s|%-10s|", 'a', 'b', 'c', "str",
	    "truncated", "right", "left");
	SAME_AS_SNPRINTF("%f|%.2f|%e|%g|%G|%a|%10.4f", 3.14159, 2.71828,
	    6.02e23, 0.0001, 1e-10, 1.0, -1.5);
	SAME_AS_SNPRINTF("%5d|%-5d|%05d|%+d|% d|%*d|%.*f", 42, 42, 42, 42, 42,
	    8, 7, 3, 1.23456);
	SAME_AS_SNPRINTF("%p|%%|%#x|%#o", ptr, 255u, 8u);
	SAME_AS_SNPRINTF("%s%s%s", "", "", "x");

	/* An empty result is a one-byte string. */
	{
		size_t used = bump_used(b);
		const char *empty = "";

		s = bump_asprintf(b, "%s", empty);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s, "");
		ck_assert_uint_eq(bump_used(b), used + 1);
	}
#undef SAME_AS_SNPRINTF
	bump_destroy(b);
}
END_TEST

START_TEST(test_asprintf_large)
{
	const size_t n = 100 * KiB;
	bump_t *b = fresh(0);
	char *big = malloc(n + 1);
	char *s;
	size_t i;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\0';

	s = bump_asprintf(b, "<%s|%d>", big, 42);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), n + 5);
	ck_assert_uint_eq(bump_used(b), n + 6);
	ck_assert_int_eq(s[0], '<');
	ck_assert_int_eq(memcmp(s + 1, big, n), 0);
	ck_assert_str_eq(s + 1 + n, "|42>");

	bump_reset(b);
	s = call_vasprintf(b, "%0*d", (int)n, 7);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), n);
	ck_assert_uint_eq(bump_used(b), n + 1);
	for (i = 0; i + 1 < n; i++)
		if (s[i] != '0')
			ck_abort_msg("byte %zu is %d", i, s[i]);
	ck_assert_int_eq(s[n - 1], '7');

	s = bump_strdup(b, big);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, big);
	s = bump_memdup(b, big, n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, big);
	free(big);
	bump_destroy(b);
}
END_TEST

START_TEST(test_null_arguments)
{
	bump_t *b = fresh(0);
	const char *volatile nullstr = NULL;
	const char *volatile nullfmt = NULL;
	void *r;

	r = bump_malloc(b, 3);			/* used is not 0 */
	ck_assert_ptr_nonnull(r);

	/* NULL arena */
	errno = 0;
	r = bump_strdup(NULL, "x");
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_strndup(NULL, "x", 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_memdup(NULL, "x", 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_memdup(NULL, "x", 0);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_asprintf(NULL, "%d", 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = call_vasprintf(NULL, "%d", 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);

	/* NULL source or format */
	errno = 0;
	r = bump_strdup(b, nullstr);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_strndup(b, nullstr, 5);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_memdup(b, nullstr, 5);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
#if defined(__GNUC__)
# pragma GCC diagnostic push
# pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
	errno = 0;
	r = bump_asprintf(b, nullfmt, 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = call_vasprintf(b, nullfmt, 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
#if defined(__GNUC__)
# pragma GCC diagnostic pop
#endif
	ck_assert_uint_eq(bump_used(b), 3);
	bump_destroy(b);
}
END_TEST

START_TEST(test_exhaustion)
{
	const size_t n = 8 * KiB;
	bump_t *b = fresh(4 * KiB);
	char *big = malloc(n + 1);
	char *s;
	size_t used, room;

	ck_assert_ptr_nonnull(big);
	memset(big, 'q', n);
	big[n] = '\0';
	ck_assert_uint_eq(bump_capacity(b), 4 * KiB);
	s = bump_strdup(b, "fifteen chars..");
	ck_assert_ptr_nonnull(s);
	used = bump_used(b);
	ck_assert_uint_eq(used, 16);	/* the rest starts 16-aligned */

#define FAILS_ENOMEM(expr) do {						\
	errno = 0;							\
	s = (expr);							\
	ck_assert_ptr_null(s);						\
	ck_assert_int_eq(errno, ENOMEM);				\
	ck_assert_uint_eq(bump_used(b), used);				\
} while (0)

	FAILS_ENOMEM(bump_strdup(b, big));
	FAILS_ENOMEM(bump_strndup(b, big, n));
	FAILS_ENOMEM(bump_strndup(b, big, 5000));
	FAILS_ENOMEM(bump_memdup(b, big, n));
	FAILS_ENOMEM(bump_asprintf(b, "%s", big));
	FAILS_ENOMEM(call_vasprintf(b, "%s", big));
	FAILS_ENOMEM(bump_asprintf(b, "%5000d", 1));

	/* Exactly at the edge: room - 1 characters fit, room do not. */
	room = bump_capacity(b) - used;
	FAILS_ENOMEM(bump_asprintf(b, "%.*s", (int)room, big));
	FAILS_ENOMEM(bump_strndup(b, big, room));
	s = bump_asprintf(b, "%.*s", (int)room - 1, big);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), room - 1);
	ck_assert_uint_eq(bump_used(b), bump_capacity(b));
	used = bump_used(b);
	FAILS_ENOMEM(bump_strdup(b, ""));
	FAILS_ENOMEM(bump_asprintf(b, "%s", ""));
#undef FAILS_ENOMEM

	/* After a reset a small string fits again. */
	bump_reset(b);
	s = bump_strndup(b, big, 4 * KiB - 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), 4 * KiB - 1);
	free(big);
	bump_destroy(b);
}
END_TEST

#if defined(__GLIBC__) || defined(_WIN32)
/* A format vsnprintf cannot convert: NULL, its errno, nothing used. */
START_TEST(test_asprintf_encoding_error)
{
	bump_t *b = fresh(0);
	const wchar_t bad[] = { 0x263a, 0 };	/* not in the C locale */
	char *s;
	int n;

	errno = 0;
	n = snprintf(NULL, 0, "%ls", bad);
	if (n >= 0 && errno != EILSEQ) {	/* mingw: n is 0, errno set */
		fprintf(stderr, "%s:%d: the C locale converts U+263A, "
		    "encoding error check skipped\n", __FILE__, __LINE__);
		bump_destroy(b);
		return;
	}
	ck_assert_int_eq(errno, EILSEQ);
	errno = 0;
	s = bump_asprintf(b, "x%lsy", bad);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(errno, EILSEQ);
	ck_assert_uint_eq(bump_used(b), 0);
	bump_destroy(b);
}
END_TEST
#endif

static Suite *
strings_suite(void)
{
	Suite *s = suite_create("strings");
	TCase *tc = tcase_new("core");
	TCase *err = tcase_new("errors");

	tcase_add_test(tc, test_strdup);
	tcase_add_test(tc, test_strndup);
	tcase_add_test(tc, test_strndup_reads_at_most_n);
	tcase_add_test(tc, test_memdup);
	tcase_add_test(tc, test_asprintf_formats);
	tcase_add_test(tc, test_asprintf_large);
	suite_add_tcase(s, tc);

	tcase_add_test(err, test_null_arguments);
	tcase_add_test(err, test_exhaustion);
#if defined(__GLIBC__) || defined(_WIN32)
	tcase_add_test(err, test_asprintf_encoding_error);
#endif
	suite_add_tcase(s, err);
	return s;
}

TEST_MAIN(strings_suite)
