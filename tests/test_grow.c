/*
 * test_grow.c - growing objects: bump_grow_init, bump_grow_append,
 * bump_grow_append_str, bump_grow_printf, bump_grow_vprintf,
 * bump_grow_finish and bump_grow_abandon.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

static bump_t *
fresh(size_t reserve, unsigned flags)
{
	bump_t *b = bump_create(reserve, flags);

	ck_assert_ptr_nonnull(b);
	return b;
}

START_TEST(test_contents)
{
	bump_t *b = fresh(0, 0);
	bump_grow_t g;
	char want[256];
	char *s;
	size_t len = 99;

	bump_grow_init(&g, b);
	ck_assert_ptr_eq(g.arena, b);
	ck_assert_ptr_null(g.data);
	ck_assert_uint_eq(g.len, 0);
	ck_assert_int_eq(bump_grow_append(&g, "abc", 3), 0);
	ck_assert_str_eq(g.data, "abc");	/* NUL-terminated as it grows */
	ck_assert_int_eq(bump_grow_append(&g, "\0xyz", 4), 0);	/* bytes, NUL too */
	ck_assert_int_eq(bump_grow_append(&g, NULL, 0), 0);
	/* The library function does what the header's inline path does. */
	ck_assert_int_eq((bump_grow_append)(&g, "", 0), 0);
	ck_assert_int_eq((bump_grow_append)(&g, NULL, 0), 0);
	ck_assert_uint_eq(g.len, 7);
	ck_assert_int_eq(bump_grow_append_str(&g, "-def"), 0);
	ck_assert_int_eq(bump_grow_printf(&g, "|%d|%s|%05.1f", -42, "str", 2.5), 0);
	ck_assert_int_eq(call_vprintf(&g, "<%zu>", (size_t)SIZE_MAX), 0);
	snprintf(want, sizeof want, "|%d|%s|%05.1f<%zu>", -42, "str", 2.5,
	    (size_t)SIZE_MAX);
	ck_assert_uint_eq(g.len, 11 + strlen(want));
	s = bump_grow_finish(&g, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 11 + strlen(want));
	ck_assert_int_eq(memcmp(s, "abc\0xyz-def", 11), 0);
	ck_assert_str_eq(s + 11, want);
	ck_assert_int_eq(s[len], '\0');
	ck_assert_int_eq(bump_owns(b, s), 1);
	/* The builder is empty again and builds the next object. */
	ck_assert_ptr_null(g.data);
	ck_assert_uint_eq(g.len, 0);
	ck_assert_int_eq(bump_grow_append_str(&g, "second"), 0);
	s = bump_grow_finish(&g, NULL);
	ck_assert_str_eq(s, "second");
	/* An empty object is an empty string of its own. */
	s = bump_grow_finish(&g, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	bump_destroy(b);
}
END_TEST

/* Blocks [p, p + n) and [q, q + m) do not overlap. */
static void
assert_apart(const char *p, size_t n, const char *q, size_t m)
{
	uintptr_t a = (uintptr_t)p, c = (uintptr_t)q;

	if (!(a + n <= c || c + m <= a))
		ck_abort_msg("blocks %p+%zu and %p+%zu overlap", (void *)p, n,
		    (void *)q, m);
}

/* The largest power of two <= n (n > 0). */
static uintptr_t
pow2_floor(size_t n)
{
	uintptr_t p = 1;

	while (p <= n / 2)
		p *= 2;
	return p;
}

/*
 * The object, which was at was with cap bytes, has just moved to g->data:
 * only because it no longer fit, after it had filled its chunk to the end
 * (chunks are aligned to their size, and the old chunk's unused end, which
 * bump_stats counts as wasted, did not grow), into a block at least four
 * times as big.
 */
static void
assert_chunk_move(const bump_t *b, const bump_grow_t *g, const char *was,
    size_t cap, size_t wasted)
{
	if (g->len + 1 <= cap)
		ck_abort_msg("moved with room left at %zu bytes", g->len);
	if ((uintptr_t)(was + cap) % pow2_floor(cap) != 0 ||
	    stats_of(b).wasted != wasted)
		ck_abort_msg("moved before its chunk's end at %zu bytes", g->len);
	ck_assert_uint_ge(g->cap, 4 * cap);
}

