/*
 * chunks.h - the chunk layer, shared by the arenas and the malloc
 * replacement.
 *
 * It reserves address space from the OS in large spans, hands it out as
 * chunks of power-of-two sizes aligned to their size (so that the chunk of
 * an address is found by masking), takes chunks back, and keeps a bounded
 * cache of free chunks so that steady-state get/put makes no system call;
 * beyond the bound it decommits.  It never calls malloc, is thread-safe
 * without one global lock on the common path, is fork-safe, and leaves
 * errno alone on success.  Only lib/os.h is below it.
 *
 * The contract (used by lib/arena*.c and lib/malloc*.c):
 *  - bump__chunk_get(pool, shift, &fresh): a committed chunk of 2^shift
 *    bytes, BUMP_CHUNK_MIN_SHIFT <= shift <= BUMP_CHUNK_MAX_SHIFT, aligned
 *    to 2^shift; fresh is 1 when every byte reads as zero (never written
 *    since the OS gave it, or decommitted since), 0 otherwise.  NULL with
 *    errno = ENOMEM when the pool is exhausted or the OS refuses.
 *  - bump__chunk_put(pool, chunk, shift): give it back; its content is
 *    lost and it may be handed out again at once.
 *  - bump__chunks_shared(): the one pool of the process's arenas; it
 *    reserves more spans as it needs them.
 *  - bump__chunks_init_fixed(pool, reserve): a pool over one reservation
 *    that never grows past it (the malloc replacement's reserve); pool is
 *    zeroed static storage; 0, or -1 with errno = ENOMEM.
 *  - bump__chunks_owns(pool, p): 1 when p lies in a fixed pool's range;
 *    constant time, lock-free.
 *  - bump__chunks_fixed_base(pool): where a fixed pool's range starts
 *    (chunks are carved from there upwards, in order); NULL for others.
 *  - bump__chunks_purge(pool): every cached free chunk's memory goes back
 *    to the OS now; returns the bytes given back, by which the process's
 *    resident memory falls.
 *  - bump__chunks_usage(pool, &in_use, &cached): bytes handed out and
 *    bytes kept committed in the cache, for statistics.
 *
 * Added by the implementation:
 *  - A chunk given back must be addressable for ASan and Valgrind (the
 *    layer keeps its free-list link in the chunk's first
 *    BUMP_CHUNK_HEADER_SIZE bytes).
 *  - The cache keeps at most BUMP_CHUNK_CACHE bytes (or the pool's
 *    cache_limit, set before its first put) of written chunks of a
 *    page or more per pool; beyond it a chunk given back is purged (its
 *    pages go back to the OS, its addresses stay in the pool).  Chunks
 *    smaller than a page are kept (at most as many as were ever in use at
 *    once) until bump__chunks_purge, which merges free buddies of every
 *    size into chunks as large as they go (4 MiB) and purges those, so
 *    that the header it writes again costs one page per merged chunk.
 *  - Locks are per size class (plus one for carving new memory), held for
 *    a few instructions, never nested, and taken around fork() by handlers
 *    the layer registers itself (bump__os_atfork): a child of a
 *    multithreaded parent keeps working.
 *  - bump__chunks_reserved(pool): address space the pool has reserved.
 *
 * In front of the shared pool, each thread's cache (lib/chunks_thread.c),
 * which the arenas use:
 *  - bump__chunk_take(shift, &fresh), bump__chunk_give(chunk, shift): as
 *    get and put on the shared pool, but a thread keeps up to 8 chunks of
 *    each size from 256 bytes to 16 KiB it gave back (at most 254 KiB), and
 *    takes them again with no lock and without touching their memory.
 *    Where the OS refuses a thread-exit hook there is no cache (on
 *    Windows the hook is fiber-local storage: each fiber has a cache).
 *  - bump__chunks_flush_thread(): the calling thread's cached chunks go
 *    back to the shared pool (also done when the thread exits), and what
 *    it remembered is forgotten.
 *  - bump__chunks_remember(shift): an arena that grew to 2^shift bytes
 *    died on this thread; bump__chunks_recall(): the chunk size (at most
 *    16 KiB) one new arena may start with, or 0.  Each remember allows
 *    one recall (at most 1,024 are saved up), so an arena per request starts
 *    in one chunk as big as its predecessors needed, while a thread that
 *    only creates arenas soon starts them small again.
 */
#ifndef BUMP_CHUNKS_H
#define BUMP_CHUNKS_H

#include <stddef.h>

#include "atomic.h"
#include "bits.h"

#define BUMP_CHUNK_MIN_SHIFT 8		/* 256 bytes: a small arena's first */
#define BUMP_CHUNK_MAX_SHIFT 22		/* 4 MiB */
/* The bytes at a free chunk's start that the layer writes (its link). */
#define BUMP_CHUNK_HEADER_SIZE 16

/* Free chunks of a page or more the cache keeps per pool before purging. */
#define BUMP_CHUNK_CACHE ((size_t)32 << 20)
/* The shared pool reserves address space in spans this size. */
#define BUMP_CHUNK_SPAN ((size_t)64 << 20)
#define BUMP_CHUNK_CLASSES (BUMP_CHUNK_MAX_SHIFT - BUMP_CHUNK_MIN_SHIFT + 1)

struct bump_free_chunk_;

/* One size class: its free chunks and the lock that guards them. */
struct bump_chunk_class_ {
	/* A cache line each: no false sharing between classes. */
	_Alignas(BUMP_CACHE_LINE) bump_lock_t lock;
	struct bump_free_chunk_ *head;
	size_t count;		/* chunks on the list */
	size_t dirty;		/* of them, written ones (not fresh) */
};

/* Fields private to lib/chunks.c; zeroed storage is an unready pool. */
struct bump_chunks {
	struct bump_chunk_class_ classes[BUMP_CHUNK_CLASSES];
	_Alignas(BUMP_CACHE_LINE) bump_lock_t carve_lock;  /* cursor and end */
	char *cursor, *end;	/* uncarved memory of the newest span */
	const char *fixed_base, *fixed_end;	/* a fixed pool's whole range */
	int fixed;		/* never reserves more */
	int registered;		/* on the fork list */
	size_t carved;		/* bytes ever carved (under carve_lock) */
	size_t reserved;	/* bytes of address space, atomically */
	/* Written chunks of a page or more kept before a put purges: 0 is
	 * BUMP_CHUNK_CACHE; SIZE_MAX leaves purging to the pool's owner. */
	size_t cache_limit;
	struct bump_chunks *next_pool;	/* the fork list */
};

void *bump__chunk_get(struct bump_chunks *pool, unsigned shift, int *fresh);
void bump__chunk_put(struct bump_chunks *pool, void *chunk, unsigned shift);
struct bump_chunks *bump__chunks_shared(void);
int bump__chunks_init_fixed(struct bump_chunks *pool, size_t reserve);
int bump__chunks_owns(const struct bump_chunks *pool, const void *p);
const void *bump__chunks_fixed_base(const struct bump_chunks *pool);
size_t bump__chunks_purge(struct bump_chunks *pool);
void bump__chunks_usage(const struct bump_chunks *pool, size_t *in_use,
    size_t *cached);
size_t bump__chunks_reserved(const struct bump_chunks *pool);

void *bump__chunk_take(unsigned shift, int *fresh);
void bump__chunk_give(void *chunk, unsigned shift);
void bump__chunks_flush_thread(void);
void bump__chunks_remember(unsigned shift);
unsigned bump__chunks_recall(void);

#endif /* BUMP_CHUNKS_H */
