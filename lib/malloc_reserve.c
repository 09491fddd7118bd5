/*
 * malloc_reserve.c - the reserve (BUMP_ALLOC_SIZE), a budget that the
 * threads' chunks and the large blocks share: the bytes each holds now and
 * the most each ever held.
 *
 * A request is checked against the budget before it is served and counted
 * once it is, with no lock: two threads may both pass the check and go
 * past the budget by a request each.
 */
#include <config.h>

#include "malloc_internal.h"

static struct {
	size_t held, peak;
} usage[2];	/* by enum bump_holder */

/* 1 when more bytes still fit the reserve. */
int
bump__reserve_fits(size_t more)
{
	size_t used = bump_atomic_load(&usage[HELD_BY_CHUNKS].held, ACQUIRE) +
	    bump_atomic_load(&usage[HELD_BY_LARGE].held, ACQUIRE);
	size_t reserve = bump__settings.config.reserve;

	return used <= reserve && more <= reserve - used;
}

void
bump__reserve_hold(enum bump_holder holder, size_t bytes)
{
	bump_atomic_max(&usage[holder].peak,
	    bump_atomic_add(&usage[holder].held, bytes, RELAXED));
}

void
bump__reserve_drop(enum bump_holder holder, size_t bytes)
{
	bump_atomic_sub(&usage[holder].held, bytes, RELAXED);
}

/* The chunks' and the large blocks' bytes, now and at their peak. */
void
bump__reserve_usage(struct bump_malloc_stats *st)
{
	st->chunks_in_use = bump_atomic_load(&usage[HELD_BY_CHUNKS].held, ACQUIRE);
	st->chunks_peak = bump_atomic_load(&usage[HELD_BY_CHUNKS].peak, ACQUIRE);
	st->large_in_use = bump_atomic_load(&usage[HELD_BY_LARGE].held, ACQUIRE);
	st->large_peak = bump_atomic_load(&usage[HELD_BY_LARGE].peak, ACQUIRE);
}
