/*
 * global.c - malloc and friends over one reserved region.
 *
 * The region is reserved once (BUMP_ALLOC_SIZE) and cut into chunks;
 * each thread bump-allocates from a chunk of its own, so the only shared
 * write is one compare-and-swap per chunk.  Every block carries an 8-byte
 * header just below the pointer: its usable size and the distance back to
 * the block before it in the chunk, plus two flags.  That is enough for
 *  - malloc_usable_size and realloc to know the size;
 *  - free of the thread's newest block to roll the top back, and to keep
 *    rolling over the blocks below that were freed earlier (lifo);
 *  - a block freed out of order to wait on a per-thread list for its size
 *    class until the next malloc of that class (recycle).
 * Blocks of large_threshold bytes and more get pages of their own, found
 * again through a lock-free table, and go back to the OS on free.  Any
 * other pointer belongs to the C library's allocator and is passed on:
 * pointers are routed by address, never by what a header says.
 *
 * Nothing here calls malloc or stdio, takes a lock, or needs constructors.
 */
#include <config.h>

#define _GNU_SOURCE 1
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "global.h"
#include "os.h"

#define EXPORT __attribute__((visibility("default")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define DEFAULT_RESERVE ((size_t)1 << 30)
#define MAX_CHUNK ((size_t)2 << 20)	/* a huge page: chunks may be THP */
#define MIN_CHUNK ((size_t)64 << 10)
#ifndef LARGE_THRESHOLD
# define LARGE_THRESHOLD ((size_t)256 << 10)	/* measured, see the man page */
#endif
#define NCLASS 112
#define LARGE_SLOTS ((size_t)1 << 18)

/* The header of a block, the 8 bytes below the pointer handed out. */
struct hdr {
	uint32_t size;	/* usable bytes */
	uint32_t link;	/* bytes back to the previous header (0: first) | flags */
};
#define F_FREED 1u	/* freed, waiting for the blocks above it to go */
#define F_LISTED 2u	/* and on a recycle list */
#define LINK_MASK (~(uint32_t)15)

/* A block on a recycle list keeps the links in its first 16 bytes. */
struct node {
	struct node *next, *prev;
};

/* At the start of every chunk. */
struct chunk {
	uint64_t owner;		/* id of the thread allocating from it */
	struct chunk *prev;	/* that thread's chunk before this one */
	char *start;		/* the first header goes here */
	char *top, *clean;	/* saved while another chunk is current */
	struct hdr *last;
};

struct thread {
	char *top, *limit;	/* free space of the current chunk */
	struct hdr *last;	/* newest block there, NULL if none */
	char *clean;		/* above max(clean, top) nothing was handed out */
	struct chunk *chunk;
	struct chunk *spare;	/* an emptied chunk, for the next overflow */
	uint64_t id;
	struct thread *next;	/* all threads, for the statistics */
	struct thread *next_orphan;
	struct bump_counts counts;
	struct node *lists[NCLASS];
};

struct large_slot {
	uintptr_t key;		/* pointer handed out; 0 empty, 1 deleted */
	size_t len;
};

static struct {
	char *base;
	size_t size;		/* of the region; 0 until it exists */
	size_t chunk_size, small_max, page;
	struct large_slot *large;
	struct bump_config config;
	struct bump_libc libc;
} g;

static size_t carved;		/* region bytes handed to threads as chunks */
static size_t large_live, large_peak;
static size_t large_max_probe;
static uint64_t fallbacks, last_id;
static struct thread *all_threads;
static int init_state;		/* 0 not yet, 1 running, 2 done */

/* States of threads that have exited, for new threads to take over. */
static struct thread *orphans;
static int orphans_lock;
static pthread_key_t exit_key;
static int have_exit_key;

static __thread struct thread *self __attribute__((tls_model("initial-exec")));
static __thread int in_init __attribute__((tls_model("initial-exec")));

/* A program linked with the library may choose its own default reserve. */
extern const size_t bump_alloc_global_size __attribute__((weak));

/* ---- Sizes and classes ------------------------------------------------- */

