/*
 * bench.c - bump_alloc against other allocators, in one process, on one
 * pre-generated request sequence (make bench).
 *
 * Every allocator runs the same sizes, writes one byte into every block
 * and keeps every pointer, so the loops differ only in the allocation.
 * Rounds are interleaved (round 1 of every allocator, then round 2, ...)
 * so that noise from other processes spreads over all rows; each figure
 * is the median of the rounds, in nanoseconds per allocation.
 *
 *   cold  create a fresh instance, fill it, destroy it (page faults and all)
 *   warm  fill an instance that was filled and reset before
 *
 * Usage: bench [--csv] [--csv-file FILE] [--rounds N] [--quick]
 * (BENCH_ROUNDS=N works too; --csv-file writes the CSV besides the table)
 */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#ifdef HAVE_MALLOC_H
# include <malloc.h>
#endif
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bump_alloc.h"

#ifdef HAVE_OBSTACK_H
# include <obstack.h>
# define obstack_chunk_alloc malloc
# define obstack_chunk_free free
#endif
#ifdef HAVE_APR
# include <apr_pools.h>
#endif
#ifdef HAVE_TALLOC
# include <talloc.h>
#endif
#ifdef HAVE_PMR
# include "pmr.h"
#endif

/* ---- Workloads ----------------------------------------------------------- */

struct workload {
	const char *name;
	const char *what;
	uint32_t *sizes;
	size_t n;
	size_t bytes;		/* sum of sizes */
};

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	return p;
}

static void
die(const char *who)
{
	fprintf(stderr, "bench: %s failed: %s\n", who, strerror(errno));
	exit(1);
}

/* Uniform in [lo, hi]. */
static void
gen_uniform(struct workload *w, size_t n, uint32_t lo, uint32_t hi)
{
	w->sizes = xmalloc(n * sizeof *w->sizes);
	w->n = n;
	w->bytes = 0;
	for (size_t i = 0; i < n; i++)
		w->bytes += w->sizes[i] = lo + (uint32_t)(rng() % (hi - lo + 1));
}

/* Log-uniform in [lo, hi]: as many 8-16 B blocks as 4-8 KiB ones. */
static void
gen_log(struct workload *w, size_t n, uint32_t lo, uint32_t hi)
{
	w->sizes = xmalloc(n * sizeof *w->sizes);
	w->n = n;
	w->bytes = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t s;

		do {
			unsigned k = (unsigned)(rng() % 11);	/* 8 << 10 = 8 KiB */
			s = (lo << k) + (uint32_t)(rng() % (lo << k));
		} while (s > hi);
		w->bytes += w->sizes[i] = s;
	}
}

/* ---- Allocators ------------------------------------------------------------ */

struct allocator {
	const char *name;
	void *(*create)(const struct workload *w);
	void (*fill)(void *ctx, const uint32_t *sizes, size_t n, void **ptrs);
	void (*release)(void *ctx, void **ptrs, size_t n);	/* keep warm */
	void (*destroy)(void *ctx, void **ptrs, size_t n);
	/* Grow one array by realloc, step bytes at a time; bytes copied. */
	size_t (*grow)(void *ctx, size_t steps, size_t step);
	int available;
};

/* The array the last growth test built, for release() to free. */
static void *grown;

