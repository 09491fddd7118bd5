/*
 * test_alloc.c - bump_malloc, bump_calloc, bump_aligned_alloc,
 * bump_realloc and bump_free.
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

static int
all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/*
 * Fresh arena whose first allocation marks the region start, made one
 * contiguous block (whole_arena) so that placement is exact.
 */
static bump_t *
fresh(size_t reserve, unsigned flags)
{
	bump_t *b = bump_create(reserve, flags);

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_used(b), 0);
	whole_arena(b);
	return b;
}

START_TEST(test_malloc_alignment_every_size)
{
	bump_t *b = fresh(0, 0);
	size_t n;

	for (n = 0; n <= 4096; n++) {
		/* An odd top first, so that any missing padding shows. */
		unsigned char *odd = bump_malloc(b, 1);
		unsigned char *p;
		size_t a = natural_align(n);

		ck_assert_ptr_nonnull(odd);
		if (bump_used(b) % 2 == 0) {
			odd = bump_malloc(b, 1);
			ck_assert_ptr_nonnull(odd);
		}
		ck_assert_uint_eq(bump_used(b) % 2, 1);
		*odd = 0x11;
		p = bump_malloc(b, n);
		ck_assert_ptr_nonnull(p);
		ck_assert_msg((uintptr_t)p % a == 0,
		    "malloc(%zu) = %p, not %zu-aligned", n, (void *)p, a);
		if (n >= 16 && MAX_ALIGN >= 16)
			ck_assert_msg((uintptr_t)p % 16 == 0,
			    "malloc(%zu) = %p not 16-aligned", n, (void *)p);
		assert_addr_gt(p, odd);
		memset(p, 0xab, n);
		ck_assert_uint_eq(*odd, 0x11);
	}
#if defined(__x86_64__)
	ck_assert_uint_eq(MAX_ALIGN, 16);
#endif
	bump_destroy(b);
}
END_TEST

START_TEST(test_malloc_zero_unique)
{
	enum { N = 1000 };
	bump_t *b = fresh(0, 0);
	unsigned char *p[N];
	int i;

	for (i = 0; i < N; i++) {
		p[i] = bump_malloc(b, 0);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_int_eq(bump_owns(b, p[i]), 1);
		if (i > 0)
			assert_addr_gt(p[i], p[i - 1]);
	}
	/* Each zero-size block consumes exactly one byte. */
	ck_assert_uint_eq(bump_used(b), N);
	ck_assert_ptr_eq(p[N - 1], p[0] + N - 1);
	bump_destroy(b);
}
END_TEST

START_TEST(test_blocks_do_not_overlap)
{
	enum { N = 5000 };
	bump_t *b = fresh(64 * MiB, 0);
	static unsigned char *p[N];
	static size_t sz[N];
	uint32_t x = 12345;
	int i;

	for (i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		sz[i] = (x >> 8) % 3000;
		if (i % 7 == 0)
			p[i] = bump_calloc(b, 1, sz[i]);
		else if (i % 11 == 0)
			p[i] = bump_aligned_alloc(b, (size_t)1 << (i % 10),
			    sz[i]);
		else
			p[i] = bump_malloc(b, sz[i]);
		ck_assert_ptr_nonnull(p[i]);
		memset(p[i], i & 0xff, sz[i]);
		if (i > 0)
			assert_addr_ge(p[i], p[i - 1] +
			    (sz[i - 1] ? sz[i - 1] : 1));
	}
	for (i = 0; i < N; i++)
		ck_assert_msg(all_bytes(p[i], sz[i], (unsigned char)i),
		    "block %d (%zu bytes) overwritten", i, sz[i]);
	bump_destroy(b);
}
END_TEST

START_TEST(test_exhaustion_small_arena)
{
	bump_t *b = fresh(64 * KiB, 0);
	const size_t cap = bump_capacity(b);
	unsigned char *first, *p, *q;
	size_t used;
	void *r;

	ck_assert_uint_eq(cap, 64 * KiB);
	first = bump_malloc(b, 40000);
	ck_assert_ptr_nonnull(first);
	memset(first, 0x5c, 40000);
	used = bump_used(b);
	ck_assert_uint_eq(used, 40000);

	errno = 0;
	r = bump_malloc(b, cap - used + 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), used);
	errno = 0;
	r = bump_malloc(b, 30000);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), used);

	/* A smaller request still succeeds, right where the top was. */
	p = bump_malloc(b, 1008);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(p, first + 40000);
	used = bump_used(b);
	ck_assert_uint_eq(used, 41008);
	/* Exactly the rest fits; then nothing does, not even 0 bytes. */
	q = bump_malloc(b, cap - used);
	ck_assert_ptr_nonnull(q);
	memset(q, 1, cap - used);
	ck_assert_ptr_eq(q, first + used);
	ck_assert_uint_eq(bump_used(b), cap);
	errno = 0;
	r = bump_malloc(b, 1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	r = bump_malloc(b, 0);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), cap);
	ck_assert(all_bytes(first, 40000, 0x5c));

	/* After a reset the same amount fits again. */
	bump_reset(b);
	p = bump_malloc(b, 40000);
	ck_assert_ptr_eq(p, first);
	q = bump_malloc(b, cap - 40000);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(bump_used(b), cap);
	bump_destroy(b);
}
END_TEST