static inline size_t
round_up(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

static inline unsigned
log2_floor(size_t n)
{
	return 63u - (unsigned)__builtin_clzll(n);
}

/*
 * Bytes a request of n takes, header included: a multiple of 16 with the
 * pointer 16-aligned, at least 32 (a list node must fit), and above 1 KiB
 * rounded to a quarter of its power of two so that recycling wastes at
 * most 25%.
 */
static inline size_t
block_size(size_t n)
{
	size_t b = (n + 8 + 15) & ~(size_t)15;

	if (b < 32)
		return 32;
	if (b > 1024) {
		size_t step = (size_t)1 << (log2_floor(b - 1) - 2);
		b = round_up(b, step);
	}
	return b;
}

/* Class of a block size block_size() produces, and of any larger one. */
static inline unsigned
class_ceil(size_t b)
{
	unsigned k;

	if (b <= 1024)
		return (unsigned)(b / 16);
	k = log2_floor(b - 1);
	return 65 + (k - 10) * 4 + (unsigned)((b - ((size_t)1 << k) - 1) >> (k - 2));
}

/* Largest class whose every request fits in a block of b bytes. */
static inline unsigned
class_floor(size_t b)
{
	unsigned k, j;

	if (b <= 1024)
		return (unsigned)(b / 16);
	k = log2_floor(b);
	j = (unsigned)((b - ((size_t)1 << k)) >> (k - 2));
	return j == 0 ? 64 + (k - 10) * 4 : 65 + (k - 10) * 4 + (j - 1);
}

static inline int
in_region(const void *p)
{
	return (uintptr_t)p - (uintptr_t)g.base < g.size;
}

static inline struct chunk *
chunk_of(const void *p)
{
	return (struct chunk *)(void *)(g.base +
	    (((uintptr_t)p - (uintptr_t)g.base) & ~(g.chunk_size - 1)));
}

static inline struct hdr *
header_of(const void *p)
{
	return (struct hdr *)p - 1;
}

static inline char *
max_ptr(char *a, char *b)
{
	return a > b ? a : b;
}

#define COUNT(t, field, n) do {						\
	if (unlikely(g.config.stats))					\
		(t)->counts.field += (n);				\
} while (0)

/* ---- Start-up ---------------------------------------------------------- */

static void
choose_geometry(size_t reserve)
{
	size_t chunk = MAX_CHUNK;

	/* Small reserves get small chunks, so that a few threads fit. */
	while (chunk > MIN_CHUNK && chunk * 8 > reserve)
		chunk /= 2;
	g.chunk_size = chunk;
	g.small_max = chunk / 4 < LARGE_THRESHOLD ? chunk / 4 : LARGE_THRESHOLD;
	g.small_max -= 16;	/* so that block_size stays below the threshold */
}

static void
init_region(void)
{
	size_t size = round_up(g.config.reserve, g.chunk_size);
	char *p;

	if (size < g.config.reserve ||
	    (p = bump__os_reserve(size + g.chunk_size)) == NULL) {
		bump__print_no_reserve(g.config.reserve);
		return;
	}
	g.base = (char *)round_up((uintptr_t)p, g.chunk_size);
	if (g.config.hugepages)
		bump__os_hugepage_hint(g.base, size);
	p = bump__os_reserve(LARGE_SLOTS * sizeof(struct large_slot));
	if (p != NULL &&
	    bump__os_commit(p, LARGE_SLOTS * sizeof(struct large_slot)) == 0)
		g.large = (struct large_slot *)(void *)p;
	STORE(&g.size, size);
}

static void thread_exit(void *state);

