/*
 * arena.c - creating arenas and allocating from them.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "chunks.h"
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
	/* An arena before its first block: top, base and limit are NULL. */
	uintptr_t at = (uintptr_t)top + b->redzone;	/* below the guard */
	uintptr_t limit = (uintptr_t)b->limit;

	if (align - 1 > UINTPTR_MAX - at)
		return NULL;
	at = (at + align - 1) & ~(uintptr_t)(align - 1);
	if (at > limit || size > limit - at)
		return NULL;
	return (char *)at;
}

static void *grow(bump_t *b, size_t size, size_t align);

static void *
alloc_plain(bump_t *b, size_t size, size_t align)
{
	char *start = fit(b, b->top, size, align);

	if (start == NULL)
		return grow(b, size, align);
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

/* ---- blocks ----------------------------------------------------------- */

/*
 * How arenas grow.  A new arena holds no memory but its bookkeeping (a
 * chunk of HEADER_SHIFT).  Its first allocation takes a chunk big enough
 * for it (256 bytes at least); each later chunk is at least twice the one
 * before (four times while small), so a growing arena takes O(log n) chunks and a growing newest
 * block copies less than its final size in all.  Once the next chunk
 * would exceed BUMP_CHUNK_MAX_SHIFT (or the chain is full) the arena
 * moves to a reservation of its own, reserve bytes of address space with
 * guard pages around it, committed as it is used.  BUMP_THREADSAFE,
 * BUMP_HUGEPAGES and BUMP_PREFAULT arenas have their reservation from the
 * start (threads share one top; huge pages and prefaulting are properties
 * of a region).
 */
#define HEADER_SHIFT 9
/*
 * Small chunks grow fourfold (256 B, 1 KiB, 4 KiB, 16 KiB, 64 KiB): an
 * arena per request that holds a few KiB then takes 3 chunks instead of 5
 * (each a get and a put); from 64 KiB on they double, to waste less.
 */
#define GROWTH(kind) ((kind) < 16 ? 2u : 1u)
/* A new chunk's first bytes are fetched ahead of the blocks they hold. */
#define WARM_BYTES 1024
_Static_assert(sizeof(struct bump) <= ((size_t)1 << HEADER_SHIFT),
    "the bookkeeping fits its chunk");
_Static_assert(offsetof(struct bump, block[1]) <= 3 * 64,
    "an arena of one block touches three lines of its bookkeeping");
_Static_assert(HEADER_SHIFT >= BUMP_CHUNK_MIN_SHIFT &&
    HEADER_SHIFT <= BUMP_CHUNK_MAX_SHIFT, "the bookkeeping is a chunk");

/* The largest cap an arena may have: more than any machine can map. */
#define MAX_CAP (sizeof(size_t) >= 8 ? (size_t)1 << 46 : (size_t)1 << 30)

static struct bump_chunks *
pool(void)
{
	return bump__chunks_shared();
}

int
bump__live(const bump_t *b)
{
	return b != NULL && b->magic == BUMP__MAGIC;
}

/* The smallest shift with 2^shift >= n (n <= MAX_CAP). */
static unsigned
ceil_log2(size_t n)
{
	return n <= 1 ? 0 : (unsigned)(sizeof(unsigned long long) * 8) -
	    (unsigned)__builtin_clzll((unsigned long long)(n - 1));
}

/* The current block's kind; before the first block, none of them. */
#define NO_BLOCK (BUMP_CHUNK_MIN_SHIFT - 1)
_Static_assert(NO_BLOCK > BLOCK_BUFFER && NO_BLOCK > BLOCK_RESERVATION,
    "kinds are distinct");

static unsigned
current_kind(const bump_t *b)
{
	return b->nblocks == 0 ? NO_BLOCK : b->block_kind[b->nblocks - 1];
}

static int
is_chunk(unsigned kind)
{
	return kind >= BUMP_CHUNK_MIN_SHIFT;
}

/* Bytes block i spans (a chunk's size, or the whole cap). */
static size_t
block_size(const bump_t *b, unsigned i)
{
	unsigned kind = b->block_kind[i];

	return is_chunk(kind) ? (size_t)1 << kind : b->cap;
}

/* Logical offset of the current block's base. */
static size_t
before(const bump_t *b)
{
	return b->nblocks == 0 ? 0 : b->block[b->nblocks - 1].offset;
}

/* Where the top of an older block i stood when the arena moved on. */
static char *
block_end(const bump_t *b, unsigned i)
{
	return b->block[i].start + (b->block[i + 1].offset - b->block[i].offset);
}

/* Make block i current with its top at top; newer blocks are gone. */
static void
enter_block(bump_t *b, unsigned i, char *top, int fresh)
{
	size_t room = b->cap - b->block[i].offset, size = block_size(b, i);

	b->nblocks = i + 1;
	b->base = b->block[i].start;
	b->limit = b->base + (room < size ? room : size);
	b->top = top;
	b->last = NULL;
	/*
	 * Written memory may lie past the limit (a cap below the chunk's
	 * size, or a limit that grows when reset moves the block to offset
	 * 0): dirty_end covers the whole block, not just the limit.
	 */
	if (b->block_kind[i] == BLOCK_RESERVATION) {
		b->commit_end = b->region_commit < b->limit ?
		    b->region_commit : b->limit;
		b->dirty_end = fresh ? b->base : b->region_commit;
	} else {
		b->commit_end = b->limit;	/* chunks are committed whole */
		b->dirty_end = fresh ? b->base : b->base + size;
	}
	b->fast_end = fast_end_for(b);
}

/*
 * Remember how far the current reservation is committed, before leaving
 * it.  commit_end may stop at an unaligned limit (the cap less the bytes
 * of earlier chunks); the OS committed that whole page, and the next
 * commit must start at a page boundary (found by the fuzzer).
 */
static void
save_region(bump_t *b)
{
	char *end;

	if (current_kind(b) != BLOCK_RESERVATION)
		return;
	end = (char *)round_up((size_t)(uintptr_t)b->commit_end,
	    bump__os_page_size());
	if (end > b->region_commit)
		b->region_commit = end;
}

/* Give block i back (a chunk) or set it aside (a reservation). */
static void
drop_block(bump_t *b, unsigned i)
{
	unsigned kind = b->block_kind[i];
	char *start = b->block[i].start;

	if (is_chunk(kind)) {
		bump__on_drop_block(start, start + ((size_t)1 << kind));
		bump__chunk_give(start, kind);
	} else if (kind == BLOCK_RESERVATION) {
		bump__on_drop_block(start, b->region_commit);
	} else {	/* the caller's buffer is the caller's again */
		bump__on_drop_block(start, start + b->cap);
		bump__on_zeroed(start, b->cap);	/* defined, for memcheck */
	}
}

/*
 * The last destroyed arena's own reservation waits here for the next
 * arena of the same cap and page kind: BUMP_THREADSAFE arenas have one
 * each, and a loop creating and destroying them then reuses warm pages
 * instead of paying mmap, munmap and a page fault per page per round.
 * Only its first SPARE_KEEP bytes stay committed.
 */
#define SPARE_KEEP ((size_t)256 << 10)
static struct {
	int state;		/* 0 empty, 1 busy, 2 holds a region */
	void *mapping;
	size_t mapping_size, cap;
	char *region, *commit;
	int huge;
} spare;

static int
take_spare(bump_t *b, int huge)
{
	int full = 2;

	if (!__atomic_compare_exchange_n(&spare.state, &full, 1, 0,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	if (spare.cap != b->cap || spare.huge != huge) {
		bump__os_release(spare.mapping, spare.mapping_size);
		__atomic_store_n(&spare.state, 0, __ATOMIC_RELEASE);
		return 0;
	}
	b->mapping = spare.mapping;
	b->mapping_size = spare.mapping_size;
	b->region = spare.region;
	b->region_commit = spare.commit;
	__atomic_store_n(&spare.state, 0, __ATOMIC_RELEASE);
	return 1;
}

/* Keep b's reservation for the next arena; 0 when it must be released. */
static int
put_spare(bump_t *b)
{
	char *keep = b->region + (SPARE_KEEP < b->cap ? SPARE_KEEP : b->cap);
	int empty = 0;

	if ((b->flags & (BUMP_PREFAULT | BUMP__PINNED | BUMP__WATCHED)) ||
	    !__atomic_compare_exchange_n(&spare.state, &empty, 1, 0,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	if (b->region_commit > keep) {
		if (bump__os_decommit(keep, (size_t)(b->region_commit - keep))) {
			__atomic_store_n(&spare.state, 0, __ATOMIC_RELEASE);
			return 0;
		}
		b->region_commit = keep;
	}
	spare.mapping = b->mapping;
	spare.mapping_size = b->mapping_size;
	spare.cap = b->cap;
	spare.region = b->region;
	spare.commit = b->region_commit;
	spare.huge = (b->flags & BUMP_HUGEPAGES) != 0;
	__atomic_store_n(&spare.state, 2, __ATOMIC_RELEASE);
	b->mapping = NULL;
	b->region = NULL;
	return 1;
}

/*
 * A reservation of the arena's own: cap bytes with a guard page on each
 * side, aligned for huge pages when they are asked for.  Pinned huge pages
 * (Windows) back it whole from the start, without guard pages.
 */
static int
open_region(bump_t *b)
{
	size_t page = bump__os_page_size();
	size_t huge = (b->flags & BUMP_HUGEPAGES) ? bump__os_huge_page_size() : 0;
	size_t region_align = huge > page ? huge : page;
	size_t total = b->cap + 2 * page + (region_align - page);
	char *mapping = NULL;

	b->commit_step = huge > COMMIT_STEP ? huge : round_up(COMMIT_STEP, page);
	b->grown_huge = huge != 0;
	if (!(b->flags & (BUMP_PREFAULT | BUMP__WATCHED)) &&
	    take_spare(b, (b->flags & BUMP_HUGEPAGES) != 0))
		return 0;
	if (huge != 0 && b->cap % huge == 0 && !(b->flags & BUMP_PREFAULT) &&
	    (mapping = bump__os_reserve_pinned_huge(total)) != NULL)
		b->flags |= BUMP__PINNED;
	if (mapping == NULL && (mapping = bump__os_reserve(total)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	b->mapping = mapping;
	b->mapping_size = total;
	b->region = (char *)round_up((size_t)(uintptr_t)(mapping + page),
	    region_align);
	b->region_commit = (b->flags & BUMP__PINNED) ? b->region + b->cap :
	    b->region;
	if (huge != 0 && !(b->flags & BUMP__PINNED))
		bump__os_hugepage_hint(b->region, b->cap);
	if ((b->flags & BUMP_PREFAULT) && !(b->flags & BUMP__PINNED)) {
		if (bump__os_commit_prefaulted(b->region, b->cap) != 0) {
			bump__os_release(mapping, total);
			b->mapping = NULL;
			b->region = NULL;
			errno = ENOMEM;
			return -1;
		}
		b->region_commit = b->region + b->cap;
	}
	return 0;
}

static void
close_region(bump_t *b)
{
	if (b->mapping != NULL)
		bump__os_release(b->mapping, b->mapping_size);
	b->mapping = NULL;
	b->region = NULL;
	b->flags &= ~BUMP__PINNED;
}

/* Append a block and make it current; the old current block keeps its top. */
static void
push_block(bump_t *b, char *start, unsigned kind, size_t offset, int fresh)
{
	unsigned i = b->nblocks;

	b->block[i].start = start;
	b->block_kind[i] = (unsigned char)kind;
	b->block[i].offset = offset;
	enter_block(b, i, start, fresh);
	bump__on_create(b);
}

/*
 * The current block cannot hold the request: chain a new chunk, or move
 * to the arena's own reservation.  On failure nothing has changed.
 */
static void *
grow(bump_t *b, size_t size, size_t align)
{
	size_t used = before(b) + (size_t)(b->top - b->base);
	size_t lead = round_up(b->redzone, align), need, fits;
	unsigned kind = current_kind(b), n = b->nblocks, shift;
	char *old_top = b->top, *old_last = b->last, *old_dirty = b->dirty_end;
	char *start;
	void *p;
	int fresh;

	if ((n > 0 && !is_chunk(kind)) || size > b->cap - used ||
	    lead > b->cap - used - size || align > MAX_CAP) {
		errno = ENOMEM;	/* a reservation or a buffer has no successor */
		return NULL;
	}
	need = lead + size > align ? lead + size : align;
	fits = b->cap - used > need ? b->cap - used : need;
	shift = ceil_log2(need);
	if (n == 0) {	/* as big as this thread's last arenas grew */
		unsigned recalled = bump__chunks_recall();

		if (shift < recalled)
			shift = recalled;
	}
	if (n > 0 && shift < kind + GROWTH(kind))
		shift = kind + GROWTH(kind);
	if (shift > ceil_log2(fits))	/* no bigger than the cap can use */
		shift = ceil_log2(fits);
	if (shift < BUMP_CHUNK_MIN_SHIFT)
		shift = BUMP_CHUNK_MIN_SHIFT;
	save_region(b);
	if (shift <= BUMP_CHUNK_MAX_SHIFT && n < BUMP__MAX_BLOCKS - 1) {
		if ((start = bump__chunk_take(shift, &fresh)) == NULL)
			return NULL;	/* ENOMEM, nothing changed */
		/*
		 * A recycled chunk went cold while it waited: fetch its first
		 * lines now rather than miss on each of the next blocks.
		 */
		for (size_t at = 0; at < ((size_t)1 << shift) && at < WARM_BYTES;
		    at += 64)
			__builtin_prefetch(start + at, 1);
		push_block(b, start, shift, used, fresh);
	} else {
		if (b->region == NULL && open_region(b) != 0)
			return NULL;
		push_block(b, b->region, BLOCK_RESERVATION, used,
		    b->region_commit == b->region);
	}
	if ((p = alloc_plain(b, size, align)) == NULL) {
		/* Only a reservation's commit can fail here: step back. */
		drop_block(b, n);
		if (n > 0) {
			enter_block(b, n - 1, old_top, 0);
			b->last = old_last;
			b->dirty_end = old_dirty;
		} else {
			b->nblocks = 0;
			b->top = b->base = b->limit = b->commit_end = NULL;
			b->dirty_end = NULL;
			b->fast_end = NULL;
		}
		errno = ENOMEM;
		return NULL;
	}
	/* An empty block before the new one holds nothing: give it back. */
	if (n > 0 && old_top == b->block[n - 1].start &&
	    is_chunk(b->block_kind[n - 1]) && b->block[n - 1].offset == used) {
		drop_block(b, n - 1);
		b->block[n - 1].start = b->block[n].start;
		b->block_kind[n - 1] = b->block_kind[n];
		b->block[n - 1].offset = b->block[n].offset;
		b->nblocks = n;
	}
	return p;
}

/* Most bytes handed out at once so far. */
static size_t
peak_of(const bump_t *b)
{
	size_t used = bump_used(b);

	return used > b->peak ? used : b->peak;
}

/* Drop every block above block i, and make i current with its top at top. */
static void
back_to(bump_t *b, unsigned i, char *top)
{
	save_region(b);
	for (unsigned j = b->nblocks; j-- > i + 1;)
		drop_block(b, j);
	enter_block(b, i, top, 0);
}

/* The arena as bump_create leaves it (also for bump_create_in). */
static void
init_header(bump_t *b, size_t cap, unsigned flags, size_t header_size)
{
	memset(b, 0, offsetof(struct bump, block));	/* blocks come later */
	b->magic = BUMP__MAGIC;
	b->cap = cap;
	b->flags = flags;
	b->header_size = header_size;
	if (flags & BUMP_THREADSAFE) {
		b->epoch = new_epoch();
		b->owner = 0;
		b->crowded = 0;
	}
	b->redzone = bump__instr_redzone();
	if (bump__instr_active())
		b->flags |= BUMP__WATCHED;
}

bump_t *
bump_create(size_t reserve, unsigned flags)
{
	size_t page = bump__os_page_size();
	bump_t *b;
	int fresh;

	if (flags & ~(unsigned)BUMP_ALL_FLAGS) {
		errno = EINVAL;
		return NULL;
	}
	if (reserve == 0)
		reserve = BUMP_DEFAULT_RESERVE;
	if (reserve > MAX_CAP) {
		errno = ENOMEM;
		return NULL;
	}
	if ((b = bump__chunk_take(HEADER_SHIFT, &fresh)) == NULL)
		return NULL;	/* ENOMEM */
	init_header(b, round_up(reserve, page), flags,
	    (size_t)1 << HEADER_SHIFT);
	if (flags & (BUMP_THREADSAFE | BUMP_HUGEPAGES | BUMP_PREFAULT)) {
		if (open_region(b) != 0) {
			b->magic = BUMP__DEAD;
			bump__chunk_give(b, HEADER_SHIFT);
			errno = ENOMEM;
			return NULL;
		}
		push_block(b, b->region, BLOCK_RESERVATION, 0, 1);
	}
	return b;
}

bump_t *
bump_create_in(void *buf, size_t size, unsigned flags)
{
	uintptr_t at = (uintptr_t)buf, header;
	bump_t *b;

	if (buf == NULL || (flags & ~(unsigned)BUMP_ALL_FLAGS) ||
	    (header = round_up(at, _Alignof(struct bump)) - at) > size ||
	    size - header < sizeof(struct bump) + 1) {
		errno = EINVAL;
		return NULL;
	}
	b = (bump_t *)(void *)(at + header);
	/* The caller's memory is committed already: huge pages do not apply. */
	init_header(b, size - header - sizeof(struct bump),
	    flags & ~(unsigned)BUMP_HUGEPAGES, 0);
	b->flags &= ~(unsigned)BUMP_PREFAULT;
	if (flags & BUMP_PREFAULT)	/* fault every page in now */
		for (size_t off = 0; off < b->cap; off += bump__os_page_size())
			((volatile char *)(b + 1))[off] =
			    ((volatile char *)(b + 1))[off];
	push_block(b, (char *)(b + 1), BLOCK_BUFFER, 0, 0);
	return b;
}

/*
 * Destroying a dead arena (twice, or a stale handle) is ignored: its
 * bookkeeping went back to the chunk layer with its magic number cleared,
 * and touching the chunks again would corrupt the cache.
 */
void
bump_destroy(bump_t *b)
{
	if (!bump__live(b))
		return;
	save_region(b);
	if (b->nblocks > 0 && is_chunk(b->block_kind[0]))
		bump__chunks_remember(ceil_log2(peak_of(b)));
	for (unsigned i = b->nblocks; i-- > 0;)
		drop_block(b, i);
	if (b->region != NULL && !put_spare(b))
		close_region(b);
	b->magic = BUMP__DEAD;
	b->fast_end = NULL;
	b->nblocks = 0;
	if (b->header_size != 0)
		bump__chunk_give(b, HEADER_SHIFT);
}

size_t
bump_purge(void)
{
	bump__chunks_flush_thread();
	return bump__chunks_purge(pool());
}

void *
bump_malloc(bump_t *b, size_t size)
{
	if (!bump__live(b)) {
		errno = EINVAL;
		return NULL;
	}
	return bump__alloc(b, size, bump__natural_align(size));
}

void *
bump_aligned_alloc(bump_t *b, size_t alignment, size_t size)
{
	if (!bump__live(b) || alignment == 0 ||
	    (alignment & (alignment - 1)) != 0) {
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

	if (!bump__live(b)) {
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

/* Where the block at p may end at most (its block's top), or NULL if foreign. */
static char *
end_of(const bump_t *b, const char *p, char *top)
{
	if (b->nblocks == 0)
		return NULL;
	if (p >= b->base && p < top)
		return top;
	for (unsigned i = 0; i + 1 < b->nblocks; i++)
		if (p >= b->block[i].start && p < block_end(b, i))
			return block_end(b, i);
	return NULL;
}

void *
bump_realloc(bump_t *b, void *ptr, size_t size)
{
	char *p = ptr, *top, *end, *moved;
	size_t old;

	if (!bump__live(b)) {
		errno = EINVAL;
		return NULL;
	}
	if (p == NULL)
		return bump_malloc(b, size);
	top = is_threadsafe(b) ? __atomic_load_n(&b->top, __ATOMIC_RELAXED) :
	    b->top;
	if ((end = end_of(b, p, top)) == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (p == b->last) {	/* never set in a BUMP_THREADSAFE arena */
		if (resize_in_place(b, p, size) != NULL)
			return p;
		/* Only a chunk has a successor to move to. */
		if (!is_chunk(current_kind(b)) && size > (size_t)(b->limit - p)) {
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
	old = (size_t)(end - p);
	old = bump__readable_prefix(p, old < size ? old : size);
	bump__copy_block(moved, p, old);
	return moved;
}

size_t
bump__in_place_max(const bump_t *b, const void *p)
{
	/* last is never set in a BUMP_THREADSAFE arena. */
	if (!bump__live(b) || p == NULL || p != b->last)
		return 0;
	return (size_t)(b->limit - (const char *)p);
}

void
bump_free(bump_t *b, void *ptr)
{
	if (bump__live(b) && ptr != NULL && ptr == b->last)
		lower_top(b, b->last);
}

/*
 * The top comes down to logical offset `offset`: blocks above it go back
 * to the chunk layer.  The one that holds it becomes current.
 */
static void
lower_to(bump_t *b, size_t offset)
{
	unsigned i;

	b->peak = peak_of(b);
	if (b->nblocks == 0)
		return;
	for (i = b->nblocks - 1; i > 0 && b->block[i].offset > offset; i--)
		continue;
	if (i + 1 < b->nblocks)
		back_to(b, i, block_end(b, i));
	lower_top(b, b->base + (offset - b->block[i].offset));
}

/*
 * bump_reset keeps the newest block (the biggest) and its warm pages;
 * older chunks go back to the chunk layer.
 */
void
bump_reset(bump_t *b)
{
	unsigned last;

	if (!bump__live(b))
		return;
	b->peak = peak_of(b);
	if (b->nblocks == 0)
		return;
	last = b->nblocks - 1;
	for (unsigned i = 0; i < last; i++)
		drop_block(b, i);
	b->block[0].start = b->block[last].start;
	b->block_kind[0] = b->block_kind[last];
	b->block[0].offset = 0;
	save_region(b);
	{
		char *top = b->top, *dirty = b->dirty_end;

		enter_block(b, 0, top, 0);
		b->dirty_end = dirty;
	}
	lower_top(b, b->base);
}

int
bump_trim(bump_t *b)
{
	size_t page = bump__os_page_size();
	char *keep, *end;

	if (!bump__live(b)) {
		errno = EINVAL;
		return -1;
	}
	/* A reservation set aside by a rewind goes back to the OS whole. */
	if (b->region != NULL && current_kind(b) != BLOCK_RESERVATION)
		close_region(b);
	if (b->nblocks == 0 || (b->flags & BUMP__PINNED))
		return 0;	/* nothing to give back, or pinned pages */
	/* Whole pages only: a chunk below a page has none of its own. */
	keep = (char *)round_up((size_t)(uintptr_t)b->top, page);
	if (is_chunk(current_kind(b))) {
		/* The chunk stays the arena's: drop its free pages' contents. */
		end = (char *)((uintptr_t)(b->base + ((size_t)1 <<
		    current_kind(b))) & ~(uintptr_t)(page - 1));
		if (keep >= end || keep >= b->dirty_end)
			return 0;
		if (bump__os_purge(keep, (size_t)(end - keep)) != 0)
			return -1;
		b->dirty_end = keep;
		return 0;
	}
	if (current_kind(b) != BLOCK_RESERVATION || keep >= b->commit_end)
		return 0;	/* the caller's buffer, or nothing committed above */
	bump__on_decommit(keep, b->commit_end);
	if (bump__os_decommit(keep, (size_t)(b->commit_end - keep)) != 0) {
		bump__on_lower(b, keep);	/* still committed and free */
		return -1;
	}
	b->commit_end = keep;
	b->region_commit = keep;
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
	if (bump__live(b) && mark.offset <= bump_used(b))
		lower_to(b, mark.offset);
}

size_t
bump_used(const bump_t *b)
{
	if (!bump__live(b))
		return 0;
	return before(b) + (size_t)(__atomic_load_n(&b->top, __ATOMIC_RELAXED) -
	    b->base);
}

size_t
bump_capacity(const bump_t *b)
{
	return bump__live(b) ? b->cap : 0;
}

int
bump_owns(const bump_t *b, const void *p)
{
	const char *c = p;

	if (!bump__live(b) || b->nblocks == 0)
		return 0;
	if (c >= b->base && c < b->limit)
		return 1;
	for (unsigned i = 0; i + 1 < b->nblocks; i++)
		if (c >= b->block[i].start &&
		    c < b->block[i].start + block_size(b, i))
			return 1;
	return 0;
}

/* ---- statistics ------------------------------------------------------- */

int
bump_stats(const bump_t *b, struct bump_stats *st)
{
	size_t held = 0, wasted = 0;

	if (!bump__live(b) || st == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (unsigned i = 0; i < b->nblocks; i++) {
		if (is_chunk(b->block_kind[i]))
			held += (size_t)1 << b->block_kind[i];
		if (i + 1 < b->nblocks)
			wasted += block_size(b, i) -
			    (b->block[i + 1].offset - b->block[i].offset);
	}
	if (b->region != NULL) {
		char *commit = current_kind(b) == BLOCK_RESERVATION &&
		    b->commit_end > b->region_commit ? b->commit_end :
		    b->region_commit;

		held += (size_t)(commit - b->region);
	}
	if (current_kind(b) == BLOCK_BUFFER)
		held += b->cap;
	memset(st, 0, sizeof *st);
	st->used = bump_used(b);
	st->peak = peak_of(b);
	st->capacity = b->cap;
	st->committed = held;
	st->wasted = wasted;
	st->blocks = b->nblocks;
	st->reserved = b->mapping != NULL ? b->mapping_size : 0;
	st->overhead = b->header_size != 0 ? b->header_size : sizeof *b;
	return 0;
}

int
bump_stats_print(const bump_t *b, FILE *f)
{
	struct bump_stats st;

	if (f == NULL || bump_stats(b, &st) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (fprintf(f, "bump arena %p: used %zu, peak %zu, capacity %zu, "
	    "committed %zu, wasted %zu, blocks %zu, reserved %zu, "
	    "overhead %zu\n", (const void *)b, st.used, st.peak, st.capacity,
	    st.committed, st.wasted, st.blocks, st.reserved, st.overhead) < 0)
		return -1;
	return 0;
}
