/*
 * fuzz_arena.c - libFuzzer target: input bytes become a sequence of arena
 * operations, and every result is checked against a model of the arena.
 *
 * The model knows where the arena starts, how much is used, which blocks
 * are live (with a byte pattern in each) and which block is the newest, so
 * it can say for every call whether SPEC.md promises success or NULL with
 * a given errno, where the block must start, and what bump_used() must be.
 * Checks: alignment, exact placement and accounting, no overlap between
 * live blocks, contents kept (realloc included), calloc memory zero,
 * errno exactly as documented.  The library is built with ASan, so the
 * model's reads also prove that no live byte is ever poisoned.
 *
 * Build: make fuzz (clang -fsanitize=fuzzer,address,undefined).
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bump_alloc.h>

#define FUZZ_NAME "fuzz_arena"
#include "fuzz.h"

#define MiB ((size_t)1 << 20)
/* Resource limits of the harness (not of the library): keep runs fast. */
#define MAX_FILLED 256		/* pattern bytes written at each end */
#define MAX_SUCCESS (16 * MiB)	/* larger sizes are only tried to fail */
#define PREFAULT_RESERVE (4 * MiB)
#define MAX_COPY (64 * MiB)	/* realloc moves copying more are skipped */

/* ---- input ----------------------------------------------------------- */

/* Sizes from every class: tiny, page-ish, large, huge, near SIZE_MAX. */
static size_t
take_size(struct input *in)
{
	unsigned kind = (unsigned)take(in, 1);

	switch (kind % 8) {
	case 0: case 1: case 2:
		return (size_t)take(in, 1);
	case 3:
		return (size_t)take(in, 2);
	case 4:
		return (size_t)take(in, 3) % MAX_SUCCESS;
	case 5:
		return SIZE_MAX - (size_t)take(in, 1);
	case 6:
		/* 2^k +- d: up to 128 MiB, or far beyond any reserve */
		kind = (unsigned)take(in, 1);
		return ((size_t)1 << (kind % 2 ? kind % 28 : kind % 64)) +
		    (size_t)(int8_t)take(in, 1);
	default:
		return (size_t)take(in, 8);
	}
}

static size_t
take_align(struct input *in)
{
	unsigned v = (unsigned)take(in, 1);

	if (v >= 240)
		return (size_t)v * 3;		/* not a power of two (or 0) */
	return (size_t)1 << (v % 64);	/* up to 2^63 */
}

/* ---- the model ------------------------------------------------------- */

enum { MAX_LIVE = 64, MAX_MARKS = 8 };

struct block { unsigned char *p; size_t n; unsigned char seed; };

struct model {
	bump_t *b;
	unsigned flags;
	uintptr_t base, limit;
	size_t used;
	struct block live[MAX_LIVE];
	int nlive;
	unsigned char *last;	/* newest block, as the library tracks it */
	bump_mark_t marks[MAX_MARKS];
	int nmarks;
	unsigned char seed;
};

static size_t
natural_align(size_t n)
{
	size_t a = _Alignof(max_align_t);

	while (a > 1 && a / 2 >= n)
		a /= 2;
	return a;
}

static unsigned char
pattern(const struct block *k, size_t i)
{
	return (unsigned char)(k->seed + i * 131);
}

/* Fill (or check) the first and last MAX_FILLED bytes of a block. */
static void
fill_block(struct block *k)
{
	for (size_t i = 0; i < k->n && i < MAX_FILLED; i++)
		k->p[i] = pattern(k, i);
	for (size_t i = k->n > MAX_FILLED ? k->n - MAX_FILLED : k->n; i < k->n; i++)
		k->p[i] = pattern(k, i);
}

/* Check the bytes fill_block wrote, those below upto only. */
static void
check_block(const struct block *k, size_t upto)
{
	size_t n = k->n < upto ? k->n : upto;
	size_t tail = k->n > MAX_FILLED ? k->n - MAX_FILLED : 0;

	for (size_t i = 0; i < n && i < MAX_FILLED; i++)
		CHECK(k->p[i] == pattern(k, i), "byte %zu of %zu changed", i,
		    k->n);
	for (size_t i = tail; i < n; i++)
		CHECK(k->p[i] == pattern(k, i), "byte %zu of %zu changed", i,
		    k->n);
}

static void
check_all(const struct model *m)
{
	CHECK(bump_used(m->b) == m->used, "used %zu, model %zu",
	    bump_used(m->b), m->used);
	CHECK(bump_capacity(m->b) == m->limit - m->base, "capacity changed");
	for (int i = 0; i < m->nlive; i++) {
		check_block(&m->live[i], SIZE_MAX);
		CHECK(bump_owns(m->b, m->live[i].p), "live block not owned");
	}
	CHECK(!bump_owns(m->b, (void *)(m->base - 1)), "owns base - 1");
	CHECK(!bump_owns(m->b, (void *)m->limit), "owns the limit");
}

static void
drop(struct model *m, int i)
{
	m->live[i] = m->live[--m->nlive];
}

/* Where a block of n bytes aligned to a must start, or 0 if it cannot. */
static uintptr_t
expected_start(const struct model *m, size_t n, size_t a)
{
	uintptr_t at = m->base + m->used;

	if (n == 0)
		n = 1;
	if (a - 1 > UINTPTR_MAX - at)
		return 0;
	at = (at + a - 1) & ~(uintptr_t)(a - 1);
	if (at > m->limit || n > m->limit - at)
		return 0;
	return at;
}

