/*
 * malloc_internal.h - internals shared by the files of libbump_alloc_malloc.
 *
 * The files, each calling only the files listed below it (the fast path
 * included: what it needs of the others is inline here):
 *
 *   malloc.c           the exported names, their fast paths inline (bump,
 *                      recycle, free of a block of the thread's own), the
 *                      statistics' names and the report at exit
 *   malloc_slow.c      allocation the fast path leaves: a new chunk, large
 *                      or over-aligned blocks, zeroing, the fallback
 *   malloc_init.c      start-up, on the first call; the calling thread's state
 *   malloc_thread.c    thread states: made, exited, orphaned and adopted
 *   malloc_remote.c    frees from other threads, and acting for an owner
 *                      that is away (exited, or idle outside the library)
 *   malloc_chunk.c     a chunk's whole life: taken, entered, left, rolled
 *                      back, shed and given back
 *   malloc_stats.c     the counters, and their sum
 *   malloc_large.c     blocks with pages of their own, and their cache
 *   malloc_reserve.c   the reserve, shared by chunks and large blocks
 *   malloc_settings.c  the settings: environment, geometry, the C library's
 *                      allocator; read-only once start-up is done
 *   malloc_report.c    messages and the report's text
 *
 * Each thread bump-allocates from a chunk of its own (from the chunk layer,
 * lib/chunks.h, over one fixed reservation).  Every block carries an 8-byte
 * header just below the pointer: its usable size and the distance back to
 * the block before it in the chunk, plus three flags.  Every chunk knows
 * its owner and how many of its blocks are live; a chunk whose blocks are
 * all free goes back to the chunk layer.  Blocks freed by another thread
 * are gathered by that thread and pushed, a batch at a time, on their
 * owner's lock-free list, which the owner drains on its slow path.
 * Nothing here may call malloc or stdio: it runs inside malloc.
 *
 * A thread's state is its own: the owner reads and writes it plainly,
 * and marks that it does (busy) around every call.  Another thread may
 * act for the owner while it is away (see owner_enter): it takes the
 * state's `taken' lock, and then, unless the owner has exited, makes sure
 * with a barrier on every thread that the owner is not busy; an owner that
 * comes back meanwhile waits for it.  That is how the frees of an owner
 * that went idle, or exited, come back without its help.
 */
#ifndef BUMP_MALLOC_INTERNAL_H
#define BUMP_MALLOC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "bits.h"
#include "bump_alloc_malloc.h"
#include "chunks.h"
#include "os.h"

#define BUMP_EXPORT __attribute__((visibility("default")))
/* Variables the fast path reads: hidden, so that it reads them directly
 * rather than through the global offset table. */
#define BUMP_HIDDEN __attribute__((visibility("hidden")))

/* The malloc replacement's chunks: 2 MiB at most, a huge page (chunks may
 * be THP), and 64 KiB at least, the smallest reserve that works. */
#define MALLOC_CHUNK_SHIFT_MAX 21u
#define MALLOC_CHUNK_SHIFT_MIN 16u
#ifndef LARGE_THRESHOLD
# define LARGE_THRESHOLD ((size_t)256 << 10)	/* measured, see the man page */
#endif
#define SIZE_CLASSES 112
/* The fast path hands out at most this much (bumped, or recycled) before
 * the slow path looks at the blocks other threads freed, so that they are
 * reused soon and an owner busy recycling is not taken for an idle one. */
#define DRAIN_EVERY ((size_t)64 << 10)
/* Freed memory the library keeps for reuse (large blocks in their cache,
 * chunks in the pool past its first 8 MiB) goes back to the OS once it has
 * been kept unused this long: reused at once it costs no page fault. */
#define UNUSED_MS 1000u
/* Blocks other threads freed waiting for an owner that has not reached its
 * slow path since this many bytes of them came: take them in its place. */
