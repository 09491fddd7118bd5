/*
 * arena_grow.c - growing objects: bytes and printf output appended to an
 * object at the top of an arena, then finished into a pointer.
 *
 * In a plain arena the object is the newest block while nothing else is
 * allocated: bump_realloc() grows it in place up to the end of its chunk
 * (bump__in_place_max() says how far), then moves it once into a chunk
 * four times as big (giving back the chunk it left, if that held nothing
 * else), or into the arena's own reservation, where it grows in place for
 * good.  An object that another
 * allocation has buried is copied once, to a new block at the top, when it
 * next grows.  A BUMP_THREADSAFE arena has no newest block: there every
 * growth is one copy of the object (geometric, so each byte is copied
 * about once).
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "bump_alloc.h"
#include "format.h"

enum {
	PROBED = 1u << 0,	/* SHARED below is known */
	SHARED = 1u << 1	/* no newest block: a BUMP_THREADSAFE arena */
};

/*
 * The first block of an object; it then doubles.  In a plain arena, whose
 * newest block grows and shrinks in place for free, objects start bigger
 * and grow at least to IN_PLACE_STEP: fewer calls, and finishing gives the
 * rest back anyway.  An object buried by other blocks keeps its room, so
 * the first block stays small where that is unknown.
 */
#define FIRST_CAP ((size_t)64)
#define PLAIN_FIRST_CAP ((size_t)512)
#define IN_PLACE_STEP ((size_t)4096)

/* No builder, or its arena is NULL or destroyed (with an object or not). */
static int
invalid(const bump_grow_t *g)
{
	if (g == NULL || !bump__live(g->arena)) {
		errno = EINVAL;
		return 1;
	}
	return 0;
}

/* Forget the object; the arena and what was learnt about it stay. */
static void
forget_object(bump_grow_t *g)
{
	g->data = NULL;
	g->len = g->cap = 0;
	g->mark_ = 0;
}

void
bump_grow_init(bump_grow_t *g, bump_t *b)
{
	if (g == NULL)
		return;
	g->arena = b;
	g->state_ = 0;
	forget_object(g);
}

/*
 * The object is the newest block of a plain arena, so bump_realloc()
 * resizes it in place within its chunk.  (Exact: a block allocated since,
 * even one freed again, makes it an older block.)
 */
static int
is_newest(const bump_t *b, const bump_grow_t *g)
{
	return bump__in_place_max(b, g->data) != 0;
}

/*
 * A first block of cap bytes; mark_ is where the object's bytes begin.
 * The first block a builder takes also tells whether the arena is shared:
 * only a plain arena has a newest block.
 */
static char *
first_block(bump_grow_t *g, size_t cap)
{
	size_t mark = bump_used(g->arena);
	char *p = bump_malloc(g->arena, cap);

	if (p == NULL)
		return NULL;
	g->mark_ = mark;
	if (!(g->state_ & PROBED))
		g->state_ |= PROBED |
		    (bump__in_place_max(g->arena, p) == 0 ? SHARED : 0);
	p[0] = '\0';
	return p;
}

/* Move or grow the object into a block of cap bytes; NULL and errno. */
static char *
grow_to(bump_grow_t *g, size_t cap)
{
	size_t mark = bump_used(g->arena);
	char *p;

	if (g->data == NULL) {
		p = first_block(g, cap);
	} else if (is_newest(g->arena, g)) {
		/* In place, or one move into the next chunk. */
		p = bump_realloc(g->arena, g->data, cap);
	} else if ((p = bump_malloc(g->arena, cap)) != NULL) {
		memcpy(p, g->data, g->len + 1);		/* the one copy */
		g->mark_ = mark;	/* the object's bytes now begin here */
	}
	if (p == NULL)
		return NULL;
	g->data = p;
	g->cap = cap;
	return p;
}