/*
 * Check the result p of an allocation of n bytes aligned to a (errno in
 * err), and record the block.  Returns the block or NULL.
 */
static struct block *
allocated(struct model *m, void *p, int err, size_t n, size_t a,
    const char *what)
{
	uintptr_t start = expected_start(m, n, a);
	size_t n1 = n ? n : 1;
	struct block *k;

	if (tracing())
		fprintf(stderr, "%s(%zu, align %zu) = +%zd (expect +%zd)\n",
		    what, n, a, p ? (ssize_t)((uintptr_t)p - m->base) : -1,
		    start ? (ssize_t)(start - m->base) : -1);

	if (start == 0) {
		CHECK(p == NULL, "%s(%zu, align %zu) must fail", what, n, a);
		CHECK(err == ENOMEM, "%s: errno %d, not ENOMEM", what, err);
		return NULL;
	}
	CHECK(p != NULL, "%s(%zu, align %zu) failed (errno %d) with room",
	    what, n, a, err);
	CHECK((uintptr_t)p == start, "%s: at %#lx, not %#lx", what,
	    (unsigned long)(uintptr_t)p, (unsigned long)start);
	CHECK((uintptr_t)p % a == 0, "%s: misaligned", what);
	for (int i = 0; i < m->nlive; i++)
		CHECK((uintptr_t)p >= (uintptr_t)m->live[i].p + m->live[i].n ||
		    (uintptr_t)p + n1 <= (uintptr_t)m->live[i].p, "overlap");
	m->used = start + n1 - m->base;
	m->last = (m->flags & BUMP_THREADSAFE) ? NULL : p;
	if (m->nlive == MAX_LIVE)
		drop(m, 0);	/* forget one: it stays allocated */
	k = &m->live[m->nlive++];
	k->p = p;
	k->n = n;
	k->seed = ++m->seed;
	return k;
}

static int
find_live(const struct model *m, struct input *in)
{
	return m->nlive ? (int)(take(in, 1) % (unsigned)m->nlive) : -1;
}

/* ---- operations ------------------------------------------------------ */

static void
op_malloc(struct model *m, struct input *in)
{
	size_t n = take_size(in);
	void *p;
	struct block *k;

	errno = 0;
	p = bump_malloc(m->b, n);
	if ((k = allocated(m, p, errno, n, natural_align(n), "malloc")))
		fill_block(k);
}

static void
op_calloc(struct model *m, struct input *in)
{
	size_t nmemb = take_size(in), size = take_size(in), n;
	struct block *k;
	void *p;

	/*
	 * A large calloc that fits must clear whatever was handed out before
	 * (gigabytes after a reset): a harness limit, not a library one.
	 */
	if ((size == 0 || nmemb <= SIZE_MAX / size) &&
	    nmemb * size > MAX_SUCCESS &&
	    expected_start(m, nmemb * size, natural_align(nmemb * size)) != 0)
		return;
	errno = 0;
	p = bump_calloc(m->b, nmemb, size);
	if (size != 0 && nmemb > SIZE_MAX / size) {
		CHECK(p == NULL && errno == ENOMEM, "calloc overflow");
		return;
	}
	n = nmemb * size;
	if ((k = allocated(m, p, errno, n, natural_align(n), "calloc"))) {
		for (size_t i = 0; i < n && i < MAX_FILLED; i++)
			CHECK(k->p[i] == 0, "calloc byte %zu not zero", i);
		for (size_t i = n > MAX_FILLED ? n - MAX_FILLED : 0; i < n; i++)
			CHECK(k->p[i] == 0, "calloc byte %zu not zero", i);
		fill_block(k);
	}
}

static void
op_aligned(struct model *m, struct input *in)
{
	size_t a = take_align(in), n = take_size(in);
	struct block *k;
	void *p;

	errno = 0;
	p = bump_aligned_alloc(m->b, a, n);
	if (a == 0 || (a & (a - 1)) != 0) {
		CHECK(p == NULL && errno == EINVAL, "bad alignment %zu", a);
		return;
	}
	if ((k = allocated(m, p, errno, n, a, "aligned_alloc")))
		fill_block(k);
}

