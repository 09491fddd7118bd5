/*
 * arena.c - creating arenas and allocating from them.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "instrument.h"
#include "os.h"

/* Commit in steps this size so that growing costs one call per step. */
#define COMMIT_STEP ((size_t)1 << 20)

enum { MAX_ALIGN = _Alignof(max_align_t) };

static size_t
round_up(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

static int
is_threadsafe(const bump_t *b)
{
	return (b->flags & BUMP_THREADSAFE) != 0;
}

/* min(MAX_ALIGN, next power of two >= n), without a data-dependent branch. */
size_t
bump__natural_align(size_t n)
{
	size_t mask = n - 1 < MAX_ALIGN - 1 ? n - 1 : MAX_ALIGN - 1;

	if (n == 0)
		return 1;
	for (unsigned shift = 1; (MAX_ALIGN >> shift) > 1; shift *= 2)
		mask |= mask >> shift;	/* two shift-ors for 16 */
	return mask + 1;
}

/*
 * Where the inline bump_malloc() in <bump_alloc.h> must stop: the end of
 * committed memory, or NULL to send every call here (shared arenas, whose
 * top moves atomically; and arenas that ASan or Valgrind watch, whose
 * every block must pass the hooks of instrument.h).
 */
static char *
fast_end_for(const bump_t *b)
{
	if (b->flags & (BUMP_THREADSAFE | BUMP__WATCHED))
		return NULL;
	return b->commit_end;
}

static char *
max_ptr(char *a, char *b)
{
	return a > b ? a : b;
}

static uint64_t last_epoch;

/* A number no arena in this process had before: it outdates thread chunks. */
static uint64_t
new_epoch(void)
{
	return __atomic_add_fetch(&last_epoch, 1, __ATOMIC_RELAXED);
}

/*
 * Lowering the top hands memory out a second time: remember how high it
 * reached so that bump_calloc knows what it must clear.
 */
static void
lower_top(bump_t *b, char *new_top)
{
	b->dirty_end = max_ptr(b->dirty_end, b->top);
	b->top = new_top;
	bump__on_lower(b, new_top);	/* before last is forgotten */
	b->last = NULL;
	if (is_threadsafe(b)) {	/* no other thread runs now: start over */
		b->epoch = new_epoch();
		b->owner = 0;
		b->crowded = 0;
	}
}

/*
 * Page faults dominate the cost of fresh memory, and a huge page costs
 * about a fifth of what its 512 small pages do (measured by make bench).
 * Once an arena has grown past HUGE_AFTER it is clearly a big one: ask for
 * huge pages above that, so that small arenas keep costing small pages.
 */
#define HUGE_AFTER ((size_t)8 << 20)

static void
hint_huge_when_big(bump_t *b, char *committed_to)
{
	size_t huge = bump__os_huge_page_size();
	char *from;

	if (huge == 0 || (size_t)(committed_to - b->base) <= HUGE_AFTER ||
	    __atomic_exchange_n(&b->grown_huge, 1, __ATOMIC_RELAXED))
		return;
	from = b->base + round_up(HUGE_AFTER, huge);
	if (from < b->limit)
		bump__os_hugepage_hint(from, (size_t)(b->limit - from));
}

/*
 * Commit up to at least end.  In a shared arena threads may race here:
 * committing a range twice is harmless, and commit_end only moves up.
 */
static int
commit_to(bump_t *b, char *end)
{
	int shared = is_threadsafe(b);
	char *from = shared ? __atomic_load_n(&b->commit_end, __ATOMIC_ACQUIRE) :
	    b->commit_end;
	size_t want = round_up((size_t)(end - b->base), b->commit_step);
	char *to = want < (size_t)(b->limit - b->base) ? b->base + want : b->limit;

	if (end <= from)
		return 0;
	/*
	 * The OS gives a huge page only for an aligned range that is wholly
	 * committed when first touched: past the hint, commit to the next
	 * huge page boundary.
	 */
	hint_huge_when_big(b, to);
	if (__atomic_load_n(&b->grown_huge, __ATOMIC_RELAXED)) {
		size_t huge = bump__os_huge_page_size();
		uintptr_t aligned = ((uintptr_t)to + huge - 1) & ~(uintptr_t)(huge - 1);

		to = aligned < (uintptr_t)b->limit ? (char *)aligned : b->limit;
	}
	if (bump__os_commit(from, (size_t)(to - from)) != 0) {
		errno = ENOMEM;
		return -1;
	}
	bump__on_commit(b, from, end, to);
	if (!shared) {
		b->commit_end = to;
		b->fast_end = fast_end_for(b);
	}
	while (shared && from < to && !__atomic_compare_exchange_n(
	    &b->commit_end, &from, to, 1, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
		continue;
	return 0;
}

/* Where a block would start, or NULL when it cannot fit below the limit. */
static char *
fit(const bump_t *b, char *top, size_t size, size_t align)
{
	uintptr_t at = (uintptr_t)top + b->redzone;	/* below the guard */
	uintptr_t limit = (uintptr_t)b->limit;

	if (align - 1 > UINTPTR_MAX - at)
		return NULL;
	at = (at + align - 1) & ~(uintptr_t)(align - 1);
	if (at > limit || size > limit - at)
		return NULL;
	return (char *)at;
}

static void *
alloc_plain(bump_t *b, size_t size, size_t align)
{
	char *start = fit(b, b->top, size, align);

	if (start == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (start + size > b->commit_end && commit_to(b, start + size) != 0)
		return NULL;
	bump__on_alloc(b, b->top, start, size);
	b->last = start;
	b->top = start + size;
	return start;
}

static void *
alloc_shared(bump_t *b, size_t size, size_t align)
{
	char *top = __atomic_load_n(&b->top, __ATOMIC_RELAXED);

	for (;;) {
		char *start = fit(b, top, size, align);

		if (start == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		/* Commit before claiming, so that a failure changes nothing. */
		if (start + size > __atomic_load_n(&b->commit_end,
		    __ATOMIC_ACQUIRE) && commit_to(b, start + size) != 0)
			return NULL;
		if (__atomic_compare_exchange_n(&b->top, &top, start + size, 1,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			bump__on_alloc(b, top, start, size);
			return start;
		}
	}
}

/*
 * Threads sharing an arena.  While one thread allocates alone it moves the
 * shared top itself, so blocks are packed and bump_used() is exact.  Once a
 * second thread allocates, each thread carves CHUNK bytes at a time from
 * the top and bumps inside its own chunk: threads then touch the shared
 * cache line once per chunk instead of once per block, which is what lets
 * two threads allocate faster than one.  Carved chunks count as used.
 */
#define CHUNK ((size_t)64 << 10)

struct thread_chunk {
	const bump_t *arena;
	uint64_t epoch;		/* the arena's epoch when carved */
	char *top, *end;
};

#if defined(__ELF__)
static __thread struct thread_chunk my_chunk
    __attribute__((tls_model("initial-exec")));
#else
static __thread struct thread_chunk my_chunk;
#endif

static char *
fit_in_chunk(const struct thread_chunk *c, size_t size, size_t align)
{
	uintptr_t at = ((uintptr_t)c->top + align - 1) & ~(uintptr_t)(align - 1);

	if (at < (uintptr_t)c->top || at > (uintptr_t)c->end ||
	    size > (uintptr_t)c->end - at)
		return NULL;
	return (char *)at;
}

static void *
alloc_threaded(bump_t *b, size_t size, size_t align)
{
	struct thread_chunk *c = &my_chunk;
	uintptr_t me = (uintptr_t)c, owner;
	char *start, *chunk;

	/* The tools see blocks, not chunks: watched arenas stay exact. */
	if (b->flags & BUMP__WATCHED)
		return alloc_shared(b, size, align);
	if (!__atomic_load_n(&b->crowded, __ATOMIC_RELAXED)) {
		owner = __atomic_load_n(&b->owner, __ATOMIC_RELAXED);
		if (owner == me || (owner == 0 && __atomic_compare_exchange_n(
		    &b->owner, &owner, me, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)))
			return alloc_shared(b, size, align);
		__atomic_store_n(&b->crowded, 1, __ATOMIC_RELAXED);
	}
	if (c->arena == b && c->epoch == b->epoch &&
	    (start = fit_in_chunk(c, size, align)) != NULL) {
		c->top = start + size;
		return start;
	}
	/* Big blocks, and the last bytes of the arena, go exactly. */
	if (size > CHUNK / 4 || (chunk = alloc_shared(b, CHUNK, MAX_ALIGN)) == NULL)
		return alloc_shared(b, size, align);
	c->arena = b;
	c->epoch = b->epoch;
	c->top = chunk;
	c->end = chunk + CHUNK;
	start = fit_in_chunk(c, size, align);
	c->top = start + size;
	return start;
}

void *
bump__alloc(bump_t *b, size_t size, size_t align)
{
	if (size == 0)
		size = 1;	/* every block has an address of its own */
	if (is_threadsafe(b))
		return alloc_threaded(b, size, align);
	return alloc_plain(b, size, align);
}

/*
 * The last destroyed arena waits here for the next bump_create() of the
 * same capacity, so that a program making one arena per request reuses
 * warm pages instead of taking a page fault per page per request.  Only
 * its first CACHE_KEEP bytes stay in RAM; destroy gives the rest back.
 */
#define CACHE_KEEP ((size_t)256 << 10)
static bump_t *cached_arena;

static int
cacheable(unsigned flags)
{
	/* A watched arena must die in front of the tools (instrument.h). */
	return (flags & (BUMP_PREFAULT | BUMP__PINNED | BUMP__WATCHED)) == 0;
}

/* Keep b for reuse; 0 when the slot is taken and b must be released. */
static int
cache_put(bump_t *b)
{
	char *keep = b->base + (CACHE_KEEP < (size_t)(b->limit - b->base) ?
	    round_up(CACHE_KEEP, bump__os_page_size()) :
	    (size_t)(b->limit - b->base));
	bump_t *empty = NULL;

	if (!cacheable(b->flags) ||
	    __atomic_load_n(&cached_arena, __ATOMIC_RELAXED) != NULL)
		return 0;
	b->dirty_end = max_ptr(b->dirty_end, b->top);
	if (b->commit_end > keep) {
		if (bump__os_decommit(keep, (size_t)(b->commit_end - keep)) != 0)
			return 0;
		b->commit_end = keep;
	}
	if (b->dirty_end > b->commit_end)
		b->dirty_end = b->commit_end;
	return __atomic_compare_exchange_n(&cached_arena, &empty, b, 0,
	    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* A cached arena of this capacity and page kind, emptied, or NULL. */
static bump_t *
cache_take(size_t capacity, unsigned flags)
{
	bump_t *b;

	if (!cacheable(flags) ||
	    __atomic_load_n(&cached_arena, __ATOMIC_RELAXED) == NULL ||
	    (b = __atomic_exchange_n(&cached_arena, NULL,
	    __ATOMIC_ACQUIRE)) == NULL)
		return NULL;
	if ((size_t)(b->limit - b->base) != capacity ||
	    ((b->flags ^ flags) & BUMP_HUGEPAGES) != 0) {
		bump__os_release(b->mapping, b->mapping_size);
		return NULL;
	}
	b->top = b->base;
	b->last = NULL;
	b->flags = flags;
	b->fast_end = fast_end_for(b);
	b->epoch = new_epoch();
	b->owner = 0;
	b->crowded = 0;
	return b;
}

bump_t *
bump_create(size_t reserve, unsigned flags)
{
	size_t page = bump__os_page_size();
	size_t huge = (flags & BUMP_HUGEPAGES) ? bump__os_huge_page_size() : 0;
	size_t region_align = huge > page ? huge : page;
	size_t header = round_up(sizeof(struct bump), page);
	size_t overhead = header + 2 * page + (region_align - page);
	size_t capacity, total;
	char *mapping, *base;
	bump_t *b;

	if (flags & ~(unsigned)BUMP_ALL_FLAGS) {
		errno = EINVAL;
		return NULL;
	}
	if (reserve == 0)
		reserve = BUMP_DEFAULT_RESERVE;
	if (reserve > SIZE_MAX - overhead - page) {
		errno = ENOMEM;
		return NULL;
	}
	capacity = round_up(reserve, page);
	if ((b = cache_take(capacity, flags)) != NULL)
		return b;
	total = capacity + overhead;
	/*
	 * Huge pages that cannot be committed piecemeal back the whole arena
	 * from the start, when its size is a multiple of them; without guard
	 * pages, since pinned pages cannot be made inaccessible.
	 */
	mapping = NULL;
	if (huge != 0 && capacity % huge == 0 &&
	    (mapping = bump__os_reserve_pinned_huge(total)) != NULL)
		flags |= BUMP__PINNED;
	if (mapping == NULL && (mapping = bump__os_reserve(total)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	/* [slack][bookkeeping][guard page][region][guard page] */
	base = (char *)round_up((size_t)(uintptr_t)(mapping + header + page),
	    region_align);
	b = (bump_t *)(void *)(base - page - header);
	if (!(flags & BUMP__PINNED) && bump__os_commit(b, header) != 0)
		goto fail;
	b->top = b->base = b->commit_end = b->dirty_end = base;
	b->last = NULL;
	b->limit = base + capacity;
	b->commit_step = huge > COMMIT_STEP ? huge : round_up(COMMIT_STEP, page);
	b->mapping = mapping;
	b->mapping_size = total;
	b->flags = flags;
	b->epoch = new_epoch();
	b->owner = 0;
	b->crowded = 0;
	b->grown_huge = huge != 0;
	b->redzone = bump__instr_redzone();
	if (bump__instr_active())
		b->flags |= BUMP__WATCHED;
	if (flags & BUMP__PINNED)
		b->commit_end = b->limit;
	else if (huge != 0)
		bump__os_hugepage_hint(base, capacity);
	if ((flags & BUMP_PREFAULT) && !(flags & BUMP__PINNED)) {
		if (bump__os_commit_prefaulted(base, capacity) != 0)
			goto fail;
		b->commit_end = b->limit;
	}
	b->fast_end = fast_end_for(b);
	bump__on_create(b);
	return b;
fail:
	bump__os_release(mapping, total);
	errno = ENOMEM;
	return NULL;
}

void
bump_destroy(bump_t *b)
{
	if (b == NULL || cache_put(b))
		return;
	bump__on_destroy(b);
	bump__os_release(b->mapping, b->mapping_size);
}

void *
bump_malloc(bump_t *b, size_t size)
{
	if (b == NULL) {
		errno = EINVAL;
		return NULL;
	}
	return bump__alloc(b, size, bump__natural_align(size));
}

void *
bump_aligned_alloc(bump_t *b, size_t alignment, size_t size)
{
	if (b == NULL || alignment == 0 || (alignment & (alignment - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	return bump__alloc(b, size, alignment);
}

void *
bump_calloc(bump_t *b, size_t nmemb, size_t size)
{
	size_t bytes;
	char *p;

	if (b == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (size != 0 && nmemb > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	bytes = nmemb * size;
	if ((p = bump__alloc(b, bytes, bump__natural_align(bytes))) == NULL)
		return NULL;
	/* Only memory handed out before can hold anything but zeros. */
	if (p < b->dirty_end)
		memset(p, 0, p + bytes < b->dirty_end ?
		    bytes : (size_t)(b->dirty_end - p));
	bump__on_zeroed(p, bytes);
	return p;
}

/* Resize the newest block where it stands, or return NULL and change nothing. */
static void *
resize_in_place(bump_t *b, char *p, size_t size)
{
	if (size == 0)
		size = 1;
	if (((uintptr_t)p & (bump__natural_align(size) - 1)) != 0 ||
	    size > (size_t)(b->limit - p))
		return NULL;
	if (p + size > b->commit_end && commit_to(b, p + size) != 0)
		return NULL;
	if (p + size < b->top)
		b->dirty_end = max_ptr(b->dirty_end, b->top);
	bump__on_resize(b, p, (size_t)(b->top - p), size);
	b->top = p + size;
	return p;
}

void *
bump_realloc(bump_t *b, void *ptr, size_t size)
{
	char *p = ptr, *top, *moved;
	size_t old;

	if (b == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (p == NULL)
		return bump_malloc(b, size);
	top = is_threadsafe(b) ? __atomic_load_n(&b->top, __ATOMIC_RELAXED) :
	    b->top;
	if (p < b->base || p >= top) {
		errno = EINVAL;
		return NULL;
	}
	if (p == b->last) {	/* never set in a BUMP_THREADSAFE arena */
		if (resize_in_place(b, p, size) != NULL)
			return p;
		if (size > (size_t)(b->limit - p)) {
			errno = ENOMEM;
			return NULL;
		}
	}
	if ((moved = bump_malloc(b, size)) == NULL)
		return NULL;
	/*
	 * Block sizes are not stored: copy what the old block can hold, up
	 * to the top it had (the tools may check every byte: only when the
	 * new block exists, never for a request that fails anyway).
	 */
	old = (size_t)(top - p);
	old = bump__readable_prefix(p, old < size ? old : size);
	bump__copy_block(moved, p, old);
	return moved;
}

void
bump_free(bump_t *b, void *ptr)
{
	if (b != NULL && ptr != NULL && ptr == b->last)
		lower_top(b, b->last);
}

void
bump_reset(bump_t *b)
{
	if (b != NULL)
		lower_top(b, b->base);
}

int
bump_trim(bump_t *b)
{
	char *keep;

	if (b == NULL) {
		errno = EINVAL;
		return -1;
	}
	keep = b->base + round_up((size_t)(b->top - b->base),
	    bump__os_page_size());
	if (keep >= b->commit_end || (b->flags & BUMP__PINNED))
		return 0;	/* nothing to give back, or pinned pages */
	bump__on_decommit(keep, b->commit_end);
	if (bump__os_decommit(keep, (size_t)(b->commit_end - keep)) != 0) {
		bump__on_lower(b, keep);	/* still committed and free */
		return -1;
	}
	b->commit_end = keep;
	b->fast_end = fast_end_for(b);
	if (b->dirty_end > keep)
		b->dirty_end = keep;
	return 0;
}

bump_mark_t
bump_mark(const bump_t *b)
{
	bump_mark_t mark = { bump_used(b) };

	return mark;
}

void
bump_rewind(bump_t *b, bump_mark_t mark)
{
	if (b != NULL && mark.offset <= (size_t)(b->top - b->base))
		lower_top(b, b->base + mark.offset);
}

size_t
bump_used(const bump_t *b)
{
	if (b == NULL)
		return 0;
	return (size_t)(__atomic_load_n(&b->top, __ATOMIC_RELAXED) - b->base);
}

size_t
bump_capacity(const bump_t *b)
{
	return b == NULL ? 0 : (size_t)(b->limit - b->base);
}

int
bump_owns(const bump_t *b, const void *p)
{
	const char *c = p;

	return b != NULL && c >= b->base && c < b->limit;
}
