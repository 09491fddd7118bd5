/*
 * malloc_remote.c - frees of one thread's blocks by another, and acting
 * for an owner that is away.
 *
 * A block freed by another thread than its owner is marked F_REMOTE (so
 * that a second free of it is caught) and gathered with the freeing
 * thread's other frees of that owner's blocks; the batch goes on the
 * owner's list with one compare-and-swap, and the owner frees the blocks
 * of that list as its own on its slow path.  An owner that does not come to its slow path is served
 * by the threads that free its blocks, under its `taken' lock: an orphan
 * (its thread exited) at every free; a live owner each time another
 * TAKE_OVER_EVERY bytes have piled up while it did not come, if it is
 * away from the library (see owner_enter).  So chunks emptied by other
 * threads go back even when their owner idles or is gone.
 */
#include <config.h>

#include "malloc_internal.h"

/* ---- The owner's side ----------------------------------------------------- */

/* t's owner found `taken': it waits, not busy, until the other is done. */
void
bump__wait_taken(struct thread *t)
{
	do {
		unsigned spins = 0;

		bump_atomic_store(&t->busy, 0, RELEASE);
		while (bump_atomic_load(&t->taken.held, ACQUIRE) != 0) {
			if (++spins < BUMP_LOCK_SPINS)
				bump__cpu_relax();
			else
				bump__os_yield();
		}
		bump_atomic_store(&t->busy, 1, RELAXED);
		owner_barrier();
	} while (bump_atomic_load(&t->taken.held, ACQUIRE) != 0);
}

/* Push the blocks first .. last (bytes of them) on owner's list of remote
 * frees; the bytes now on it. */
static size_t
push_remote(struct thread *owner, struct remote_node *first,
    struct remote_node *last, size_t bytes)
{
	struct remote_node *old = bump_atomic_load(&owner->remote, RELAXED);
	size_t pending;

	do {
		/* old may be taken and reused meanwhile: then the CAS fails,
		 * or (taken, freed and pushed again) the count is off, and
		 * the count only decides when to look at the owner. */
		pending = bytes + (old != NULL ?
		    bump_atomic_load(&old->pending, RELAXED) : 0);
		last->next = old;
		first->pending = pending;
	} while (!bump_atomic_cas_weak(&owner->remote, &old, first, RELEASE));
	return pending;
}

/*
 * The blocks other threads freed, freed now as t's own (by t's owner, or
 * by a thread acting for it).  The freeing threads checked them (a block
 * freed before, or above its chunk's top, is marked so; see plausible and
 * mark_remote); what is left to see is a block handed out again since (t
 * wrote a new header over the mark, and its link is lost: the rest of the
 * list with it) or met twice (two threads freed it at once: the first
 * visit cleared the mark).  A block of a chunk that changed hands since
 * it was freed (an orphan's, taken by another thread) is passed on, with
 * no lock taken: its new owner will take it.
 */
void
bump__drain_remote(struct thread *t)
{
	struct remote_node *n = bump_atomic_take_all(&t->remote);
	struct thread *owner;

	while (n != NULL) {
		struct remote_node *next = n->next;
		struct hdr *h = header_of(n);
		struct chunk *c = chunk_of(n);

		/* Its header (n->ahead may be NULL: no arithmetic on it). */
		__builtin_prefetch((void *)((uintptr_t)n->ahead -
		    sizeof(struct hdr)), 1);

		if (bump_unlikely(!(h->link & F_REMOTE) ||
		    (next != NULL && !in_region(next)))) {
			bad_free("free", n);
			return;
		}
		owner = c->owner;
		if (bump_likely(owner == t)) {
			h->link &= ~F_REMOTE;
			free_block(t, c, h);
		} else if (chunk_held(c)) {	/* an orphan's chunk, taken */
			n->ahead = NULL;	/* alone: no block ahead of it */
			(void)push_remote(owner, n, n, (size_t)h->size + 8);
		} else {
			h->link &= ~F_REMOTE;
			bad_free("free", n);
		}
		n = next;
	}
}

/* t, an orphan, gives back what its blocks freed by others emptied. */
void
bump__serve_orphan(struct thread *t)
{
	bump__drain_remote(t);
	bump__shed(t);
}

/* ---- The freeing thread's side ------------------------------------------- */

/* 1 when h may be a live block of c, another thread's chunk, as far as a
 * thread that is not its owner can tell (the owner checks the rest). */
static int
plausible(const struct chunk *c, const struct hdr *h)
{
	return ((uintptr_t)(h + 1) & 15) == 0 && chunk_held(c) &&
	    (const char *)h >= c->start && (h->size & 15) == 8 &&
	    h->size < bump__settings.chunk_size;
}

