/*
 * test_fastpath.c - the inline bump_malloc() of <bump_alloc.h> behaves
 * exactly like the library's, and a destroyed arena's pages serve the next
 * bump_create() of the same size.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <errno.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

#ifndef bump_malloc
# error "<bump_alloc.h> should define the inline bump_malloc for this test"
#endif

/* The library's own bump_malloc, bypassing the inline fast path. */
static void *
library_malloc(bump_t *b, size_t n)
{
	return (bump_malloc)(b, n);
}

static const struct bump_fast_ *
fast(const bump_t *b)
{
	return (const struct bump_fast_ *)(const void *)b;
}

static size_t
next_size(uint64_t *state)
{
	static const size_t odd[] = { 0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31,
		33, 100, 4095, 4096, 4097, 65536, 300000 };

	*state = *state * 6364136223846793005u + 1442695040888963407u;
	return odd[(*state >> 33) % (sizeof odd / sizeof odd[0])];
}

/*
 * Two arenas of one size get the same requests, one inline and one through
 * the library: every block lands at the same offset, bump_used agrees, and
 * both run out at the same request with ENOMEM and then still serve a
 * small one.
 */
static void
compare_until_exhausted(unsigned flags)
{
	bump_t *in = bump_create(4 * MiB, flags), *out = bump_create(4 * MiB, flags);
	uint64_t state = 42;
	char *in0 = NULL, *out0 = NULL;
	int steps = 0;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	whole_arena(in);	/* one 4 MiB chunk each: offsets compare */
	whole_arena(out);
	for (;;) {
		size_t n = next_size(&state);
		char *p, *q;
		int e_in, e_out;

		errno = 0;
		p = bump_malloc(in, n);
		e_in = errno;
		errno = 0;
		q = library_malloc(out, n);
		e_out = errno;
		ck_assert_int_eq(p == NULL, q == NULL);
		ck_assert_uint_eq(bump_used(in), bump_used(out));
		if (p == NULL) {
			ck_assert_int_eq(e_in, ENOMEM);
			ck_assert_int_eq(e_out, ENOMEM);
			break;
		}
		if (in0 == NULL) {
			in0 = p;
			out0 = q;
		}
		ck_assert_uint_eq((size_t)(p - in0), (size_t)(q - out0));
		if (n > 0) {
			p[0] = p[n - 1] = 1;	/* committed and writable */
			q[0] = q[n - 1] = 1;
		}
		steps++;
	}
	ck_assert_int_gt(steps, 20);
	/* Exhaustion changed nothing: a small block still fits in both. */
	ck_assert_ptr_nonnull(bump_malloc(in, 1));
	ck_assert_ptr_nonnull(library_malloc(out, 1));
	ck_assert_uint_eq(bump_used(in), bump_used(out));
	bump_destroy(in);
	bump_destroy(out);
}

START_TEST(test_inline_equals_library)
{
	compare_until_exhausted(0);
}
END_TEST

START_TEST(test_inline_equals_library_threadsafe)
{
	compare_until_exhausted(BUMP_THREADSAFE);
}
END_TEST

START_TEST(test_inline_alignment)
{
	bump_t *b = bump_create(0, 0);

	ck_assert_ptr_nonnull(b);
	whole_arena(b);
	for (size_t n = 1; n <= 64; n++) {
		char *odd = bump_malloc(b, 1);	/* leave the top odd */
		char *p = bump_malloc(b, n);
		size_t want = n >= 16 ? 16 : n > 8 ? 16 : n > 4 ? 8 : n > 2 ? 4 :
		    n > 1 ? 2 : 1;

		ck_assert_ptr_nonnull(odd);
		ck_assert_ptr_nonnull(p);
		ck_assert_msg((uintptr_t)p % want == 0, "%zu bytes at %p", n,
		    (void *)p);
		/* No more padding than the alignment needs. */
		ck_assert_uint_lt((size_t)(p - odd - 1), want);
	}
	bump_destroy(b);
}
END_TEST

/* The prefix the inline path uses says what the library did. */
START_TEST(test_public_prefix)
{
	bump_t *b = bump_create(0, 0), *s = bump_create(0, BUMP_THREADSAFE);
	char *p;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(BUMP_FAST_ABI, 1);
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(fast(b)->top, p + 100);
	ck_assert_ptr_eq(fast(b)->last, p);
	if (arena_watched()) {
		/* A watched arena sends every call through the tools' hooks. */
		ck_assert_ptr_null(fast(b)->fast_end);
	} else {
		ck_assert(fast(b)->fast_end >= p + 100);
		ck_assert_int_eq(bump_owns(b, fast(b)->fast_end - 1), 1);
	}
	/* A shared arena's allocations never run inline. */
	ck_assert_ptr_nonnull(bump_malloc(s, 100));
	ck_assert_ptr_null(fast(s)->fast_end);
	bump_destroy(b);
	bump_destroy(s);
}
END_TEST

/* realloc and free see inline blocks as the newest, as they must. */
START_TEST(test_inline_block_is_newest)
{
	bump_t *b = bump_create(0, 0);
	char *p, *q;
	size_t used;

	ck_assert_ptr_nonnull(b);
	whole_arena(b);
	p = bump_malloc(b, 32);
	ck_assert_ptr_nonnull(p);
	used = bump_used(b);
	q = bump_realloc(b, p, 4096);
	ck_assert_ptr_eq(q, p);			/* grew in place */
	ck_assert_uint_eq(bump_used(b), used + 4096 - 32);
	p = bump_malloc(b, 48);
	ck_assert_ptr_nonnull(p);
	used = bump_used(b);
	bump_free(b, p);
	ck_assert_uint_eq(bump_used(b), used - 48);
	bump_destroy(b);
}
END_TEST

