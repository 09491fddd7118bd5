/*
 * arena.h - the arena's bookkeeping, and the block helpers the arena's
 * files share (static inline, so that no file calls another both ways).
 *
 * The files, one job each; each calls only files listed below it:
 *   arena.c         allocating: bump_malloc and friends, realloc, free,
 *                   and the plain path (inlined into them)
 *   arena_create.c  bump_create, bump_create_in, bump_destroy, bump_purge
 *   arena_rewind.c  lowering the top: bump_mark, bump_rewind, bump_reset,
 *                   bump_trim
 *   arena_chain.c   the chain of blocks: entering, dropping, extending it
 *   arena_shared.c  allocating in a BUMP_THREADSAFE arena: the shared top,
 *                   each thread's slice of it, epochs
 *   arena_region.c  the arena's own reservation: committing it, and the
 *                   spare one a destroyed arena leaves to the next
 *   arena_stats.c   queries and statistics (calls no other file)
 * arena_grow.c (growing objects) and strings.c use the public functions
 * (which refuse a NULL or destroyed arena), bump__alloc and
 * bump__resize_newest.  What an arena owns besides bytes sits above them
 * all and uses the public functions and bump__alloc:
 *   arena_own.c     cleanups and child arenas
 *   arena_scratch.c each thread's scratch arenas
 * The one call upwards: bump_reset, bump_rewind and bump_destroy run the
 * cleanups through bump__own_release() before they drop memory (and a
 * child's cleanup on its parent calls bump_destroy in turn).
 */
#ifndef BUMP_ARENA_H
#define BUMP_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "atomic.h"
#include "bits.h"
#include "bump_alloc.h"
#include "chunks.h"
#include "os.h"

#define BUMP_ALL_FLAGS (BUMP_THREADSAFE | BUMP_HUGEPAGES | BUMP_PREFAULT)
/* In b->flags only: ASan or Valgrind watches, every block passes the hooks. */
#define BUMP__WATCHED (1u << 30)
/* What the arena owns (lib/arena_own.c); reset, rewind and destroy look. */
#define BUMP__CLEANING (1u << 29)	/* a pass runs its cleanups */
#define BUMP__EDITED (1u << 28)		/* a cleanup changed the list */
#define BUMP__DOOMED (1u << 27)		/* its parent died in that pass */
#define BUMP__CHILD (1u << 26)		/* a child: see parent_record */
#define BUMP__SCRATCH (1u << 25)	/* a thread's: dies with the thread */
#define BUMP__OWN_FLAGS (BUMP__CLEANING | BUMP__EDITED | BUMP__DOOMED | \
	BUMP__CHILD | BUMP__SCRATCH)
#define BUMP__PRIVATE_FLAGS (BUMP__WATCHED | BUMP__OWN_FLAGS)
_Static_assert((BUMP__PRIVATE_FLAGS & BUMP_ALL_FLAGS) == 0,
    "the private flags are apart from the public ones");

/*
 * An arena hands out memory from a chain of blocks, each a chunk of the
 * chunk layer (lib/chunks.h), a reservation of the arena's own (always the
 * last one), or the caller's buffer (bump_create_in).  The logical offset
 * of a block is the number of bytes handed out before it: bump_used and
 * bump_mark count in that order.  A block's kind is its chunk's shift, or
 * one of these:
 */
enum {
	BLOCK_RESERVATION = 0,	/* the arena's own reservation */
	BLOCK_BUFFER = 1	/* the caller's buffer */
};
/* The current block's kind before the first block: none of them. */
#define BUMP__NO_BLOCK (BUMP_CHUNK_MIN_SHIFT - 1)
_Static_assert(BUMP__NO_BLOCK > BLOCK_BUFFER &&
    BUMP__NO_BLOCK > BLOCK_RESERVATION, "kinds are distinct");

#define BUMP__MAX_BLOCKS 17
#define BUMP__MAGIC 0x62756d70u		/* "bump": a live arena */
#define BUMP__DEAD 0x64656164u		/* "dead": destroyed */
/* The largest cap an arena may have: more than any machine can map. */
#define BUMP__MAX_CAP (sizeof(size_t) >= 8 ? (size_t)1 << 46 : (size_t)1 << 30)

/* The pages of an arena's own reservation: what its creator asked for. */
enum {
	BUMP_PAGES_SMALL,	/* the OS's usual pages */
	BUMP_PAGES_HUGE,	/* BUMP_HUGEPAGES: a hint where the OS has them */
	BUMP_PAGES_PINNED	/* BUMP_HUGEPAGES committed whole on pinned
				   pages (Windows): no guard, no decommit */
};