START_TEST(test_huge_sizes_never_wrap)
{
	bump_t *b = fresh(MiB, 0);
	const size_t cap = bump_capacity(b);
	size_t used, i;
	void *r, *odd;

	odd = bump_malloc(b, 1);	/* top at an odd offset */
	ck_assert_ptr_nonnull(odd);
	odd = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(odd);
	used = bump_used(b);
	ck_assert_uint_eq(used, 116);
	{
		const size_t big[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15,
		    SIZE_MAX - 16, SIZE_MAX / 2, SIZE_MAX / 2 + 1,
		    SIZE_MAX - cap, SIZE_MAX - cap + 1, SIZE_MAX - used,
		    SIZE_MAX - used + 1, SIZE_MAX - used - 15,
		    SIZE_MAX - (uintptr_t)odd, SIZE_MAX - (uintptr_t)odd + 1,
		    (size_t)0 - (uintptr_t)odd - 117, cap, cap + 1,
		    cap - used + 1 };

		for (i = 0; i < sizeof big / sizeof big[0]; i++) {
			errno = 0;
			r = bump_malloc(b, big[i]);
			ck_assert_msg(r == NULL, "malloc(%zu) = %p", big[i], r);
			ck_assert_int_eq(errno, ENOMEM);
			ck_assert_uint_eq(bump_used(b), used);

			errno = 0;
			r = bump_calloc(b, 1, big[i]);
			ck_assert_msg(r == NULL, "calloc(1, %zu) = %p", big[i],
			    r);
			ck_assert_int_eq(errno, ENOMEM);
			ck_assert_uint_eq(bump_used(b), used);

			errno = 0;
			r = bump_aligned_alloc(b, 64, big[i]);
			ck_assert_msg(r == NULL, "aligned_alloc(64, %zu) = %p",
			    big[i], r);
			ck_assert_int_eq(errno, ENOMEM);
			ck_assert_uint_eq(bump_used(b), used);

			/* odd (the newest block) starts at offset 16 */
			if (big[i] > cap - 16) {
				errno = 0;
				r = bump_realloc(b, odd, big[i]);
				ck_assert_msg(r == NULL, "realloc(newest, %zu)"
				    " = %p", big[i], r);
				ck_assert_int_eq(errno, ENOMEM);
				ck_assert_uint_eq(bump_used(b), used);
			}

			errno = 0;
			r = bump_realloc(b, NULL, big[i]);
			ck_assert_ptr_null(r);
			ck_assert_int_eq(errno, ENOMEM);
			ck_assert_uint_eq(bump_used(b), used);
		}
	}
	/* Nothing was disturbed: the rest of the arena is still there. */
	r = bump_malloc(b, cap - ((used + 15) & ~(size_t)15));
	ck_assert_ptr_nonnull(r);
	bump_destroy(b);
}
END_TEST

START_TEST(test_null_arena_einval)
{
	char c = 0;
	void *r;

	errno = 0;
	r = bump_malloc(NULL, 16);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_malloc(NULL, 0);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_calloc(NULL, 4, 4);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_realloc(NULL, NULL, 16);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_realloc(NULL, &c, 16);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	r = bump_aligned_alloc(NULL, 16, 16);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	bump_free(NULL, &c);
	bump_free(NULL, NULL);
	ck_assert_int_eq(errno, 0);
	ck_assert_int_eq(c, 0);
}
END_TEST

START_TEST(test_errno_untouched_on_success)
{
	bump_t *b = fresh(0, 0);
	unsigned char *p, *q;

#define KEEPS_ERRNO(expr) do {						\
	errno = 12345;							\
	expr;								\
	ck_assert_int_eq(errno, 12345);					\
} while (0)

	KEEPS_ERRNO(p = bump_malloc(b, 100));
	ck_assert_ptr_nonnull(p);
	KEEPS_ERRNO(q = bump_malloc(b, 0));
	ck_assert_ptr_nonnull(q);
	KEEPS_ERRNO(q = bump_calloc(b, 10, 10));
	ck_assert_ptr_nonnull(q);
	KEEPS_ERRNO(q = bump_aligned_alloc(b, 4096, 10));
	ck_assert_ptr_nonnull(q);
	KEEPS_ERRNO(q = bump_realloc(b, q, 5000));	/* in place */
	ck_assert_ptr_nonnull(q);
	KEEPS_ERRNO(q = bump_realloc(b, p, 200));	/* moves */
	ck_assert_ptr_nonnull(q);
	KEEPS_ERRNO(q = bump_realloc(b, q, 0));
	ck_assert_ptr_nonnull(q);
	KEEPS_ERRNO(bump_free(b, q));
	KEEPS_ERRNO(bump_free(b, p));
	KEEPS_ERRNO(bump_reset(b));
	KEEPS_ERRNO(q = bump_calloc(b, 1, 300));	/* reused memory */
	ck_assert_ptr_nonnull(q);
	ck_assert(all_bytes(q, 300, 0));
