/*
 * test_scale.c - arenas at server scale: many small arenas over the shared
 * chunk layer, growth across chunks, arenas over the caller's memory,
 * giving memory back, misuse of dead arenas, statistics.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <errno.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

/* Mappings of this process (lines of /proc/self/maps), or -1. */
static long
mappings(void)
{
#ifdef __linux__
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;

	if (f == NULL)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
#else
	return -1;
#endif
}

/* n new arenas of one 100-byte block each, its bytes written. */
static void
make_small_arenas(bump_t **b, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char *p;

		b[i] = bump_create(0, 0);
		ck_assert_ptr_nonnull(b[i]);
		p = bump_malloc(b[i], 100);
		ck_assert_ptr_nonnull(p);
		fill_bytes(p, i & 0xff, 100);
	}
}

/* 100,000 live arenas of 100 bytes: cheap in RSS and in mappings. */
START_TEST(test_many_small_arenas)
{
	enum { N = 100000 };
	static bump_t *b[N];
	long rss0, rss1, maps0, maps1;

	bump_destroy(bump_create(0, 0));	/* the layer's first span */
	rss0 = rss_kib();
	maps0 = mappings();
	make_small_arenas(b, N);
	rss1 = rss_kib();
	maps1 = mappings();
	for (int i = 0; i < N; i += 997) {
		unsigned char *p = bump_malloc(b[i], 1);

		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(bump_owns(b[i], p), 1);
		ck_assert_int_eq(bump_owns(b[(i + 1) % N], p), 0);
		ck_assert_uint_eq(bump_used(b[i]), 101);
	}
	for (int i = 0; i < N; i++)
		bump_destroy(b[i]);
	if (maps0 > 0)	/* a few spans, not mappings per arena */
		ck_assert_int_lt(maps1 - maps0, 64);
	SKIP_UNLESS_RSS(rss0);
	fprintf(stderr, "%s:%d: %d arenas of 100 bytes: %.0f bytes of RSS "
	    "each\n", __FILE__, __LINE__, N,
	    (double)(rss1 - rss0) * 1024.0 / N);
	ck_assert_int_le((rss1 - rss0) * 1024 / N, 1024);
}
END_TEST

/*
 * An array grown by repeated realloc to 1M elements moves from chunk to
 * chunk at most O(log n) times and copies, in total, fewer bytes than its
 * final size; every element survives.
 */
START_TEST(test_growing_array_copies_less_than_final)
{
	const size_t n = (size_t)1 << 20;
	bump_t *b = bump_create(0, 0);
	int *p = NULL;
	size_t cap = 0, copied = 0, moves = 0, i;

	ck_assert_ptr_nonnull(b);
	for (i = 0; i < n; i++) {
		if (i == cap) {
			size_t ncap = cap ? 2 * cap : 1;
			int *q = bump_realloc(b, p, ncap * sizeof *q);

			ck_assert_ptr_nonnull(q);
			if (p != NULL && q != p) {
				copied += cap * sizeof *q;
				moves++;
			}
			p = q;
			cap = ncap;
		}
		p[i] = (int)(i * 2654435761u);
	}
	for (i = 0; i < n; i++)
		if (p[i] != (int)(i * 2654435761u))
			ck_abort_msg("element %zu is %d", i, p[i]);
	ck_assert_uint_lt(copied, n * sizeof *p);
	ck_assert_uint_le(moves, 20);
	ck_assert_int_eq(bump_owns(b, p), 1);
	ck_assert_int_eq(bump_owns(b, p + n - 1), 1);
	bump_destroy(b);
}
END_TEST

/* Blocks from..to-1 of sizes sz[], each filled with its index. */
static void
fill_blocks(bump_t *b, unsigned char **p, size_t *sz, int from, int to)
{
	for (int i = from; i < to; i++) {
		sz[i] = (size_t)(i * 37 % 5000) + 1;
		p[i] = bump_malloc(b, sz[i]);
		ck_assert_ptr_nonnull(p[i]);
		memset(p[i], i & 0xff, sz[i]);
	}
}

