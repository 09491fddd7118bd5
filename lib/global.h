/*
 * global.h - internals shared by the files of libbump_alloc_malloc.
 *
 * global.c is the allocator, global_env.c reads the configuration, finds
 * the C library's own allocator and prints the messages.  Nothing here
 * may call malloc or stdio: these functions run inside malloc.
 */
#ifndef BUMP_GLOBAL_H
#define BUMP_GLOBAL_H

#include <stddef.h>
#include <stdint.h>

enum bump_free_policy { FREE_NONE, FREE_LIFO, FREE_RECYCLE };
enum bump_exhaust { EXHAUST_SYSTEM, EXHAUST_NULL, EXHAUST_ABORT };

struct bump_config {
	size_t reserve;
	enum bump_free_policy free_policy;
	enum bump_exhaust on_exhaust;
	int stats;
	int stats_fd;		/* a copy of stderr: programs may close it */
	int hugepages;
};

/* The C library's allocator, for the `system` fallback and for pointers
 * this library did not make.  Members are NULL where it was not found. */
struct bump_libc {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*memalign)(size_t, size_t);
	size_t (*usable_size)(void *);
};

/* Counters for BUMP_ALLOC_STATS, summed over threads at exit. */
struct bump_counts {
	uint64_t mallocs, frees, reallocs, reallocs_in_place;
	uint64_t bytes_allocated, bytes_freed, bytes_reclaimed;
	uint64_t recycled, remote_frees, large, fallbacks;
};

struct bump_report {
	const struct bump_config *config;
	struct bump_counts counts;
	size_t region_used, large_peak, chunk_size, large_threshold;
	unsigned threads;
};

/* global_env.c */
void bump__read_config(struct bump_config *config, size_t default_reserve);
void bump__find_libc(struct bump_libc *libc);
void bump__print_report(const struct bump_report *report);
void bump__print_exhausted(size_t reserve, size_t request);
void bump__print_no_reserve(size_t reserve);
void bump__write_message(const char *const *parts);
int bump__parse_size(const char *s, size_t *out);

#endif /* BUMP_GLOBAL_H */