/*
 * The arena's own reservation (lib/arena_region.c): [mapping, base) is a
 * guard (the region's alignment, a page at least), [base, end) holds cap
 * bytes, and a guard page follows end.  base is NULL when there is none.
 */
struct bump_region {
	char *base;
	char *end;
	char *committed;	/* [base, committed) is committed */
	char *mapping;		/* the reservation's start */
	size_t commit_step;	/* commit in multiples of this */
	unsigned pages;		/* BUMP_PAGES_* */
	int hinted;		/* some of it has the huge page hint: commits
				   end on huge page boundaries */
};

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
			char *fast_end;	/* see bump__fast_end_for() */
		};
	};
	char *commit_end;	/* [base, commit_end) is committed */
	char *limit;		/* end of the block's usable part */
	char *base;		/* start of the current block */
	uint32_t magic;		/* BUMP__MAGIC while alive */
	unsigned nblocks;	/* blocks in the chain, the current one last */
	char *dirty_end;	/* above max(top, dirty_end) memory reads zero */
	/* Lines 1-2: the rest, cleared by create up to the blocks. */
	size_t cap;		/* the most bytes handed out at once */
	size_t peak;		/* most bytes handed out, at the last lowering */
	unsigned flags;		/* BUMP_ALL_FLAGS and BUMP__PRIVATE_FLAGS */
	unsigned redzone;	/* bytes left unused before each block */
	size_t header_size;	/* bytes of this bookkeeping */
	struct bump_region region;
	/*
	 * Cleanups (lib/arena_own.c), newest first: in line 2, which reset
	 * and destroy touch anyway, so that an arena without any costs nothing
	 * more to drop.  The lock (BUMP_THREADSAFE only) fills padding.
	 */
	struct bump_cleanup *cleanups;
	unsigned char block_kind[BUMP__MAX_BLOCKS];	/* chunk shift, BLOCK_* */
	bump_lock_t cleanup_lock;
	/* Set as blocks are added: an arena of one block touches 3 lines. */
	struct {
		char *start;
		size_t offset;	/* logical offset */
	} block[BUMP__MAX_BLOCKS];
	/* BUMP_THREADSAFE only (set by create): see lib/arena_shared.c. */
	uint64_t epoch;		/* new on create, reset, rewind: old slices die */
	uintptr_t owner;	/* the first allocating thread, 0 for none yet */
	int crowded;		/* a second thread has allocated */
	/*
	 * BUMP__CHILD only (set by bump_create_child): the parent's cleanup
	 * record that destroys this arena.  Aligned so that the size is a
	 * multiple of BUMP_MAX_ALIGN on every ABI (see below).
	 */
	_Alignas(BUMP_MAX_ALIGN) bump_t *parent;
	struct bump_cleanup *parent_record;
};

/* What <bump_alloc.h> promises: the inline bump_malloc() reads a prefix. */
_Static_assert(BUMP_FAST_ABI == 1, "the layout below is BUMP_FAST_ABI 1");
_Static_assert(offsetof(struct bump, fast) == 0 &&
    offsetof(struct bump, top) == offsetof(struct bump_fast_, top) &&
    offsetof(struct bump, last) == offsetof(struct bump_fast_, last) &&
    offsetof(struct bump, fast_end) == offsetof(struct bump_fast_, fast_end),
    "the public fast prefix sits at the start, field for field");
_Static_assert(offsetof(struct bump, fast_end) >= BUMP_CHUNK_HEADER_SIZE &&
    offsetof(struct bump, magic) >= BUMP_CHUNK_HEADER_SIZE,
    "a destroyed arena's bookkeeping, given back, keeps fast_end NULL and "
    "its magic dead under the chunk layer's link: calls on it are refused");
_Static_assert(offsetof(struct bump, cap) == BUMP_CACHE_LINE,
    "allocating reads and writes one line of the bookkeeping");
_Static_assert(offsetof(struct bump, block[1]) <= 3 * BUMP_CACHE_LINE,
    "an arena of one block touches three lines of its bookkeeping");
_Static_assert(offsetof(struct bump, cleanups) >= 2 * BUMP_CACHE_LINE &&
    offsetof(struct bump, cleanup_lock) < offsetof(struct bump, block),
    "the cleanups' head and lock sit in line 2, cleared by create");
_Static_assert(sizeof(struct bump) % BUMP_MAX_ALIGN == 0 &&
    _Alignof(struct bump) <= BUMP_MAX_ALIGN,
    "bump_create_in: bookkeeping at a multiple of BUMP_MAX_ALIGN is aligned, "
    "and so is the region right after it");

/* ---- Small helpers, inline for every file -------------------------------- */

