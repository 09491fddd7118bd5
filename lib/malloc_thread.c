/*
 * malloc_thread.c - thread states: made, watched until their thread exits,
 * orphaned and adopted; and held still around fork().
 *
 * A thread that exits leaves its state, with its chunks and recycle lists,
 * on the orphans' queue; a new thread takes the oldest orphan, and a
 * thread that needs a chunk takes the oldest orphan's chunks (leaving the
 * state empty, for a new thread), so that every orphan's chunks are
 * reused in turn and the states follow the threads alive, not the threads
 * ever started.  Until then an orphan is served by the threads that free
 * its blocks (malloc_remote.c).  A state is made only when no orphan or
 * empty state waits, from reservations made as they are needed: there is
 * no limit on threads but memory.
 */
#include <config.h>

#include "malloc_internal.h"

/* States are carved from reservations of this many, committed one by one. */
#define STATES_PER_RESERVATION 256

BUMP_THREAD_LOCAL struct thread *bump__self;
BUMP_THREAD_LOCAL int bump__exited;

static struct {
	bump_lock_t lock;
	char *next, *end;	/* what is left of the newest reservation */
} room;
static struct thread *all_states;	/* every state made, newest first */
static int exit_key = -1;
static struct {
	bump_lock_t lock;
	struct thread *head, *tail;	/* oldest first */
	struct thread *empty;	/* orphans whose chunks went to others */
} orphans;
/* Orphans an absorbing thread looks at, at most, for one with chunks. */
#define ABSORB_TRIES 8

/* ---- Exit and adoption -------------------------------------------------- */

/* Under the orphans' lock: the oldest orphan off the queue, or NULL. */
static struct thread *
dequeue_orphan(void)
{
	struct thread *t = orphans.head;

	if (t != NULL) {
		bump_atomic_store(&orphans.head, t->next_orphan, RELAXED);
		if (t->next_orphan == NULL)
			orphans.tail = NULL;
	}
	return t;
}

/*
 * At thread exit: t becomes an orphan.  Once `orphaned' shows, the threads
 * that free its blocks serve it; the blocks they pushed before are taken
 * here, as they would, under its `taken' lock.  Then the oldest orphan
 * waits for the next new thread.
 */
static void
thread_exit(void *state)
{
	struct thread *t = state;

	bump__self = NULL;	/* this thread's last frees need no state */
	bump__exited = 1;
	owner_enter(t);
	bump__flush_remote(t);	/* other threads' blocks it freed go home */
	bump_atomic_store(&t->orphaned, 1, RELEASE);
	owner_leave(t);
	bump__lock(&t->taken);
	bump__serve_orphan(t);
	bump__unlock(&t->taken);
	bump__lock(&orphans.lock);
	t->next_orphan = NULL;
	if (orphans.tail != NULL)
		orphans.tail->next_orphan = t;
	else
		bump_atomic_store(&orphans.head, t, RELEASE);
	orphans.tail = t;
	bump__unlock(&orphans.lock);
}

/* The oldest orphan, else an emptied one, now the caller's; NULL when
 * none waits. */
static struct thread *
adopt_orphan(void)
{
	struct thread *t;

	if (bump_atomic_load(&orphans.head, ACQUIRE) == NULL &&
	    bump_atomic_load(&orphans.empty, ACQUIRE) == NULL)
		return NULL;
	bump__lock(&orphans.lock);
	if ((t = dequeue_orphan()) == NULL && (t = orphans.empty) != NULL)
		bump_atomic_store(&orphans.empty, t->next_orphan, RELAXED);
	bump__unlock(&orphans.lock);
	if (t != NULL) {
		bump__lock(&t->taken);	/* whoever serves it finishes first */
		bump_atomic_store(&t->orphaned, 0, RELEASE);
		bump__unlock(&t->taken);
	}
	return t;
}

/*
 * t (entered) needs a chunk: the oldest orphan with chunks gives them
 * (bump__take_chunks) and waits, empty, for a new thread.  0, or -1 when
 * no orphan has any (among the first ABSORB_TRIES).
 */
