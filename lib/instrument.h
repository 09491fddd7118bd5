/*
 * instrument.h - tell AddressSanitizer and Valgrind which arena bytes are live.
 *
 * An arena hands out memory the tools cannot see being allocated, so by
 * default a read after bump_reset() reads stale data silently.  These hooks
 * keep the tools' view exact: in the committed part of each block of an
 * arena, what was handed out is addressable and everything else (free space,
 * alignment padding, red zones, memory given back by bump_free, bump_reset
 * and bump_rewind) is not.  Memory that is only reserved faults anyway.
 *
 * The arena core calls the hooks at a handful of points; in a build with
 * neither tool they are empty inline functions and cost nothing.
 *   - ASan: when the library itself is compiled with -fsanitize=address.
 *   - Valgrind: when configure found <valgrind/valgrind.h> (--with-valgrind);
 *     the client requests cost a few instructions outside Valgrind.
 */
#ifndef BUMP_INSTRUMENT_H
#define BUMP_INSTRUMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bits.h"
#include "os.h"

#if defined(__SANITIZE_ADDRESS__)
# define BUMP_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define BUMP_ASAN 1
# endif
#endif

#ifdef BUMP_ASAN
# include <sanitizer/asan_interface.h>
#else
# define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
# define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

#if defined(HAVE_VALGRIND_VALGRIND_H) && defined(HAVE_VALGRIND_MEMCHECK_H)
# define BUMP_VALGRIND 1
# include <valgrind/memcheck.h>
# include <valgrind/valgrind.h>
#endif

/*
 * Poison [p, p+n), or its first BUMP_POISON_MAX bytes: poison is written
 * into shadow memory, one byte per 8, so poisoning the free part of a
 * 500 GiB region (a huge alignment gap, a reset after heavy use) would
 * cost 62 GiB of RAM.  Free memory beyond the limit goes unchecked.
 */
#define BUMP_POISON_MAX ((size_t)256 << 20)
/* ASan's shadow: one byte says which of 8 bytes (a granule) are addressable. */
#define BUMP_ASAN_GRANULE 8
/* Unpoisoning a range this big drops its shadow pages instead. */
#define BUMP_UNPOISON_BY_PAGES ((size_t)64 << 20)

static inline void
bump__asan_poison(char *p, size_t n)
{
	ASAN_POISON_MEMORY_REGION(p, bump__min_size(n, BUMP_POISON_MAX));
	(void)p;
	(void)n;
}

/*
 * Unpoison [p, p+n).  A large range drops its whole shadow pages instead of
 * writing zeros into them (zero shadow means addressable): a 60 GiB block
 * costs a page-table walk instead of 7.5 GiB of shadow writes, and shadow
 * memory stops costing RAM once an arena is gone.
 */
static inline void
bump__asan_unpoison(char *p, size_t n)
{
#if defined(BUMP_ASAN)
	const size_t page = 4096;	/* a multiple of it works as well */
	size_t scale, offset;
	uintptr_t first, last;
	char *from, *to;

	if (n >= BUMP_UNPOISON_BY_PAGES) {
		__asan_get_shadow_mapping(&scale, &offset);
		/* Whole granules only: round p up before taking its shadow. */
		first = bump__align_up((bump__align_up((uintptr_t)p,
		    (size_t)1 << scale) >> scale) + offset, page);
		last = bump__align_down((((uintptr_t)p + n) >> scale) + offset,
		    page);
		from = (char *)((first - offset) << scale);
		to = (char *)((last - offset) << scale);
		if (first < last && bump__os_purge((void *)first,
		    last - first) == 0) {
			ASAN_UNPOISON_MEMORY_REGION(p, (size_t)(from - p));
			ASAN_UNPOISON_MEMORY_REGION(to, (size_t)(p + n - to));
			return;
		}
	}
#endif
	ASAN_UNPOISON_MEMORY_REGION(p, n);
}

#if defined(__SANITIZE_THREAD__)
# define BUMP_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define BUMP_TSAN 1
# endif
#endif
#ifdef BUMP_TSAN
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#endif

/*
 * bump_realloc's copy of a block whose size it does not know: it reads up
 * to the top, so in a BUMP_THREADSAFE arena it may read other threads'
 * newer blocks while they write them.  Those bytes land past the old
 * block's end in the copy, where realloc promises nothing; tell TSan.
 */
