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
 * bump__chunks_purge merges free buddies back before it purges them.
 *
 * Each size class has a lock held for a few instructions (push or pop),
 * so threads meet only when they want chunks of the same size at the same
 * moment; no two locks are ever held at once, except by the fork handlers.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "atomic.h"
#include "bits.h"
#include "chunks.h"
#include "os.h"

/* A free chunk's first bytes. */
struct bump_free_chunk_ {
	struct bump_free_chunk_ *next;
	uint8_t fresh;		/* apart from this header, every byte is zero */
	uint8_t shift;
	uint16_t unused;
	uint32_t resident;	/* in a purge: its pages in RAM (see below) */
};

_Static_assert(sizeof(struct bump_free_chunk_) <= BUMP_CHUNK_HEADER_SIZE &&
    BUMP_CHUNK_HEADER_SIZE <= ((size_t)1 << BUMP_CHUNK_MIN_SHIFT),
    "a free chunk holds its header, which takes what chunks.h says");
_Static_assert(BUMP_CHUNK_MAX_SHIFT < 256, "a shift fits its byte");
_Static_assert(BUMP_CHUNK_SPAN % ((size_t)1 << BUMP_CHUNK_MAX_SHIFT) == 0,
    "a span is carved into whole chunks of the largest size");

#define MAX_CHUNK ((size_t)1 << BUMP_CHUNK_MAX_SHIFT)

/* ---- debug builds: the lists and the spans checked -------------------- */

#ifdef BUMP_DEBUG
/*
 * Under c's lock: the first `limit` chunks on the list are of the class's
 * size and aligned to it; when the list ends within them, its length and
 * written chunks are the class's counts.  Every change walks a short way
 * (a walk of 100,000 chunks at each would make the tests crawl); taking
 * the whole list walks all of it.
 */
static void
check_class(const struct bump_chunk_class_ *c, unsigned shift, size_t limit)
{
	size_t n = 0, dirty = 0, size = (size_t)1 << shift;
	const struct bump_free_chunk_ *f;

	BUMP_ASSERT(c->dirty <= c->count);
	BUMP_ASSERT((c->head == NULL) == (c->count == 0));
	for (f = c->head; f != NULL && n < limit; f = f->next, n++) {
		BUMP_ASSERT(((uintptr_t)f & (size - 1)) == 0);
		BUMP_ASSERT(f->shift == shift);
		dirty += !f->fresh;
	}
	BUMP_ASSERT(f == NULL ? n == c->count : n < c->count);
	BUMP_ASSERT(f == NULL ? dirty == c->dirty : dirty <= c->dirty);
}
#define CHECK_SHORT 64		/* chunks walked at a push or pop */
#define CHECK_ALL SIZE_MAX

/*
 * Every span any pool reserved (up to SPANS_KEPT of them: 64 GiB of the
 * shared pool's), so that a chunk given back can be checked to lie in one
 * of its pool's.  A slot is claimed with an atomic add and published by
 * its base, written last: readers skip a slot still being filled.
 */
#define SPANS_KEPT 1024
static struct {
	const struct bump_chunks *pool;
	uintptr_t base, end;
} spans[SPANS_KEPT];
static unsigned spans_made;

static void
note_span(const struct bump_chunks *pool, const char *base, size_t size)
{
	unsigned i = bump_atomic_fetch_add(&spans_made, 1, RELAXED);

	if (i >= SPANS_KEPT)
		return;
	spans[i].pool = pool;
	spans[i].end = (uintptr_t)base + size;
	bump_atomic_store(&spans[i].base, (uintptr_t)base, RELEASE);
}

/* 1 when [p, p+size) lies in a span of pool, or too many spans to tell. */
static int
in_a_span(const struct bump_chunks *pool, const void *p, size_t size)
{
	unsigned made = bump_atomic_load(&spans_made, RELAXED);
	uintptr_t at = (uintptr_t)p;

	if (made > SPANS_KEPT)
		return 1;
	for (unsigned i = 0; i < made; i++) {
		uintptr_t base = bump_atomic_load(&spans[i].base, ACQUIRE);

		if (base != 0 && spans[i].pool == pool && at >= base &&
		    at < spans[i].end && size <= spans[i].end - at)
			return 1;
	}
	return 0;
}
#else
# define check_class(c, shift, limit) ((void)0)
# define note_span(pool, base, size) ((void)0)
#endif