/* 1 when b is a live arena (not NULL, not destroyed). */
static inline int
bump__live(const bump_t *b)
{
	return b != NULL && b->magic == BUMP__MAGIC;
}

static inline int
bump__is_threadsafe(const bump_t *b)
{
	return (b->flags & BUMP_THREADSAFE) != 0;
}

/*
 * Where the inline bump_malloc() in <bump_alloc.h> must stop: the end of
 * committed memory, or NULL to send every call into the library (shared
 * arenas, whose top moves atomically; and arenas that ASan or Valgrind
 * watch, whose every block must pass the hooks of instrument.h).
 */
static inline char *
bump__fast_end_for(const bump_t *b)
{
	if (b->flags & (BUMP_THREADSAFE | BUMP__WATCHED))
		return NULL;
	return b->commit_end;
}

/*
 * Where a block of size bytes aligned to align would start above top in
 * the current block, or NULL when it cannot fit below the limit.
 */
static inline char *
bump__start_above(const bump_t *b, char *top, size_t size, size_t align)
{
	/* An arena before its first block: top, base and limit are NULL. */
	uintptr_t at = (uintptr_t)top + b->redzone;	/* red zone first */
	uintptr_t limit = (uintptr_t)b->limit;

	if (align - 1 > UINTPTR_MAX - at)
		return NULL;
	at = bump__align_up(at, align);
	if (at > limit || size > limit - at)
		return NULL;
	return (char *)at;
}

static inline int
bump__is_chunk(unsigned kind)
{
	return kind >= BUMP_CHUNK_MIN_SHIFT;
}

static inline unsigned
bump__current_kind(const bump_t *b)
{
	return b->nblocks == 0 ? BUMP__NO_BLOCK : b->block_kind[b->nblocks - 1];
}

/* Bytes block i spans (a chunk's size, or the whole cap). */
static inline size_t
bump__block_span(const bump_t *b, unsigned i)
{
	unsigned kind = b->block_kind[i];

	return bump__is_chunk(kind) ? (size_t)1 << kind : b->cap;
}

/* Logical offset of the current block's base. */
static inline size_t
bump__base_offset(const bump_t *b)
{
	return b->nblocks == 0 ? 0 : b->block[b->nblocks - 1].offset;
}

/* Where the top of an older block i stood when the arena moved on. */
static inline char *
bump__block_end(const bump_t *b, unsigned i)
{
	return b->block[i].start + (b->block[i + 1].offset - b->block[i].offset);
}

/* Block from takes slot to in the chain. */
static inline void
bump__block_move(bump_t *b, unsigned to, unsigned from)
{
	b->block[to].start = b->block[from].start;
	b->block_kind[to] = b->block_kind[from];
	b->block[to].offset = b->block[from].offset;
}

/*
 * The most bytes the block at p may hold once bump_realloc() resizes it in
 * place (up to its block's limit) when p is the newest block of a plain
 * arena; 0 otherwise.  Growing objects use it to fill their chunk before
 * they move.
 */
static inline size_t
bump__in_place_max(const bump_t *b, const void *p)
{
	/* last is never set in a BUMP_THREADSAFE arena. */
	if (!bump__live(b) || p == NULL || p != b->last)
		return 0;
	return (size_t)(b->limit - (const char *)p);
}

/*
 * The most bytes one block aligned to BUMP_MAX_ALIGN could take above the
 * top of the current block (red zone and padding left out), without a
 * new block; 0 before the first block.
 */
static inline size_t
bump__room_above_top(const bump_t *b)
{
	char *start;

	if (b->nblocks == 0 ||
	    (start = bump__start_above(b, b->top, 0, BUMP_MAX_ALIGN)) == NULL)
		return 0;
	return (size_t)(b->limit - start);
}

/* Bytes handed out (bump_used of a live arena). */
static inline size_t
bump__used(const bump_t *b)
{
	return bump__base_offset(b) +
	    (size_t)(bump_atomic_load(&b->top, RELAXED) - b->base);
}

/* Most bytes handed out at once so far. */
static inline size_t
bump__peak(const bump_t *b)
{
	return bump__max_size(bump__used(b), b->peak);
}

/* Bytes of address space the own reservation holds, guards included. */
static inline size_t
bump__region_span(const struct bump_region *r)
{
	return (size_t)(r->end - r->mapping) + bump__os_page_size();
}

/* ---- Between the files ------------------------------------------------- */

/* arena.c: allocate size bytes aligned to align (a power of two). */
void *bump__alloc(bump_t *b, size_t size, size_t align);

/*
 * arena.c: resize p in place to size bytes when it is the newest block of
 * a plain arena, as bump_realloc() would: p, or NULL with nothing changed
 * (not the newest block, past its block's limit, or not aligned for size).
 */