/*
 * Mark h freed by another thread: 0 when it was freed already.  A plain
 * store: two threads that free one block at the same moment may both
 * pass, and the owner then meets the block twice (or a cycle) on its list;
 * the first visit clears the mark, so the second is caught there and the
 * rest of the list dropped (see bump__drain_remote).  A second free that
 * comes after the first, by any thread, is caught here.
 */
static int
mark_remote(struct hdr *h)
{
	uint32_t link = h->link;

	if ((link & F_ANY_FREE) != 0)
		return 0;
	h->link = link | F_REMOTE;
	return 1;
}

/*
 * Another TAKE_OVER_EVERY bytes wait for owner.  If it came to its slow
 * path since the last time, it takes them itself soon; if not, and it is
 * not inside the library, take them in its place.
 */
static void
take_over(struct thread *owner)
{
	unsigned slow = bump_atomic_load(&owner->slow_calls, RELAXED);

	if (bump_atomic_exchange(&owner->slow_seen, slow, RELAXED) != slow ||
	    !bump__trylock(&owner->taken))
		return;
	if (bump_atomic_load(&owner->orphaned, ACQUIRE))
		bump__serve_orphan(owner);
	else if (bump__os_heavy_barrier() == 0 &&
	    !bump_atomic_load(&owner->busy, ACQUIRE))
		bump__drain_remote(owner);
	bump__unlock(&owner->taken);
}

/* Hand first .. last (bytes) to owner; an orphan is served at once, an
 * owner that lets them pile up may be served in its place. */
static void
hand_over(struct thread *owner, struct remote_node *first,
    struct remote_node *last, size_t bytes)
{
	size_t pending = push_remote(owner, first, last, bytes);

	if (bump_atomic_load(&owner->orphaned, ACQUIRE)) {
		bump__lock(&owner->taken);
		if (bump_atomic_load(&owner->orphaned, RELAXED))
			bump__serve_orphan(owner);
		bump__unlock(&owner->taken);
	} else if (pending / TAKE_OVER_EVERY !=
	    (pending - bytes) / TAKE_OVER_EVERY) {
		take_over(owner);
	}
}

/* t (entered) hands over the blocks it gathered. */
void
bump__flush_remote(struct thread *t)
{
	struct remote_batch batch = t->batch;

	if (batch.owner == NULL)
		return;
	t->batch.owner = NULL;
	hand_over(batch.owner, batch.first, batch.last, batch.bytes);
}

/* A thread without a state (its exit is past) hands h over at once. */
static __attribute__((noinline)) void
free_stateless(struct chunk *c, struct hdr *h)
{
	struct remote_node *n = (struct remote_node *)(void *)(h + 1);

	bump__count_free(NULL, h->size, 0, 1);
	if (bump__settings.config.free_policy != FREE_NONE) {
		n->ahead = NULL;
		hand_over(c->owner, n, n, (size_t)h->size + 8);
	}
}

/* t's batch is for another owner (or none): hand it over, start one for
 * owner with n. */
static __attribute__((noinline)) void
start_batch(struct thread *t, struct thread *owner, struct remote_node *n,
    size_t bytes)
{
	bump__flush_remote(t);
	n->next = n->ahead = NULL;
	t->batch = (struct remote_batch){ owner, n, n, { n }, bytes, 1 };
}

/*
 * t (entered; NULL for a thread without a state) frees h, a block of
 * another thread's chunk c.  Counted as t's free; the block joins t's
 * batch for its owner (or goes at once, without a state).
 */
void
bump__free_remote(struct thread *t, struct chunk *c, struct hdr *h)
{
	struct remote_node *n = (struct remote_node *)(void *)(h + 1);
	struct remote_batch *batch;
	size_t bytes;

	if (bump_unlikely(!plausible(c, h) ||
	    (bump__settings.config.free_policy != FREE_NONE &&
	    !mark_remote(h)))) {
		bad_free("free", n);
		return;
	}
	if (bump_unlikely(t == NULL)) {
		free_stateless(c, h);
		return;
	}
	bytes = (size_t)h->size + 8;
	t->counts.frees++;
	t->counts.bytes_freed += bytes - 8;
	t->counts.remote_frees++;
	if (bump__settings.config.free_policy == FREE_NONE)
		return;
	batch = &t->batch;
	if (bump_unlikely(batch->owner != c->owner)) {
		start_batch(t, c->owner, n, bytes);
	} else {
		struct remote_node **recent =
		    &batch->recent[batch->count % REMOTE_AHEAD];

		n->next = batch->first;
		n->ahead = *recent;	/* pushed REMOTE_AHEAD blocks ago */
		*recent = n;
		batch->first = n;
		batch->bytes += bytes;
		batch->count++;
	}
	if (bump_unlikely(batch->count >= REMOTE_BATCH ||
	    batch->bytes >= REMOTE_BATCH_BYTES))
		bump__flush_remote(t);
}