#define FILL(fn, CTX_T, ALLOC)						\
static void								\
fn(void *vctx, const uint32_t *sizes, size_t n, void **ptrs)		\
{									\
	CTX_T ctx = vctx;						\
	for (size_t i = 0; i < n; i++) {				\
		char *p = (ALLOC);					\
		if (p == NULL)						\
			die(#fn);					\
		p[0] = (char)i;						\
		ptrs[i] = p;						\
	}								\
}

/* Grow through realloc; a block that moved had its old contents copied. */
#define GROW(fn, CTX_T, REALLOC)					\
static size_t								\
fn(void *vctx, size_t steps, size_t step)				\
{									\
	CTX_T ctx = vctx;						\
	char *p = NULL;							\
	size_t copied = 0;						\
	for (size_t i = 1; i <= steps; i++) {				\
		size_t old = (i - 1) * step, size = i * step;		\
		char *q = (REALLOC);					\
		if (q == NULL)						\
			die(#fn);					\
		if (p != NULL && q != p)				\
			copied += old;					\
		q[old] = (char)i;					\
		p = q;							\
	}								\
	grown = p;							\
	return copied;							\
}

/* bump_alloc: bump_malloc is the inline fast path from the header. */
FILL(bump_fill, bump_t *, bump_malloc(ctx, sizes[i]))
GROW(bump_grow, bump_t *, bump_realloc(ctx, p, size))
/* The library's function, to show what the inline path buys. */
FILL(bump_fill_call, bump_t *, (bump_malloc)(ctx, sizes[i]))

static void *
bump_create_flags(unsigned flags)
{
	bump_t *b = bump_create(0, flags);

	if (b == NULL)
		die("bump_create");
	return b;
}

static void *bump_create_plain(const struct workload *w) { (void)w; return bump_create_flags(0); }
static void *bump_create_ts(const struct workload *w) { (void)w; return bump_create_flags(BUMP_THREADSAFE); }
static void *bump_create_huge(const struct workload *w) { (void)w; return bump_create_flags(BUMP_HUGEPAGES); }

static void
bump_release_all(void *ctx, void **ptrs, size_t n)
{
	(void)ptrs;
	(void)n;
	bump_reset(ctx);
}

static void
bump_destroy_all(void *ctx, void **ptrs, size_t n)
{
	(void)ptrs;
	(void)n;
	bump_destroy(ctx);
}

/*
 * The physical limit: a pointer bump with 16-byte rounding over one
 * mapping, no checks but the end.  Warm rounds run over pages the first
 * round faulted in; cold rounds over a fresh mapping.
 */
struct limit {
	char *base, *top, *end;
	size_t size;
};

static inline void *
limit_alloc(struct limit *l, size_t n)
{
	char *p = (char *)(((uintptr_t)l->top + 15) & ~(uintptr_t)15);

	if (n > (size_t)(l->end - p))
		return NULL;
	l->top = p + n;
	return p;
}

/* The newest block grows where it stands. */
static inline void *
limit_realloc(struct limit *l, char *p, size_t n)
{
	if (p == NULL)
		return limit_alloc(l, n);
	l->top = p + n;
	return p;
}

FILL(limit_fill, struct limit *, limit_alloc(ctx, sizes[i]))
GROW(limit_grow, struct limit *, limit_realloc(ctx, p, size))

static void *
limit_create(const struct workload *w)
{
	struct limit *l = xmalloc(sizeof *l);
	size_t size = ((size_t)1 << 30) + 4 * w->n * 16;

	l->base = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (l->base == MAP_FAILED)
		die("mmap");
	l->top = l->base;
	l->end = l->base + size;
	l->size = size;
	return l;
}

static void
limit_release(void *ctx, void **ptrs, size_t n)
{
	struct limit *l = ctx;

	(void)ptrs;
	(void)n;
	l->top = l->base;
}

static void
limit_destroy(void *ctx, void **ptrs, size_t n)
{
	struct limit *l = ctx;

	(void)ptrs;
	(void)n;
	munmap(l->base, l->size);
	free(l);
}

/* glibc malloc + free of every block. */
FILL(malloc_fill, void *, ((void)ctx, malloc(sizes[i])))
GROW(malloc_grow, void *, ((void)ctx, realloc(p, size)))

static void *
malloc_create(const struct workload *w)
{
	(void)w;
	return NULL;
}

static void
malloc_release(void *ctx, void **ptrs, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		free(ptrs[i]);
}

#ifdef HAVE_OBSTACK_H
struct ob {
	struct obstack ob;
	void *base;
};

FILL(obstack_fill, struct ob *, obstack_alloc(&ctx->ob, sizes[i]))

static size_t
obstack_grow_test(void *vctx, size_t steps, size_t step)
{
	struct ob *o = vctx;
	size_t copied = 0;
	char *p = obstack_base(&o->ob);

	for (size_t i = 1; i <= steps; i++) {
		obstack_blank(&o->ob, (int)step);
		if ((char *)obstack_base(&o->ob) != p)
			copied += (i - 1) * step;
		p = obstack_base(&o->ob);
		p[(i - 1) * step] = (char)i;
	}
	grown = obstack_finish(&o->ob);
	return copied;
}

static void *
obstack_create(const struct workload *w)
{
	struct ob *o = xmalloc(sizeof *o);

	(void)w;
	obstack_init(&o->ob);
	o->base = obstack_alloc(&o->ob, 1);
	return o;
}

static void
obstack_release(void *ctx, void **ptrs, size_t n)
{
	struct ob *o = ctx;

	(void)ptrs;
	(void)n;
	obstack_free(&o->ob, o->base);
	o->base = obstack_alloc(&o->ob, 1);
}

static void
obstack_destroy(void *ctx, void **ptrs, size_t n)
{
	struct ob *o = ctx;

	(void)ptrs;
	(void)n;
	obstack_free(&o->ob, NULL);
	free(o);
}
#endif

#ifdef HAVE_APR
FILL(apr_fill, apr_pool_t *, apr_palloc(ctx, sizes[i]))

static void *
apr_create(const struct workload *w)
{
	apr_pool_t *p;

	(void)w;
	if (apr_pool_create(&p, NULL) != APR_SUCCESS)
		die("apr_pool_create");
	return p;
}

static void
apr_release(void *ctx, void **ptrs, size_t n)
{
	(void)ptrs;
	(void)n;
	apr_pool_clear(ctx);
}

static void
apr_destroy(void *ctx, void **ptrs, size_t n)
{
	(void)ptrs;
	(void)n;
	apr_pool_destroy(ctx);
}
#endif

#ifdef HAVE_TALLOC
/* A talloc pool sized for the whole round (each object has a header). */
FILL(talloc_fill, void *, talloc_size(ctx, sizes[i]))
GROW(talloc_grow, void *, talloc_realloc_size(ctx, p, size))

static void *
talloc_create(const struct workload *w)
{
	void *pool = talloc_pool(NULL, w->bytes + w->n * 128 + 4096);

	if (pool == NULL)
		die("talloc_pool");
	return pool;
}

static void
talloc_release(void *ctx, void **ptrs, size_t n)
{
	(void)ptrs;
	(void)n;
	talloc_free_children(ctx);
}

static void
talloc_destroy(void *ctx, void **ptrs, size_t n)
{
	(void)ptrs;
	(void)n;
	talloc_free(ctx);
}
#endif

#ifdef HAVE_MIMALLOC_H
/*
 * mimalloc is opened with dlopen: linked in, its malloc would replace
 * glibc's for the whole process, and the glibc row would measure mimalloc.
 */
static struct {
	void *(*heap_new)(void);
	void (*heap_destroy)(void *);
	void *(*heap_malloc)(void *, size_t);
	void *(*heap_realloc)(void *, void *, size_t);
	void (*collect)(int);
} mi;

static int
mi_open(void)
{
	void *h = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		return 0;
	*(void **)&mi.heap_new = dlsym(h, "mi_heap_new");
	*(void **)&mi.heap_destroy = dlsym(h, "mi_heap_destroy");
	*(void **)&mi.heap_malloc = dlsym(h, "mi_heap_malloc");
	*(void **)&mi.heap_realloc = dlsym(h, "mi_heap_realloc");
	*(void **)&mi.collect = dlsym(h, "mi_collect");
	return mi.heap_new && mi.heap_destroy && mi.heap_malloc &&
	    mi.heap_realloc && mi.collect;
}

FILL(mi_fill, void *, mi.heap_malloc(ctx, sizes[i]))
GROW(mi_grow, void *, mi.heap_realloc(ctx, p, size))

static void *
mi_create(const struct workload *w)
{
	void *h = mi.heap_new();

	(void)w;
	if (h == NULL)
		die("mi_heap_new");
	return h;
}

/* A heap is dropped whole with mi_heap_destroy; a warm round makes a new one. */
static void *mi_current;

static void
mi_release(void *ctx, void **ptrs, size_t n)
{
	(void)ptrs;
	(void)n;
	mi.heap_destroy(ctx);
	mi_current = mi_create(NULL);
}

static void
mi_destroy(void *ctx, void **ptrs, size_t n)
{
	(void)ptrs;
	(void)n;
	mi.heap_destroy(ctx);
}
#endif

#ifdef HAVE_PMR
static void *pmr_create(const struct workload *w) { (void)w; return bench_pmr_create(); }
static void pmr_fill(void *ctx, const uint32_t *sizes, size_t n, void **ptrs) { bench_pmr_fill(ctx, sizes, n, ptrs); }
static void pmr_release(void *ctx, void **ptrs, size_t n) { (void)ptrs; (void)n; bench_pmr_release(ctx); }
static void pmr_destroy(void *ctx, void **ptrs, size_t n) { (void)ptrs; (void)n; bench_pmr_destroy(ctx); }
#endif

/* ---- Strings built by appends ----------------------------------------------- */

/*
 * Each string is a run of pieces of 1-64 bytes cut from one source text,
 * appended one by one; a string ends once it reaches its length (10-1000
 * bytes).  Every allocator appends the same pieces and keeps each string.
 */
struct strwork {
	size_t n;		/* strings */
	uint32_t *npieces;	/* per string */
	uint16_t *piece;	/* lengths, all strings one after the other */
	uint32_t *offset;	/* where each piece starts in the source */
	size_t bytes;		/* sum of the strings' lengths */
};

static char source_text[1024 + 64];

static void
gen_strings(struct strwork *sw, size_t n)
{
	size_t cap = n * 40, k = 0;

	for (size_t i = 0; i < sizeof source_text; i++)
		source_text[i] = (char)('a' + rng() % 26);
	sw->n = n;
	sw->npieces = xmalloc(n * sizeof *sw->npieces);
	sw->piece = xmalloc(cap * sizeof *sw->piece);
	sw->offset = xmalloc(cap * sizeof *sw->offset);
	sw->bytes = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t want = 10 + (uint32_t)(rng() % 991), len = 0, np = 0;

		while (len < want) {
			uint32_t p = 1 + (uint32_t)(rng() % 64);

			if (p > want - len)
				p = want - len;
			if (k == cap) {
				cap *= 2;
				sw->piece = realloc(sw->piece, cap * sizeof *sw->piece);
				sw->offset = realloc(sw->offset, cap * sizeof *sw->offset);
				if (sw->piece == NULL || sw->offset == NULL)
					die("realloc");
			}
			sw->piece[k] = (uint16_t)p;
			sw->offset[k] = (uint32_t)(rng() % 1024);
			k++;
			np++;
			len += p;
		}
		sw->npieces[i] = np;
		sw->bytes += len;
	}
}

/* BUILD(fn, CTX_T, START, APPEND, FINISH): p, n is the piece; s the string. */
#define BUILD(fn, CTX_T, START, APPEND, FINISH)				\
static void								\
fn(void *vctx, const struct strwork *sw, void **out)			\
{									\
	CTX_T ctx = vctx;						\
	size_t k = 0;							\
	for (size_t i = 0; i < sw->n; i++) {				\
		START;							\
		for (uint32_t j = 0; j < sw->npieces[i]; j++, k++) {	\
			const char *p = source_text + sw->offset[k];	\
			size_t n = sw->piece[k];			\
			APPEND;						\
		}							\
		FINISH;							\
		if (out[i] == NULL)					\
			die(#fn);					\
	}								\
}

/* One builder per round, as a program keeps one per arena. */
BUILD(bump_build, bump_t *,
    bump_grow_t g; bump_grow_init(&g, ctx),
    if (bump_grow_append(&g, p, n) != 0) die("bump_grow_append"),
    out[i] = bump_grow_finish(&g, NULL))

/* glibc: realloc to the new length at every append, as talloc does. */
BUILD(malloc_build, void *,
    char *s = NULL; size_t len = 0; (void)ctx,
    if ((s = realloc(s, len + n + 1)) == NULL) die("realloc");
    memcpy(s + len, p, n); len += n; s[len] = '\0',
    out[i] = s)

#ifdef HAVE_OBSTACK_H
BUILD(obstack_build, struct ob *,
    (void)0,
    obstack_grow(&ctx->ob, p, (int)n),
    obstack_1grow(&ctx->ob, '\0'); out[i] = obstack_finish(&ctx->ob))
#endif

#ifdef HAVE_TALLOC
BUILD(talloc_build, void *,
    char *s = talloc_strdup(ctx, ""),
    if ((s = talloc_strndup_append_buffer(s, p, n)) == NULL)
	die("talloc_strndup_append_buffer"),
    out[i] = s)
#endif

/*
 * Before every cold round, whatever allocator: the C library, mimalloc
 * and bump_alloc's chunk cache give their free memory back to the OS, so the round starts from fresh
 * pages as a new process would (pools built on malloc included).
 */
static int mi_loaded;

static void
cold_prep(void)
{
	(void)bump_purge();	/* the chunk cache, as the others' free memory */
#ifdef HAVE_MALLOC_TRIM
	malloc_trim(0);
#endif
#ifdef HAVE_MIMALLOC_H
	if (mi_loaded)
		mi.collect(1);
#endif
}

enum { A_PLAIN, A_CALL, A_TS, A_HUGE, A_LIMIT, A_MALLOC, A_OBSTACK, A_APR, A_TALLOC,
	A_MIMALLOC, A_PMR, NALLOC };

static struct allocator allocators[NALLOC] = {
	[A_PLAIN] = { "bump_alloc", bump_create_plain, bump_fill,
	    bump_release_all, bump_destroy_all, bump_grow, 1 },
	[A_CALL] = { "bump_alloc (no inline)", bump_create_plain,
	    bump_fill_call, bump_release_all, bump_destroy_all, NULL, 1 },
	/* No growth row: a shared arena cannot know a block is the newest,
	 * so its realloc always copies (and fills 1 GiB quadratically). */
	[A_TS] = { "bump_alloc THREADSAFE", bump_create_ts, bump_fill,
	    bump_release_all, bump_destroy_all, NULL, 1 },
	[A_HUGE] = { "bump_alloc HUGEPAGES", bump_create_huge, bump_fill,
	    bump_release_all, bump_destroy_all, bump_grow, 1 },
	[A_LIMIT] = { "inline bump (limit)", limit_create, limit_fill,
	    limit_release, limit_destroy, limit_grow, 1 },
	[A_MALLOC] = { "glibc malloc+free", malloc_create, malloc_fill,
	    malloc_release, malloc_release, malloc_grow, 1 },
#ifdef HAVE_OBSTACK_H
	[A_OBSTACK] = { "obstack", obstack_create, obstack_fill,
	    obstack_release, obstack_destroy, obstack_grow_test, 1 },
#endif
#ifdef HAVE_APR
	[A_APR] = { "APR pool", apr_create, apr_fill, apr_release,
	    apr_destroy, NULL, 1 },
#endif
#ifdef HAVE_TALLOC
	[A_TALLOC] = { "talloc pool", talloc_create, talloc_fill,
	    talloc_release, talloc_destroy, talloc_grow, 1 },
#endif
#ifdef HAVE_MIMALLOC_H
	[A_MIMALLOC] = { "mimalloc heap", mi_create, mi_fill, mi_release,
	    mi_destroy, mi_grow, 0 /* once dlopen works */ },
#endif
#ifdef HAVE_PMR
	[A_PMR] = { "std::pmr::monotonic", pmr_create, pmr_fill, pmr_release,
	    pmr_destroy, NULL, 1 },
#endif
};

/* Who builds strings: the rows with growing objects, appends or realloc. */
static void (*builders[NALLOC])(void *, const struct strwork *, void **) = {
	[A_PLAIN] = bump_build,
	[A_TS] = bump_build,
	[A_MALLOC] = malloc_build,
#ifdef HAVE_OBSTACK_H
	[A_OBSTACK] = obstack_build,
#endif
#ifdef HAVE_TALLOC
	[A_TALLOC] = talloc_build,
#endif
};

/* ---- Timing ---------------------------------------------------------------- */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void **ptrs;
static int rounds = 11;

/* The current instance of each allocator for warm rounds. */
static void *warm_ctx[NALLOC];

static void *
ctx_of(int a)
{
#ifdef HAVE_MIMALLOC_H
	if (a == A_MIMALLOC)
		return mi_current;
#endif
	return warm_ctx[a];
}

static double
time_cold(struct allocator *al, const struct workload *w)
{
	double t;
	void *ctx;

	cold_prep();
	t = now_ns();
	ctx = al->create(w);
	al->fill(ctx, w->sizes, w->n, ptrs);
	al->destroy(ctx, ptrs, w->n);
	return (now_ns() - t) / (double)w->n;
}

static double
time_warm(int a, const struct workload *w)
{
	struct allocator *al = &allocators[a];
	double t = now_ns();

	al->fill(ctx_of(a), w->sizes, w->n, ptrs);
	al->release(ctx_of(a), ptrs, w->n);
	return (now_ns() - t) / (double)w->n;
}

/*
 * Requests of `per` allocations each: create, fill, destroy.  one describes
 * a single request (talloc sizes its pool from it).
 */
static double
time_requests(int a, const struct workload *w, const struct workload *one)
{
	struct allocator *al = &allocators[a];
	size_t per = one->n, done = 0;
	double t = now_ns();

	for (size_t r = 0; r + per <= w->n; r += per, done += per) {
		void *ctx;

		if (a == A_LIMIT) {	/* the limit has no instance to make */
			al->fill(warm_ctx[a], w->sizes + r, per, ptrs);
			al->release(warm_ctx[a], ptrs, per);
			continue;
		}
		ctx = al->create(one);
		al->fill(ctx, w->sizes + r, per, ptrs);
		al->destroy(ctx, ptrs, per);
	}
	return (now_ns() - t) / (double)done;
}

struct result {
	double cold, warm;
	double extra;		/* bytes copied for the growth workload */
	int have_cold, have_warm;
	double *cold_r, *warm_r;	/* every round, in order */
};

/* A copy of one allocator's rounds, before median() sorts them. */
static double *
keep(const double *v)
{
	double *copy = xmalloc((size_t)rounds * sizeof *copy);

	memcpy(copy, v, (size_t)rounds * sizeof *copy);
	return copy;
}

static struct result results[8][NALLOC];

static void
start_warm(const struct workload *w)
{
	for (int a = 0; a < NALLOC; a++) {
		if (!allocators[a].available)
			continue;
		warm_ctx[a] = allocators[a].create(w);
#ifdef HAVE_MIMALLOC_H
		if (a == A_MIMALLOC)
			mi_current = warm_ctx[a];
#endif
		/* One round to fault the pages in and size the pools. */
		allocators[a].fill(ctx_of(a), w->sizes, w->n, ptrs);
		allocators[a].release(ctx_of(a), ptrs, w->n);
	}
}

static void
stop_warm(const struct workload *w)
{
	for (int a = 0; a < NALLOC; a++)
		if (allocators[a].available)
			allocators[a].destroy(ctx_of(a), ptrs, 0);
	(void)w;
}

/* Cold and warm rounds of one workload, interleaved over allocators. */
static void
run_fill(int wi, const struct workload *w)
{
	double *cold = xmalloc((size_t)rounds * NALLOC * sizeof *cold);
	double *warm = xmalloc((size_t)rounds * NALLOC * sizeof *warm);

	/* Warm rounds first: a cold round's malloc_trim would cool them. */
	start_warm(w);
	for (int r = 0; r < rounds; r++)
		for (int a = 0; a < NALLOC; a++)
			if (allocators[a].available)
				warm[a * rounds + r] = time_warm(a, w);
	stop_warm(w);
	for (int r = 0; r < rounds; r++)
		for (int a = 0; a < NALLOC; a++)
			if (allocators[a].available)
				cold[a * rounds + r] = time_cold(&allocators[a], w);
	for (int a = 0; a < NALLOC; a++) {
		if (!allocators[a].available)
			continue;
		results[wi][a].cold_r = keep(cold + a * rounds);
		results[wi][a].warm_r = keep(warm + a * rounds);
		results[wi][a].cold = median(cold + a * rounds, rounds);
		results[wi][a].warm = median(warm + a * rounds, rounds);
		results[wi][a].have_cold = results[wi][a].have_warm = 1;
	}
	free(cold);
	free(warm);
}

static void
run_requests(int wi, const struct workload *w, size_t per)
{
	double *warm = xmalloc((size_t)rounds * NALLOC * sizeof *warm);
	struct workload one = *w;

	one.n = per;
	one.bytes = w->bytes / (w->n / per) * 2;
	/* The limit reuses one mapping, faulted in first, for every request. */
	warm_ctx[A_LIMIT] = limit_create(w);
	allocators[A_LIMIT].fill(warm_ctx[A_LIMIT], w->sizes, w->n, ptrs);
	limit_release(warm_ctx[A_LIMIT], ptrs, w->n);
	for (int r = 0; r < rounds; r++)
		for (int a = 0; a < NALLOC; a++)
			if (allocators[a].available)
				warm[a * rounds + r] = time_requests(a, w, &one);
	limit_destroy(warm_ctx[A_LIMIT], ptrs, 0);
	for (int a = 0; a < NALLOC; a++)
		if (allocators[a].available) {
			results[wi][a].warm_r = keep(warm + a * rounds);
			results[wi][a].warm = median(warm + a * rounds, rounds);
			results[wi][a].have_warm = 1;
		}
	free(warm);
}

/*
 * One array doubled by bump_realloc from 128 B to 4 MiB in a fresh default
 * arena: what bump_used says at the end, and the bytes copied by its moves
 * (a move copies the old size).  Not timed: a promise about memory.
 */
#define FRESH_GROWTH_FINAL ((size_t)4 << 20)
static size_t fresh_growth_used, fresh_growth_copied, fresh_growth_moves;

static void
run_fresh_growth(void)
{
	bump_t *b = bump_create_flags(0);
	char *p = NULL;

	for (size_t n = 128, old = 0; n <= FRESH_GROWTH_FINAL; old = n, n *= 2) {
		char *q = bump_realloc(b, p, n);

		if (q == NULL)
			die("bump_realloc");
		if (p != NULL && q != p) {
			fresh_growth_copied += old;
			fresh_growth_moves++;
		}
		memset(q + old, 1, n - old);
		p = q;
	}
	fresh_growth_used = bump_used(b);
	bump_destroy(b);
}

/* Growing one array by realloc: ns per realloc call, bytes copied. */
static void
run_grow(int wi, size_t steps, size_t step)
{
	double *cold = xmalloc((size_t)rounds * NALLOC * sizeof *cold);
	double *warm = xmalloc((size_t)rounds * NALLOC * sizeof *warm);
	struct workload w = { "grow", "", NULL, steps, steps * step };
	size_t copied[NALLOC] = { 0 };

	for (int a = 0; a < NALLOC; a++)
		if (allocators[a].available && allocators[a].grow) {
			warm_ctx[a] = allocators[a].create(&w);
#ifdef HAVE_MIMALLOC_H
			if (a == A_MIMALLOC)
				mi_current = warm_ctx[a];
#endif
			allocators[a].grow(ctx_of(a), steps, step);
			allocators[a].release(ctx_of(a), &grown, 1);
		}
	for (int r = 0; r < rounds; r++)
		for (int a = 0; a < NALLOC; a++) {
			struct allocator *al = &allocators[a];
			double t;

			if (!al->available || al->grow == NULL)
				continue;
			t = now_ns();
			copied[a] = al->grow(ctx_of(a), steps, step);
			al->release(ctx_of(a), &grown, 1);
			warm[a * rounds + r] = (now_ns() - t) / (double)steps;
		}
	for (int a = 0; a < NALLOC; a++)
		if (allocators[a].available && allocators[a].grow)
			allocators[a].destroy(ctx_of(a), NULL, 0);
	for (int r = 0; r < rounds; r++)
		for (int a = 0; a < NALLOC; a++) {
			struct allocator *al = &allocators[a];
			double t;
			void *ctx;

			if (!al->available || al->grow == NULL)
				continue;
			cold_prep();
			t = now_ns();
			ctx = al->create(&w);
			(void)al->grow(ctx, steps, step);
			al->destroy(ctx, &grown, 1);
			cold[a * rounds + r] = (now_ns() - t) / (double)steps;
		}
	for (int a = 0; a < NALLOC; a++) {
		struct result *res = &results[wi][a];

		if (!allocators[a].available || allocators[a].grow == NULL)
			continue;
		res->cold = median(cold + a * rounds, rounds);
		res->warm = median(warm + a * rounds, rounds);
		res->extra = (double)copied[a];
		res->have_cold = res->have_warm = 1;
	}
	free(cold);
	free(warm);
}

/* Every string holds exactly its pieces and a NUL: the rows build the same. */
static void
check_strings(int a, const struct strwork *sw)
{
	size_t k = 0;

	for (size_t i = 0; i < sw->n; i++) {
		const char *s = ptrs[i];

		for (uint32_t j = 0; j < sw->npieces[i]; j++, k++) {
			if (memcmp(s, source_text + sw->offset[k], sw->piece[k]) != 0) {
				fprintf(stderr, "bench: %s built string %zu wrong\n",
				    allocators[a].name, i);
				exit(1);
			}
			s += sw->piece[k];
		}
		if (*s != '\0') {
			fprintf(stderr, "bench: %s: string %zu not terminated\n",
			    allocators[a].name, i);
			exit(1);
		}
	}
}

/* Building strings by appends: ns per string, warm and cold. */
static void
run_strings(int wi, const struct strwork *sw)
{
	double *cold = xmalloc((size_t)rounds * NALLOC * sizeof *cold);
	double *warm = xmalloc((size_t)rounds * NALLOC * sizeof *warm);
	struct workload w = { "strings", "", NULL, sw->n, sw->bytes };
	double t;

	for (int a = 0; a < NALLOC; a++)
		if (allocators[a].available && builders[a]) {
			warm_ctx[a] = allocators[a].create(&w);
			builders[a](warm_ctx[a], sw, ptrs);
			check_strings(a, sw);
			allocators[a].release(warm_ctx[a], ptrs, sw->n);
		}
	for (int r = 0; r < rounds; r++)
		for (int a = 0; a < NALLOC; a++) {
			if (!allocators[a].available || !builders[a])
				continue;
			t = now_ns();
			builders[a](warm_ctx[a], sw, ptrs);
			allocators[a].release(warm_ctx[a], ptrs, sw->n);
			warm[a * rounds + r] = (now_ns() - t) / (double)sw->n;
		}
	for (int a = 0; a < NALLOC; a++)
		if (allocators[a].available && builders[a])
			allocators[a].destroy(warm_ctx[a], ptrs, 0);
	for (int r = 0; r < rounds; r++)
		for (int a = 0; a < NALLOC; a++) {
			void *ctx;

			if (!allocators[a].available || !builders[a])
				continue;
			cold_prep();
			t = now_ns();
			ctx = allocators[a].create(&w);
			builders[a](ctx, sw, ptrs);
			allocators[a].destroy(ctx, ptrs, sw->n);
			cold[a * rounds + r] = (now_ns() - t) / (double)sw->n;
		}
	for (int a = 0; a < NALLOC; a++) {
		struct result *res = &results[wi][a];

		if (!allocators[a].available || !builders[a])
			continue;
		res->cold_r = keep(cold + a * rounds);
		res->warm_r = keep(warm + a * rounds);
		res->cold = median(cold + a * rounds, rounds);
		res->warm = median(warm + a * rounds, rounds);
		res->have_cold = res->have_warm = 1;
	}
	free(cold);
	free(warm);
}

/* ---- Standard containers: std::allocator, std::pmr, bump::allocator ------ */

#ifdef HAVE_PMR
static const char *cxx_names[3] = { "std::allocator", "std::pmr::monotonic",
	"bump::allocator" };
static const char *cxx_containers[2] = { "vector push_back", "map insert" };
static double cxx_ns[2][3];
static double *cxx_r[2][3];

/*
 * Fill a std::vector by push_back (no reserve) and a std::map by insert,
 * ns per element, interleaved rounds.  std::allocator is glibc's malloc;
 * the monotonic resource is made per round over new/delete, as a function
 * would; the arena is one warm arena, reset after each round.
 */
static void
run_containers(const struct workload *w, size_t n_vec, size_t n_map)
{
	bump_t *b = bump_create_flags(0);
	size_t n[2] = { n_vec, n_map };
	double *v[2][3];

	for (int c = 0; c < 2; c++)
		for (int h = 0; h < 3; h++) {
			v[c][h] = xmalloc((size_t)rounds * sizeof(double));
			bench_cxx_run(c, h, h == BENCH_CXX_BUMP ? b : NULL,
			    w->sizes, n[c]);	/* warm up */
		}
	for (int r = 0; r < rounds; r++)
		for (int c = 0; c < 2; c++)
			for (int h = 0; h < 3; h++) {
				double t = now_ns();

				bench_cxx_run(c, h, h == BENCH_CXX_BUMP ? b : NULL,
				    w->sizes, n[c]);
				v[c][h][r] = (now_ns() - t) / (double)n[c];
			}
	for (int c = 0; c < 2; c++)
		for (int h = 0; h < 3; h++) {
			cxx_r[c][h] = keep(v[c][h]);
			cxx_ns[c][h] = median(v[c][h], rounds);
			free(v[c][h]);
		}
	bump_destroy(b);
}
#endif

/* ---- Threads sharing one BUMP_THREADSAFE arena -------------------------- */

struct worker {
	bump_t *arena;
	const uint32_t *sizes;
	size_t n;
	void **ptrs;
	pthread_barrier_t *start;
	double began, ended;
};

static void *
worker_main(void *arg)
{
	struct worker *wk = arg;

	pthread_barrier_wait(wk->start);
	wk->began = now_ns();
	bump_fill(wk->arena, wk->sizes, wk->n, wk->ptrs);
	wk->ended = now_ns();
	return NULL;
}

/*
 * Wall time per allocation of n allocations split over nthreads: from the
 * first worker's start to the last one's end, as the workers saw them (the
 * main thread may be descheduled on a busy machine).
 */
static double
time_threads(bump_t *b, const struct workload *w, int nthreads)
{
	pthread_t tid[2];
	struct worker wk[2];
	pthread_barrier_t start;
	size_t per = w->n / (size_t)nthreads;
	double t, first, last;

	pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
	for (int i = 0; i < nthreads; i++) {
		wk[i] = (struct worker){ b, w->sizes + (size_t)i * per, per,
		    ptrs + (size_t)i * per, &start, 0, 0 };
		if (pthread_create(&tid[i], NULL, worker_main, &wk[i]) != 0)
			die("pthread_create");
	}
	pthread_barrier_wait(&start);
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	first = wk[0].began;
	last = wk[0].ended;
	for (int i = 1; i < nthreads; i++) {
		first = wk[i].began < first ? wk[i].began : first;
		last = wk[i].ended > last ? wk[i].ended : last;
	}
	t = last - first;
	pthread_barrier_destroy(&start);
	bump_reset(b);
	return t / (double)(per * (size_t)nthreads);
}

static double thread_ns[2];
static double *thread_r[2];

static void
run_threads(const struct workload *w)
{
	double *v[2] = { xmalloc((size_t)rounds * sizeof(double)),
	    xmalloc((size_t)rounds * sizeof(double)) };
	bump_t *b = bump_create_flags(BUMP_THREADSAFE);

	(void)time_threads(b, w, 2);	/* commit and fault the pages */
	for (int r = 0; r < rounds; r++)
		for (int t = 0; t < 2; t++)
			v[t][r] = time_threads(b, w, t + 1);
	bump_destroy(b);
	for (int t = 0; t < 2; t++) {
		thread_r[t] = keep(v[t]);
		thread_ns[t] = median(v[t], rounds);
		free(v[t]);
	}
}

/* ---- Many live arenas; arena per request with 1,000 in flight ------------ */

/* Resident set size in KiB (VmRSS), or -1. */
static long
rss_kib(void)
{
	char buf[4096];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(buf, sizeof buf, f) != NULL)
		if (strncmp(buf, "VmRSS:", 6) == 0)
			kib = strtol(buf + 6, NULL, 10);
	fclose(f);
	return kib;
}

/* The allocators with an instance per arena/pool/heap/request. */
static const int scale_allocs[] = { A_PLAIN, A_APR, A_TALLOC, A_MIMALLOC,
	A_MALLOC };
#define NSCALE (sizeof scale_allocs / sizeof scale_allocs[0])

enum { MANY_ROWS = 2 };
static const size_t many_n[MANY_ROWS] = { 100000, 1000000 };
struct many_result { double create_ns, rss_bytes; int done; };
static struct many_result many_res[MANY_ROWS][NALLOC];

/*
 * n live arenas of 100 bytes each: one create and one 100-byte
 * allocation per arena, all alive at once; ns per arena and RSS per arena.
 * APR pools and mimalloc heaps cost 4 KiB and more each: their million
 * would take GiBs of a shared machine, so they run the 100,000 row only.
 */
static void
run_many(int row)
{
	size_t n = many_n[row];
	uint32_t size = 100;
	struct workload one = { "one", "", &size, 1, 100 };
	void **ctx = xmalloc(n * sizeof *ctx), **p = xmalloc(n * sizeof *p);

	for (size_t k = 0; k < NSCALE; k++) {
		int a = scale_allocs[k];
		struct allocator *al = &allocators[a];
		double t;
		long r0, r1;

		if (!al->available || (n > 100000 && (a == A_APR ||
		    a == A_MIMALLOC)))
			continue;
		cold_prep();
		r0 = rss_kib();
		t = now_ns();
		for (size_t i = 0; i < n; i++) {
			ctx[i] = al->create(&one);
			al->fill(ctx[i], &size, 1, &p[i]);
		}
		t = now_ns() - t;
		r1 = rss_kib();
		/*
		 * Newest first: mimalloc keeps a thread's heaps on a list it
		 * walks to unlink one, and 100,000 destroyed oldest first took
		 * minutes (untimed, but the whole bench waited).
		 */
		for (size_t i = n; i-- > 0;)
			al->destroy(ctx[i], &p[i], 1);
		many_res[row][a] = (struct many_result){ t / (double)n,
		    r0 < 0 ? -1 : (double)(r1 - r0) * 1024.0 / (double)n, 1 };
	}
	free(ctx);
	free(p);
}

/*
 * 200,000 arenas of 100 bytes destroyed, then bump_purge(): RSS before they
 * were made, while they lived, after the purge, and what the purge said it
 * gave back.  The arenas' share is what RSS rose by: the peers measured
 * before in this process keep what their allocators never give back.
 */
enum { PURGE_ARENAS = 200000 };
static long purge_before_kib = -1, purge_live_kib = -1, purge_after_kib = -1;
static size_t purge_given;

static void
run_purge(void)
{
	bump_t **b = xmalloc(PURGE_ARENAS * sizeof *b);

	(void)bump_purge();
	purge_before_kib = rss_kib();
	for (size_t i = 0; i < PURGE_ARENAS; i++) {
		char *p;

		b[i] = bump_create_flags(0);
		if ((p = bump_malloc(b[i], 100)) == NULL)
			die("bump_malloc");
		memset(p, 1, 100);
	}
	purge_live_kib = rss_kib();
	for (size_t i = 0; i < PURGE_ARENAS; i++)
		bump_destroy(b[i]);
	purge_given = bump_purge();
	purge_after_kib = rss_kib();
	free(b);
}

enum { INFLIGHT = 1000, PER_REQUEST = 100 };
static double *inflight_r[NALLOC];	/* ns per request, every round */
static double inflight_ns[NALLOC];

/*
 * Arena per request with INFLIGHT requests alive: destroy the oldest,
 * create a new one, PER_REQUEST allocations of 16-79 bytes; ns per
 * request, rounds interleaved over the allocators.
 */
static void
run_inflight(size_t requests)
{
	struct workload all;
	uint32_t *sizes;
	void **ring = xmalloc(INFLIGHT * sizeof *ring);
	void **ptr = xmalloc((size_t)INFLIGHT * PER_REQUEST * sizeof *ptr);
	double *v = xmalloc((size_t)rounds * NALLOC * sizeof *v);

	gen_uniform(&all, requests * PER_REQUEST, 16, 79);
	sizes = all.sizes;
	for (int r = 0; r < rounds; r++)
		for (size_t k = 0; k < NSCALE; k++) {
			int a = scale_allocs[k];
			struct allocator *al = &allocators[a];
			struct workload one = { "request", "", sizes,
			    PER_REQUEST, PER_REQUEST * 48 };
			double t;

			if (!al->available)
				continue;
			for (size_t i = 0; i < INFLIGHT; i++) {
				ring[i] = al->create(&one);
				al->fill(ring[i], sizes, PER_REQUEST,
				    ptr + i * PER_REQUEST);
			}
			t = now_ns();
			for (size_t q = 0; q < requests; q++) {
				size_t i = q % INFLIGHT;
				void **slot = ptr + i * PER_REQUEST;

				al->destroy(ring[i], slot, PER_REQUEST);
				ring[i] = al->create(&one);
				al->fill(ring[i], sizes + q * PER_REQUEST,
				    PER_REQUEST, slot);
			}
			v[a * rounds + r] = (now_ns() - t) / (double)requests;
			for (size_t i = 0; i < INFLIGHT; i++)
				al->destroy(ring[i], ptr + i * PER_REQUEST,
				    PER_REQUEST);
		}
	for (size_t k = 0; k < NSCALE; k++) {
		int a = scale_allocs[k];

		if (!allocators[a].available)
			continue;
		inflight_r[a] = keep(v + a * rounds);
		inflight_ns[a] = median(v + a * rounds, rounds);
	}
	free(v);
	free(ring);
	free(ptr);
	free(sizes);
}

/*
 * Arena per request that owns things, as APR pools do: besides its
 * PER_REQUEST allocations of 16-79 B, each request's arena registers one
 * cleanup and makes one child arena (every tenth allocation goes there).
 * INFLIGHT requests alive: destroy the oldest (which runs its cleanup and
 * destroys its child), make a new one; ns per request, rounds interleaved.
 */
enum { OWNED_BUMP, OWNED_APR, OWNED_KINDS };
static const char *const owned_names[OWNED_KINDS] = { "bump_alloc", "APR pool" };
static double *owned_r[OWNED_KINDS];
static double owned_ns[OWNED_KINDS];
static unsigned long cleanups_run;

static void
count_cleanup(void *arg)
{
	(void)arg;
	cleanups_run++;
}

static void *
bump_owned_open(const uint32_t *sizes, void **blocks)
{
	bump_t *b = bump_create(0, 0), *child;

	if (b == NULL || bump_cleanup_add(b, count_cleanup, NULL) == NULL ||
	    (child = bump_create_child(b, 0, 0)) == NULL)
		die("bump_owned_open");
	for (size_t i = 0; i < PER_REQUEST; i++) {
		char *p = bump_malloc(i % 10 == 9 ? child : b, sizes[i]);

		if (p == NULL)
			die("bump_malloc");
		p[0] = (char)i;
		blocks[i] = p;
	}
	return b;
}

static void
bump_owned_close(void *request)
{
	bump_destroy(request);
}

#ifdef HAVE_APR
static apr_status_t
apr_count_cleanup(void *arg)
{
	count_cleanup(arg);
	return APR_SUCCESS;
}

static void *
apr_owned_open(const uint32_t *sizes, void **blocks)
{
	apr_pool_t *p, *child;

	if (apr_pool_create(&p, NULL) != APR_SUCCESS)
		die("apr_pool_create");
	apr_pool_cleanup_register(p, NULL, apr_count_cleanup,
	    apr_pool_cleanup_null);
	if (apr_pool_create(&child, p) != APR_SUCCESS)
		die("apr_pool_create (sub-pool)");
	for (size_t i = 0; i < PER_REQUEST; i++) {
		char *q = apr_palloc(i % 10 == 9 ? child : p, sizes[i]);

		if (q == NULL)
			die("apr_palloc");
		q[0] = (char)i;
		blocks[i] = q;
	}
	return p;
}

static void
apr_owned_close(void *request)
{
	apr_pool_destroy(request);
}
#endif

static const struct {
	void *(*open)(const uint32_t *sizes, void **blocks);
	void (*close)(void *request);
} owned_kinds[OWNED_KINDS] = {
	[OWNED_BUMP] = { bump_owned_open, bump_owned_close },
#ifdef HAVE_APR
	[OWNED_APR] = { apr_owned_open, apr_owned_close },
#endif
};

/* One round of kind k: ns per request; every cleanup must have run once. */
static double
time_owned(int k, const uint32_t *sizes, size_t requests, void **ring,
    void **ptr)
{
	unsigned long before = cleanups_run;
	double t;

	for (size_t i = 0; i < INFLIGHT; i++)
		ring[i] = owned_kinds[k].open(sizes, ptr + i * PER_REQUEST);
	t = now_ns();
	for (size_t q = 0; q < requests; q++) {
		size_t i = q % INFLIGHT;

		owned_kinds[k].close(ring[i]);
		ring[i] = owned_kinds[k].open(sizes + q * PER_REQUEST,
		    ptr + i * PER_REQUEST);
	}
	t = now_ns() - t;
	for (size_t i = 0; i < INFLIGHT; i++)
		owned_kinds[k].close(ring[i]);
	if (cleanups_run - before != requests + INFLIGHT)
		die("a request's cleanup");
	return t / (double)requests;
}

static void
run_owned(size_t requests)
{
	struct workload all;
	void **ring = xmalloc(INFLIGHT * sizeof *ring);
	void **ptr = xmalloc((size_t)INFLIGHT * PER_REQUEST * sizeof *ptr);
	double *v = xmalloc((size_t)rounds * OWNED_KINDS * sizeof *v);

	gen_uniform(&all, requests * PER_REQUEST, 16, 79);
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < OWNED_KINDS; k++)
			if (owned_kinds[k].open != NULL &&
			    (k != OWNED_APR || allocators[A_APR].available))
				v[k * rounds + r] = time_owned(k, all.sizes,
				    requests, ring, ptr);
	for (int k = 0; k < OWNED_KINDS; k++)
		if (owned_kinds[k].open != NULL &&
		    (k != OWNED_APR || allocators[A_APR].available)) {
			owned_r[k] = keep(v + k * rounds);
			owned_ns[k] = median(v + k * rounds, rounds);
		}
	free(v);
	free(ring);
	free(ptr);
	free(all.sizes);
}

