/*
 * malloc_stats.c - the counters bump_malloc_stats sums: each thread state's
 * own (its owner writes them, plainly), those of threads without a state
 * and the fallbacks to the C library (atomically), the reserve's use and
 * the large blocks' cache.
 */
#include <config.h>

#include <string.h>

#include "malloc_internal.h"

static struct bump_counts stateless;	/* threads without a state */
static uint64_t fallbacks;

/* A free by t, or by a thread without a state when t is NULL. */
void
bump__count_free(struct thread *t, size_t bytes, size_t reclaimed, int remote)
{
	if (t != NULL) {
		t->counts.frees++;
		t->counts.bytes_freed += bytes;
		t->counts.bytes_reclaimed += reclaimed;
		t->counts.remote_frees += (unsigned)remote;
	} else {
		bump_atomic_add(&stateless.frees, 1, RELAXED);
		bump_atomic_add(&stateless.bytes_freed, bytes, RELAXED);
		bump_atomic_add(&stateless.bytes_reclaimed, reclaimed, RELAXED);
		bump_atomic_add(&stateless.remote_frees, (unsigned)remote, RELAXED);
	}
}

/* A block of usable bytes the C library gave in our place. */
void
bump__count_fallback(struct thread *t, size_t usable)
{
	bump_atomic_add(&fallbacks, 1, RELAXED);
	if (t != NULL) {
		t->counts.mallocs++;
		t->counts.bytes_allocated += usable;
	} else {
		bump_atomic_add(&stateless.mallocs, 1, RELAXED);
		bump_atomic_add(&stateless.bytes_allocated, usable, RELAXED);
	}
}

static void
add_counts(struct bump_malloc_stats *st, const struct bump_counts *c)
{
	uint64_t recycled = bump_atomic_load(&c->bytes_recycled, ACQUIRE);
	uint64_t rolled = bump_atomic_load(&c->bytes_rolled, ACQUIRE);

	st->mallocs += bump_atomic_load(&c->mallocs, ACQUIRE) +
	    bump_atomic_load(&c->recycled, ACQUIRE);
	st->frees += bump_atomic_load(&c->frees, ACQUIRE);
	st->reallocs += bump_atomic_load(&c->reallocs, ACQUIRE);
	st->reallocs_in_place += bump_atomic_load(&c->reallocs_in_place, ACQUIRE);
	st->large += bump_atomic_load(&c->large, ACQUIRE);
	st->remote_frees += bump_atomic_load(&c->remote_frees, ACQUIRE);
	st->recycled += bump_atomic_load(&c->recycled, ACQUIRE);
	st->bytes_allocated += bump_atomic_load(&c->bytes_allocated, ACQUIRE) +
	    recycled;
	st->bytes_freed += bump_atomic_load(&c->bytes_freed, ACQUIRE) + rolled;
	st->bytes_reclaimed += bump_atomic_load(&c->bytes_reclaimed, ACQUIRE) +
	    recycled + rolled;
}

/* The figures so far (after start-up); other threads' counters are read
 * as they stand. */
void
bump__collect(struct bump_malloc_stats *st)
{
	memset(st, 0, sizeof *st);
	st->reserve = bump__settings.config.reserve;
	st->chunk_size = bump__settings.chunk_size;
	st->large_threshold = bump__settings.small_max + 16;
	for (struct thread *t = bump__threads_all(); t != NULL; t = t->next) {
		st->threads++;
		add_counts(st, &t->counts);
	}
	add_counts(st, &stateless);
	st->fallbacks = bump_atomic_load(&fallbacks, ACQUIRE);
	bump__reserve_usage(st);
	st->large_cached = bump__large_cached();
}
