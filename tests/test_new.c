/*
 * test_new.c - the typed allocation macros BUMP_NEW, BUMP_NEW_ZEROED,
 * BUMP_NEW_ARRAY and BUMP_NEW_ARRAY_ZEROED, and BUMP_MAX_ALIGN.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <errno.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

struct item {
	int key;
	double weight;
	struct item *next;
};

struct line64 {			/* a cache line: over-aligned */
	_Alignas(64) unsigned char bytes[64];
};

struct page_obj {		/* beyond anything malloc-like gives */
	_Alignas(4096) char c;
};

#define IS_PTR_TO(p, T) _Generic((p), T *: 1, default: 0)
#define ALIGNED(p, a) ((uintptr_t)(const void *)(p) % (a) == 0)

static bump_t *
fresh(size_t reserve)
{
	bump_t *b = bump_create(reserve, 0);

	ck_assert_ptr_nonnull(b);
	return b;
}

START_TEST(test_max_align)
{
	ck_assert_uint_eq(BUMP_MAX_ALIGN, alignof(max_align_t));
	ck_assert_uint_eq(BUMP_MAX_ALIGN, MAX_ALIGN);
}
END_TEST

START_TEST(test_typed_results)
{
	bump_t *b = fresh(0);
	struct item *one = BUMP_NEW(b, struct item);
	struct item *many = BUMP_NEW_ARRAY(b, struct item, 10);
	int *z = BUMP_NEW_ZEROED(b, int);
	double *zs = BUMP_NEW_ARRAY_ZEROED(b, double, 3);

	ck_assert_int_eq(IS_PTR_TO(BUMP_NEW(b, struct item), struct item), 1);
	ck_assert_int_eq(IS_PTR_TO(BUMP_NEW_ARRAY(b, long, 2), long), 1);
	ck_assert_int_eq(IS_PTR_TO(BUMP_NEW_ZEROED(b, char), char), 1);
	ck_assert_int_eq(IS_PTR_TO(BUMP_NEW_ARRAY_ZEROED(b, short, 2), short), 1);
	ck_assert_ptr_nonnull(one);
	ck_assert_ptr_nonnull(many);
	ck_assert_ptr_nonnull(z);
	ck_assert_ptr_nonnull(zs);
	ck_assert(ALIGNED(one, alignof(struct item)));
	ck_assert(ALIGNED(many, alignof(struct item)));
	one->key = 7;
	many[9].key = 9;
	ck_assert_int_eq(*z, 0);
	ck_assert(zs[0] == 0 && zs[1] == 0 && zs[2] == 0);
	ck_assert_int_eq(bump_owns(b, &many[9]), 1);
	ck_assert_int_eq(one->key + many[9].key, 16);
	bump_destroy(b);
}
END_TEST

/* Fundamental types pack as bump_malloc packs them: nothing wasted. */
START_TEST(test_packing)
{
	bump_t *b = fresh(0);
	char *c = BUMP_NEW(b, char);
	short *s;
	double *d;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(bump_used(b), 1);
	s = BUMP_NEW(b, short);
	ck_assert(ALIGNED(s, alignof(short)));
	ck_assert_uint_eq(bump_used(b), 4);
	d = BUMP_NEW_ARRAY(b, double, 2);
	ck_assert(ALIGNED(d, alignof(double)));
	ck_assert_uint_eq(bump_used(b), 16 + 16);
	bump_destroy(b);
}
END_TEST

/* [p, p + n) and [q, q + m) do not overlap. */
static int
apart(const void *p, size_t n, const void *q, size_t m)
{
	uintptr_t a = (uintptr_t)p, c = (uintptr_t)q;

	return a + n <= c || c + m <= a;
}

/*
 * Over-aligned types get their own alignment after an odd-sized block,
 * and bump_used counts as for bump_aligned_alloc: in the chunk that holds
 * the block before, the padding up to it and its bytes; when the block
 * starts a chunk of its own (chunks are aligned to their size, at least
 * 4096 bytes here), only its bytes, since the rest of the old chunk is
 * never handed out.
 */