static inline void
bump__copy_block(void *to, const void *from, size_t n)
{
#ifdef BUMP_TSAN
	AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
#endif
	memcpy(to, from, n);
#ifdef BUMP_TSAN
	AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
#endif
}

/* Largest red zone an arena accepts (it must stay inside the guard page). */
#define BUMP_MAX_REDZONE 4096

/*
 * Is anybody watching?  Then every allocation must go through the library
 * (an inline fast path in the header would skip the hooks).
 */
static inline int
bump__instr_active(void)
{
#if defined(BUMP_ASAN)
	return 1;
#elif defined(BUMP_VALGRIND)
	return RUNNING_ON_VALGRIND != 0;
#else
	return 0;
#endif
}

/*
 * Red zone between blocks: BUMP_ALLOC_REDZONE=BYTES in the environment,
 * read once per arena, honoured only while a tool is watching (without one
 * a red zone would only waste memory).  Malformed or too large: none.
 */
static inline size_t
bump__instr_redzone(void)
{
	const char *s;
	size_t n = 0;

	if (!bump__instr_active() || (s = bump__os_getenv("BUMP_ALLOC_REDZONE")) == NULL)
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (size_t)(*s - '0');
		if (n > BUMP_MAX_REDZONE)
			return 0;
	}
	return *s == '\0' ? n : 0;
}

/*
 * A new block became current: [base, commit_end) is committed and none of
 * it is handed out.  Memcheck sees each block of an arena (chunk,
 * reservation, buffer) as a pool of its own, named by the block's start:
 * trimming a pool then never touches the blocks of other chunks.
 */
static inline void
bump__on_create(bump_t *b)
{
	bump__asan_poison(b->base, (size_t)(b->commit_end - b->base));
#ifdef BUMP_VALGRIND
	VALGRIND_CREATE_MEMPOOL(b->base, 0, 0);
	VALGRIND_MAKE_MEM_NOACCESS(b->base, (size_t)(b->commit_end - b->base));
#endif
}

/*
 * [from, to) was just committed for a block ending at end: only the part
 * above end is free space (the caller's bump__on_alloc covers the rest).
 * A shared arena skips this: a thread that lost the race to commit could
 * poison a block another thread has just been given.
 */
static inline void
bump__on_commit(bump_t *b, char *from, char *end, char *to)
{
	if (b->flags & BUMP_THREADSAFE)
		return;
	if (end < to)
		bump__asan_poison(end, (size_t)(to - end));
#ifdef BUMP_VALGRIND
	VALGRIND_MAKE_MEM_NOACCESS(from, (size_t)(to - from));
#else
	(void)from;
#endif
}

/*
 * [p, p+n) is handed out; [gap, p) is padding or red zone before it.  This
 * and bump__on_resize run for every block the library hands out: outside
 * the tools (an arena not BUMP__WATCHED) they return at once rather than
 * make Valgrind's client requests, a few dozen instructions that do
 * nothing there.
 */
static inline void
bump__on_alloc(bump_t *b, char *gap, char *p, size_t n)
{
	uintptr_t from = bump__align_down((uintptr_t)p, BUMP_ASAN_GRANULE);
	uintptr_t to = bump__align_up((uintptr_t)p + n, BUMP_ASAN_GRANULE);

	if (!(b->flags & BUMP__WATCHED))
		return;
	if (b->flags & BUMP_THREADSAFE) {
		/*
		 * Threads racing on a shadow byte that two blocks share could
		 * lose an update: unpoison whole 8-byte granules, so that every
		 * store to the shadow writes 0 and racing stores agree.  The
		 * last granule's tail goes unchecked in a shared arena.
		 */
		bump__asan_unpoison((char *)from, (size_t)(to - from));
	} else {
		if (gap < p)
			bump__asan_poison(gap, (size_t)(p - gap));
		bump__asan_unpoison(p, n);
	}
	(void)from;
	(void)to;
#ifdef BUMP_VALGRIND
	VALGRIND_MEMPOOL_ALLOC(b->base, p, n);
#else
	(void)b;
	(void)gap;
#endif
}

/* calloc cleared [p, p+n) or found it zero from the OS: it is defined. */
static inline void
bump__on_zeroed(char *p, size_t n)
{
#ifdef BUMP_VALGRIND
	VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
	(void)p;
	(void)n;
#endif
}

