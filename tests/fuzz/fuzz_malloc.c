/*
 * fuzz_malloc.c - libFuzzer target for the malloc replacement: input bytes
 * become calls of every function of the malloc family, made by up to four
 * threads, and every result is checked against a model.
 *
 * The replacement is compiled into this program with each of its exported
 * names renamed (make fuzz: -Dmalloc=bumpfz_malloc and so on for every name
 * in lib/malloc.sym, on this file too), so that `malloc` below is the
 * replacement while libFuzzer, UBSan and the C library keep their own
 * heap.  Nothing here allocates for itself: the model lives in static
 * arrays.  (No ASan: it cannot see into the replacement's own mappings.)
 *
 * The model: 64 slots, each empty or holding a live block (pointer, size
 * asked, usable size, pattern seed); an interval set of the live blocks,
 * sorted by address.  Checks: usable size at least the size asked and the
 * same at every call; alignment (16, or the alignment asked); no two live
 * blocks overlapping; calloc memory zero; contents kept until free (every
 * block is filled with a pattern over its usable size and checked before
 * it is freed or resized) and across realloc up to the lesser size; errno
 * exactly as documented on failure and untouched on success; and after
 * each input, with everything freed and the threads joined, the
 * allocator's own figures: as many frees as allocations, as many bytes
 * freed as allocated, no large block in use, a bounded number of chunks in
 * use and of thread states made.
 *
 * Threads: thread 0 is libFuzzer's; threads 1-3 start when the input
 * first names them.  One thread at a time runs the interpreter (a baton
 * passed with semaphores), so that an input replays the same calls in the
 * same order: a block freed or resized by another thread than its maker's
 * is a hand-off; a thread told to exit leaves its blocks for others to
 * free (its state an orphan, adopted by the next thread to start).  A burst runs
 * short programs in several threads at once, on disjoint slots, for the
 * races between remote frees and their owners.
 *
 * Input: one byte per operation, then its arguments; one of them says
 * which thread goes on (see interpret(); the seeds: make_seeds.py).
 * FUZZ_TRACE=1 prints every call (to read a crash input);
 * FUZZ_MALLOC_NO_BYTE_COUNT=1 leaves out the comparison of bytes freed
 * with bytes allocated (to fuzz on past a known miscount).
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bump_alloc_malloc.h>

#define FUZZ_NAME "fuzz_malloc"
#include "fuzz.h"

#ifndef malloc
# error "build with make fuzz: the replacement's names renamed (bumpfz_*)"
#endif

/* The other names glibc programs may call (exported by the replacement). */
void cfree(void *p);
void *__libc_malloc(size_t n);
void __libc_free(void *p);
void *__libc_calloc(size_t nmemb, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)
/* Limits of the harness (not of the library): keep one input fast. */
enum { SLOTS = 64, THREADS = 4, BURST_OPS = 6 };
#define MAX_SIZE MiB		/* the largest size asked to succeed */
#define MAX_ALIGN_SHIFT 21	/* alignments up to 2 MiB */
#define FULL_CHECK 512		/* blocks up to this are filled whole */
#define EDGE 64			/* else both ends, and samples between */
/* After an input, with everything freed: chunks still in use (the current
 * chunk and a spare per live state), thread states ever made. */
#define CHUNKS_AFTER_INPUT 8
#define MAX_STATES 64
#define ERRNO_SENTINEL 4242

#define TRACE(...) do {							\
	if (tracing())							\
		fprintf(stderr, __VA_ARGS__);				\
} while (0)

/* ---- input ----------------------------------------------------------- */