void *bump__resize_newest(bump_t *b, void *p, size_t size);

/* arena.c: the alignment bump_malloc gives a block of n bytes. */
size_t bump__natural_align(size_t n);

/*
 * arena_rewind.c: the top comes down to new_top (bump_free, rewind,
 * reset); blocks above it may be handed out again.
 */
void bump__lower_top(bump_t *b, char *new_top);

/* arena_chain.c: the chain of blocks. */
/* Make block i current with its top at top; newer blocks are forgotten. */
void bump__chain_enter(bump_t *b, unsigned i, char *top, int fresh);
/* Append a block and make it current; the old current block keeps its top. */
void bump__chain_push(bump_t *b, char *start, unsigned kind, size_t offset,
    int fresh);
/* Give block i back (a chunk) or set it aside (a reservation). */
void bump__chain_drop(bump_t *b, unsigned i);
/* Drop every block above block i, and make i current with its top at top. */
void bump__chain_back_to(bump_t *b, unsigned i, char *top);

/*
 * What extending the chain changed, for undoing it: the old current
 * block's moving state (the rest is derived again from the chain).
 */
struct bump_chain_step {
	unsigned nblocks;	/* blocks before the step */
	char *top, *last, *dirty_end;
};
/*
 * How much bigger than the current chunk a new one is, at least (as a
 * power of two): the chain's own growth (four times while small, then
 * twice), or four times for a newest block that moves (bump_realloc).
 */
#define BUMP__GROWTH_CHAIN 0
#define BUMP__GROWTH_MOVE 2
/*
 * The current block cannot hold size bytes aligned to align: append a
 * block that can (a chunk, or the arena's own reservation), at least
 * 2^growth times the current chunk, and make it current.  0; or -1 with
 * errno = ENOMEM and nothing changed.
 */
int bump__chain_extend(bump_t *b, size_t size, size_t align, unsigned growth,
    struct bump_chain_step *step);
/* The allocation after the step failed: the chain is as it was. */
void bump__chain_undo(bump_t *b, const struct bump_chain_step *step);
/* The allocation after the step succeeded: an empty block before goes. */
void bump__chain_step_done(bump_t *b, const struct bump_chain_step *step);
/*
 * The newest block has moved out of the block before the current one,
 * which held nothing else: give that one back; the current block takes its
 * place in the chain and its logical offset.
 */
void bump__chain_drop_previous(bump_t *b);

/*
 * arena_chain.c, debug builds: abort unless the chain agrees with the
 * counters.  Only where no other thread allocates (a shared arena's top
 * moves under it).
 */
#ifdef BUMP_DEBUG
void bump__check_chain(const bump_t *b);
#else
static inline void
bump__check_chain(const bump_t *b)
{
	(void)b;
}
#endif

/* arena_shared.c: allocate from a BUMP_THREADSAFE arena. */
void *bump__shared_alloc(bump_t *b, size_t size, size_t align);
/* arena_shared.c: a shared arena starts over; threads' slices are stale. */
void bump__shared_restart(bump_t *b);

/*
 * arena_own.c: b is about to drop what lies above logical offset from
 * (bump_rewind: the mark's; bump_reset and bump_destroy: 0, dying for
 * destroy).  Runs the cleanups registered there, newest first, and takes a
 * child off its parent's list.  0: go on; -1: leave b alone (a cleanup pass
 * runs on b already, b is a thread's scratch arena, or b died meanwhile).
 */
int bump__own_release_slow(bump_t *b, size_t from, int dying);
static inline int
bump__own_release(bump_t *b, size_t from, int dying)
{
	if (bump_likely(b->cleanups == NULL &&
	    (b->flags & BUMP__OWN_FLAGS) == 0))
		return 0;
	return bump__own_release_slow(b, from, dying);
}

/* arena_region.c: the arena's own reservation. */
/* Reserve b->cap bytes (or take the spare); 0, or -1 with errno = ENOMEM. */
int bump__region_open(bump_t *b);
/* Give the reservation back to the OS. */
void bump__region_release(bump_t *b);
/* The arena dies: leave the reservation to the next one, or release it. */
void bump__region_retire(bump_t *b);
/* Remember how far the current block is committed, before leaving it. */
void bump__region_save(bump_t *b);
/* Commit the current block up to end at least; 0, or -1 (ENOMEM). */
int bump__region_commit(bump_t *b, char *end);
/* Decommit the current reservation above keep; 0, or -1 with errno. */
int bump__region_trim(bump_t *b, char *keep);

#endif /* BUMP_ARENA_H */
