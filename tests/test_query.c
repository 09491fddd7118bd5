/*
 * test_query.c - bump_used, bump_capacity and bump_owns.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

static size_t
align_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

/* used after a bump_malloc(n) when it was `used` before: the rule. */
static size_t
used_after(size_t used, size_t n)
{
	return align_up(used, natural_align(n)) + (n ? n : 1);
}

START_TEST(test_used_counts_padding)
{
	const unsigned flags[] = { 0, BUMP_THREADSAFE };
	size_t k;

	for (k = 0; k < 2; k++) {
		bump_t *b = bump_create(0, flags[k]);
		unsigned char *start, *p;
		size_t expect, i;
		uint32_t x = 99;

		ck_assert_ptr_nonnull(b);
		ck_assert_uint_eq(bump_used(b), 0);
		whole_arena(b);
		start = bump_malloc(b, 1);
		ck_assert_ptr_nonnull(start);
		ck_assert_uint_eq(bump_used(b), 1);
		p = bump_malloc(b, 16);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(bump_used(b), align_up(1, MAX_ALIGN) + 16);
#if defined(__x86_64__)
		ck_assert_uint_eq(bump_used(b), 32);
#endif
		ck_assert_ptr_eq(p, start + align_up(1, MAX_ALIGN));

		/* Many sizes: used follows the rule exactly. */
		expect = bump_used(b);
		for (i = 0; i < 20000; i++) {
			size_t n;

			x = x * 1664525u + 1013904223u;
			n = (x >> 16) % (i % 3 ? 40 : 3000);
			if (i % 5 == 0)
				p = bump_calloc(b, 1, n);
			else
				p = bump_malloc(b, n);
			ck_assert_ptr_nonnull(p);
			ck_assert_uint_eq((size_t)(p - start),
			    align_up(expect, natural_align(n)));
			expect = used_after(expect, n);
			ck_assert_uint_eq(bump_used(b), expect);
		}
		bump_destroy(b);
	}
}
END_TEST

START_TEST(test_capacity_constant)
{
	bump_t *b = bump_create(3 * MiB, 0);
	size_t cap;
	bump_mark_t m;
	void *p;
	int rc;

	ck_assert_ptr_nonnull(b);
	cap = bump_capacity(b);
	ck_assert_uint_eq(cap, 3 * MiB);
	p = bump_malloc(b, MiB);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(bump_capacity(b), cap);
	m = bump_mark(b);
	p = bump_malloc(b, MiB);
	ck_assert_ptr_nonnull(p);
	bump_rewind(b, m);
	ck_assert_uint_eq(bump_capacity(b), cap);
	p = bump_malloc(b, 4 * MiB);		/* fails */
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(bump_capacity(b), cap);
	p = bump_malloc(b, 2 * MiB);		/* fills it */
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(bump_capacity(b), cap);
	ck_assert_uint_eq(bump_used(b), cap);
	bump_reset(b);
	ck_assert_uint_eq(bump_capacity(b), cap);
	rc = bump_trim(b);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(bump_capacity(b), cap);
	ck_assert_uint_eq(bump_used(b), 0);
	bump_destroy(b);
}
END_TEST

START_TEST(test_used_never_exceeds_capacity)
{
	const unsigned flags[] = { 0, BUMP_THREADSAFE };
	size_t k;

	for (k = 0; k < 2; k++) {
		bump_t *b = bump_create(MiB, flags[k]);
		size_t cap, fails = 0;
		uint32_t x = 7;
		int i;

		ck_assert_ptr_nonnull(b);
		cap = bump_capacity(b);
		for (i = 0; i < 100000; i++) {
			size_t n, before = bump_used(b);
			void *p;

			x = x * 1664525u + 1013904223u;
			n = (x >> 12) % 5000;
			if (i % 4 == 0)
				p = bump_aligned_alloc(b, (size_t)1 << (x % 13),
				    n);
			else
				p = bump_malloc(b, n);
			if (p == NULL) {
				ck_assert_int_eq(errno, ENOMEM);
				ck_assert_uint_eq(bump_used(b), before);
				fails++;
			} else {
				ck_assert_int_eq(bump_owns(b, p), 1);
				ck_assert_int_eq(bump_owns(b,
				    (unsigned char *)p + (n ? n : 1) - 1), 1);
			}
			ck_assert_uint_le(bump_used(b), cap);
		}
		/* It did fill up, and then kept refusing. */
		ck_assert_uint_gt(fails, 1000);
		ck_assert_uint_gt(bump_used(b), cap - 5000 - 4096);
		bump_destroy(b);
	}
}
END_TEST

