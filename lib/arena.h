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
 * An arena hands out memory from a chain of blocks, each a chunk of the
 * chunk layer (lib/chunks.h), a reservation of the arena's own (always the
 * last one), or the caller's buffer (bump_create_in).  The logical offset
 * of a block is the number of bytes handed out before it: bump_used and
 * bump_mark count in that order.
 */
enum {
	BLOCK_RESERVATION = 0,	/* kind of a block that is not a chunk */
	BLOCK_BUFFER = 1
};

#define BUMP__MAX_BLOCKS 17
#define BUMP__MAGIC 0x62756d70u		/* "bump": a live arena */
#define BUMP__DEAD 0x64656164u		/* "dead": destroyed */

/*
 * The bookkeeping lives in a chunk of its own (or at the start of the
 * caller's buffer), apart from the memory handed out, so that a user's
 * overrun cannot reach it.  The fields from top to limit describe the
 * current block (blocks[nblocks - 1]); without BUMP_THREADSAFE nothing here
 * is atomic.
 */
struct bump {
	/* Line 0: what allocating reads and writes. */
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
	uint32_t magic;		/* BUMP__MAGIC while alive */
	unsigned nblocks;	/* blocks in the chain, the current one last */
	char *dirty_end;	/* above max(top, dirty_end) memory reads zero */
	/* Lines 1-2: the rest, cleared by create up to the blocks. */
	size_t cap;		/* the most bytes handed out at once */
	size_t peak;		/* most bytes handed out, at the last lowering */
	unsigned flags;
	int grown_huge;		/* the region above HUGE_AFTER got the hint */
	size_t redzone;		/* bytes left unused before each block */
	size_t header_size;	/* bytes of this bookkeeping */
	char *region;		/* own reservation's usable start, or NULL */
	char *region_commit;	/* [region, region_commit) is committed */
	size_t commit_step;	/* commit in multiples of this */
	void *mapping;		/* the whole reservation */
	size_t mapping_size;
	unsigned char block_kind[BUMP__MAX_BLOCKS];	/* chunk shift, BLOCK_* */
	/* Set as blocks are added: an arena of one block touches 3 lines. */
	struct {
		char *start;
		size_t offset;	/* logical offset */
	} block[BUMP__MAX_BLOCKS];
	/* BUMP_THREADSAFE only (set by create): see alloc_threaded(). */
	uint64_t epoch;		/* new on create, reset, rewind: old chunks die */
	uintptr_t owner;	/* the first allocating thread, 0 for none yet */
	int crowded;		/* a second thread has allocated */
};

/* 1 when b is a live arena (not NULL, not destroyed). */
int bump__live(const bump_t *b);

/* Allocate size bytes aligned to align (a power of two) from a live arena. */
void *bump__alloc(bump_t *b, size_t size, size_t align);

/*
 * The most bytes the block at p may hold once bump_realloc() resizes it
 * in place (up to its block's limit) when p is the newest block of a plain
 * arena; 0 otherwise.  Growing objects use it to fill their chunk before
 * they move.
 */
size_t bump__in_place_max(const bump_t *b, const void *p);

/* The alignment bump_malloc gives a block of n bytes. */
size_t bump__natural_align(size_t n);

#endif /* BUMP_ARENA_H */
