/*
 * arena_own.c - what an arena owns besides bytes: cleanups (a function and
 * an argument, run before the memory they guard is dropped) and child
 * arenas (destroyed by a cleanup of their parent).
 *
 * A cleanup's record is a block of its own arena (no malloc), linked
 * newest first from b->cleanups.  It remembers the logical offset where it
 * ends; lowering the top below that would drop the record, so the record
 * runs first (bump__own_release).  For a mark taken at a real point that is
 * exactly "registered after the mark"; and it holds for any offset at all
 * (a stale or forged mark, the slices of a BUMP_THREADSAFE arena), so no
 * record is ever dropped while it is linked.  In a plain arena the list is
 * in the order of those offsets, so a rewind finds the records it runs at
 * the head.
 *
 * A pass (the cleanups of one reset, rewind or destroy) sets
 * BUMP__CLEANING: a cleanup may allocate from its arena, register or
 * cancel cleanups (the pass notices, BUMP__EDITED), but its reset, rewind
 * or destroy of that arena is ignored.  A BUMP_THREADSAFE arena's list
 * takes b->cleanup_lock to add and cancel; passes, like the reset or
 * rewind around them, need the other threads stopped.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>

#include "arena.h"

struct bump_cleanup {
	struct bump_cleanup *older, *newer;
	void (*fn)(void *arg);
	void *arg;
	size_t end;		/* logical offset of the record's end */
};

static void
lock_list(bump_t *b)
{
	if (bump__is_threadsafe(b))
		bump__lock(&b->cleanup_lock);
}

static void
unlock_list(bump_t *b)
{
	if (bump__is_threadsafe(b))
		bump__unlock(&b->cleanup_lock);
}

static void
link_record(bump_t *b, struct bump_cleanup *c)
{
	c->older = b->cleanups;
	c->newer = NULL;
	if (c->older != NULL)
		c->older->newer = c;
	b->cleanups = c;
}

static void
unlink_record(bump_t *b, struct bump_cleanup *c)
{
	if (c->newer != NULL)
		c->newer->older = c->older;
	else
		b->cleanups = c->older;
	if (c->older != NULL)
		c->older->newer = c->newer;
}

/* A cleanup changed the list under a running pass (which is exclusive). */
static void
note_edit(bump_t *b)
{
	if (b->flags & BUMP__CLEANING)
		b->flags |= BUMP__EDITED;
}

/* The first record from c on, older and older, that ends above from. */
static struct bump_cleanup *
next_in_range(struct bump_cleanup *c, size_t from)
{
	while (c != NULL && c->end <= from)
		c = c->older;
	return c;
}

/* Run, newest first, every cleanup of b whose record ends above from. */
static void
run_cleanups(bump_t *b, size_t from)
{
	struct bump_cleanup *c = b->cleanups, *resume;

	b->flags |= BUMP__CLEANING;
	while ((c = next_in_range(c, from)) != NULL) {
		resume = c->older;
		unlink_record(b, c);
		b->flags &= ~(unsigned)BUMP__EDITED;
		c->fn(c->arg);
		/* It added or cancelled records: resume may be gone. */
		c = (b->flags & BUMP__EDITED) ? b->cleanups : resume;
	}
	b->flags &= ~(unsigned)(BUMP__CLEANING | BUMP__EDITED);
}

/* A child dies before its parent: the parent's record of it goes. */
static void
leave_parent(bump_t *b)
{
	bump_t *parent = b->parent;

	lock_list(parent);
	unlink_record(parent, b->parent_record);
	note_edit(parent);
	unlock_list(parent);
	b->flags &= ~(unsigned)BUMP__CHILD;
}

int
bump__own_release_slow(bump_t *b, size_t from, int dying)
{
	if (b->flags & BUMP__CLEANING)
		return -1;	/* a cleanup drops its own arena: ignored */
	if (dying && (b->flags & BUMP__SCRATCH))
		return -1;	/* only its thread's exit destroys it */
	if (dying && (b->flags & BUMP__CHILD))
		leave_parent(b);
	if (b->cleanups != NULL)
		run_cleanups(b, from);
	if (!dying && (b->flags & BUMP__DOOMED)) {
		bump_destroy(b);	/* its parent died during the pass */
		return -1;
	}
	return 0;
}

bump_cleanup_t *
bump_cleanup_add(bump_t *b, void (*fn)(void *arg), void *arg)
{
	struct bump_cleanup *c;

	if (!bump__live(b) || fn == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((c = bump__alloc(b, sizeof *c, _Alignof(struct bump_cleanup))) ==
	    NULL)
		return NULL;	/* ENOMEM, and nothing changed */
	/* No bump_free or bump_realloc can reach the record: not the newest. */
	if (!bump__is_threadsafe(b))
		b->last = NULL;
	c->fn = fn;
	c->arg = arg;
	/* In the current block: the one allocating hands out from. */
	c->end = bump__base_offset(b) + (size_t)((char *)(c + 1) - b->base);
	lock_list(b);
	link_record(b, c);
	note_edit(b);
	unlock_list(b);
	return c;
}

int
bump_cleanup_cancel(bump_t *b, bump_cleanup_t *c)
{
	struct bump_cleanup *r = NULL;

	if (bump__live(b) && c != NULL) {
		lock_list(b);
		for (r = b->cleanups; r != NULL && r != c; r = r->older)
			continue;
		if (r != NULL) {
			unlink_record(b, r);
			note_edit(b);
		}
		unlock_list(b);
	}
	if (r == NULL) {	/* not a pending cleanup of b */
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The cleanup of a child's parent: its record is unlinked already. */
static void
destroy_child(void *arg)
{
	bump_t *child = arg;

	child->flags &= ~(unsigned)BUMP__CHILD;
	if (child->flags & BUMP__CLEANING)	/* a cleanup of the child */
		child->flags |= BUMP__DOOMED;	/* its pass destroys it */
	else
		bump_destroy(child);
}

bump_t *
bump_create_child(bump_t *parent, size_t reserve, unsigned flags)
{
	struct bump_cleanup *c;
	bump_t *child;

	if (!bump__live(parent)) {
		errno = EINVAL;
		return NULL;
	}
	if ((child = bump_create(reserve, flags)) == NULL)
		return NULL;	/* EINVAL or ENOMEM, the parent untouched */
	if ((c = bump_cleanup_add(parent, destroy_child, child)) == NULL) {
		bump_destroy(child);	/* keeps errno, ENOMEM */
		return NULL;
	}
	child->parent = parent;
	child->parent_record = c;
	child->flags |= BUMP__CHILD;
	return child;
}