static void
print_scale(size_t requests)
{
	for (int row = 0; row < MANY_ROWS; row++) {
		printf("\nmany-arenas: %zu live arenas of 100 bytes (create + "
		    "one 100-byte allocation each, all alive)\n", many_n[row]);
		printf("  %-24s %12s %14s\n", "allocator", "ns/arena",
		    "RSS B/arena");
		for (size_t k = 0; k < NSCALE; k++) {
			int a = scale_allocs[k];
			struct many_result *m = &many_res[row][a];

			if (!m->done)
				continue;
			printf("  %-24s %12.1f %14.0f\n", allocators[a].name,
			    m->create_ns, m->rss_bytes);
		}
	}
	printf("\npurge: %d arenas of 100 bytes destroyed, then bump_purge(): "
	    "RSS %ld KiB before, %ld KiB while they lived, %ld KiB after; "
	    "%zu KiB reported\n", PURGE_ARENAS, purge_before_kib,
	    purge_live_kib, purge_after_kib, purge_given >> 10);
	printf("\narena-per-request-inflight: %d requests alive; destroy the "
	    "oldest, create, %d allocations of 16-79 B (%zu requests, median "
	    "of %d rounds)\n", INFLIGHT, PER_REQUEST, requests, rounds);
	printf("  %-24s %12s\n", "allocator", "ns/request");
	for (size_t k = 0; k < NSCALE; k++) {
		int a = scale_allocs[k];

		if (inflight_r[a] != NULL)
			printf("  %-24s %12.1f\n", allocators[a].name,
			    inflight_ns[a]);
	}
	printf("\narena-per-request-owned: as above, and each request's arena "
	    "registers a cleanup and makes a child arena (every tenth "
	    "allocation there); destroying it runs and destroys them\n");
	printf("  %-24s %12s\n", "allocator", "ns/request");
	for (int k = 0; k < OWNED_KINDS; k++)
		if (owned_r[k] != NULL)
			printf("  %-24s %12.1f\n", owned_names[k], owned_ns[k]);
}