START_TEST(test_inline_bad_input)
{
	bump_t *b = bump_create(MiB, 0);
	volatile size_t huge = SIZE_MAX;	/* not a constant the compiler rejects */
	size_t used;

	ck_assert_ptr_nonnull(b);
	errno = 0;
	ck_assert_ptr_null(bump_malloc(NULL, 8));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(bump_malloc(b, 8));
	used = bump_used(b);
	errno = 0;
	ck_assert_ptr_null(bump_malloc(b, huge));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(bump_malloc(b, huge - 8));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), used);
	bump_destroy(b);
}
END_TEST

/*
 * A destroyed arena's first pages serve the next arena of that size: it
 * starts empty, and bump_calloc still clears what the old one wrote.
 */
START_TEST(test_cached_arena_is_clean)
{
	bump_t *b = bump_create(2 * MiB, 0);
	unsigned char *p;

	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, 200 * KiB);
	ck_assert_ptr_nonnull(p);
	memset(p, 0xaa, 200 * KiB);
	bump_destroy(b);
	b = bump_create(2 * MiB, BUMP_THREADSAFE);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_used(b), 0);
	ck_assert_uint_eq(bump_capacity(b), 2 * MiB);
	ck_assert_ptr_null(fast(b)->fast_end);	/* the new flags hold */
	p = bump_calloc(b, 1, 2 * MiB);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < 2 * MiB; i += 512)
		ck_assert_uint_eq(p[i], 0);
	bump_destroy(b);
	/* Another size gets an arena of its own. */
	b = bump_create(3 * MiB, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_capacity(b), 3 * MiB);
	p = bump_malloc(b, 3 * MiB);
	ck_assert_ptr_nonnull(p);
	p[3 * MiB - 1] = 1;
	bump_destroy(b);
}
END_TEST

/* A shared arena used by one thread packs blocks as a plain one does. */
START_TEST(test_threadsafe_alone_is_exact)
{
	bump_t *s = bump_create(0, BUMP_THREADSAFE), *p = bump_create(0, 0);
	uint64_t state = 7;

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(p);
	whole_arena(p);		/* one region, as the shared arena has */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 5000; i++) {
			size_t n = next_size(&state) % 5000;

			ck_assert_ptr_nonnull(bump_malloc(s, n));
			ck_assert_ptr_nonnull(bump_malloc(p, n));
			ck_assert_uint_eq(bump_used(s), bump_used(p));
		}
		bump_reset(s);
		bump_reset(p);
		ck_assert_uint_eq(bump_used(s), 0);
	}
	bump_destroy(s);
	bump_destroy(p);
}
END_TEST

/*
 * Past 8 MiB an arena commits to huge page boundaries; the last commit
 * still stops at the region's end, and trim still gives pages back.
 */
START_TEST(test_big_arena_commit_and_trim)
{
	size_t cap = 24 * MiB + 4 * KiB;
	bump_t *b = bump_create(cap, 0);
	unsigned char *p;
	long before, full, trimmed;

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_capacity(b), cap);
	whole_arena(b);		/* its own reservation, committed as used */
	before = rss_kib();
	for (size_t done = 0; done < cap; done += 64 * KiB) {
		size_t n = cap - done < 64 * KiB ? cap - done : 64 * KiB;

		p = bump_malloc(b, n);
		ck_assert_ptr_nonnull(p);
		fill_bytes(p, 0x5a, n);
	}
	ck_assert_uint_eq(bump_used(b), cap);
	errno = 0;
	ck_assert_ptr_null(bump_malloc(b, 1));
	ck_assert_int_eq(errno, ENOMEM);
	full = rss_kib();
	bump_reset(b);
	ck_assert_int_eq(bump_trim(b), 0);
	trimmed = rss_kib();
	if (before > 0) {
		ck_assert_int_ge(full - before, 24 * 1024 - 256);
		ck_assert_msg(trimmed - before <= 512,
		    "RSS %ld KiB above the start after trim", trimmed - before);
	}
	p = bump_calloc(b, 1, cap);	/* everything again, and zeroed */
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[0], 0);
	ck_assert_uint_eq(p[cap - 1], 0);
	bump_destroy(b);
}
END_TEST

static Suite *
fastpath_suite(void)
{
	Suite *s = suite_create("fastpath");
	TCase *t = tcase_new("inline");
	TCase *c = tcase_new("cache");

	tcase_set_timeout(c, TEST_TIMEOUT);
	tcase_set_timeout(t, TEST_TIMEOUT);
	tcase_add_test(t, test_inline_equals_library);
	tcase_add_test(t, test_inline_equals_library_threadsafe);
	tcase_add_test(t, test_inline_alignment);
	tcase_add_test(t, test_public_prefix);
	tcase_add_test(t, test_inline_block_is_newest);
	tcase_add_test(t, test_inline_bad_input);
	tcase_add_test(t, test_threadsafe_alone_is_exact);
	suite_add_tcase(s, t);
	tcase_add_test(c, test_cached_arena_is_clean);
	tcase_add_test(c, test_big_arena_commit_and_trim);
	suite_add_tcase(s, c);
	return s;
}

TEST_MAIN(fastpath_suite)