/* Blocks spread over many chunks; mark/rewind and owns work across them. */
START_TEST(test_mark_rewind_across_chunks)
{
	enum { N = 3000 };
	bump_t *b = bump_create(0, 0);
	static unsigned char *p[N];
	static size_t sz[N];
	bump_mark_t m;
	size_t used_at_mark;
	int half = N / 2;

	ck_assert_ptr_nonnull(b);
	fill_blocks(b, p, sz, 0, half);
	m = bump_mark(b);
	used_at_mark = bump_used(b);
	ck_assert_uint_eq(m.offset, used_at_mark);
	fill_blocks(b, p, sz, half, N);
	ck_assert_uint_gt(bump_used(b), 5 * MiB);	/* many chunks */
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(bump_owns(b, p[i]), 1);
		ck_assert_int_eq(bump_owns(b, p[i] + sz[i] - 1), 1);
	}
	bump_rewind(b, m);
	ck_assert_uint_eq(bump_used(b), used_at_mark);
	for (int i = 0; i < half; i++)
		for (size_t k = 0; k < sz[i]; k += 97)
			ck_assert_uint_eq(p[i][k], (unsigned)(i & 0xff));
	/* The arena goes on from the mark, and fills up again. */
	for (int i = half; i < N; i++) {
		unsigned char *q = bump_malloc(b, sz[i]);

		ck_assert_ptr_nonnull(q);
		memset(q, 0xee, sz[i]);
	}
	for (int i = 0; i < half; i++)
		ck_assert_uint_eq(p[i][sz[i] - 1], (unsigned)(i & 0xff));
	/* A mark beyond the top is ignored. */
	m.offset = bump_used(b) + 1;
	bump_rewind(b, m);
	ck_assert_uint_gt(bump_used(b), used_at_mark);
	bump_reset(b);
	ck_assert_uint_eq(bump_used(b), 0);
	bump_destroy(b);
}
END_TEST

/* The cap counts bytes handed out, across chunks. */
START_TEST(test_cap_across_chunks)
{
	bump_t *b = bump_create(64 * KiB, 0);
	size_t total = 0;
	void *p;

	ck_assert_ptr_nonnull(b);
	while ((p = bump_malloc(b, 1000)) != NULL)
		total += 1000;
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_le(bump_used(b), 64 * KiB);
	ck_assert_uint_gt(total, 64 * KiB - 2000);
	/* Nothing changed: a block that still fits is served. */
	ck_assert_ptr_nonnull(bump_malloc(b, 64 * KiB - bump_used(b)));
	ck_assert_uint_eq(bump_used(b), 64 * KiB);
	errno = 0;
	ck_assert_ptr_null(bump_malloc(b, 1));
	ck_assert_int_eq(errno, ENOMEM);
	bump_destroy(b);
}
END_TEST

/* calloc gives zeros in chunks reused from other arenas. */
START_TEST(test_calloc_in_reused_chunks)
{
	for (int round = 0; round < 3; round++) {
		bump_t *b = bump_create(0, 0);

		ck_assert_ptr_nonnull(b);
		for (size_t n = 1; n < 300 * KiB; n = n * 3 + 1) {
			unsigned char *p = bump_calloc(b, 1, n);

			ck_assert_ptr_nonnull(p);
			for (size_t i = 0; i < n; i++)
				if (p[i] != 0)
					ck_abort_msg("byte %zu of %zu is %u", i,
					    n, p[i]);
			memset(p, 0xff, n);
		}
		bump_destroy(b);
	}
}
END_TEST

/* Destroying twice, or using a dead handle, is caught and harmless. */
START_TEST(test_double_destroy_detected)
{
	bump_t *a = bump_create(0, 0), *b, *c;
	void *p;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(bump_malloc(a, 5000));
	bump_destroy(a);
	bump_destroy(a);	/* ignored */
	errno = 0;
	ck_assert_ptr_null(bump_malloc(a, 10));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(bump_used(a), 0);
	ck_assert_uint_eq(bump_capacity(a), 0);
	ck_assert_int_eq(bump_owns(a, &p), 0);
	/* The chunk cache is intact: two new arenas are distinct. */
	b = bump_create(0, 0);
	c = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(b, c);
	p = bump_malloc(b, 5000);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, 5000);
	ck_assert_int_eq(bump_owns(c, p), 0);
	ck_assert_ptr_nonnull(bump_malloc(c, 5000));
	bump_destroy(b);
	bump_destroy(c);
	/* Each appears once in the cache: the next two are distinct too. */
	b = bump_create(0, 0);
	c = bump_create(0, 0);
	ck_assert_ptr_ne(b, c);
	bump_destroy(c);
	bump_destroy(b);
}
END_TEST