/* ---- Output ---------------------------------------------------------------- */

enum { W_SMALL, W_MIXED, W_GROW, W_REQUEST, W_STRINGS, NWORK };
static const char *work_names[NWORK] = { "small", "mixed", "realloc-growth",
	"arena-per-request", "strings" };
static const char *work_what[NWORK] = {
	"8-64 B blocks, ns per allocation",
	"8 B-8 KiB blocks (log-uniform), ns per allocation",
	"one array grown by realloc 16 B at a time, ns per realloc",
	"create, 1000 small allocations, destroy; ns per allocation",
	"strings of 10-1000 B built by appends of 1-64 B, ns per string",
};

static void
print_table(int wi, size_t n)
{
	double limit = results[wi][A_LIMIT].warm;

	printf("\n%s: %s (%zu per round, median of %d rounds)\n",
	    work_names[wi], work_what[wi], n, rounds);
	printf("  %-24s %9s %9s %9s%s\n", "allocator", "cold", "warm",
	    "warm/limit", wi == W_GROW ? "  bytes copied" : "");
	for (int a = 0; a < NALLOC; a++) {
		struct result *res = &results[wi][a];

		if (!res->have_warm)
			continue;
		printf("  %-24s ", allocators[a].name);
		if (res->have_cold)
			printf("%9.2f ", res->cold);
		else
			printf("%9s ", "-");
		if (limit > 0)
			printf("%9.2f %9.2fx", res->warm, res->warm / limit);
		else
			printf("%9.2f %10s", res->warm, "-");
		if (wi == W_GROW)
			printf("  %12.0f", res->extra);
		printf("\n");
	}
}