static void
op_realloc(struct model *m, struct input *in)
{
	int i = (take(in, 1) & 1) ? find_live(m, in) : -1;
	size_t n = take_size(in), n1 = n ? n : 1, copy;
	struct block old, *k;
	unsigned char *p;

	if (i < 0) {		/* realloc(NULL, n) is malloc */
		errno = 0;
		p = bump_realloc(m->b, NULL, n);
		if ((k = allocated(m, p, errno, n, natural_align(n), "realloc")))
			fill_block(k);
		return;
	}
	old = m->live[i];
	/*
	 * A move copies up to the old top (block sizes are not stored): in
	 * a huge arena that is gigabytes, which is the library working as
	 * documented but no use to a fuzzer with a time limit.
	 */
	copy = m->base + m->used - (uintptr_t)old.p;
	if (n < copy)
		copy = n;
	if (copy > MAX_COPY && !(old.p == m->last &&
	    (uintptr_t)old.p % natural_align(n1) == 0 &&
	    n1 <= m->limit - (uintptr_t)old.p))
		return;
	errno = 0;
	p = bump_realloc(m->b, old.p, n);
	if (tracing())
		fprintf(stderr, "realloc(+%zu [%zu], %zu) = +%zd, last +%zd used %zu\n",
		    (size_t)((uintptr_t)old.p - m->base), old.n, n,
		    p ? (ssize_t)((uintptr_t)p - m->base) : -1,
		    m->last ? (ssize_t)((uintptr_t)m->last - m->base) : -1, m->used);
	if (old.p == m->last) {	/* the newest block: resized in place? */
		if ((uintptr_t)old.p % natural_align(n1) == 0 &&
		    n1 <= m->limit - (uintptr_t)old.p) {
			CHECK(p == old.p, "realloc of the newest block moved");
			m->used = (size_t)((uintptr_t)p + n1 - m->base);
			m->live[i].n = n;
			check_block(&old, n);
			fill_block(&m->live[i]);
			return;
		}
		if (n1 > m->limit - (uintptr_t)old.p) {
			CHECK(p == NULL && errno == ENOMEM, "realloc past limit");
			check_block(&old, SIZE_MAX);
			return;
		}
	}
	drop(m, i);		/* moves (or fails and stays put) */
	k = allocated(m, p, errno, n, natural_align(n), "realloc");
	if (k == NULL) {
		m->live[m->nlive++] = old;	/* untouched on failure */
		check_block(&old, SIZE_MAX);
		return;
	}
	/* The copy: the old block's bytes up to the lesser size. */
	old.p = k->p;
	check_block(&old, n);
	fill_block(k);
}

static void
op_free(struct model *m, struct input *in)
{
	int i = find_live(m, in);

	if (take(in, 1) % 4 == 0) {	/* ignored: NULL and foreign pointers */
		bump_free(m->b, NULL);
		bump_free(m->b, &i);
		return;
	}
	if (i < 0)
		return;
	bump_free(m->b, m->live[i].p);
	if (m->live[i].p == m->last) {	/* the newest gives its bytes back */
		m->used = (size_t)((uintptr_t)m->last - m->base);
		m->last = NULL;
	}
	drop(m, i);
}

static void
lower(struct model *m, size_t offset)
{
	m->used = offset;
	m->last = NULL;
	for (int i = m->nlive - 1; i >= 0; i--) {
		size_t start = (size_t)((uintptr_t)m->live[i].p - m->base);

		if (start >= offset)
			drop(m, i);
		else if (m->live[i].n > offset - start) {
			/* Reached past the mark (grown, or the mark is older
			 * than a shrink): keep its head, with a new pattern. */
			m->live[i].n = offset - start;
			fill_block(&m->live[i]);
		}
	}
}

static void
op_mark_rewind(struct model *m, struct input *in)
{
	unsigned v = (unsigned)take(in, 1);

	if (v % 2 == 0 || m->nmarks == 0) {
		bump_mark_t mk = bump_mark(m->b);

		CHECK(mk.offset == m->used, "mark %zu, used %zu", mk.offset,
		    m->used);
		if (m->nmarks < MAX_MARKS)
			m->marks[m->nmarks++] = mk;
		return;
	}
	bump_mark_t mk = m->marks[(v / 2) % (unsigned)m->nmarks];

	bump_rewind(m->b, mk);
	if (mk.offset <= m->used)	/* a mark above the top is ignored */
		lower(m, mk.offset);
}

static void
op_reset_trim(struct model *m, struct input *in)
{
	unsigned v = (unsigned)take(in, 1);

	if (v % 3 == 0) {
		bump_reset(m->b);
		lower(m, 0);
		m->nmarks = 0;
	}
	if (v % 3 != 1) {
		errno = 0;
		CHECK(bump_trim(m->b) == 0, "trim failed: errno %d", errno);
	}
}

static void
op_strings(struct model *m, struct input *in)
{
	char buf[300];
	size_t len = (size_t)take(in, 1), n;
	unsigned kind = (unsigned)take(in, 1);
	struct block *k;
	char *s;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(take(in, 1) | 1);	/* no NUL inside */
	buf[len] = '\0';
	errno = 0;
	switch (kind % 5) {
	case 0:
		s = bump_strdup(m->b, buf);
		n = len + 1;
		break;
	case 1:
		n = take_size(in);
		s = bump_strndup(m->b, buf, n);
		n = (n < len ? n : len) + 1;
		break;
	case 2:
		s = bump_memdup(m->b, buf, len);
		k = allocated(m, s, errno, len, natural_align(len), "memdup");
		if (k != NULL) {
			CHECK(memcmp(s, buf, len) == 0, "memdup copy");
			fill_block(k);
		}
		return;
	case 3:
		s = bump_asprintf(m->b, "%s|%d", buf, (int)len);
		n = (size_t)snprintf(NULL, 0, "%s|%d", buf, (int)len) + 1;
		break;
	default:		/* NULL arguments are EINVAL, never a crash */
		CHECK(bump_strdup(m->b, NULL) == NULL && errno == EINVAL,
		    "strdup(NULL)");
		errno = 0;
		CHECK(bump_strdup(NULL, buf) == NULL && errno == EINVAL,
		    "strdup on a NULL arena");
		errno = 0;
		CHECK(bump_malloc(NULL, len) == NULL && errno == EINVAL,
		    "malloc on a NULL arena");
		errno = 0;
		CHECK(bump_memdup(m->b, NULL, len + 1) == NULL &&
		    errno == EINVAL, "memdup(NULL, n)");
		return;
	}
	if ((k = allocated(m, s, errno, n, 1, "string helper")) == NULL)
		return;
	CHECK(strlen(s) == n - 1, "string length %zu, not %zu", strlen(s),
	    n - 1);
	CHECK(memcmp(s, buf, n - 1 < len ? n - 1 : len) == 0, "string copy");
	fill_block(k);
}