int
bump__absorb_orphan(struct thread *t)
{
	for (int tries = 0; tries < ABSORB_TRIES; tries++) {
		struct thread *o;
		int taken;

		if (bump_atomic_load(&orphans.head, ACQUIRE) == NULL)
			return -1;
		bump__lock(&orphans.lock);
		o = dequeue_orphan();
		bump__unlock(&orphans.lock);
		if (o == NULL)
			return -1;
		bump__lock(&o->taken);
		bump__serve_orphan(o);
		taken = bump__take_chunks(t, o);
		bump__unlock(&o->taken);
		bump__lock(&orphans.lock);
		o->next_orphan = orphans.empty;
		bump_atomic_store(&orphans.empty, o, RELEASE);
		bump__unlock(&orphans.lock);
		if (taken == 0)
			return 0;
	}
	return -1;
}

/* ---- New states ---------------------------------------------------------- */

/* At start-up: a way to hear of threads' exits. */
void
bump__threads_init(void)
{
	exit_key = bump__os_thread_exit_key(thread_exit);
}

/* Room for one more state, committed; NULL when the OS refuses. */
static struct thread *
carve_state(void)
{
	size_t size = sizeof(struct thread), page = bump__settings.page;
	struct thread *t = NULL;

	bump__lock(&room.lock);
	if (room.next == NULL || size > (size_t)(room.end - room.next)) {
		size_t bytes = STATES_PER_RESERVATION * size;
		char *base = bump__os_reserve(bytes);

		if (base != NULL) {
			room.next = base;
			room.end = base + bytes;
		}
	}
	if (room.next != NULL && size <= (size_t)(room.end - room.next)) {
		uintptr_t from = bump__align_down((uintptr_t)room.next, page);
		uintptr_t to = bump__align_up((uintptr_t)room.next + size, page);

		if (bump__os_commit((void *)from, to - from) == 0) {
			t = (struct thread *)(void *)room.next;
			room.next += size;
		}
	}
	bump__unlock(&room.lock);
	if (t != NULL)
		bump_atomic_push(&all_states, t, &t->next);
	return t;
}

/* Every state ever made (newest first; the list only grows). */
struct thread *
bump__threads_all(void)
{
	return bump_atomic_load(&all_states, ACQUIRE);
}

static void
watch_exit(struct thread *t)
{
	bump__self = t;	/* registering may allocate: be ready */
	if (exit_key >= 0)
		bump__os_thread_exit_watch(exit_key, t);
}

/* A state for the calling thread (after start-up): the oldest orphan's,
 * or a new one; NULL when none can be had. */
struct thread *
bump__thread_new(void)
{
	struct thread *t;

	if ((t = adopt_orphan()) == NULL && (t = carve_state()) == NULL)
		return NULL;
	watch_exit(t);
	return t;
}

/* ---- fork ---------------------------------------------------------------- */

/*
 * Before fork(): the forking thread's state entered (nobody acts for it),
 * every other state's `taken' lock held (nobody acts for them either), and
 * the orphans and the room for states locked, so that the child finds all
 * of them whole.  Holders of these locks never wait for one another.
 */
void
bump__threads_before_fork(void)
{
	struct thread *self = bump__self;

	if (self != NULL)
		owner_enter(self);
	bump__lock(&orphans.lock);
	bump__lock(&room.lock);
	for (struct thread *t = bump__threads_all(); t != NULL; t = t->next)
		if (t != self)
			bump__lock(&t->taken);
}

/* In the child, a thread that tried to act for this one left its lock. */
void
bump__threads_after_fork(int child)
{
	struct thread *self = bump__self;

	for (struct thread *t = bump__threads_all(); t != NULL; t = t->next)
		if (t != self)
			bump__unlock(&t->taken);
	bump__unlock(&room.lock);
	bump__unlock(&orphans.lock);
	if (self != NULL) {
		if (child)
			bump__unlock(&self->taken);
		owner_leave(self);
	}
}
