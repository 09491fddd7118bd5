/*
 * arena_chain.c - the chain of blocks an arena hands out memory from:
 * entering a block, dropping blocks, and extending the chain by one.
 *
 * How arenas grow.  A new arena holds no memory but its bookkeeping (a
 * chunk of its own, see arena_create.c).  Its first allocation takes a
 * chunk big enough for it (256 bytes at least); each later chunk is at
 * least twice the one before (four times while small, and for a newest
 * block that bump_realloc moves), so a growing arena takes O(log n) chunks
 * and a growing newest block copies less than its final size in all.  A
 * chunk that the newest block leaves holding nothing else goes back at
 * once (bump__chain_drop_previous).  Once the next chunk would exceed BUMP_CHUNK_MAX_SHIFT
 * (or the chain is full) the arena moves to a reservation of its own
 * (arena_region.c), committed as it is used.  BUMP_THREADSAFE,
 * BUMP_HUGEPAGES and BUMP_PREFAULT arenas have their reservation from the
 * start (threads share one top; huge pages and prefaulting are properties
 * of a region).
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>

#include "arena.h"
#include "instrument.h"

/*
 * Small chunks grow fourfold (256 B, 1 KiB, 4 KiB, 16 KiB, 64 KiB): an
 * arena per request that holds a few KiB then takes 3 chunks instead of 5
 * (each a get and a put); from 64 KiB on they double, to waste less.
 */
#define GROWTH(kind) ((kind) < 16 ? 2u : 1u)
/* A new chunk's first bytes are fetched ahead of the blocks they hold. */
#define WARM_BYTES 1024

void
bump__chain_enter(bump_t *b, unsigned i, char *top, int fresh)
{
	size_t span = bump__block_span(b, i);

	b->nblocks = i + 1;
	b->base = b->block[i].start;
	b->limit = b->base + bump__min_size(b->cap - b->block[i].offset, span);
	b->top = top;
	b->last = NULL;
	/*
	 * Written memory may lie past the limit (a cap below the chunk's
	 * size, or a limit that grows when reset moves the block to offset
	 * 0): dirty_end covers the whole block, not just the limit.
	 */
	if (b->block_kind[i] == BLOCK_RESERVATION) {
		b->commit_end = b->region.committed < b->limit ?
		    b->region.committed : b->limit;
		b->dirty_end = fresh ? b->base : b->region.committed;
	} else {
		b->commit_end = b->limit;	/* chunks are committed whole */
		b->dirty_end = fresh ? b->base : b->base + span;
	}
	b->fast_end = bump__fast_end_for(b);
}

void
bump__chain_push(bump_t *b, char *start, unsigned kind, size_t offset,
    int fresh)
{
	unsigned i = b->nblocks;

	BUMP_ASSERT(i < BUMP__MAX_BLOCKS);
	b->block[i].start = start;
	b->block_kind[i] = (unsigned char)kind;
	b->block[i].offset = offset;
	bump__chain_enter(b, i, start, fresh);
	bump__on_create(b);
}

void
bump__chain_drop(bump_t *b, unsigned i)
{
	unsigned kind = b->block_kind[i];
	char *start = b->block[i].start;

	if (bump__is_chunk(kind)) {
		bump__on_drop_block(start, start + ((size_t)1 << kind));
		bump__chunk_give(start, kind);
	} else if (kind == BLOCK_RESERVATION) {
		bump__on_drop_block(start, b->region.committed);
	} else {	/* the caller's buffer is the caller's again */
		bump__on_drop_block(start, start + b->cap);
		bump__on_zeroed(start, b->cap);	/* defined, for memcheck */
	}
}

void
bump__chain_back_to(bump_t *b, unsigned i, char *top)
{
	bump__region_save(b);
	for (unsigned j = b->nblocks; j-- > i + 1;)
		bump__chain_drop(b, j);
	bump__chain_enter(b, i, top, 0);
}

/* ---- Extending the chain ------------------------------------------------ */

/*
 * The shift of the chunk for a block that needs need bytes at offset used,
 * at least 2^growth times the current chunk.
 */