/* ---- several small arenas over the chunk layer ------------------------ */

/*
 * Arenas that start small and grow over chunks, several at once, created,
 * used, reset, rewound and destroyed in any order.  Placement inside the
 * chain is the library's business; the model checks what SPEC.md promises
 * across chunks: alignment, no overlap between any two live blocks of any
 * arenas, contents kept, calloc zero, owns, errno, and bump_used in the
 * arena's logical order (a block adds its size plus less than its
 * alignment of padding; freeing the newest and rewinding are exact).
 */
enum { NARENA = 4, CMAX_LIVE = 48 };

struct cblock { unsigned char *p; size_t n, at; unsigned char seed; };
struct carena {
	bump_t *b;
	size_t cap, used;
	struct cblock live[CMAX_LIVE];
	int nlive;
	unsigned char *last;
	size_t last_at;		/* logical offset of the newest block */
	bump_mark_t marks[4];
	int nmarks;
};

static struct carena ca[NARENA];
static unsigned char cseed;

static void
cfill(struct cblock *k)
{
	struct block b = { k->p, k->n, k->seed };

	fill_block(&b);
}

static void
ccheck(const struct cblock *k, size_t upto)
{
	struct block b = { k->p, k->n, k->seed };

	check_block(&b, upto);
}

static void
cdrop(struct carena *a, int i)
{
	a->live[i] = a->live[--a->nlive];
}

/* A fresh arena in slot a, small reserves mostly (the cap spans chunks). */
static void
cnew(struct carena *a, struct input *in)
{
	size_t caps[4] = { 0, 4096, 64 * 1024, 3 * MiB };

	memset(a, 0, sizeof *a);
	errno = 0;
	a->b = bump_create(caps[take(in, 1) % 4], 0);
	CHECK(a->b != NULL, "create: errno %d", errno);
	a->cap = bump_capacity(a->b);
	CHECK(bump_used(a->b) == 0, "new arena not empty");
}

static void
cgot(struct carena *a, unsigned char *p, int err, size_t n, size_t align,
    int zero)
{
	size_t n1 = n ? n : 1, used = bump_used(a->b);
	struct cblock *k;

	if (p == NULL) {
		CHECK(err == ENOMEM, "alloc(%zu): errno %d", n, err);
		CHECK(used == a->used, "failed alloc changed used");
		CHECK(n1 > a->cap - a->used || n1 + align - 1 > a->cap - a->used,
		    "alloc(%zu, %zu) failed with %zu of %zu used", n, align,
		    a->used, a->cap);
		return;
	}
	if (tracing())
		fprintf(stderr, "  got %p n %zu arena %p used %zu\n", (void *)p,
		    n, (void *)a->b, used);
	CHECK((uintptr_t)p % align == 0, "misaligned");
	CHECK(used >= a->used + n1 && used <= a->used + n1 + align - 1,
	    "used %zu after %zu + %zu (align %zu)", used, a->used, n1, align);
	CHECK(bump_owns(a->b, p) && bump_owns(a->b, p + n1 - 1), "not owned");
	for (int j = 0; j < NARENA; j++) {
		if (ca[j].b == NULL)
			continue;
		if (&ca[j] != a)
			CHECK(!bump_owns(ca[j].b, p), "owned by another arena");
		for (int i = 0; i < ca[j].nlive; i++) {
			const struct cblock *o = &ca[j].live[i];

			CHECK((uintptr_t)p >= (uintptr_t)o->p + (o->n ? o->n : 1) ||
			    (uintptr_t)p + n1 <= (uintptr_t)o->p, "overlap");
		}
	}
	if (zero)
		for (size_t i = 0; i < n; i += 1 + i / 8)
			CHECK(p[i] == 0, "calloc byte %zu", i);
	a->used = used;
	a->last = p;
	a->last_at = used - n1;
	if (a->nlive == CMAX_LIVE)
		cdrop(a, 0);
	k = &a->live[a->nlive++];
	*k = (struct cblock){ p, n, used - n1, ++cseed };
	cfill(k);
}

static void
clower(struct carena *a, size_t offset)
{
	a->used = offset;
	a->last = NULL;
	for (int i = a->nlive - 1; i >= 0; i--) {
		struct cblock *k = &a->live[i];

		if (k->at >= offset)
			cdrop(a, i);
		else if (k->n > offset - k->at) {
			k->n = offset - k->at;
			cfill(k);
		}
	}
}

static size_t
csize(struct input *in)
{
	switch (take(in, 1) % 4) {
	case 0: return (size_t)take(in, 1);
	case 1: return (size_t)take(in, 2) % 5000;
	case 2: return (size_t)take(in, 3) % (6 * MiB);
	default: return SIZE_MAX - (size_t)take(in, 1);
	}
}

