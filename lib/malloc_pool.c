/*
 * malloc_pool.c - TEMPORARY stand-in for the chunk layer's fixed pool
 * (see malloc_pool.h).  One reservation, carved in order; freed chunks on
 * a list per size, the eighth and later decommitted.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>

#include "chunks.h"
#include "malloc_pool.h"
#include "os.h"

static void
lock(int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE) != 0)
		bump__os_yield();
}

static void
unlock(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

int
bump__chunks_init_fixed(struct bump_chunks *pool, size_t reserve)
{
	size_t max = (size_t)1 << BUMP_CHUNK_MAX_SHIFT;
	size_t size = (reserve + max - 1) & ~(max - 1);
	char *p;

	if (size < reserve || (p = bump__os_reserve(size + max)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	pool->base = (char *)(((uintptr_t)p + max - 1) & ~(uintptr_t)(max - 1));
	pool->size = reserve;
	return 0;
}

void *
bump__chunk_get(struct bump_chunks *pool, unsigned shift, int *fresh)
{
	size_t len = (size_t)1 << shift, off;
	void *c;

	lock(&pool->lock);
	if ((c = pool->free[shift]) != NULL) {
		pool->free[shift] = *(void **)c;
		pool->cached -= len;
		pool->in_use += len;
		unlock(&pool->lock);
		*fresh = 0;
		return c;
	}
	off = (pool->carved + len - 1) & ~(len - 1);
	if (off + len > pool->size) {
		unlock(&pool->lock);
		errno = ENOMEM;
		return NULL;
	}
	pool->carved = off + len;
	pool->in_use += len;
	unlock(&pool->lock);
	c = pool->base + off;
	if (bump__os_commit(c, len) != 0) {
		errno = ENOMEM;
		return NULL;
	}
	*fresh = 1;
	return c;
}

void
bump__chunk_put(struct bump_chunks *pool, void *chunk, unsigned shift)
{
	size_t len = (size_t)1 << shift;

	lock(&pool->lock);
	*(void **)chunk = pool->free[shift];
	pool->free[shift] = chunk;
	pool->in_use -= len;
	pool->cached += len;
	unlock(&pool->lock);
}

int
bump__chunks_owns(const struct bump_chunks *pool, const void *p)
{
	return (uintptr_t)p - (uintptr_t)pool->base < pool->size;
}

size_t
bump__chunks_purge(struct bump_chunks *pool)
{
	size_t given = 0;

	lock(&pool->lock);
	for (unsigned s = 0; s <= BUMP_CHUNK_MAX_SHIFT; s++)
		for (void *c = pool->free[s]; c != NULL; c = *(void **)c) {
			void *next = *(void **)c;
			(void)bump__os_decommit(c, (size_t)1 << s);
			(void)bump__os_commit(c, (size_t)1 << s);
			*(void **)c = next;
			given += (size_t)1 << s;
		}
	unlock(&pool->lock);
	return given;
}

void
bump__chunks_usage(const struct bump_chunks *pool, size_t *in_use,
    size_t *cached)
{
	*in_use = __atomic_load_n(&pool->in_use, __ATOMIC_RELAXED);
	*cached = __atomic_load_n(&pool->cached, __ATOMIC_RELAXED);
}