/* The newest block at p changed size in place from old_n to new_n bytes. */
static inline void
bump__on_resize(bump_t *b, char *p, size_t old_n, size_t new_n)
{
	if (!(b->flags & BUMP__WATCHED))
		return;
	if (new_n < old_n)
		bump__asan_poison(p + new_n, old_n - new_n);
	else
		bump__asan_unpoison(p + old_n, new_n - old_n);
#ifdef BUMP_VALGRIND
	VALGRIND_MEMPOOL_CHANGE(b->base, p, p, new_n);
	/* The pool only records the size: say what the bytes are, too. */
	if (new_n < old_n)
		VALGRIND_MAKE_MEM_NOACCESS(p + new_n, old_n - new_n);
	else
		VALGRIND_MAKE_MEM_UNDEFINED(p + old_n, new_n - old_n);
#else
	(void)b;
#endif
}

/*
 * The top came down to new_top (free of the newest block, rewind, reset):
 * every block above it is gone.  Poison up to commit_end, not just the old
 * top, so that a shared arena (which skips poisoning on commit) is exact
 * again after each reset.  b->last is still the newest block: when only
 * that one goes, free it alone (memcheck's trim sorts the whole pool, and
 * a stack-like loop of frees would cost O(n^2)).
 */
static inline void
bump__on_lower(bump_t *b, char *new_top)
{
	bump__asan_poison(new_top, (size_t)(b->commit_end - new_top));
#ifdef BUMP_VALGRIND
	if (new_top == b->last)
		VALGRIND_MEMPOOL_FREE(b->base, new_top);
	else
		VALGRIND_MEMPOOL_TRIM(b->base, b->base,
		    (size_t)(new_top - b->base));
	VALGRIND_MAKE_MEM_NOACCESS(new_top, (size_t)(b->commit_end - new_top));
#else
	(void)b;
#endif
}

/*
 * [from, to) is about to go back to the OS (trim, destroy).  ASan's poison
 * must not outlive the mapping: whoever maps these addresses next would
 * find them poisoned.
 */
static inline void
bump__on_decommit(char *from, char *to)
{
	bump__asan_unpoison(from, (size_t)(to - from));
	(void)from;
	(void)to;
}

/*
 * The block [start, end) leaves the arena (given back to the chunk layer,
 * released, or kept unused): nothing in it is live any more, and the
 * chunk layer may write its free-list link into it.
 */
static inline void
bump__on_drop_block(char *start, char *end)
{
	bump__on_decommit(start, end);
#ifdef BUMP_VALGRIND
	VALGRIND_DESTROY_MEMPOOL(start);
	VALGRIND_MAKE_MEM_UNDEFINED(start, (size_t)(end - start));
#endif
}

/*
 * How many of the n bytes at p can be read without the tools objecting.
 * bump_realloc does not know a block's size and copies up to the top,
 * which may cross padding or red zones: stop the copy where they start.
 */
static inline size_t
bump__readable_prefix(const char *p, size_t n)
{
#if defined(BUMP_ASAN)
	/*
	 * __asan_region_is_poisoned only looks at the first byte of a
	 * partial first granule: check those bytes one by one.
	 */
	size_t i = 0;
	const char *bad;

	for (; i < n && ((uintptr_t)(p + i) & (BUMP_ASAN_GRANULE - 1)) != 0; i++)
		if (__asan_address_is_poisoned(p + i))
			return i;
	if (i < n && (bad = __asan_region_is_poisoned((void *)(uintptr_t)(p + i),
	    n - i)) != NULL)
		n = (size_t)(bad - p);
#elif defined(BUMP_VALGRIND)
	/* Memcheck has no such query without an error: probe with GET_VBITS. */
	enum { PROBE_BYTES = 256 };
	unsigned char vbits[PROBE_BYTES];
	size_t ok = 0, lo, hi;

	if (!RUNNING_ON_VALGRIND)
		return n;
	while (ok < n) {
		size_t len = bump__min_size(n - ok, PROBE_BYTES);

		if (VALGRIND_GET_VBITS(p + ok, vbits, len) != 3) {
			ok += len;
			continue;
		}
		/* Some byte of these is not addressable: bisect. */
		for (lo = 0, hi = len; lo + 1 < hi;) {
			size_t mid = lo + (hi - lo) / 2;

			if (VALGRIND_GET_VBITS(p + ok, vbits, mid) == 3)
				hi = mid;
			else
				lo = mid;
		}
		return ok + lo;
	}
#else
	(void)p;
#endif
	return n;
}

#endif /* BUMP_INSTRUMENT_H */