/* ---- fork: every pool's locks are taken around it --------------------- */

static struct bump_chunks *all_pools;

static void
lock_all(struct bump_chunks *pool)
{
	bump__lock(&pool->carve_lock);
	for (unsigned i = 0; i < BUMP_CHUNK_CLASSES; i++)
		bump__lock(&pool->classes[i].lock);
}

static void
unlock_all(struct bump_chunks *pool)
{
	for (unsigned i = 0; i < BUMP_CHUNK_CLASSES; i++)
		bump__unlock(&pool->classes[i].lock);
	bump__unlock(&pool->carve_lock);
}

static void
fork_prepare(void)
{
	for (struct bump_chunks *p = bump_atomic_load(&all_pools, ACQUIRE);
	    p != NULL; p = p->next_pool)
		lock_all(p);
}

/* In the parent and in the child (whose only thread is the forking one). */
static void
fork_done(void)
{
	for (struct bump_chunks *p = bump_atomic_load(&all_pools, ACQUIRE);
	    p != NULL; p = p->next_pool)
		unlock_all(p);
}

/* Put pool on the fork list, once; the first pool registers the handlers. */
static void
register_pool(struct bump_chunks *pool)
{
	static int handlers;
	int no = 0;

	if (bump_atomic_load(&pool->registered, ACQUIRE) ||
	    !bump_atomic_cas(&pool->registered, &no, 1, ACQ_REL))
		return;
	if (!bump_atomic_exchange(&handlers, 1, ACQ_REL)) {
		int saved = errno;

		(void)bump__os_atfork(fork_prepare, fork_done, fork_done);
		errno = saved;
	}
	bump_atomic_push(&all_pools, pool, &pool->next_pool);
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
	bump_atomic_store(&c->count, count, RELAXED);
	bump_atomic_store(&c->dirty, dirty, RELAXED);
}

/* Push the list [first, last] of n chunks of one class, dirty of them written. */
static void
class_push_list(struct bump_chunks *pool, unsigned shift,
    struct bump_free_chunk_ *first, struct bump_free_chunk_ *last, size_t n,
    size_t dirty)
{
	struct bump_chunk_class_ *c = class_of(pool, shift);

	bump__lock(&c->lock);
	last->next = c->head;
	bump_atomic_store(&c->head, first, RELAXED);	/* see class_pop */
	set_counts(c, c->count + n, c->dirty + dirty);
	check_class(c, shift, CHECK_SHORT);
	bump__unlock(&c->lock);
}

static void
class_push(struct bump_chunks *pool, void *chunk, unsigned shift, int fresh)
{
	struct bump_free_chunk_ *f = chunk;

	f->fresh = (uint8_t)fresh;
	f->shift = (uint8_t)shift;
	class_push_list(pool, shift, f, f, 1, !fresh);
}

static void *
class_pop(struct bump_chunks *pool, unsigned shift, int *fresh)
{
	struct bump_chunk_class_ *c = class_of(pool, shift);
	struct bump_free_chunk_ *f;

	if (bump_atomic_load(&c->head, RELAXED) == NULL)
		return NULL;	/* a racy peek: the common miss takes no lock */
	bump__lock(&c->lock);
	if ((f = c->head) != NULL) {
		bump_atomic_store(&c->head, f->next, RELAXED);
		set_counts(c, c->count - 1, c->dirty - !f->fresh);
	}
	check_class(c, shift, CHECK_SHORT);
	bump__unlock(&c->lock);
	if (f == NULL)
		return NULL;
	*fresh = (int)f->fresh;
	if (*fresh)	/* the header was the only written part */
		memset(f, 0, sizeof *f);
	return f;
}

