/*
 * arena_scratch.c - each thread's scratch arenas (bump_scratch).
 *
 * A function that writes its result to an arena the caller gave it, and
 * needs temporary memory meanwhile, asks for a scratch arena that is none
 * of the arenas it was given, marks it and rewinds it before it returns.
 * Two per thread serve any depth of such calls: a callee's output arena is
 * at most one of them, and it takes the other.  They are made on first
 * use, plain arenas of the default reserve, and destroyed when the thread
 * exits; bump_destroy() leaves them alone (BUMP__SCRATCH).
 *
 * The thread finds them through one thread-local pointer to a chunk of
 * its own (no malloc), which the OS layer's thread-exit key hands back to
 * close_scratch() when the thread ends.  Where the OS has no such hook
 * they are never freed (Windows for now).
 */
#include <config.h>

#include <errno.h>
#include <stddef.h>

#include "arena.h"

#define SCRATCH_ARENAS 2
#define STATE_SHIFT BUMP_CHUNK_MIN_SHIFT

struct scratch_state {
	bump_t *arena[SCRATCH_ARENAS];	/* NULL until first needed */
};

_Static_assert(sizeof(struct scratch_state) <= ((size_t)1 << STATE_SHIFT),
    "the state fits its chunk");

static BUMP_THREAD_LOCAL struct scratch_state *tls_scratch;

/* Made when the library is loaded, among the process's first keys. */
static int exit_key = -1;

/* The thread ends: its scratch arenas, then their chunks, go back. */
static void
close_scratch(void *state)
{
	struct scratch_state *s = state;

	tls_scratch = NULL;
	for (unsigned i = 0; i < SCRATCH_ARENAS; i++)
		if (s->arena[i] != NULL) {
			s->arena[i]->flags &= ~(unsigned)BUMP__SCRATCH;
			bump_destroy(s->arena[i]);
		}
	bump__chunk_give(s, STATE_SHIFT);
	/* Whichever key's destructor ran first, the chunk cache goes last. */
	bump__chunks_flush_thread();
}

__attribute__((constructor)) static void
make_exit_key(void)
{
	exit_key = bump__os_thread_exit_key(close_scratch);
}

static struct scratch_state *
open_scratch(void)
{
	struct scratch_state *s;
	int fresh;

	if ((s = bump__chunk_take(STATE_SHIFT, &fresh)) == NULL)
		return NULL;	/* ENOMEM */
	for (unsigned i = 0; i < SCRATCH_ARENAS; i++)
		s->arena[i] = NULL;
	tls_scratch = s;
	if (exit_key >= 0)
		bump__os_thread_exit_watch(exit_key, s);
	return s;
}

/* 1 when a is one of in_use[0 .. n-1]. */
static int
listed(const bump_t *a, bump_t *const *in_use, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (in_use[i] == a)
			return 1;
	return 0;
}

bump_t *
bump_scratch(bump_t *const *in_use, size_t n)
{
	struct scratch_state *s = tls_scratch;
	unsigned i = 0;

	if (n > 0 && in_use == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (s == NULL && (s = open_scratch()) == NULL)
		return NULL;
	/* Made in order: the first one not made yet is in nobody's use. */
	while (i < SCRATCH_ARENAS && s->arena[i] != NULL &&
	    listed(s->arena[i], in_use, n))
		i++;
	if (i == SCRATCH_ARENAS) {
		errno = EBUSY;	/* every one of them is in use */
		return NULL;
	}
	if (s->arena[i] == NULL) {
		if ((s->arena[i] = bump_create(0, 0)) == NULL)
			return NULL;	/* ENOMEM */
		s->arena[i]->flags |= BUMP__SCRATCH;
	}
	return s->arena[i];
}
