/*
 * chunks.c - the chunk layer: power-of-two chunks carved from big
 * reservations, cached per size class (see chunks.h for the contract).
 *
 * Memory comes from spans: the shared pool reserves BUMP_CHUNK_SPAN bytes
 * at a time, a fixed pool one reservation of its own.  A span is carved
 * into chunks of the largest size (committed as they are carved, one OS
 * call per 4 MiB); a smaller chunk is split off a larger one, buddy style,
 * and the other half waits in its class's free list.  Free chunks are
 * never merged on the hot path: a chunk given back goes on its class's
 * list and the next request of that size takes it, with no system call.
 *
 * Each size class has a lock held for a few instructions (push or pop),
 * so threads meet only when they want chunks of the same size at the same
 * moment; no two locks are ever held at once, except by the fork handlers.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>

#include "chunks.h"
#include "os.h"

/* A free chunk's first bytes. */
struct bump_free_chunk_ {
	struct bump_free_chunk_ *next;
	uint32_t fresh;		/* apart from this header, every byte is zero */
	uint32_t shift;
};

_Static_assert(sizeof(struct bump_free_chunk_) <=
    ((size_t)1 << BUMP_CHUNK_MIN_SHIFT), "a free chunk holds its header");
_Static_assert(BUMP_CHUNK_SPAN % ((size_t)1 << BUMP_CHUNK_MAX_SHIFT) == 0,
    "a span is carved into whole chunks of the largest size");

#define MAX_CHUNK ((size_t)1 << BUMP_CHUNK_MAX_SHIFT)

/* ---- locks ------------------------------------------------------------ */

static void
spin_lock(int *lock)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#endif
			/* The holder may have been preempted: let it run. */
			if (++spins % 1024 == 0)
				bump__os_yield();
		}
	}
}