static void
print_csv(FILE *f)
{
	fprintf(f, "workload,allocator,cold_ns,warm_ns,bytes_copied\n");
	for (int wi = 0; wi < NWORK; wi++)
		for (int a = 0; a < NALLOC; a++) {
			struct result *res = &results[wi][a];

			if (!res->have_warm)
				continue;
			fprintf(f, "%s,%s,", work_names[wi], allocators[a].name);
			if (res->have_cold)
				fprintf(f, "%.3f", res->cold);
			fprintf(f, ",%.3f,", res->warm);
			if (wi == W_GROW)
				fprintf(f, "%.0f", res->extra);
			fprintf(f, "\n");
		}
#ifdef HAVE_PMR
	for (int c = 0; c < 2; c++)
		for (int h = 0; h < 3; h++)
			fprintf(f, "containers,%s %s,,%.3f,\n", cxx_names[h],
			    cxx_containers[c], cxx_ns[c][h]);
#endif
	fprintf(f, "threads,bump_alloc THREADSAFE 1 thread,,%.3f,\n", thread_ns[0]);
	fprintf(f, "threads,bump_alloc THREADSAFE 2 threads,,%.3f,\n", thread_ns[1]);
	/* many-arenas rows: cold_ns is ns per arena, bytes_copied RSS per arena. */
	for (int row = 0; row < MANY_ROWS; row++)
		for (int a = 0; a < NALLOC; a++)
			if (many_res[row][a].done)
				fprintf(f, "many-arenas-%zu,%s,%.3f,,%.0f\n",
				    many_n[row], allocators[a].name,
				    many_res[row][a].create_ns,
				    many_res[row][a].rss_bytes);
	for (int a = 0; a < NALLOC; a++)
		if (inflight_r[a] != NULL)
			fprintf(f, "arena-per-request-inflight,%s,,%.3f,\n",
			    allocators[a].name, inflight_ns[a]);
	for (int k = 0; k < OWNED_KINDS; k++)
		if (owned_r[k] != NULL)
			fprintf(f, "arena-per-request-owned,%s,,%.3f,\n",
			    owned_names[k], owned_ns[k]);
}

