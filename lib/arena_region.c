/*
 * arena_region.c - the arena's own reservation (struct bump_region): cap
 * bytes of address space between guard pages, committed as the arena
 * uses it, and the spare one a destroyed arena leaves to the next.
 *
 * An arena moves here once it outgrows the chunks (arena_chain.c);
 * BUMP_THREADSAFE, BUMP_HUGEPAGES and BUMP_PREFAULT arenas start here.
 * The reservation is the last block of its arena's chain while it is in
 * use, and may be set aside (still reserved) by a rewind below it.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>

#include "arena.h"
#include "instrument.h"

/* Commit in steps this size so that growing costs one call per step. */
#define COMMIT_STEP ((size_t)1 << 20)

/*
 * Page faults dominate the cost of fresh memory, and a huge page costs
 * about a fifth of what its 512 small pages do (measured by make bench).
 * Once an arena has grown past HUGE_AFTER it is clearly a big one: ask for
 * huge pages above that, so that small arenas keep costing small pages.
 */
#define HUGE_AFTER ((size_t)8 << 20)

/*
 * The last destroyed arena's own reservation waits here for the next
 * arena of the same cap and pages: BUMP_THREADSAFE arenas have one each,
 * and a loop creating and destroying them then reuses warm pages instead
 * of paying mmap, munmap and a page fault per page per round.  Only its
 * first SPARE_KEEP bytes stay committed.  Whoever finds the lock taken
 * goes to the OS instead of waiting.
 */
#define SPARE_KEEP ((size_t)256 << 10)
static struct {
	bump_lock_t lock;
	struct bump_region region;	/* base is NULL when empty */
} spare_region;

/* The spare, when it has cap bytes and these pages; 0 when there is none. */
static int
take_spare_region(struct bump_region *r, size_t cap, unsigned pages)
{
	struct bump_region *spare = &spare_region.region;
	int taken = 0;

	if (!bump__trylock(&spare_region.lock))
		return 0;
	if (spare->base != NULL) {
		taken = (size_t)(spare->end - spare->base) == cap &&
		    spare->pages == pages;
		if (taken)
			*r = *spare;
		else	/* this process makes arenas of another kind now */
			bump__os_release(spare->mapping,
			    bump__region_span(spare));
		spare->base = NULL;
	}
	bump__unlock(&spare_region.lock);
	return taken;
}

/* Keep b's reservation for the next arena; 0 when it must be released. */
static int
keep_as_spare(bump_t *b)
{
	struct bump_region *r = &b->region;
	char *keep = r->base + bump__min_size(SPARE_KEEP, b->cap);

	if ((b->flags & (BUMP_PREFAULT | BUMP__WATCHED)) ||
	    r->pages == BUMP_PAGES_PINNED || !bump__trylock(&spare_region.lock))
		return 0;
	if (spare_region.region.base != NULL) {
		bump__unlock(&spare_region.lock);
		return 0;
	}
	if (r->committed > keep) {
		if (bump__os_decommit(keep, (size_t)(r->committed - keep))) {
			bump__unlock(&spare_region.lock);
			return 0;
		}
		r->committed = keep;
	}
	spare_region.region = *r;
	bump__unlock(&spare_region.lock);
	r->base = NULL;
	return 1;
}

/*
 * A new reservation of b->cap bytes aligned to align (a power of two, a
 * page at least) between guards, [mapping, base) and a page after end:
 * BUMP_HUGEPAGES on pinned pages committed whole where the OS has them
 * (Windows), else address space only, with the huge page hint where that
 * applies.  BUMP_PREFAULT commits it whole now.  0, or -1 (ENOMEM).
 */
static int
reserve_region(bump_t *b, size_t huge, size_t align)
{
	struct bump_region *r = &b->region;
	size_t total = align + b->cap + bump__os_page_size();
	int prefault = (b->flags & BUMP_PREFAULT) != 0;
	char *mapping = NULL;

	if (huge != 0 && b->cap % huge == 0 && !prefault &&
	    (mapping = bump__os_reserve_pinned_huge(total)) != NULL)
		r->pages = BUMP_PAGES_PINNED;
	if (mapping == NULL && (mapping = bump__os_reserve_aligned(total,
	    bump__max_size(align, bump__os_granularity()))) == NULL)
		return -1;
	r->mapping = mapping;
	r->base = mapping + align;
	r->end = r->base + b->cap;
	r->committed = r->base;
	if (r->pages == BUMP_PAGES_PINNED) {
		r->committed = r->end;
		return 0;
	}
	if (huge != 0)
		bump__os_hugepage_hint(r->base, b->cap);
	if (prefault) {
		if (bump__os_commit_prefaulted(r->base, b->cap) != 0) {
			bump__region_release(b);
			return -1;
		}
		r->committed = r->end;
	}
	return 0;
}