/* Bytes of written free chunks of a page or more, or of all classes. */
static size_t
cached_bytes(const struct bump_chunks *pool, unsigned from_shift)
{
	size_t sum = 0;

	for (unsigned s = from_shift; s <= BUMP_CHUNK_MAX_SHIFT; s++)
		sum += bump_atomic_load(&pool->classes[s -
		    BUMP_CHUNK_MIN_SHIFT].dirty, RELAXED) << s;
	return sum;
}

/* Detach a whole class's list; its count goes to *n. */
static struct bump_free_chunk_ *
class_take_all(struct bump_chunks *pool, unsigned shift, size_t *n)
{
	struct bump_chunk_class_ *c = class_of(pool, shift);
	struct bump_free_chunk_ *list;

	bump__lock(&c->lock);
	check_class(c, shift, CHECK_ALL);
	list = c->head;
	*n = c->count;
	bump_atomic_store(&c->head, NULL, RELAXED);
	set_counts(c, 0, 0);
	bump__unlock(&c->lock);
	return list;
}

/* ---- new memory ------------------------------------------------------- */

/* Reserve size bytes aligned to MAX_CHUNK for pool; NULL when refused. */
static char *
reserve_span(struct bump_chunks *pool, size_t size)
{
	char *span = bump__os_reserve_aligned(size, MAX_CHUNK);

	if (span == NULL)
		return NULL;
	bump_atomic_add(&pool->reserved, size, RELAXED);
	note_span(pool, span, size);
	return span;
}

/*
 * A chunk of 2^shift bytes from the uncarved rest of the newest span.  The
 * shared pool starts a new span for a chunk of the largest size only; a
 * smaller chunk is carved here only when no larger one is left to split.
 */
static void *
carve_from_span(struct bump_chunks *pool, unsigned shift)
{
	size_t size = (size_t)1 << shift, page = bump__os_page_size();
	uintptr_t at, from, to;
	char *span;

	bump__lock(&pool->carve_lock);
	at = bump__align_up((uintptr_t)pool->cursor, size);
	if (pool->cursor == NULL || at > (uintptr_t)pool->end ||
	    size > (uintptr_t)pool->end - at) {
		if (pool->fixed || size != MAX_CHUNK ||
		    (span = reserve_span(pool, BUMP_CHUNK_SPAN)) == NULL)
			goto fail;
		pool->cursor = span;
		pool->end = span + BUMP_CHUNK_SPAN;
		at = (uintptr_t)span;
	}
	/* Commit whole pages; a page shared with an earlier chunk is committed. */
	from = bump__align_up(at, page);
	to = bump__align_up(at + size, page);
	if (from < to && bump__os_commit((void *)from, to - from) != 0)
		goto fail;
	pool->cursor = (char *)(at + size);
	bump_atomic_store(&pool->carved, pool->carved + size, RELAXED);
	bump__unlock(&pool->carve_lock);
	return (void *)at;
fail:
	bump__unlock(&pool->carve_lock);
	errno = ENOMEM;
	return NULL;
}

