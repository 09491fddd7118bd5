/*
 * malloc_internal.h - internals shared by the files of libbump_alloc_malloc.
 *
 *   malloc.c         the exported names and the inline fast paths (bump,
 *                    recycle, free of a block of the thread's own)
 *   malloc_free.c    roll back, chunks that go back whole, frees from
 *                    other threads
 *   malloc_thread.c  start-up, the slow path, thread states and their chunks
 *   malloc_large.c   blocks with pages of their own, and their cache
 *   malloc_env.c     settings, messages, the report, the statistics
 *   malloc_libc.c    finding the C library's own allocator
 *
 * Each thread bump-allocates from a chunk of its own (from the chunk layer,
 * lib/chunks.h, over one fixed reservation).  Every block carries an 8-byte
 * header just below the pointer: its usable size and the distance back to
 * the block before it in the chunk, plus two flags.  Every chunk knows its
 * owner and how many of its blocks are live; a chunk whose blocks are all
 * free goes back to the chunk layer.  A block freed by another thread is
 * pushed on its owner's lock-free list, which the owner drains on its slow
 * path.  Nothing here may call malloc or stdio: it runs inside malloc.
 */
#ifndef BUMP_MALLOC_INTERNAL_H
#define BUMP_MALLOC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bump_alloc_malloc.h"
#include "chunks.h"

#define BUMP_EXPORT __attribute__((visibility("default")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ADD(p, n) __atomic_add_fetch((p), (n), __ATOMIC_RELAXED)

#define DEFAULT_RESERVE ((size_t)1 << 30)
#define CHUNK_SHIFT_MAX 21u	/* 2 MiB, a huge page: chunks may be THP */
#define CHUNK_SHIFT_MIN 16u	/* 64 KiB: the smallest reserve that works */
#ifndef LARGE_THRESHOLD
# define LARGE_THRESHOLD ((size_t)256 << 10)	/* measured, see the man page */
#endif
#define NCLASS 112
/* The fast path hands out at most this much before the slow path looks at
 * the blocks other threads freed, so that they are reused soon. */
#define DRAIN_EVERY ((size_t)64 << 10)
_Static_assert(CHUNK_SHIFT_MIN >= BUMP_CHUNK_MIN_SHIFT &&
    CHUNK_SHIFT_MAX <= BUMP_CHUNK_MAX_SHIFT, "chunks the chunk layer serves");

enum bump_free_policy { FREE_NONE, FREE_LIFO, FREE_RECYCLE };
enum bump_exhaust { EXHAUST_SYSTEM, EXHAUST_NULL, EXHAUST_ABORT };

struct bump_config {
	size_t reserve;
	enum bump_free_policy free_policy;
	enum bump_exhaust on_exhaust;
	int stats;
	int stats_fd;		/* a copy of stderr: programs may close it */
	int hugepages;
};

/* The C library's allocator, for the `system` fallback and for pointers
 * this library did not make.  Members are NULL where it was not found. */
struct bump_libc {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*memalign)(size_t, size_t);
	size_t (*usable_size)(void *);
};

/* Per-thread counters, summed over threads by bump_malloc_stats.  Bytes
 * are usable bytes, so that a block freed counts what it was allocated. */
struct bump_counts {
	uint64_t mallocs, frees, reallocs, reallocs_in_place;
	uint64_t bytes_allocated, bytes_freed, bytes_reclaimed;
	uint64_t recycled, remote_frees, large;
};

/* The header of a block, the 8 bytes below the pointer handed out. */
struct hdr {
	uint32_t size;	/* usable bytes */
	uint32_t link;	/* bytes back to the previous header (0: first) | flags */
};
#define F_FREED 1u	/* freed, waiting for the blocks above it to go */
#define F_LISTED 2u	/* and on a recycle list */
#define LINK_MASK (~(uint32_t)15)

/* A block on a recycle list keeps the links in its first 16 bytes.  The
 * head's prev is never read (a pop does not write the next block); every
 * other node's prev is its predecessor. */
struct node {
	struct node *next, *prev;
};

/* At the start of every chunk; only its owner writes it.  Other threads
 * read the owner on every free: the owner's writes go on another line. */
struct chunk {
	struct thread *owner;
	char *start;		/* the first header goes here */
	_Alignas(64) size_t live;	/* blocks handed out and not yet freed */
	struct chunk *prev, *next;	/* the owner's chunks, older / newer */
	char *top, *clean;	/* saved while another chunk is current */
	struct hdr *last;
};

struct thread {
	char *top;		/* free space of the current chunk: top to limit, */
	char *limit;		/* at most DRAIN_EVERY of it (see below) */
	struct hdr *last;	/* newest block there, NULL if none */
	char *clean;		/* above max(clean, top) nothing was handed out */
	struct chunk *chunk;	/* current, the newest of the thread's chunks */
	struct chunk *spare;	/* an emptied chunk, for the next overflow */
	struct thread *next;	/* all threads, for the statistics */
	struct thread *next_orphan;
	struct bump_counts counts;
	struct node *lists[NCLASS];
	/* What other threads read and write on every free of the owner's
	 * blocks, on a line of its own so that they do not slow the owner:
	 * the blocks they freed, linked through their first word, and
	 * whether the owner's thread has exited (nobody adopted it yet). */
	_Alignas(64) void *remote;
	int orphaned;
};

/* A freed block holds a list node; the owner's line is not the one the
 * owner writes; other threads' line of a thread state is its own. */
_Static_assert(sizeof(struct hdr) + sizeof(struct node) <= 32,
    "the smallest block holds a list node");
_Static_assert(offsetof(struct chunk, live) == 64, "owner alone on its line");
_Static_assert(offsetof(struct thread, remote) % 64 == 0 &&
    sizeof(struct thread) % 64 == 0, "remote frees on a line of their own");