/* 0 when the allocator is ready, -1 when called from inside start-up. */
static int
init_global(void)
{
	int expected = 0;

	if (likely(LOAD(&init_state) == 2))
		return 0;
	if (in_init)
		return -1;
	if (__atomic_compare_exchange_n(&init_state, &expected, 1, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		size_t reserve = DEFAULT_RESERVE;

		in_init = 1;
		if (&bump_alloc_global_size != NULL && bump_alloc_global_size != 0)
			reserve = bump_alloc_global_size;
		bump__find_libc(&g.libc);
		bump__read_config(&g.config, reserve);
		g.page = bump__os_page_size();
		choose_geometry(g.config.reserve);
		init_region();
		have_exit_key = pthread_key_create(&exit_key, thread_exit) == 0;
		in_init = 0;
		STORE(&init_state, 2);
		return 0;
	}
	while (LOAD(&init_state) != 2)
		(void)sched_yield();
	return 0;
}

/* ---- Chunks ------------------------------------------------------------ */

/* Budget left of the reserve, which large blocks share with the chunks. */
static int
within_reserve(size_t more)
{
	size_t used = LOAD(&carved) + LOAD(&large_live);

	return used <= g.config.reserve && more <= g.config.reserve - used;
}

static struct chunk *
carve_chunk(void)
{
	size_t off = LOAD(&carved);
	struct chunk *c;

	do {
		if (off + g.chunk_size > g.size || !within_reserve(g.chunk_size))
			return NULL;
	} while (!__atomic_compare_exchange_n(&carved, &off, off + g.chunk_size,
	    1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	c = (struct chunk *)(void *)(g.base + off);
	if (bump__os_commit(c, g.chunk_size) != 0)
		return NULL;
	return c;
}

/* First header position at or above p: headers sit at 8 mod 16. */
static char *
first_header(char *p)
{
	return (char *)round_up((uintptr_t)p + 8, 16) - 8;
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
	t->limit = (char *)c + g.chunk_size;
}

static int
push_chunk(struct thread *t)
{
	struct chunk *c = t->spare;

	if (c != NULL) {
		t->spare = NULL;
	} else {
		if ((c = carve_chunk()) == NULL)
			return -1;
		c->owner = t->id;
		c->start = c->top = c->clean = first_header((char *)(c + 1));
		c->last = NULL;
	}
	save_chunk(t);
	c->prev = t->chunk;
	enter_chunk(t, c);
	return 0;
}

/*
 * The current chunk holds no block any more: go back to the one before,
 * so that its blocks can be rolled back too.  Keep this one for the next
 * overflow; a second emptied chunk goes back to the OS.
 */
static void
pop_chunk(struct thread *t)
{
	struct chunk *c = t->chunk, *prev = c->prev;

	save_chunk(t);
	if (t->spare == NULL)
		t->spare = c;
	else
		(void)bump__os_decommit(c, g.chunk_size);
	enter_chunk(t, prev);
}

/*
 * The orphan list has a lock, but nobody ever waits for it: a thread that
 * finds it taken carves a new chunk, or (exiting) tries a few times and
 * leaves its chunks behind.  So fork() at any moment cannot deadlock.
 */
static int
try_lock(int *lock)
{
	return __atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) == 0;
}

static void
unlock(int *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* At thread exit: hand the chunks, lists and all to the next new thread. */
static void
thread_exit(void *state)
{
	struct thread *t = state;

	/* Later frees in this thread are foreign to it: they do nothing. */
	self = NULL;
	for (int tries = 0; tries < 100; tries++) {
		if (try_lock(&orphans_lock)) {
			t->next_orphan = orphans;
			orphans = t;
			unlock(&orphans_lock);
			return;
		}
		(void)sched_yield();
	}
}

static void
watch_exit(struct thread *t)
{
	self = t;	/* pthread_setspecific may allocate: be ready */
	if (have_exit_key)
		(void)pthread_setspecific(exit_key, t);
}

static struct thread *
adopt_orphan(void)
{
	struct thread *t;

	if (LOAD(&orphans) == NULL || !try_lock(&orphans_lock))
		return NULL;
	t = orphans;
	if (t != NULL)
		orphans = t->next_orphan;
	unlock(&orphans_lock);
	return t;
}

static struct thread *
init_thread(void)
{
	struct thread *t;
	struct chunk *c;

	if (init_global() != 0)
		return NULL;
	if ((t = adopt_orphan()) != NULL) {
		watch_exit(t);
		return t;
	}
	if ((c = carve_chunk()) == NULL)
		return NULL;
	/* The thread's own state lives at the start of its first chunk. */
	t = (struct thread *)(void *)first_header((char *)(c + 1));
	t = (struct thread *)(void *)((char *)t + 8);
	t->id = __atomic_add_fetch(&last_id, 1, __ATOMIC_RELAXED);
	c->owner = t->id;
	c->prev = NULL;
	c->start = c->top = c->clean = first_header((char *)(t + 1));
	c->last = NULL;
	enter_chunk(t, c);
	t->next = LOAD(&all_threads);
	while (!__atomic_compare_exchange_n(&all_threads, &t->next, t, 1,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	watch_exit(t);
	return t;
}

/* ---- Recycle lists ----------------------------------------------------- */

static void
list_push(struct thread *t, struct hdr *h)
{
	struct node *n = (struct node *)(void *)(h + 1);
	struct node **head = &t->lists[class_floor(h->size + 8)];

	n->prev = NULL;
	n->next = *head;
	if (n->next != NULL)
		n->next->prev = n;
	*head = n;
	h->link |= F_LISTED;
}

static void
list_unlink(struct thread *t, struct hdr *h)
{
	struct node *n = (struct node *)(void *)(h + 1);

	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		t->lists[class_floor(h->size + 8)] = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	h->link &= ~(F_FREED | F_LISTED);
}

/* ---- Large blocks ------------------------------------------------------ */

static size_t
large_hash(uintptr_t key)
{
	return (size_t)(((uint64_t)key >> 12) * 0x9E3779B97F4A7C15u >> 46) &
	    (LARGE_SLOTS - 1);
}

static int
large_insert(uintptr_t key, size_t len)
{
	size_t i = large_hash(key);

	for (size_t probe = 0; probe < LARGE_SLOTS; ) {
		uintptr_t old = LOAD(&g.large[i].key);

		if (old <= 1) {
			if (!__atomic_compare_exchange_n(&g.large[i].key, &old, key,
			    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				continue;	/* another thread took it: look again */
			STORE(&g.large[i].len, len);
			size_t max = LOAD(&large_max_probe);
			while (probe > max && !__atomic_compare_exchange_n(
			    &large_max_probe, &max, probe, 1, __ATOMIC_ACQ_REL,
			    __ATOMIC_ACQUIRE))
				;
			return 0;
		}
		probe++;
		i = (i + 1) & (LARGE_SLOTS - 1);
	}
	return -1;
}

/* The slot holding key, or NULL.  Stops at an empty slot or max probe. */
static struct large_slot *
large_find(const void *p)
{
	uintptr_t key = (uintptr_t)p;
	size_t i, max;

	if (g.large == NULL || key <= 1)
		return NULL;
	max = LOAD(&large_max_probe);
	i = large_hash(key);
	for (size_t probe = 0; probe <= max; probe++) {
		uintptr_t k = LOAD(&g.large[i].key);

		if (k == key)
			return &g.large[i];
		if (k == 0)
			return NULL;
		i = (i + 1) & (LARGE_SLOTS - 1);
	}
	return NULL;
}

static void *
large_alloc(size_t n, size_t align)
{
	size_t len, extra = align > g.page ? align - g.page : 0;
	char *map, *p;

	if (extra >= PTRDIFF_MAX / 2 || n > PTRDIFF_MAX / 2 - extra)
		return NULL;
	len = round_up(n == 0 ? 1 : n, g.page);
	if (g.large == NULL || !within_reserve(len) ||
	    (map = bump__os_reserve(len + extra)) == NULL)
		return NULL;
	p = (char *)round_up((uintptr_t)map, align > g.page ? align : g.page);
	if (p > map)
		bump__os_release(map, (size_t)(p - map));
	if (map + len + extra > p + len)
		bump__os_release(p + len, (size_t)(map + len + extra - (p + len)));
	if (bump__os_commit(p, len) != 0 || large_insert((uintptr_t)p, len) != 0) {
		bump__os_release(p, len);
		return NULL;
	}
	size_t live = __atomic_add_fetch(&large_live, len, __ATOMIC_ACQ_REL);
	size_t peak = LOAD(&large_peak);
	while (live > peak && !__atomic_compare_exchange_n(&large_peak, &peak,
	    live, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	return p;
}

static void
large_free(struct large_slot *slot)
{
	void *p = (void *)slot->key;
	size_t len = slot->len;

	STORE(&slot->key, (uintptr_t)1);
	bump__os_release(p, len);
	__atomic_sub_fetch(&large_live, len, __ATOMIC_ACQ_REL);
}

/*
 * Resize a large block by moving its pages rather than its bytes, as
 * glibc does for its mmapped chunks.  NULL where the OS cannot.
 */
static void *
large_remap(struct large_slot *slot, size_t n)
{
#if defined(HAVE_MREMAP) && defined(MREMAP_MAYMOVE)
	size_t old = slot->len, len;
	void *p = (void *)slot->key, *q;

	if (n > PTRDIFF_MAX - g.page)
		return NULL;
	len = round_up(n, g.page);
	if (len > old && !within_reserve(len - old))
		return NULL;
	q = mremap(p, old, len, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return NULL;
	STORE(&slot->key, (uintptr_t)1);
	if (large_insert((uintptr_t)q, len) != 0) {
		/* Only if the table is full and another thread took the
		 * slot just freed: no state to go back to. */
		abort();
	}
	if (len > old) {
		size_t live = __atomic_add_fetch(&large_live, len - old,
		    __ATOMIC_ACQ_REL);
		size_t peak = LOAD(&large_peak);
		while (live > peak && !__atomic_compare_exchange_n(&large_peak,
		    &peak, live, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			;
	} else {
		__atomic_sub_fetch(&large_live, old - len, __ATOMIC_ACQ_REL);
	}
	return q;
#else
	(void)slot;
	(void)n;
	return NULL;
#endif
}

/* ---- Allocation -------------------------------------------------------- */

static void *
exhausted(size_t n, size_t align, int zero)
{
	if (n <= PTRDIFF_MAX) {
		switch (g.config.on_exhaust) {
		case EXHAUST_SYSTEM:
			if (g.libc.malloc == NULL)
				break;
			__atomic_add_fetch(&fallbacks, 1, __ATOMIC_RELAXED);
			if (align > 16)
				return g.libc.memalign(align, n);
			return zero ? g.libc.calloc(1, n) : g.libc.malloc(n);
		case EXHAUST_NULL:
			break;
		case EXHAUST_ABORT:
			bump__print_exhausted(g.config.reserve, n);
			abort();
		}
	}
	errno = ENOMEM;
	return NULL;
}

/* A block at the top of the current chunk, or NULL if it does not fit. */
static inline void *
bump(struct thread *t, size_t n, size_t b, size_t align, int zero)
{
	char *top = t->top;
	char *user = (char *)round_up((uintptr_t)top + 8, align);
	struct hdr *h = header_of(user);

	if (user > t->limit || b - 8 > (size_t)(t->limit - user))
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
	return user;
}

static void *
take_listed(struct thread *t, struct node *n, size_t want, int zero)
{
	struct hdr *h = header_of(n);

	list_unlink(t, h);
	COUNT(t, recycled, 1);
	COUNT(t, bytes_reclaimed, h->size);
	if (zero)
		memset(n, 0, want);
	return n;
}

static void *
alloc_slow(size_t n, size_t align, int zero)
{
	struct thread *t = self;
	size_t b;
	void *p;

	if (t == NULL && (t = init_thread()) == NULL) {
		if (in_init && g.libc.malloc != NULL)	/* start-up re-entered */
			return zero ? g.libc.calloc(1, n) : g.libc.malloc(n);
		return exhausted(n, align, zero);
	}
	COUNT(t, mallocs, 1);
	COUNT(t, bytes_allocated, n);
	if (n > g.small_max || (align > 16 && n + align > g.small_max)) {
		COUNT(t, large, 1);
		p = large_alloc(n, align);
		return p != NULL ? p : exhausted(n, align, zero);
	}
	b = block_size(n);
	if (align == 16 && g.config.free_policy == FREE_RECYCLE) {
		struct node *listed = t->lists[class_ceil(b)];
		if (listed != NULL)
			return take_listed(t, listed, n, zero);
	}
	if ((p = bump(t, n, b, align, zero)) != NULL)
		return p;
	if (push_chunk(t) == 0 && (p = bump(t, n, b, align, zero)) != NULL)
		return p;
	return exhausted(n, align, zero);
}

static inline void *
alloc(size_t n)
{
	struct thread *t = self;

	if (likely(t != NULL && n <= g.small_max)) {
		size_t b = block_size(n);
		char *top = t->top;

		if (g.config.free_policy == FREE_RECYCLE) {
			struct node *listed = t->lists[class_ceil(b)];
			if (listed != NULL) {
				COUNT(t, mallocs, 1);
				COUNT(t, bytes_allocated, n);
				return take_listed(t, listed, n, 0);
			}
		}
		if (likely(b <= (size_t)(t->limit - top))) {
			struct hdr *h = (struct hdr *)(void *)top;

			COUNT(t, mallocs, 1);
			COUNT(t, bytes_allocated, n);
			h->size = (uint32_t)(b - 8);
			h->link = t->last != NULL ?
			    (uint32_t)(top - (char *)t->last) : 0;
			t->last = h;
			t->top = top + b;
			return h + 1;
		}
	}
	return alloc_slow(n, 16, 0);
}

/* ---- Freeing ----------------------------------------------------------- */

/*
 * h, the newest block, goes: lower the top to the end of the block below,
 * and go on while that one was freed too.  An emptied chunk hands over to
 * the chunk before it, whose newest blocks may also be waiting.
 */
static void
roll_back(struct thread *t, struct hdr *h)
{
	t->clean = max_ptr(t->clean, t->top);
	for (;;) {
		uint32_t back = h->link & LINK_MASK;

		if (h->link & F_LISTED)
			list_unlink(t, h);
		COUNT(t, bytes_reclaimed, h->size);
		if (back == 0) {
			t->top = t->chunk->start;
			t->last = NULL;
			if (t->chunk->prev == NULL)
				return;
			pop_chunk(t);
			h = t->last;
			if (h == NULL || !(h->link & F_FREED))
				return;
			t->clean = max_ptr(t->clean, t->top);
			continue;
		}
		h = (struct hdr *)(void *)((char *)h - back);
		t->top = (char *)(h + 1) + h->size;
		t->last = h;
		if (!(h->link & F_FREED))
			return;
	}
}

static void
free_small(void *p)
{
	struct hdr *h = header_of(p);
	struct thread *t = self;

	if (t == NULL || chunk_of(p)->owner != t->id) {
		/* Another thread's chunk: its owner alone may touch it. */
		if (t != NULL) {
			COUNT(t, frees, 1);
			COUNT(t, bytes_freed, h->size);
			COUNT(t, remote_frees, 1);
		}
		return;
	}
	COUNT(t, frees, 1);
	COUNT(t, bytes_freed, h->size);
	if (g.config.free_policy == FREE_NONE)
		return;
	if (h == t->last) {
		roll_back(t, h);
		return;
	}
	h->link |= F_FREED;
	if (g.config.free_policy == FREE_RECYCLE)
		list_push(t, h);
}

static void
free_any(void *p)
{
	struct large_slot *slot;
	int saved = errno;

	(void)init_global();	/* pointers from before the first malloc */
	if ((slot = large_find(p)) != NULL) {
		if (self != NULL) {
			COUNT(self, frees, 1);
			COUNT(self, bytes_freed, slot->len);
			COUNT(self, bytes_reclaimed, slot->len);
		}
		large_free(slot);
	} else if (g.libc.free != NULL) {
		g.libc.free(p);
	}
	errno = saved;
}

static size_t
usable_size(void *p)
{
	struct large_slot *slot;

	if (p == NULL)
		return 0;
	(void)init_global();
	if (in_region(p))
		return header_of(p)->size;
	if ((slot = large_find(p)) != NULL)
		return slot->len;
	return g.libc.usable_size != NULL ? g.libc.usable_size(p) : 0;
}

/* ---- Resizing ---------------------------------------------------------- */

static void *
move_block(void *p, size_t old, size_t n)
{
	void *q = alloc(n);

	if (q != NULL) {
		memcpy(q, p, old < n ? old : n);
		if (in_region(p))
			free_small(p);
		else
			free_any(p);
	}
	return q;
}

static void *
resize(void *p, size_t n)
{
	struct thread *t = self;

	if (in_region(p)) {
		struct hdr *h = header_of(p);

		if (t != NULL)
			COUNT(t, reallocs, 1);
		if (t != NULL && h == t->last && n <= g.small_max) {
			size_t b = block_size(n);

			if (b - 8 <= (size_t)(t->limit - (char *)p)) {
				t->clean = max_ptr(t->clean, t->top);
				COUNT(t, reallocs_in_place, 1);
				h->size = (uint32_t)(b - 8);
				t->top = (char *)h + b;
				return p;
			}
		}
		if (n <= h->size)
			return p;
		return move_block(p, h->size, n);
	}

	(void)init_global();
	struct large_slot *slot = large_find(p);
	if (slot != NULL) {
		if (t != NULL)
			COUNT(t, reallocs, 1);
		if (n <= slot->len && n > slot->len / 2)
			return p;
		if (n > g.small_max) {
			void *q = large_remap(slot, n);
			if (q != NULL)
				return q;
		}
		return move_block(p, slot->len, n);
	}
	if (g.libc.realloc != NULL)
		return g.libc.realloc(p, n);
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
	return alloc_slow(n, align, 0);
}

static inline int
power_of_two(size_t a)
{
	return a != 0 && (a & (a - 1)) == 0;
}

/* ---- The interface ----------------------------------------------------- */

EXPORT void *
malloc(size_t n)
{
	return alloc(n);
}

EXPORT void
free(void *p)
{
	if (p == NULL)
		return;
	if (likely(in_region(p)))
		free_small(p);
	else
		free_any(p);
}

EXPORT void *
calloc(size_t nmemb, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return alloc_slow(n, 16, 1);
}

EXPORT void *
realloc(void *p, size_t n)
{
	if (p == NULL)
		return alloc(n);
	if (n == 0) {	/* as glibc: free, and NULL */
		free(p);
		return NULL;
	}
	return resize(p, n);
}

EXPORT void *
reallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n);
}

EXPORT int
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

EXPORT void *
aligned_alloc(size_t align, size_t n)
{
	if (!power_of_two(align)) {
		errno = EINVAL;
		return NULL;
	}
	return alloc_aligned(align, n);
}

EXPORT void *
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

EXPORT void *
valloc(size_t n)
{
	return alloc_aligned(bump__os_page_size(), n);
}

EXPORT void *
pvalloc(size_t n)
{
	size_t page = bump__os_page_size();

	if (n > SIZE_MAX - page) {
		errno = ENOMEM;
		return NULL;
	}
	return alloc_aligned(page, n == 0 ? page : round_up(n, page));
}

EXPORT size_t
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
EXPORT void cfree(void *p) { free(p); }
EXPORT void *__libc_malloc(size_t n) { return alloc(n); }
EXPORT void __libc_free(void *p) { free(p); }
EXPORT void *__libc_calloc(size_t nmemb, size_t size)
{ return calloc(nmemb, size); }
EXPORT void *__libc_realloc(void *p, size_t n) { return realloc(p, n); }
EXPORT void *__libc_memalign(size_t align, size_t n)
{ return memalign(align, n); }
EXPORT void *__libc_valloc(size_t n) { return valloc(n); }
EXPORT void *__libc_pvalloc(size_t n) { return pvalloc(n); }

/* ---- The report at exit ------------------------------------------------ */

__attribute__((destructor)) static void
report_at_exit(void)
{
	struct bump_report rep;
	struct bump_counts *sum = &rep.counts;

	if (LOAD(&init_state) != 2 || !g.config.stats)
		return;
	memset(&rep, 0, sizeof rep);
	rep.config = &g.config;
	for (struct thread *t = LOAD(&all_threads); t != NULL; t = t->next) {
		const struct bump_counts *c = &t->counts;

		rep.threads++;
		sum->mallocs += c->mallocs;
		sum->frees += c->frees;
		sum->reallocs += c->reallocs;
		sum->reallocs_in_place += c->reallocs_in_place;
		sum->bytes_allocated += c->bytes_allocated;
		sum->bytes_freed += c->bytes_freed;
		sum->bytes_reclaimed += c->bytes_reclaimed;
		sum->recycled += c->recycled;
		sum->remote_frees += c->remote_frees;
		sum->large += c->large;
	}
	sum->fallbacks = LOAD(&fallbacks);
	rep.region_used = LOAD(&carved);
	rep.large_peak = LOAD(&large_peak);
	rep.chunk_size = g.chunk_size;
	rep.large_threshold = g.small_max + 16;
	bump__print_report(&rep);
}