#undef KEEPS_ERRNO
	bump_destroy(b);
}
END_TEST

START_TEST(test_calloc_zeroes)
{
	bump_t *b = fresh(0, 0);
	const size_t n = 256 * KiB;
	unsigned char *p, *q;
	bump_mark_t m;

	p = bump_calloc(b, n, 1);
	ck_assert_ptr_nonnull(p);
	ck_assert(all_bytes(p, n, 0));
	memset(p, 0xaa, n);

	/* after reset */
	bump_reset(b);
	q = bump_calloc(b, 1, n);
	ck_assert_ptr_eq(q, p);
	ck_assert(all_bytes(q, n, 0));
	memset(q, 0xaa, n);

	/* after reset, a block that is partly reused and partly fresh */
	bump_reset(b);
	q = bump_calloc(b, 4, n);
	ck_assert_ptr_eq(q, p);
	ck_assert(all_bytes(q, 4 * n, 0));
	memset(q, 0xaa, 4 * n);

	/* after freeing the newest block */
	bump_reset(b);
	p = bump_malloc(b, 1);
	ck_assert_ptr_nonnull(p);
	q = bump_malloc(b, 5000);
	ck_assert_ptr_nonnull(q);
	memset(q, 0xaa, 5000);
	bump_free(b, q);
	p = bump_calloc(b, 50, 100);
	ck_assert_ptr_eq(p, q);
	ck_assert(all_bytes(p, 5000, 0));
	memset(p, 0xaa, 5000);

	/* after a rewind */
	m = bump_mark(b);
	q = bump_malloc(b, 8192);
	ck_assert_ptr_nonnull(q);
	memset(q, 0xaa, 8192);
	bump_rewind(b, m);
	p = bump_calloc(b, 8192, 1);
	ck_assert_ptr_eq(p, q);
	ck_assert(all_bytes(p, 8192, 0));
	memset(p, 0xaa, 8192);

	/* after an in-place shrink */
	q = bump_realloc(b, p, 10);
	ck_assert_ptr_eq(q, p);
	p = bump_calloc(b, 1, 8000);
	ck_assert_ptr_nonnull(p);
	ck_assert(all_bytes(p, 8000, 0));
	ck_assert(all_bytes(q, 10, 0xaa));

	/* different alignment than before */
	bump_reset(b);
	p = bump_malloc(b, 3);
	ck_assert_ptr_nonnull(p);
	q = bump_calloc(b, 3, 1000);
	ck_assert_ptr_eq(q, p + 16);
	ck_assert(all_bytes(q, 3000, 0));
	bump_destroy(b);
}
END_TEST

START_TEST(test_calloc_overflow)
{
	bump_t *b = fresh(0, 0);
	void *r = bump_malloc(b, 7);
	const size_t pairs[][2] = {
		{ SIZE_MAX / 2 + 1, 2 }, { 2, SIZE_MAX / 2 + 1 },
		{ SIZE_MAX, SIZE_MAX }, { (size_t)1 << (sizeof(size_t) * 4),
		    (size_t)1 << (sizeof(size_t) * 4) },
		{ SIZE_MAX / 3 + 1, 3 }, { 65537, SIZE_MAX / 65536 },
		{ SIZE_MAX, 2 }, { 16, SIZE_MAX / 8 }
	};
	size_t used, i;

	ck_assert_ptr_nonnull(r);
	used = bump_used(b);
	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		errno = 0;
		r = bump_calloc(b, pairs[i][0], pairs[i][1]);
		ck_assert_msg(r == NULL, "calloc(%zu, %zu) = %p", pairs[i][0],
		    pairs[i][1], r);
		ck_assert_int_eq(errno, ENOMEM);
		ck_assert_uint_eq(bump_used(b), used);
	}
	bump_destroy(b);
}
END_TEST

START_TEST(test_calloc_zero_sizes)
{
	bump_t *b = fresh(0, 0);
	void *p, *q, *r, *s;

	p = bump_calloc(b, 0, 10);
	q = bump_calloc(b, 10, 0);
	r = bump_calloc(b, 0, 0);
	s = bump_calloc(b, 0, opaque_size(SIZE_MAX));
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_ne(p, q);
	ck_assert_ptr_ne(q, r);
	ck_assert_ptr_ne(r, s);
	ck_assert_ptr_ne(p, s);
	bump_destroy(b);
}
END_TEST

