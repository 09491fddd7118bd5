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
