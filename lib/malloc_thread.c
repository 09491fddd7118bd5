/*
 * malloc_thread.c - start-up, the slow path of allocation, thread states
 * and the life of their chunks.
 *
 * Start-up needs no constructor: the first call to any function does it.
 * A thread's state comes from a reservation of its own (so chunks can go
 * back whole); a thread that exits leaves its state, chunks and lists to
 * the next new thread, after giving back the chunks it emptied.  The
 * orphans' lock is never waited for, except by fork(): who finds it taken
 * does without.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_internal.h"
#include "os.h"

#define MAX_THREAD_STATES 16384

struct bump_global bump__g;
struct bump_chunks bump__pool;
__thread struct thread *bump__self __attribute__((tls_model("initial-exec")));
static __thread int in_init __attribute__((tls_model("initial-exec")));
static int init_state;		/* 0 not yet, 1 running, 2 done */

size_t bump__chunks_held, bump__chunks_peak;
static uint64_t fallbacks;
static struct bump_counts stateless;	/* threads without a state */

static struct thread *all_threads;
static struct thread *orphans;
bump_lock_t bump__orphans_lock;
static int exit_key = -1;
static char *states;		/* MAX_THREAD_STATES thread states */
static size_t states_made;

/* A program linked with the library may choose its own default reserve. */
extern const size_t bump_alloc_global_size __attribute__((weak));

/* ---- Start-up ---------------------------------------------------------- */

static void thread_exit(void *state);

/*
 * Around fork() the library's two locks are taken (their holders keep
 * them for a few instructions and never wait), so that the child finds
 * the orphans and the large-block cache whole; the chunk layer does the
 * same for its own.  Elsewhere the locks are only ever tried.
 */
static void
before_fork(void)
{
	while (!bump__trylock(&bump__orphans_lock))
		bump__os_yield();
	bump__large_lock(1);
}

static void
after_fork(void)
{
	bump__large_lock(0);
	bump__unlock(&bump__orphans_lock);
}

static void
choose_geometry(size_t reserve)
{
	unsigned shift = CHUNK_SHIFT_MAX;

	/* Small reserves get small chunks, so that a few threads fit. */
	while (shift > CHUNK_SHIFT_MIN && ((size_t)8 << shift) > reserve)
		shift--;
	bump__g.chunk_shift = shift;
	bump__g.chunk_size = (size_t)1 << shift;
	bump__g.chunk_mask = ~(uintptr_t)(bump__g.chunk_size - 1);
	bump__g.small_max = bump__g.chunk_size / 4 < LARGE_THRESHOLD ?
	    bump__g.chunk_size / 4 : LARGE_THRESHOLD;
	bump__g.small_max -= 16;  /* so that block_size stays below the threshold */
}

static void
init_heap(void)
{
	size_t reserve = round_up(bump__g.config.reserve, bump__g.chunk_size);
	size_t states_size = MAX_THREAD_STATES * sizeof(struct thread);

	if (reserve < bump__g.config.reserve ||
	    bump__chunks_init_fixed(&bump__pool, reserve) != 0) {
		bump__print_no_reserve(bump__g.config.reserve);
		return;
	}
	states = bump__os_reserve(states_size);
	if (bump__large_init() != 0 || states == NULL) {
		bump__print_no_reserve(bump__g.config.reserve);
		return;
	}
}