START_TEST(test_aligned_alloc_powers)
{
	bump_t *b = fresh(0, 0);
	const size_t sizes[] = { 0, 1, 100 };
	size_t a, k;
	unsigned char *prev = NULL;

	for (a = 1; a <= 64 * KiB; a <<= 1)
		for (k = 0; k < 3; k++) {
			unsigned char *odd = bump_malloc(b, 1);
			unsigned char *p;

			ck_assert_ptr_nonnull(odd);
			p = bump_aligned_alloc(b, a, sizes[k]);
			ck_assert_ptr_nonnull(p);
			ck_assert_msg((uintptr_t)p % a == 0,
			    "aligned_alloc(%zu, %zu) = %p", a, sizes[k],
			    (void *)p);
			assert_addr_gt(p, odd);
			ck_assert_ptr_ne(p, prev);
			ck_assert_int_eq(bump_owns(b, p), 1);
			memset(p, 0x3c, sizes[k]);
			prev = p;
		}
	for (a = MiB; a <= 2 * MiB; a <<= 1)
		for (k = 0; k < 3; k++) {
			unsigned char *odd = bump_malloc(b, 1);
			unsigned char *p;

			ck_assert_ptr_nonnull(odd);
			p = bump_aligned_alloc(b, a, sizes[k]);
			ck_assert_ptr_nonnull(p);
			ck_assert_msg((uintptr_t)p % a == 0,
			    "aligned_alloc(%zu, %zu) = %p", a, sizes[k],
			    (void *)p);
			assert_addr_gt(p, odd);
			memset(p, 0x3c, sizes[k]);
		}
	/* A small alignment with a big size still gets room for it all. */
	prev = bump_aligned_alloc(b, 2, 3 * MiB);
	ck_assert_ptr_nonnull(prev);
	ck_assert_uint_eq((uintptr_t)prev % 2, 0);
	memset(prev, 0, 3 * MiB);
	bump_destroy(b);
}
END_TEST

START_TEST(test_aligned_alloc_bad_alignment)
{
	bump_t *b = fresh(0, 0);
	const size_t bad[] = { 0, 3, 5, 6, 12, 24, 48, 100, 4097,
	    ((size_t)1 << 20) + 1, SIZE_MAX, SIZE_MAX / 2 };
	size_t used, i;
	void *r = bump_malloc(b, 5);

	ck_assert_ptr_nonnull(r);
	used = bump_used(b);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		r = bump_aligned_alloc(b, bad[i], 16);
		ck_assert_msg(r == NULL, "aligned_alloc(%zu) = %p", bad[i], r);
		ck_assert_int_eq(errno, EINVAL);
		errno = 0;
		r = bump_aligned_alloc(b, bad[i], 0);
		ck_assert_ptr_null(r);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_uint_eq(bump_used(b), used);
	}
	/* Powers of two too large to ever satisfy. */
	for (i = 48; i < sizeof(size_t) * 8; i++) {
		errno = 0;
		r = bump_aligned_alloc(b, (size_t)1 << i, 1);
		ck_assert_msg(r == NULL, "aligned_alloc(1<<%zu) = %p", i, r);
		ck_assert_int_eq(errno, ENOMEM);
		ck_assert_uint_eq(bump_used(b), used);
	}
	r = bump_aligned_alloc(b, 16, 16);
	ck_assert_ptr_nonnull(r);
	bump_destroy(b);
}
END_TEST

START_TEST(test_realloc_null_is_malloc)
{
	bump_t *b = fresh(0, 0);
	unsigned char *p, *q;

	p = bump_malloc(b, 3);
	ck_assert_ptr_nonnull(p);
	q = bump_realloc(b, NULL, 100);
	ck_assert_ptr_nonnull(q);
	memset(q, 1, 100);
	ck_assert_ptr_eq(q, p + 16);
	ck_assert_uint_eq(bump_used(b), 116);
	bump_destroy(b);
}
END_TEST

START_TEST(test_realloc_in_place)
{
	bump_t *b = fresh(0, 0);
	unsigned char *a, *p, *q;
	size_t u0, u;

	a = bump_malloc(b, 7);
	ck_assert_ptr_nonnull(a);
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	u0 = (size_t)(p - a);	/* offset of p */
	ck_assert_uint_eq(u0, 16);
	memset(p, 0x61, 100);
	u = bump_used(b);
	ck_assert_uint_eq(u, u0 + 100);

	q = bump_realloc(b, p, 1000);		/* grow */
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(bump_used(b), u + 900);
	ck_assert(all_bytes(q, 100, 0x61));
	memset(q, 0x62, 1000);

	q = bump_realloc(b, p, 50);		/* shrink */
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(bump_used(b), u0 + 50);
	ck_assert(all_bytes(q, 50, 0x62));

	q = bump_realloc(b, p, 50);		/* same size */
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(bump_used(b), u0 + 50);

	q = bump_realloc(b, p, 0);		/* to nothing */
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(bump_used(b), u0 + 1);
	ck_assert_uint_eq(p[0], 0x62);

	q = bump_realloc(b, p, 64 * MiB);	/* and back up, far */
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(bump_used(b), u0 + 64 * MiB);
	q[64 * MiB - 1] = 1;
	bump_destroy(b);
}
END_TEST

