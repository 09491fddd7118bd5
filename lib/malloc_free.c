/*
 * malloc_free.c - what free does with a block of the chunks.
 *
 * A thread's own block: the newest rolls the top back, cascading over the
 * blocks below already freed (lifo); any other is marked freed and, under
 * recycle, waits on the thread's list for its size class.  Every chunk
 * counts its live blocks; one whose blocks are all free goes back whole.
 * Another thread's block is pushed, lock-free, on its owner's list of
 * remote frees; the owner drains that list on its slow path, and the
 * chunks of a thread that exited are handled by whoever frees into them.
 */
#include <config.h>

#include <string.h>

#include "malloc_internal.h"

/*
 * h, the newest block, goes: lower the top to the end of the block below,
 * and go on while that one was freed too.  An emptied chunk hands over to
 * the chunk before it, whose newest blocks may also be waiting.
 */
void
bump__roll_back(struct thread *t, struct hdr *h)
{
	t->clean = max_ptr(t->clean, t->top);
	for (;;) {
		uint32_t back = h->link & LINK_MASK;

		if (h->link & F_LISTED)
			list_unlink(t, h);
		t->counts.bytes_reclaimed += h->size;
		if (back == 0) {
			t->top = t->chunk->start;
			t->last = NULL;
			if (t->chunk->prev == NULL)
				return;
			bump__pop_chunk(t);
			h = t->last;
			if (h == NULL || !(h->link & F_FREED))
				return;
			t->clean = max_ptr(t->clean, t->top);
			continue;
		}
		h = (struct hdr *)(void *)((char *)h - back);
		t->top = (char *)(h + 1) + h->size;
		t->last = h;
		if (!(h->link & F_FREED))
			return;
	}
}

/*
 * Keep one emptied chunk for the next overflow; the rest go back to the
 * pool.  The pool keeps what it is given committed (up to 32 MiB, its own
 * bound); past POOL_KEEP of it the malloc replacement has it purged, so
 * that memory the program freed shows as freed.
 */
#define POOL_KEEP ((size_t)8 << 20)

void
bump__give_chunk(struct thread *t, struct chunk *c)
{
	size_t in_use, cached;

	if (t->spare == NULL && !t->orphaned) {
		t->spare = c;
		return;
	}
	__atomic_sub_fetch(&bump__chunks_held, bump__g.chunk_size,
	    __ATOMIC_RELAXED);
	bump__chunk_put(&bump__pool, c, bump__g.chunk_shift);
	bump__chunks_usage(&bump__pool, &in_use, &cached);
	if (cached > POOL_KEEP)
		(void)bump__chunks_purge(&bump__pool);
}

/* c, not the current chunk, has no live block left: it goes whole. */
void
bump__release_chunk(struct thread *t, struct chunk *c)
{
	struct hdr *h = c->last;

	while (h != NULL) {
		uint32_t back = h->link & LINK_MASK;

		if (h->link & F_LISTED)
			list_unlink(t, h);
		t->counts.bytes_reclaimed += h->size;
		h = back != 0 ? (struct hdr *)(void *)((char *)h - back) : NULL;
	}
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->prev != NULL)
		c->prev->next = c->next;
	bump__give_chunk(t, c);
}

/* Blocks other threads freed, freed now by their owner. */
void
bump__drain_remote(struct thread *t)
{
	void *p = __atomic_exchange_n(&t->remote, NULL, __ATOMIC_ACQUIRE);

	while (p != NULL) {
		void *next = *(void **)p;

		bump__free_local(t, chunk_of(p), header_of(p));
		p = next;
	}
}

/*
 * t (NULL for a thread that never allocated) frees a block of another
 * thread's chunk c.  The owner's state alone may change c: the block goes
 * on the owner's list of remote frees with one compare-and-swap.  An owner
 * that exited and was not adopted yet is served here, under the orphans'
 * lock (never waited for: if it is taken, the block waits on the list).
 */
void
bump__free_remote(struct thread *t, struct chunk *c, struct hdr *h)
{
	struct thread *owner = c->owner;
	void **link = (void **)(void *)(h + 1), *head;

	if (likely(t != NULL)) {
		t->counts.frees++;
		t->counts.bytes_freed += h->size;
		t->counts.remote_frees++;
	} else {
		bump__count_free(NULL, h->size, 0, 1);
	}
	if (bump__g.config.free_policy == FREE_NONE)
		return;
	if (LOAD(&owner->orphaned) && bump__trylock(&bump__orphans_lock)) {
		int still = owner->orphaned;

		if (still) {
			bump__free_local(owner, c, h);
			bump__drain_remote(owner);
			bump__shed(owner);
		}
		bump__unlock(&bump__orphans_lock);
		if (still)
			return;
	}
	head = LOAD(&owner->remote);
	do
		*link = head;
	while (!__atomic_compare_exchange_n(&owner->remote, &head, (void *)link,
	    1, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}