/* A size to succeed: tiny, small, page-ish, large (own pages), 2^k +- d. */
static size_t
take_size(struct input *in)
{
	unsigned kind = (unsigned)take(in, 1);
	size_t n;

	switch (kind % 8) {
	case 0: case 1: case 2:
		return (size_t)take(in, 1);
	case 3:
		return (size_t)take(in, 2) % (4 * KiB);
	case 4:
		return (size_t)take(in, 2);
	case 5:
		return (size_t)take(in, 3) % (MAX_SIZE + 1);
	default:
		n = ((size_t)1 << (take(in, 1) % 21)) +
		    (size_t)(int8_t)take(in, 1);
		return n > MAX_SIZE ? MAX_SIZE : n;
	}
}

/* A size no allocator can give: past PTRDIFF_MAX, or far past any RAM. */
static size_t
take_huge(struct input *in)
{
	unsigned kind = (unsigned)take(in, 1);

	switch (kind % 3) {
	case 0:
		return SIZE_MAX - (size_t)take(in, 1);
	case 1:
		return (size_t)PTRDIFF_MAX + (size_t)take(in, 1);
	default:
		return ((size_t)1 << (52 + kind % 10)) + (size_t)take(in, 1);
	}
}

/* ---- the model --------------------------------------------------------- */

struct slot {
	unsigned char *p;	/* NULL: empty */
	size_t n;		/* asked for */
	size_t usable;		/* malloc_usable_size when made */
	unsigned char seed;
	int maker;		/* the thread that made it (for the trace) */
};

static struct slot slots[SLOTS];
static int order[SLOTS];	/* the live slots, by address */
static int nlive;
static unsigned char next_seed;

static unsigned char
pattern(unsigned char seed, size_t i)
{
	return (unsigned char)(seed + i * 131 + (i >> 8));
}

static size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* The bytes of a block of len bytes that the model fills and checks: all
 * of a small one; of a larger one both ends and 15 bytes between (a byte
 * a page would fault in every page of a large block).  The one after i. */
static size_t
next_position(size_t len, size_t i)
{
	size_t tail = len - EDGE, stride = (len / 16 + EDGE - 1) / EDGE * EDGE;

	if (len <= FULL_CHECK || i + 1 < EDGE || i + 1 >= tail)
		return i + 1;
	return min_size((i + 1 + stride - 1) / stride * stride, tail);
}

static void
fill(const struct slot *s)
{
	for (size_t i = 0; i < s->usable; i = next_position(s->usable, i))
		s->p[i] = pattern(s->seed, i);
}

/* Check the pattern below upto (the sizes asked: no more is kept). */
static void
check_contents(const struct slot *s, size_t upto)
{
	size_t end = upto < s->usable ? upto : s->usable;

	for (size_t i = 0; i < end; i = next_position(s->usable, i))
		CHECK(s->p[i] == pattern(s->seed, i),
		    "byte %zu of %p (%zu bytes, usable %zu, made by thread %d) "
		    "changed: %#x, not %#x", i, (void *)s->p, s->n, s->usable,
		    s->maker, s->p[i], pattern(s->seed, i));
}

static void
check_zero(const unsigned char *p, size_t n, size_t usable)
{
	for (size_t i = 0; i < n; i = next_position(usable, i))
		CHECK(p[i] == 0, "calloc byte %zu of %zu is %#x", i, n, p[i]);
}

static uintptr_t
end_of(const struct slot *s)
{
	return (uintptr_t)s->p + (s->usable ? s->usable : 1);
}

/* Interval set: where slot k goes in order[], checking its neighbours. */
static void
index_insert(int k)
{
	const struct slot *s = &slots[k];
	int lo = 0, hi = nlive;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if ((uintptr_t)slots[order[mid]].p < (uintptr_t)s->p)
			lo = mid + 1;
		else
			hi = mid;
	}
	CHECK(lo == 0 || end_of(&slots[order[lo - 1]]) <= (uintptr_t)s->p,
	    "%p (usable %zu) overlaps %p (usable %zu)", (void *)s->p,
	    s->usable, (void *)slots[order[lo - 1]].p,
	    slots[order[lo - 1]].usable);
	CHECK(lo == nlive || end_of(s) <= (uintptr_t)slots[order[lo]].p,
	    "%p (usable %zu) overlaps %p (usable %zu)", (void *)s->p,
	    s->usable, (void *)slots[order[lo]].p, slots[order[lo]].usable);
	memmove(&order[lo + 1], &order[lo], (size_t)(nlive - lo) * sizeof *order);
	order[lo] = k;
	nlive++;
}