/* A chunk from its class's list, split off a larger one, or carved. */
static void *
take_or_split(struct bump_chunks *pool, unsigned shift, int *fresh)
{
	char *chunk;

	if ((chunk = class_pop(pool, shift, fresh)) != NULL)
		return chunk;
	if (shift < BUMP_CHUNK_MAX_SHIFT &&
	    (chunk = take_or_split(pool, shift + 1, fresh)) != NULL) {
		class_push(pool, chunk + ((size_t)1 << shift), shift, *fresh);
		return chunk;
	}
	*fresh = 1;
	return carve_from_span(pool, shift);
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
	if ((chunk = take_or_split(pool, shift, &f)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	errno = saved;	/* a failed larger attempt may have set it */
	*fresh = f;
	return chunk;
}

/* ---- giving back ------------------------------------------------------ */

/*
 * A chunk of a page or more beyond the cache's bound is purged at once
 * (a bound of SIZE_MAX: its owner purges, see bump__chunks_purge).
 * Chunks below a page (the first chunks and bookkeeping of small arenas)
 * cannot be purged one by one; they stay cached until bump__chunks_purge
 * merges them back into whole pages and larger chunks (a sort of all of
 * them: far too slow for every put, measured at 20 times the cost of a
 * destroy).
 */
void
bump__chunk_put(struct bump_chunks *pool, void *chunk, unsigned shift)
{
	size_t size = (size_t)1 << shift;
	size_t limit = pool->cache_limit != 0 ? pool->cache_limit :
	    BUMP_CHUNK_CACHE;
	int saved = errno, fresh = 0;

	BUMP_ASSERT(shift >= BUMP_CHUNK_MIN_SHIFT &&
	    shift <= BUMP_CHUNK_MAX_SHIFT);
	BUMP_ASSERT(((uintptr_t)chunk & (size - 1)) == 0);
	BUMP_ASSERT(in_a_span(pool, chunk, size));
	if (size >= bump__os_page_size() &&
	    cached_bytes(pool, shift) + size > limit)
		fresh = bump__os_purge(chunk, size) == 0;
	class_push(pool, chunk, shift, fresh);
	errno = saved;
}

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

/* Chunks on their way back to the lists, as lists per class. */
struct kept_chunks {
	struct bump_free_chunk_ *head[BUMP_CHUNK_CLASSES];
	struct bump_free_chunk_ *tail[BUMP_CHUNK_CLASSES];
	size_t n[BUMP_CHUNK_CLASSES], dirty[BUMP_CHUNK_CLASSES];
};

static void
keep_chunk(struct kept_chunks *kept, struct bump_free_chunk_ *f)
{
	unsigned i = f->shift - BUMP_CHUNK_MIN_SHIFT;

	f->next = kept->head[i];
	if (kept->head[i] == NULL)
		kept->tail[i] = f;
	kept->head[i] = f;
	kept->n[i]++;
	kept->dirty[i] += !f->fresh;
}

static void
push_kept(struct bump_chunks *pool, const struct kept_chunks *kept)
{
	for (unsigned i = 0; i < BUMP_CHUNK_CLASSES; i++)
		if (kept->head[i] != NULL)
			class_push_list(pool, i + BUMP_CHUNK_MIN_SHIFT,
			    kept->head[i], kept->tail[i], kept->n[i],
			    kept->dirty[i]);
}

/*
 * A purge can give back only whole pages, and the header it writes again
 * into a purged chunk brings that chunk's first page back into RAM (the
 * first purges did this to every chunk they purged, and RSS stayed where it
 * was).  So free buddies are merged first, into chunks as large as they
 * go (4 MiB), and each is purged once, its header written once.
 *
 * What a purge gives back is counted in pages that were in RAM, as the OS
 * tells (bump__os_resident_pages), or else as estimated here: of a chunk of
 * a page or more, all of them when it was written, or the first (its
 * header) when it is fresh; a chunk smaller than a page holds its header
 * on a page in RAM, so a page's worth of them counts one page.
 */
static uint32_t
resident_pages(const struct bump_free_chunk_ *f, size_t page)
{
	size_t size = (size_t)1 << f->shift;

	return size <= page || f->fresh ? 1 : (uint32_t)(size / page);
}

/* Every free chunk of every class, sorted by address, resident noted. */
static struct bump_free_chunk_ *
take_all_sorted(struct bump_chunks *pool, size_t page)
{
	struct bump_free_chunk_ *all = NULL, *list, *next;
	size_t n;

	for (unsigned s = BUMP_CHUNK_MIN_SHIFT; s <= BUMP_CHUNK_MAX_SHIFT; s++) {
		for (list = class_take_all(pool, s, &n); list != NULL;
		    list = next) {
			next = list->next;
			list->resident = resident_pages(list, page);
			list->next = all;
			all = list;
		}
	}
	return sort_by_address(all);
}

/* 1 when lo and hi are the two halves of a chunk twice their size. */
static int
are_buddies(const struct bump_free_chunk_ *lo,
    const struct bump_free_chunk_ *hi)
{
	size_t size = (size_t)1 << lo->shift;

	return lo->shift == hi->shift && lo->shift < BUMP_CHUNK_MAX_SHIFT &&
	    ((uintptr_t)lo & (2 * size - 1)) == 0 &&
	    (uintptr_t)lo + size == (uintptr_t)hi;
}

/*
 * Merge the buddies of a list sorted by address, as far as they go: each
 * chunk is pushed on a stack (the list, reversed), and merged with the one
 * below while the two are buddies.  A merged chunk is fresh when both
 * halves were; the upper half's header is cleared, so that a fresh chunk
 * still reads zero apart from its own.
 */
static struct bump_free_chunk_ *
merge_buddies(struct bump_free_chunk_ *sorted, size_t page)
{
	struct bump_free_chunk_ *stack = NULL, *next, *lo;

	for (; sorted != NULL; sorted = next) {
		next = sorted->next;
		sorted->next = stack;
		stack = sorted;
		while ((lo = stack->next) != NULL && are_buddies(lo, stack)) {
			lo->fresh = lo->fresh && stack->fresh;
			lo->resident = ((size_t)2 << lo->shift) <= page ? 1 :
			    lo->resident + stack->resident;
			lo->shift++;
			memset(stack, 0, sizeof *stack);
			stack = lo;
		}
	}
	return stack;
}

/*
 * Purge chunk f (a page or more); returns the bytes given back: its
 * resident pages but the one its header is written into again.  A chunk
 * the OS refuses to purge stays as it was.
 */
static size_t
purge_merged(struct bump_free_chunk_ *f, size_t page)
{
	unsigned shift = f->shift;
	size_t resident = f->resident;

	(void)bump__os_resident_pages(f, (size_t)1 << shift, &resident);
	if (bump__os_purge(f, (size_t)1 << shift) != 0)
		return 0;
	f->fresh = 1;	/* the purge dropped the header too: again */
	f->shift = (uint8_t)shift;
	return (bump__max_size(resident, 1) - 1) * page;
}

size_t
bump__chunks_purge(struct bump_chunks *pool)
{
	size_t page = bump__os_page_size(), given = 0;
	struct kept_chunks kept = { 0 };
	struct bump_free_chunk_ *f, *next, *purge = NULL;
	int saved = errno;

	if (pool == NULL)
		return 0;
	/* What is not purged goes back first, before any system call. */
	for (f = merge_buddies(take_all_sorted(pool, page), page); f != NULL;
	    f = next) {
		next = f->next;
		if (((size_t)1 << f->shift) >= page &&
		    (!f->fresh || f->resident > 1)) {
			f->next = purge;
			purge = f;
		} else {
			keep_chunk(&kept, f);
		}
	}
	push_kept(pool, &kept);
	for (f = purge; f != NULL; f = next) {
		next = f->next;
		given += purge_merged(f, page);
		class_push(pool, f, f->shift, f->fresh);
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
	    (base = reserve_span(pool, reserve = bump__round_up(reserve, gran)))
	    == NULL) {
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

const void *
bump__chunks_fixed_base(const struct bump_chunks *pool)
{
	return pool->fixed_base;
}

void
bump__chunks_usage(const struct bump_chunks *pool, size_t *in_use,
    size_t *cached)
{
	size_t free_bytes = 0;

	for (unsigned s = BUMP_CHUNK_MIN_SHIFT; s <= BUMP_CHUNK_MAX_SHIFT; s++)
		free_bytes += bump_atomic_load(&pool->classes[s -
		    BUMP_CHUNK_MIN_SHIFT].count, RELAXED) << s;
	if (in_use != NULL)	/* a snapshot: exact when nothing moves */
		*in_use = bump_atomic_load(&pool->carved, RELAXED) -
		    free_bytes;
	if (cached != NULL)
		*cached = cached_bytes(pool, BUMP_CHUNK_MIN_SHIFT);
}

size_t
bump__chunks_reserved(const struct bump_chunks *pool)
{
	return bump_atomic_load(&pool->reserved, RELAXED);
}
