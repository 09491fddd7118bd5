/*
 * malloc_pool.h - TEMPORARY stand-in for the chunk layer's fixed pool
 * (lib/chunks.h), until lib/chunks.c lands: the same functions, only what
 * the malloc replacement uses.  Deleted when the chunk layer is merged.
 */
#ifndef BUMP_MALLOC_POOL_H
#define BUMP_MALLOC_POOL_H

#include <stddef.h>

struct bump_chunks {
	char *base;
	size_t size, carved, in_use, cached, ncached;
	void *free[BUMP_CHUNK_MAX_SHIFT + 1];
	int lock;
};

#endif