/* Best (lowest) figure among the peers, which are not bump_alloc rows. */
static double
best_peer(int wi, int cold, int *who)
{
	double best = 0;

	for (int a = A_MALLOC; a < NALLOC; a++) {
		struct result *res = &results[wi][a];
		double v = cold ? res->cold : res->warm;

		if (!(cold ? res->have_cold : res->have_warm))
			continue;
		if (best == 0 || v < best) {
			best = v;
			*who = a;
		}
	}
	return best;
}

/*
 * The median over rounds of x[r] / y[r]: the two were measured side by
 * side in each round, so load from other processes mostly cancels out.
 */
static double
ratio(const double *x, const double *y)
{
	double *q = xmalloc((size_t)rounds * sizeof *q), m;

	for (int r = 0; r < rounds; r++)
		q[r] = x[r] / y[r];
	m = median(q, rounds);
	free(q);
	return m;
}

static void
target(const char *what, double value, const char *unit, int met)
{
	printf("  %-62s %8.2f%-3s %s\n", what, value, unit,
	    met ? "met" : "NOT MET");
}

static void
print_targets(void)
{
	struct result *s = results[W_SMALL], *m = results[W_MIXED];
	struct result *q = results[W_REQUEST];
	int who = A_MALLOC;
	double v;
	char line[128];

	printf("\ntargets (median over rounds of the ratio of side-by-side "
	    "measurements)\n");
	v = ratio(s[A_PLAIN].warm_r, s[A_LIMIT].warm_r);
	target("small warm: bump_alloc / inline limit <= 1.1", v, "x", v <= 1.1);
	(void)best_peer(W_SMALL, 0, &who);
	v = ratio(s[who].warm_r, s[A_PLAIN].warm_r);
	snprintf(line, sizeof line, "small warm: best peer (%s) / bump_alloc >= 1.3",
	    allocators[who].name);
	target(line, v, "x", v >= 1.3);
	(void)best_peer(W_MIXED, 0, &who);
	v = ratio(m[who].warm_r, m[A_PLAIN].warm_r);
	snprintf(line, sizeof line, "mixed warm: best peer (%s) / bump_alloc > 1",
	    allocators[who].name);
	target(line, v, "x", v > 1);
	(void)best_peer(W_MIXED, 1, &who);
	v = ratio(m[who].cold_r, m[A_PLAIN].cold_r);
	snprintf(line, sizeof line, "mixed cold: best peer (%s) / bump_alloc > 1",
	    allocators[who].name);
	target(line, v, "x", v > 1);
	v = ratio(s[A_HUGE].cold_r, s[A_HUGE].warm_r);
	target("small HUGEPAGES: cold / warm <= 2", v, "x", v <= 2);
	v = ratio(m[A_HUGE].cold_r, m[A_HUGE].warm_r);
	target("mixed HUGEPAGES: cold / warm <= 2", v, "x", v <= 2);
	if (allocators[A_MIMALLOC].available) {
		v = ratio(q[A_PLAIN].warm_r, q[A_MIMALLOC].warm_r);
		target("arena per request: bump_alloc / mimalloc heap <= 1", v,
		    "x", v <= 1);
	}
	v = results[W_GROW][A_PLAIN].extra;
	target("realloc growth: bytes copied by bump_alloc == 0", v, "B", v == 0);
	v = (double)fresh_growth_copied / (double)FRESH_GROWTH_FINAL;
	target("growing array to 4 MiB in a fresh default arena: bump_used <= "
	    "final + 64 KiB, bytes copied < final size", v, "x",
	    fresh_growth_used <= FRESH_GROWTH_FINAL + ((size_t)64 << 10) &&
	    fresh_growth_copied < FRESH_GROWTH_FINAL);
	v = ratio(s[A_TS].warm_r, s[A_PLAIN].warm_r);
	target("small warm: THREADSAFE / plain <= 3", v, "x", v <= 3);
	(void)best_peer(W_STRINGS, 0, &who);
	v = ratio(results[W_STRINGS][who].warm_r, results[W_STRINGS][A_PLAIN].warm_r);
	snprintf(line, sizeof line, "strings warm: best peer (%s) / bump_alloc > 1",
	    allocators[who].name);
	target(line, v, "x", v > 1);
#ifdef HAVE_OBSTACK_H
	v = ratio(results[W_STRINGS][A_OBSTACK].warm_r,
	    results[W_STRINGS][A_PLAIN].warm_r);
	target("strings warm: obstack / bump_alloc >= 1.0", v, "x", v >= 1.0);
#endif
#ifdef HAVE_PMR
	for (int c = 0; c < 2; c++) {
		v = ratio(cxx_r[c][BENCH_CXX_PMR], cxx_r[c][BENCH_CXX_BUMP]);
		snprintf(line, sizeof line, "%s: std::pmr::monotonic / bump::allocator >= 1",
		    cxx_containers[c]);
		target(line, v, "x", v >= 1);
	}
#endif
	v = many_res[1][A_PLAIN].done;
	target("1,000,000 live arenas of 100 bytes work", v, "", v == 1);
	v = many_res[1][A_PLAIN].done ? many_res[1][A_PLAIN].rss_bytes :
	    many_res[0][A_PLAIN].rss_bytes;
	target("RSS per small arena <= 1 KiB", v, "B", v >= 0 && v <= 1024);
	if (inflight_r[A_APR] != NULL) {
		v = ratio(inflight_r[A_APR], inflight_r[A_PLAIN]);
		target("arena per request, 1,000 in flight: APR / bump_alloc "
		    ">= 1.3", v, "x", v >= 1.3);
	}
	if (owned_r[OWNED_APR] != NULL) {
		v = ratio(owned_r[OWNED_APR], owned_r[OWNED_BUMP]);
		target("... with a cleanup and a child: APR / bump_alloc >= 1.3",
		    v, "x", v >= 1.3);
	}
	v = purge_live_kib > purge_before_kib && purge_before_kib > 0 ?
	    (double)(purge_after_kib - purge_before_kib) /
	    (double)(purge_live_kib - purge_before_kib) : -1;
	target("purge: what 200,000 small arenas added to RSS, left after "
	    "destroy + purge <= 1/4", v, "x", v >= 0 && v <= 0.25);
	v = ratio(thread_r[0], thread_r[1]);
	target("THREADSAFE: 2 threads' throughput / 1 thread's >= 1.5", v, "x",
	    v >= 1.5);
}

