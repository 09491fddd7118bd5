/*
 * arena_shared.c - allocating from a BUMP_THREADSAFE arena, whose one
 * block (its own reservation) many threads hand out at once.
 *
 * While one thread allocates alone it moves the shared top itself, so
 * blocks are packed and bump_used() is exact.  Once a second thread
 * allocates, each thread carves a slice of THREAD_SLICE bytes at a time
 * from the top and bumps inside its own slice: threads then touch the
 * shared cache line once per slice instead of once per block, which is
 * what lets two threads allocate faster than one.  Carved slices count as
 * used.  Lowering the top (reset, rewind) gives the arena a new epoch,
 * which outdates every thread's slice of it.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>

#include "arena.h"
#include "instrument.h"

#define THREAD_SLICE ((size_t)64 << 10)

/* The slice of a shared arena the calling thread allocates from. */
struct thread_slice {
	const bump_t *arena;
	uint64_t epoch;		/* the arena's epoch when carved */
	char *top, *end;
};

static BUMP_THREAD_LOCAL struct thread_slice this_thread_slice;

static uint64_t last_epoch;

void
bump__shared_restart(bump_t *b)
{
	if (!bump__is_threadsafe(b))
		return;
	/* A number no arena in this process had before. */
	b->epoch = bump_atomic_add(&last_epoch, 1, RELAXED);
	b->owner = 0;
	b->crowded = 0;
}

/* Claim a block from the shared top, exactly. */
static void *
alloc_at_top(bump_t *b, size_t size, size_t align)
{
	char *top = bump_atomic_load(&b->top, RELAXED);

	for (;;) {
		char *start = bump__start_above(b, top, size, align);

		if (start == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		/* Commit before claiming, so that a failure changes nothing. */
		if (start + size > bump_atomic_load(&b->commit_end, ACQUIRE) &&
		    bump__region_commit(b, start + size) != 0)
			return NULL;
		if (bump_atomic_cas_weak(&b->top, &top, start + size, RELAXED)) {
			bump__on_alloc(b, top, start, size);
			return start;
		}
	}
}

static char *
start_in_slice(const struct thread_slice *s, size_t size, size_t align)
{
	uintptr_t at = bump__align_up((uintptr_t)s->top, align);

	if (at < (uintptr_t)s->top || at > (uintptr_t)s->end ||
	    size > (uintptr_t)s->end - at)
		return NULL;
	return (char *)at;
}

/* 1 while the calling thread is the only one that has allocated from b. */
static int
alone(bump_t *b, uintptr_t me)
{
	uintptr_t owner;

	if (bump_atomic_load(&b->crowded, RELAXED))
		return 0;
	owner = bump_atomic_load(&b->owner, RELAXED);
	if (owner == me || (owner == 0 &&
	    bump_atomic_cas(&b->owner, &owner, me, RELAXED)))
		return 1;
	bump_atomic_store(&b->crowded, 1, RELAXED);
	return 0;
}

void *
bump__shared_alloc(bump_t *b, size_t size, size_t align)
{
	struct thread_slice *s = &this_thread_slice;
	char *start, *slice;

	/* The tools see blocks, not slices: watched arenas stay exact. */
	if ((b->flags & BUMP__WATCHED) || alone(b, (uintptr_t)s))
		return alloc_at_top(b, size, align);
	if (s->arena == b && s->epoch == b->epoch &&
	    (start = start_in_slice(s, size, align)) != NULL) {
		s->top = start + size;
		return start;
	}
	/* Big blocks, and the last bytes of the arena, go exactly. */
	if (size > THREAD_SLICE / 4 ||
	    (slice = alloc_at_top(b, THREAD_SLICE, BUMP_MAX_ALIGN)) == NULL)
		return alloc_at_top(b, size, align);
	s->arena = b;
	s->epoch = b->epoch;
	s->top = slice;
	s->end = slice + THREAD_SLICE;
	start = start_in_slice(s, size, align);
	s->top = start + size;
	return start;
}
