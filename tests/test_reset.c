/*
 * test_reset.c - bump_reset, bump_trim, bump_mark and bump_rewind.
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

#include <bump_alloc.h>
#include "testutil.h"

static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31 + seed);
}

static int
check_fill(const unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 31 + seed))
			return 0;
	return 1;
}

START_TEST(test_reset_starts_over)
{
	const unsigned flags[] = { 0, BUMP_THREADSAFE, BUMP_HUGEPAGES };
	size_t k;

	for (k = 0; k < 3; k++) {
		bump_t *b = bump_create(0, flags[k]);
		unsigned char *first, *p;
		size_t cap;
		int i;

		ck_assert_ptr_nonnull(b);
		cap = bump_capacity(b);
		whole_arena(b);
		first = bump_malloc(b, 10);
		ck_assert_ptr_nonnull(first);
		for (i = 0; i < 100; i++) {
			p = bump_malloc(b, 1000);
			ck_assert_ptr_nonnull(p);
		}
		ck_assert_uint_gt(bump_used(b), 100000);
		bump_reset(b);
		ck_assert_uint_eq(bump_used(b), 0);
		ck_assert_uint_eq(bump_capacity(b), cap);
		p = bump_malloc(b, 10);
		ck_assert_ptr_eq(p, first);
		ck_assert_uint_eq(bump_used(b), 10);
		/* The whole capacity is available again. */
		bump_reset(b);
		p = bump_malloc(b, cap);
		ck_assert_ptr_eq(p, first);
		bump_destroy(b);
	}
}
END_TEST

START_TEST(test_reset_null)
{
	bump_t *b = bump_create(MiB, 0);
	void *p;

	bump_reset(NULL);
	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	bump_reset(NULL);
	ck_assert_uint_eq(bump_used(b), 100);
	bump_destroy(b);
}
END_TEST

START_TEST(test_reset_keeps_pages_trim_returns_them)
{
	const size_t n = 32 * MiB;
	long before = rss_kib(), written, after_reset, after_trim;
	bump_t *b = bump_create(0, 0);
	unsigned char *p, *q;
	int rc;

	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, n);
	ck_assert_ptr_nonnull(p);
	fill(p, n, 1);
	written = rss_kib();
	bump_reset(b);
	after_reset = rss_kib();
	if (before >= 0) {
		ck_assert_int_ge(written - before, 32 * 1024 - 256);
		ck_assert_msg(after_reset >= written - 64,
		    "reset dropped RSS from %ld to %ld KiB", written,
		    after_reset);
	}
	rc = bump_trim(b);
	ck_assert_int_eq(rc, 0);
	after_trim = rss_kib();
	if (before >= 0)
		ck_assert_msg(written - after_trim >= 28 * 1024,
		    "trim after reset only dropped RSS from %ld to %ld KiB",
		    written, after_trim);
	else
		fprintf(stderr, "%s:%d: VmRSS unavailable, RSS checks "
		    "skipped\n", __FILE__, __LINE__);
	ck_assert_uint_eq(bump_used(b), 0);

	/* Fully usable after the trim: fresh pages read as zero. */
	q = bump_calloc(b, 1, n);
	ck_assert_ptr_eq(q, p);
	{
		size_t i;

		for (i = 0; i < n; i += 509)
			if (q[i] != 0)
				ck_abort_msg("byte %zu not zero after trim", i);
	}
	fill(q, n, 2);
	q = bump_malloc(b, n);
	ck_assert_ptr_nonnull(q);
	fill(q, n, 3);
	ck_assert(check_fill(p, n, 2));
	ck_assert(check_fill(q, n, 3));
	bump_destroy(b);
}
END_TEST

