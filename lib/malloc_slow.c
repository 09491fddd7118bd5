/*
 * malloc_slow.c - allocation when the fast path in malloc.c cannot: the
 * first call of a thread, large and over-aligned blocks, zeroed ones, the
 * blocks other threads freed, a new chunk, and the fallback when the
 * reserve is exhausted.  It returns to its caller, never to the fast path.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_internal.h"

/* The reserve is exhausted: BUMP_ALLOC_ON_EXHAUST says what to do. */
static void *
exhausted(struct thread *t, size_t n, size_t align, int zero)
{
	const struct bump_libc *libc = &bump__settings.libc;
	void *p;

	if (n <= PTRDIFF_MAX)
		switch (bump__settings.config.on_exhaust) {
		case EXHAUST_SYSTEM:
			if (libc->malloc == NULL)
				break;
			if (align > 16)
				p = libc->memalign(align, n);
			else
				p = zero ? libc->calloc(1, n) : libc->malloc(n);
			if (p != NULL)
				bump__count_fallback(t, libc->usable_size(p));
			return p;
		case EXHAUST_NULL:
			break;
		case EXHAUST_ABORT:
			bump__print_exhausted(bump__settings.config.reserve, n);
			abort();
		}
	errno = ENOMEM;
	return NULL;
}

/* A block at the top of the current chunk, or NULL if it does not fit. */
static void *
block_at_top(struct thread *t, size_t n, size_t b, size_t align, int zero)
{
	char *top = t->top;
	char *user = (char *)bump__align_up((uintptr_t)top + 8, align);
	struct hdr *h = header_of(user);

	if (t->chunk == NULL || user > chunk_end(t) ||
	    b - 8 > (size_t)(chunk_end(t) - user))
		return NULL;
	if (zero) {
		char *dirty = bump__max_ptr(t->clean, top);
		if (user < dirty)
			memset(user, 0, bump__min_size((size_t)(dirty - user), n));
	}
	h->size = (uint32_t)(b - 8);
	h->link = t->last != NULL ? (uint32_t)((char *)h - (char *)t->last) : 0;
	BUMP_ASSERT((h->link & ~LINK_MASK) == 0);
	t->last = h;
	t->top = (char *)h + b;
	t->chunk->live++;
	t->counts.mallocs++;
	t->counts.bytes_allocated += b - 8;
	bump__set_limit(t);
	return user;
}

/* A small block of b bytes: recycled if one fits, else at the top. */
static void *
small_block(struct thread *t, size_t n, size_t b, size_t align, int zero)
{
	if (align == 16) {	/* lists fill only under recycle */
		unsigned c = size_class_ceil(b);
		struct node *listed = t->lists[c];
		if (listed != NULL)
			return take_listed(t, listed, c, zero ? n : 0);
	}
	return block_at_top(t, n, b, align, zero);
}

static void *
large_block(struct thread *t, size_t n, size_t align, int zero)
{
	size_t len;
	void *p = bump__large_alloc(n, align, zero, &len);

	if (p == NULL)
		return exhausted(t, n, align, zero);
	t->counts.mallocs++;
	t->counts.large++;
	t->counts.bytes_allocated += len;
	return p;
}

void *
bump__alloc_slow(struct thread *t, size_t n, size_t align, int zero)
{
	const struct bump_settings *s = &bump__settings;
	size_t b;
	void *p;

	if (t == NULL) {
		if (bump__in_startup() && s->libc.malloc != NULL) /* re-entered */
			return zero ? s->libc.calloc(1, n) : s->libc.malloc(n);
		return exhausted(NULL, n, align, zero);
	}
	if (bump_unlikely(bump__pool_aging()))
		bump__age_pool();
	if (n > s->small_max || (align > 16 && n + align > s->small_max))
		return large_block(t, n, align, zero);
	b = malloc_block_bytes(n);
	bump_atomic_store(&t->slow_calls, t->slow_calls + 1, RELAXED);
	bump__flush_remote(t);
	if (bump_atomic_load(&t->remote, ACQUIRE) != NULL)
		bump__drain_remote(t);
	t->recycle_room = DRAIN_EVERY;
	/* A new current chunk may be an orphan's, with little room at its
	 * top but blocks on its lists: look again, until no chunk is left. */
	do
		if ((p = small_block(t, n, b, align, zero)) != NULL)
			return p;
	while (bump__push_chunk(t) == 0);
	return exhausted(t, n, align, zero);
}
