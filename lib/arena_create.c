/*
 * arena_create.c - an arena's life: bump_create, bump_create_in and
 * bump_destroy; and bump_purge, which gives back what dead arenas left.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "instrument.h"

/* The bookkeeping of bump_create's arenas is a chunk of this shift. */
#define HEADER_SHIFT 9
_Static_assert(sizeof(struct bump) <= ((size_t)1 << HEADER_SHIFT),
    "the bookkeeping fits its chunk");
_Static_assert(HEADER_SHIFT >= BUMP_CHUNK_MIN_SHIFT &&
    HEADER_SHIFT <= BUMP_CHUNK_MAX_SHIFT, "the bookkeeping is a chunk");

/* The arena as bump_create leaves it (also for bump_create_in). */
static void
init_header(bump_t *b, size_t cap, unsigned flags, size_t header_size)
{
	memset(b, 0, offsetof(struct bump, block));	/* blocks come later */
	b->magic = BUMP__MAGIC;
	b->cap = cap;
	b->flags = flags;
	b->header_size = header_size;
	bump__shared_restart(b);
	b->redzone = (unsigned)bump__instr_redzone();
	if (bump__instr_active())
		b->flags |= BUMP__WATCHED;
}

bump_t *
bump_create(size_t reserve, unsigned flags)
{
	bump_t *b;
	int fresh;

	if (flags & ~(unsigned)BUMP_ALL_FLAGS) {
		errno = EINVAL;
		return NULL;
	}
	if (reserve == 0)
		reserve = BUMP_DEFAULT_RESERVE;
	if (reserve > BUMP__MAX_CAP) {
		errno = ENOMEM;
		return NULL;
	}
	if ((b = bump__chunk_take(HEADER_SHIFT, &fresh)) == NULL)
		return NULL;	/* ENOMEM */
	init_header(b, bump__round_up(reserve, bump__os_page_size()), flags,
	    (size_t)1 << HEADER_SHIFT);
	if (flags & (BUMP_THREADSAFE | BUMP_HUGEPAGES | BUMP_PREFAULT)) {
		if (bump__region_open(b) != 0) {
			b->magic = BUMP__DEAD;
			bump__chunk_give(b, HEADER_SHIFT);
			errno = ENOMEM;
			return NULL;
		}
		bump__chain_push(b, b->region.base, BLOCK_RESERVATION, 0, 1);
	}
	bump__check_chain(b);
	return b;
}

bump_t *
bump_create_in(void *buf, size_t size, unsigned flags)
{
	uintptr_t at = (uintptr_t)buf, header;
	bump_t *b;

	/*
	 * The bookkeeping starts at a multiple of BUMP_MAX_ALIGN, so that the
	 * region after it does too (its size is one): whatever the buffer's
	 * address, bump_capacity() bytes can then be had in one block.
	 */
	if (buf == NULL || (flags & ~(unsigned)BUMP_ALL_FLAGS) ||
	    (header = bump__align_up(at, BUMP_MAX_ALIGN) - at) > size ||
	    size - header < sizeof(struct bump) + 1) {
		errno = EINVAL;
		return NULL;
	}
	b = (bump_t *)(void *)(at + header);
	/* The caller's memory is committed already: huge pages do not apply. */
	init_header(b, size - header - sizeof(struct bump),
	    flags & ~(unsigned)BUMP_HUGEPAGES, 0);
	b->flags &= ~(unsigned)BUMP_PREFAULT;
	if (flags & BUMP_PREFAULT)	/* fault every page in now */
		for (size_t off = 0; off < b->cap; off += bump__os_page_size())
			((volatile char *)(b + 1))[off] =
			    ((volatile char *)(b + 1))[off];
	bump__chain_push(b, (char *)(b + 1), BLOCK_BUFFER, 0, 0);
	bump__check_chain(b);
	return b;
}

/*
 * Destroying a dead arena (twice, or a stale handle) is ignored: its
 * bookkeeping went back to the chunk layer with its magic number cleared,
 * and touching the chunks again would corrupt the cache.  Its cleanups run
 * first (and destroy its children); see bump__own_release.
 */
void
bump_destroy(bump_t *b)
{
	if (!bump__live(b) || bump__own_release(b, 0, 1) != 0)
		return;
	bump__region_save(b);
	if (b->nblocks > 0 && bump__is_chunk(b->block_kind[0]))
		bump__chunks_remember(bump__log2_ceil(bump__peak(b)));
	for (unsigned i = b->nblocks; i-- > 0;)
		bump__chain_drop(b, i);
	bump__region_retire(b);
	b->magic = BUMP__DEAD;
	b->fast_end = NULL;
	b->nblocks = 0;
	if (b->header_size != 0)
		bump__chunk_give(b, HEADER_SHIFT);
}

size_t
bump_purge(void)
{
	bump__chunks_flush_thread();
	return bump__chunks_purge(bump__chunks_shared());
}