static void
index_remove(int k)
{
	for (int i = 0; i < nlive; i++)
		if (order[i] == k) {
			memmove(&order[i], &order[i + 1],
			    (size_t)(nlive - i - 1) * sizeof *order);
			nlive--;
			return;
		}
	CHECK(0, "slot %d not in the index", k);
}

static int
by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)slots[*(const int *)a].p;
	uintptr_t y = (uintptr_t)slots[*(const int *)b].p;

	return x < y ? -1 : x > y;
}

/* After a burst, whose threads filled slots without the index. */
static void
index_rebuild(void)
{
	nlive = 0;
	for (int k = 0; k < SLOTS; k++)
		if (slots[k].p != NULL)
			order[nlive++] = k;
	qsort(order, (size_t)nlive, sizeof *order, by_address);
	for (int i = 1; i < nlive; i++)
		CHECK(end_of(&slots[order[i - 1]]) <= (uintptr_t)slots[order[i]].p,
		    "%p (usable %zu) overlaps %p", (void *)slots[order[i - 1]].p,
		    slots[order[i - 1]].usable, (void *)slots[order[i]].p);
}

/* ---- results ------------------------------------------------------------- */

static _Thread_local int self_id;	/* 0-3, for the trace */
static int indexing = 1;		/* 0 during a burst */

/* A block p of n bytes aligned to align went into slot k (empty). */
static void
made(int k, void *p, size_t n, size_t align, const char *what)
{
	struct slot *s = &slots[k];

	TRACE("[%d] %s(%zu, align %zu) = %p -> slot %d\n", self_id, what, n,
	    align, p, k);
	CHECK(p != NULL, "%s(%zu, align %zu) failed: errno %d", what, n, align,
	    errno);
	CHECK(errno == ERRNO_SENTINEL, "%s(%zu) succeeded and set errno %d",
	    what, n, errno);
	CHECK((uintptr_t)p % align == 0, "%s(%zu, align %zu) = %p", what, n,
	    align, p);
	s->p = p;
	s->n = n;
	s->usable = malloc_usable_size(p);
	CHECK(s->usable >= n, "%s(%zu): usable size %zu", what, n, s->usable);
	s->seed = __atomic_add_fetch(&next_seed, 1, __ATOMIC_RELAXED);
	s->maker = self_id;
	if (indexing)
		index_insert(k);
}

static void
failed(void *p, int expected, const char *what, size_t n)
{
	TRACE("[%d] %s(%zu) = %p, errno %d\n", self_id, what, n, p, errno);
	CHECK(p == NULL && errno == expected, "%s(%zu) = %p, errno %d, not %d",
	    what, n, p, errno, expected);
}

/* Before slot k's block is freed or resized: its size and contents. */
static void
check_slot(const struct slot *s)
{
	CHECK(malloc_usable_size(s->p) == s->usable,
	    "usable size of %p now %zu, was %zu", (void *)s->p,
	    malloc_usable_size(s->p), s->usable);
	check_contents(s, s->usable);
}

/* Free slot k's block (if any) with the function the input picks. */
static void
release(int k, unsigned how)
{
	struct slot *s = &slots[k];

	if (s->p == NULL)
		return;
	check_slot(s);
	if (indexing)
		index_remove(k);
	TRACE("[%d] free(%p) slot %d (made by %d)\n", self_id, (void *)s->p,
	    k, s->maker);
	errno = ERRNO_SENTINEL;
	switch (how % 6) {
	case 0: cfree(s->p); break;
	case 1: __libc_free(s->p); break;
	case 2: CHECK(realloc(s->p, 0) == NULL, "realloc(p, 0)"); break;
	default: free(s->p); break;
	}
	CHECK(errno == ERRNO_SENTINEL, "free set errno %d", errno);
	s->p = NULL;
}

