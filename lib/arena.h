/*
 * arena.h - the arena's bookkeeping, shared by the files of the library.
 */
#ifndef BUMP_ARENA_H
#define BUMP_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "bump_alloc.h"

#define BUMP_ALL_FLAGS (BUMP_THREADSAFE | BUMP_HUGEPAGES | BUMP_PREFAULT)
/* In b->flags only: the region is committed once for all on pinned pages. */
#define BUMP__PINNED (1u << 31)
/* In b->flags only: ASan or Valgrind watches, every block passes the hooks. */
#define BUMP__WATCHED (1u << 30)

/*
 * The bookkeeping sits on its own page below a guard page, below the
 * region, so that a user's overrun runs away from it and an underrun of
 * the first block faults.  Without BUMP_THREADSAFE nothing here is atomic.
 */
struct bump {
	union {		/* the public prefix the inline bump_malloc() uses */
		struct bump_fast_ fast;
		struct {
			char *top;	/* next free byte */
			char *last;	/* newest block's start; NULL when unknown */
			char *fast_end;	/* see fast_end_for() in arena.c */
		};
	};
	char *commit_end;	/* [base, commit_end) is committed */
	char *limit;		/* end of the region; a guard page follows */
	char *base;		/* start of the region */
	char *dirty_end;	/* above max(top, dirty_end) memory reads zero */
	size_t commit_step;	/* commit in multiples of this */
	void *mapping;		/* the whole reservation */
	size_t mapping_size;
	unsigned flags;
	int grown_huge;		/* the region above HUGE_AFTER got the hint */
	/* BUMP_THREADSAFE only: see alloc_threaded() in arena.c. */
	uint64_t epoch;		/* new on create, reset, rewind: old chunks die */
	uintptr_t owner;	/* the first allocating thread, 0 for none yet */
	int crowded;		/* a second thread has allocated */
	size_t redzone;		/* bytes left unused before each block */
};

/* Allocate size bytes aligned to align (a power of two) from a live arena. */
void *bump__alloc(bump_t *b, size_t size, size_t align);

/* The alignment bump_malloc gives a block of n bytes. */
size_t bump__natural_align(size_t n);

#endif /* BUMP_ARENA_H */