/* trim keeps what lies below the top, including the top's partial page. */
START_TEST(test_trim_keeps_live_data)
{
	const size_t live = MiB + 100;
	bump_t *b = bump_create(0, 0);
	unsigned char *p, *q, *r;
	long before, after;
	int rc;

	ck_assert_ptr_nonnull(b);
	whole_arena(b);
	p = bump_malloc(b, live);
	ck_assert_ptr_nonnull(p);
	fill(p, live, 7);
	q = bump_malloc(b, 16 * MiB);
	ck_assert_ptr_nonnull(q);
	fill(q, 16 * MiB, 8);
	bump_free(b, q);			/* top back to p + live */
	ck_assert_uint_eq(bump_used(b), live + 12); /* q - start */
	before = rss_kib();
	rc = bump_trim(b);
	ck_assert_int_eq(rc, 0);
	after = rss_kib();
	ck_assert(check_fill(p, live, 7));
	ck_assert_uint_eq(bump_used(b), live + 12);
	if (before >= 0 && after >= 0)
		ck_assert_msg(before - after >= 14 * 1024,
		    "trim above 1 MiB dropped RSS by %ld KiB only",
		    before - after);
	/* The bytes just above the top are usable and zero for calloc. */
	r = bump_calloc(b, 1, 2 * MiB);
	ck_assert_ptr_eq(r, q);
	{
		size_t i;

		for (i = 0; i < 2 * MiB; i++)
			if (r[i] != 0)
				ck_abort_msg("byte %zu not zero", i);
	}
	ck_assert(check_fill(p, live, 7));
	bump_destroy(b);
}
END_TEST

START_TEST(test_trim_return_values)
{
	const unsigned flags[] = { 0, BUMP_THREADSAFE, BUMP_HUGEPAGES,
	    BUMP_PREFAULT };
	size_t k;
	int rc;

	for (k = 0; k < 4; k++) {
		bump_t *b = bump_create(4 * MiB, flags[k]);
		unsigned char *p;

		ck_assert_ptr_nonnull(b);
		errno = 12345;
		rc = bump_trim(b);		/* fresh */
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(errno, 12345);
		p = bump_malloc(b, 4 * MiB);	/* full */
		ck_assert_ptr_nonnull(p);
		fill(p, 4 * MiB, 9);
		rc = bump_trim(b);
		ck_assert_int_eq(rc, 0);
		ck_assert(check_fill(p, 4 * MiB, 9));
		bump_reset(b);			/* empty again */
		rc = bump_trim(b);
		ck_assert_int_eq(rc, 0);
		rc = bump_trim(b);		/* twice */
		ck_assert_int_eq(rc, 0);
		p = bump_malloc(b, 4 * MiB);
		ck_assert_ptr_nonnull(p);
		fill(p, 4 * MiB, 10);
		ck_assert(check_fill(p, 4 * MiB, 10));
		bump_destroy(b);
	}
	errno = 0;
	rc = bump_trim(NULL);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_mark_rewind_nested)
{
	bump_t *b = bump_create(0, 0);
	bump_mark_t m0, m1, m2;
	unsigned char *a, *c, *d, *p;

	ck_assert_ptr_nonnull(b);
	m0 = bump_mark(b);
	ck_assert_uint_eq(m0.offset, 0);
	a = bump_malloc(b, 10);
	ck_assert_ptr_nonnull(a);
	memset(a, 0xa0, 10);
	m1 = bump_mark(b);
	ck_assert_uint_eq(m1.offset, 10);
	c = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(c);
	memset(c, 0xc0, 100);
	m2 = bump_mark(b);
	ck_assert_uint_eq(m2.offset, bump_used(b));
	ck_assert_uint_eq(m2.offset, 116);
	d = bump_malloc(b, 1000);
	ck_assert_ptr_nonnull(d);
	p = bump_malloc(b, 5000);
	ck_assert_ptr_nonnull(p);

	bump_rewind(b, m2);
	ck_assert_uint_eq(bump_used(b), m2.offset);
	p = bump_malloc(b, 1000);
	ck_assert_ptr_eq(p, d);
	ck_assert_uint_eq(c[0], 0xc0);
	ck_assert_uint_eq(c[99], 0xc0);

	bump_rewind(b, m1);
	ck_assert_uint_eq(bump_used(b), m1.offset);
	p = bump_malloc(b, 100);
	ck_assert_ptr_eq(p, c);
	ck_assert_uint_eq(a[9], 0xa0);

	ck_assert_uint_eq(bump_used(b), m2.offset);

	bump_rewind(b, m0);
	ck_assert_uint_eq(bump_used(b), 0);
	/* m1 and m2 now lie above the top: stale, ignored. */
	bump_rewind(b, m2);
	ck_assert_uint_eq(bump_used(b), 0);
	bump_rewind(b, m1);
	ck_assert_uint_eq(bump_used(b), 0);
	p = bump_malloc(b, 10);
	ck_assert_ptr_eq(p, a);
	bump_destroy(b);
}
END_TEST

