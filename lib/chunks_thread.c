/*
 * chunks_thread.c - each thread's cache of small chunks in front of the
 * shared pool (see chunks.h).
 *
 * An arena per request takes a chunk for its bookkeeping and three or four
 * small ones for its data, and gives them all back when it dies.  Through
 * the pool's lists each of those is a lock and a write of the list link
 * into the chunk, whose memory went cold a thousand requests ago.  Here
 * the thread keeps the last few chunks it gave back of each small size in
 * an array of its own: the next arena takes them with no lock, no atomic
 * operation, and without touching their memory.  A thread's cache goes
 * back to the pool when the thread exits or calls bump__chunks_flush_thread
 * (bump_purge does).
 *
 * The cache itself lives in a chunk of the pool (no malloc); the thread
 * finds it through one initial-exec thread-local pointer, or where that
 * would be emulated with a malloc (mingw: BUMP_OS_TLS_EMULATED) through
 * the OS's thread-exit hook, which holds it anyway (fiber-local storage on
 * Windows: there each fiber has a cache of its own).  Where the OS refuses
 * the hook there is no cache: every chunk goes through the lists.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>

#include "atomic.h"
#include "chunks.h"
#include "os.h"

/* The sizes a thread caches: 256 B .. 16 KiB, a small arena's chunks. */
#define CACHED_MIN_SHIFT BUMP_CHUNK_MIN_SHIFT
#define CACHED_MAX_SHIFT 14
#define CACHED_CLASSES (CACHED_MAX_SHIFT - CACHED_MIN_SHIFT + 1)
/* Chunks per size: a thread holds at most 8 x 32 KiB less 256 B. */
#define SLOTS 8
/* The cache's own chunk. */
#define CACHE_SHIFT 9
/*
 * An arena destroyed lets one of the next new arenas start in a chunk as
 * big as it grew to; a thread that stops destroying arenas and makes many
 * (a million live ones) gives at most this many of them the bigger chunk.
 */
#define FIRST_CREDITS 1024

struct thread_cache {
	void *slot[CACHED_CLASSES][SLOTS];	/* written chunks, newest last */
	unsigned char count[CACHED_CLASSES];
	unsigned char first_shift;	/* the size recent arenas grew to */
	unsigned short first_credits;	/* new arenas that may start there */
};

_Static_assert(sizeof(struct thread_cache) <= ((size_t)1 << CACHE_SHIFT),
    "the cache fits its chunk");
_Static_assert(CACHE_SHIFT >= BUMP_CHUNK_MIN_SHIFT &&
    CACHED_MAX_SHIFT <= BUMP_CHUNK_MAX_SHIFT && SLOTS <= 255,
    "the cached sizes are chunk sizes");

static BUMP_THREAD_LOCAL struct thread_cache *tls_cache;

/* The exit key: being made once, then ready or refused for good. */
enum { KEY_NOT_YET, KEY_MAKING, KEY_READY, KEY_REFUSED };
static int key_state;
static int exit_key;

/*
 * The calling thread's cache, or NULL.  Where thread-local storage is
 * emulated the thread-local pointer is never read (an emulated one may
 * allocate at a thread's first access): the exit hook holds the cache.
 */
static inline struct thread_cache *
my_cache(void)
{
	if (!BUMP_OS_TLS_EMULATED)
		return tls_cache;
	return bump_atomic_load(&key_state, ACQUIRE) == KEY_READY ?
	    bump__os_thread_exit_state(exit_key) : NULL;
}

/*
 * Make c (or NULL) the calling thread's cache, and what its exit gives
 * back; 0, or -1 when the OS cannot watch it (c is not the cache then).
 * The thread-local pointer first, so that even a nested call (glibc may
 * allocate for a thread's key) finds the cache.
 */
static int
set_my_cache(struct thread_cache *c)
{
	if (!BUMP_OS_TLS_EMULATED)
		tls_cache = c;
	if (bump__os_thread_exit_watch(exit_key, c) == 0)
		return 0;
	if (!BUMP_OS_TLS_EMULATED)
		tls_cache = NULL;
	return -1;
}

static int
is_cached_size(unsigned shift)
{
	return shift >= CACHED_MIN_SHIFT && shift <= CACHED_MAX_SHIFT;
}

/*
 * Give every chunk of cache c back to the pool, and the cache itself: the
 * exit hook.  On Windows it may run for another fiber's cache, on the
 * thread that deletes that fiber: only the calling thread's own cache is
 * forgotten (before anything else, as later exit hooks may allocate).
 */
