/*
 * malloc_init.c - start-up, and the calling thread's state, which needs it.
 *
 * Start-up needs no constructor: the first call to any function does it,
 * once, whichever thread makes it; the others wait for it.  A call from
 * inside start-up (the C library allocating while we read the
 * environment, say) is told so and served by the C library.
 */
#include <config.h>

#include <errno.h>

#include "malloc_internal.h"

static BUMP_THREAD_LOCAL int in_init;
static int init_state;		/* 0 not yet, 1 running, 2 done */

/*
 * Around fork() the library's locks are taken (their holders keep them
 * for a few instructions, or for the frees of one thread state, and never
 * wait for one another), so that the child finds the thread states, the
 * orphans and the large-block cache whole; the chunk layer does the same
 * for its own.
 */
static void
before_fork(void)
{
	bump__threads_before_fork();
	bump__large_before_fork();
}

static void
after_fork_parent(void)
{
	bump__large_after_fork();
	bump__threads_after_fork(0);
}

static void
after_fork_child(void)
{
	bump__large_after_fork();
	bump__threads_after_fork(1);
}

/* Thread exits watched, the chunks' pool over the reserve (without it
 * no chunk is handed out), the large table. */
static void
init_heap(void)
{
	const struct bump_settings *s = &bump__settings;
	size_t reserve = bump__round_up(s->config.reserve, s->chunk_size);

	bump__threads_init();
	if (reserve < s->config.reserve ||
	    bump__chunks_init_fixed(&bump__chunk_pool, reserve) != 0) {
		bump__print_no_reserve(s->config.reserve);
		return;
	}
	bump__chunk_pool.cache_limit = SIZE_MAX;	/* see bump__age_pool */
	bump__chunks_from = bump__chunks_to =
	    (uintptr_t)bump__chunks_fixed_base(&bump__chunk_pool);
	if (bump__large_init() != 0)
		bump__print_no_reserve(s->config.reserve);
}

/* 0 when the allocator is ready, -1 when called from inside start-up. */
int
bump__init_global(void)
{
	int expected = 0;

	if (bump_likely(bump_atomic_load(&init_state, ACQUIRE) == 2))
		return 0;
	if (in_init)
		return -1;
	if (bump_atomic_cas(&init_state, &expected, 1, ACQ_REL)) {
		int saved = errno;

		in_init = 1;
		bump__settings_init();
		init_heap();
		(void)bump__os_atfork(before_fork, after_fork_parent,
		    after_fork_child);
		in_init = 0;
		errno = saved;
		bump_atomic_store(&init_state, 2, RELEASE);
		return 0;
	}
	while (bump_atomic_load(&init_state, ACQUIRE) != 2)
		bump__os_yield();
	return 0;
}

int
bump__ready(void)
{
	return bump_atomic_load(&init_state, ACQUIRE) == 2;
}

/* 1 when the calling thread is inside start-up. */
int
bump__in_startup(void)
{
	return in_init;
}

/* The calling thread's state, made if it has none; NULL if none can be. */
struct thread *
bump__thread(void)
{
	if (bump__self != NULL)
		return bump__self;
	if (bump__init_global() != 0)
		return NULL;
	return bump__thread_new();
}
