/*
 * malloc.c - the exported names of libbump_alloc_malloc and its fast paths.
 *
 * Everything a call does most of the time is here, inline: a malloc bumps
 * the thread's top (or takes the head of a recycle list), a free of a block
 * of the thread's own rolls the top back or marks the block.  The rest is
 * out of line in the other malloc_*.c files (see malloc_internal.h).  Pointers are
 * routed by address, never by what a header says: the chunks' range, then
 * the large blocks' table, else the C library's allocator.
 */
#include <config.h>

#define _GNU_SOURCE 1
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_internal.h"
#include "os.h"

/* Hand out a block from a recycle list; zero_bytes of it cleared. */
static inline void *
take_listed(struct thread *t, struct node *n, unsigned c, size_t zero_bytes)
{
	struct hdr *h = header_of(n);

	list_pop(t, n, c);
	chunk_of(n)->live++;
	t->counts.mallocs++;
	t->counts.bytes_allocated += h->size;
	t->counts.recycled++;
	t->counts.bytes_reclaimed += h->size;
	if (zero_bytes != 0)
		memset(n, 0, zero_bytes);
	return n;
}

/* A block of t's chunk c is free (t's thread, or whoever holds t). */
static inline void
free_local(struct thread *t, struct chunk *c, struct hdr *h)
{
	enum bump_free_policy policy = bump__g.config.free_policy;

	if (policy == FREE_NONE)
		return;
	c->live--;
	if (h == t->last) {
		/* The common case inline: the block below is still live. */
		uint32_t back = h->link & LINK_MASK;
		struct hdr *below = (struct hdr *)(void *)((char *)h - back);

		if (back != 0 && !(below->link & F_FREED)) {
			t->clean = max_ptr(t->clean, t->top);
			t->counts.bytes_reclaimed += h->size;
			t->top = (char *)(below + 1) + below->size;
			t->last = below;
			return;
		}
		bump__roll_back(t, h);
		return;
	}
	h->link |= F_FREED;
	if (policy == FREE_RECYCLE)
		list_push(t, h);
	if (c->live == 0 && c != t->chunk)
		bump__release_chunk(t, c);
}

/* The same, for the other files. */
void *
bump__take_listed(struct thread *t, struct node *n, unsigned c,
    size_t zero_bytes)
{
	return take_listed(t, n, c, zero_bytes);
}

void
bump__free_local(struct thread *t, struct chunk *c, struct hdr *h)
{
	free_local(t, c, h);
}

static inline void *
alloc(size_t n)
{
	struct thread *t = bump__self;

	if (likely(t != NULL && n <= bump__g.small_max)) {
		size_t b = block_size(n);
		char *top = t->top;

		if (bump__g.config.free_policy == FREE_RECYCLE) {
			unsigned c = class_ceil(b);
			struct node *listed = t->lists[c];
			if (listed != NULL)
				return take_listed(t, listed, c, 0);
		}
		if (likely(b <= (size_t)(t->limit - top))) {
			struct hdr *h = (struct hdr *)(void *)top;

			h->size = (uint32_t)(b - 8);
			h->link = t->last != NULL ?
			    (uint32_t)(top - (char *)t->last) : 0;
			t->last = h;
			t->top = top + b;
			t->chunk->live++;
			t->counts.mallocs++;
			t->counts.bytes_allocated += b - 8;
			return h + 1;
		}
	}
	return bump__alloc_slow(n, 16, 0);
}

static inline void
free_small(void *p)
{
	struct hdr *h = header_of(p);
	struct chunk *c = chunk_of(p);
	struct thread *t = bump__self;

	if (unlikely(t == NULL || c->owner != t)) {
		/* A thread that only frees gets a state too, for its counts. */
		bump__free_remote(t != NULL ? t : bump__thread(), c, h);
		return;
	}
	t->counts.frees++;
	t->counts.bytes_freed += h->size;
	free_local(t, c, h);
}

/* Pointers outside the chunks: large blocks, else the C library's.  Out
 * of line, so that free's fast path saves no register. */