/* 0 when the allocator is ready, -1 when called from inside start-up. */
int
bump__init_global(void)
{
	int expected = 0;

	if (likely(LOAD(&init_state) == 2))
		return 0;
	if (in_init)
		return -1;
	if (__atomic_compare_exchange_n(&init_state, &expected, 1, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		size_t reserve = DEFAULT_RESERVE;
		int saved = errno;

		in_init = 1;
		if (&bump_alloc_global_size != NULL && bump_alloc_global_size != 0)
			reserve = bump_alloc_global_size;
		bump__find_libc(&bump__g.libc);
		bump__read_config(&bump__g.config, reserve,
		    (size_t)1 << CHUNK_SHIFT_MIN);
		bump__g.page = bump__os_page_size();
		choose_geometry(bump__g.config.reserve);
		init_heap();
		exit_key = bump__os_thread_exit_key(thread_exit);
		(void)bump__os_atfork(before_fork, after_fork, after_fork);
		in_init = 0;
		errno = saved;
		STORE(&init_state, 2);
		return 0;
	}
	while (LOAD(&init_state) != 2)
		bump__os_yield();
	return 0;
}

int
bump__ready(void)
{
	return LOAD(&init_state) == 2;
}

/* ---- Chunks ------------------------------------------------------------ */

/* First header position at or above p: headers sit at 8 mod 16. */
static char *
first_header(char *p)
{
	return (char *)round_up((uintptr_t)p + 8, 16) - 8;
}

/* Make [c, c + chunk) part of the range free() recognizes. */
static void
widen_range(struct chunk *c)
{
	uint64_t lo = (uintptr_t)c >> RANGE_SHIFT;
	uint64_t hi = ((uintptr_t)c + bump__g.chunk_size) >> RANGE_SHIFT;
	uint64_t old = LOAD(&bump__g.range), want;

	do {
		uint64_t olo = old & 0xffffffffu, ohi = old >> 32;

		if (old != 0 && olo <= lo && ohi >= hi)
			return;
		want = old == 0 ? lo | hi << 32 :
		    (olo < lo ? olo : lo) | (ohi > hi ? ohi : hi) << 32;
	} while (!__atomic_compare_exchange_n(&bump__g.range, &old, want, 1,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
}

static struct chunk *
new_chunk(void)
{
	struct chunk *c;
	int fresh, saved = errno;
	size_t held;

	if (!bump__within_reserve(bump__g.chunk_size) ||
	    (c = bump__chunk_get(&bump__pool, bump__g.chunk_shift, &fresh)) ==
	    NULL) {
		errno = saved;
		return NULL;
	}
	held = __atomic_add_fetch(&bump__chunks_held, bump__g.chunk_size,
	    __ATOMIC_RELAXED);
	raise_peak(&bump__chunks_peak, held);
	if (bump__g.config.hugepages)
		bump__os_hugepage_hint(c, bump__g.chunk_size);
	widen_range(c);
	c->start = first_header((char *)(c + 1));
	c->clean = fresh ? c->start : (char *)c + bump__g.chunk_size;
	return c;
}

/* Let the fast path hand out up to DRAIN_EVERY more bytes. */
static void
set_limit(struct thread *t)
{
	char *end = chunk_end(t);

	t->limit = (size_t)(end - t->top) > DRAIN_EVERY ?
	    t->top + DRAIN_EVERY : end;
}

static void
save_chunk(struct thread *t)
{
	struct chunk *c = t->chunk;

	c->top = t->top;
	c->clean = max_ptr(t->clean, t->top);
	c->last = t->last;
}

static void
enter_chunk(struct thread *t, struct chunk *c)
{
	t->chunk = c;
	t->top = c->top;
	t->clean = c->clean;
	t->last = c->last;
	set_limit(t);
}

static int
push_chunk(struct thread *t)
{
	struct chunk *c = t->spare;

	if (c != NULL)
		t->spare = NULL;
	else if ((c = new_chunk()) == NULL)
		return -1;
	else
		(void)bump__large_trim(0);	/* a moment to age the cache */
	c->owner = t;
	c->top = c->start;
	c->last = NULL;
	c->live = 0;
	c->next = NULL;
	c->prev = t->chunk;
	if (t->chunk != NULL) {
		save_chunk(t);
		t->chunk->next = c;
	}
	enter_chunk(t, c);
	return 0;
}

/* The current chunk holds no block any more: go back to the one before,
 * so that its blocks can be rolled back too. */
void
bump__pop_chunk(struct thread *t)
{
	struct chunk *c = t->chunk, *prev = c->prev;

	save_chunk(t);
	prev->next = NULL;
	bump__give_chunk(t, c);
	enter_chunk(t, prev);
}

/* An orphan gives back its spare and its emptied last chunk. */
void
bump__shed(struct thread *t)
{
	struct chunk *c = t->chunk;

	if (t->spare != NULL) {
		struct chunk *spare = t->spare;

		t->spare = NULL;
		bump__give_chunk(t, spare);
	}
	if (c != NULL && c->live == 0 && c->prev == NULL) {
		save_chunk(t);
		bump__give_chunk(t, c);
		t->chunk = NULL;
		t->top = t->limit = t->clean = NULL;
		t->last = NULL;
	}
}

/* ---- Threads ----------------------------------------------------------- */

/* At thread exit: give back what is empty, leave the rest to adoption. */
static void
thread_exit(void *state)
{
	struct thread *t = state;

	/* Later frees in this thread come back to t as an orphan's. */
	bump__self = NULL;
	for (int tries = 0; tries < 100; tries++) {
		if (bump__trylock(&bump__orphans_lock)) {
			t->orphaned = 1;
			bump__drain_remote(t);
			bump__shed(t);
			t->next_orphan = orphans;
			orphans = t;
			bump__unlock(&bump__orphans_lock);
			return;
		}
		bump__os_yield();
	}
}

static void
watch_exit(struct thread *t)
{
	bump__self = t;	/* registering may allocate: be ready */
	if (exit_key >= 0)
		bump__os_thread_exit_watch(exit_key, t);
}

static struct thread *
adopt_orphan(void)
{
	struct thread *t;

	if (LOAD(&orphans) == NULL || !bump__trylock(&bump__orphans_lock))
		return NULL;
	t = orphans;
	if (t != NULL) {
		orphans = t->next_orphan;
		t->orphaned = 0;
	}
	bump__unlock(&bump__orphans_lock);
	return t;
}

static struct thread *
new_state(void)
{
	size_t i = __atomic_fetch_add(&states_made, 1, __ATOMIC_RELAXED);
	uintptr_t start, end;

	if (states == NULL || i >= MAX_THREAD_STATES)
		return NULL;
	start = (uintptr_t)(states + i * sizeof(struct thread));
	end = start + sizeof(struct thread);
	start &= ~(uintptr_t)(bump__g.page - 1);
	end = round_up(end, bump__g.page);
	if (bump__os_commit((void *)start, end - start) != 0)
		return NULL;
	return (struct thread *)(void *)(states + i * sizeof(struct thread));
}

static struct thread *
init_thread(void)
{
	struct thread *t;

	if (bump__init_global() != 0)
		return NULL;
	if ((t = adopt_orphan()) == NULL) {
		if ((t = new_state()) == NULL)
			return NULL;
		t->next = LOAD(&all_threads);
		while (!__atomic_compare_exchange_n(&all_threads, &t->next, t, 1,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			;
	}
	watch_exit(t);
	return t;
}

/* The calling thread's state, made if it has none; NULL if none can be. */
struct thread *
bump__thread(void)
{
	return bump__self != NULL ? bump__self : init_thread();
}

/* ---- Allocation, the slow way ------------------------------------------ */

void *
bump__exhausted(size_t n, size_t align, int zero)
{
	if (n <= PTRDIFF_MAX) {
		switch (bump__g.config.on_exhaust) {
		case EXHAUST_SYSTEM: {
			struct bump_libc *libc = &bump__g.libc;
			struct thread *t = bump__self;
			void *p;

			if (libc->malloc == NULL)
				break;
			if (align > 16)
				p = libc->memalign(align, n);
			else
				p = zero ? libc->calloc(1, n) : libc->malloc(n);
			if (p != NULL) {
				size_t usable = libc->usable_size(p);

				ADD(&fallbacks, 1);
				if (t != NULL) {
					t->counts.mallocs++;
					t->counts.bytes_allocated += usable;
				} else {
					ADD(&stateless.mallocs, 1);
					ADD(&stateless.bytes_allocated, usable);
				}
			}
			return p;
		}
		case EXHAUST_NULL:
			break;
		case EXHAUST_ABORT:
			bump__print_exhausted(bump__g.config.reserve, n);
			abort();
		}
	}
	errno = ENOMEM;
	return NULL;
}

/* A block at the top of the current chunk, or NULL if it does not fit. */
static void *
bump(struct thread *t, size_t n, size_t b, size_t align, int zero)
{
	char *top = t->top;
	char *user = (char *)round_up((uintptr_t)top + 8, align);
	struct hdr *h = header_of(user);

	if (t->chunk == NULL || user > chunk_end(t) ||
	    b - 8 > (size_t)(chunk_end(t) - user))
		return NULL;
	if (zero) {
		char *dirty = max_ptr(t->clean, top);
		if (user < dirty)
			memset(user, 0, (size_t)(dirty - user) < n ?
			    (size_t)(dirty - user) : n);
	}
	h->size = (uint32_t)(b - 8);
	h->link = t->last != NULL ? (uint32_t)((char *)h - (char *)t->last) : 0;
	t->last = h;
	t->top = (char *)h + b;
	t->chunk->live++;
	t->counts.mallocs++;
	t->counts.bytes_allocated += b - 8;
	set_limit(t);
	return user;
}

static void *
small(struct thread *t, size_t n, size_t b, size_t align, int zero)
{
	if (align == 16 && bump__g.config.free_policy == FREE_RECYCLE) {
		unsigned c = class_ceil(b);
		struct node *listed = t->lists[c];
		if (listed != NULL)
			return bump__take_listed(t, listed, c, zero ? n : 0);
	}
	return bump(t, n, b, align, zero);
}

void *
bump__alloc_slow(size_t n, size_t align, int zero)
{
	struct thread *t = bump__self;
	size_t b;
	void *p;

	if (t == NULL && (t = init_thread()) == NULL) {
		if (in_init && bump__g.libc.malloc != NULL)	/* re-entered */
			return zero ? bump__g.libc.calloc(1, n) :
			    bump__g.libc.malloc(n);
		return bump__exhausted(n, align, zero);
	}
	if (n > bump__g.small_max ||
	    (align > 16 && n + align > bump__g.small_max)) {
		size_t len;

		if ((p = bump__large_alloc(n, align, zero, &len)) == NULL)
			return bump__exhausted(n, align, zero);
		t->counts.mallocs++;
		t->counts.large++;
		t->counts.bytes_allocated += len;
		return p;
	}
	b = block_size(n);
	if (LOAD(&t->remote) != NULL)
		bump__drain_remote(t);
	if ((p = small(t, n, b, align, zero)) != NULL)
		return p;
	if (push_chunk(t) == 0 && (p = bump(t, n, b, align, zero)) != NULL)
		return p;
	return bump__exhausted(n, align, zero);
}

/* ---- Statistics -------------------------------------------------------- */

void
bump__count_free(struct thread *t, size_t bytes, size_t reclaimed, int remote)
{
	if (t != NULL) {
		t->counts.frees++;
		t->counts.bytes_freed += bytes;
		t->counts.bytes_reclaimed += reclaimed;
		t->counts.remote_frees += (unsigned)remote;
	} else {
		ADD(&stateless.frees, 1);
		ADD(&stateless.bytes_freed, bytes);
		ADD(&stateless.bytes_reclaimed, reclaimed);
		ADD(&stateless.remote_frees, (unsigned)remote);
	}
}

static void
add_counts(struct bump_malloc_stats *st, const struct bump_counts *c)
{
	st->mallocs += LOAD(&c->mallocs);
	st->frees += LOAD(&c->frees);
	st->reallocs += LOAD(&c->reallocs);
	st->reallocs_in_place += LOAD(&c->reallocs_in_place);
	st->large += LOAD(&c->large);
	st->remote_frees += LOAD(&c->remote_frees);
	st->recycled += LOAD(&c->recycled);
	st->bytes_allocated += LOAD(&c->bytes_allocated);
	st->bytes_freed += LOAD(&c->bytes_freed);
	st->bytes_reclaimed += LOAD(&c->bytes_reclaimed);
}

/* The figures so far; other threads' counters are read as they stand. */
void
bump__collect(struct bump_malloc_stats *st)
{
	memset(st, 0, sizeof *st);
	(void)bump__init_global();
	st->reserve = bump__g.config.reserve;
	st->chunk_size = bump__g.chunk_size;
	st->large_threshold = bump__g.small_max + 16;
	for (struct thread *t = LOAD(&all_threads); t != NULL; t = t->next) {
		st->threads++;
		add_counts(st, &t->counts);
	}
	add_counts(st, &stateless);
	st->fallbacks = LOAD(&fallbacks);
	st->chunks_in_use = LOAD(&bump__chunks_held);
	st->chunks_peak = LOAD(&bump__chunks_peak);
	bump__large_usage(&st->large_in_use, &st->large_peak, &st->large_cached);
}
