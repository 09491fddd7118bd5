/*
 * arena_stats.c - what an arena can be asked: bump_used, bump_capacity,
 * bump_flags, bump_owns, bump_stats and bump_stats_print.  Nothing here
 * changes an arena; in a BUMP_THREADSAFE arena each may run beside
 * allocations.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"

size_t
bump_used(const bump_t *b)
{
	return bump__live(b) ? bump__used(b) : 0;
}

unsigned
bump_flags(const bump_t *b)
{
	return bump__live(b) ? b->flags & BUMP_ALL_FLAGS : 0;
}

size_t
bump_capacity(const bump_t *b)
{
	return bump__live(b) ? b->cap : 0;
}

int
bump_owns(const bump_t *b, const void *p)
{
	const char *c = p;

	if (!bump__live(b) || b->nblocks == 0)
		return 0;
	if (c >= b->base && c < b->limit)
		return 1;
	for (unsigned i = 0; i + 1 < b->nblocks; i++)
		if (c >= b->block[i].start &&
		    c < b->block[i].start + bump__block_span(b, i))
			return 1;
	return 0;
}

/* Bytes of memory b holds committed: its chunks, reservation and buffer. */
static size_t
committed_bytes(const bump_t *b)
{
	size_t held = 0;

	for (unsigned i = 0; i < b->nblocks; i++)
		if (bump__is_chunk(b->block_kind[i]))
			held += (size_t)1 << b->block_kind[i];
	if (b->region.base != NULL) {
		char *commit = bump__current_kind(b) == BLOCK_RESERVATION ?
		    bump__max_ptr(b->commit_end, b->region.committed) :
		    b->region.committed;

		held += (size_t)(commit - b->region.base);
	}
	if (bump__current_kind(b) == BLOCK_BUFFER)
		held += b->cap;
	return held;
}

/* Bytes of the older blocks never handed out: the arena moved on. */
static size_t
wasted_bytes(const bump_t *b)
{
	size_t wasted = 0;

	for (unsigned i = 0; i + 1 < b->nblocks; i++)
		wasted += bump__block_span(b, i) -
		    (b->block[i + 1].offset - b->block[i].offset);
	return wasted;
}

int
bump_stats(const bump_t *b, struct bump_stats *st)
{
	if (!bump__live(b) || st == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(st, 0, sizeof *st);
	st->used = bump__used(b);
	st->peak = bump__peak(b);
	st->capacity = b->cap;
	st->committed = committed_bytes(b);
	st->wasted = wasted_bytes(b);
	st->blocks = b->nblocks;
	st->reserved = b->region.base != NULL ?
	    bump__region_span(&b->region) : 0;
	st->overhead = b->header_size != 0 ? b->header_size : sizeof *b;
	return 0;
}

int
bump_stats_print(const bump_t *b, FILE *f)
{
	struct bump_stats st;

	if (f == NULL || bump_stats(b, &st) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (fprintf(f, "bump arena %p: used %zu, peak %zu, capacity %zu, "
	    "committed %zu, wasted %zu, blocks %zu, reserved %zu, "
	    "overhead %zu\n", (const void *)b, st.used, st.peak, st.capacity,
	    st.committed, st.wasted, st.blocks, st.reserved, st.overhead) < 0)
		return -1;
	return 0;
}
