/*
 * malloc_thread.c - thread states: made, watched until their thread exits,
 * orphaned and adopted; and the frees of one thread's blocks by another.
 *
 * A thread's state comes from a reservation of its own (so chunks can go
 * back whole); a thread that exits leaves its state, chunks and lists to
 * the next new thread, after giving back the chunks it emptied.  Until
 * then its blocks freed by other threads are served by whoever frees
 * them, under the orphans' lock.  That lock is only ever tried: who finds
 * it taken does without (except fork(), which waits for it).
 */
#include <config.h>

#include "malloc_internal.h"

#define MAX_THREAD_STATES 16384

BUMP_THREAD_LOCAL struct thread *bump__self;

static char *thread_states;	/* MAX_THREAD_STATES of them, reserved */
static size_t states_made;
static int exit_key = -1;
static struct thread *orphans;
static bump_lock_t orphans_lock;

/* ---- Frees from other threads ----------------------------------------- */

/* Blocks other threads freed, freed now by their owner. */
void
bump__drain_remote(struct thread *t)
{
	void *p = bump_atomic_take_all(&t->remote);

	while (p != NULL) {
		void *next = *(void **)p;

		free_local(t, chunk_of(p), header_of(p));
		p = next;
	}
}

/*
 * t (NULL for a thread that has no state) frees a block of another
 * thread's chunk c.  The owner's state alone may change c: the block goes
 * on the owner's list of remote frees with one compare-and-swap.  An owner
 * that exited and was not adopted yet is served here, under the orphans'
 * lock (if it is taken, the block waits on the list).
 */
void
bump__free_remote(struct thread *t, struct chunk *c, struct hdr *h)
{
	struct thread *owner = c->owner;
	void **link = (void **)(void *)(h + 1);

	if (bump_likely(t != NULL)) {
		t->counts.frees++;
		t->counts.bytes_freed += h->size;
		t->counts.remote_frees++;
	} else {
		bump__count_free(NULL, h->size, 0, 1);
	}
	if (bump__settings.config.free_policy == FREE_NONE)
		return;
	if (bump_atomic_load(&owner->orphaned, ACQUIRE) &&
	    bump__trylock(&orphans_lock)) {
		int still = owner->orphaned;

		if (still) {
			free_local(owner, c, h);
			bump__drain_remote(owner);
			bump__shed(owner);
		}
		bump__unlock(&orphans_lock);
		if (still)
			return;
	}
	bump_atomic_push(&owner->remote, (void *)link, link);
}

/* ---- Exit and adoption -------------------------------------------------- */

/* At thread exit: give back what is empty, leave the rest to adoption.
 * The lock is tried a hundred times, a yield apart; a state that never gets
 * it stays as it is, neither orphaned nor adopted. */
static void
thread_exit(void *state)
{
	struct thread *t = state;

	/* Later frees in this thread come back to t as an orphan's. */
	bump__self = NULL;
	for (int tries = 0; tries < 100; tries++) {
		if (bump__trylock(&orphans_lock)) {
			t->orphaned = 1;
			bump__drain_remote(t);
			bump__shed(t);
			t->next_orphan = orphans;
			orphans = t;
			bump__unlock(&orphans_lock);
			return;
		}
		bump__os_yield();
	}
}

static struct thread *
adopt_orphan(void)
{
	struct thread *t;

	if (bump_atomic_load(&orphans, ACQUIRE) == NULL ||
	    !bump__trylock(&orphans_lock))
		return NULL;
	t = orphans;
	if (t != NULL) {
		orphans = t->next_orphan;
		t->orphaned = 0;
	}
	bump__unlock(&orphans_lock);
	return t;
}

/* Around fork() the orphans' lock is held, so the child gets them whole. */
void
bump__threads_before_fork(void)
{
	bump__lock(&orphans_lock);
}

void
bump__threads_after_fork(void)
{
	bump__unlock(&orphans_lock);
}

/* ---- New states ---------------------------------------------------------- */

/* At start-up: room for the states and a way to hear of threads' exits. */
int
bump__threads_init(void)
{
	thread_states = bump__os_reserve(MAX_THREAD_STATES * sizeof(struct thread));
	exit_key = bump__os_thread_exit_key(thread_exit);
	return thread_states != NULL ? 0 : -1;
}

static struct thread *
new_state(void)
{
	size_t i = bump_atomic_fetch_add(&states_made, 1, RELAXED);
	struct thread *t;
	uintptr_t start, end;

	if (thread_states == NULL || i >= MAX_THREAD_STATES)
		return NULL;
	t = (struct thread *)(void *)(thread_states + i * sizeof(struct thread));
	start = bump__align_down((uintptr_t)t, bump__settings.page);
	end = bump__align_up((uintptr_t)(t + 1), bump__settings.page);
	if (bump__os_commit((void *)start, end - start) != 0)
		return NULL;
	return t;
}

static void
watch_exit(struct thread *t)
{
	bump__self = t;	/* registering may allocate: be ready */
	if (exit_key >= 0)
		bump__os_thread_exit_watch(exit_key, t);
}

/* A state for the calling thread (after start-up): an orphan's, or a new
 * one; NULL when none is left. */
struct thread *
bump__thread_new(void)
{
	struct thread *t;

	if ((t = adopt_orphan()) == NULL) {
		if ((t = new_state()) == NULL)
			return NULL;
		bump__count_thread(t);
	}
	watch_exit(t);
	return t;
}