static unsigned
choose_chunk(const bump_t *b, size_t need, size_t used, unsigned growth)
{
	unsigned kind = bump__current_kind(b), shift = bump__log2_ceil(need);
	/* No bigger than the cap can use. */
	unsigned most = bump__log2_ceil(bump__max_size(b->cap - used, need));

	/*
	 * As big as this thread's last arenas grew.  Not a child: it holds a
	 * stage of its parent's work, and starting it at the size parents
	 * grew to doubled the memory an arena per request touched.
	 */
	if (b->nblocks == 0 && !(b->flags & BUMP__CHILD)) {
		unsigned recalled = bump__chunks_recall();

		if (shift < recalled)
			shift = recalled;
	}
	if (growth < GROWTH(kind))
		growth = GROWTH(kind);
	if (b->nblocks > 0 && shift < kind + growth)
		shift = kind + growth;
	if (shift > most)
		shift = most;
	if (shift < BUMP_CHUNK_MIN_SHIFT)
		shift = BUMP_CHUNK_MIN_SHIFT;
	return shift;
}

/*
 * Append a chunk of 2^shift bytes at logical offset used, or the arena's
 * own reservation once the chunk would be too big or the chain is full.
 * 0, or -1 with errno = ENOMEM and nothing changed.
 */
static int
take_block(bump_t *b, unsigned shift, size_t used)
{
	char *start;
	int fresh;

	if (shift <= BUMP_CHUNK_MAX_SHIFT && b->nblocks < BUMP__MAX_BLOCKS - 1) {
		if ((start = bump__chunk_take(shift, &fresh)) == NULL)
			return -1;
		/*
		 * A recycled chunk went cold while it waited: fetch its first
		 * lines now rather than miss on each of the next blocks.
		 */
		for (size_t at = 0; at < ((size_t)1 << shift) && at < WARM_BYTES;
		    at += BUMP_CACHE_LINE)
			__builtin_prefetch(start + at, 1);
		bump__chain_push(b, start, shift, used, fresh);
		return 0;
	}
	if (b->region.base == NULL && bump__region_open(b) != 0)
		return -1;
	bump__chain_push(b, b->region.base, BLOCK_RESERVATION, used,
	    b->region.committed == b->region.base);
	return 0;
}

int
bump__chain_extend(bump_t *b, size_t size, size_t align, unsigned growth,
    struct bump_chain_step *step)
{
	size_t used = bump__used(b), lead = bump__round_up(b->redzone, align);

	if ((b->nblocks > 0 && !bump__is_chunk(bump__current_kind(b))) ||
	    size > b->cap - used || lead > b->cap - used - size ||
	    align > BUMP__MAX_CAP) {
		errno = ENOMEM;	/* a reservation or a buffer has no successor */
		return -1;
	}
	step->nblocks = b->nblocks;
	step->top = b->top;
	step->last = b->last;
	step->dirty_end = b->dirty_end;
	bump__region_save(b);
	return take_block(b, choose_chunk(b, bump__max_size(lead + size, align),
	    used, growth), used);
}

void
bump__chain_undo(bump_t *b, const struct bump_chain_step *step)
{
	unsigned n = step->nblocks;

	bump__chain_drop(b, n);
	if (n > 0) {
		bump__chain_enter(b, n - 1, step->top, 0);
		b->last = step->last;
		b->dirty_end = step->dirty_end;
	} else {	/* back to no block at all */
		b->nblocks = 0;
		b->top = b->base = b->limit = b->commit_end = NULL;
		b->dirty_end = NULL;
		b->fast_end = NULL;
	}
	bump__check_chain(b);
}

void
bump__chain_step_done(bump_t *b, const struct bump_chain_step *step)
{
	unsigned n = step->nblocks;

	/* An empty block before the new one holds nothing: give it back. */
	if (n > 0 && step->top == b->block[n - 1].start) {
		BUMP_ASSERT(bump__is_chunk(b->block_kind[n - 1]) &&
		    b->block[n - 1].offset == b->block[n].offset);
		bump__chain_drop(b, n - 1);
		bump__block_move(b, n - 1, n);
		b->nblocks = n;
	}
	bump__check_chain(b);
}