/* The spare reservation when it fits b, else a new one. */
int
bump__region_open(bump_t *b)
{
	struct bump_region *r = &b->region;
	size_t page = bump__os_page_size();
	int asked_huge = (b->flags & BUMP_HUGEPAGES) != 0;
	size_t huge = asked_huge ? bump__os_huge_page_size() : 0;

	r->pages = asked_huge ? BUMP_PAGES_HUGE : BUMP_PAGES_SMALL;
	if (((b->flags & (BUMP_PREFAULT | BUMP__WATCHED)) ||
	    !take_spare_region(r, b->cap, r->pages)) &&
	    reserve_region(b, huge, bump__max_size(huge, page)) != 0) {
		r->base = NULL;
		errno = ENOMEM;
		return -1;
	}
	r->commit_step = huge > COMMIT_STEP ? huge :
	    bump__round_up(COMMIT_STEP, page);
	r->hinted = huge != 0;
	return 0;
}

void
bump__region_release(bump_t *b)
{
	struct bump_region *r = &b->region;

	if (r->base != NULL)
		bump__os_release(r->mapping, bump__region_span(r));
	*r = (struct bump_region){ 0 };
}

void
bump__region_retire(bump_t *b)
{
	if (b->region.base != NULL && !keep_as_spare(b))
		bump__region_release(b);
}

/*
 * commit_end may stop at an unaligned limit (the cap less the bytes of
 * earlier chunks); the OS committed that whole page, and the next commit
 * must start at a page boundary (found by the fuzzer).
 */
void
bump__region_save(bump_t *b)
{
	char *end;

	if (bump__current_kind(b) != BLOCK_RESERVATION)
		return;
	end = (char *)bump__align_up((uintptr_t)b->commit_end,
	    bump__os_page_size());
	if (end > b->region.committed)
		b->region.committed = end;
}

static void
hint_huge_when_big(bump_t *b, char *committed_to)
{
	size_t huge = bump__os_huge_page_size();
	char *from;

	if (huge == 0 || (size_t)(committed_to - b->base) <= HUGE_AFTER ||
	    bump_atomic_exchange(&b->region.hinted, 1, RELAXED))
		return;
	from = b->base + bump__round_up(HUGE_AFTER, huge);
	if (from < b->limit)
		bump__os_hugepage_hint(from, (size_t)(b->limit - from));
}

/*
 * Only the current reservation has memory left to commit (chunks and
 * buffers are committed whole).  In a shared arena threads may race here:
 * committing a range twice is harmless, and commit_end only moves up.
 */
int
bump__region_commit(bump_t *b, char *end)
{
	int shared = bump__is_threadsafe(b);
	char *from = shared ? bump_atomic_load(&b->commit_end, ACQUIRE) :
	    b->commit_end;
	size_t want = bump__round_up((size_t)(end - b->base),
	    b->region.commit_step);
	char *to = want < (size_t)(b->limit - b->base) ? b->base + want : b->limit;

	BUMP_ASSERT(bump__current_kind(b) == BLOCK_RESERVATION);
	if (end <= from)
		return 0;
	/*
	 * The OS gives a huge page only for an aligned range that is wholly
	 * committed when first touched: past the hint, commit to the next
	 * huge page boundary.
	 */
	hint_huge_when_big(b, to);
	if (bump_atomic_load(&b->region.hinted, RELAXED)) {
		char *aligned = (char *)bump__align_up((uintptr_t)to,
		    bump__os_huge_page_size());

		to = aligned < b->limit ? aligned : b->limit;
	}
	if (bump__os_commit(from, (size_t)(to - from)) != 0) {
		errno = ENOMEM;
		return -1;
	}
	bump__on_commit(b, from, end, to);
	if (!shared) {
		b->commit_end = to;
		b->fast_end = bump__fast_end_for(b);
	}
	while (shared && from < to &&
	    !bump_atomic_cas_weak(&b->commit_end, &from, to, ACQ_REL))
		continue;
	return 0;
}

int
bump__region_trim(bump_t *b, char *keep)
{
	if (bump__current_kind(b) != BLOCK_RESERVATION || keep >= b->commit_end)
		return 0;	/* the caller's buffer, or nothing committed above */
	bump__on_decommit(keep, b->commit_end);
	if (bump__os_decommit(keep, (size_t)(b->commit_end - keep)) != 0) {
		bump__on_lower(b, keep);	/* still committed and free */
		return -1;
	}
	b->commit_end = keep;
	b->region.committed = keep;
	b->fast_end = bump__fast_end_for(b);
	if (b->dirty_end > keep)
		b->dirty_end = keep;
	return 0;
}