/*
 * Nothing else allocated.  The object grows in place while its chunk has
 * room: it moves only when an append does not fit, only after it filled
 * its chunk to the end (chunks are aligned to their size), each time into
 * a block four times as big, so that all its moves copy less than 4/3 of
 * its length right after a move, and less than its final length.  The copy
 * it left in its first chunk, which holds another block, counts in
 * bump_used (the arena's logical order); each later chunk held nothing
 * else and went back at once.  Finishing gives the slack back.
 */
START_TEST(test_copy_free)
{
	bump_t *b = fresh(0, 0);
	bump_grow_t g;
	char piece[100];
	char *s, *base;
	size_t len, used, copied = 0, moves = 0, kept = 0;

	base = bump_malloc(b, 5);		/* the first block of a fresh arena */
	ck_assert_ptr_nonnull(base);
	for (size_t i = 0; i < sizeof piece; i++)
		piece[i] = (char)('a' + i % 26);
	bump_grow_init(&g, b);
	ck_assert_int_eq(bump_grow_append(&g, piece, 1), 0);
	ck_assert_ptr_eq(g.data, base + MAX_ALIGN);	/* aligned, in the same chunk */
	used = bump_used(b) - g.cap;		/* where the object began */
	for (size_t i = 0; i < 20000; i++) {	/* 1 MB by pieces of 1-100 */
		char *was = g.data;
		size_t cap = g.cap, wasted = stats_of(b).wasted;

		ck_assert_int_eq(bump_grow_append(&g, piece, 1 + i % 100), 0);
		if (g.data == was)
			continue;
		assert_chunk_move(b, &g, was, cap, wasted);
		copied += cap;		/* bump_realloc copies the whole block */
		ck_assert_uint_lt(3 * copied, 4 * (g.len + 1));
		if (moves++ == 0)
			kept = cap;	/* beside base: stays */
		ck_assert_uint_eq(stats_of(b).blocks, 2);
	}
	ck_assert_uint_gt(moves, 0);		/* 1 MB outgrows the small chunks */
	ck_assert_uint_lt(moves, 7);		/* 4x each time: a few */
	ck_assert_int_eq(bump_grow_printf(&g, "%0*d", 5000, 1), 0);
	len = g.len;
	ck_assert_uint_lt(copied, len);
	s = bump_grow_finish(&g, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(bump_used(b), used + kept + len + 1);
	ck_assert_int_eq(s[len], '\0');
	ck_assert_int_eq(s[len - 1], '1');
	for (size_t i = 0, k = 0; i < 20000; k += 1 + i % 100, i++)
		if (memcmp(s + 1 + k, piece, 1 + i % 100) != 0)
			ck_abort_msg("piece %zu differs", i);
	/* The next allocation starts right after the object. */
	ck_assert_ptr_eq(bump_malloc(b, 1), s + len + 1);
	bump_destroy(b);
}
END_TEST

/*
 * Wherever in its chunk the object starts, it uses the chunk to its end
 * before it moves, and each move copies it once into a chunk at least four
 * times its block.
 */
START_TEST(test_fills_chunk)
{
	for (size_t pre = 16; pre < 64 * KiB; pre += 3 * KiB + 16) {
		bump_t *b = fresh(0, 0);
		bump_grow_t g;
		char *p = bump_malloc(b, 64 * KiB);	/* a 64 KiB chunk */

		ck_assert_ptr_nonnull(p);
		bump_free(b, p);
		ck_assert_ptr_eq(bump_malloc(b, pre), p);
		bump_grow_init(&g, b);
		for (int i = 0; g.len < 300 * KiB; i++) {
			char *was = g.data;
			size_t cap = g.cap, wasted = stats_of(b).wasted;

			ck_assert_int_eq(bump_grow_printf(&g, "%d,", i), 0);
			if (was != NULL && g.data != was)
				assert_chunk_move(b, &g, was, cap, wasted);
		}
		bump_destroy(b);
	}
}
END_TEST

/*
 * Past the largest chunk (4 MiB) the object moves once more, into the
 * arena's own reservation, and then grows in place however large.
 */
START_TEST(test_big_in_place)
{
	const size_t piece = 64 * KiB;
	bump_t *b = fresh(0, 0);
	char *chunk = malloc(piece);
	bump_grow_t g;
	char *settled = NULL, *s;
	size_t used = bump_used(b);

	ck_assert_ptr_nonnull(chunk);
	bump_grow_init(&g, b);
	for (size_t i = 0; i < (24 * MiB) / piece; i++) {
		memset(chunk, 'a' + (int)(i % 26), piece);
		ck_assert_int_eq(bump_grow_append(&g, chunk, piece), 0);
		if (g.len > 4 * MiB && settled == NULL)
			settled = g.data;	/* no chunk holds it: the reservation */
		if (settled != NULL && g.data != settled)
			ck_abort_msg("moved past 4 MiB at %zu bytes", g.len);
	}
	ck_assert_ptr_nonnull(settled);
	for (size_t i = 0; i < (24 * MiB) / piece; i++)
		ck_assert_int_eq(g.data[i * piece + piece - 1], 'a' + (int)(i % 26));
	/* Abandoning it gives back every byte, the old copies' too. */
	bump_grow_abandon(&g);
	ck_assert_uint_eq(bump_used(b), used);
	ck_assert_int_eq(bump_grow_append_str(&g, "after"), 0);
	s = bump_grow_finish(&g, NULL);
	ck_assert_str_eq(s, "after");
	free(chunk);
	bump_destroy(b);
}
END_TEST

/*
 * Another allocation buries the object: it still fills its room in place,
 * then moves once (exactly one copy of its bytes, to the top, past the
 * other block) and is the newest block again: from then on it moves only
 * as any newest object does, once per chunk it outgrows.
 */
START_TEST(test_interleaved)
{
	bump_t *b = fresh(0, 0);
	bump_grow_t g;
	char *before, *moved, *other, *s;
	size_t cap, len, copied = 0;

	bump_grow_init(&g, b);
	ck_assert_int_eq(bump_grow_append_str(&g, "head:"), 0);
	before = g.data;
	cap = g.cap;
	other = bump_strdup(b, "in between");
	ck_assert_ptr_nonnull(other);
	/* Room that is left is the object's own: no move. */
	while (g.len + 2 < cap)
		ck_assert_int_eq(bump_grow_append(&g, "x", 1), 0);
	ck_assert_ptr_eq(g.data, before);
	ck_assert_uint_eq(g.cap, cap);
	ck_assert_int_eq(bump_grow_append(&g, "yyyy", 4), 0);	/* must grow */
	moved = g.data;
	ck_assert_ptr_ne(moved, before);
	assert_apart(moved, g.cap, other, sizeof "in between");
	ck_assert_str_eq(other, "in between");
	for (int i = 0; i < 10000; i++) {
		char *was = g.data;
		size_t had = g.cap, wasted = stats_of(b).wasted;

		ck_assert_int_eq(bump_grow_printf(&g, "%d,", i), 0);
		if (g.data != was) {
			assert_chunk_move(b, &g, was, had, wasted);
			copied += had;
			ck_assert_uint_lt(3 * copied, 4 * (g.len + 1));
		}
	}
	len = g.len;
	ck_assert_uint_lt(copied, len);		/* geometric: less than it holds */
	s = bump_grow_finish(&g, NULL);
	ck_assert_int_eq(strncmp(s, "head:xxx", 8), 0);
	ck_assert_int_eq(memcmp(s + cap - 2, "yyyy0,1,2,", 10), 0);
	ck_assert_str_eq(s + strlen(s) - 6, ",9999,");
	ck_assert_uint_eq(strlen(s), len);
	ck_assert_str_eq(other, "in between");
	bump_destroy(b);
}
END_TEST

/* Abandoning the newest object gives its bytes back. */
START_TEST(test_abandon)
{
	bump_t *b = fresh(0, 0);
	bump_grow_t g;
	size_t used;
	char *other, *s;

	ck_assert_ptr_nonnull(bump_malloc(b, 16));
	used = bump_used(b);
	bump_grow_init(&g, b);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(bump_grow_printf(&g, "line %d\n", i), 0);
	assert_addr_gt(bump_used(b), used + 6000);
	bump_grow_abandon(&g);
	ck_assert_uint_eq(bump_used(b), used);
	ck_assert_ptr_null(g.data);
	ck_assert_uint_eq(g.len, 0);
	/* Buried by another block: abandon forgets it, gives nothing back. */
	ck_assert_int_eq(bump_grow_append_str(&g, "again"), 0);
	other = bump_malloc(b, 8);
	ck_assert_ptr_nonnull(other);
	used = bump_used(b);
	bump_grow_abandon(&g);
	ck_assert_uint_eq(bump_used(b), used);
	ck_assert_ptr_eq(bump_malloc(b, 8), other + 8);
	/*
	 * Buried, then moved once past the other block: newest again, so
	 * abandon gives back what the object took since, not the other block.
	 */
	ck_assert_int_eq(bump_grow_append_str(&g, "third"), 0);
	s = g.data;
	other = bump_strdup(b, "kept");
	ck_assert_ptr_nonnull(other);
	used = bump_used(b);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(bump_grow_printf(&g, "line %d\n", i), 0);
	ck_assert_ptr_ne(g.data, s);
	assert_apart(g.data, g.cap, other, sizeof "kept");
	bump_grow_abandon(&g);
	ck_assert_uint_eq(bump_used(b), used);
	ck_assert_str_eq(other, "kept");
	bump_grow_abandon(&g);			/* an empty builder: nothing */
	bump_grow_abandon(NULL);
	bump_destroy(b);
}
END_TEST

/* printf output larger than the room left: formatted again after growing. */
START_TEST(test_printf_large)
{
	const size_t n = 100 * KiB;
	bump_t *b = fresh(0, 0);
	char *big = malloc(n + 1);
	bump_grow_t g;
	char *s;
	size_t len;

	ck_assert_ptr_nonnull(big);
	memset(big, 'q', n);
	big[n] = '\0';
	bump_grow_init(&g, b);
	ck_assert_int_eq(bump_grow_append_str(&g, "["), 0);
	ck_assert_int_eq(bump_grow_printf(&g, "%s|%d", big, 77), 0);
	ck_assert_int_eq(call_vprintf(&g, "%s]", big), 0);
	s = bump_grow_finish(&g, &len);
	ck_assert_uint_eq(len, 2 * n + 5);
	ck_assert_int_eq(s[0], '[');
	ck_assert_int_eq(memcmp(s + 1, big, n), 0);
	ck_assert_int_eq(memcmp(s + 1 + n, "|77", 3), 0);
	ck_assert_int_eq(memcmp(s + 4 + n, big, n), 0);
	ck_assert_str_eq(s + 4 + 2 * n, "]");
	free(big);
	bump_destroy(b);
}
END_TEST

START_TEST(test_errors)
{
	const char *volatile nullfmt = NULL;
	char *big = malloc(16 * KiB);
	bump_grow_t g, none;
	size_t used, room;
	char *s;
	bump_t *b;

	(void)bump_purge();	/* nothing remembered: the smallest chunks */
	b = fresh(8 * KiB, 0);
	ck_assert_ptr_nonnull(big);
	memset(big, 'z', 16 * KiB);
#define FAILS(expr, err) do {						\
	errno = 0;							\
	ck_assert_int_eq((expr), -1);					\
	ck_assert_int_eq(errno, err);					\
} while (0)
	/* A builder without an arena, or none at all. */
	bump_grow_init(&none, NULL);
	FAILS(bump_grow_append(&none, "x", 1), EINVAL);
	FAILS(bump_grow_append(NULL, "x", 1), EINVAL);
	FAILS(bump_grow_append_str(&none, "x"), EINVAL);
	FAILS(bump_grow_printf(&none, "%d", 1), EINVAL);
	FAILS(bump_grow_printf(NULL, "%d", 1), EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_grow_finish(&none, NULL));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(bump_grow_finish(NULL, NULL));
	ck_assert_int_eq(errno, EINVAL);
	bump_grow_init(NULL, b);		/* ignored */

	/* Bad arguments leave the object as it was. */
	bump_grow_init(&g, b);
	ck_assert_int_eq(bump_grow_append_str(&g, "keep"), 0);
	FAILS(bump_grow_append(&g, NULL, 3), EINVAL);
	FAILS(bump_grow_append_str(&g, NULL), EINVAL);
#if defined(__GNUC__)
# pragma GCC diagnostic push
# pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
	FAILS(bump_grow_printf(&g, nullfmt, 1), EINVAL);
#if defined(__GNUC__)
# pragma GCC diagnostic pop
#endif
	ck_assert_str_eq(g.data, "keep");
	ck_assert_uint_eq(g.len, 4);

	/* Too big for the arena: ENOMEM, object and arena unchanged. */
	used = bump_used(b);
	FAILS(bump_grow_append(&g, big, 16 * KiB), ENOMEM);
	FAILS(bump_grow_append(&g, big, SIZE_MAX), ENOMEM);
	FAILS(bump_grow_printf(&g, "%.*s", 9000, big), ENOMEM);
	FAILS(call_vprintf(&g, "%.*s", 9000, big), ENOMEM);
	ck_assert_str_eq(g.data, "keep");
	ck_assert_uint_eq(g.len, 4);
	ck_assert_uint_eq(bump_used(b), used);
	/*
	 * Near the end, exactly what is needed still fits (no doubling).  The
	 * object outgrows its first chunk (256 bytes), so it moves once; while
	 * it moves both copies count, so it may take all the room the arena
	 * has left besides its first block, not a byte more.
	 */
	room = bump_capacity(b) - bump_used(b);
	ck_assert_uint_eq(room, 8 * KiB - g.cap);
	FAILS(bump_grow_append(&g, big, room - g.len), ENOMEM);
	ck_assert_str_eq(g.data, "keep");
	ck_assert_uint_eq(bump_used(b), used);
	errno = 4321;
	ck_assert_int_eq(bump_grow_append(&g, big, room - g.len - 1), 0);
	ck_assert_int_eq(errno, 4321);		/* success leaves errno alone */
	/*
	 * Its first chunk held nothing else: it went back at once, and the
	 * object, alone at the arena's start, grows in place to its last byte.
	 */
	ck_assert_uint_eq(bump_used(b), room);
	ck_assert_uint_eq(stats_of(b).blocks, 1);
	ck_assert_int_eq(bump_grow_append(&g, big, 8 * KiB - room), 0);
	ck_assert_uint_eq(bump_used(b), 8 * KiB);
	FAILS(bump_grow_append(&g, "!", 1), ENOMEM);
	s = bump_grow_finish(&g, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(memcmp(s, "keepzzz", 7), 0);
	ck_assert_uint_eq(strlen(s), 8 * KiB - 1);
	/* Full arena: even the first block of an object fails, cleanly. */
	FAILS(bump_grow_append(&g, "x", 1), ENOMEM);
	ck_assert_ptr_null(g.data);
	errno = 0;
	ck_assert_ptr_null(bump_grow_finish(&g, NULL));
	ck_assert_int_eq(errno, ENOMEM);
	/*
	 * Reset keeps the newest chunk, which spans the whole arena now: an
	 * object there grows in place to the arena's last byte.
	 */
	bump_reset(b);
	ck_assert_int_eq(bump_grow_append_str(&g, "keep"), 0);
	errno = 4321;
	ck_assert_int_eq(bump_grow_append(&g, big, 8 * KiB - 5), 0);
	ck_assert_int_eq(errno, 4321);
	ck_assert_uint_eq(bump_used(b), 8 * KiB);
	FAILS(bump_grow_append(&g, "!", 1), ENOMEM);
	s = bump_grow_finish(&g, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(memcmp(s, "keepzzz", 7), 0);
	ck_assert_uint_eq(strlen(s), 8 * KiB - 1);
#undef FAILS
	free(big);
	bump_destroy(b);
}
END_TEST

/* A shared arena: correct, one copy per growth; abandon is harmless. */
START_TEST(test_threadsafe_single)
{
	bump_t *b = fresh(0, BUMP_THREADSAFE);
	bump_grow_t g;
	char *s, *was;
	size_t moves = 0, len;

	bump_grow_init(&g, b);
	for (int i = 0; i < 5000; i++) {
		was = g.data;
		ck_assert_int_eq(bump_grow_printf(&g, "%d;", i), 0);
		moves += was != NULL && g.data != was;
	}
	ck_assert_uint_gt(moves, 0);
	ck_assert_uint_lt(moves, 20);		/* geometric: about log2(len) */
	s = bump_grow_finish(&g, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(strncmp(s, "0;1;2;3;", 8), 0);
	ck_assert_str_eq(s + len - 5, "4999;");
	ck_assert_int_eq(bump_grow_append_str(&g, "gone"), 0);
	bump_grow_abandon(&g);
	ck_assert_str_eq(s + len - 5, "4999;");
	bump_destroy(b);
}
END_TEST

struct builder_job {
	bump_t *arena;
	int id;
	char *result;
	size_t len;
};

static void *
build_in_thread(void *arg)
{
	struct builder_job *job = arg;
	bump_grow_t g;

	bump_grow_init(&g, job->arena);
	for (int i = 0; i < 20000; i++)
		if (bump_grow_printf(&g, "%d:%d,", job->id, i) != 0)
			return NULL;
	job->result = bump_grow_finish(&g, &job->len);
	return NULL;
}

/* Four threads build objects in one shared arena at once. */
START_TEST(test_threadsafe_concurrent)
{
	bump_t *b = fresh(0, BUMP_THREADSAFE);
	struct builder_job jobs[4];
	pthread_t t[4];
	char want[32];

	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct builder_job){ b, i, NULL, 0 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, build_in_thread,
		    &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < 4; i++) {
		const char *p = jobs[i].result;

		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(bump_owns(b, p), 1);
		for (int k = 0; k < 20000; k++) {
			int n = snprintf(want, sizeof want, "%d:%d,", i, k);

			if (strncmp(p, want, (size_t)n) != 0)
				ck_abort_msg("thread %d, item %d: %.20s", i, k, p);
			p += n;
		}
		ck_assert_int_eq(*p, '\0');
		ck_assert_uint_eq((size_t)(p - jobs[i].result), jobs[i].len);
	}
	bump_destroy(b);
}
END_TEST

/*
 * bump_grow_room and bump_grow_commit: writable room at the object's end,
 * then what was written joins it, as with obstack_room and
 * obstack_blank_fast; the NUL follows the object after every call.
 */
START_TEST(test_room_commit)
{
	for (int shared = 0; shared < 2; shared++) {
		bump_t *b = fresh(0, shared ? BUMP_THREADSAFE : 0);
		bump_grow_t g;
		char *p, *s;
		size_t room, len;

		bump_grow_init(&g, b);
		/* Committing nothing to no object is nothing. */
		ck_assert_int_eq(bump_grow_commit(&g, 0), 0);
		ck_assert_ptr_null(g.data);
		errno = 1234;
		p = bump_grow_room(&g, 100);
		ck_assert_int_eq(errno, 1234);	/* success leaves errno alone */
		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_eq(p, g.data);	/* the object starts, empty */
		ck_assert_uint_eq(g.len, 0);
		ck_assert_int_eq(g.data[0], '\0');
		room = g.cap - g.len - 1;	/* the NUL keeps the last byte */
		ck_assert_uint_ge(room, 100);
		memset(p, 'r', room);		/* all of it may be written */
		ck_assert_int_eq(bump_grow_commit(&g, 60), 0);
		ck_assert_uint_eq(g.len, 60);
		ck_assert_int_eq(g.data[60], '\0');
		/* More than the room: EINVAL, nothing changed. */
		errno = 0;
		ck_assert_int_eq(bump_grow_commit(&g, g.cap - g.len), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_uint_eq(g.len, 60);
		ck_assert_int_eq(g.data[60], '\0');
		/* Exactly the room. */
		p = bump_grow_room(&g, 0);
		ck_assert_ptr_eq(p, g.data + 60);
		room = g.cap - g.len - 1;
		memset(p, 's', room);
		ck_assert_int_eq(bump_grow_commit(&g, room), 0);
		ck_assert_uint_eq(g.len, 60 + room);
		ck_assert_int_eq(g.data[g.len], '\0');
		/* Room the object must grow for: it moves, its bytes with it. */
		p = bump_grow_room(&g, MiB);
		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_eq(p, g.data + g.len);
		ck_assert_uint_ge(g.cap - g.len - 1, MiB);
		ck_assert_int_eq(g.data[g.len], '\0');
		memset(p, 't', MiB);
		ck_assert_int_eq(bump_grow_commit(&g, MiB), 0);
		/* Room the arena cannot give: ENOMEM, nothing changed. */
		len = g.len;
		errno = 0;
		ck_assert_ptr_null(bump_grow_room(&g, SIZE_MAX));
		ck_assert_int_eq(errno, ENOMEM);
		errno = 0;
		ck_assert_ptr_null(bump_grow_room(&g, 2 * (size_t)1 << 30));
		ck_assert_int_eq(errno, ENOMEM);
		ck_assert_uint_eq(g.len, len);
		s = bump_grow_finish(&g, &len);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(len, 60 + room + MiB);
		for (size_t i = 0; i < len; i++)
			if (s[i] != (i < 60 ? 'r' : i < 60 + room ? 's' : 't'))
				ck_abort_msg("byte %zu is %d", i, s[i]);
		ck_assert_int_eq(s[len], '\0');
		/* Committing to no object: EINVAL unless nothing. */
		errno = 0;
		ck_assert_int_eq(bump_grow_commit(&g, 1), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_null(g.data);
		bump_destroy(b);
	}
	errno = 0;
	ck_assert_ptr_null(bump_grow_room(NULL, 1));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(bump_grow_commit(NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* fread(3) straight into the object, as the man page's read(2) loop. */
START_TEST(test_room_fread)
{
	bump_t *b = fresh(0, 0);
	FILE *f = tmpfile();
	bump_grow_t g;
	size_t n, len, total = 100000;
	char *p, *s;

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < total; i++)
		ck_assert_int_ne(fputc('a' + (int)(i % 23), f), EOF);
	rewind(f);
	bump_grow_init(&g, b);
	do {
		p = bump_grow_room(&g, 1000);
		ck_assert_ptr_nonnull(p);
		n = fread(p, 1, g.cap - g.len - 1, f);
		ck_assert_int_eq(bump_grow_commit(&g, n), 0);
	} while (n > 0);
	fclose(f);
	s = bump_grow_finish(&g, &len);
	ck_assert_uint_eq(len, total);
	ck_assert_uint_eq(strlen(s), total);
	for (size_t i = 0; i < total; i++)
		if (s[i] != 'a' + (int)(i % 23))
			ck_abort_msg("byte %zu is %d", i, s[i]);
	bump_destroy(b);
}
END_TEST

static Suite *
grow_suite(void)
{
	Suite *s = suite_create("grow");
	TCase *tc = tcase_new("core");
	TCase *err = tcase_new("errors");
	TCase *ts = tcase_new("threadsafe");

	tcase_add_test(tc, test_contents);
	tcase_add_test(tc, test_copy_free);
	tcase_add_test(tc, test_fills_chunk);
	tcase_add_test(tc, test_big_in_place);
	tcase_add_test(tc, test_interleaved);
	tcase_add_test(tc, test_abandon);
	tcase_add_test(tc, test_printf_large);
	tcase_add_test(tc, test_room_commit);
	tcase_add_test(tc, test_room_fread);
	suite_add_tcase(s, tc);
	tcase_add_test(err, test_errors);
	suite_add_tcase(s, err);
	tcase_add_test(ts, test_threadsafe_single);
	tcase_add_test(ts, test_threadsafe_concurrent);
	suite_add_tcase(s, ts);
	return s;
}

TEST_MAIN(grow_suite)
