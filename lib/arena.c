/*
 * arena.c - allocating from an arena: bump_malloc and its siblings,
 * bump_realloc and bump_free, and the plain (not BUMP_THREADSAFE) path,
 * kept here so that it inlines into them.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "instrument.h"

/* min(BUMP_MAX_ALIGN, next power of two >= n), without a data-dependent branch. */
size_t
bump__natural_align(size_t n)
{
	size_t mask = n - 1 < BUMP_MAX_ALIGN - 1 ? n - 1 : BUMP_MAX_ALIGN - 1;

	if (n == 0)
		return 1;
	for (unsigned shift = 1; (BUMP_MAX_ALIGN >> shift) > 1; shift *= 2)
		mask |= mask >> shift;	/* two shift-ors for 16 */
	return mask + 1;
}

/* [start, start+size) of the current block is handed out; NULL if it cannot be committed. */
static inline void *
hand_out(bump_t *b, char *start, size_t size)
{
	if (start + size > b->commit_end && bump__region_commit(b, start + size) != 0)
		return NULL;
	bump__on_alloc(b, b->top, start, size);
	b->last = start;
	b->top = start + size;
	return start;
}

static void *alloc_in_new_block(bump_t *b, size_t size, size_t align,
    unsigned growth);

static void *
alloc_plain(bump_t *b, size_t size, size_t align)
{
	char *start = bump__start_above(b, b->top, size, align);

	if (start == NULL)
		return alloc_in_new_block(b, size, align, BUMP__GROWTH_CHAIN);
	return hand_out(b, start, size);
}

/*
 * The current block cannot hold the request: chain a new block for it, at
 * least 2^growth times the current chunk.  On failure nothing has changed.
 */
static void *
alloc_in_new_block(bump_t *b, size_t size, size_t align, unsigned growth)
{
	struct bump_chain_step step;
	char *start;
	void *p = NULL;

	if (bump__chain_extend(b, size, align, growth, &step) != 0)
		return NULL;
	/* A chunk always holds it; a reservation may not, or fail to commit. */
	start = bump__start_above(b, b->top, size, align);
	BUMP_ASSERT(start != NULL || !bump__is_chunk(bump__current_kind(b)));
	if (start != NULL)
		p = hand_out(b, start, size);
	if (p == NULL) {
		bump__chain_undo(b, &step);
		errno = ENOMEM;
		return NULL;
	}
	bump__chain_step_done(b, &step);
	return p;
}

void *
bump__alloc(bump_t *b, size_t size, size_t align)
{
	if (size == 0)
		size = 1;	/* every block has an address of its own */
	if (bump__is_threadsafe(b))
		return bump__shared_alloc(b, size, align);
	return alloc_plain(b, size, align);
}

void *
bump_malloc(bump_t *b, size_t size)
{
	if (!bump__live(b)) {
		errno = EINVAL;
		return NULL;
	}
	return bump__alloc(b, size, bump__natural_align(size));
}

void *
bump_aligned_alloc(bump_t *b, size_t alignment, size_t size)
{
	if (!bump__live(b) || !bump__is_pow2(alignment)) {
		errno = EINVAL;
		return NULL;
	}
	return bump__alloc(b, size, alignment);
}