/*
 * bump_trim of an arena whose current chunk is smaller than a page gives
 * back nothing: the page is shared with other arenas (found by the
 * fuzzer: a purge rounded up to the page zeroed a neighbour's
 * bookkeeping).
 */
START_TEST(test_trim_small_chunk_spares_neighbours)
{
	enum { N = 32 };
	bump_t *b[N];
	unsigned char *p[N];

	for (int i = 0; i < N; i++) {
		b[i] = bump_create(0, 0);
		ck_assert_ptr_nonnull(b[i]);
		p[i] = bump_malloc(b[i], 100);
		ck_assert_ptr_nonnull(p[i]);
		memset(p[i], i + 1, 100);
	}
	for (int i = 0; i < N; i += 2) {
		bump_reset(b[i]);
		ck_assert_int_eq(bump_trim(b[i]), 0);
	}
	for (int i = 1; i < N; i += 2) {
		ck_assert_uint_eq(bump_used(b[i]), 100);
		ck_assert(p[i][0] == i + 1 && p[i][99] == i + 1);
	}
	for (int i = 0; i < N; i++) {
		ck_assert_uint_eq(bump_capacity(b[i]), BUMP_DEFAULT_RESERVE);
		bump_destroy(b[i]);
	}
}
END_TEST

/*
 * A reused chunk is dirty to its very end, not only up to the arena's
 * cap: after a reset moves it to offset 0 the limit grows, and calloc
 * must still clear what the chunk's previous owner wrote (found by the
 * fuzzer).
 */
START_TEST(test_calloc_past_old_limit_after_reset)
{
	const size_t cap = 3 * MiB;
	bump_t *a = bump_create(0, 0), *b;
	unsigned char *p;

	ck_assert_ptr_nonnull(a);
	p = bump_malloc(a, 4 * MiB);	/* one 4 MiB chunk, all written */
	ck_assert_ptr_nonnull(p);
	memset(p, 0xff, 4 * MiB);
	bump_destroy(a);	/* the chunk goes back to the cache, dirty */
	b = bump_create(cap, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(bump_malloc(b, 100));
	/* Needs a 4 MiB chunk, at offset 100: its limit is 100 short. */
	ck_assert_ptr_nonnull(bump_malloc(b, cap - 200));
	bump_reset(b);		/* the 4 MiB chunk is kept, at offset 0 */
	p = bump_calloc(b, 1, cap);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < cap; i++)
		if (p[i] != 0)
			ck_abort_msg("calloc byte %zu of %zu is %#x", i, cap, p[i]);
	bump_destroy(b);
}
END_TEST

/* ---- bump_create_in ---------------------------------------------------- */

START_TEST(test_create_in_serves_from_buffer)
{
	static _Alignas(64) unsigned char buf[16 * 1024];
	bump_t *b = bump_create_in(buf, sizeof buf, 0);
	unsigned char *p, *q;
	size_t cap, n = 0;

	ck_assert_ptr_nonnull(b);
	cap = bump_capacity(b);
	ck_assert_uint_gt(cap, sizeof buf - 1024);
	ck_assert_uint_lt(cap, sizeof buf);
	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	assert_addr_ge(p, buf);
	ck_assert_uint_le((uintptr_t)p + 100, (uintptr_t)buf + sizeof buf);
	ck_assert_int_eq(bump_owns(b, p), 1);
	ck_assert_int_eq(bump_owns(b, buf + sizeof buf), 0);
	/* The newest block grows in place and frees. */
	q = bump_realloc(b, p, 1000);
	ck_assert_ptr_eq(q, p);
	bump_free(b, q);
	ck_assert_uint_eq(bump_used(b), 0);
	/* Exhaustion: NULL/ENOMEM, nothing changed, smaller fits. */
	while ((p = bump_malloc(b, 512)) != NULL) {
		ck_assert_uint_le((uintptr_t)p + 512,
		    (uintptr_t)buf + sizeof buf);
		n++;
	}
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_ge(n, cap / 512 - 1);
	ck_assert_ptr_nonnull(bump_malloc(b, cap - bump_used(b)));
	ck_assert_uint_eq(bump_used(b), cap);
	bump_reset(b);
	ck_assert_uint_eq(bump_used(b), 0);
	ck_assert_int_eq(bump_trim(b), 0);
	bump_destroy(b);
	bump_destroy(b);	/* ignored */
	/* The buffer is the caller's again: a new arena over it works. */
	b = bump_create_in(buf, sizeof buf, BUMP_THREADSAFE);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(bump_calloc(b, 10, 10));
	bump_destroy(b);
}
END_TEST

