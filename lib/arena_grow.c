/*
 * arena_grow.c - growing objects: bytes and printf output appended to an
 * object at the top of an arena, or written into the room at its end,
 * then finished into a pointer.
 *
 * In a plain arena the object is the newest block while nothing else is
 * allocated: it starts with what its chunk has left (up to IN_PLACE_STEP),
 * bump__resize_newest() grows it in place up to the end of its chunk, then
 * bump_realloc() moves it once into a chunk four times as big (giving back
 * the chunk it left, if that held nothing else), or into the arena's own
 * reservation, where it grows in place for good.  An object that another
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

/*
 * The first block of an object (aligned as bump_malloc() aligns a block of
 * its size: to BUMP_MAX_ALIGN); it then doubles.  In a plain arena, whose
 * newest block grows and shrinks in place for free, an object starts with
 * the rest of its chunk, up to IN_PLACE_STEP (PLAIN_FIRST_CAP at least),
 * and grows in steps of IN_PLACE_STEP at least: a string of a few hundred
 * bytes then takes one call to start and one to finish, and finishing
 * gives the rest back anyway.  An object buried by other blocks keeps its
 * room: at most IN_PLACE_STEP is lost so.
 */
#define FIRST_CAP ((size_t)64)
#define PLAIN_FIRST_CAP ((size_t)512)
#define IN_PLACE_STEP ((size_t)4096)
_Static_assert(FIRST_CAP >= BUMP_MAX_ALIGN, "an object's block is aligned "
    "as bump_malloc() aligns its size");

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

/* Forget the object; the builder keeps its arena. */
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
 * How far the object may grow where it stands: to its chunk's end when it
 * is the newest block of a plain arena, so that bump_realloc() resizes it
 * in place; 0 otherwise.  (Exact: a block allocated since, even one freed
 * again, makes it an older block.)
 */
static size_t
in_place_max(const bump_grow_t *g)
{
	return bump__in_place_max(g->arena, g->data);
}

/*
 * A new block of cap bytes at the top of the arena for the object, which
 * moves there (a copy) if it had a block; mark_ is where its bytes begin.
 */
static char *
new_block(bump_grow_t *g, size_t cap)
{
	size_t mark = bump__used(g->arena);
	char *p = bump__alloc(g->arena, cap, BUMP_MAX_ALIGN);

	if (p == NULL)
		return NULL;
	if (g->data != NULL)
		memcpy(p, g->data, g->len + 1);		/* the one copy */
	else
		p[0] = '\0';
	g->mark_ = mark;
	return p;
}

/*
 * Grow the object into a block of cap bytes: in place up to room (what
 * in_place_max() said), else in a new block; NULL and errno.
 */
static char *
grow_to(bump_grow_t *g, size_t cap, size_t room)
{
	char *p = NULL;

	if (room != 0) {
		/* In place, or one move into the next chunk. */
		if (cap <= room)
			p = bump__resize_newest(g->arena, g->data, cap);
		if (p == NULL)
			p = bump_realloc(g->arena, g->data, cap);
	} else {
		p = new_block(g, cap);
	}
	if (p == NULL)
		return NULL;
	g->data = p;
	g->cap = cap;
	return p;
}

/*
 * The block an object that needs need bytes grows into, room being how far
 * it may grow where it stands (0 for none).
 */
static size_t
choose_cap(const bump_grow_t *g, size_t need, size_t room)
{
	int plain = !bump__is_threadsafe(g->arena);
	size_t want = g->cap <= SIZE_MAX / 2 ? 2 * g->cap : need, left;

	want = bump__max_size(want, need);
	want = bump__max_size(want, !plain ? FIRST_CAP :
	    g->data == NULL ? PLAIN_FIRST_CAP : IN_PLACE_STEP);
	if (g->data == NULL) {
		/* A new object in a plain arena: the rest of its chunk, to a step. */
		if (plain && (left = bump__room_above_top(g->arena)) >= need)
			want = bump__min_size(left,
			    bump__max_size(want, IN_PLACE_STEP));
	} else if (room >= need) {
		/* Fill the chunk the object is in before moving on. */
		want = bump__min_size(want, room);
	} else if (room != 0 && want / 4 < g->cap && g->cap <= SIZE_MAX / 4) {
		/*
		 * Move into a chunk four times as big, so that all the moves
		 * together copy less than 4/3 of the object (doubling would
		 * copy up to twice it), and fewer times.
		 */
		want = 4 * g->cap;
	}
	return want;
}

/* Room for n more bytes and the NUL after them; 0, or -1 and errno. */
static int
make_room(bump_grow_t *g, size_t n)
{
	int saved_errno;
	size_t need, want, room;

	if (g->data != NULL && n < g->cap - g->len)
		return 0;
	saved_errno = errno;
	if (n > SIZE_MAX - 1 - g->len) {
		errno = ENOMEM;
		return -1;
	}
	need = g->len + n + 1;
	room = in_place_max(g);
	want = choose_cap(g, need, room);
	/* Near the end of the arena, exactly what is needed may still fit. */
	if (grow_to(g, want, room) == NULL &&
	    (want == need || grow_to(g, need, room) == NULL))
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
	char *p, *shrunk;

	if (invalid(g) || (g->data == NULL && make_room(g, 0) != 0))
		return NULL;
	p = g->data;
	/* Give the slack back while the object is the newest block. */
	if (g->cap > g->len + 1 &&
	    (shrunk = bump__resize_newest(g->arena, p, g->len + 1)) != NULL)
		p = shrunk;
	if (len != NULL)
		*len = g->len;
	forget_object(g);
	return p;
}

void *
bump_grow_room(bump_grow_t *g, size_t n)
{
	if (invalid(g) || make_room(g, n) != 0)
		return NULL;
	return g->data + g->len;
}

int
bump_grow_commit(bump_grow_t *g, size_t n)
{
	if (invalid(g))
		return -1;
	if (g->data == NULL ? n != 0 : n >= g->cap - g->len) {
		errno = EINVAL;
		return -1;
	}
	if (g->data != NULL) {
		g->len += n;
		g->data[g->len] = '\0';
	}
	return 0;
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
	if (in_place_max(g) != 0) {
		bump_mark_t start = { g->mark_ };

		bump_rewind(g->arena, start);
	}
	forget_object(g);
}
