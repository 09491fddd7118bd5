/*
 * test_edges.c - sizes and alignments at the edges of the address space:
 * every function, every flag, alignments up to and far beyond the reserve,
 * sizes near SIZE_MAX.  A request either lands exactly where the rule says
 * or fails with ENOMEM and changes nothing.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <errno.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

static const unsigned arena_flags[] = { 0, BUMP_THREADSAFE, BUMP_HUGEPAGES };
#define NFLAGS (sizeof arena_flags / sizeof arena_flags[0])

/* An arena and the address where its region starts. */
static bump_t *
arena_at(size_t reserve, unsigned flags, uintptr_t *base)
{
	bump_t *b = bump_create(reserve, flags);
	void *p;

	ck_assert_ptr_nonnull(b);
	whole_arena(b);
	p = bump_malloc(b, 0);		/* the first block starts the region */
	ck_assert_ptr_nonnull(p);
	*base = (uintptr_t)p;
	bump_reset(b);
	return b;
}

/*
 * bump_aligned_alloc(b, 1 << k, n) for every k up to 63: it succeeds
 * exactly when an address aligned so lies in the region with n bytes
 * after it, and then at the first such address.
 */
START_TEST(test_alignment_up_to_and_beyond_reserve)
{
	for (size_t f = 0; f < NFLAGS; f++) {
		uintptr_t base, limit;
		bump_t *b = arena_at(64 * MiB, arena_flags[f], &base);

		limit = base + bump_capacity(b);
		for (unsigned k = 0; k < sizeof(size_t) * 8; k++) {
			const size_t a = (size_t)1 << k;
			const size_t sizes[] = { 0, 1, 4096, 64 * MiB };

			for (size_t s = 0; s < 4; s++) {
				size_t n = sizes[s], n1 = n ? n : 1;
				uintptr_t at = base + 10;
				int fits;
				void *p;

				bump_reset(b);
				ck_assert_ptr_nonnull(bump_malloc(b, 10));
				fits = a - 1 <= UINTPTR_MAX - at;
				at = fits ? (at + a - 1) & ~(uintptr_t)(a - 1) : 0;
				fits = fits && at <= limit && n1 <= limit - at;
				errno = 0;
				p = bump_aligned_alloc(b, a, n);
				if (fits) {
					ck_assert_msg((uintptr_t)p == at,
					    "flags %#x: aligned_alloc(2^%u, %zu) "
					    "= %p", arena_flags[f], k, n, p);
					ck_assert_uint_eq(bump_used(b),
					    at + n1 - base);
				} else {
					ck_assert_msg(p == NULL, "flags %#x: "
					    "aligned_alloc(2^%u, %zu) = %p",
					    arena_flags[f], k, n, p);
					ck_assert_int_eq(errno, ENOMEM);
					ck_assert_uint_eq(bump_used(b), 10);
				}
			}
		}
		/* After all that the arena still works. */
		ck_assert_ptr_nonnull(bump_malloc(b, 100));
		bump_destroy(b);
	}
}
END_TEST

/* The largest alignment that fits at all gives the first aligned byte. */
START_TEST(test_alignment_whole_reserve)
{
	uintptr_t base;
	bump_t *b = arena_at(64 * MiB, 0, &base);
	size_t a = (size_t)1 << 25, n;	/* 32 MiB: once or twice in 64 MiB */
	uintptr_t at = (base + a - 1) & ~(uintptr_t)(a - 1);
	unsigned char *p;

	n = (size_t)(base + bump_capacity(b) - at);	/* to the very end */
	p = bump_aligned_alloc(b, a, n);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p, at);
	ck_assert_uint_eq(bump_used(b), bump_capacity(b));
	p[0] = 1;
	p[n - 1] = 2;
	errno = 0;
	ck_assert_ptr_null(bump_aligned_alloc(b, 1, 0));	/* full */
	ck_assert_int_eq(errno, ENOMEM);
	bump_destroy(b);
}
END_TEST

