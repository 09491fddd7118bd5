/*
 * arena_rewind.c - lowering the top: bump_mark and bump_rewind,
 * bump_reset, and bump_trim, which gives back the pages above the top.
 *
 * Blocks above the new top go back to the chunk layer (the arena's own
 * reservation is set aside, still reserved, until trim or destroy); the
 * block that holds the new top becomes current.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>

#include "arena.h"
#include "instrument.h"

/*
 * Lowering the top hands memory out a second time: remember how high it
 * reached so that bump_calloc knows what it must clear.
 */
void
bump__lower_top(bump_t *b, char *new_top)
{
	b->dirty_end = bump__max_ptr(b->dirty_end, b->top);
	b->top = new_top;
	bump__on_lower(b, new_top);	/* before last is forgotten */
	b->last = NULL;
	bump__shared_restart(b);	/* no other thread runs now */
}

/* The top comes down to logical offset `offset`. */
static void
lower_to_offset(bump_t *b, size_t offset)
{
	unsigned i;

	b->peak = bump__peak(b);
	if (b->nblocks == 0)
		return;
	for (i = b->nblocks - 1; i > 0 && b->block[i].offset > offset; i--)
		continue;
	if (i + 1 < b->nblocks)
		bump__chain_back_to(b, i, bump__block_end(b, i));
	bump__lower_top(b, b->base + (offset - b->block[i].offset));
	bump__check_chain(b);
}

bump_mark_t
bump_mark(const bump_t *b)
{
	bump_mark_t mark = { bump_used(b) };

	return mark;
}

/* The cleanups registered after the mark run first (bump__own_release). */
void
bump_rewind(bump_t *b, bump_mark_t mark)
{
	if (bump__live(b) && mark.offset <= bump_used(b) &&
	    bump__own_release(b, mark.offset, 0) == 0)
		lower_to_offset(b, mark.offset);
}

/*
 * bump_reset keeps the newest block (the biggest) and its warm pages;
 * older chunks go back to the chunk layer.  Every cleanup runs first.
 */
void
bump_reset(bump_t *b)
{
	unsigned last;
	char *top, *dirty;

	if (!bump__live(b) || bump__own_release(b, 0, 0) != 0)
		return;
	b->peak = bump__peak(b);
	if (b->nblocks == 0)
		return;
	last = b->nblocks - 1;
	for (unsigned i = 0; i < last; i++)
		bump__chain_drop(b, i);
	bump__block_move(b, 0, last);
	b->block[0].offset = 0;
	bump__region_save(b);
	top = b->top;
	dirty = b->dirty_end;
	bump__chain_enter(b, 0, top, 0);
	b->dirty_end = dirty;	/* the same block: what it knew still holds */
	bump__lower_top(b, b->base);
	bump__check_chain(b);
}

/* The current chunk stays the arena's: drop its free pages' contents. */
static int
purge_chunk_above(bump_t *b, char *keep)
{
	size_t span = bump__block_span(b, b->nblocks - 1);
	char *end = (char *)bump__align_down((uintptr_t)(b->base + span),
	    bump__os_page_size());

	if (keep >= end || keep >= b->dirty_end)
		return 0;
	if (bump__os_purge(keep, (size_t)(end - keep)) != 0)
		return -1;
	b->dirty_end = keep;
	return 0;
}

int
bump_trim(bump_t *b)
{
	char *keep;
	int rc;

	if (!bump__live(b)) {
		errno = EINVAL;
		return -1;
	}
	/* A reservation set aside by a rewind goes back to the OS whole. */
	if (b->region.base != NULL &&
	    bump__current_kind(b) != BLOCK_RESERVATION)
		bump__region_release(b);
	if (b->nblocks == 0 || b->region.pages == BUMP_PAGES_PINNED)
		return 0;	/* nothing to give back, or pinned pages */
	/* Whole pages only: a chunk below a page has none of its own. */
	keep = (char *)bump__align_up((uintptr_t)b->top, bump__os_page_size());
	if (bump__is_chunk(bump__current_kind(b)))
		rc = purge_chunk_above(b, keep);
	else	/* the own reservation; nothing to do for the caller's buffer */
		rc = bump__region_trim(b, keep);
	bump__check_chain(b);
	return rc;
}