static __attribute__((noinline)) void
free_other(void *p)
{
	int saved = errno;

	(void)bump__init_global();	/* pointers from before the first malloc */
	if (bump__large_free(p) != 0 && bump__g.libc.free != NULL) {
		bump__count_free(bump__self, bump__g.libc.usable_size(p), 0, 0);
		bump__g.libc.free(p);
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
	return bump__g.libc.usable_size != NULL ? bump__g.libc.usable_size(p) : 0;
}

static void
free_any(void *p)
{
	if (likely(in_region(p)))
		free_small(p);
	else
		free_other(p);
}

/* ---- Resizing ---------------------------------------------------------- */

static void *
move_block(void *p, size_t old, size_t n)
{
	void *q = alloc(n);

	if (q != NULL) {
		memcpy(q, p, old < n ? old : n);
		free_any(p);
	}
	return q;
}

static void *
resize(void *p, size_t n)
{
	struct thread *t = bump__self;
	size_t old;

	if (t != NULL)
		t->counts.reallocs++;
	if (in_region(p)) {
		struct hdr *h = header_of(p);

		old = h->size;
		if (t != NULL && h == t->last && n <= bump__g.small_max) {
			size_t b = block_size(n);

			if (b - 8 <= (size_t)(chunk_end(t) - (char *)p)) {
				t->clean = max_ptr(t->clean, t->top);
				t->counts.reallocs_in_place++;
				t->counts.bytes_allocated += b - 8;
				t->counts.bytes_freed += old;
				t->counts.bytes_reclaimed += old;
				h->size = (uint32_t)(b - 8);
				t->top = (char *)h + b;
				t->limit = max_ptr(t->limit, t->top);
				return p;
			}
		}
		if (n <= old)
			return p;
		return move_block(p, old, n);
	}
	(void)bump__init_global();
	if ((old = bump__large_size(p)) != 0) {
		void *q;

		if (n <= old && n > old / 2)
			return p;
		if (n > bump__g.small_max && (q = bump__large_resize(p, n)) != NULL)
			return q;
		return move_block(p, old, n);
	}
	if (bump__g.libc.realloc != NULL) {
		/* The C library's block: counted as freed and allocated again,
		 * so that the bytes freed never exceed the bytes allocated. */
		size_t before = bump__g.libc.usable_size(p);
		void *q = bump__g.libc.realloc(p, n);

		if (q != NULL && (t != NULL || (t = bump__thread()) != NULL)) {
			t->counts.bytes_freed += before;
			t->counts.bytes_allocated += bump__g.libc.usable_size(q);
		}
		return q;
	}
	errno = ENOMEM;
	return NULL;
}

/* ---- Alignment --------------------------------------------------------- */

static void *
alloc_aligned(size_t align, size_t n)
{
	if (align <= 16)
		return alloc(n);
	if (n > PTRDIFF_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	return bump__alloc_slow(n, align, 0);
}

static inline int
power_of_two(size_t a)
{
	return a != 0 && (a & (a - 1)) == 0;
}

/* ---- The interface ----------------------------------------------------- */

BUMP_EXPORT void *
malloc(size_t n)
{
	return alloc(n);
}

BUMP_EXPORT void
free(void *p)
{
	if (p != NULL)
		free_any(p);
}

BUMP_EXPORT void *
calloc(size_t nmemb, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return bump__alloc_slow(n, 16, 1);
}

BUMP_EXPORT void *
realloc(void *p, size_t n)
{
	if (p == NULL)
		return alloc(n);
	if (n == 0) {	/* as glibc: free, and NULL */
		free_any(p);
		return NULL;
	}
	return resize(p, n);
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

	if (!power_of_two(align) || align % sizeof(void *) != 0)
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
	if (!power_of_two(align)) {
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
	if (align > 1 && !power_of_two(align))
		align = (size_t)1 << (log2_floor(align) + 1);
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
	return alloc_aligned(page, n == 0 ? page : round_up(n, page));
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
BUMP_EXPORT void *__libc_malloc(size_t n) { return alloc(n); }
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
	bump__collect(st);
	return 0;
}

/* glibc prints its arenas on stderr; we print the BUMP_ALLOC_STATS report. */
BUMP_EXPORT void
malloc_stats(void)
{
	struct bump_malloc_stats st;

	if (bump__init_global() != 0)
		return;
	bump__collect(&st);
	bump__print_report(&bump__g.config, &st);
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
	(void)bump__format_report(&bump__g.config, &st, buf, sizeof buf);
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
	given = bump__large_trim(1) + bump__chunks_purge(&bump__pool);
	return given != 0;
}
