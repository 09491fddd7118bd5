/*
 * malloc.c - the exported names of libbump_alloc_malloc and its fast paths.
 *
 * Everything a call does most of the time is here, inline: a malloc bumps
 * the thread's top (or takes the head of a recycle list), a free of a block
 * of the thread's own rolls the top back or marks the block.  The rest is
 * out of line in the other malloc_*.c files (see malloc_internal.h), which
 * never call back here.  Pointers are routed by address, never by what a
 * header says: the chunks' range, then the large blocks' table, else the C
 * library's allocator.
 */
#include <config.h>

#define _GNU_SOURCE 1
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_internal.h"

/* The calling thread's state, entered (see owner_enter); made if it has
 * none.  NULL when none can be had (start-up, no memory for one). */
static inline struct thread *
enter_self(void)
{
	struct thread *t = bump__self;

	if (bump_unlikely(t == NULL) && (t = bump__thread()) == NULL)
		return NULL;
	owner_enter(t);
	return t;
}

static inline void
leave_self(struct thread *t)
{
	if (t != NULL)
		owner_leave(t);
}

/* malloc's fast path, inline in every function that allocates 16-aligned:
 * a recycled block, else a bump of the top; NULL when neither will do. */
static inline __attribute__((always_inline)) void *
try_fast_malloc(struct thread *t, size_t n)
{
	struct node *listed;
	char *top;
	size_t b;
	unsigned c;

	if (bump_likely(n <= DIRECT_MAX)) {
		c = direct_class(n);
		b = (size_t)c * 16;
	} else if (n <= bump__settings.small_max) {
		b = malloc_block_bytes(n);
		c = size_class_ceil(b);
	} else {
		return NULL;
	}
	BUMP_ASSERT(b == malloc_block_bytes(n) && c == size_class_ceil(b));
	top = t->top;
	listed = t->lists[c];
	if (listed != NULL) {	/* lists fill only under recycle */
		if (bump_unlikely(b > t->recycle_room))
			return NULL;
		t->recycle_room -= b;
		return take_listed(t, listed, c, 0);
	}
	if (bump_likely(b <= (size_t)(t->limit - top))) {
		struct hdr *h = (struct hdr *)(void *)top;

		h->size = (uint32_t)(b - 8);
		h->link = t->last != NULL ?
		    (uint32_t)(top - (char *)t->last) : 0;
		BUMP_ASSERT((h->link & ~LINK_MASK) == 0);
		t->last = h;
		t->top = top + b;
		t->chunk->live++;
		t->counts.mallocs++;
		t->counts.bytes_allocated += b - 8;
		return h + 1;
	}
	return NULL;
}

/* malloc for t (entered; NULL when it has no state): fast, else slow. */
static inline void *
fast_malloc(struct thread *t, size_t n)
{
	void *p;

	if (bump_likely(t != NULL) && (p = try_fast_malloc(t, n)) != NULL)
		return p;
	return bump__alloc_slow(t, n, 16, 0);
}

/* p, in the chunks, freed by t (entered; NULL if it has no state). */
static inline __attribute__((always_inline)) void
free_small(struct thread *t, void *p)
{
	struct hdr *h = header_of(p);
	struct chunk *c = chunk_of(p);

	if (bump_unlikely(t == NULL || c->owner != t))
		bump__free_remote(t, c, h);
	else
		free_own(t, c, h);
}

/* Pointers outside the chunks: large blocks, else the C library's.  Out
 * of line, so that free's fast path saves no register. */
static __attribute__((noinline)) void
free_outside_chunks(struct thread *t, void *p)
{
	const struct bump_libc *libc = &bump__settings.libc;
	int saved = errno;
	size_t len;

	(void)bump__init_global();	/* pointers from before the first malloc */
	if ((len = bump__large_free(p)) != 0) {
		bump__count_free(t, len, len, 0);
	} else if (libc->free != NULL) {
		bump__count_free(t, libc->usable_size(p), 0, 0);
		libc->free(p);
	}
	errno = saved;
}