START_TEST(test_realloc_moves_and_copies)
{
	bump_t *b = fresh(0, 0);
	unsigned char *a, *c, *q, *odd;
	size_t i;

	a = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(a);
	for (i = 0; i < 100; i++)
		a[i] = (unsigned char)(i + 1);
	c = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(c);
	memset(c, 0xcc, 100);

	q = bump_realloc(b, a, 300);		/* not the newest: moves */
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(q, a);
	assert_addr_ge(q, c + 100);
	ck_assert_uint_eq((uintptr_t)q % 16, 0);
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(q[i], i + 1);
	ck_assert(all_bytes(c, 100, 0xcc));	/* neighbour untouched */
	memset(q, 0x71, 300);

	/* A newest block that is misaligned for the new size moves too. */
	odd = bump_malloc(b, 1);
	ck_assert_ptr_nonnull(odd);
	odd = bump_malloc(b, 1);
	ck_assert_ptr_nonnull(odd);
	ck_assert_uint_eq((uintptr_t)odd % 2, 1);
	*odd = 0x5e;
	q = bump_realloc(b, odd, 100);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((uintptr_t)q % 16, 0);
	ck_assert_uint_eq(q[0], 0x5e);

	/* Shrinking an old block keeps the prefix. */
	q = bump_realloc(b, c, 10);
	ck_assert_ptr_nonnull(q);
	ck_assert(all_bytes(q, 10, 0xcc));
	bump_destroy(b);
}
END_TEST

START_TEST(test_realloc_foreign_einval)
{
	bump_t *b = fresh(0, 0);
	bump_t *other = fresh(0, 0);
	char stackvar[32] = "stack";
	char *heap = malloc(32);
	unsigned char *p, *o;
	size_t used;
	void *r;

	ck_assert_ptr_nonnull(heap);
	strcpy(heap, "heap");
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	o = bump_malloc(other, 100);
	ck_assert_ptr_nonnull(o);
	used = bump_used(b);

	{
		void *foreign[] = { stackvar, heap, o, p + 100, p + 4096,
		    p + bump_capacity(b) - 1, p - 1, (void *)b };
		size_t i;

		for (i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
			errno = 0;
			r = bump_realloc(b, foreign[i], 10);
			ck_assert_msg(r == NULL, "realloc(foreign #%zu) = %p",
			    i, r);
			ck_assert_int_eq(errno, EINVAL);
			ck_assert_uint_eq(bump_used(b), used);
		}
	}
	ck_assert_str_eq(stackvar, "stack");
	ck_assert_str_eq(heap, "heap");
	ck_assert_uint_eq(bump_used(other), 100);
	free(heap);
	bump_destroy(other);
	bump_destroy(b);
}
END_TEST

START_TEST(test_realloc_failure_keeps_block)
{
	bump_t *b = fresh(64 * KiB, 0);
	unsigned char *a, *c, *r;
	size_t used;

	a = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(a);
	memset(a, 0xa1, 100);
	c = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(c);
	memset(c, 0xc1, 100);
	used = bump_used(b);

	errno = 0;
	r = bump_realloc(b, a, MiB);		/* old block, too big */
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), used);
	ck_assert(all_bytes(a, 100, 0xa1));

	errno = 0;
	r = bump_realloc(b, c, 64 * KiB);	/* newest, just too big */
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), used);
	ck_assert(all_bytes(c, 100, 0xc1));

	errno = 0;
	r = bump_realloc(b, c, opaque_size(SIZE_MAX));
	ck_assert_ptr_null(r);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(bump_used(b), used);
	ck_assert(all_bytes(c, 100, 0xc1));

	/* The newest block can still grow to exactly the end. */
	r = bump_realloc(b, c, 64 * KiB - (size_t)(c - a));
	ck_assert_ptr_eq(r, c);
	ck_assert_uint_eq(bump_used(b), 64 * KiB);
	ck_assert(all_bytes(c, 100, 0xc1));
	bump_destroy(b);
}
END_TEST