int
main(int argc, char **argv)
{
	struct workload small, mixed;
	struct strwork strings;
#ifdef HAVE_PMR
	struct workload keys;
#endif
	size_t n_small = 1000000, n_mixed = 50000, grow_steps = 100000;
	size_t n_strings = 100000, n_vec = 1000000, n_map = 100000;
	size_t requests = 50000;
	int csv = 0;
	const char *csv_file = NULL;
	const char *env = getenv("BENCH_ROUNDS");

	if (env != NULL && atoi(env) > 0)
		rounds = atoi(env);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--csv") == 0)
			csv = 1;
		else if (strcmp(argv[i], "--csv-file") == 0 && i + 1 < argc)
			csv_file = argv[++i];
		else if (strcmp(argv[i], "--quick") == 0) {
			n_small = 200000;
			n_mixed = 10000;
			grow_steps = 20000;
			n_strings = 20000;
			n_vec = 200000;
			n_map = 20000;
			requests = 10000;
			if (env == NULL)
				rounds = 3;
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc &&
		    atoi(argv[i + 1]) > 0)
			rounds = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--csv] [--csv-file FILE] [--quick] [--rounds N]\n",
			    argv[0]);
			return 2;
		}
	}
#ifdef HAVE_APR
	if (apr_initialize() != APR_SUCCESS)
		allocators[A_APR].available = 0;
