/*
 * bump_alloc_malloc.h - what a program linked with libbump_alloc_malloc
 * (or running under it) may ask it.  See bump_alloc_malloc(3).
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef BUMP_ALLOC_MALLOC_H
#define BUMP_ALLOC_MALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The figures BUMP_ALLOC_STATS=1 prints at exit, at any moment. */
struct bump_malloc_stats {
	size_t reserve;			/* BUMP_ALLOC_SIZE, bytes */
	size_t chunk_size;		/* threads allocate from chunks of this */
	size_t large_threshold;		/* blocks this big get their own pages */
	size_t chunks_in_use;		/* bytes of chunks threads hold now */
	size_t chunks_peak;		/* the most they ever held */
	size_t large_in_use;		/* bytes of live large blocks */
	size_t large_peak;
	size_t large_cached;		/* freed large blocks kept for reuse */
	unsigned long long mallocs;	/* every allocation, any function */
	unsigned long long frees;	/* every free, by any thread */
	unsigned long long reallocs, reallocs_in_place;
	unsigned long long large;	/* allocations of large blocks */
	unsigned long long fallbacks;	/* served by the C library's malloc */
	unsigned long long remote_frees; /* freed by another thread */
	unsigned long long recycled;	/* reused from a free list */
	unsigned long long bytes_allocated;	/* usable bytes handed out */
	unsigned long long bytes_freed;		/* usable bytes freed */
	unsigned long long bytes_reclaimed;	/* of those, reusable again */
	unsigned threads;		/* thread states ever made */
};

/* Fill *st; 0, or -1 with errno = EINVAL when st is NULL. */
int bump_malloc_stats(struct bump_malloc_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* BUMP_ALLOC_MALLOC_H */
