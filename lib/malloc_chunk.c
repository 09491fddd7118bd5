/*
 * malloc_chunk.c - a chunk's whole life in the malloc replacement: taken
 * from the chunk layer and made part of the range free() recognizes,
 * entered as its thread's current chunk and left for a newer one, rolled
 * back block by block, and given back whole once its blocks are all free
 * (kept as the thread's spare first, for its next overflow).
 *
 * Only the owner's thread changes a chunk (or a thread acting for it: see
 * malloc_remote.c).
 */
#include <config.h>

#include <errno.h>

#include "malloc_internal.h"

struct bump_chunks bump__chunk_pool;
uintptr_t bump__chunks_from, bump__chunks_to;

/*
 * The pool keeps the chunks it is given committed; once it has kept more
 * than POOL_KEEP of them for UNUSED_MS, checked as the program frees
 * and allocates (see bump__age_pool), it purges them, so that memory the
 * program freed shows as freed.  Not at once: a program whose sizes shift
 * (memory freed by the thousand blocks, then needed again for others) took
 * a page fault for every page it used again, and spent more time in the
 * kernel than in malloc (bench/programs/shift.c: 59,000 faults against
 * mimalloc's 30,000; 1.6 times its time).  As jemalloc's decay, the
 * price is a second of the memory a program freed staying resident.
 */
#define POOL_KEEP ((size_t)8 << 20)
/* When the pool's cache went past POOL_KEEP, by bump__os_now_ms (which
 * is never 0 where there is a clock); 0: it is not past it. */
static unsigned long long pool_over_since;
/* A thread keeps an emptied chunk as its spare only while the reserve has
 * room for this many more: in a small reserve, spares would starve
 * threads. */
#define SPARE_ROOM 4

/* ---- Taking a chunk ---------------------------------------------------- */

/* First header position at or above p: headers sit at 8 mod 16. */
static char *
first_header(char *p)
{
	return (char *)bump__align_up((uintptr_t)p + 8, 16) - 8;
}

/* Make [c, c + chunk) part of the range free() recognizes (the pool's
 * start was set at start-up). */
static void
widen_range(struct chunk *c)
{
	BUMP_ASSERT((uintptr_t)c >= bump__chunks_from);
	bump_atomic_max(&bump__chunks_to,
	    (uintptr_t)c + bump__settings.chunk_size);
}

static struct chunk *
new_chunk(void)
{
	struct chunk *c;
	int fresh, saved = errno;
	size_t size = bump__settings.chunk_size;

	/* No pool (its reserve was refused): no chunk, every request goes
	 * where BUMP_ALLOC_ON_EXHAUST says. */
	if (bump__chunks_from == 0 || !bump__reserve_fits(size) ||
	    (c = bump__chunk_get(&bump__chunk_pool,
	    bump__settings.chunk_shift, &fresh)) == NULL) {
		errno = saved;
		return NULL;
	}
	bump__reserve_hold(HELD_BY_CHUNKS, size);
	if (bump__settings.config.hugepages)
		bump__os_hugepage_hint(c, size);
	widen_range(c);
	bump_atomic_store(&c->magic, CHUNK_HELD, RELAXED);
	c->start = first_header((char *)(c + 1));
	c->clean = fresh ? c->start : (char *)c + size;
	return c;
}

/* ---- The current chunk ------------------------------------------------- */

/* Let the fast path hand out up to DRAIN_EVERY more bytes. */
void
bump__set_limit(struct thread *t)
{
	char *end = chunk_end(t);

	t->limit = (size_t)(end - t->top) > DRAIN_EVERY ?
	    t->top + DRAIN_EVERY : end;
}

static void
save_chunk(struct thread *t)
{
	struct chunk *c = t->chunk;

	c->top = t->top;
	c->clean = bump__max_ptr(t->clean, t->top);
	c->last = t->last;
}

static void
enter_chunk(struct thread *t, struct chunk *c)
{
	t->chunk = c;
	t->top = c->top;
	t->clean = c->clean;
	t->last = c->last;
	bump__set_limit(t);
}

/* A new current chunk for t: its spare, an orphan's chunks, or a new one;
 * 0, or -1 if none. */
int
bump__push_chunk(struct thread *t)
{
	struct chunk *c = t->spare;

	if (c != NULL)
		t->spare = NULL;
	else if (bump__absorb_orphan(t) == 0)
		return 0;
	else if ((c = new_chunk()) == NULL)
		return -1;
	else
		(void)bump__large_trim(0);	/* a moment to age the cache */
	c->owner = t;
	c->top = c->start;
	c->last = NULL;
	c->live = 0;
	c->next = NULL;
	c->prev = t->chunk;
	if (t->chunk != NULL) {
		save_chunk(t);
		t->chunk->next = c;
	}
	enter_chunk(t, c);
	return 0;
}

/* ---- An orphan's chunks ----------------------------------------------- */

/* o's recycle lists join t's (the blocks stay where they are). */
static void
take_lists(struct thread *t, struct thread *o)
{
	for (unsigned k = 0; k < SIZE_CLASSES; k++) {
		struct node *first = o->lists[k], *last = first;

		if (first == NULL)
			continue;
		while (last->next != NULL)
			last = last->next;
		last->next = t->lists[k];
		if (t->lists[k] != NULL)
			t->lists[k]->prev = last;
		t->lists[k] = first;
		o->lists[k] = NULL;
	}
}

/*
 * o, an orphan (its `taken' lock held, its frees taken), gives its chunks
 * to t, which needs one: o's current chunk becomes t's, o's others go
 * below it, its lists join t's, and o is left empty.  A thread that read
 * the old owner pushes its frees to o, which forwards them.  0, or -1
 * when o has no chunk.
 */