void *
bump_calloc(bump_t *b, size_t nmemb, size_t size)
{
	size_t bytes;
	char *p;

	if (!bump__live(b)) {
		errno = EINVAL;
		return NULL;
	}
	if (size != 0 && nmemb > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	bytes = nmemb * size;
	if ((p = bump__alloc(b, bytes, bump__natural_align(bytes))) == NULL)
		return NULL;
	/* Only memory handed out before can hold anything but zeros. */
	if (p < b->dirty_end)
		memset(p, 0, p + bytes < b->dirty_end ?
		    bytes : (size_t)(b->dirty_end - p));
	bump__on_zeroed(p, bytes);
	return p;
}

/* Resize the newest block where it stands, or return NULL and change nothing. */
static void *
resize_in_place(bump_t *b, char *p, size_t size)
{
	if (size == 0)
		size = 1;
	if (((uintptr_t)p & (bump__natural_align(size) - 1)) != 0 ||
	    size > (size_t)(b->limit - p))
		return NULL;
	if (p + size > b->commit_end && bump__region_commit(b, p + size) != 0)
		return NULL;
	if (p + size < b->top)
		b->dirty_end = bump__max_ptr(b->dirty_end, b->top);
	bump__on_resize(b, p, (size_t)(b->top - p), size);
	b->top = p + size;
	return p;
}

/*
 * The top of the block of the chain that p lies in (where the block at p
 * may end at most), or NULL when p is not the arena's.
 */
static char *
top_of_block_holding(const bump_t *b, const char *p, char *top)
{
	if (b->nblocks == 0)
		return NULL;
	if (p >= b->base && p < top)
		return top;
	for (unsigned i = 0; i + 1 < b->nblocks; i++)
		if (p >= b->block[i].start && p < bump__block_end(b, i))
			return bump__block_end(b, i);
	return NULL;
}

/*
 * Block sizes are not stored: copy what the old block at p can hold, up to
 * end, the top it had (the tools may check every byte: only once the new
 * block exists, never for a request that fails anyway).
 */
static void
copy_to(char *moved, const char *p, const char *end, size_t size)
{
	bump__copy_block(moved, p, bump__readable_prefix(p,
	    bump__min_size((size_t)(end - p), size)));
}

/*
 * The newest block p cannot grow where it stands (the end of its chunk,
 * or its alignment): it moves, once, above the top or into a new block at
 * least four times its chunk, so that a block that keeps growing is copied
 * fewer bytes in all than its final size (1/3 of it when it fills each
 * chunk: 1/4 + 1/16 + ...).  Alone in its chunk (nothing can end and
 * another block start below it), it leaves nothing there: the chunk goes
 * back at once, and bump_used no longer counts the old copy.
 */
static void *
move_newest(bump_t *b, char *p, size_t size)
{
	size_t align = bump__natural_align(size);
	char *top = b->top, *start, *moved;
	unsigned blocks = b->nblocks;
	int alone = p < b->base + 2 * (size_t)b->redzone + 1;

	BUMP_ASSERT(size > 0);	/* a block of 1 byte always fits where it is */
	start = bump__start_above(b, top, size, align);
	moved = start != NULL ? hand_out(b, start, size) :
	    alloc_in_new_block(b, size, align, BUMP__GROWTH_MOVE);
	if (moved == NULL)
		return NULL;
	copy_to(moved, p, top, size);
	if (alone && b->nblocks == blocks + 1)
		bump__chain_drop_previous(b);
	return moved;
}

void *
bump_realloc(bump_t *b, void *ptr, size_t size)
{
	char *p = ptr, *end, *moved;

	if (!bump__live(b)) {
		errno = EINVAL;
		return NULL;
	}
	if (p == NULL)
		return bump_malloc(b, size);
	end = top_of_block_holding(b, p, bump_atomic_load(&b->top, RELAXED));
	if (end == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (p == b->last) {	/* never set in a BUMP_THREADSAFE arena */
		if (resize_in_place(b, p, size) != NULL)
			return p;
		/* Only a chunk has a successor to move to. */
		if (!bump__is_chunk(bump__current_kind(b)) &&
		    size > (size_t)(b->limit - p)) {
			errno = ENOMEM;
			return NULL;
		}
		return move_newest(b, p, size);
	}
	if ((moved = bump_malloc(b, size)) == NULL)
		return NULL;
	copy_to(moved, p, end, size);
	return moved;
}

void *
bump__resize_newest(bump_t *b, void *p, size_t size)
{
	return bump__in_place_max(b, p) != 0 ? resize_in_place(b, p, size) :
	    NULL;
}

void
bump_free(bump_t *b, void *ptr)
{
	if (bump__live(b) && ptr != NULL && ptr == b->last)
		bump__lower_top(b, b->last);
}