START_TEST(test_over_aligned)
{
	bump_t *b = fresh(0);
	struct line64 *l, *l3;
	struct page_obj *pg;
	size_t used, blocks;
	char *odd;

	for (int round = 0; round < 4; round++) {
		size_t n = 1 + (size_t)round * 7;

		odd = bump_malloc(b, n);
		ck_assert_ptr_nonnull(odd);
		l = BUMP_NEW(b, struct line64);
		ck_assert_ptr_nonnull(l);
		ck_assert(ALIGNED(l, 64));
		ck_assert(apart(l, sizeof *l, odd, n));
		l3 = BUMP_NEW_ARRAY(b, struct line64, 3);
		ck_assert_ptr_nonnull(l3);
		ck_assert(ALIGNED(l3, 64));
		ck_assert(apart(l3, 3 * sizeof *l3, l, sizeof *l));
		ck_assert(apart(l3, 3 * sizeof *l3, odd, n));
		fill_bytes(l3, 0xa5, 3 * sizeof *l3);
		used = bump_used(b);
		blocks = stats_of(b).blocks;
		pg = BUMP_NEW(b, struct page_obj);
		ck_assert_ptr_nonnull(pg);
		ck_assert(ALIGNED(pg, 4096));
		ck_assert(apart(pg, sizeof *pg, l3, 3 * sizeof *l3));
		if (stats_of(b).blocks == blocks)	/* the same chunk: right after l3 */
			ck_assert_uint_eq(bump_used(b) - used, (size_t)((char *)pg -
			    ((char *)l3 + 3 * sizeof *l3)) + sizeof *pg);
		else				/* a new chunk starts with it */
			ck_assert_uint_eq(bump_used(b) - used, sizeof *pg);
		for (size_t i = 0; i < 3 * sizeof *l3; i++)
			ck_assert_uint_eq(((unsigned char *)l3)[i], 0xa5);
		/* Zero elements still give a unique, aligned pointer. */
		l = BUMP_NEW_ARRAY(b, struct line64, 0);
		ck_assert_ptr_nonnull(l);
		ck_assert(ALIGNED(l, 64));
		ck_assert(apart(l, 1, pg, sizeof *pg));
	}
	bump_destroy(b);
}
END_TEST

/* Zeroed variants clear reused memory, over-aligned or not. */
START_TEST(test_zeroed_after_reuse)
{
	bump_t *b = fresh(0);
	unsigned char *dirty = bump_malloc(b, 64 * KiB);
	struct item *it;
	struct line64 *l;

	ck_assert_ptr_nonnull(dirty);
	fill_bytes(dirty, 0xff, 64 * KiB);
	bump_reset(b);
	it = BUMP_NEW_ARRAY_ZEROED(b, struct item, 100);
	ck_assert_ptr_nonnull(it);
	for (size_t i = 0; i < 100 * sizeof *it; i++)
		ck_assert_uint_eq(((unsigned char *)it)[i], 0);
	l = BUMP_NEW_ARRAY_ZEROED(b, struct line64, 50);
	ck_assert_ptr_nonnull(l);
	ck_assert(ALIGNED(l, 64));
	for (size_t i = 0; i < 50; i++)
		for (size_t j = 0; j < 64; j++)
			ck_assert_uint_eq(l[i].bytes[j], 0);
	it = BUMP_NEW_ZEROED(b, struct item);
	ck_assert_ptr_nonnull(it);
	ck_assert(it->key == 0 && it->weight == 0 && it->next == NULL);
	bump_destroy(b);
}
END_TEST