static int
fuzz_chunked(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	for (int j = 0; j < NARENA; j++)
		cnew(&ca[j], &in);
	while (in.n > 0) {
		unsigned op = (unsigned)take(&in, 1);
		struct carena *a = &ca[op % NARENA];
		size_t n, al;
		unsigned char *p;
		int i;

		if (tracing())
			fprintf(stderr, "arena %u op %u used %zu\n", op % NARENA,
			    (op / NARENA) % 10, bump_used(a->b));
		switch ((op / NARENA) % 10) {
		case 0: case 1:
			n = csize(&in);
			errno = 0;
			p = bump_malloc(a->b, n);
			cgot(a, p, errno, n, natural_align(n), 0);
			break;
		case 2:
			n = csize(&in) % (64 * 1024);
			errno = 0;
			p = bump_calloc(a->b, 1, n);
			cgot(a, p, errno, n, natural_align(n), 1);
			break;
		case 3:
			al = (size_t)1 << (take(&in, 1) % 13);
			n = csize(&in);
			errno = 0;
			p = bump_aligned_alloc(a->b, al, n);
			cgot(a, p, errno, n, al, 0);
			break;
		case 4:	/* realloc: the newest in place, others move */
			if (a->nlive == 0)
				break;
			i = (int)(take(&in, 1) % (unsigned)a->nlive);
			n = csize(&in) % (5 * MiB);
			{
				struct cblock old = a->live[i];
				size_t before = a->used;

				errno = 0;
				p = bump_realloc(a->b, old.p, n);
				if (p == NULL) {
					CHECK(errno == ENOMEM, "realloc errno %d", errno);
					CHECK(bump_used(a->b) == before, "failed realloc changed used");
					ccheck(&old, SIZE_MAX);
					break;
				}
				if (p == old.p) {
					CHECK(old.p == a->last, "an older block resized in place");
					a->used = bump_used(a->b);
					CHECK(a->used == old.at + (n ? n : 1), "in-place used");
					a->live[i].n = n;
					ccheck(&old, n);
					cfill(&a->live[i]);
					break;
				}
				if (old.p == a->last &&
				    bump_used(a->b) < a->used + (n ? n : 1)) {
					/*
					 * The newest block left a chunk it was
					 * alone in (its start: no red zone when
					 * fuzzing): the chunk went back, and the
					 * new block took its logical offset.
					 */
					CHECK((uintptr_t)old.p % 256 == 0,
					    "a chunk holding more went back");
					a->used = old.at;
				}
				cdrop(a, i);
				old.p = p;
				ccheck(&old, n);	/* copied */
				cgot(a, p, 0, n, natural_align(n), 0);
			}
			break;
		case 5:	/* free the newest (exact) or another (ignored) */
			if (a->nlive == 0)
				break;
			i = (int)(take(&in, 1) % (unsigned)a->nlive);
			bump_free(a->b, a->live[i].p);
			if (a->live[i].p == a->last) {
				a->used = a->last_at;
				a->last = NULL;
			}
			cdrop(a, i);
			CHECK(bump_used(a->b) == a->used, "used after free");
			break;
		case 6:
			if (take(&in, 1) % 2 || a->nmarks == 0) {
				bump_mark_t mk = bump_mark(a->b);

				CHECK(mk.offset == a->used, "mark");
				a->marks[a->nmarks++ % 4] = mk;
				if (a->nmarks > 4)
					a->nmarks = 4;
			} else {
				bump_mark_t mk = a->marks[take(&in, 1) % (unsigned)a->nmarks];

				bump_rewind(a->b, mk);
				if (mk.offset <= a->used)
					clower(a, mk.offset);
			}
			break;
		case 7:
			bump_reset(a->b);
			clower(a, 0);
			a->nmarks = 0;
			if (take(&in, 1) % 2)
				CHECK(bump_trim(a->b) == 0, "trim");
			break;
		case 8:
			bump_destroy(a->b);
			if (take(&in, 1) % 4 == 0) {	/* a stale handle is caught */
				errno = 0;
				CHECK(bump_malloc(a->b, 8) == NULL && errno == EINVAL,
				    "malloc on a destroyed arena");
				bump_destroy(a->b);
			}
			cnew(a, &in);
			break;
		default:
			if (take(&in, 1) % 8 == 0)
				(void)bump_purge();
			break;
		}
		for (int j = 0; j < NARENA; j++) {
			CHECK(bump_used(ca[j].b) == ca[j].used, "arena %d: used %zu, model %zu",
			    j, bump_used(ca[j].b), ca[j].used);
			for (int k = 0; k < ca[j].nlive; k++)
				ccheck(&ca[j].live[k], SIZE_MAX);
		}
	}
	for (int j = 0; j < NARENA; j++)
		bump_destroy(ca[j].b);
	return 0;
}

/* ---- what arenas own: cleanups, children, scratch arenas -------------- */

/*
 * Root arenas and their children in slots.  Every cleanup logs its number;
 * the model keeps each arena's pending cleanups and children in the order
 * they were registered, with bump_used() right after each registration
 * (where the record ends), and so knows what every reset, rewind and
 * destroy runs: each record ending above the offset dropped, newest
 * first, a child's own cleanups (and children) in the child's place.  The
 * log must match exactly, children must be dead after, a cleanup must run
 * once, and every call must refuse a destroyed arena.  A re-entrant
 * cleanup resets, rewinds and destroys its own arena (ignored), allocates
 * from it and registers one more, which must run next in the same pass.
 */