START_TEST(test_realloc_growing_array)
{
	const size_t n = (size_t)1 << 20;
	bump_t *b = fresh(0, 0);
	int *first, *p;
	size_t cap, i;

	first = p = bump_realloc(b, NULL, sizeof(int));
	ck_assert_ptr_nonnull(p);
	p[0] = 0;
	for (cap = 1; cap < n; cap *= 2) {
		p = bump_realloc(b, p, 2 * cap * sizeof(int));
		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_eq(p, first);	/* never copied */
		for (i = cap; i < 2 * cap; i++)
			p[i] = (int)(i * 2654435761u);
	}
	for (i = 0; i < n; i++)
		if (p[i] != (int)(i * 2654435761u))
			ck_abort_msg("element %zu is %d", i, p[i]);
	ck_assert_uint_eq(bump_used(b), n * sizeof(int));
	bump_destroy(b);
}
END_TEST

/*
 * Growing one array by realloc, as a program does, from `from` to `to`
 * bytes: doubling (step 0) or by step bytes.  A move is a copy of the
 * lesser of the old and new sizes; the array's bytes are checked at the end.
 */
struct growth {
	unsigned char *p;
	size_t copied, moves;
	size_t moves_past_4m;	/* moves of an array of 4 MiB or more */
};

static unsigned char
byte_at(size_t i)
{
	return (unsigned char)(i ^ (i >> 9) ^ 0x5a);
}

static struct growth
grow_array(bump_t *b, size_t from, size_t to, size_t step)
{
	struct growth g = { NULL, 0, 0, 0 };
	size_t n = from;

	g.p = bump_realloc(b, NULL, n);
	ck_assert_ptr_nonnull(g.p);
	for (size_t i = 0; i < n; i++)
		g.p[i] = byte_at(i);
	while (n < to) {
		size_t m = step != 0 ? n + step : 2 * n;
		unsigned char *q;

		if (m > to)
			m = to;
		q = bump_realloc(b, g.p, m);
		ck_assert_msg(q != NULL, "realloc to %zu failed", m);
		if (q != g.p) {
			g.copied += n < m ? n : m;
			g.moves++;
			g.moves_past_4m += n >= 4 * MiB;
		}
		for (size_t i = n; i < m; i++)
			q[i] = byte_at(i);
		g.p = q;
		n = m;
	}
	for (size_t i = 0; i < n; i++)
		if (g.p[i] != byte_at(i))
			ck_abort_msg("byte %zu of the grown array is %d", i, g.p[i]);
	return g;
}

/*
 * A default arena: the array moves out of each chunk it fills into one
 * four times as big, and each chunk it leaves held nothing else, so it
 * goes back at once.  bump_used stays within the final size plus a chunk
 * of 64 KiB, the bytes copied in all below the final size; past 4 MiB the
 * array moves once more, into the arena's own reservation, then never.
 * (0.2.0: 9 moves to 2 MiB, bump_used 8,344,832 at 4 MiB, 4,150,528 bytes
 * copied.)
 */
START_TEST(test_realloc_growth_fresh)
{
	bump_t *b = bump_create(0, 0);
	struct growth g;
	struct bump_stats st;

	ck_assert_ptr_nonnull(b);
	g = grow_array(b, 128, 4 * MiB, 0);
	ck_assert_uint_le(bump_used(b), 4 * MiB + 64 * KiB);
	ck_assert_uint_lt(g.copied, 4 * MiB);
	st = stats_of(b);
	ck_assert_uint_eq(st.blocks, 1);	/* the chunks it left went back */
	ck_assert_uint_le(st.committed, 4 * MiB + 64 * KiB);
	bump_destroy(b);

	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	g = grow_array(b, 128, 64 * MiB, 0);
	ck_assert_uint_le(bump_used(b), 64 * MiB + 64 * KiB);
	ck_assert_uint_lt(g.copied, 64 * MiB);
	ck_assert_uint_eq(g.moves_past_4m, 1);	/* into the reservation */
	ck_assert_uint_eq(stats_of(b).blocks, 1);
	bump_destroy(b);
}
END_TEST

/*
 * The same after bump_reset (0.2.0: an int array doubled to 4 MiB left
 * 8,126,464 bytes used); the next round then grows in place in the chunk
 * reset kept.
 */
START_TEST(test_realloc_growth_after_reset)
{
	bump_t *b = bump_create(0, 0);
	struct growth g;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(bump_malloc(b, 100));
	bump_reset(b);
	g = grow_array(b, sizeof(int), 4 * MiB, 0);
	ck_assert_uint_le(bump_used(b), 4 * MiB + 64 * KiB);
	ck_assert_uint_lt(g.copied, 4 * MiB);
	bump_reset(b);
	g = grow_array(b, sizeof(int), 4 * MiB, 0);
	ck_assert_uint_eq(g.moves, 0);
	ck_assert_uint_eq(bump_used(b), 4 * MiB);
	bump_destroy(b);
}
END_TEST