/* ---- operations ----------------------------------------------------------- */

static int
take_slot(struct input *in)
{
	return (int)(take(in, 1) % SLOTS);
}

static void
op_malloc(struct input *in)
{
	unsigned how = (unsigned)take(in, 1);
	int k = take_slot(in);
	size_t n = take_size(in);
	void *p;

	release(k, how >> 3);
	errno = ERRNO_SENTINEL;
	switch (how % 4) {
	case 0: p = __libc_malloc(n); break;
	case 1: p = realloc(NULL, n); break;
	case 2: p = reallocarray(NULL, 1, n); break;
	default: p = malloc(n); break;
	}
	made(k, p, n, 16, "malloc");
	fill(&slots[k]);
}

static void
op_calloc(struct input *in)
{
	unsigned how = (unsigned)take(in, 1);
	int k = take_slot(in);
	size_t size = take_size(in), nmemb = 1 + how % 8;
	void *p;

	if (size > MAX_SIZE / nmemb)
		size = MAX_SIZE / nmemb;
	release(k, how >> 3);
	errno = ERRNO_SENTINEL;
	p = (how >> 3) % 4 == 0 ? __libc_calloc(nmemb, size) :
	    calloc(nmemb, size);
	made(k, p, nmemb * size, 16, "calloc");
	check_zero(p, nmemb * size, slots[k].usable);
	fill(&slots[k]);
}

static void
op_aligned(struct input *in)
{
	unsigned how = (unsigned)take(in, 1);
	int k = take_slot(in);
	size_t align = (size_t)1 << (take(in, 1) % (MAX_ALIGN_SHIFT + 1));
	size_t n = take_size(in), page = (size_t)sysconf(_SC_PAGESIZE), asked;
	void *p = NULL;
	const char *what = "aligned_alloc";

	release(k, how >> 3);
	errno = ERRNO_SENTINEL;
	switch (how % 6) {
	case 0:
		p = aligned_alloc(align, n);
		break;
	case 1:
		what = "posix_memalign";
		if (align < sizeof(void *))
			align = sizeof(void *);
		CHECK(posix_memalign(&p, align, n) == 0, "posix_memalign(%zu, %zu)",
		    align, n);
		break;
	case 2:
		what = "memalign";
		p = (how >> 3) % 2 ? memalign(align, n) : __libc_memalign(align, n);
		break;
	case 3:		/* memalign rounds a non-power of two up */
		what = "memalign";
		asked = align + align / 2 + 1;
		p = memalign(asked, n);
		while (align < asked)
			align *= 2;
		break;
	case 4:
		what = "valloc";
		p = valloc(n);
		align = page;
		break;
	default:
		what = "pvalloc";
		p = pvalloc(n);
		align = page;
		n = n == 0 ? page : (n + page - 1) / page * page;
		break;
	}
	made(k, p, n, align < 16 ? 16 : align, what);
	fill(&slots[k]);
}

/* Slot k's block resized to n by the function the input picks. */
static void
resize(int k, unsigned how, size_t n)
{
	struct slot *s = &slots[k], old = *s;
	void *p;

	check_slot(s);
	if (indexing)
		index_remove(k);
	s->p = NULL;
	errno = ERRNO_SENTINEL;
	switch (how % 4) {
	case 0: p = __libc_realloc(old.p, n); break;
	case 1: p = reallocarray(old.p, n == 0 ? 0 : 1, n); break;
	default: p = realloc(old.p, n); break;
	}
	TRACE("[%d] realloc(%p [%zu], %zu) = %p\n", self_id, (void *)old.p,
	    old.n, n, p);
	if (n == 0) {		/* as glibc: freed, NULL */
		CHECK(p == NULL, "realloc(p, 0) = %p", p);
		return;
	}
	made(k, p, n, 16, "realloc");
	/* The copy keeps the bytes of both sizes asked. */
	old.p = p;
	check_contents(&old, min_size(old.n, n));
	fill(s);
}