/* Every allocating function refuses sizes near SIZE_MAX the same way. */
START_TEST(test_sizes_near_size_max_everywhere)
{
	for (size_t f = 0; f < NFLAGS; f++) {
		uintptr_t base;
		bump_t *b = arena_at(4 * MiB, arena_flags[f], &base);
		size_t cap = bump_capacity(b), used, i;
		unsigned char *older, *newest, *r;
		char one = 'x';
		const size_t big[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15,
		    SIZE_MAX - 4096, SIZE_MAX - (size_t)base,
		    SIZE_MAX - (size_t)base + 1, SIZE_MAX / 2 + 1,
		    (size_t)1 << 47, cap + 1, cap - 64 + 1 };	/* newest is at 64 */

		older = bump_malloc(b, 50);
		newest = bump_malloc(b, 50);
		ck_assert_ptr_nonnull(older);
		ck_assert_ptr_nonnull(newest);
		ck_assert_uint_eq((uintptr_t)newest - (uintptr_t)older, 64);
		memset(older, 0x0d, 50);
		memset(newest, 0x4e, 50);
		used = bump_used(b);
		for (i = 0; i < sizeof big / sizeof big[0]; i++) {
			size_t n = opaque_size(big[i]);

#define REFUSED(call) do {						\
	errno = 0;							\
	r = (void *)(call);						\
	ck_assert_msg(r == NULL, "flags %#x: %s with n = %zu gave %p",	\
	    arena_flags[f], #call, n, (void *)r);			\
	ck_assert_msg(errno == ENOMEM, "%s: errno %d", #call, errno);	\
	ck_assert_uint_eq(bump_used(b), used);				\
} while (0)
			REFUSED(bump_malloc(b, n));
			REFUSED(bump_calloc(b, 1, n));
			REFUSED(bump_calloc(b, n, 1));
			REFUSED(bump_aligned_alloc(b, 16, n));
			REFUSED(bump_aligned_alloc(b, 4096, n));
			REFUSED(bump_aligned_alloc(b, MiB, n));
			REFUSED(bump_realloc(b, newest, n));
			REFUSED(bump_realloc(b, older, n));
			/* Must fail before reading a byte past the one. */
			REFUSED(bump_memdup(b, &one, n));
#undef REFUSED
		}
		for (i = 0; i < 50; i++) {
			ck_assert_uint_eq(older[i], 0x0d);
			ck_assert_uint_eq(newest[i], 0x4e);
		}
		/* strndup with a huge n copies the string, nothing more. */
		r = (unsigned char *)bump_strndup(b, "edge", SIZE_MAX);
		ck_assert_ptr_nonnull(r);
		ck_assert_str_eq((char *)r, "edge");
		/* The rest of the arena is still there, to the last byte. */
		used = bump_used(b);
		r = bump_aligned_alloc(b, 1, cap - used);
		ck_assert_ptr_nonnull(r);
		r[cap - used - 1] = 1;
		ck_assert_uint_eq(bump_used(b), cap);
		bump_destroy(b);
	}
}
END_TEST

/* Reserves that cannot be represented once rounded, with every flag. */
START_TEST(test_reserve_near_size_max)
{
	const unsigned flags[] = { 0, BUMP_THREADSAFE, BUMP_HUGEPAGES,
	    BUMP_PREFAULT, BUMP_HUGEPAGES | BUMP_PREFAULT };
	const size_t reserve[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 4096,
	    SIZE_MAX - (4 * MiB), SIZE_MAX / 2 + 1, (size_t)1 << 63 };

	for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
		for (size_t i = 0; i < sizeof reserve / sizeof reserve[0]; i++) {
			bump_t *b;

			errno = 0;
			b = bump_create(opaque_size(reserve[i]), flags[f]);
			ck_assert_msg(b == NULL, "create(%zu, %#x) succeeded",
			    reserve[i], flags[f]);
			ck_assert_int_eq(errno, ENOMEM);
		}
}
END_TEST

/* Marks that never came from this arena's top are ignored or obeyed. */
START_TEST(test_rewind_foreign_marks)
{
	uintptr_t base;
	bump_t *b = arena_at(MiB, 0, &base);
	bump_mark_t m;
	unsigned char *p = bump_malloc(b, 1000);

	ck_assert_ptr_nonnull(p);
	m.offset = SIZE_MAX;
	bump_rewind(b, m);
	ck_assert_uint_eq(bump_used(b), 1000);
	m.offset = 1001;
	bump_rewind(b, m);
	ck_assert_uint_eq(bump_used(b), 1000);
	m.offset = 999;		/* inside the block: the rest is free again */
	bump_rewind(b, m);
	ck_assert_uint_eq(bump_used(b), 999);
	ck_assert_ptr_eq(bump_malloc(b, 1), p + 999);
	bump_destroy(b);
}
END_TEST

/*
 * Growing the newest block in place by 64 MiB or more from an odd end
 * (found by the fuzzer in the ASan build, whose large-range unpoisoning
 * must start at a whole granule): the block and its contents survive.
 */
START_TEST(test_big_grow_from_odd_end)
{
	size_t grow = (size_t)64 << 20;
	bump_t *b = bump_create(4 * grow, 0);
	unsigned char *p, *q;

	ck_assert_ptr_nonnull(b);
	whole_arena(b);		/* its own reservation: growth in place */
	for (size_t odd = 1; odd < 16; odd += 7) {
		p = bump_aligned_alloc(b, 32 * KiB, odd);
		ck_assert_ptr_nonnull(p);
		memset(p, 0xab, odd);
		q = bump_realloc(b, p, odd + grow);
		ck_assert_ptr_eq(q, p);
		ck_assert_uint_eq(q[odd - 1], 0xab);
		q[odd + grow - 1] = 1;
		/* All of it counted: the block and at most its padding. */
		ck_assert_uint_ge(bump_used(b), odd + grow);
		ck_assert_uint_lt(bump_used(b), odd + grow + 32 * KiB);
		bump_reset(b);
	}
	bump_destroy(b);
}
END_TEST

static Suite *
edges_suite(void)
{
	Suite *s = suite_create("edges");
	TCase *tc = tcase_new("edges");

	tcase_add_test(tc, test_alignment_up_to_and_beyond_reserve);
	tcase_add_test(tc, test_alignment_whole_reserve);
	tcase_add_test(tc, test_sizes_near_size_max_everywhere);
	tcase_add_test(tc, test_reserve_near_size_max);
	tcase_add_test(tc, test_rewind_foreign_marks);
	tcase_add_test(tc, test_big_grow_from_odd_end);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(edges_suite)