#endif
#ifdef HAVE_MIMALLOC_H
	allocators[A_MIMALLOC].available = mi_loaded = mi_open();
#endif
	gen_uniform(&small, n_small, 8, 64);
	gen_log(&mixed, n_mixed, 8, 8192);
	ptrs = xmalloc(n_small * sizeof *ptrs);
	memset(ptrs, 0, n_small * sizeof *ptrs);

	run_fill(W_SMALL, &small);
	run_fill(W_MIXED, &mixed);
	run_grow(W_GROW, grow_steps, 16);
	run_fresh_growth();
	run_requests(W_REQUEST, &small, 1000);
	gen_strings(&strings, n_strings);
	run_strings(W_STRINGS, &strings);
#ifdef HAVE_PMR
	gen_uniform(&keys, n_vec, 0, UINT32_MAX - 1);	/* distinct enough for a map */
	run_containers(&keys, n_vec, n_map);
#endif
	run_threads(&small);
	run_many(0);
	run_many(1);
	run_inflight(requests);
	run_owned(requests);
	run_purge();

	if (csv_file != NULL) {
		FILE *f = fopen(csv_file, "w");

		if (f == NULL)
			die(csv_file);
		print_csv(f);
		if (fclose(f) != 0)
			die(csv_file);
	}
	if (csv) {
		print_csv(stdout);
		return 0;
	}
	printf("bump_alloc %s benchmark; allocators not built in are left out\n",
	    BUMP_ALLOC_VERSION);
	print_table(W_SMALL, small.n);
	print_table(W_MIXED, mixed.n);
	print_table(W_GROW, grow_steps);
	printf("  one array doubled from 128 B to 4 MiB in a fresh default arena: "
	    "bump_used %zu, %zu bytes copied in %zu moves\n", fresh_growth_used,
	    fresh_growth_copied, fresh_growth_moves);
	print_table(W_REQUEST, small.n);
	print_table(W_STRINGS, strings.n);
#ifdef HAVE_PMR
	printf("\ncontainers: uint32_t keys, %zu push_back into a std::vector (no "
	    "reserve), %zu inserts into a std::map; ns per element (median of %d rounds)\n",
	    n_vec, n_map, rounds);
	printf("  %-24s %9s %9s\n", "allocator", "vector", "map");
	for (int h = 0; h < 3; h++)
		printf("  %-24s %9.2f %9.2f\n", cxx_names[h], cxx_ns[0][h],
		    cxx_ns[1][h]);
#endif
	printf("\nthreads: one BUMP_THREADSAFE arena, %zu small allocations "
	    "split over the threads, wall ns per allocation\n", small.n);
	printf("  1 thread %9.2f   2 threads %9.2f   throughput ratio %.2fx\n",
	    thread_ns[0], thread_ns[1], thread_ns[0] / thread_ns[1]);
	print_scale(requests);
	print_targets();
	return 0;
}