/* Growth by 1 KiB at a time: the same bounds. */
START_TEST(test_realloc_growth_steps)
{
	bump_t *b = bump_create(0, 0);
	struct growth g;

	ck_assert_ptr_nonnull(b);
	g = grow_array(b, KiB, 4 * MiB, KiB);
	ck_assert_uint_le(bump_used(b), 4 * MiB + 64 * KiB);
	ck_assert_uint_lt(g.copied, 4 * MiB);
	ck_assert_uint_le(g.moves, 10);
	ck_assert_uint_eq(stats_of(b).blocks, 1);
	bump_destroy(b);
}
END_TEST

/*
 * An older small block below the array: the first chunk holds something
 * else, so it stays (with the array's first copy); the chunks after it go
 * back.  A mark taken before the array still rewinds it away.
 */
START_TEST(test_realloc_growth_older_below)
{
	bump_t *b = bump_create(0, 0);
	unsigned char *older;
	struct growth g;
	bump_mark_t mark;

	ck_assert_ptr_nonnull(b);
	older = bump_malloc(b, 24);
	ck_assert_ptr_nonnull(older);
	memset(older, 0x77, 24);
	mark = bump_mark(b);
	g = grow_array(b, 128, 4 * MiB, 0);
	ck_assert_uint_le(bump_used(b), 4 * MiB + 64 * KiB);
	ck_assert_uint_lt(g.copied, 4 * MiB);
	ck_assert_uint_eq(stats_of(b).blocks, 2);
	ck_assert_int_eq(bump_owns(b, older), 1);
	ck_assert(all_bytes(older, 24, 0x77));
	bump_rewind(b, mark);
	ck_assert_uint_eq(bump_used(b), mark.offset);
	ck_assert_uint_eq(stats_of(b).blocks, 1);
	ck_assert(all_bytes(older, 24, 0x77));
	ck_assert_ptr_nonnull(bump_malloc(b, 100));
	bump_destroy(b);
}
END_TEST

/*
 * A BUMP_THREADSAFE arena has no newest block: every realloc moves, and
 * the old copies stay counted, as before.
 */
START_TEST(test_realloc_growth_threadsafe_unchanged)
{
	bump_t *b = bump_create(0, BUMP_THREADSAFE);
	struct growth g;
	size_t sum = 0;

	ck_assert_ptr_nonnull(b);
	g = grow_array(b, 128, MiB, 0);
	for (size_t n = 128; n <= MiB; n *= 2)
		sum += n;
	ck_assert_uint_eq(g.moves, 13);		/* 128 B -> 1 MiB: each time */
	ck_assert_uint_eq(g.copied, sum - MiB);
	ck_assert_uint_ge(bump_used(b), sum);
	bump_destroy(b);
}
END_TEST

START_TEST(test_free_newest)
{
	bump_t *b = fresh(0, 0);
	unsigned char *start, *p, *q;
	size_t before;

	start = bump_malloc(b, 16);
	ck_assert_ptr_nonnull(start);

	/* No padding needed: used returns to what it was. */
	before = bump_used(b);
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	bump_free(b, p);
	ck_assert_uint_eq(bump_used(b), before);
	q = bump_malloc(b, 100);
	ck_assert_ptr_eq(q, p);

	/* With padding: used becomes p - start. */
	p = bump_malloc(b, 1);
	ck_assert_ptr_nonnull(p);
	before = bump_used(b);
	ck_assert_uint_eq(before, 117);
	q = bump_malloc(b, 32);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((size_t)(q - start), 128);
	bump_free(b, q);
	ck_assert_uint_eq(bump_used(b), 128);	/* q - start, not 117 */
	bump_destroy(b);
}
END_TEST

START_TEST(test_free_older_ignored)
{
	bump_t *b = fresh(0, 0);
	unsigned char *a, *c, *d;
	size_t used;

	a = bump_malloc(b, 64);
	ck_assert_ptr_nonnull(a);
	c = bump_malloc(b, 64);
	ck_assert_ptr_nonnull(c);
	used = bump_used(b);
	ck_assert_uint_eq(used, 128);
	bump_free(b, a);			/* older: nothing */
	ck_assert_uint_eq(bump_used(b), used);
	bump_free(b, c);			/* newest: given back */
	ck_assert_uint_eq(bump_used(b), 64);
	bump_free(b, a);			/* no newest block any more */
	ck_assert_uint_eq(bump_used(b), 64);
	bump_free(b, c);			/* freeing twice: nothing */
	ck_assert_uint_eq(bump_used(b), 64);
	d = bump_malloc(b, 64);
	ck_assert_ptr_eq(d, c);
	bump_destroy(b);
}
END_TEST