static size_t
usable_size(void *p)
{
	size_t n;

	if (p == NULL)
		return 0;
	(void)bump__init_global();
	if (in_region(p))
		return header_of(p)->size;
	if ((n = bump__large_size(p)) != 0)
		return n;
	return bump__settings.libc.usable_size != NULL ?
	    bump__settings.libc.usable_size(p) : 0;
}

static void
free_any(struct thread *t, void *p)
{
	if (bump_likely(in_region(p)))
		free_small(t, p);
	else
		free_outside_chunks(t, p);
}

/* ---- Resizing ---------------------------------------------------------- */

static void *
move_block(struct thread *t, void *p, size_t old, size_t n)
{
	void *q = fast_malloc(t, n);

	if (q != NULL) {
		memcpy(q, p, bump__min_size(old, n));
		free_any(t, p);
	}
	return q;
}

/* realloc of p, freed already or never a block: nothing changes. */
static void *
bad_realloc(const void *p)
{
	bad_free("realloc", p);
	errno = EINVAL;
	return NULL;
}

/* 1 when h, a block of another thread's chunk c, looks live from here. */
static int
foreign_block_is_live(const struct chunk *c, const struct hdr *h)
{
	return ((uintptr_t)h & 15) == 8 && chunk_held(c) &&
	    (const char *)h >= c->start &&
	    (bump_atomic_load(&h->link, RELAXED) & F_ANY_FREE) == 0;
}

/* p, a block of the chunks: the thread's newest grows or shrinks in place,
 * any other keeps its place when it shrinks and moves when it grows. */
static void *
realloc_small(struct thread *t, void *p, size_t n)
{
	struct hdr *h = header_of(p);
	struct chunk *c = chunk_of(p);
	size_t old;

	if (t != NULL && c->owner == t) {
		if (h == t->last && !(h->link & F_REMOTE) &&
		    n <= bump__settings.small_max) {
			size_t b = malloc_block_bytes(n);

			if (b - 8 <= (size_t)(chunk_end(t) - (char *)p)) {
				t->clean = bump__max_ptr(t->clean, t->top);
				t->counts.reallocs_in_place++;
				t->counts.bytes_allocated += b - 8;
				t->counts.bytes_rolled += h->size;
				h->size = (uint32_t)(b - 8);
				t->top = (char *)h + b;
				t->limit = bump__max_ptr(t->limit, t->top);
				return p;
			}
		} else if (!block_is_live(c, h)) {
			return bad_realloc(p);
		}
	} else if (!foreign_block_is_live(c, h)) {
		return bad_realloc(p);
	}
	old = h->size;
	if (n <= old)
		return p;
	return move_block(t, p, old, n);
}

/* p, a large block of old bytes: kept if n is more than half of it, its
 * pages moved if n is large, else copied. */
static void *
realloc_large(struct thread *t, void *p, size_t old, size_t n)
{
	size_t len;
	void *q;

	if (n <= old && n > old / 2)
		return p;
	if (n > bump__settings.small_max &&
	    (q = bump__large_resize(p, n, &len)) != NULL) {
		if (t != NULL) {
			t->counts.bytes_allocated += len;
			t->counts.bytes_freed += old;
			t->counts.bytes_reclaimed += old;
		}
		return q;
	}
	return move_block(t, p, old, n);
}

/* The C library's block: counted as freed and allocated again, so that
 * the bytes freed never exceed the bytes allocated. */