enum { OSLOTS = 8, OMAX_REC = 24, OLOG = 1024, OMAX_IDS = 4096,
	REENTRY = 100000 };

struct orec {
	int id;			/* the cleanup's number; -1 for a child */
	int child;		/* the child's slot */
	int reentrant;
	size_t end;		/* bump_used() after the registration */
	bump_cleanup_t *h;
};
struct oarena {
	bump_t *b;		/* NULL: an empty slot */
	int parent;		/* a slot, or -1 for a root */
	unsigned flags;
	struct orec rec[OMAX_REC];
	int nrec;
	bump_mark_t marks[4];
	int nmarks;
};

static struct oarena oa[OSLOTS];
static int olog[OLOG], nolog, owant[OLOG], nowant;
static bump_t *id_arena[OMAX_IDS];	/* for re-entrant cleanups */
static int next_id;

static void
olog_id(void *arg)
{
	CHECK(nolog < OLOG, "log full");
	olog[nolog++] = (int)(intptr_t)arg;
}

static void
oreenter(void *arg)
{
	int id = (int)(intptr_t)arg;
	bump_t *b = id_arena[id];
	size_t used = bump_used(b);

	olog_id(arg);
	bump_reset(b);
	bump_rewind(b, (bump_mark_t){ 0 });
	bump_destroy(b);
	CHECK(bump_used(b) == used, "a cleanup dropped its own arena");
	CHECK(bump_malloc(b, 100) != NULL, "allocating in a pass");
	CHECK(bump_cleanup_add(b, olog_id, (void *)(intptr_t)(id + REENTRY)) !=
	    NULL, "registering in a pass");
}

static void
expect(int id)
{
	CHECK(nowant < OLOG, "expectations full");
	owant[nowant++] = id;
}

static void expect_destroy(int s);

/* What dropping slot s above offset from runs, in order. */
static void
expect_drop(int s, size_t from)
{
	struct oarena *a = &oa[s];

	while (a->nrec > 0 && a->rec[a->nrec - 1].end > from) {
		struct orec *r = &a->rec[--a->nrec];

		if (r->id < 0) {
			expect_destroy(r->child);
			continue;
		}
		expect(r->id);
		if (r->reentrant)
			expect(r->id + REENTRY);
	}
}

/* Slot s dies (by its parent's pass, or its own destroy). */
static void
expect_destroy(int s)
{
	expect_drop(s, 0);
	oa[s].nmarks = 0;
	oa[s].parent = -2;	/* dead, handle kept for the checks */
}

/* The log is what the model said; the dead are refused; clear both. */
static void
check_log(const char *what)
{
	int reentered = 0;

	CHECK(nolog == nowant, "%s: %d cleanups ran, %d expected", what, nolog,
	    nowant);
	for (int i = 0; i < nolog; i++) {
		CHECK(olog[i] == owant[i], "%s: cleanup %d ran as %d, expected %d",
		    what, i, olog[i], owant[i]);
		reentered |= olog[i] >= REENTRY;
	}
	nolog = nowant = 0;
	for (int s = 0; s < OSLOTS; s++) {
		if (oa[s].parent != -2)
			continue;
		/* Its bookkeeping is unused since, unless a pass allocated. */
		if (!reentered) {
			errno = 0;
			CHECK(bump_malloc(oa[s].b, 8) == NULL && errno == EINVAL,
			    "slot %d lives on", s);
			CHECK(bump_cleanup_add(oa[s].b, olog_id, NULL) == NULL &&
			    errno == EINVAL, "cleanup on a dead arena");
			CHECK(bump_create_child(oa[s].b, 0, 0) == NULL &&
			    errno == EINVAL, "child of a dead arena");
			CHECK(bump_flags(oa[s].b) == 0, "flags of a dead arena");
		}
		oa[s].b = NULL;
		oa[s].parent = -1;
	}
}

static int
oslot(struct input *in, int live)
{
	int s = (int)(take(in, 1) % OSLOTS);

	for (int k = 0; k < OSLOTS; k++, s = (s + 1) % OSLOTS)
		if ((oa[s].b != NULL) == live)
			return s;
	return -1;
}

static void
oadd(int s, int reentrant)
{
	struct oarena *a = &oa[s];
	int id = next_id++;
	struct orec *r;

	if (a->nrec == OMAX_REC || id >= OMAX_IDS)
		return;
	id_arena[id] = a->b;
	r = &a->rec[a->nrec++];
	errno = 0;
	r->h = bump_cleanup_add(a->b, reentrant ? oreenter : olog_id,
	    (void *)(intptr_t)id);
	CHECK(r->h != NULL, "cleanup_add: errno %d", errno);
	r->id = id;
	r->child = -1;
	r->reentrant = reentrant;
	r->end = bump_used(a->b);
}

