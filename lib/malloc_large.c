/*
 * malloc_large.c - blocks of the large threshold and more: pages of their
 * own, found again through a lock-free table keyed by address.
 *
 * A freed large block is not unmapped at once: it waits in a small cache
 * (at most CACHE_BYTES, each for at most CACHE_AGE_MS) and the next large
 * request it fits takes it, already committed, so a program that keeps
 * allocating and freeing big buffers does not fault its pages in again and
 * again.  Whatever stays unused goes back to the OS; malloc_trim(3) empties
 * the cache at once.  The cache's lock is only ever tried, never waited
 * for: a thread that finds it taken maps or unmaps as if it were empty.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "malloc_internal.h"
#include "os.h"

#define LARGE_SLOTS ((size_t)1 << 18)
#define CACHE_SLOTS 16
#define CACHE_BYTES ((size_t)32 << 20)
#define CACHE_AGE_MS 1000u

struct large_slot {
	uintptr_t key;		/* pointer handed out; 0 empty, 1 deleted */
	size_t len;
};

struct cached {
	char *p;		/* NULL: an empty slot */
	size_t len;
	unsigned long long since;
};

static struct large_slot *table;
static size_t max_probe, live, peak;
static struct cached cache[CACHE_SLOTS];
static size_t cached_bytes;
static bump_lock_t cache_lock;

int
bump__large_init(void)
{
	size_t size = LARGE_SLOTS * sizeof(struct large_slot);
	void *p = bump__os_reserve(size);

	if (p == NULL || bump__os_commit(p, size) != 0)
		return -1;
	table = p;
	return 0;
}

/* Budget left of the reserve, which large blocks share with the chunks. */
int
bump__within_reserve(size_t more)
{
	size_t used = LOAD(&bump__chunks_held) + LOAD(&live);
	size_t reserve = bump__g.config.reserve;

	return used <= reserve && more <= reserve - used;
}

/* ---- The table --------------------------------------------------------- */

static size_t
slot_of(uintptr_t key)
{
	return (size_t)(((uint64_t)key >> 12) * 0x9E3779B97F4A7C15u >> 46) &
	    (LARGE_SLOTS - 1);
}

static int
insert(uintptr_t key, size_t len)
{
	size_t i = slot_of(key);

	for (size_t probe = 0; probe < LARGE_SLOTS; ) {
		uintptr_t old = LOAD(&table[i].key);

		if (old <= 1) {
			if (!__atomic_compare_exchange_n(&table[i].key, &old, key,
			    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				continue;	/* another thread took it: look again */
			STORE(&table[i].len, len);
			raise_peak(&max_probe, probe);
			return 0;
		}
		probe++;
		i = (i + 1) & (LARGE_SLOTS - 1);
	}
	return -1;
}

/* The slot holding key, or NULL.  Stops at an empty slot or max probe. */
static struct large_slot *
find(const void *p)
{
	uintptr_t key = (uintptr_t)p;
	size_t i, max;

	if (table == NULL || key <= 1)
		return NULL;
	max = LOAD(&max_probe);
	i = slot_of(key);
	for (size_t probe = 0; probe <= max; probe++) {
		uintptr_t k = LOAD(&table[i].key);

		if (k == key)
			return &table[i];
		if (k == 0)
			return NULL;
		i = (i + 1) & (LARGE_SLOTS - 1);
	}
	return NULL;
}

/* ---- The cache of freed blocks ------------------------------------------ */

/* The best-fitting cached block for len bytes, cut to len; NULL if none. */
static char *
cache_take(size_t len)
{
	struct cached *best = NULL;
	char *p;

	if (LOAD(&cached_bytes) < len || !bump__trylock(&cache_lock))
		return NULL;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].p != NULL && cache[i].len >= len &&
		    (best == NULL || cache[i].len < best->len))
			best = &cache[i];
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
	__atomic_sub_fetch(&cached_bytes, len, __ATOMIC_RELAXED);
	bump__unlock(&cache_lock);
	return p;
}

static void
drop(struct cached *c)
{
	bump__os_release(c->p, c->len);
	__atomic_sub_fetch(&cached_bytes, c->len, __ATOMIC_RELAXED);
	c->p = NULL;
}

/* Keep [p, p+len) for reuse, making room by dropping the oldest. */
static void
cache_put(char *p, size_t len)
{
	unsigned long long now;
	struct cached *slot = NULL;

	if (len > CACHE_BYTES / 2 || !bump__trylock(&cache_lock)) {
		bump__os_release(p, len);
		return;
	}
	now = bump__os_now_ms();
	for (;;) {
		struct cached *oldest = NULL;

		slot = NULL;
		for (int i = 0; i < CACHE_SLOTS; i++) {
			if (cache[i].p == NULL)
				slot = &cache[i];
			else if (oldest == NULL || cache[i].since < oldest->since)
				oldest = &cache[i];
		}
		if (slot != NULL && LOAD(&cached_bytes) + len <= CACHE_BYTES)
			break;
		drop(oldest);
	}
	slot->p = p;
	slot->len = len;
	slot->since = now;
	__atomic_add_fetch(&cached_bytes, len, __ATOMIC_RELAXED);
	bump__unlock(&cache_lock);
}