static void
op_realloc(struct input *in)
{
	unsigned how = (unsigned)take(in, 1);
	int k = take_slot(in);
	size_t n = how % 16 == 0 ? 0 : take_size(in);

	if (slots[k].p == NULL) {
		errno = ERRNO_SENTINEL;
		made(k, realloc(NULL, n), n, 16, "realloc(NULL)");
		fill(&slots[k]);
		return;
	}
	resize(k, how >> 4, n);
}

static void
op_free(struct input *in)
{
	unsigned how = (unsigned)take(in, 1);

	if (how % 16 == 0) {
		errno = ERRNO_SENTINEL;
		free(NULL);
		CHECK(malloc_usable_size(NULL) == 0, "usable size of NULL");
		CHECK(errno == ERRNO_SENTINEL, "free(NULL) set errno %d", errno);
		return;
	}
	release(take_slot(in), how >> 4);
}

/* Requests that must fail, and the block they name left as it was. */
static void
op_refused(struct input *in)
{
	unsigned how = (unsigned)take(in, 1);
	int k = take_slot(in);
	size_t huge = take_huge(in), a = (size_t)take(in, 1);
	void *p = &p, *q;

	errno = ERRNO_SENTINEL;
	switch (how % 8) {
	case 0:
		failed(malloc(huge), ENOMEM, "malloc", huge);
		break;
	case 1:
		failed(calloc(huge / 2 + 1, 2 + a), ENOMEM, "calloc", huge);
		break;
	case 2:
		failed(aligned_alloc(a * 2 + 3, 16), EINVAL, "aligned_alloc", a);
		break;
	case 3:		/* refused: nothing written, errno untouched */
		CHECK(posix_memalign(&p, a % 8 == 0 ? 24 : a % 8, 16) == EINVAL &&
		    p == &p && errno == ERRNO_SENTINEL, "posix_memalign(%zu)", a);
		CHECK(posix_memalign(&p, 64, huge) == ENOMEM && p == &p &&
		    errno == ERRNO_SENTINEL, "posix_memalign(64, %zu)", huge);
		break;
	case 4:
		failed(memalign(SIZE_MAX / 2 + 1 + a, 16), EINVAL, "memalign", a);
		break;
	default:
		if (slots[k].p == NULL)
			break;
		q = how % 2 ? realloc(slots[k].p, huge) :
		    reallocarray(slots[k].p, huge / 4 + 1, 8);
		failed(q, ENOMEM, "realloc", huge);
		check_slot(&slots[k]);
		break;
	}
}

/* ---- threads: one runs the interpreter at a time ---------------------------- */

enum message { RUN, BURST, QUIT, DONE };

struct burst_op { unsigned char kind; unsigned char slot; size_t n; };

struct worker {
	pthread_t tid;
	int running;
	sem_t go;
	enum message message;
	struct burst_op program[BURST_OPS];
	int steps;
};

static struct worker threads[THREADS];
static struct input input;
static int burst_pending;
static int burst_caller;

static void interpret(int me);

static void
post(int k, enum message m)
{
	threads[k].message = m;
	CHECK(sem_post(&threads[k].go) == 0, "sem_post");
}

static void *worker_main(void *arg);

/* Wait for a message (libFuzzer's signals may interrupt the wait). */
static enum message
wait_message(int me)
{
	while (sem_wait(&threads[me].go) != 0)
		CHECK(errno == EINTR, "sem_wait: errno %d", errno);
	return threads[me].message;
}

static void
ensure_running(int k)
{
	struct worker *w = &threads[k];

	if (w->running)
		return;
	CHECK(pthread_create(&w->tid, NULL, worker_main,
	    (void *)(intptr_t)k) == 0, "pthread_create");
	w->running = 1;
	TRACE("[%d] thread %d starts\n", self_id, k);
}