static void
ocreate(int s, int parent, unsigned flags)
{
	struct oarena *a = &oa[s];

	memset(a, 0, sizeof *a);
	errno = 0;
	if (parent < 0) {
		a->b = bump_create(0, flags);
	} else {
		struct orec *r;

		if (oa[parent].nrec == OMAX_REC)
			return;
		a->b = bump_create_child(oa[parent].b, 0, flags);
		r = &oa[parent].rec[oa[parent].nrec++];
		r->id = -1;
		r->child = s;
		r->reentrant = 0;
		r->end = bump_used(oa[parent].b);
		r->h = NULL;
	}
	CHECK(a->b != NULL, "create: errno %d", errno);
	CHECK(bump_flags(a->b) == flags, "flags");
	a->parent = parent;
	a->flags = flags;
}

/* The record of child c in its parent's model goes (the child died first). */
static void
ounlink_child(int c)
{
	struct oarena *p = &oa[oa[c].parent];

	for (int i = 0; i < p->nrec; i++)
		if (p->rec[i].id < 0 && p->rec[i].child == c) {
			memmove(&p->rec[i], &p->rec[i + 1],
			    (size_t)(p->nrec - i - 1) * sizeof p->rec[0]);
			p->nrec--;
			return;
		}
	CHECK(0, "child %d not in its parent's model", c);
}

static void
ocancel(int s, struct input *in)
{
	struct oarena *a = &oa[s];
	int i = a->nrec ? (int)(take(in, 1) % (unsigned)a->nrec) : -1;
	bump_cleanup_t *h;

	if (i < 0 || a->rec[i].id < 0)
		return;
	h = a->rec[i].h;
	CHECK(bump_cleanup_cancel(a->b, h) == 0, "cancel a pending cleanup");
	memmove(&a->rec[i], &a->rec[i + 1],
	    (size_t)(a->nrec - i - 1) * sizeof a->rec[0]);
	a->nrec--;
	errno = 0;
	CHECK(bump_cleanup_cancel(a->b, h) == -1 && errno == EINVAL,
	    "cancel twice");
}

/* A scratch arena that is none of the arenas in use: mark, use, rewind. */
static void
oscratch(struct input *in)
{
	unsigned listed = (unsigned)take(in, 1) % 3;
	int slot = oslot(in, 1), id = next_id++;
	bump_t *in_use[3], *s;
	size_t n = 0;
	bump_mark_t m;

	if (slot >= 0)
		in_use[n++] = oa[slot].b;
	if (listed >= 1) {	/* the thread's first scratch arena */
		in_use[n] = bump_scratch(NULL, 0);
		CHECK(in_use[n] != NULL, "scratch");
		n++;
	}
	if (listed == 2) {	/* and its second */
		in_use[n] = bump_scratch(&in_use[n - 1], 1);
		CHECK(in_use[n] != NULL && in_use[n] != in_use[n - 1],
		    "second scratch");
		n++;
	}
	errno = 0;
	s = bump_scratch(in_use, n);
	if (listed == 2) {
		CHECK(s == NULL && errno == EBUSY, "both scratch arenas in use");
		return;
	}
	for (size_t k = 0; k < n; k++)
		CHECK(s != in_use[k], "scratch is in use");
	m = bump_mark(s);
	CHECK(bump_malloc(s, (size_t)take(in, 2) % 10000) != NULL, "scratch");
	CHECK(bump_cleanup_add(s, olog_id, (void *)(intptr_t)id) != NULL,
	    "scratch cleanup");
	bump_destroy(s);		/* ignored */
	expect(id);
	bump_rewind(s, m);
	CHECK(bump_used(s) == m.offset, "scratch rewound");
}

static void
odestroy(int s)
{
	if (oa[s].parent >= 0)
		ounlink_child(s);
	expect_destroy(s);
	bump_destroy(oa[s].b);
}

static void
omark_rewind(int s, struct input *in)
{
	struct oarena *a = &oa[s];
	bump_mark_t m;
	size_t used;

	if (take(in, 1) % 2 == 0 || a->nmarks == 0) {
		a->marks[a->nmarks++ % 4] = bump_mark(a->b);
		if (a->nmarks > 4)
			a->nmarks = 4;
		return;
	}
	m = a->marks[take(in, 1) % (unsigned)a->nmarks];
	used = bump_used(a->b);
	if (m.offset <= used)	/* else stale: ignored */
		expect_drop(s, m.offset);
	bump_rewind(a->b, m);
	CHECK(bump_used(a->b) == (m.offset <= used ? m.offset : used),
	    "rewind to %zu from %zu: used %zu", m.offset, used,
	    bump_used(a->b));
}

static int
fuzz_owned(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned flag_of[2] = { 0, BUMP_THREADSAFE };

	memset(oa, 0, sizeof oa);
	for (int s = 0; s < OSLOTS; s++)
		oa[s].parent = -1;
	nolog = nowant = next_id = 0;
	ocreate(0, -1, flag_of[take(&in, 1) % 2]);
	while (in.n > 0) {
		unsigned op = (unsigned)take(&in, 1) % 11;
		int s = oslot(&in, 1), e;

		if (s < 0) {
			ocreate(0, -1, 0);
			continue;
		}
		switch (op) {
		case 0:
			CHECK(bump_malloc(oa[s].b, (size_t)take(&in, 2) % 5000) !=
			    NULL, "malloc");
			break;
		case 1: case 2:
			oadd(s, 0);
			break;
		case 3:
			oadd(s, 1);
			break;
		case 4:
			ocancel(s, &in);
			break;
		case 5:
			omark_rewind(s, &in);
			break;
		case 6:
			expect_drop(s, 0);
			oa[s].nmarks = 0;
			bump_reset(oa[s].b);
			CHECK(bump_used(oa[s].b) == 0, "reset");
			break;
		case 7:
			odestroy(s);
			break;
		case 8:	/* a child, or a root in an empty slot */
			if ((e = oslot(&in, 0)) >= 0)
				ocreate(e, take(&in, 1) % 4 ? s : -1,
				    flag_of[take(&in, 1) % 2]);
			break;
		case 9:
			oscratch(&in);
			break;
		default:
			break;
		}
		check_log("op");
	}
	for (int s = 0; s < OSLOTS; s++)
		if (oa[s].b != NULL && oa[s].parent == -1) {
			odestroy(s);
			check_log("the end");
		}
	for (int s = 0; s < OSLOTS; s++)
		CHECK(oa[s].b == NULL, "slot %d outlived its root", s);
	return 0;
}