void
bump__chain_drop_previous(bump_t *b)
{
	unsigned i = b->nblocks - 2;
	size_t offset = b->block[i].offset;
	char *top = b->top, *last = b->last, *dirty = b->dirty_end;

	BUMP_ASSERT(b->nblocks >= 2 && bump__is_chunk(b->block_kind[i]));
	b->peak = bump__peak(b);	/* both copies were handed out */
	bump__region_save(b);
	bump__chain_drop(b, i);
	bump__block_move(b, i, i + 1);
	b->block[i].offset = offset;
	bump__chain_enter(b, i, top, 0);	/* the limit follows the offset */
	b->last = last;
	b->dirty_end = dirty;	/* the same block: what it knew still holds */
	bump__check_chain(b);
}

/* ---- The chain's invariants (debug builds) ------------------------------ */

#ifdef BUMP_DEBUG
/* Blocks older than the current one are chunks the arena moved on from. */
static void
check_older_blocks(const bump_t *b)
{
	for (unsigned i = 0; i + 1 < b->nblocks; i++) {
		size_t span = bump__block_span(b, i);

		BUMP_ASSERT(bump__is_chunk(b->block_kind[i]));
		BUMP_ASSERT(bump__align_down((uintptr_t)b->block[i].start,
		    span) == (uintptr_t)b->block[i].start);
		BUMP_ASSERT(b->block[i].offset < b->block[i + 1].offset);
		BUMP_ASSERT(b->block[i + 1].offset - b->block[i].offset <= span);
	}
}

/* The current block: its kind, and where its pointers stand. */
static void
check_current_block(const bump_t *b, char *top)
{
	unsigned i = b->nblocks - 1, kind = b->block_kind[i];
	size_t span = bump__block_span(b, i);

	BUMP_ASSERT(b->base == b->block[i].start);
	BUMP_ASSERT(b->limit == b->base +
	    bump__min_size(b->cap - b->block[i].offset, span));
	BUMP_ASSERT(b->base <= top && top <= b->commit_end &&
	    b->commit_end <= b->limit);
	BUMP_ASSERT(b->block[i].offset + (size_t)(top - b->base) <= b->cap);
	BUMP_ASSERT(b->dirty_end >= b->base && b->dirty_end <= b->base + span);
	BUMP_ASSERT(b->last == NULL || (b->last >= b->base && b->last < top));
	BUMP_ASSERT(b->fast_end == bump__fast_end_for(b));
	if (bump__is_chunk(kind))
		BUMP_ASSERT(b->commit_end == b->limit);
	else if (kind == BLOCK_BUFFER)
		BUMP_ASSERT(i == 0 && b->base == (char *)(b + 1) &&
		    b->commit_end == b->limit);
	else
		BUMP_ASSERT(kind == BLOCK_RESERVATION &&
		    b->base == b->region.base);
}

void
bump__check_chain(const bump_t *b)
{
	const struct bump_region *r = &b->region;
	char *top = bump_atomic_load(&b->top, RELAXED);

	BUMP_ASSERT(bump__live(b) && b->nblocks <= BUMP__MAX_BLOCKS);
	BUMP_ASSERT((b->flags & ~(unsigned)(BUMP_ALL_FLAGS |
	    BUMP__PRIVATE_FLAGS)) == 0);
	BUMP_ASSERT(b->peak <= b->cap);
	BUMP_ASSERT(r->base == NULL || ((size_t)(r->end - r->base) == b->cap &&
	    r->committed >= r->base && r->committed <= r->end &&
	    r->mapping < r->base));
	if (b->nblocks == 0) {
		BUMP_ASSERT(top == NULL && b->base == NULL && b->limit == NULL &&
		    b->fast_end == NULL);
		return;
	}
	BUMP_ASSERT(b->block[0].offset == 0);
	check_older_blocks(b);
	check_current_block(b, top);
}
#endif