START_TEST(test_free_ignored_cases)
{
	bump_t *b = fresh(0, 0);
	bump_t *other = fresh(0, 0);
	char stackvar = 's';
	char *heap = malloc(16);
	unsigned char *p, *o;
	size_t used;

	ck_assert_ptr_nonnull(heap);
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	o = bump_malloc(other, 100);
	ck_assert_ptr_nonnull(o);
	used = bump_used(b);
	errno = 0;
	bump_free(b, NULL);
	bump_free(b, &stackvar);
	bump_free(b, heap);
	bump_free(b, o);
	bump_free(b, p + 100);
	bump_free(b, p + 8192);
	bump_free(NULL, p);
	ck_assert_int_eq(errno, 0);
	ck_assert_uint_eq(bump_used(b), used);
	ck_assert_uint_eq(bump_used(other), 100);
	ck_assert_int_eq(stackvar, 's');
	free(heap);
	/* p is still the newest block and can still be freed. */
	bump_free(b, p);
	ck_assert_uint_eq(bump_used(b), 0);
	bump_destroy(other);
	bump_destroy(b);
}
END_TEST

START_TEST(test_stack_like_loop)
{
	bump_t *b = fresh(0, 0);
	unsigned char *first = NULL;
	int i;

	for (i = 0; i < 100000; i++) {
		unsigned char *p = bump_malloc(b, 100);

		ck_assert_ptr_nonnull(p);
		if (first == NULL)
			first = p;
		ck_assert_ptr_eq(p, first);
		p[99] = (unsigned char)i;
		bump_free(b, p);
	}
	ck_assert_uint_eq(bump_used(b), 0);
	bump_destroy(b);
}
END_TEST

START_TEST(test_threadsafe_differences)
{
	bump_t *b = fresh(0, BUMP_THREADSAFE);
	unsigned char *p, *q;
	size_t used, i;

	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 100; i++)
		p[i] = (unsigned char)i;
	used = bump_used(b);
	ck_assert_uint_eq(used, 100);

	bump_free(b, p);			/* never reclaims */
	ck_assert_uint_eq(bump_used(b), used);
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(p[i], i);

	q = bump_realloc(b, p, 200);		/* always moves */
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(q, p);
	ck_assert_uint_eq((uintptr_t)q % 16, 0);
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(q[i], i);
	ck_assert_uint_ge(bump_used(b), used + 200);
	used = bump_used(b);

	p = bump_realloc(b, q, 50);		/* even when shrinking */
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_ne(p, q);
	for (i = 0; i < 50; i++)
		ck_assert_uint_eq(p[i], i);
	ck_assert_uint_ge(bump_used(b), used + 50);

	/* Everything else behaves as in a plain arena. */
	q = bump_calloc(b, 10, 10);
	ck_assert_ptr_nonnull(q);
	ck_assert(all_bytes(q, 100, 0));
	q = bump_aligned_alloc(b, 4096, 1);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((uintptr_t)q % 4096, 0);
	bump_destroy(b);
}
END_TEST

static Suite *
alloc_suite(void)
{
	Suite *s = suite_create("alloc");
	TCase *m = tcase_new("malloc");
	TCase *c = tcase_new("calloc");
	TCase *a = tcase_new("aligned");
	TCase *r = tcase_new("realloc");
	TCase *f = tcase_new("free");

	tcase_add_test(m, test_malloc_alignment_every_size);
	tcase_add_test(m, test_malloc_zero_unique);
	tcase_add_test(m, test_blocks_do_not_overlap);
	tcase_add_test(m, test_exhaustion_small_arena);
	tcase_add_test(m, test_huge_sizes_never_wrap);
	tcase_add_test(m, test_null_arena_einval);
	tcase_add_test(m, test_errno_untouched_on_success);
	suite_add_tcase(s, m);

	tcase_add_test(c, test_calloc_zeroes);
	tcase_add_test(c, test_calloc_overflow);
	tcase_add_test(c, test_calloc_zero_sizes);
	suite_add_tcase(s, c);

	tcase_add_test(a, test_aligned_alloc_powers);
	tcase_add_test(a, test_aligned_alloc_bad_alignment);
	suite_add_tcase(s, a);

	tcase_add_test(r, test_realloc_null_is_malloc);
	tcase_add_test(r, test_realloc_in_place);
	tcase_add_test(r, test_realloc_moves_and_copies);
	tcase_add_test(r, test_realloc_foreign_einval);
	tcase_add_test(r, test_realloc_failure_keeps_block);
	tcase_add_test(r, test_realloc_growing_array);
	tcase_add_test(r, test_realloc_growth_fresh);
	tcase_add_test(r, test_realloc_growth_after_reset);
	tcase_add_test(r, test_realloc_growth_steps);
	tcase_add_test(r, test_realloc_growth_older_below);
	tcase_add_test(r, test_realloc_growth_threadsafe_unchanged);
	suite_add_tcase(s, r);

	tcase_add_test(f, test_free_newest);
	tcase_add_test(f, test_free_older_ignored);
	tcase_add_test(f, test_free_ignored_cases);
	tcase_add_test(f, test_stack_like_loop);
	tcase_add_test(f, test_threadsafe_differences);
	suite_add_tcase(s, f);
	return s;
}

TEST_MAIN(alloc_suite)