START_TEST(test_rewind_stale_after_reset)
{
	bump_t *b = bump_create(0, 0);
	bump_mark_t m;
	void *p;

	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, 1000);
	ck_assert_ptr_nonnull(p);
	m = bump_mark(b);
	ck_assert_uint_eq(m.offset, 1000);
	bump_reset(b);
	bump_rewind(b, m);
	ck_assert_uint_eq(bump_used(b), 0);
	p = bump_malloc(b, 10);
	ck_assert_ptr_nonnull(p);
	bump_rewind(b, m);			/* still above the top */
	ck_assert_uint_eq(bump_used(b), 10);
	m.offset = SIZE_MAX;
	bump_rewind(b, m);
	ck_assert_uint_eq(bump_used(b), 10);
	bump_destroy(b);
}
END_TEST

START_TEST(test_mark_rewind_null)
{
	bump_mark_t m = { 12345 };
	bump_t *b = bump_create(MiB, 0);
	void *p;

	ck_assert_ptr_nonnull(b);
	m = bump_mark(NULL);
	ck_assert_uint_eq(m.offset, 0);
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	bump_rewind(NULL, m);
	ck_assert_uint_eq(bump_used(b), 100);
	bump_destroy(b);
}
END_TEST

START_TEST(test_scratch_loop)
{
	bump_t *b = bump_create(0, 0);
	unsigned char *base, *first = NULL;
	size_t used;
	int i;

	ck_assert_ptr_nonnull(b);
	base = bump_malloc(b, 3);		/* something below the marks */
	ck_assert_ptr_nonnull(base);
	used = bump_used(b);
	for (i = 0; i < 10000; i++) {
		bump_mark_t m = bump_mark(b);
		unsigned char *p = bump_malloc(b, KiB);

		ck_assert_ptr_nonnull(p);
		if (first == NULL)
			first = p;
		ck_assert_ptr_eq(p, first);
		memset(p, i & 0xff, KiB);
		bump_rewind(b, m);
		ck_assert_uint_eq(bump_used(b), used);
	}
	ck_assert_uint_eq(bump_used(b), 3);
	bump_destroy(b);
}
END_TEST

/* Marks work the same in a BUMP_THREADSAFE arena (used by one thread). */
START_TEST(test_mark_rewind_threadsafe)
{
	bump_t *b = bump_create(0, BUMP_THREADSAFE);
	bump_mark_t m;
	unsigned char *p, *q;

	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, 50);
	ck_assert_ptr_nonnull(p);
	m = bump_mark(b);
	ck_assert_uint_eq(m.offset, 50);
	q = bump_malloc(b, 5000);
	ck_assert_ptr_nonnull(q);
	bump_rewind(b, m);
	ck_assert_uint_eq(bump_used(b), 50);
	p = bump_malloc(b, 5000);
	ck_assert_ptr_eq(p, q);
	bump_destroy(b);
}
END_TEST

static Suite *
reset_suite(void)
{
	Suite *s = suite_create("reset");
	TCase *r = tcase_new("reset");
	TCase *t = tcase_new("trim");
	TCase *m = tcase_new("mark");

	tcase_add_test(r, test_reset_starts_over);
	tcase_add_test(r, test_reset_null);
	suite_add_tcase(s, r);

	tcase_add_test(t, test_reset_keeps_pages_trim_returns_them);
	tcase_add_test(t, test_trim_keeps_live_data);
	tcase_add_test(t, test_trim_return_values);
	suite_add_tcase(s, t);

	tcase_add_test(m, test_mark_rewind_nested);
	tcase_add_test(m, test_rewind_stale_after_reset);
	tcase_add_test(m, test_mark_rewind_null);
	tcase_add_test(m, test_scratch_loop);
	tcase_add_test(m, test_mark_rewind_threadsafe);
	suite_add_tcase(s, m);
	return s;
}

TEST_MAIN(reset_suite)