/* n * sizeof(T) that overflows: NULL, ENOMEM, nothing used. */
START_TEST(test_overflow)
{
	bump_t *b = fresh(0);
	size_t used, huge = opaque_size(SIZE_MAX / sizeof(struct item) + 1);
	void *p;

	ck_assert_ptr_nonnull(bump_malloc(b, 3));
	used = bump_used(b);
#define FAILS(expr, err) do {						\
	errno = 0;							\
	p = (expr);							\
	ck_assert_ptr_null(p);						\
	ck_assert_int_eq(errno, err);					\
	ck_assert_uint_eq(bump_used(b), used);				\
} while (0)
	FAILS(BUMP_NEW_ARRAY(b, struct item, huge), ENOMEM);
	FAILS(BUMP_NEW_ARRAY_ZEROED(b, struct item, huge), ENOMEM);
	FAILS(BUMP_NEW_ARRAY(b, struct line64, opaque_size(SIZE_MAX / 64 + 1)), ENOMEM);
	FAILS(BUMP_NEW_ARRAY_ZEROED(b, struct line64, opaque_size(SIZE_MAX / 32)), ENOMEM);
	FAILS(BUMP_NEW_ARRAY(b, int, opaque_size(SIZE_MAX / 4)), ENOMEM);	/* fits size_t, not the arena */
	FAILS(BUMP_NEW_ARRAY(b, char, opaque_size(SIZE_MAX)), ENOMEM);
	/* A negative int count converts to a huge size_t. */
	FAILS(BUMP_NEW_ARRAY(b, struct item, (int)opaque_size((size_t)-1) ), ENOMEM);
	/* A NULL arena is EINVAL, as for every allocation function. */
	FAILS(BUMP_NEW(NULL, struct item), EINVAL);
	FAILS(BUMP_NEW_ZEROED(NULL, struct line64), EINVAL);
	FAILS(BUMP_NEW_ARRAY(NULL, struct line64, huge), EINVAL);
#undef FAILS
	/* The arena still serves, and success leaves errno alone. */
	errno = 12345;
	p = BUMP_NEW_ARRAY(b, struct item, 4);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(errno, 12345);
	bump_destroy(b);
}
END_TEST

/* An arena too small: ENOMEM and unchanged, also for the aligned path. */
START_TEST(test_exhaustion)
{
	bump_t *b = fresh(16 * KiB);
	struct line64 *l;
	size_t used;

	ck_assert_ptr_nonnull(bump_malloc(b, 1));
	used = bump_used(b);
	errno = 0;
	l = BUMP_NEW_ARRAY(b, struct line64, 16 * KiB / 64);	/* padding too */
	ck_assert_ptr_null(l);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), used);
	errno = 0;
	ck_assert_ptr_null(BUMP_NEW(b, struct { char c[32 * 1024]; }));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), used);
	l = BUMP_NEW_ARRAY(b, struct line64, 16 * KiB / 64 - 1);
	ck_assert_ptr_nonnull(l);
	ck_assert(ALIGNED(l, 64));
	bump_destroy(b);
}
END_TEST

/* A BUMP_THREADSAFE arena serves the macros the same way. */
START_TEST(test_threadsafe)
{
	bump_t *b = bump_create(0, BUMP_THREADSAFE);
	struct line64 *l;
	struct item *it;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(bump_malloc(b, 3));
	l = BUMP_NEW_ARRAY_ZEROED(b, struct line64, 2);
	ck_assert_ptr_nonnull(l);
	ck_assert(ALIGNED(l, 64));
	ck_assert_uint_eq(l[1].bytes[63], 0);
	it = BUMP_NEW(b, struct item);
	ck_assert_ptr_nonnull(it);
	ck_assert(ALIGNED(it, alignof(struct item)));
	bump_destroy(b);
}
END_TEST

static Suite *
new_suite(void)
{
	Suite *s = suite_create("new");
	TCase *tc = tcase_new("core");
	TCase *err = tcase_new("errors");

	tcase_add_test(tc, test_max_align);
	tcase_add_test(tc, test_typed_results);
	tcase_add_test(tc, test_packing);
	tcase_add_test(tc, test_over_aligned);
	tcase_add_test(tc, test_zeroed_after_reuse);
	tcase_add_test(tc, test_threadsafe);
	suite_add_tcase(s, tc);
	tcase_add_test(err, test_overflow);
	tcase_add_test(err, test_exhaustion);
	suite_add_tcase(s, err);
	return s;
}

TEST_MAIN(new_suite)