static void *
realloc_libc(struct thread *t, void *p, size_t n)
{
	const struct bump_libc *libc = &bump__settings.libc;
	size_t before;
	void *q;

	if (libc->realloc == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	before = libc->usable_size(p);
	q = libc->realloc(p, n);
	if (q != NULL && t != NULL) {
		t->counts.bytes_freed += before;
		t->counts.bytes_allocated += libc->usable_size(q);
	}
	return q;
}

/* realloc of a block p (not NULL) to n bytes (not 0). */
static void *
realloc_block(struct thread *t, void *p, size_t n)
{
	size_t old;

	if (t != NULL)
		t->counts.reallocs++;
	if (in_region(p))
		return realloc_small(t, p, n);
	(void)bump__init_global();
	if ((old = bump__large_size(p)) != 0)
		return realloc_large(t, p, old, n);
	return realloc_libc(t, p, n);
}

/* ---- Alignment --------------------------------------------------------- */

static void *
alloc_aligned(size_t align, size_t n)
{
	struct thread *t;
	void *p;

	if (n > PTRDIFF_MAX && align > 16) {
		errno = ENOMEM;
		return NULL;
	}
	t = enter_self();
	p = align <= 16 ? fast_malloc(t, n) : bump__alloc_slow(t, n, align, 0);
	leave_self(t);
	return p;
}

/* ---- The interface ----------------------------------------------------- */

/* malloc beyond its fast path: t has no block at hand (t entered), or
 * another thread acts for it (t not entered yet), or the thread has no
 * state yet (t NULL). */
static __attribute__((noinline)) void *
malloc_slow(struct thread *t, size_t n, int entered)
{
	void *p;

	if (t == NULL)
		t = enter_self();
	else if (!entered)
		bump__wait_taken(t);
	p = fast_malloc(t, n);
	leave_self(t);
	return p;
}

BUMP_EXPORT void *
malloc(size_t n)
{
	struct thread *t = bump__self;
	void *p;

	if (bump_unlikely(t == NULL || !owner_try_enter(t)))
		return malloc_slow(t, n, 0);
	if (bump_unlikely((p = try_fast_malloc(t, n)) == NULL))
		return malloc_slow(t, n, 1);
	owner_leave(t);
	return p;
}

/* free beyond its fast path: another thread acts for t (not entered), or
 * the thread has no state (t NULL: it gets one, unless its state is gone
 * with its exit; a thread that only frees then counts without atomics). */
static __attribute__((noinline)) void
free_slow(struct thread *t, void *p)
{
	if (t != NULL)
		bump__wait_taken(t);
	else if (!bump__exited && (t = bump__thread()) != NULL)
		owner_enter(t);
	free_any(t, p);
	leave_self(t);
}

BUMP_EXPORT void
free(void *p)
{
	struct thread *t = bump__self;

	if (p == NULL)
		return;
	if (bump_unlikely(t == NULL || !owner_try_enter(t))) {
		free_slow(t, p);
		return;
	}
	if (bump_likely(in_region(p)))
		free_small(t, p);
	else
		free_outside_chunks(t, p);
	owner_leave(t);
}

BUMP_EXPORT void *
calloc(size_t nmemb, size_t size)
{
	struct thread *t;
	size_t n;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	t = enter_self();
	p = bump__alloc_slow(t, n, 16, 1);
	leave_self(t);
	return p;
}

BUMP_EXPORT void *
realloc(void *p, size_t n)
{
	struct thread *t = enter_self();
	void *q = NULL;

	if (p == NULL)
		q = fast_malloc(t, n);
	else if (n == 0)	/* as glibc: free, and NULL */
		free_any(t, p);
	else
		q = realloc_block(t, p, n);
	leave_self(t);
	return q;
}

BUMP_EXPORT void *
reallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n);
}

BUMP_EXPORT int
posix_memalign(void **memptr, size_t align, size_t n)
{
	int saved = errno, status = 0;
	void *p;

	if (!bump__is_pow2(align) || align % sizeof(void *) != 0)
		return EINVAL;
	if ((p = alloc_aligned(align, n)) == NULL)
		status = errno == EINVAL ? EINVAL : ENOMEM;
	else
		*memptr = p;
	errno = saved;
	return status;
}