START_TEST(test_create_in_on_stack_unaligned)
{
	char stack[4096];
	bump_t *b = bump_create_in(stack + 3, sizeof stack - 3, BUMP_PREFAULT);
	char *s;

	ck_assert_ptr_nonnull(b);
	s = bump_strdup(b, "on the stack");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "on the stack");
	assert_addr_gt(s, stack + 3);
	ck_assert_uint_eq((uintptr_t)bump_malloc(b, 16) % MAX_ALIGN, 0);
	bump_destroy(b);
}
END_TEST

/*
 * Whatever the buffer's address (offsets 0-15 from a 64-byte boundary),
 * the region starts aligned to BUMP_MAX_ALIGN and bump_capacity() bytes
 * come in one block that ends inside the buffer; aligning costs at most
 * MAX_ALIGN - 1 bytes of it.  (0.2.0 failed with ENOMEM 1-8 bytes past a
 * 16-byte boundary: its region started 8-aligned.)
 */
START_TEST(test_create_in_any_offset)
{
	static _Alignas(64) unsigned char buf[4096 + 64];
	const size_t size = 4096;
	size_t cap0 = 0;

	for (size_t off = 0; off < 16; off++) {
		unsigned char *start = buf + off;
		bump_t *b = bump_create_in(start, size, 0);
		unsigned char *p;
		size_t cap;

		ck_assert_ptr_nonnull(b);
		cap = bump_capacity(b);
		errno = 0;
		p = bump_malloc(b, cap);
		ck_assert_msg(p != NULL, "offset %zu: bump_malloc(capacity %zu) "
		    "failed, errno %d", off, cap, errno);
		ck_assert_uint_eq((uintptr_t)p % MAX_ALIGN, 0);
		assert_addr_ge(p, start);
		ck_assert_uint_le((uintptr_t)p + cap, (uintptr_t)start + size);
		ck_assert_uint_eq(bump_used(b), cap);
		memset(p, 0x5a, cap);
		if (off == 0)
			cap0 = cap;
		/* What the bookkeeping takes is the same at every offset. */
		ck_assert_uint_eq(cap + (off % MAX_ALIGN != 0 ?
		    MAX_ALIGN - off % MAX_ALIGN : 0), cap0);
		errno = 0;
		ck_assert_ptr_null(bump_malloc(b, 1));	/* full */
		ck_assert_int_eq(errno, ENOMEM);
		bump_destroy(b);
	}
}
END_TEST

