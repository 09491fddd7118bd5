/*
 * malloc_large.c - blocks of the large threshold and more: pages of their
 * own, found again through a lock-free table keyed by address.
 *
 * A freed large block is not unmapped at once: it waits in a small cache
 * (at most CACHE_BYTES, each for at most UNUSED_MS) and the next large
 * request it fits takes it, already committed, so a program that keeps
 * allocating and freeing big buffers does not fault its pages in again and
 * again.  Whatever stays unused goes back to the OS; malloc_trim(3) empties
 * the cache at once.  The cache's lock is only ever tried, never waited
 * for (except around fork): a thread that finds it taken maps or unmaps as
 * if it were empty.  The callers count the blocks in their statistics.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "malloc_internal.h"

#define LARGE_SLOTS ((size_t)1 << 18)
#define CACHE_SLOTS 16
#define CACHE_BYTES ((size_t)32 << 20)

struct large_slot {
	uintptr_t key;		/* pointer handed out; 0 empty, 1 deleted */
	size_t len;
};

struct cached_block {
	char *p;		/* NULL: an empty slot */
	size_t len;
	unsigned long long since;
};

static struct large_slot *large_table;
static size_t table_max_probe;
static struct cached_block block_cache[CACHE_SLOTS];
static size_t cached_bytes;
static bump_lock_t cache_lock;

int
bump__large_init(void)
{
	size_t size = LARGE_SLOTS * sizeof(struct large_slot);
	void *p = bump__os_reserve(size);

	if (p == NULL || bump__os_commit(p, size) != 0)
		return -1;
	large_table = p;
	return 0;
}

/* ---- The table --------------------------------------------------------- */

/* Where key's probe starts: pages of a large block's address, hashed. */
static size_t
home_slot(uintptr_t key)
{
	return (size_t)(((uint64_t)key >> 12) * 0x9E3779B97F4A7C15u >> 46) &
	    (LARGE_SLOTS - 1);
}

static int
table_add(uintptr_t key, size_t len)
{
	size_t i = home_slot(key);

	for (size_t probe = 0; probe < LARGE_SLOTS; ) {
		uintptr_t old = bump_atomic_load(&large_table[i].key, ACQUIRE);

		if (old <= 1) {
			if (!bump_atomic_cas(&large_table[i].key, &old, key,
			    ACQ_REL))
				continue;	/* another thread took it: look again */
			bump_atomic_store(&large_table[i].len, len, RELEASE);
			bump_atomic_max(&table_max_probe, probe);
			return 0;
		}
		probe++;
		i = (i + 1) & (LARGE_SLOTS - 1);
	}
	return -1;
}

/* The slot holding key, or NULL.  Stops at an empty slot or max probe. */
static struct large_slot *
table_find(const void *p)
{
	uintptr_t key = (uintptr_t)p;
	size_t i, max;

	if (large_table == NULL || key <= 1)
		return NULL;
	max = bump_atomic_load(&table_max_probe, ACQUIRE);
	i = home_slot(key);
	for (size_t probe = 0; probe <= max; probe++) {
		uintptr_t k = bump_atomic_load(&large_table[i].key, ACQUIRE);

		if (k == key)
			return &large_table[i];
		if (k == 0)
			return NULL;
		i = (i + 1) & (LARGE_SLOTS - 1);
	}
	return NULL;
}

static void
table_delete(struct large_slot *slot)
{
	bump_atomic_store(&slot->key, (uintptr_t)1, RELEASE);
}

/* ---- The cache of freed blocks ------------------------------------------ */

/* The best-fitting cached block for len bytes, cut to len; NULL if none. */
static char *
cache_take(size_t len)
{
	struct cached_block *best = NULL;
	char *p;

	if (bump_atomic_load(&cached_bytes, ACQUIRE) < len ||
	    !bump__trylock(&cache_lock))
		return NULL;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (block_cache[i].p != NULL && block_cache[i].len >= len &&
		    (best == NULL || block_cache[i].len < best->len))
			best = &block_cache[i];
	if (best == NULL || best->len > 4 * len) {
		bump__unlock(&cache_lock);
		return NULL;
	}
	p = best->p;
	if (best->len > len) {		/* the rest stays cached */
		best->p += len;
		best->len -= len;
	} else {
		best->p = NULL;
	}
	bump_atomic_sub(&cached_bytes, len, RELAXED);
	bump__unlock(&cache_lock);
	return p;
}

/* The cached block goes back to the OS (under the cache's lock). */
static void
cache_unmap(struct cached_block *c)
{
	bump__os_release(c->p, c->len);
	bump_atomic_sub(&cached_bytes, c->len, RELAXED);
	c->p = NULL;
}