static void
spin_unlock(int *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* ---- fork: every pool's locks are taken around it --------------------- */

static struct bump_chunks *all_pools;

static void
lock_all(struct bump_chunks *pool)
{
	spin_lock(&pool->carve_lock);
	for (unsigned i = 0; i < BUMP_CHUNK_CLASSES; i++)
		spin_lock(&pool->classes[i].lock);
}

static void
unlock_all(struct bump_chunks *pool)
{
	for (unsigned i = 0; i < BUMP_CHUNK_CLASSES; i++)
		spin_unlock(&pool->classes[i].lock);
	spin_unlock(&pool->carve_lock);
}

static void
fork_prepare(void)
{
	for (struct bump_chunks *p = __atomic_load_n(&all_pools,
	    __ATOMIC_ACQUIRE); p != NULL; p = p->next_pool)
		lock_all(p);
}

/* In the parent and in the child (whose only thread is the forking one). */
static void
fork_done(void)
{
	for (struct bump_chunks *p = __atomic_load_n(&all_pools,
	    __ATOMIC_ACQUIRE); p != NULL; p = p->next_pool)
		unlock_all(p);
}

/* Put pool on the fork list, once; the first pool registers the handlers. */
static void
register_pool(struct bump_chunks *pool)
{
	static int handlers;
	int no = 0;
	struct bump_chunks *head;

	if (__atomic_load_n(&pool->registered, __ATOMIC_ACQUIRE) ||
	    !__atomic_compare_exchange_n(&pool->registered, &no, 1, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	if (!__atomic_exchange_n(&handlers, 1, __ATOMIC_ACQ_REL)) {
		int saved = errno;

		(void)bump__os_atfork(fork_prepare, fork_done, fork_done);
		errno = saved;
	}
	head = __atomic_load_n(&all_pools, __ATOMIC_RELAXED);
	do
		pool->next_pool = head;
	while (!__atomic_compare_exchange_n(&all_pools, &head, pool, 1,
	    __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

/* ---- free lists ------------------------------------------------------- */

static struct bump_chunk_class_ *
class_of(struct bump_chunks *pool, unsigned shift)
{
	return &pool->classes[shift - BUMP_CHUNK_MIN_SHIFT];
}

/*
 * The counts live with each class and change under its lock: no atomic
 * operation beyond the lock itself on the common path.
 */

/* Under the class's lock; atomic stores, as statistics read them without. */
static void
set_counts(struct bump_chunk_class_ *c, size_t count, size_t dirty)
{
	__atomic_store_n(&c->count, count, __ATOMIC_RELAXED);
	__atomic_store_n(&c->dirty, dirty, __ATOMIC_RELAXED);
}

/* Push the list [first, last] of n chunks of one class, dirty of them written. */
static void
push_list(struct bump_chunks *pool, unsigned shift,
    struct bump_free_chunk_ *first, struct bump_free_chunk_ *last, size_t n,
    size_t dirty)
{
	struct bump_chunk_class_ *c = class_of(pool, shift);

	spin_lock(&c->lock);
	last->next = c->head;
	__atomic_store_n(&c->head, first, __ATOMIC_RELAXED);	/* see pop */
	set_counts(c, c->count + n, c->dirty + dirty);
	spin_unlock(&c->lock);
}

static void
push(struct bump_chunks *pool, void *chunk, unsigned shift, int fresh)
{
	struct bump_free_chunk_ *f = chunk;

	f->fresh = (uint32_t)fresh;
	f->shift = shift;
	push_list(pool, shift, f, f, 1, !fresh);
}

static void *
pop(struct bump_chunks *pool, unsigned shift, int *fresh)
{
	struct bump_chunk_class_ *c = class_of(pool, shift);
	struct bump_free_chunk_ *f;

	if (__atomic_load_n(&c->head, __ATOMIC_RELAXED) == NULL)
		return NULL;	/* a racy peek: the common miss takes no lock */
	spin_lock(&c->lock);
	if ((f = c->head) != NULL) {
		__atomic_store_n(&c->head, f->next, __ATOMIC_RELAXED);
		set_counts(c, c->count - 1, c->dirty - !f->fresh);
	}
	spin_unlock(&c->lock);
	if (f == NULL)
		return NULL;
	*fresh = (int)f->fresh;
	if (*fresh) {	/* the header was the only written part */
		f->next = NULL;
		f->fresh = 0;
		f->shift = 0;
	}
	return f;
}

/* Bytes of written free chunks of a page or more, or of all classes. */
static size_t
cached_bytes(const struct bump_chunks *pool, unsigned from_shift)
{
	size_t sum = 0;

	for (unsigned s = from_shift; s <= BUMP_CHUNK_MAX_SHIFT; s++)
		sum += __atomic_load_n(&pool->classes[s -
		    BUMP_CHUNK_MIN_SHIFT].dirty, __ATOMIC_RELAXED) << s;
	return sum;
}

/* Detach a whole class's list; its count goes to *n. */
static struct bump_free_chunk_ *
take_list(struct bump_chunks *pool, unsigned shift, size_t *n)
{
	struct bump_chunk_class_ *c = class_of(pool, shift);
	struct bump_free_chunk_ *list;

	spin_lock(&c->lock);
	list = c->head;
	*n = c->count;
	__atomic_store_n(&c->head, NULL, __ATOMIC_RELAXED);
	set_counts(c, 0, 0);
	spin_unlock(&c->lock);
	return list;
}

/* ---- new memory ------------------------------------------------------- */

static uintptr_t
align_up(uintptr_t p, size_t align)
{
	return (p + align - 1) & ~(uintptr_t)(align - 1);
}

/* Reserve address space of size bytes aligned to MAX_CHUNK; NULL or start. */
static char *
reserve_aligned(struct bump_chunks *pool, size_t size)
{
	size_t slack = MAX_CHUNK - bump__os_granularity();
	char *p;

	if (size > SIZE_MAX - slack ||
	    (p = bump__os_reserve(size + slack)) == NULL)
		return NULL;
	__atomic_add_fetch(&pool->reserved, size + slack, __ATOMIC_RELAXED);
	return (char *)align_up((uintptr_t)p, MAX_CHUNK);
}

/*
 * A chunk of 2^shift bytes from the uncarved rest of the newest span.  The
 * shared pool starts a new span for a chunk of the largest size only; a
 * smaller chunk is carved here only when no larger one is left to split.
 */
static void *
carve(struct bump_chunks *pool, unsigned shift)
{
	size_t size = (size_t)1 << shift, page = bump__os_page_size();
	uintptr_t at, from, to;
	char *span;

	spin_lock(&pool->carve_lock);
	at = align_up((uintptr_t)pool->cursor, size);
	if (pool->cursor == NULL || at > (uintptr_t)pool->end ||
	    size > (uintptr_t)pool->end - at) {
		if (pool->fixed || size != MAX_CHUNK ||
		    (span = reserve_aligned(pool, BUMP_CHUNK_SPAN)) == NULL)
			goto fail;
		pool->cursor = span;
		pool->end = span + BUMP_CHUNK_SPAN;
		at = (uintptr_t)span;
	}
	/* Commit whole pages; a page shared with an earlier chunk is committed. */
	from = align_up(at, page);
	to = align_up(at + size, page);
	if (from < to && bump__os_commit((void *)from, to - from) != 0)
		goto fail;
	pool->cursor = (char *)(at + size);
	__atomic_store_n(&pool->carved, pool->carved + size, __ATOMIC_RELAXED);
	spin_unlock(&pool->carve_lock);
	return (void *)at;
fail:
	spin_unlock(&pool->carve_lock);
	errno = ENOMEM;
	return NULL;
}

/* A chunk from the cache, split off a larger one, or carved. */
static void *
get(struct bump_chunks *pool, unsigned shift, int *fresh)
{
	char *chunk;

	if ((chunk = pop(pool, shift, fresh)) != NULL)
		return chunk;
	if (shift < BUMP_CHUNK_MAX_SHIFT &&
	    (chunk = get(pool, shift + 1, fresh)) != NULL) {
		push(pool, chunk + ((size_t)1 << shift), shift, *fresh);
		return chunk;
	}
	*fresh = 1;
	return carve(pool, shift);
}

void *
bump__chunk_get(struct bump_chunks *pool, unsigned shift, int *fresh)
{
	int saved = errno, f;
	void *chunk;

	if (shift < BUMP_CHUNK_MIN_SHIFT || shift > BUMP_CHUNK_MAX_SHIFT) {
		errno = ENOMEM;
		return NULL;
	}
	if ((chunk = get(pool, shift, &f)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	errno = saved;	/* a failed larger attempt may have set it */
	*fresh = f;
	return chunk;
}

/* ---- giving back ------------------------------------------------------ */

/* Sort a list by address (merge sort: no memory needed). */
static struct bump_free_chunk_ *
sort_by_address(struct bump_free_chunk_ *list)
{
	struct bump_free_chunk_ *a = NULL, *b = NULL, *next, head, *tail;

	if (list == NULL || list->next == NULL)
		return list;
	for (int side = 0; list != NULL; list = next, side ^= 1) {
		next = list->next;
		if (side) {
			list->next = a;
			a = list;
		} else {
			list->next = b;
			b = list;
		}
	}
	a = sort_by_address(a);
	b = sort_by_address(b);
	for (tail = &head; a != NULL && b != NULL; tail = tail->next) {
		if ((uintptr_t)a < (uintptr_t)b) {
			tail->next = a;
			a = a->next;
		} else {
			tail->next = b;
			b = b->next;
		}
	}
	tail->next = a != NULL ? a : b;
	return head.next;
}

/*
 * Chunks smaller than a page cannot be purged one by one: gather every
 * class below a page, find the pages they tile completely, purge those
 * and keep them as free (fresh) pages; the rest goes back.  Returns the
 * bytes given back to the OS.
 */
static size_t
merge_small(struct bump_chunks *pool)
{
	size_t page = bump__os_page_size(), given = 0, n;
	unsigned page_shift = 0;
	struct bump_free_chunk_ *all = NULL, *list, *next, *run, *f;
	struct bump_free_chunk_ *keep_head[BUMP_CHUNK_CLASSES] = { NULL };
	struct bump_free_chunk_ *keep_tail[BUMP_CHUNK_CLASSES] = { NULL };
	size_t keep_n[BUMP_CHUNK_CLASSES] = { 0 };
	size_t keep_dirty[BUMP_CHUNK_CLASSES] = { 0 };

	while (((size_t)1 << page_shift) < page)
		page_shift++;
	if (page_shift > BUMP_CHUNK_MAX_SHIFT)
		return 0;
	for (unsigned s = BUMP_CHUNK_MIN_SHIFT; s < page_shift; s++) {
		list = take_list(pool, s, &n);
		while (list != NULL) {
			next = list->next;
			list->next = all;
			all = list;
			list = next;
		}
	}
	all = sort_by_address(all);
	for (f = all; f != NULL; f = next) {
		uintptr_t at = (uintptr_t)f, end = at;
		size_t dirty = 0;

		/* Does a run of adjacent chunks from f cover its page? */
		run = f;
		next = f->next;
		if (at % page == 0) {
			for (run = f; run != NULL && (uintptr_t)run == end &&
			    end - at < page; run = run->next)
				end += (size_t)1 << run->shift;
			if (end - at == page) {
				for (struct bump_free_chunk_ *c = f; c != run;
				    c = c->next)
					dirty += c->fresh ? 0 :
					    (size_t)1 << c->shift;
				next = run;
				if (bump__os_purge(f, page) == 0) {
					given += dirty;
					push(pool, f, page_shift, 1);
					continue;
				}
				/* Not purged: keep the chunks as they were. */
				next = f->next;
			}
		}
		{
			unsigned i = f->shift - BUMP_CHUNK_MIN_SHIFT;

			f->next = keep_head[i];
			if (keep_head[i] == NULL)
				keep_tail[i] = f;
			keep_head[i] = f;
			keep_n[i]++;
			keep_dirty[i] += !f->fresh;
		}
	}
	for (unsigned i = 0; i < BUMP_CHUNK_CLASSES; i++)
		if (keep_head[i] != NULL)
			push_list(pool, i + BUMP_CHUNK_MIN_SHIFT, keep_head[i],
			    keep_tail[i], keep_n[i], keep_dirty[i]);
	return given;
}

/*
 * A chunk of a page or more beyond the cache's bound is purged at once.
 * Chunks below a page (the first chunks and bookkeeping of small arenas)
 * cannot be purged one by one; they stay cached until bump__chunks_purge
 * merges the pages they tile back together (a sort of all of them: far
 * too slow for every put, measured at 20 times the cost of a destroy).
 */
void
bump__chunk_put(struct bump_chunks *pool, void *chunk, unsigned shift)
{
	size_t size = (size_t)1 << shift;
	int saved = errno, fresh = 0;

	if (size >= bump__os_page_size() && cached_bytes(pool, shift) + size >
	    BUMP_CHUNK_CACHE)
		fresh = bump__os_purge(chunk, size) == 0;
	push(pool, chunk, shift, fresh);
	errno = saved;
}

size_t
bump__chunks_purge(struct bump_chunks *pool)
{
	size_t page = bump__os_page_size(), given, n;
	int saved = errno;

	if (pool == NULL)
		return 0;
	given = merge_small(pool);
	for (unsigned s = BUMP_CHUNK_MIN_SHIFT; s <= BUMP_CHUNK_MAX_SHIFT; s++) {
		struct bump_free_chunk_ *list, *f, *last = NULL;
		size_t size = (size_t)1 << s, dirty = 0;

		if (size < page || (list = take_list(pool, s, &n)) == NULL)
			continue;
		for (f = list; f != NULL; last = f, f = f->next) {
			struct bump_free_chunk_ *next = f->next;

			if (f->fresh)
				continue;
			if (bump__os_purge(f, size) != 0) {
				dirty++;
				continue;
			}
			/* The purge dropped the header too: write it again. */
			f->next = next;
			f->fresh = 1;
			f->shift = s;
			given += size;
		}
		push_list(pool, s, list, last, n, dirty);
	}
	errno = saved;
	return given;
}

/* ---- pools ------------------------------------------------------------ */

static struct bump_chunks shared_pool;

struct bump_chunks *
bump__chunks_shared(void)
{
	register_pool(&shared_pool);
	return &shared_pool;
}

int
bump__chunks_init_fixed(struct bump_chunks *pool, size_t reserve)
{
	size_t gran = bump__os_granularity();
	char *base;

	if (reserve == 0 || reserve > SIZE_MAX - gran ||
	    (base = reserve_aligned(pool,
	    reserve = (size_t)align_up(reserve, gran))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	pool->fixed = 1;
	pool->cursor = base;
	pool->end = base + reserve;
	pool->fixed_base = base;
	pool->fixed_end = base + reserve;
	register_pool(pool);
	return 0;
}

int
bump__chunks_owns(const struct bump_chunks *pool, const void *p)
{
	uintptr_t a = (uintptr_t)p;

	return a >= (uintptr_t)pool->fixed_base && a < (uintptr_t)pool->fixed_end;
}

void
bump__chunks_usage(const struct bump_chunks *pool, size_t *in_use,
    size_t *cached)
{
	size_t free_bytes = 0;

	for (unsigned s = BUMP_CHUNK_MIN_SHIFT; s <= BUMP_CHUNK_MAX_SHIFT; s++)
		free_bytes += __atomic_load_n(&pool->classes[s -
		    BUMP_CHUNK_MIN_SHIFT].count, __ATOMIC_RELAXED) << s;
	if (in_use != NULL)	/* a snapshot: exact when nothing moves */
		*in_use = __atomic_load_n(&pool->carved, __ATOMIC_RELAXED) -
		    free_bytes;
	if (cached != NULL)
		*cached = cached_bytes(pool, BUMP_CHUNK_MIN_SHIFT);
}

size_t
bump__chunks_reserved(const struct bump_chunks *pool)
{
	return __atomic_load_n(&pool->reserved, __ATOMIC_RELAXED);
}