BUMP_EXPORT void *
aligned_alloc(size_t align, size_t n)
{
	if (!bump__is_pow2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return alloc_aligned(align, n);
}

BUMP_EXPORT void *
memalign(size_t align, size_t n)
{
	/* glibc: a non-power of two is rounded up; absurd ones fail. */
	if (align > ((size_t)1 << (sizeof(size_t) * 8 - 2))) {
		errno = EINVAL;
		return NULL;
	}
	if (align > 1 && !bump__is_pow2(align))
		align = (size_t)1 << bump__log2_ceil(align);
	return alloc_aligned(align, n);
}

BUMP_EXPORT void *
valloc(size_t n)
{
	return alloc_aligned(bump__os_page_size(), n);
}

BUMP_EXPORT void *
pvalloc(size_t n)
{
	size_t page = bump__os_page_size();

	if (n > SIZE_MAX - page) {
		errno = ENOMEM;
		return NULL;
	}
	return alloc_aligned(page, n == 0 ? page : bump__round_up(n, page));
}

BUMP_EXPORT size_t
malloc_usable_size(void *p)
{
	return usable_size(p);
}

/* Other names glibc programs may call for the same functions. */
void cfree(void *p);
void *__libc_malloc(size_t n);
void __libc_free(void *p);
void *__libc_calloc(size_t nmemb, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);
void *__libc_valloc(size_t n);
void *__libc_pvalloc(size_t n);
BUMP_EXPORT void cfree(void *p) { free(p); }
BUMP_EXPORT void *__libc_malloc(size_t n) { return malloc(n); }
BUMP_EXPORT void __libc_free(void *p) { free(p); }
BUMP_EXPORT void *__libc_calloc(size_t nmemb, size_t size)
{ return calloc(nmemb, size); }
BUMP_EXPORT void *__libc_realloc(void *p, size_t n) { return realloc(p, n); }
BUMP_EXPORT void *__libc_memalign(size_t align, size_t n)
{ return memalign(align, n); }
BUMP_EXPORT void *__libc_valloc(size_t n) { return valloc(n); }
BUMP_EXPORT void *__libc_pvalloc(size_t n) { return pvalloc(n); }

/* ---- Statistics: ours, also under glibc's names ----------------------- */

BUMP_EXPORT int
bump_malloc_stats(struct bump_malloc_stats *st)
{
	if (st == NULL) {
		errno = EINVAL;
		return -1;
	}
	(void)bump__init_global();
	bump__collect(st);
	return 0;
}

/* The BUMP_ALLOC_STATS report, now (once start-up is done). */
static void
print_stats(void)
{
	struct bump_malloc_stats st;

	bump__collect(&st);
	bump__print_report(&bump__settings.config, &st);
}

/* glibc prints its arenas on stderr; we print the BUMP_ALLOC_STATS report. */
BUMP_EXPORT void
malloc_stats(void)
{
	if (bump__init_global() == 0)
		print_stats();
}

/* BUMP_ALLOC_STATS=1: the same report, once, at exit. */
__attribute__((destructor)) static void
report_at_exit(void)
{
	if (bump__ready() && bump__settings.config.stats)
		print_stats();
}

/* The same figures as XML on fp, in the shape of glibc's. */
BUMP_EXPORT int
malloc_info(int options, FILE *fp)
{
	struct bump_malloc_stats st;
	char buf[2048];

	if (options != 0 || fp == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (bump__init_global() != 0)
		return -1;
	bump__collect(&st);
	(void)bump__format_report(&bump__settings.config, &st, buf, sizeof buf);
	return fputs(buf, fp) < 0 ? -1 : 0;
}

/* Give cached memory back to the OS now: freed large blocks and chunks. */
BUMP_EXPORT int
malloc_trim(size_t pad)
{
	size_t given;

	(void)pad;
	if (bump__init_global() != 0)
		return 0;
	given = bump__large_trim(1) + bump__chunks_purge(&bump__chunk_pool);
	return given != 0;
}