/* Thread k (not the caller, not thread 0) exits and is joined: its
 * blocks stay live, for others to free. */
static void
stop_thread(int k)
{
	if (!threads[k].running)
		return;
	post(k, QUIT);
	CHECK(pthread_join(threads[k].tid, NULL) == 0, "pthread_join");
	threads[k].running = 0;
	TRACE("[%d] thread %d exited\n", self_id, k);
}

static void
run_burst_program(int me)
{
	struct worker *w = &threads[me];

	for (int i = 0; i < w->steps; i++) {
		const struct burst_op *op = &w->program[i];
		int k = op->slot;

		switch (op->kind % 3) {
		case 0:
			release(k, 5);
			errno = ERRNO_SENTINEL;
			made(k, malloc(op->n), op->n, 16, "malloc");
			fill(&slots[k]);
			break;
		case 1:
			release(k, 5);
			break;
		default:
			if (slots[k].p != NULL)
				resize(k, 2, op->n);
			break;
		}
	}
}

/* Wait for work: the baton, a burst program, or the end. */
static void
serve(int me)
{
	for (;;) {
		switch (wait_message(me)) {
		case RUN:
			interpret(me);
			break;
		case BURST:
			run_burst_program(me);
			if (__atomic_sub_fetch(&burst_pending, 1, __ATOMIC_ACQ_REL) == 0)
				post(burst_caller, RUN);
			break;
		case QUIT:
		case DONE:
			return;
		}
	}
}

static void *
worker_main(void *arg)
{
	self_id = (int)(intptr_t)arg;
	serve(self_id);
	return NULL;
}

/* Several threads at once, each on slots of its own (k % parts == its
 * place); the caller waits, then checks the blocks made for overlaps. */
static void
op_burst(int me, struct input *in)
{
	unsigned mask = (unsigned)take(in, 1);
	int who[THREADS], parts = 0;

	for (int k = 0; k < THREADS; k++)
		if (k != me && (mask >> k & 1))
			who[parts++] = k;
	if (parts == 0)
		return;
	for (int i = 0; i < parts; i++) {
		struct worker *w = &threads[who[i]];

		w->steps = 1 + (int)(take(in, 1) % BURST_OPS);
		for (int j = 0; j < w->steps; j++) {
			unsigned v = (unsigned)take(in, 1);

			w->program[j].kind = (unsigned char)(v % 3);
			w->program[j].slot = (unsigned char)
			    ((v / 3) % (SLOTS / parts) * (unsigned)parts + (unsigned)i);
			w->program[j].n = w->program[j].kind == 1 ? 0 : take_size(in);
		}
		ensure_running(who[i]);
	}
	TRACE("[%d] burst of %d threads (mask %#x)\n", me, parts, mask);
	indexing = 0;
	burst_pending = parts;
	burst_caller = me;
	for (int i = 0; i < parts; i++)
		post(who[i], BURST);
	/* Back to the caller when the last one is done: */
	CHECK(wait_message(me) == RUN, "burst end");
	indexing = 1;
	index_rebuild();
}

/* Whether to compare bytes freed with bytes allocated (see the top). */
static int
counting_bytes(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FUZZ_MALLOC_NO_BYTE_COUNT") == NULL;
	return on;
}

static void
op_misc(struct input *in)
{
	unsigned how = (unsigned)take(in, 1);
	struct bump_malloc_stats st;

	switch (how % 4) {
	case 0:
		(void)malloc_trim(0);
		break;
	case 1:
		CHECK(bump_malloc_stats(&st) == 0, "bump_malloc_stats");
		CHECK(st.frees <= st.mallocs && (!counting_bytes() ||
		    st.bytes_freed <= st.bytes_allocated),
		    "freed %llu (%llu bytes) of %llu (%llu bytes)", st.frees,
		    st.bytes_freed, st.mallocs, st.bytes_allocated);
		errno = 0;
		CHECK(bump_malloc_stats(NULL) == -1 && errno == EINVAL,
		    "bump_malloc_stats(NULL)");
		break;
	default:	/* usable sizes as made */
		for (int k = 0; k < SLOTS; k++)
			if (slots[k].p != NULL)
				CHECK(malloc_usable_size(slots[k].p) == slots[k].usable,
				    "usable size of slot %d changed", k);
		break;
	}
}