/* ---- the target ------------------------------------------------------ */

static size_t
take_reserve(struct input *in)
{
	switch (take(in, 1) % 6) {
	case 0:
		return 0;		/* the default, 1 GiB */
	case 1:
		return (size_t)take(in, 2);	/* below a page, rounds up */
	case 2:
		return (size_t)take(in, 4) % (64 * MiB);
	case 3:
		return SIZE_MAX - (size_t)take(in, 2);
	case 4:
		return (size_t)1 << (take(in, 1) % 64);
	default:
		return MiB * (1 + (size_t)take(in, 1) % 16);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	size_t page = (size_t)sysconf(_SC_PAGESIZE), reserve, want;
	struct model m;
	unsigned char *p;

	if (size > 0 && data[0] == 0xc5)	/* several arenas over chunks */
		return fuzz_chunked(data + 1, size - 1);
	if (size > 0 && data[0] == 0x0c)	/* cleanups, children, scratch */
		return fuzz_owned(data + 1, size - 1);
	memset(&m, 0, sizeof m);
	reserve = take_reserve(&in);
	m.flags = (unsigned)take(&in, 1);
	if ((m.flags & BUMP_PREFAULT) && (reserve == 0 ||
	    reserve > PREFAULT_RESERVE))
		reserve = PREFAULT_RESERVE;	/* RAM for all of it */
	/*
	 * This model predicts exact placement in one contiguous region: a
	 * plain arena gets its own reservation once past 4 MiB (small arenas
	 * over chunks are fuzz_chunked's business).
	 */
	if (!(m.flags & (BUMP_THREADSAFE | BUMP_HUGEPAGES | BUMP_PREFAULT)) &&
	    reserve != 0 && reserve <= 4 * MiB)
		reserve += 4 * MiB;
	errno = 0;
	m.b = bump_create(reserve, m.flags);
	if (m.flags & ~(unsigned)(BUMP_THREADSAFE | BUMP_HUGEPAGES |
	    BUMP_PREFAULT)) {
		CHECK(m.b == NULL && errno == EINVAL, "flags %#x accepted",
		    m.flags);
		return 0;
	}
	if (m.b == NULL) {
		/* Only a reserve the OS cannot give may fail. */
		CHECK(errno == ENOMEM, "create: errno %d", errno);
		CHECK(reserve > ((size_t)1 << 40), "create(%zu, %#x) failed",
		    reserve, m.flags);
		return 0;
	}
	want = reserve ? reserve : BUMP_DEFAULT_RESERVE;
	CHECK(bump_capacity(m.b) == (want + page - 1) / page * page,
	    "capacity %zu for reserve %zu", bump_capacity(m.b), want);
	CHECK(bump_used(m.b) == 0, "a new arena is not empty");

	/*
	 * One contiguous block, as whole_arena() in the tests does: a chunk
	 * holding the whole reserve, or the arena's own reservation.  Then
	 * the first block sits at its start: learn it.
	 */
	errno = 0;
	p = bump_malloc(m.b, bump_capacity(m.b) <= 4 * MiB ?
	    bump_capacity(m.b) : 4 * MiB + 1);	/* THREADSAFE etc. at once */
	if (p == NULL) {	/* a reservation the OS cannot give */
		CHECK(errno == ENOMEM && reserve > ((size_t)1 << 40),
		    "first block of %zu: errno %d", reserve, errno);
		bump_destroy(m.b);
		return 0;
	}
	bump_reset(m.b);
	p = bump_malloc(m.b, 0);
	CHECK(p != NULL, "malloc(0) in a new arena");
	CHECK((uintptr_t)p % (bump_capacity(m.b) < page ? 256 : page) == 0,
	    "region not aligned");
	m.base = (uintptr_t)p;
	m.limit = m.base + bump_capacity(m.b);
	bump_reset(m.b);

	while (in.n > 0) {
		switch (take(&in, 1) % 10) {
		case 0: case 1: op_malloc(&m, &in); break;
		case 2: op_calloc(&m, &in); break;
		case 3: op_aligned(&m, &in); break;
		case 4: case 5: op_realloc(&m, &in); break;
		case 6: op_free(&m, &in); break;
		case 7: op_mark_rewind(&m, &in); break;
		case 8: op_reset_trim(&m, &in); break;
		default: op_strings(&m, &in); break;
		}
		check_all(&m);
	}
	bump_destroy(m.b);
	return 0;
}