static void
close_cache(void *state)
{
	struct thread_cache *c = state;
	struct bump_chunks *pool = bump__chunks_shared();

	if (my_cache() == c)
		(void)set_my_cache(NULL);
	for (unsigned i = 0; i < CACHED_CLASSES; i++)
		while (c->count[i] > 0)
			bump__chunk_put(pool, c->slot[i][--c->count[i]],
			    i + CACHED_MIN_SHIFT);
	bump__chunk_put(pool, c, CACHE_SHIFT);
}

/* The key that flushes a thread's cache when it exits; 0 when there is none. */
static int have_key(void);

/*
 * Made when the library is loaded, so that it is one of the process's
 * first keys: glibc's pthread_setspecific allocates for keys past the
 * 32nd, and the library must not call malloc.
 */
__attribute__((constructor)) static void
make_key(void)
{
	(void)have_key();
}

static int
have_key(void)
{
	int state = bump_atomic_load(&key_state, ACQUIRE);
	int not_yet = KEY_NOT_YET;

	if (state == KEY_NOT_YET &&
	    bump_atomic_cas(&key_state, &not_yet, KEY_MAKING, ACQ_REL)) {
		exit_key = bump__os_thread_exit_key(close_cache);
		state = exit_key >= 0 ? KEY_READY : KEY_REFUSED;
		bump_atomic_store(&key_state, state, RELEASE);
	}
	return state == KEY_READY;	/* while another makes it: not yet */
}

/*
 * The calling thread's cache, made on first use; NULL when there is none.
 * It is made when a chunk is given back, by a call that must succeed
 * (bump_destroy): errno stays as it was.
 */
static struct thread_cache *
open_cache(void)
{
	struct thread_cache *c;
	int fresh, saved = errno;

	if (!have_key() || (c = bump__chunk_get(bump__chunks_shared(),
	    CACHE_SHIFT, &fresh)) == NULL) {
		errno = saved;
		return NULL;
	}
	for (unsigned i = 0; i < CACHED_CLASSES; i++)
		c->count[i] = 0;
	c->first_shift = 0;
	c->first_credits = 0;
	if (set_my_cache(c) != 0) {
		bump__chunk_put(bump__chunks_shared(), c, CACHE_SHIFT);
		errno = saved;
		return NULL;
	}
	return c;
}

void *
bump__chunk_take(unsigned shift, int *fresh)
{
	struct thread_cache *c = my_cache();
	unsigned i = shift - CACHED_MIN_SHIFT;

	if (c != NULL && is_cached_size(shift) && c->count[i] > 0) {
		*fresh = 0;
		return c->slot[i][--c->count[i]];
	}
	return bump__chunk_get(bump__chunks_shared(), shift, fresh);
}

void
bump__chunk_give(void *chunk, unsigned shift)
{
	struct thread_cache *c = my_cache();
	unsigned i = shift - CACHED_MIN_SHIFT;

	BUMP_ASSERT(((uintptr_t)chunk & (((size_t)1 << shift) - 1)) == 0);
	if (!is_cached_size(shift) ||
	    (c == NULL && (c = open_cache()) == NULL)) {
		bump__chunk_put(bump__chunks_shared(), chunk, shift);
		return;
	}
	if (c->count[i] == SLOTS) {	/* full: the older half goes back */
		for (unsigned k = 0; k < SLOTS / 2; k++)
			bump__chunk_put(bump__chunks_shared(), c->slot[i][k],
			    shift);
		for (unsigned k = SLOTS / 2; k < SLOTS; k++)
			c->slot[i][k - SLOTS / 2] = c->slot[i][k];
		c->count[i] = SLOTS - SLOTS / 2;
	}
	c->slot[i][c->count[i]++] = chunk;
}

void
bump__chunks_flush_thread(void)
{
	struct thread_cache *c = my_cache();

	if (c != NULL) {
		(void)set_my_cache(NULL);
		close_cache(c);
	}
}

void
bump__chunks_remember(unsigned shift)
{
	struct thread_cache *c = my_cache();

	if (c == NULL && (c = open_cache()) == NULL)
		return;
	c->first_shift = (unsigned char)(shift < CACHED_MAX_SHIFT ? shift :
	    CACHED_MAX_SHIFT);
	if (c->first_credits < FIRST_CREDITS)
		c->first_credits++;
}

unsigned
bump__chunks_recall(void)
{
	struct thread_cache *c = my_cache();

	if (c == NULL || c->first_credits == 0)
		return 0;
	c->first_credits--;
	return c->first_shift;
}