START_TEST(test_owns)
{
	bump_t *b = bump_create(2 * MiB, 0);
	bump_t *other = bump_create(2 * MiB, 0);
	unsigned char *start, *o;
	char stackvar = 0;
	char *heap = malloc(16);
	size_t cap;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(other);
	ck_assert_ptr_nonnull(heap);
	cap = bump_capacity(b);
	whole_arena(b);		/* one chunk holds the whole 2 MiB */
	start = bump_malloc(b, 10);
	ck_assert_ptr_nonnull(start);
	o = bump_malloc(other, 10);
	ck_assert_ptr_nonnull(o);

	ck_assert_int_eq(bump_owns(b, start), 1);		/* first byte */
	ck_assert_int_eq(bump_owns(b, start + 9), 1);
	ck_assert_int_eq(bump_owns(b, start + 10), 1);	/* not handed out */
	ck_assert_int_eq(bump_owns(b, start + cap - 1), 1);	/* last byte */
	ck_assert_int_eq(bump_owns(b, start + cap), 0);	/* one past */
	ck_assert_int_eq(bump_owns(b, start - 1), 0);
	ck_assert_int_eq(bump_owns(b, start + 2 * cap), 0);
	ck_assert_int_eq(bump_owns(b, &stackvar), 0);
	ck_assert_int_eq(bump_owns(b, heap), 0);
	ck_assert_int_eq(bump_owns(b, NULL), 0);
	ck_assert_int_eq(bump_owns(b, b), 0);		/* bookkeeping */
	ck_assert_int_eq(bump_owns(b, o), 0);
	ck_assert_int_eq(bump_owns(other, o), 1);
	ck_assert_int_eq(bump_owns(other, start), 0);
	ck_assert_int_eq(bump_owns(b, (void *)UINTPTR_MAX), 0);

	/* The same after a reset: the region does not move. */
	bump_reset(b);
	ck_assert_int_eq(bump_owns(b, start), 1);
	ck_assert_int_eq(bump_owns(b, start + cap - 1), 1);
	ck_assert_int_eq(bump_owns(b, start + cap), 0);
	free(heap);
	bump_destroy(other);
	bump_destroy(b);
}
END_TEST

START_TEST(test_null_arena_queries)
{
	char stackvar = 0;
	bump_mark_t m;

	ck_assert_uint_eq(bump_used(NULL), 0);
	ck_assert_uint_eq(bump_capacity(NULL), 0);
	ck_assert_int_eq(bump_owns(NULL, &stackvar), 0);
	ck_assert_int_eq(bump_owns(NULL, NULL), 0);
	m = bump_mark(NULL);
	ck_assert_uint_eq(m.offset, 0);
}
END_TEST

START_TEST(test_queries_const)
{
	bump_t *b = bump_create(0, 0);
	const bump_t *cb = b;
	void *p;

	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, 123);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(bump_used(cb), 123);
	ck_assert_uint_eq(bump_capacity(cb), BUMP_DEFAULT_RESERVE);
	ck_assert_int_eq(bump_owns(cb, p), 1);
	ck_assert_uint_eq(bump_mark(cb).offset, 123);
	/* Asking changes nothing. */
	ck_assert_uint_eq(bump_used(b), 123);
	bump_destroy(b);
}
END_TEST

static Suite *
query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_new("core");

	tcase_add_test(tc, test_used_counts_padding);
	tcase_add_test(tc, test_capacity_constant);
	tcase_add_test(tc, test_used_never_exceeds_capacity);
	tcase_add_test(tc, test_owns);
	tcase_add_test(tc, test_null_arena_queries);
	tcase_add_test(tc, test_queries_const);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(query_suite)