/* Around fork(): the child gets the cache whole (see malloc_thread.c). */
void
bump__large_lock(int take)
{
	if (!take)
		bump__unlock(&cache_lock);
	else
		while (!bump__trylock(&cache_lock))
			bump__os_yield();
}

/* Unmap cached blocks unused for CACHE_AGE_MS (all of them if all). */
size_t
bump__large_trim(int all)
{
	unsigned long long now;
	size_t given = 0;

	if (LOAD(&cached_bytes) == 0 || !bump__trylock(&cache_lock))
		return 0;
	now = bump__os_now_ms();
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].p != NULL &&
		    (all || now - cache[i].since >= CACHE_AGE_MS)) {
			given += cache[i].len;
			drop(&cache[i]);
		}
	bump__unlock(&cache_lock);
	return given;
}

/* ---- Blocks ------------------------------------------------------------ */

static char *
map_aligned(size_t len, size_t align)
{
	size_t page = bump__g.page, extra = align > page ? align - page : 0;
	char *map = bump__os_reserve(len + extra), *p;

	if (map == NULL)
		return NULL;
	p = (char *)round_up((uintptr_t)map, align > page ? align : page);
	if (p > map)
		bump__os_release(map, (size_t)(p - map));
	if (map + len + extra > p + len)
		bump__os_release(p + len, (size_t)(map + len + extra - (p + len)));
	if (bump__os_commit(p, len) != 0) {
		bump__os_release(p, len);
		return NULL;
	}
	return p;
}

void *
bump__large_alloc(size_t n, size_t align, int zero, size_t *lenp)
{
	size_t len, page = bump__g.page;
	char *p;

	if (align >= PTRDIFF_MAX / 2 || n > PTRDIFF_MAX / 2 - align)
		return NULL;
	len = round_up(n == 0 ? 1 : n, page);
	if (table == NULL || !bump__within_reserve(len))
		return NULL;
	if (align <= page && (p = cache_take(len)) != NULL) {
		if (zero)
			memset(p, 0, n);
	} else if ((p = map_aligned(len, align)) == NULL) {
		return NULL;
	}
	if (insert((uintptr_t)p, len) != 0) {
		bump__os_release(p, len);
		return NULL;
	}
	raise_peak(&peak, __atomic_add_fetch(&live, len, __ATOMIC_RELAXED));
	*lenp = len;
	return p;
}

size_t
bump__large_size(const void *p)
{
	struct large_slot *slot = find(p);

	return slot != NULL ? slot->len : 0;
}

int
bump__large_free(void *p)
{
	struct large_slot *slot = find(p);
	size_t len;

	if (slot == NULL)
		return -1;
	len = slot->len;
	STORE(&slot->key, (uintptr_t)1);
	__atomic_sub_fetch(&live, len, __ATOMIC_RELAXED);
	bump__count_free(bump__self, len, len, 0);
	cache_put(p, len);
	return 0;
}

/*
 * Resize a large block by moving its pages rather than its bytes, as
 * glibc does for its mmapped chunks.  NULL where the OS cannot.
 */
void *
bump__large_resize(void *p, size_t n)
{
	struct large_slot *slot = find(p);
	struct thread *t = bump__self;
	size_t old, len;
	void *q;

	if (slot == NULL || n > PTRDIFF_MAX - bump__g.page)
		return NULL;
	old = slot->len;
	len = round_up(n, bump__g.page);
	if (len > old && !bump__within_reserve(len - old))
		return NULL;
	if ((q = bump__os_remap(p, old, len)) == NULL)
		return NULL;
	STORE(&slot->key, (uintptr_t)1);
	if (insert((uintptr_t)q, len) != 0)
		abort();	/* the table is full: no state to go back to */
	if (len > old)
		raise_peak(&peak, __atomic_add_fetch(&live, len - old,
		    __ATOMIC_RELAXED));
	else
		__atomic_sub_fetch(&live, old - len, __ATOMIC_RELAXED);
	if (t != NULL) {
		t->counts.bytes_allocated += len;
		t->counts.bytes_freed += old;
		t->counts.bytes_reclaimed += old;
	}
	return q;
}

void
bump__large_usage(size_t *in_use, size_t *peak_out, size_t *in_cache)
{
	*in_use = LOAD(&live);
	*peak_out = LOAD(&peak);
	*in_cache = LOAD(&cached_bytes);
}