/*
 * Run operations as thread me until the input ends (then the baton goes
 * to thread 0, done) or says to go on as another thread (it goes there).
 */
static void
interpret(int me)
{
	while (input.n > 0) {
		int k;

		switch (take(&input, 1) % 14) {
		case 0: case 1: case 2: op_malloc(&input); break;
		case 3: op_calloc(&input); break;
		case 4: op_aligned(&input); break;
		case 5: case 6: op_realloc(&input); break;
		case 7: case 8: op_free(&input); break;
		case 9: op_refused(&input); break;
		case 10:	/* another thread exits; never thread 0 */
			k = (int)(take(&input, 1) % THREADS);
			if (k != 0 && k != me)
				stop_thread(k);
			break;
		case 11: op_burst(me, &input); break;
		case 12: op_misc(&input); break;
		default:	/* go on as thread k */
			k = (int)(take(&input, 1) % THREADS);
			if (k != me) {
				ensure_running(k);
				post(k, RUN);
				return;
			}
			break;
		}
	}
	post(0, DONE);	/* thread 0 may be me: serve(0) then returns */
}

/* ---- the target --------------------------------------------------------- */

static struct bump_malloc_stats before;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (int k = 0; k < THREADS; k++)
		CHECK(sem_init(&threads[k].go, 0, 0) == 0, "sem_init");
	threads[0].running = 1;		/* libFuzzer's own thread */
	return 0;
}

/* Everything freed and every thread gone: the allocator's own figures. */
static void
check_clean(void)
{
	const char *policy = getenv("BUMP_ALLOC_FREE");
	struct bump_malloc_stats st;
	void *p;

	/* A slow-path call takes back the blocks others freed for thread 0. */
	errno = ERRNO_SENTINEL;
	p = calloc(1, 1);
	CHECK(p != NULL && errno == ERRNO_SENTINEL, "calloc(1, 1)");
	free(p);
	CHECK(bump_malloc_stats(&st) == 0, "bump_malloc_stats");
	CHECK(st.mallocs - before.mallocs == st.frees - before.frees,
	    "%llu allocations, %llu frees", st.mallocs - before.mallocs,
	    st.frees - before.frees);
	CHECK(!counting_bytes() || st.bytes_allocated - before.bytes_allocated ==
	    st.bytes_freed - before.bytes_freed, "%llu bytes allocated, %llu freed",
	    st.bytes_allocated - before.bytes_allocated,
	    st.bytes_freed - before.bytes_freed);
	CHECK(st.large_in_use == 0, "%zu bytes of large blocks in use",
	    st.large_in_use);
	CHECK(st.threads <= MAX_STATES, "%u thread states made", st.threads);
	if (policy == NULL || strcmp(policy, "none") != 0)
		CHECK(st.chunks_in_use <= CHUNKS_AFTER_INPUT * st.chunk_size,
		    "%zu bytes of chunks in use with nothing live",
		    st.chunks_in_use);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CHECK(bump_malloc_stats(&before) == 0, "bump_malloc_stats");
	input = (struct input){ data, size };
	self_id = 0;
	post(0, RUN);
	serve(0);
	for (int k = 0; k < SLOTS; k++)
		release(k, (unsigned)k);
	CHECK(nlive == 0, "%d blocks left in the index", nlive);
	for (int k = 1; k < THREADS; k++)
		stop_thread(k);
	check_clean();
	return 0;
}