#define TAKE_OVER_EVERY ((size_t)512 << 10)
/* A thread gathers the blocks of one owner it frees, and hands them over
 * with one compare-and-swap once it has this many (or bytes of them), or
 * frees another owner's, or comes to its slow path, or exits. */
#define REMOTE_BATCH 32
#define REMOTE_BATCH_BYTES ((size_t)64 << 10)
_Static_assert(MALLOC_CHUNK_SHIFT_MIN >= BUMP_CHUNK_MIN_SHIFT &&
    MALLOC_CHUNK_SHIFT_MAX <= BUMP_CHUNK_MAX_SHIFT,
    "chunks the chunk layer serves");

enum bump_free_policy { FREE_NONE, FREE_LIFO, FREE_RECYCLE };
enum bump_exhaust { EXHAUST_SYSTEM, EXHAUST_NULL, EXHAUST_ABORT };
enum bump_bad_free { BAD_FREE_ABORT, BAD_FREE_IGNORE };

struct bump_config {
	size_t reserve;
	enum bump_free_policy free_policy;
	enum bump_exhaust on_exhaust;
	enum bump_bad_free bad_free;
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

/*
 * What start-up decides (malloc_settings.c) and nothing changes after:
 * the geometry of the chunks, the size of a page, the environment's
 * settings and the C library's allocator.
 */
struct bump_settings {
	size_t small_max;	/* larger requests are large blocks */
	size_t chunk_size;	/* 2^chunk_shift */
	uintptr_t chunk_mask;	/* ~(chunk_size - 1) */
	unsigned chunk_shift;
	size_t page;
	struct bump_config config;
	struct bump_libc libc;
};

/*
 * Per-thread counters, summed over threads by bump_malloc_stats.  Bytes
 * are usable bytes, so that a block freed counts what it was allocated.
 * The paths that run most count least, and bump__collect adds up: a
 * recycled block counts only in recycled and bytes_recycled (also an
 * allocation, and bytes allocated and reclaimed), a free that rolls the
 * top back over its block only in frees and bytes_rolled (bytes freed and
 * reclaimed).
 */
struct bump_counts {
	uint64_t mallocs, frees, reallocs, reallocs_in_place;
	uint64_t bytes_allocated, bytes_freed, bytes_reclaimed;
	uint64_t recycled, bytes_recycled, bytes_rolled, remote_frees, large;
};

/* The header of a block, the 8 bytes below the pointer handed out. */
struct hdr {
	uint32_t size;	/* usable bytes */
	uint32_t link;	/* bytes back to the previous header (0: first) | flags */
};
_Static_assert(sizeof(struct hdr) == sizeof(uint64_t),
    "a header is read as one word (block_is_live)");
#define F_FREED 1u	/* freed, waiting for the blocks above it to go */
#define F_LISTED 2u	/* and on a recycle list */
/* Freed by another thread, on its owner's list of remote frees: set with
 * an atomic operation by the freeing thread, so that a second free sees
 * it; the owner's rollback does not look at it (the block is still the
 * owner's to free). */
#define F_REMOTE 4u
#define F_ANY_FREE (F_FREED | F_LISTED | F_REMOTE)
/* Headers sit at 8 mod 16: distances between them are multiples of 16,
 * which leaves the low four bits of link to the flags. */
#define LINK_MASK (~(uint32_t)15)
_Static_assert((F_ANY_FREE & LINK_MASK) == 0,
    "the flags and the distance in link do not overlap");
_Static_assert(MALLOC_CHUNK_SHIFT_MAX < 32,
    "a distance between headers of one chunk fits link");
_Static_assert(LARGE_THRESHOLD <= UINT32_MAX &&
    ((size_t)1 << MALLOC_CHUNK_SHIFT_MAX) / 4 <= UINT32_MAX,
    "the largest small block's size fits a header's size field");

/* A block on a recycle list keeps the links in its first 16 bytes.  The
 * head's prev is never read (a pop does not write the next block); every
 * other node's prev is its predecessor. */
struct node {
	struct node *next, *prev;
};

/* A block on an owner's list of remote frees keeps the link in its first
 * 8 bytes; the first block of each batch pushed, the bytes of the list up
 * to the end of its batch in the next 8; then the block REMOTE_AHEAD
 * further down the list, if in the same batch (else NULL), so that the
 * owner, which misses the cache on every block it takes, starts that
 * many loads at once rather than one after the other. */
struct remote_node {
	struct remote_node *next;
	size_t pending;
	struct remote_node *ahead;	/* a hint: only prefetched */
};
#define REMOTE_AHEAD 4

/* The blocks of one owner a thread freed and has not handed over yet,
 * linked newest first; the last REMOTE_AHEAD of them by count modulo
 * REMOTE_AHEAD. */
struct remote_batch {
	struct thread *owner;	/* NULL: none */
	struct remote_node *first, *last;
	struct remote_node *recent[REMOTE_AHEAD];
	size_t bytes;
	unsigned count;
};

/* At the start of every chunk; only its owner writes it.  Other threads
 * read the owner on every free: the owner's writes go on another line.
 * The chunk layer keeps its own links in a free chunk's first 16 bytes;
 * magic, past them, tells a chunk a thread holds from one in the pool
 * (which reads CHUNK_FREE, or zero once purged). */
struct chunk {
	struct thread *owner;
	char *start;		/* the first header goes here */
	uint64_t magic;
	_Alignas(BUMP_CACHE_LINE) size_t live;	/* blocks handed out, not freed */
	struct chunk *prev, *next;	/* the owner's chunks, older / newer */
	char *top, *clean;	/* saved while another chunk is current */
	struct hdr *last;
};
#define CHUNK_HELD ((uint64_t)0x6b6e756863706d62)	/* "bmpchunk" */
#define CHUNK_FREE ((uint64_t)0)
_Static_assert(offsetof(struct chunk, magic) >= 16,
    "the chunk layer's links leave magic alone");

struct thread {
	char *top;		/* free space of the current chunk: top to limit, */
	char *limit;		/* at most DRAIN_EVERY of it (see below) */
	size_t recycle_room;	/* bytes the fast path may recycle before
				 * the slow path looks at remote frees */
	struct hdr *last;	/* newest block there, NULL if none */
	char *clean;		/* above max(clean, top) nothing was handed out */
	struct chunk *chunk;	/* current, the newest of the thread's chunks */
	struct chunk *spare;	/* an emptied chunk, for the next overflow */
	int busy;		/* the owner is inside the library */
	unsigned slow_calls;	/* times the owner took its slow path */
	struct thread *next;	/* all states, for statistics and fork */
	struct thread *next_orphan;
	struct bump_counts counts;
	struct remote_batch batch;	/* other threads' blocks t freed */
	struct node *lists[SIZE_CLASSES];
	/* What other threads read and write on every batch of the owner's
	 * blocks they hand over, on a line of its own so that they do not
	 * slow the owner: the blocks they freed, and whether the owner's
	 * thread has exited (nobody adopted it yet). */
	_Alignas(BUMP_CACHE_LINE) struct remote_node *remote;
	int orphaned;
	/* Written only by a thread acting for the owner, on a line of its
	 * own: the owner reads it on every call. */
	_Alignas(BUMP_CACHE_LINE) bump_lock_t taken;
	unsigned slow_seen;	/* slow_calls when remote frees last piled up */
};

/* A freed block holds a list node; the owner's line is not the one the
 * owner writes; other threads' line of a thread state is its own. */
_Static_assert(sizeof(struct hdr) + sizeof(struct node) <= 32,
    "the smallest block holds a list node");
_Static_assert(offsetof(struct chunk, live) == BUMP_CACHE_LINE,
    "owner alone on its line");
_Static_assert(offsetof(struct thread, remote) % BUMP_CACHE_LINE == 0 &&
    offsetof(struct thread, taken) % BUMP_CACHE_LINE == 0 &&
    sizeof(struct thread) % BUMP_CACHE_LINE == 0,
    "remote frees and acting for the owner on lines of their own");
_Static_assert(sizeof(struct hdr) + sizeof(struct remote_node) <= 32,
    "the smallest block holds a remote node");

/* Read-only after start-up (malloc_settings.c). */
extern struct bump_settings bump__settings BUMP_HIDDEN;

/* State (malloc_chunk.c, malloc_thread.c): the chunks' pool, where chunks
 * were handed out (from the pool's start, which never changes once set,
 * to the highest end yet), the calling thread's state. */
extern struct bump_chunks bump__chunk_pool BUMP_HIDDEN;
extern uintptr_t bump__chunks_from BUMP_HIDDEN;
extern uintptr_t bump__chunks_to BUMP_HIDDEN;
extern BUMP_THREAD_LOCAL struct thread *bump__self BUMP_HIDDEN;
/* Set once the thread's state was orphaned: its last frees need none. */
extern BUMP_THREAD_LOCAL int bump__exited BUMP_HIDDEN;

/* ---- The owner's calls ------------------------------------------------ */

/* A compiler barrier: the CPU may still delay a store past a later load;
 * a thread acting for the owner makes up for it (bump__os_heavy_barrier). */
#define owner_barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

void bump__wait_taken(struct thread *t);

/*
 * The owner's thread starts a call that uses its state t: busy, then a
 * look at `taken' (0: another thread acts for it, wait and try again).  A thread acting for the owner takes `taken', then has
 * every running thread pass a memory barrier, then reads busy: either it
 * sees busy (and leaves the state alone), or the owner sees `taken' (and
 * waits until the other is done).  No atomic instruction here.
 */
static inline int
owner_try_enter(struct thread *t)
{
	bump_atomic_store(&t->busy, 1, RELAXED);
	owner_barrier();
	return bump_likely(bump_atomic_load(&t->taken.held, ACQUIRE) == 0);
}

/* The same, waiting while another thread acts for the owner. */
static inline void
owner_enter(struct thread *t)
{
	if (!owner_try_enter(t))
		bump__wait_taken(t);
}

/* The call is over: everything it wrote to t before this store. */
static inline void
owner_leave(struct thread *t)
{
	bump_atomic_store(&t->busy, 0, RELEASE);
}

/* ---- Sizes and classes (inline: the fast paths use them) -------------- */

/* Requests up to this size take a block of a multiple of 16 bytes, whose
 * class the fast path finds with an add, a shift and a compare
 * (direct_class) rather than malloc_block_bytes and size_class_ceil. */
#define DIRECT_MAX ((size_t)1024 - 8)

/* The class of a request n <= DIRECT_MAX: its block is 16 times that, at
 * least 32 bytes (a list node must fit beside the header). */
static inline unsigned
direct_class(size_t n)
{
	unsigned c = (unsigned)((n + 8 + 15) / 16);

	return c < 2 ? 2 : c;
}

/*
 * Bytes a request of n takes, header included: a multiple of 16 with the
 * pointer 16-aligned, at least 32 (direct_class, up to 1 KiB), and above
 * 1 KiB rounded to a quarter of its power of two so that recycling wastes
 * at most 25%.
 */
static inline size_t
malloc_block_bytes(size_t n)
{
	size_t b;

	if (n <= DIRECT_MAX)
		return (size_t)direct_class(n) * 16;
	b = bump__round_up(n + 8, 16);
	return bump__round_up(b, (size_t)1 << (bump__log2_floor(b - 1) - 2));
}

/* Class of a block size malloc_block_bytes() produces, and of any larger. */
static inline unsigned
size_class_ceil(size_t b)
{
	unsigned k;

	if (b <= 1024)
		return (unsigned)(b / 16);
	k = bump__log2_floor(b - 1);
	return 65 + (k - 10) * 4 + (unsigned)((b - ((size_t)1 << k) - 1) >> (k - 2));
}

/* Largest class whose every request fits in a block of b bytes. */
static inline unsigned
size_class_floor(size_t b)
{
	unsigned k, j;

	if (b <= 1024)
		return (unsigned)(b / 16);
	k = bump__log2_floor(b);
	j = (unsigned)((b - ((size_t)1 << k)) >> (k - 2));
	return j == 0 ? 64 + (k - 10) * 4 : 65 + (k - 10) * 4 + (j - 1);
}

/* 1 when p lies in a chunk ever handed out: chunks are carved in order
 * from the start of the pool, and the end only grows. */
static inline int
in_region(const void *p)
{
	uintptr_t from = bump__chunks_from;

	return (uintptr_t)p - from < bump_atomic_load(&bump__chunks_to, RELAXED) -
	    from;
}

static inline struct chunk *
chunk_of(const void *p)
{
	return (struct chunk *)((uintptr_t)p & bump__settings.chunk_mask);
}

static inline struct hdr *
header_of(const void *p)
{
	return (struct hdr *)p - 1;
}

/* The header before h in its chunk (h's link is not 0). */
static inline struct hdr *
header_below(const struct hdr *h)
{
	return (struct hdr *)(void *)((char *)h - (h->link & LINK_MASK));
}

static inline char *
chunk_end(const struct thread *t)
{
	return (char *)t->chunk + bump__settings.chunk_size;
}

/* Where t may hand out no more in c: its top, saved unless c is current. */
static inline const char *
chunk_top(const struct thread *t, const struct chunk *c)
{
	return c == t->chunk ? t->top : c->top;
}

static inline int
chunk_held(const struct chunk *c)
{
	return bump_atomic_load(&c->magic, RELAXED) == CHUNK_HELD;
}

/*
 * 1 when h may be the header of a block handed out in c and not freed
 * since: where a header sits (8 mod 16, past the chunk's own), no free
 * flag, a size as malloc makes them (8 mod 16).  A few instructions, and
 * enough: every header that is no live block's says F_FREED (a block the
 * top rolled back over, every block of a chunk given back), and memory
 * never handed out reads zero, so a pointer freed twice, or one that
 * never was a block's, is told from a live block (a pointer into the
 * middle of a live block may pass: glibc does no better).
 */
static inline int
block_is_live(const struct chunk *c, const struct hdr *h)
{
	/* The two fields' tests as one load and one compare: the masks are
	 * headers too, so the byte order does not matter. */
	static const union { struct hdr h; uint64_t word; }
	    tested = { { 15, F_ANY_FREE } }, live = { { 8, 0 } };
	uint64_t word;

	if (((uintptr_t)(h + 1) & 15) != 0 || (const char *)h < c->start)
		return 0;
	memcpy(&word, h, sizeof word);
	return (word & tested.word) == live.word;
}

/* Debug builds: h is a block of t's chunk c, between its start and top. */
static inline int
block_in_chunk(const struct thread *t, const struct chunk *c,
    const struct hdr *h)
{
	return ((uintptr_t)h & 15) == 8 && (const char *)h >= c->start &&
	    (const char *)(h + 1) + h->size <= chunk_top(t, c);
}

/* ---- Recycle lists ------------------------------------------------------ */

/* Debug builds: n, a node of a recycle list, is a freed block's and the
 * next node (a block of the chunks too) links back to it. */
static inline int
node_well_formed(const struct node *n)
{
	const struct hdr *h = header_of(n);

	return (h->link & (F_FREED | F_LISTED)) == (F_FREED | F_LISTED) &&
	    (n->next == NULL || (in_region(n->next) && n->next->prev == n));
}

static inline void
list_push(struct thread *t, struct hdr *h)
{
	struct node *n = (struct node *)(void *)(h + 1);
	struct node **head = &t->lists[size_class_floor(h->size + 8)];

	n->next = *head;
	if (n->next != NULL)
		n->next->prev = n;
	*head = n;
}

/* The head of a recycle list, taken off it: live again. */
static inline void
list_pop(struct thread *t, struct node *n, unsigned c)
{
	struct hdr *h = (struct hdr *)(void *)n - 1;

	BUMP_ASSERT(node_well_formed(n) && size_class_floor(h->size + 8) == c);
	t->lists[c] = n->next;	/* the new head's prev is not read */
	h->link &= ~(F_FREED | F_LISTED);
}

static inline void
list_unlink(struct thread *t, struct hdr *h)
{
	struct node *n = (struct node *)(void *)(h + 1);
	struct node **head = &t->lists[size_class_floor(h->size + 8)];

	BUMP_ASSERT(node_well_formed(n) &&
	    (*head == n || (in_region(n->prev) && n->prev->next == n)));
	if (*head == n) {
		*head = n->next;
	} else {
		n->prev->next = n->next;
		if (n->next != NULL)
			n->next->prev = n->prev;
	}
	h->link &= ~F_LISTED;	/* still freed: going with the top or chunk */
}

/* ---- Across the files ------------------------------------------------- */

/* malloc_slow.c (t: the caller's state, entered; NULL when it has none) */
void *bump__alloc_slow(struct thread *t, size_t n, size_t align, int zero);

/* malloc_init.c */
int bump__init_global(void);	/* 0 ready, -1 inside start-up */
int bump__ready(void);
int bump__in_startup(void);
struct thread *bump__thread(void);

/* malloc_thread.c */
void bump__threads_init(void);
struct thread *bump__thread_new(void);
int bump__absorb_orphan(struct thread *t);
struct thread *bump__threads_all(void);
void bump__threads_before_fork(void);
void bump__threads_after_fork(int child);

/* malloc_remote.c */
void bump__free_remote(struct thread *t, struct chunk *c, struct hdr *h);
void bump__flush_remote(struct thread *t);
void bump__drain_remote(struct thread *t);
void bump__serve_orphan(struct thread *t);

/* malloc_chunk.c */
int bump__push_chunk(struct thread *t);
int bump__take_chunks(struct thread *t, struct thread *o);
void bump__set_limit(struct thread *t);
void bump__roll_back(struct thread *t, struct hdr *h);
void bump__release_chunk(struct thread *t, struct chunk *c);
void bump__shed(struct thread *t);
void bump__age_pool(void);
int bump__pool_aging(void);

/* malloc_stats.c */
void bump__count_free(struct thread *t, size_t bytes, size_t reclaimed,
    int remote);
void bump__count_fallback(struct thread *t, size_t usable);
void bump__collect(struct bump_malloc_stats *st);

/* malloc_large.c */
int bump__large_init(void);
void *bump__large_alloc(size_t n, size_t align, int zero, size_t *len);
size_t bump__large_size(const void *p);	/* 0: not a large block */
size_t bump__large_free(void *p);	/* its length, 0 when not ours */
void *bump__large_resize(void *p, size_t n, size_t *len); /* NULL: copy */
size_t bump__large_trim(int all);
size_t bump__large_cached(void);
void bump__large_before_fork(void);
void bump__large_after_fork(void);

/* malloc_reserve.c */
enum bump_holder { HELD_BY_CHUNKS, HELD_BY_LARGE };
int bump__reserve_fits(size_t more);
void bump__reserve_hold(enum bump_holder holder, size_t bytes);
void bump__reserve_drop(enum bump_holder holder, size_t bytes);
void bump__reserve_usage(struct bump_malloc_stats *st);

/* malloc_settings.c */
void bump__settings_init(void);

/* malloc_report.c */
void bump__write_message(int fd, const char *const *parts);
char *bump__format_bytes(char *buf, uint64_t v);
void bump__print_report(const struct bump_config *config,
    const struct bump_malloc_stats *st);
void bump__print_exhausted(size_t reserve, size_t request);
void bump__print_no_reserve(size_t reserve);
void bump__print_bad_free(const char *function, const void *p);
size_t bump__format_report(const struct bump_config *config,
    const struct bump_malloc_stats *st, char *buf, size_t size);

/* ---- The inline paths: the fast path's, used by the files below too --- */

/*
 * function (free, realloc) was given p, freed already or never a block:
 * one line and abort, or nothing at all (BUMP_ALLOC_BAD_FREE=ignore); the
 * caller then leaves every block as it was.
 */
static inline void
bad_free(const char *function, const void *p)
{
	if (bump__settings.config.bad_free == BAD_FREE_ABORT) {
		bump__print_bad_free(function, p);
		abort();
	}
}

/* Hand out a block from a recycle list; zero_bytes of it cleared. */
static inline void *
take_listed(struct thread *t, struct node *n, unsigned c, size_t zero_bytes)
{
	struct hdr *h = header_of(n);

	list_pop(t, n, c);
	chunk_of(n)->live++;
	t->counts.recycled++;
	t->counts.bytes_recycled += h->size;
	if (zero_bytes != 0)
		memset(n, 0, zero_bytes);
	return n;
}

/* h, a live block of t's chunk c other than t's newest, is free now:
 * marked, and listed for reuse (recycle); a chunk left with no live
 * block goes back whole. */
static inline void
free_older(struct thread *t, struct chunk *c, struct hdr *h,
    enum bump_free_policy policy)
{
	BUMP_ASSERT(c->live > 0 && block_in_chunk(t, c, h) && h != t->last &&
	    policy == bump__settings.config.free_policy);
	c->live--;
	if (policy == FREE_RECYCLE) {
		h->link |= F_FREED | F_LISTED;
		list_push(t, h);
		BUMP_ASSERT(node_well_formed((struct node *)(void *)(h + 1)));
	} else {
		h->link |= F_FREED;
	}
	if (c->live == 0 && c != t->chunk)
		bump__release_chunk(t, c);
}

/* h, t's newest block, is free now: the top comes down over it (and over
 * the blocks below already freed; the caller counts h's bytes). */
static inline __attribute__((always_inline)) void
free_newest(struct thread *t, struct chunk *c, struct hdr *h)
{
	/* The common case inline: the block below is still live. */
	uint32_t link = h->link, back = link & LINK_MASK;
	struct hdr *below = header_below(h);

	BUMP_ASSERT(c->live > 0 && c == t->chunk && h == t->last);
	c->live--;
	h->link = link | F_FREED;	/* past the top: a second free sees it */
	if (back != 0 && !(below->link & F_FREED)) {
		t->clean = bump__max_ptr(t->clean, t->top);
		t->top = (char *)(below + 1) + below->size;
		t->last = below;
		return;
	}
	bump__roll_back(t, h);
}

/* h, a live block of t's chunk c (checked) that another thread freed
 * and counted, is free now (the owner's thread, or one acting for it). */
static inline void
free_block(struct thread *t, struct chunk *c, struct hdr *h)
{
	if (h == t->last) {
		t->counts.bytes_reclaimed += h->size;
		free_newest(t, c, h);
	} else {
		free_older(t, c, h, bump__settings.config.free_policy);
	}
}

/* The owner's free of h in its chunk c: the newest block with one
 * compare, any other checked first (a bad one is left as it is, and not
 * counted). */
static inline __attribute__((always_inline)) void
free_own(struct thread *t, struct chunk *c, struct hdr *h)
{
	enum bump_free_policy policy = bump__settings.config.free_policy;

	if (bump_likely(h == t->last && !(h->link & F_REMOTE))) {
		t->counts.frees++;
		if (policy != FREE_NONE) {
			t->counts.bytes_rolled += h->size;
			free_newest(t, c, h);
		} else {
			t->counts.bytes_freed += h->size;
		}
	} else if (bump_likely(block_is_live(c, h))) {
		t->counts.frees++;
		t->counts.bytes_freed += h->size;
		if (policy != FREE_NONE)
			free_older(t, c, h, policy);
	} else {
		bad_free("free", h + 1);
	}
}

#endif /* BUMP_MALLOC_INTERNAL_H */