int
bump__take_chunks(struct thread *t, struct thread *o)
{
	struct chunk *current = o->chunk, *oldest = current;

	if (current == NULL)
		return -1;
	save_chunk(o);
	for (struct chunk *c = current; c != NULL; c = c->prev) {
		bump_atomic_store(&c->owner, t, RELAXED);
		oldest = c;
	}
	oldest->prev = t->chunk;
	if (t->chunk != NULL) {
		save_chunk(t);
		t->chunk->next = oldest;
	}
	enter_chunk(t, current);
	take_lists(t, o);
	o->chunk = NULL;
	o->top = o->limit = o->clean = NULL;
	o->last = NULL;
	return 0;
}

/* ---- Giving a chunk back ------------------------------------------------ */

/* The pool's cache past POOL_KEEP: note since when, and purge it once
 * that is UNUSED_MS ago.  Called when a chunk goes back, and on the
 * slow path while the cache is past (see bump__pool_aging). */
void
bump__age_pool(void)
{
	size_t in_use, cached;
	unsigned long long since, now;

	bump__chunks_usage(&bump__chunk_pool, &in_use, &cached);
	if (cached <= POOL_KEEP) {
		if (bump__pool_aging())
			bump_atomic_store(&pool_over_since, 0, RELAXED);
		return;
	}
	if ((now = bump__os_now_ms()) == 0) {	/* no clock: at once */
		(void)bump__chunks_purge(&bump__chunk_pool);
		return;
	}
	since = bump_atomic_load(&pool_over_since, RELAXED);
	if (since == 0)
		(void)bump_atomic_cas(&pool_over_since, &since, now, RELAXED);
	else if (now - since >= UNUSED_MS &&
	    bump_atomic_cas(&pool_over_since, &since, 0, RELAXED))
		(void)bump__chunks_purge(&bump__chunk_pool);
}

int
bump__pool_aging(void)
{
	return bump_atomic_load(&pool_over_since, RELAXED) != 0;
}

/* Keep one emptied chunk for the next overflow; the rest go to the pool.
 * Either way no block is left in it: every pointer into it is past its
 * top, and one into a chunk of the pool is seen by its magic. */
static void
give_chunk(struct thread *t, struct chunk *c)
{
	size_t size = bump__settings.chunk_size;

	BUMP_ASSERT(c->live == 0);
	c->top = c->start;
	c->last = NULL;
	if (t->spare == NULL && !t->orphaned &&
	    bump__reserve_fits(SPARE_ROOM * size)) {
		t->spare = c;
		return;
	}
	bump_atomic_store(&c->magic, CHUNK_FREE, RELAXED);
	bump__reserve_drop(HELD_BY_CHUNKS, size);
	bump__chunk_put(&bump__chunk_pool, c, bump__settings.chunk_shift);
	bump__age_pool();
}

/* The current chunk holds no block any more: go back to the one before,
 * so that its blocks can be rolled back too. */
static void
pop_chunk(struct thread *t)
{
	struct chunk *c = t->chunk, *prev = c->prev;

	save_chunk(t);
	prev->next = NULL;
	give_chunk(t, c);
	enter_chunk(t, prev);
}

/* c, not the current chunk, has no live block left: it goes whole. */
void
bump__release_chunk(struct thread *t, struct chunk *c)
{
	struct hdr *h = c->last;

	while (h != NULL) {
		BUMP_ASSERT(block_in_chunk(t, c, h) && (h->link & F_FREED));
		if (h->link & F_LISTED)
			list_unlink(t, h);
		t->counts.bytes_reclaimed += h->size;
		h = (h->link & LINK_MASK) != 0 ? header_below(h) : NULL;
	}
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->prev != NULL)
		c->prev->next = c->next;
	give_chunk(t, c);
}

/* An orphan gives back its spare and its emptied last chunk. */
void
bump__shed(struct thread *t)
{
	struct chunk *c = t->chunk;

	if (t->spare != NULL) {
		struct chunk *spare = t->spare;

		t->spare = NULL;
		give_chunk(t, spare);
	}
	if (c != NULL && c->live == 0 && c->prev == NULL) {
		save_chunk(t);
		give_chunk(t, c);
		t->chunk = NULL;
		t->top = t->limit = t->clean = NULL;
		t->last = NULL;
	}
}

/* ---- Rolling back -------------------------------------------------------- */

/*
 * h, the newest block, goes: lower the top to the end of the block below,
 * and go on while that one was freed too (their bytes reclaimed now; h's
 * the caller counts).  An emptied chunk hands over to the chunk before
 * it, whose newest blocks may also be waiting.
 */
void
bump__roll_back(struct thread *t, struct hdr *h)
{
	t->clean = bump__max_ptr(t->clean, t->top);
	for (int first = 1;; first = 0) {
		uint32_t back = h->link & LINK_MASK;

		BUMP_ASSERT(h == t->last && block_in_chunk(t, t->chunk, h));
		BUMP_ASSERT(back <= (uintptr_t)((char *)h - t->chunk->start));
		if (h->link & F_LISTED)
			list_unlink(t, h);
		if (!first)
			t->counts.bytes_reclaimed += h->size;
		if (back == 0) {
			t->top = t->chunk->start;
			t->last = NULL;
			if (t->chunk->prev == NULL)
				return;
			pop_chunk(t);
			h = t->last;
			if (h == NULL || !(h->link & F_FREED))
				return;
			t->clean = bump__max_ptr(t->clean, t->top);
			continue;
		}
		h = header_below(h);
		t->top = (char *)(h + 1) + h->size;
		t->last = h;
		if (!(h->link & F_FREED))
			return;
	}
}
