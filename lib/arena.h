/*
 * arena.h - the arena's bookkeeping, shared by the files of the library.
 */
#ifndef BUMP_ARENA_H
#define BUMP_ARENA_H

#include <stddef.h>

#include "bump_alloc.h"

#define BUMP_ALL_FLAGS (BUMP_THREADSAFE | BUMP_HUGEPAGES | BUMP_PREFAULT)

/*
 * The bookkeeping sits on its own page below a guard page, below the
 * region, so that a user's overrun runs away from it and an underrun of
 * the first block faults.  Without BUMP_THREADSAFE nothing here is atomic.
 */
struct bump {
	char *top;		/* next free byte */
	char *last;		/* start of the newest block; NULL when unknown */
	char *commit_end;	/* [base, commit_end) is committed */
	char *limit;		/* end of the region; a guard page follows */
	char *base;		/* start of the region */
	char *dirty_end;	/* above max(top, dirty_end) memory reads zero */
	size_t commit_step;	/* commit in multiples of this */
	void *mapping;		/* the whole reservation */
	size_t mapping_size;
	unsigned flags;
	size_t redzone;		/* bytes left unused before each block */
};

/* Allocate size bytes aligned to align (a power of two) from a live arena. */
void *bump__alloc(bump_t *b, size_t size, size_t align);

/* The alignment bump_malloc gives a block of n bytes. */
size_t bump__natural_align(size_t n);

#endif /* BUMP_ARENA_H */