START_TEST(test_create_in_errors)
{
	unsigned char buf[512];

	errno = 0;
	ck_assert_ptr_null(bump_create_in(NULL, 4096, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_create_in(buf, 0, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_create_in(buf, 16, 0));	/* too small */
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_create_in(buf, sizeof buf, 1u << 20));
	ck_assert_int_eq(errno, EINVAL);
	errno = 1234;	/* success leaves errno alone */
	ck_assert_ptr_nonnull(bump_create_in(buf, sizeof buf, 0));
	ck_assert_int_eq(errno, 1234);
}
END_TEST

/* ---- bump_purge -------------------------------------------------------- */

/*
 * 200,000 arenas of 100 bytes destroyed, then bump_purge(): RSS falls by
 * what the call says it gave back (but for a page per 4 MiB chunk it
 * writes its header into again, and a little noise), to at most a quarter
 * of what it was while they lived.  (0.2.0 reported 150,000 KiB given
 * back and RSS did not move: the header written back into each purged
 * chunk brought its page back.)
 */
START_TEST(test_purge_rss_falls_by_what_it_says)
{
	enum { N = 200000 };
	bump_t **arenas;
	long before, live, dead, after, slack_kib;
	size_t given;

	(void)bump_purge();
	before = rss_kib();
	SKIP_UNLESS_RSS(before);
	arenas = malloc(N * sizeof *arenas);
	ck_assert_ptr_nonnull(arenas);
	before = rss_kib();	/* the array counts while they live */
	make_small_arenas(arenas, N);
	live = rss_kib();
	for (int i = 0; i < N; i++)
		bump_destroy(arenas[i]);
	dead = rss_kib();
	given = bump_purge();
	after = rss_kib();
	free(arenas);
	/* Each arena held its bookkeeping and a chunk: 150 MB or so. */
	ck_assert_int_ge(live - before, (long)N * 512 / 1024);
	ck_assert_uint_ge(given / 1024, (size_t)(live - before) * 3 / 4);
	slack_kib = (long)(((given >> 22) + 16) * page_size() / 1024);
	ck_assert_msg((dead - after) + slack_kib >= (long)(given / 1024),
	    "bump_purge() said %zu KiB, RSS fell by %ld KiB (%ld -> %ld)",
	    given / 1024, dead - after, dead, after);
	ck_assert_msg(after <= live / 4, "RSS %ld KiB after the purge, %ld "
	    "KiB while the arenas lived", after, live);
}
END_TEST

/*
 * A 4 MiB chunk written only for its first 64 KiB: bump_purge() counts
 * the pages that were in RAM, not the chunk's size.  (Linux, where
 * mincore(2) tells; elsewhere a written chunk counts whole.)
 */
START_TEST(test_purge_counts_resident_pages)
{
#ifdef __linux__
	size_t page = page_size(), given;
	unsigned char *p;
	long dead, after;
	bump_t *b;

	(void)bump_purge();
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	p = bump_malloc(b, 3 * MiB);	/* a chunk of 4 MiB of its own */
	ck_assert_ptr_nonnull(p);
	fill_bytes(p, 1, 64 * KiB);
	bump_destroy(b);
	dead = rss_kib();
	given = bump_purge();
	after = rss_kib();
	ck_assert_uint_ge(given, 64 * KiB - page);
	ck_assert_uint_le(given, 64 * KiB + 16 * page);
	if (dead >= 0)
		ck_assert_int_ge(dead - after + (long)(16 * page / KiB),
		    (long)(given / KiB));
#endif
}
END_TEST

START_TEST(test_purge_returns_cached_chunks)
{
	enum { N = 64 };
	bump_t *b[N];
	long before, full, after;
	size_t given;

	bump_purge();
	before = rss_kib();
	for (int i = 0; i < N; i++) {
		unsigned char *p;

		b[i] = bump_create(0, 0);
		ck_assert_ptr_nonnull(b[i]);
		p = bump_malloc(b[i], 256 * KiB);	/* one 256 KiB chunk */
		ck_assert_ptr_nonnull(p);
		fill_bytes(p, 1, 256 * KiB);
	}
	for (int i = 0; i < N; i++)
		bump_destroy(b[i]);
	full = rss_kib();
	errno = 1234;
	given = bump_purge();
	ck_assert_int_eq(errno, 1234);
	ck_assert_uint_ge(given, N * 256 * KiB - 256 * KiB);
	after = rss_kib();
	ck_assert_uint_eq(bump_purge(), 0);	/* nothing left to give */
	SKIP_UNLESS_RSS(before);
	ck_assert_int_ge(full - before, (long)(N * 256) - 1024);
	ck_assert_int_le(after - before, 1024);
}
END_TEST

/* ---- bump_stats -------------------------------------------------------- */

START_TEST(test_stats_real_values)
{
	bump_t *b;
	struct bump_stats st;
	void *p;

	(void)bump_purge();	/* nothing remembered: the smallest chunk */
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(bump_stats(b, &st), 0);
	ck_assert_uint_eq(st.used, 0);
	ck_assert_uint_eq(st.peak, 0);
	ck_assert_uint_eq(st.capacity, BUMP_DEFAULT_RESERVE);
	ck_assert_uint_eq(st.committed, 0);	/* nothing but bookkeeping */
	ck_assert_uint_eq(st.blocks, 0);
	ck_assert_uint_eq(st.reserved, 0);
	ck_assert_uint_gt(st.overhead, 0);
	ck_assert_uint_le(st.overhead, 512);

	p = bump_malloc(b, 100);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(bump_stats(b, &st), 0);
	ck_assert_uint_eq(st.used, 100);
	ck_assert_uint_eq(st.committed, 256);	/* the first, smallest chunk */
	ck_assert_uint_eq(st.blocks, 1);

	/* Too big for the rest of the first chunk: a second one. */
	p = bump_malloc(b, 1000);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(bump_stats(b, &st), 0);
	ck_assert_uint_eq(st.used, 1100);
	ck_assert_uint_eq(st.blocks, 2);
	ck_assert_uint_eq(st.committed, 256 + 1024);
	ck_assert_uint_eq(st.wasted, 256 - 100);

	bump_reset(b);
	ck_assert_int_eq(bump_stats(b, &st), 0);
	ck_assert_uint_eq(st.used, 0);
	ck_assert_uint_eq(st.peak, 1100);	/* the most, at any time */
	ck_assert_uint_eq(st.blocks, 1);	/* reset keeps the newest */
	ck_assert_uint_eq(st.committed, 1024);
	ck_assert_uint_eq(st.wasted, 0);

	/* Past 4 MiB chunks: a reservation of its own. */
	p = bump_malloc(b, 8 * MiB);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(bump_stats(b, &st), 0);
	ck_assert_uint_eq(st.used, 8 * MiB);
	ck_assert_uint_eq(st.peak, 8 * MiB);
	ck_assert_uint_ge(st.reserved, BUMP_DEFAULT_RESERVE);
	ck_assert_uint_ge(st.committed, 8 * MiB);
	bump_destroy(b);

	/* Threadsafe arenas have their region from the start. */
	b = bump_create(MiB, BUMP_THREADSAFE);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(bump_stats(b, &st), 0);
	ck_assert_uint_eq(st.blocks, 1);
	ck_assert_uint_ge(st.reserved, MiB);
	bump_destroy(b);
}
END_TEST

START_TEST(test_stats_errors_and_print)
{
	bump_t *b;
	struct bump_stats st;
	FILE *f = tmpfile();
	char line[512];

	(void)bump_purge();	/* nothing remembered: the smallest chunks */
	b = bump_create(0, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(f);
	errno = 0;
	ck_assert_int_eq(bump_stats(NULL, &st), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(bump_stats(b, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(bump_stats_print(b, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(bump_stats_print(NULL, f), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(bump_malloc(b, 300));
	errno = 1234;
	ck_assert_int_eq(bump_stats_print(b, f), 0);
	ck_assert_int_eq(errno, 1234);
	rewind(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_ptr_nonnull(strstr(line, "used 300,"));
	ck_assert_ptr_nonnull(strstr(line, "peak 300,"));
	ck_assert_ptr_nonnull(strstr(line, "committed 512,"));
	fclose(f);
	bump_destroy(b);
}
END_TEST

static Suite *
scale_suite(void)
{
	Suite *s = suite_create("scale");
	TCase *tc = tcase_new("arenas");
	TCase *in = tcase_new("create_in");
	TCase *st = tcase_new("stats");

	tcase_add_test(tc, test_many_small_arenas);
	tcase_add_test(tc, test_growing_array_copies_less_than_final);
	tcase_add_test(tc, test_mark_rewind_across_chunks);
	tcase_add_test(tc, test_cap_across_chunks);
	tcase_add_test(tc, test_calloc_in_reused_chunks);
	tcase_add_test(tc, test_double_destroy_detected);
	tcase_add_test(tc, test_purge_returns_cached_chunks);
	tcase_add_test(tc, test_purge_rss_falls_by_what_it_says);
	tcase_add_test(tc, test_purge_counts_resident_pages);
	tcase_add_test(tc, test_trim_small_chunk_spares_neighbours);
	tcase_add_test(tc, test_calloc_past_old_limit_after_reset);
	suite_add_tcase(s, tc);
	tcase_add_test(in, test_create_in_serves_from_buffer);
	tcase_add_test(in, test_create_in_on_stack_unaligned);
	tcase_add_test(in, test_create_in_any_offset);
	tcase_add_test(in, test_create_in_errors);
	suite_add_tcase(s, in);
	tcase_add_test(st, test_stats_real_values);
	tcase_add_test(st, test_stats_errors_and_print);
	suite_add_tcase(s, st);
	return s;
}

TEST_MAIN(scale_suite)