/* Room for n more bytes and the NUL after them; 0, or -1 and errno. */
static int
make_room(bump_grow_t *g, size_t n)
{
	int saved_errno = errno;
	size_t need, want, floor, room;

	if (g->data != NULL && n < g->cap - g->len)
		return 0;
	if (n > SIZE_MAX - 1 - g->len) {
		errno = ENOMEM;
		return -1;
	}
	need = g->len + n + 1;
	want = g->cap <= SIZE_MAX / 2 ? 2 * g->cap : need;
	if (want < need)
		want = need;
	if ((g->state_ & (PROBED | SHARED)) != PROBED)
		floor = FIRST_CAP;
	else
		floor = g->data == NULL ? PLAIN_FIRST_CAP : IN_PLACE_STEP;
	if (want < floor)
		want = floor;
	/*
	 * Fill the chunk the object is in before moving on to the next; and
	 * move into one four times as big, so that all the moves together
	 * copy less than 4/3 of the object (doubling would copy up to twice
	 * it), and fewer times.
	 */
	room = g->data != NULL ? bump__in_place_max(g->arena, g->data) : 0;
	if (room >= need) {
		if (want > room)
			want = room;
	} else if (room != 0 && want / 4 < g->cap && g->cap <= SIZE_MAX / 4) {
		want = 4 * g->cap;
	}
	/* Near the end of the arena, exactly what is needed may still fit. */
	if (grow_to(g, want) == NULL && (want == need || grow_to(g, need) == NULL))
		return -1;
	errno = saved_errno;
	return 0;
}

int
bump_grow_append(bump_grow_t *g, const void *p, size_t n)
{
	if (invalid(g))
		return -1;
	if (p == NULL && n != 0) {
		errno = EINVAL;
		return -1;
	}
	if (make_room(g, n) != 0)
		return -1;
	if (n != 0)
		memcpy(g->data + g->len, p, n);
	g->len += n;
	g->data[g->len] = '\0';
	return 0;
}

int
bump_grow_append_str(bump_grow_t *g, const char *s)
{
	if (s == NULL) {
		errno = EINVAL;
		return -1;
	}
	return bump_grow_append(g, s, strlen(s));
}

int
bump_grow_vprintf(bump_grow_t *g, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	if (invalid(g))
		return -1;
	if (fmt == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (make_room(g, 0) != 0)
		return -1;
	/* Straight into the room left; only output that does not fit runs twice. */
	va_copy(again, ap);
	n = bump__vsnprintf(g->data + g->len, g->cap - g->len, fmt, ap);
	if (n < 0) {
		g->data[g->len] = '\0';
		va_end(again);
		return -1;
	}
	if ((size_t)n >= g->cap - g->len) {
		g->data[g->len] = '\0';
		if (make_room(g, (size_t)n) != 0) {
			va_end(again);
			return -1;
		}
		vsnprintf(g->data + g->len, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	g->len += (size_t)n;
	return 0;
}

int
bump_grow_printf(bump_grow_t *g, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = bump_grow_vprintf(g, fmt, ap);
	va_end(ap);
	return rc;
}

void *
bump_grow_finish(bump_grow_t *g, size_t *len)
{
	int saved_errno = errno;
	char *p, *shrunk;

	if (invalid(g) || make_room(g, 0) != 0)
		return NULL;
	p = g->data;
	/* Give the slack back while the object is the newest block. */
	if (g->cap > g->len + 1 && is_newest(g->arena, g) &&
	    (shrunk = bump_realloc(g->arena, p, g->len + 1)) != NULL)
		p = shrunk;
	if (len != NULL)
		*len = g->len;
	forget_object(g);
	errno = saved_errno;
	return p;
}

void
bump_grow_abandon(bump_grow_t *g)
{
	if (g == NULL)
		return;
	/*
	 * The newest object gives back its bytes, and the copies it left in
	 * older chunks as it moved: the arena is back where it began.  A
	 * buried object gives nothing back.
	 */
	if (g->data != NULL && is_newest(g->arena, g)) {
		bump_mark_t start = { g->mark_ };

		bump_rewind(g->arena, start);
	}
	forget_object(g);
}