/* Keep [p, p+len) for reuse, making room by unmapping the oldest. */
static void
cache_put(char *p, size_t len)
{
	unsigned long long now;
	struct cached_block *slot = NULL;

	if (len > CACHE_BYTES / 2 || !bump__trylock(&cache_lock)) {
		bump__os_release(p, len);
		return;
	}
	now = bump__os_now_ms();
	for (;;) {
		struct cached_block *oldest = NULL;

		slot = NULL;
		for (int i = 0; i < CACHE_SLOTS; i++) {
			if (block_cache[i].p == NULL)
				slot = &block_cache[i];
			else if (oldest == NULL ||
			    block_cache[i].since < oldest->since)
				oldest = &block_cache[i];
		}
		if (slot != NULL &&
		    bump_atomic_load(&cached_bytes, ACQUIRE) + len <= CACHE_BYTES)
			break;
		cache_unmap(oldest);
	}
	slot->p = p;
	slot->len = len;
	slot->since = now;
	bump_atomic_add(&cached_bytes, len, RELAXED);
	bump__unlock(&cache_lock);
}

/* Around fork() the cache's lock is held, so the child gets it whole. */
void
bump__large_before_fork(void)
{
	bump__lock(&cache_lock);
}

void
bump__large_after_fork(void)
{
	bump__unlock(&cache_lock);
}

/* Unmap cached blocks unused for UNUSED_MS (all of them if all). */
size_t
bump__large_trim(int all)
{
	unsigned long long now;
	size_t given = 0;

	if (bump_atomic_load(&cached_bytes, ACQUIRE) == 0 ||
	    !bump__trylock(&cache_lock))
		return 0;
	now = bump__os_now_ms();
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (block_cache[i].p != NULL &&
		    (all || now - block_cache[i].since >= UNUSED_MS)) {
			given += block_cache[i].len;
			cache_unmap(&block_cache[i]);
		}
	bump__unlock(&cache_lock);
	return given;
}

size_t
bump__large_cached(void)
{
	return bump_atomic_load(&cached_bytes, ACQUIRE);
}

/* ---- Blocks ------------------------------------------------------------ */

/* len committed bytes aligned to align (and to a page); NULL if refused. */
static char *
map_aligned(size_t len, size_t align)
{
	size_t page = bump__settings.page;
	char *p = bump__os_reserve_aligned(len, bump__max_size(align, page));

	if (p != NULL && bump__os_commit(p, len) != 0) {
		bump__os_release(p, len);
		return NULL;
	}
	return p;
}

/* A block of n bytes (zeroed if zero) aligned to align; *lenp its size. */
void *
bump__large_alloc(size_t n, size_t align, int zero, size_t *lenp)
{
	size_t len, page = bump__settings.page;
	char *p;

	if (align >= PTRDIFF_MAX / 2 || n > PTRDIFF_MAX / 2 - align)
		return NULL;
	len = bump__round_up(n == 0 ? 1 : n, page);
	if (large_table == NULL || !bump__reserve_fits(len))
		return NULL;
	if (align <= page && (p = cache_take(len)) != NULL) {
		if (zero)
			memset(p, 0, n);
	} else if ((p = map_aligned(len, align)) == NULL) {
		return NULL;
	}
	if (table_add((uintptr_t)p, len) != 0) {
		bump__os_release(p, len);
		return NULL;
	}
	bump__reserve_hold(HELD_BY_LARGE, len);
	*lenp = len;
	return p;
}

size_t
bump__large_size(const void *p)
{
	struct large_slot *slot = table_find(p);

	return slot != NULL ? slot->len : 0;
}

size_t
bump__large_free(void *p)
{
	struct large_slot *slot = table_find(p);
	size_t len;

	if (slot == NULL)
		return 0;
	len = slot->len;
	table_delete(slot);
	bump__reserve_drop(HELD_BY_LARGE, len);
	cache_put(p, len);
	return len;
}

/*
 * Resize a large block by moving its pages rather than its bytes, as
 * glibc does for its mmapped chunks; *lenp its new size.  NULL where the
 * OS cannot.
 */
void *
bump__large_resize(void *p, size_t n, size_t *lenp)
{
	struct large_slot *slot = table_find(p);
	size_t old, len;
	void *q;

	if (slot == NULL || n > PTRDIFF_MAX - bump__settings.page)
		return NULL;
	old = slot->len;
	len = bump__round_up(n, bump__settings.page);
	if (len > old && !bump__reserve_fits(len - old))
		return NULL;
	/* Out of the table before the OS frees the old range: a thread
	 * mapping a block there at once must not find this one's size. */
	table_delete(slot);
	if ((q = bump__os_remap(p, old, len)) == NULL) {
		if (table_add((uintptr_t)p, old) != 0)
			abort();	/* the table filled meanwhile */
		return NULL;
	}
	if (table_add((uintptr_t)q, len) != 0)
		abort();	/* the table is full: no state to go back to */
	if (len > old)
		bump__reserve_hold(HELD_BY_LARGE, len - old);
	else
		bump__reserve_drop(HELD_BY_LARGE, old - len);
	*lenp = len;
	return q;
}