struct bump_global {
	size_t small_max;	/* larger requests are large blocks */
	size_t chunk_size;
	uintptr_t chunk_mask;	/* ~(chunk_size - 1) */
	unsigned chunk_shift;
	/* Where chunks were handed out: lowest and highest end, each >> 16,
	 * in one word so that no reader sees half an update. */
	uint64_t range;
	size_t page;
	struct bump_config config;
	struct bump_libc libc;
};

extern struct bump_global bump__g;
extern struct bump_chunks bump__pool;
extern __thread struct thread *bump__self
    __attribute__((tls_model("initial-exec")));

/* ---- Sizes and classes (inline: the fast paths use them) -------------- */

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

#define RANGE_SHIFT 16	/* chunks are aligned at least this much */
_Static_assert(CHUNK_SHIFT_MIN >= RANGE_SHIFT, "chunk bounds fit the range");

static inline int
in_region(const void *p)
{
	uint64_t r = __atomic_load_n(&bump__g.range, __ATOMIC_RELAXED);
	uintptr_t lo = (uintptr_t)(r & 0xffffffffu) << RANGE_SHIFT;
	uintptr_t hi = (uintptr_t)(r >> 32) << RANGE_SHIFT;

	return (uintptr_t)p - lo < hi - lo;
}

static inline struct chunk *
chunk_of(const void *p)
{
	return (struct chunk *)((uintptr_t)p & bump__g.chunk_mask);
}

static inline struct hdr *
header_of(const void *p)
{
	return (struct hdr *)p - 1;
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

static inline void
list_push(struct thread *t, struct hdr *h)
{
	struct node *n = (struct node *)(void *)(h + 1);
	struct node **head = &t->lists[class_floor(h->size + 8)];

	n->next = *head;
	if (n->next != NULL)
		n->next->prev = n;
	*head = n;
	h->link |= F_LISTED;
}

/* The head of a recycle list, taken off it. */
static inline void
list_pop(struct thread *t, struct node *n, unsigned c)
{
	struct hdr *h = (struct hdr *)(void *)n - 1;

	t->lists[c] = n->next;	/* the new head's prev is not read */
	h->link &= ~(F_FREED | F_LISTED);
}

static inline void
list_unlink(struct thread *t, struct hdr *h)
{
	struct node *n = (struct node *)(void *)(h + 1);
	struct node **head = &t->lists[class_floor(h->size + 8)];

	if (*head == n) {
		*head = n->next;
	} else {
		n->prev->next = n->next;
		if (n->next != NULL)
			n->next->prev = n->prev;
	}
	h->link &= ~(F_FREED | F_LISTED);
}

static inline char *
max_ptr(char *a, char *b)
{
	return a > b ? a : b;
}

static inline char *
chunk_end(const struct thread *t)
{
	return (char *)t->chunk + bump__g.chunk_size;
}

/* Raise *peak to value if it is higher. */
static inline void
raise_peak(size_t *peak, size_t value)
{
	size_t old = LOAD(peak);

	while (value > old && !__atomic_compare_exchange_n(peak, &old, value,
	    1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
}

/* ---- Across the files ------------------------------------------------- */

/* malloc.c: the inline paths, for the other files */
void bump__free_local(struct thread *t, struct chunk *c, struct hdr *h);
void *bump__take_listed(struct thread *t, struct node *n, unsigned c,
    size_t zero_bytes);

/* malloc_thread.c */
int bump__init_global(void);	/* 0 ready, -1 inside start-up */
int bump__ready(void);
void *bump__alloc_slow(size_t n, size_t align, int zero);
void *bump__exhausted(size_t n, size_t align, int zero);
void bump__collect(struct bump_malloc_stats *st);
struct thread *bump__thread(void);
void bump__count_free(struct thread *t, size_t bytes, size_t reclaimed,
    int remote);
void bump__pop_chunk(struct thread *t);
void bump__shed(struct thread *t);
extern bump_lock_t bump__orphans_lock;

/* malloc_free.c */
void bump__roll_back(struct thread *t, struct hdr *h);
void bump__free_remote(struct thread *t, struct chunk *c, struct hdr *h);
void bump__drain_remote(struct thread *t);

void bump__release_chunk(struct thread *t, struct chunk *c);
void bump__give_chunk(struct thread *t, struct chunk *c);

/* malloc_large.c */
int bump__large_init(void);
void *bump__large_alloc(size_t n, size_t align, int zero, size_t *len);
size_t bump__large_size(const void *p);	/* 0: not a large block */
int bump__large_free(void *p);		/* 0 freed, -1 not ours */
void *bump__large_resize(void *p, size_t n);	/* NULL: move by copy */
size_t bump__large_trim(int all);
void bump__large_lock(int take);
void bump__large_usage(size_t *live, size_t *peak, size_t *cached);
int bump__within_reserve(size_t more);
extern size_t bump__chunks_held, bump__chunks_peak;

/* malloc_env.c */
void bump__read_config(struct bump_config *config, size_t default_reserve,
    size_t min_reserve);
void bump__print_report(const struct bump_config *config,
    const struct bump_malloc_stats *st);
void bump__print_exhausted(size_t reserve, size_t request);
void bump__print_no_reserve(size_t reserve);
void bump__write_message(int fd, const char *const *parts);
int bump__parse_size(const char *s, size_t *out);
size_t bump__format_report(const struct bump_config *config,
    const struct bump_malloc_stats *st, char *buf, size_t size);

/* malloc_libc.c */
void bump__find_libc(struct bump_libc *libc);

#endif /* BUMP_MALLOC_INTERNAL_H */
