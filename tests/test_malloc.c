/*
 * test_malloc.c - libbump_alloc_malloc as the process allocator.
 *
 * This program is linked with the library, so malloc and friends here,
 * in Check and in the C library are all the bump allocator's.  Settings
 * are read once per process: tests of other settings re-run this binary
 * with "--child SCENARIO" and an environment of their own.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <dlfcn.h>
#include <fcntl.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "testutil.h"
#include <bump_alloc_malloc.h>
#include <sys/resource.h>

/* The default reserve of this program: 256 MiB (BUMP_ALLOC_SIZE wins). */
const size_t bump_alloc_global_size = 256 * MiB;

/* glibc's other names, which the library defines too. */
void cfree(void *p);
void *__libc_malloc(size_t n);
void __libc_free(void *p);

static void *(*volatile opaque_malloc)(size_t) = malloc;

/* ---- Running this program again with other settings -------------------- */

struct child {
	int status;		/* from waitpid */
	char out[16384];	/* stdout and stderr */
	size_t len;
};

/* Run "this --child scenario" with NAME=VALUE pairs added (NULL ends). */
static void
run_child(struct child *c, const char *scenario, ...)
{
	int fds[2];
	pid_t pid;
	va_list ap;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *name;

		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		unsetenv("BUMP_ALLOC_SIZE");
		unsetenv("BUMP_ALLOC_FREE");
		unsetenv("BUMP_ALLOC_ON_EXHAUST");
		unsetenv("BUMP_ALLOC_STATS");
		unsetenv("BUMP_ALLOC_BAD_FREE");
		va_start(ap, scenario);
		while ((name = va_arg(ap, const char *)) != NULL)
			setenv(name, va_arg(ap, const char *), 1);
		va_end(ap);
		execl("/proc/self/exe", "test_malloc", "--child", scenario,
		    (char *)NULL);
		_exit(126);
	}
	close(fds[1]);
	c->len = 0;
	for (;;) {
		ssize_t n = read(fds[0], c->out + c->len, sizeof c->out - 1 - c->len);
		if (n <= 0)
			break;
		c->len += (size_t)n;
	}
	c->out[c->len] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &c->status, 0), pid);
}

static int
exited_ok(const struct child *c)
{
	return WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0;
}

static int
count_lines(const char *s, const char *prefix)
{
	int n = 0;

	for (const char *line = s; *line != '\0';) {
		const char *nl = strchr(line, '\n');
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			n++;
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return n;
}

#define assert_child_ok(c) \
	ck_assert_msg(exited_ok(c), "child failed (status %d):\n%s", \
	    (c)->status, (c)->out)

/* ---- The C library's own allocator, for foreign pointers --------------- */

static void *(*glibc_malloc)(size_t);
static void (*glibc_free)(void *);

static int
find_glibc(void)
{
	void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);

	if (libc == NULL)
		return -1;
	/* A handle searches that object only: glibc's, not ours. */
	glibc_malloc = (void *(*)(size_t))dlsym(libc, "__libc_malloc");
	glibc_free = (void (*)(void *))dlsym(libc, "__libc_free");
	return glibc_malloc != NULL && glibc_free != NULL &&
	    (void *)glibc_malloc != (void *)malloc ? 0 : -1;
}

/* ---- The glibc/POSIX contract ------------------------------------------ */

START_TEST(malloc_zero_is_unique)
{
	char *a = malloc(opaque_size(0)), *b = malloc(opaque_size(0));

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq((uintptr_t)a % 16, 0);
	free(b);
	free(a);
}
END_TEST

START_TEST(realloc_null_and_zero)
{
	char *p = realloc(NULL, 100);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(malloc_usable_size(p), 100);
	memset(p, 'x', 100);
	/* glibc: realloc(p, 0) frees p and returns NULL. */
	ck_assert_ptr_null(realloc(p, 0));
	/* That was the newest block: its place is handed out again. */
	ck_assert_ptr_eq(malloc(100), p);
	free(p);
}
END_TEST

START_TEST(posix_memalign_rules)
{
	static const size_t bad[] = { 0, 1, 2, 3, 4, 12, 24, 48, 100 };
	void *sentinel = (void *)&bad, *p = sentinel;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 1234;
		ck_assert_int_eq(posix_memalign(&p, bad[i], 64), EINVAL);
		ck_assert_ptr_eq(p, sentinel);	/* never written on error */
		ck_assert_int_eq(errno, 1234);
	}
	errno = 1234;
	ck_assert_int_eq(posix_memalign(&p, 64, opaque_size(SIZE_MAX)), ENOMEM);
	ck_assert_ptr_eq(p, sentinel);
	ck_assert_int_eq(errno, 1234);
	ck_assert_int_eq(posix_memalign(&p, sizeof(void *), 0), 0);
	ck_assert_ptr_ne(p, sentinel);
	free(p);
	ck_assert_int_eq(posix_memalign(&p, 4096, 10), 0);
	ck_assert_uint_eq((uintptr_t)p % 4096, 0);
	free(p);
}
END_TEST

START_TEST(overflow_is_enomem)
{
	char *p = malloc(10);

	errno = 0;
	ck_assert_ptr_null(calloc(opaque_size(SIZE_MAX / 2 + 1), opaque_size(2)));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(calloc(opaque_size(SIZE_MAX), opaque_size(SIZE_MAX)));
	ck_assert_int_eq(errno, ENOMEM);
	strcpy(p, "kept");
	errno = 0;
	ck_assert_ptr_null(reallocarray(p, SIZE_MAX / 4, opaque_size(8)));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_str_eq(p, "kept");	/* untouched on failure */
	errno = 0;
	ck_assert_ptr_null(pvalloc(opaque_size(SIZE_MAX - 10)));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(malloc(opaque_size(SIZE_MAX)));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(realloc(p, opaque_size(SIZE_MAX - 4096)));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_str_eq(p, "kept");
	errno = 0;
	ck_assert_ptr_null(memalign(opaque_size(SIZE_MAX), 8));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(aligned_alloc(opaque_size((size_t)1 << 63), 16));
	ck_assert_ptr_null(memalign(opaque_size((size_t)1 << 62), 16));
	void *q = p;
	ck_assert_int_ne(posix_memalign(&q, opaque_size((size_t)1 << 62), 1), 0);
	ck_assert_ptr_eq(q, p);
	p = reallocarray(p, 100, 10);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "kept");
	free(p);
}
END_TEST

START_TEST(alignments_up_to_1mib)
{
	for (size_t a = 1; a <= MiB; a *= 2) {
		for (size_t n = 1; n <= 3 * a + 100; n = n * 3 + 7) {
			char *p = aligned_alloc(a, n), *q = memalign(a, n);
			void *r = NULL;

			ck_assert_ptr_nonnull(p);
			ck_assert_ptr_nonnull(q);
			ck_assert_uint_eq((uintptr_t)p % a, 0);
			ck_assert_uint_eq((uintptr_t)q % a, 0);
			ck_assert_uint_ge(malloc_usable_size(p), n);
			fill_bytes(p, 0xa5, n);
			fill_bytes(q, 0x5a, n);
			if (a >= sizeof(void *)) {
				ck_assert_int_eq(posix_memalign(&r, a, n), 0);
				ck_assert_uint_eq((uintptr_t)r % a, 0);
				fill_bytes(r, 1, n);
			}
			ck_assert_uint_eq((unsigned char)p[n - 1], 0xa5);
			free(r);
			free(q);
			free(p);
		}
	}
	errno = 0;
	ck_assert_ptr_null(aligned_alloc(opaque_size(24), 48));
	ck_assert_int_eq(errno, EINVAL);
	char *p = memalign(opaque_size(48), 10);	/* glibc rounds up to 64 */
	ck_assert_uint_eq((uintptr_t)p % 64, 0);
	free(p);
	p = valloc(10);
	ck_assert_uint_eq((uintptr_t)p % page_size(), 0);
	free(p);
	p = pvalloc(10);
	ck_assert_uint_eq((uintptr_t)p % page_size(), 0);
	ck_assert_uint_ge(malloc_usable_size(p), page_size());
	free(p);
}
END_TEST

START_TEST(free_keeps_errno)
{
	void *small = malloc(10), *older = malloc(10), *large = malloc(4 * MiB);

	errno = 4321;
	free(NULL);
	free(small);	/* out of order: goes on a list */
	free(large);	/* munmap */
	free(older);
	ck_assert_int_eq(errno, 4321);
	if (find_glibc() == 0) {
		void *foreign = glibc_malloc(100);
		errno = 4321;
		free(foreign);
		ck_assert_int_eq(errno, 4321);
	}
}
END_TEST

START_TEST(usable_size_is_exact)
{
	/* Every size up to 2 KiB: the fast path finds the class of those up
	 * to 1016 bytes its own way (direct_class), the rest as before. */
	for (size_t n = 0; n < 5000; n += n < 2048 ? 1 : 1 + n / 16) {
		char *p = malloc(n), *next;
		size_t usable = malloc_usable_size(p);

		ck_assert_uint_ge(usable, n);
		ck_assert_uint_lt(usable, n + 32 + n / 4);
		memset(p, 0xee, usable);	/* all of it is ours */
		next = malloc(1);
		ck_assert_uint_ge((uintptr_t)next, (uintptr_t)p + usable);
		ck_assert_ptr_eq(realloc(p, usable), p);
		ck_assert_uint_eq((unsigned char)p[usable - 1], 0xee);
	}
	ck_assert_uint_eq(malloc_usable_size(NULL), 0);
	char *big = malloc(3 * MiB + 5);
	ck_assert_uint_eq(malloc_usable_size(big), 3 * MiB + page_size());
	free(big);
}
END_TEST

START_TEST(realloc_grows_in_place)
{
	struct child c;

	/* A fresh process, so that the first chunk has room to grow in. */
	run_child(&c, "grow", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_str_eq(c.out, "grow ok\n");
}
END_TEST

START_TEST(lifo_cascade_reclaims)
{
	char *a = malloc(100), *b = malloc(100), *c = malloc(100), *d;

	free(b);		/* not the newest: waits */
	free(c);		/* the newest: the top rolls back over b too */
	d = malloc(300);
	ck_assert_ptr_eq(d, b);
	free(d);
	free(a);
	/* A deep stack spanning several chunks comes all the way back. */
	enum { DEPTH = 60000 };
	static char *stack[DEPTH];
	for (int i = 0; i < DEPTH; i++)
		stack[i] = malloc(100);
	for (int i = DEPTH - 1; i >= 0; i -= 2) {
		free(stack[i - 1]);	/* below the newest first */
		free(stack[i]);
	}
	ck_assert_ptr_eq(malloc(100), a);
}
END_TEST

START_TEST(recycle_reuses_out_of_order)
{
	char *a = malloc(200), *b = malloc(200), *c = malloc(5000), *d;

	(void)b;
	free(a);
	d = malloc(190);		/* same class: takes a's block */
	ck_assert_ptr_eq(d, a);
	free(c);			/* newest: rolls back */
	free(b);
	ck_assert_ptr_eq(malloc(200), b);
}
END_TEST

/* 1 if [p, p+len) is mapped. */
static int
mapped(void *p, size_t len)
{
	unsigned char vec[64];

	return mincore(p, len, vec) == 0 || errno != ENOMEM;
}

/* Lines of /proc/self/maps: one more for every new mapping. */
static int
count_mappings(void)
{
	char buf[4096];
	int fd = open("/proc/self/maps", O_RDONLY), n = 0;
	ssize_t len;

	if (fd < 0)
		return -1;
	while ((len = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < len; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

START_TEST(large_blocks_cached_then_unmapped)
{
	char *p = malloc(8 * MiB), *q, *big;
	int maps;

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % page_size(), 0);
	memset(p, 1, 8 * MiB);
	free(p);
	/* Kept for reuse: the next block of its size takes it as it is. */
	ck_assert_int_eq(mapped(p, page_size()), 1);
	q = malloc(8 * MiB - 100);
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(malloc_usable_size(q), 8 * MiB);
	free(q);
	/* Steady state: no new mapping however often big blocks come and go. */
	for (int i = 0; i < 200; i++) {
		char *a = malloc(6 * MiB - (size_t)i * 8), *b = calloc(1, MiB);

		if (i == 1)
			maps = count_mappings();
		ck_assert_ptr_nonnull(a);
		ck_assert_int_eq(b[MiB - 1], 0);
		memset(b, 2, MiB);
		a[6 * MiB - 1] = 1;
		free(a);
		free(b);
	}
	ck_assert_int_eq(count_mappings(), maps);
	/* Above the cache's size, and after malloc_trim, pages go back. */
	big = malloc(40 * MiB);
	memset(big, 1, 40 * MiB);
	free(big);
	ck_assert_int_eq(mapped(big, page_size()), 0);
	p = malloc(8 * MiB);
	free(p);
	ck_assert_int_eq(malloc_trim(0), 1);
	ck_assert_int_eq(mapped(p, page_size()), 0);
	/* calloc of a large block is zero memory, reused or not. */
	q = calloc(1, 2 * MiB);
	for (size_t i = 0; i < 2 * MiB; i += 4096)
		ck_assert_int_eq(q[i], 0);
	q = realloc(q, 16 * MiB);
	ck_assert_int_eq(q[2 * MiB - 1], 0);
	free(q);
}
END_TEST

START_TEST(calloc_clears_reused_memory)
{
	for (int round = 0; round < 3; round++) {
		unsigned char *p = malloc(3000), *q;

		memset(p, 0xff, 3000);
		free(p);
		q = calloc(30, 100);
		for (size_t i = 0; i < 3000; i++)
			ck_assert_uint_eq(q[i], 0);
		memset(q, 0xff, 3000);
		p = malloc(100);
		free(q);	/* out of order: recycled */
		q = calloc(1, 3000);
		for (size_t i = 0; i < 3000; i++)
			ck_assert_uint_eq(q[i], 0);
		free(q);
		free(p);
	}
}
END_TEST

START_TEST(foreign_pointers_are_routed)
{
	char *f, *g;

	if (find_glibc() != 0) {
		fprintf(stderr, "glibc's __libc_malloc not found: skipped\n");
		return;
	}
	f = glibc_malloc(100);
	ck_assert_ptr_nonnull(f);
	strcpy(f, "from glibc");
	ck_assert_uint_ge(malloc_usable_size(f), 100);
	g = realloc(f, 100000);		/* stays with glibc */
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(g, "from glibc");
	free(g);
	/* Ours freed by glibc's name is routed too (__libc_free is ours). */
	char *ours = __libc_malloc(50);
	strcpy(ours, "ours");
	__libc_free(ours);
	cfree(malloc(10));
}
END_TEST

START_TEST(fork_child_allocates)
{
	char *before = malloc(1000);
	pid_t pid;
	int status;

	strcpy(before, "parent");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ok = strcmp(before, "parent") == 0;
		for (int i = 0; i < 100000 && ok; i++) {
			char *p = malloc((size_t)i % 3000);
			if (p == NULL)
				ok = 0;
			else if (i % 3)
				free(p);
		}
		free(before);
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_str_eq(before, "parent");
	free(before);
}
END_TEST

/* ---- Threads ----------------------------------------------------------- */

enum { NTHREADS = 4, PER_THREAD = 20000 };

struct worker {
	pthread_t tid;
	unsigned id;
	unsigned char **blocks;		/* handed to the next thread to free */
	size_t *sizes;
	int ok;
};

static struct worker workers[NTHREADS];
static pthread_barrier_t barrier;

static void *
work(void *arg)
{
	struct worker *w = arg;
	unsigned seed = w->id * 7919 + 1;

	for (int i = 0; i < PER_THREAD; i++) {
		size_t n = (seed = seed * 1103515245 + 12345) >> 16 & 1023;
		unsigned char *p = malloc(n + 1);

		if (i % 5 == 0)
			p = realloc(p, n + 200);
		if (p == NULL)
			return NULL;
		memset(p, (int)w->id + 1, n + 1);
		w->blocks[i] = p;
		w->sizes[i] = n + 1;
		if (i % 7 == 0) {	/* some freed in order, some not */
			free(w->blocks[i]);
			w->blocks[i] = NULL;
		}
	}
	pthread_barrier_wait(&barrier);
	/* Everything still intact: no block overlapped another. */
	w->ok = 1;
	for (int i = 0; i < PER_THREAD; i++)
		for (size_t j = 0; w->blocks[i] != NULL && j < w->sizes[i]; j++)
			if (w->blocks[i][j] != w->id + 1)
				w->ok = 0;
	pthread_barrier_wait(&barrier);
	/* Free the next thread's blocks (cross-thread frees), then churn. */
	struct worker *next = &workers[(w->id + 1) % NTHREADS];
	for (int i = 0; i < PER_THREAD; i++)
		free(next->blocks[i]);
	for (int i = 0; i < PER_THREAD; i++)
		free(malloc((size_t)i % 500));
	return NULL;
}

START_TEST(threads_do_not_overlap)
{
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (unsigned i = 0; i < NTHREADS; i++) {
		workers[i].id = i;
		workers[i].blocks = calloc(PER_THREAD, sizeof(unsigned char *));
		workers[i].sizes = calloc(PER_THREAD, sizeof(size_t));
		ck_assert_int_eq(pthread_create(&workers[i].tid, NULL, work,
		    &workers[i]), 0);
	}
	for (unsigned i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_join(workers[i].tid, NULL), 0);
	for (unsigned i = 0; i < NTHREADS; i++) {
		ck_assert_msg(workers[i].ok, "thread %u saw its blocks changed", i);
		free(workers[i].blocks);
		free(workers[i].sizes);
	}
	pthread_barrier_destroy(&barrier);
}
END_TEST

/* ---- The seed crate's global-allocator tests --------------------------- */

struct item { uint64_t key; char name[24]; struct item *next; };
struct tree { uint64_t key; struct tree *left, *right; };

static struct tree *
tree_insert(struct tree *t, uint64_t key)
{
	struct tree **at = &t, *root = t;

	while (*at != NULL)
		at = key < (*at)->key ? &(*at)->left : &(*at)->right;
	*at = malloc(sizeof **at);
	if (*at == NULL)
		return NULL;
	(*at)->key = key;
	(*at)->left = (*at)->right = NULL;
	return root != NULL ? root : *at;
}

static int
tree_check(const struct tree *t, uint64_t *prev, size_t *count)
{
	while (t != NULL) {	/* in order: left, node, right */
		if (!tree_check(t->left, prev, count) || t->key < *prev)
			return 0;
		*prev = t->key;
		(*count)++;
		t = t->right;
	}
	return 1;
}

static void
tree_free(struct tree *t)
{
	if (t != NULL) {
		tree_free(t->left);
		tree_free(t->right);
		free(t);
	}
}

/* 0 when vectors, structs, a list and a tree of n items all work. */
static int
seed_scenario(size_t n)
{
	uint64_t *vec = NULL, prev = 0, seed = 12345;
	struct item *list = NULL, **items;
	struct tree *tree = NULL;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {	/* a vector grown by push */
		uint64_t *v = realloc(vec, (i + 1) * sizeof *vec);
		if (v == NULL)
			return 1;
		vec = v;
		vec[i] = i * i;
	}
	if ((items = calloc(n, sizeof *items)) == NULL)
		return 2;
	for (size_t i = 0; i < n; i++) {	/* individually allocated */
		if ((items[i] = malloc(sizeof **items)) == NULL)
			return 3;
		items[i]->key = vec[i];
		snprintf(items[i]->name, sizeof items[i]->name, "item %zu", i);
		items[i]->next = list;
		list = items[i];
	}
	for (size_t i = n; i-- > 0; list = list->next)	/* a linked list */
		if (list == NULL || list->key != (uint64_t)i * i)
			return 4;
	for (size_t i = 0; i < n; i++) {	/* an ordered tree */
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		if ((tree = tree_insert(tree, seed >> 20)) == NULL)
			return 5;
	}
	if (!tree_check(tree, &prev, &count) || count != n)
		return 6;
	for (size_t i = 0; i < n; i++) {
		char want[24];
		snprintf(want, sizeof want, "item %zu", i);
		if (strcmp(items[i]->name, want) != 0)
			return 7;
		free(items[i]);
	}
	tree_free(tree);
	free(items);
	free(vec);
	return 0;
}

START_TEST(seed_100_and_65535_items)
{
	ck_assert_int_eq(seed_scenario(100), 0);
	ck_assert_int_eq(seed_scenario(65535), 0);
}
END_TEST

START_TEST(seed_at_4mib)
{
	struct child c;

	run_child(&c, "seed", "BUMP_ALLOC_SIZE", "4M", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_uint_eq(c.len, 0);
	run_child(&c, "seed", "BUMP_ALLOC_SIZE", "4M", "BUMP_ALLOC_ON_EXHAUST",
	    "null", (char *)NULL);
	ck_assert(WIFEXITED(c.status));	/* NULL is reported, not a crash */
	run_child(&c, "seed100", "BUMP_ALLOC_SIZE", "4M", "BUMP_ALLOC_STATS",
	    "1", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_ptr_nonnull(strstr(c.out, "reserve 4 MiB"));
	/* 100 items fit: nothing fell back to glibc. */
	ck_assert_ptr_nonnull(strstr(c.out, "fallbacks to the system allocator 0"));
}
END_TEST

/* ---- Settings (child processes) ---------------------------------------- */

/* How many 100 KiB blocks fit before NULL; prints it. */
static int
scenario_fill(void)
{
	size_t n = 0;
	char *p, *small;

	while (n < 100000 && (p = malloc(100 * KiB)) != NULL) {
		memset(p, 1, 100 * KiB);
		n++;
	}
	printf("blocks %zu errno %s\n", n, errno == ENOMEM ? "ENOMEM" : "?");
	/* Failure changed nothing: what was freed can be handed out again. */
	small = malloc(10);
	printf("small %s\n", small != NULL ? "ok" : "NULL");
	return 0;
}

/* Allocate well past a 4 MiB reserve, then free and realloc it all. */
static int
scenario_overflow(void)
{
	enum { N = 200 };
	char *blocks[N];

	for (int i = 0; i < N; i++) {
		if ((blocks[i] = malloc(50 * KiB)) == NULL)
			return 1;
		memset(blocks[i], i, 50 * KiB);
	}
	for (int i = 0; i < N; i++) {
		if (malloc_usable_size(blocks[i]) < 50 * KiB ||
		    blocks[i][50 * KiB - 1] != (char)i)
			return 2;
		if ((blocks[i] = realloc(blocks[i], 60 * KiB)) == NULL ||
		    blocks[i][100] != (char)i)
			return 3;
	}
	for (int i = 0; i < N; i++)
		free(blocks[i]);
	printf("overflow ok\n");
	return 0;
}

/* The newest block of the thread grows and shrinks where it is. */
static int
scenario_grow(void)
{
	char *p = opaque_malloc(16), *q;

	strcpy(p, "abc");
	for (size_t n = 32; n <= 200 * KiB; n = n * 5 / 4) {
		if ((q = realloc(p, n)) != p)
			return 1;
		q[n - 1] = 'z';
	}
	if (realloc(p, 40) != p || strcmp(p, "abc") != 0)
		return 2;
	if ((q = opaque_malloc(10)) != p + 48)	/* the top came down */
		return 3;
	q = realloc(p, 1000);	/* not the newest any more: moves */
	if (q == p || strcmp(q, "abc") != 0)
		return 4;
	printf("grow ok\n");
	return 0;
}

static char *volatile keeper;

/* Frees in allocation order below a live block: nothing comes back. */
static int
scenario_fifo(void)
{
	enum { N = 10000 };
	static char *blocks[N];

	for (int i = 0; i < N; i++)
		blocks[i] = malloc(64);
	keeper = malloc(64);
	for (int i = 0; i < N; i++)
		free(blocks[i]);
	return 0;
}

/* Every other block freed, the rest kept: nothing can come back. */
static int
scenario_interleaved(void)
{
	enum { N = 100000 };
	static char *blocks[N];

	for (int i = 0; i < N; i++)
		blocks[i] = malloc(64);
	for (int i = 0; i < N; i += 2)
		free(blocks[i]);
	return 0;
}

/* Frees in reverse order (LIFO): everything comes back. */
static int
scenario_lifo(void)
{
	enum { N = 10000 };
	static char *blocks[N];

	for (int i = 0; i < N; i++)
		blocks[i] = malloc(64);
	for (int i = N; i-- > 0;)
		free(blocks[i]);
	return 0;
}

/* Out-of-order free of one block, then what the policy makes of it. */
static int
scenario_policy(void)
{
	char *a = opaque_malloc(100), *b = opaque_malloc(100), *c, *d;

	free(a);
	c = opaque_malloc(100);		/* a again, if recycled */
	free(c);
	free(b);			/* newest: rolls back over a too */
	d = opaque_malloc(100);
	printf("reuse %s\nrollback %s\n", c == a ? "yes" : "no",
	    d == a ? "yes" : "no");
	return 0;
}

static void *
short_lived(void *arg)
{
	char *blocks[100];

	for (int i = 0; i < 100; i++)
		if ((blocks[i] = malloc(1000)) == NULL)
			return arg;
	for (int i = 0; i < 100; i += 2)	/* some garbage left behind */
		free(blocks[i]);
	return NULL;
}

/* 500 threads one after the other: each takes over the chunks of the
 * last, so a 32 MiB reserve (16 chunks) is enough. */
static int
scenario_thread_churn(void)
{
	static char failure;	/* what a failing thread returns */

	for (int i = 0; i < 500; i++) {
		pthread_t tid;
		void *failed;

		if (pthread_create(&tid, NULL, short_lived, &failure) != 0 ||
		    pthread_join(tid, &failed) != 0 || failed != NULL) {
			printf("thread %d failed\n", i);
			return 1;
		}
	}
	printf("threads ok\n");
	return 0;
}

/* ---- Threads that free each other's blocks (child processes) ---------- */

enum { RING = 4096, HANDED = 1000000 };
static void *ring[RING];
static size_t ring_head, ring_tail;

static size_t
block_len(size_t i)
{
	return 16 + i % 113;
}

static void *
producer(void *arg)
{
	for (size_t i = 0; i < HANDED; i++) {
		unsigned char *p = malloc(block_len(i));

		if (p == NULL)
			return arg;
		memset(p, (int)(i & 0xff), block_len(i));
		while (i - __atomic_load_n(&ring_tail, __ATOMIC_ACQUIRE) >= RING)
			sched_yield();
		ring[i % RING] = p;
		__atomic_store_n(&ring_head, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Only frees: it never calls malloc, so it has no state of its own. */
static void *
consumer(void *arg)
{
	for (size_t i = 0; i < HANDED; i++) {
		unsigned char *p;

		while (__atomic_load_n(&ring_head, __ATOMIC_ACQUIRE) == i)
			sched_yield();
		p = ring[i % RING];
		if (p[0] != (i & 0xff) || p[block_len(i) - 1] != (i & 0xff))
			return arg;
		free(p);
		__atomic_store_n(&ring_tail, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static long
peak_rss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* A million blocks handed from one thread to another to free. */
static int
scenario_prodcons(void)
{
	static char failure;
	struct bump_malloc_stats st;
	pthread_t prod, cons;
	void *r1, *r2;

	if (pthread_create(&cons, NULL, consumer, &failure) != 0 ||
	    pthread_create(&prod, NULL, producer, &failure) != 0 ||
	    pthread_join(prod, &r1) != 0 || pthread_join(cons, &r2) != 0)
		return 1;
	if (r1 != NULL || r2 != NULL) {
		printf("prodcons failed: %s\n", r1 != NULL ? "malloc" : "content");
		return 1;
	}
	if (bump_malloc_stats(&st) != 0)
		return 2;
	printf("remote %llu fallbacks %llu chunks_peak_kib %zu rss_kib %ld\n",
	    st.remote_frees, st.fallbacks, st.chunks_peak / 1024, peak_rss_kib());
	return 0;
}

enum { ORPHAN_BLOCKS = 2000 };
static char *orphan_blocks[ORPHAN_BLOCKS];

static void *
leave_blocks(void *arg)
{
	for (int i = 0; i < ORPHAN_BLOCKS; i++)
		if ((orphan_blocks[i] = malloc(1000)) == NULL)
			return arg;
	return NULL;
}

/* Threads exit leaving 2 MB each, freed by main after: their chunks go
 * back whole, so a 16 MiB reserve serves a hundred of them. */
static int
scenario_orphans(void)
{
	static char failure;
	struct bump_malloc_stats st;

	for (int round = 0; round < 100; round++) {
		pthread_t tid;
		void *failed;

		if (pthread_create(&tid, NULL, leave_blocks, &failure) != 0 ||
		    pthread_join(tid, &failed) != 0 || failed != NULL) {
			printf("thread %d failed\n", round);
			return 1;
		}
		for (int i = 0; i < ORPHAN_BLOCKS; i++)
			free(orphan_blocks[i]);
	}
	bump_malloc_stats(&st);
	printf("orphans ok, chunks in use %zu KiB\n", st.chunks_in_use / 1024);
	return 0;
}

/* Fill most of the reserve and free it all, in either order, 100 times. */
static int
scenario_cycle(void)
{
	enum { N = 60000 };
	static char *blocks[N];

	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < N; i++)
			if ((blocks[i] = malloc(72)) == NULL) {
				printf("round %d: NULL after %d blocks\n", round, i);
				return 1;
			}
		for (int i = 0; i < N; i++)
			free(blocks[round % 2 ? i : N - 1 - i]);
	}
	printf("cycle ok\n");
	return 0;
}

/* Past a 4 MiB reserve, then the C library's blocks grown and freed: the
 * bytes freed must still not exceed the bytes allocated. */
static int
scenario_fallback_realloc(void)
{
	enum { N = 200 };
	static char *blocks[N];
	struct bump_malloc_stats st;

	for (int i = 0; i < N; i++)
		if ((blocks[i] = malloc(50 * KiB)) == NULL)
			return 1;
	for (int i = N - 20; i < N; i++)	/* the C library's by now */
		if ((blocks[i] = realloc(blocks[i], 3 * MiB)) == NULL)
			return 2;
	for (int i = 0; i < N; i++)
		free(blocks[i]);
	bump_malloc_stats(&st);
	printf("fallbacks %s, freed %s allocated\n", st.fallbacks > 0 ? "yes" : "no",
	    st.bytes_freed <= st.bytes_allocated ? "<=" : ">");
	return 0;
}

static int
scenario_malloc_stats(void)
{
	free(malloc(10));
	malloc_stats();
	return 0;
}

/* ---- Threads that come and go, owners that idle (issue 18) ------------- */

/*
 * Threads one after the other, at most CHURN_ALIVE at once, each making
 * CHURN_BLOCKS blocks: a quarter go to a shared table, whose previous
 * occupants (other threads' blocks, their owners mostly gone) it frees;
 * the rest it frees itself, out of order.  About 1.3 MB stays live.
 */
enum { CHURN_TABLE = 2048, CHURN_BLOCKS = 64, CHURN_ALIVE = 4 };
static void *churn_table[CHURN_TABLE];
static size_t churn_sizes[CHURN_TABLE];
static pthread_mutex_t churn_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long churn_nulls;

static unsigned
churn_random(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void *
churn_thread(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u + 1;
	unsigned char *mine[CHURN_BLOCKS];
	size_t sizes[CHURN_BLOCKS];
	unsigned long nulls = 0;

	for (int i = 0; i < CHURN_BLOCKS; i++) {
		sizes[i] = 16 + churn_random(&seed) % 1009;
		if ((mine[i] = malloc(sizes[i])) == NULL)
			nulls++;
		else
			fill_bytes(mine[i], i, sizes[i]);
	}
	for (int i = 0; i < CHURN_BLOCKS / 4; i++) {
		unsigned slot = churn_random(&seed) % CHURN_TABLE;
		void *old;

		pthread_mutex_lock(&churn_lock);
		old = churn_table[slot];
		churn_table[slot] = mine[i];
		churn_sizes[slot] = mine[i] != NULL ? sizes[i] : 0;
		pthread_mutex_unlock(&churn_lock);
		free(old);
		mine[i] = NULL;
	}
	for (int i = 0; i < CHURN_BLOCKS; i++)
		free(mine[(i * 37) % CHURN_BLOCKS]);
	__atomic_add_fetch(&churn_nulls, nulls, __ATOMIC_RELAXED);
	return NULL;
}

/* CHURN_THREADS threads (environment); prints what is live and held. */
static int
scenario_churn(void)
{
	const char *env = getenv("CHURN_THREADS");
	unsigned long threads = env != NULL ? strtoul(env, NULL, 10) : 1000;
	pthread_t alive[CHURN_ALIVE];
	struct bump_malloc_stats st;
	size_t live = 0;

	for (unsigned long i = 0; i < threads; i++) {
		if (i >= CHURN_ALIVE &&
		    pthread_join(alive[i % CHURN_ALIVE], NULL) != 0)
			return 1;
		if (pthread_create(&alive[i % CHURN_ALIVE], NULL, churn_thread,
		    (void *)(uintptr_t)i) != 0)
			return 2;
	}
	for (unsigned long i = 0; i < CHURN_ALIVE && i < threads; i++)
		if (pthread_join(alive[i], NULL) != 0)
			return 3;
	for (int i = 0; i < CHURN_TABLE; i++)
		live += churn_sizes[i];
	bump_malloc_stats(&st);
	printf("nulls %lu states %u live_kib %zu chunks_kib %zu peak_kib %zu\n",
	    churn_nulls, st.threads, live / 1024, st.chunks_in_use / 1024,
	    st.chunks_peak / 1024);
	return 0;
}

/*
 * ORPHANS threads at once fill a chunk each with blocks of 1000 bytes and
 * free all but their newest, which main keeps; they exit and no thread
 * starts after them.  main then allocates as much again: in a 16 MiB
 * reserve (8 chunks) it must reuse the orphans' chunks.
 */
enum { ORPHANS = 5, PER_ORPHAN = 1800 };
static void *orphans_kept[ORPHANS];
static pthread_barrier_t orphans_met;

static void *
fill_and_leave(void *arg)
{
	static void *blocks[ORPHANS][PER_ORPHAN];
	void **mine = blocks[(uintptr_t)arg];

	for (int i = 0; i < PER_ORPHAN; i++)
		if ((mine[i] = malloc(1000)) == NULL)
			return arg;
	for (int i = 0; i < PER_ORPHAN - 1; i++)
		free(mine[i]);
	orphans_kept[(uintptr_t)arg] = mine[PER_ORPHAN - 1];
	pthread_barrier_wait(&orphans_met);	/* all alive at once */
	return NULL;
}

static int
scenario_absorb(void)
{
	static void *blocks[ORPHANS * PER_ORPHAN];
	pthread_t tid[ORPHANS];
	unsigned long nulls = 0;
	struct bump_malloc_stats st;

	pthread_barrier_init(&orphans_met, NULL, ORPHANS);
	for (uintptr_t i = 0; i < ORPHANS; i++)
		if (pthread_create(&tid[i], NULL, fill_and_leave, (void *)i) != 0)
			return 1;
	for (int i = 0; i < ORPHANS; i++)
		if (pthread_join(tid[i], NULL) != 0)
			return 2;
	for (int i = 0; i < ORPHANS * PER_ORPHAN; i++)
		nulls += (blocks[i] = malloc(1000)) == NULL;
	bump_malloc_stats(&st);
	printf("nulls %lu chunks_kib %zu\n", nulls, st.chunks_in_use / 1024);
	return 0;
}

/* A producer allocates a batch, another thread frees all of it, the
 * producer waits: what does it still hold? */
enum { IDLE_BLOCKS = 400000 };
static unsigned char **idle_blocks;
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static int idle_stage;

static void
idle_set_stage(int stage)
{
	pthread_mutex_lock(&idle_lock);
	idle_stage = stage;
	pthread_cond_broadcast(&idle_cond);
	pthread_mutex_unlock(&idle_lock);
}

static void
idle_wait_stage(int stage)
{
	pthread_mutex_lock(&idle_lock);
	while (idle_stage != stage)
		pthread_cond_wait(&idle_cond, &idle_lock);
	pthread_mutex_unlock(&idle_lock);
}

static void *
idle_producer(void *arg)
{
	for (size_t i = 0; i < IDLE_BLOCKS; i++) {
		if ((idle_blocks[i] = malloc(16 + i % 113)) == NULL)
			return arg;
		fill_bytes(idle_blocks[i], 1, 16 + i % 113);
	}
	idle_set_stage(1);
	idle_wait_stage(2);	/* idle: blocked, never in malloc */
	return NULL;
}

/* A little more than a second (UNUSED_MS) after its frees, the program
 * allocates n blocks of 1000 bytes (n <= 4096) and frees them: 0, or -1
 * when malloc failed. */
static int
allocate_a_second_later(size_t n)
{
	static void *later[4096];

	if (n > sizeof later / sizeof later[0])
		return -1;
	usleep(1100 * 1000);
	for (size_t i = 0; i < n; i++)
		if ((later[i] = malloc(1000)) == NULL)
			return -1;
	for (size_t i = n; i-- > 0;)
		free(later[i]);
	return 0;
}

static int
scenario_idle_owner(void)
{
	static char failure;
	struct bump_malloc_stats before, full, after;
	long rss_full, rss_after;
	pthread_t tid;
	void *failed;

	if ((idle_blocks = calloc(IDLE_BLOCKS, sizeof *idle_blocks)) == NULL)
		return 1;
	bump_malloc_stats(&before);
	if (pthread_create(&tid, NULL, idle_producer, &failure) != 0)
		return 2;
	idle_wait_stage(1);
	bump_malloc_stats(&full);
	rss_full = rss_kib();
	for (size_t i = 0; i < IDLE_BLOCKS; i++)
		free(idle_blocks[i]);
	bump_malloc_stats(&after);
	/* The emptied chunks stay committed a second (UNUSED_MS), then
	 * go back as the program goes on allocating: 128 KiB of blocks. */
	if (allocate_a_second_later(128) != 0)
		return 4;
	rss_after = rss_kib();
	idle_set_stage(2);
	if (pthread_join(tid, &failed) != 0 || failed != NULL)
		return 3;
	printf("grown_kib %zu held_kib %zu chunk_kib %zu rss_full %ld "
	    "rss_after %ld\n", (full.chunks_in_use - before.chunks_in_use) / 1024,
	    (after.chunks_in_use - before.chunks_in_use) / 1024,
	    after.chunk_size / 1024, rss_full, rss_after);
	return 0;
}

/* ---- Double and invalid frees (issue 18) ------------------------------- */

static void *(*volatile opaque_realloc)(void *, size_t) = realloc;
static void (*volatile opaque_free)(void *) = free;

/* Say which address is about to be freed wrongly, before it is; with
 * no malloc (stdio's buffer would land where the bad block was). */
static void
announce(const void *p)
{
	char line[64];
	int len = snprintf(line, sizeof line, "bad %p\n", p);

	if (write(1, line, (size_t)len) != len)
		abort();
}

/* After a bad free: two blocks live at once are never the same. */
static int
say_distinct(const void *q, const void *r)
{
	printf("%s\n", r != NULL && q != r ? "distinct" : "SAME");
	return 0;
}

static int
two_blocks_after(void)
{
	char *q = opaque_malloc(64);

	return say_distinct(q, opaque_malloc(64));
}

/* The thread's newest block, twice: the first free rolled the top back. */
static int
scenario_df_newest(void)
{
	char *p = opaque_malloc(64);

	opaque_free(p);
	announce(p);
	opaque_free(p);
	return two_blocks_after();
}

/* An older block, twice: already marked free (and listed). */
static int
scenario_df_older(void)
{
	char *p = opaque_malloc(64), *keep = opaque_malloc(64);

	opaque_free(p);
	announce(p);
	opaque_free(p);
	keeper = keep;
	return two_blocks_after();
}

static char *volatile remote_block;

static void *
free_twice(void *arg)
{
	(void)arg;
	opaque_free(remote_block);
	announce(remote_block);
	opaque_free(remote_block);
	return NULL;
}

/* Another thread frees one of this thread's blocks twice. */
static int
scenario_df_remote(void)
{
	pthread_t tid;

	remote_block = opaque_malloc(64);
	keeper = opaque_malloc(64);
	if (pthread_create(&tid, NULL, free_twice, NULL) != 0 ||
	    pthread_join(tid, NULL) != 0)
		return 1;
	free(calloc(1, 64));	/* the slow path: takes the remote frees */
	return two_blocks_after();
}

static pthread_barrier_t free_when;

static void *
free_once(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&free_when);
	opaque_free(remote_block);
	pthread_barrier_wait(&free_when);
	return NULL;
}

/* The owner frees its newest block (the top comes down), another thread
 * frees it again, and the owner hands its place out before it looks at
 * the other thread's frees. */
static int
scenario_df_remote_after_local(void)
{
	pthread_t tid;
	char *q, *r;

	pthread_barrier_init(&free_when, NULL, 2);
	if (pthread_create(&tid, NULL, free_once, NULL) != 0)
		return 1;
	remote_block = opaque_malloc(64);
	opaque_free(remote_block);
	announce(remote_block);
	pthread_barrier_wait(&free_when);	/* it frees the block again */
	pthread_barrier_wait(&free_when);
	q = opaque_malloc(64);		/* where the block was */
	memset(q, 0x5a, 64);
	free(calloc(1, 64));	/* the slow path: takes the remote frees */
	r = opaque_malloc(64);
	if (pthread_join(tid, NULL) != 0)
		return 1;
	return say_distinct(q, r);
}

/* The issue's: realloc in place, free, realloc again. */
static int
scenario_df_realloc(void)
{
	char *p = opaque_malloc(64), *q, *r;

	p = opaque_realloc(p, 10);
	opaque_free(p);
	announce(p);
	q = opaque_realloc(p, 100);
	r = opaque_malloc(100);
	return say_distinct(q, r);
}

/* An older block freed, then shrunk by realloc (which keeps its place). */
static int
scenario_df_realloc_older(void)
{
	char *p = opaque_malloc(64), *q, *r;

	keeper = opaque_malloc(64);
	opaque_free(p);
	announce(p);
	q = opaque_realloc(p, 32);
	r = opaque_malloc(64);
	return say_distinct(q, r);
}

/* Inside a live block, but not where one starts. */
static int
scenario_bad_misaligned(void)
{
	char *p = opaque_malloc(64);

	keeper = opaque_malloc(64);
	announce(p + 1);
	opaque_free(p + 1);
	return two_blocks_after();
}

/* Above the thread's top, where the next block will go. */
static int
scenario_bad_past_top(void)
{
	char *p = opaque_malloc(64);

	announce(p + 80);
	opaque_free(p + 80);
	return two_blocks_after();
}

/* In a chunk that went back to the pool. */
static int
scenario_bad_free_chunk(void)
{
	enum { N = 80000 };	/* 6.1 MiB of 80-byte blocks: four chunks */
	static char *blocks[N];
	char *inside;

	for (int i = 0; i < N; i++)
		if ((blocks[i] = opaque_malloc(64)) == NULL)
			return 1;
	inside = blocks[N / 2];
	for (int i = N; i-- > 0;)
		opaque_free(blocks[i]);
	announce(inside);
	opaque_free(inside);
	return two_blocks_after();
}

/*
 * 64 MiB of blocks written, freed and allocated again at once: the chunks
 * come back from the pool with their pages (0.3.0 purged them at once and
 * faulted every page in again); a second later, as the program goes on
 * allocating, they go back to the OS.
 */
static int
scenario_refault(void)
{
	enum { BLOCK = 1000, N = 64 * 1024 };
	static char *blocks[N];
	struct rusage before, after;
	long rss_freed, rss_later;

	for (int round = 0; round < 2; round++) {
		if (round == 1 && getrusage(RUSAGE_SELF, &before) != 0)
			return 1;
		for (int i = 0; i < N; i++) {
			if ((blocks[i] = malloc(BLOCK)) == NULL)
				return 2;
			memset(blocks[i], round + 1, BLOCK);
		}
		if (round == 1 && getrusage(RUSAGE_SELF, &after) != 0)
			return 3;
		for (int i = N; i-- > 0;)
			free(blocks[i]);
	}
	rss_freed = rss_kib();
	/* A second later the program allocates a chunk's worth (the top
	 * came down over the chunks: that long before the slow path). */
	if (allocate_a_second_later(4 * 1024) != 0)
		return 4;
	rss_later = rss_kib();
	printf("refaults %ld pages %ld rss_freed %ld rss_later %ld\n",
	    after.ru_minflt - before.ru_minflt,
	    (long)N * BLOCK / sysconf(_SC_PAGESIZE), rss_freed, rss_later);
	return 0;
}

static int
run_scenario_issue18(const char *name)
{
	static const struct {
		const char *name;
		int (*run)(void);
	} scenarios[] = {
		{ "churn", scenario_churn },
		{ "idle_owner", scenario_idle_owner },
		{ "refault", scenario_refault },
		{ "absorb", scenario_absorb },
		{ "df_newest", scenario_df_newest },
		{ "df_older", scenario_df_older },
		{ "df_remote", scenario_df_remote },
		{ "df_remote_after_local", scenario_df_remote_after_local },
		{ "df_realloc", scenario_df_realloc },
		{ "df_realloc_older", scenario_df_realloc_older },
		{ "bad_misaligned", scenario_bad_misaligned },
		{ "bad_past_top", scenario_bad_past_top },
		{ "bad_free_chunk", scenario_bad_free_chunk },
	};

	alarm(120);	/* a corrupted list may loop: fail, do not hang */
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		if (strcmp(name, scenarios[i].name) == 0)
			return scenarios[i].run();
	return 99;
}

static int
run_scenario(const char *name)
{
	if (strcmp(name, "thread_churn") == 0)
		return scenario_thread_churn();
	if (strcmp(name, "seed") == 0)
		return seed_scenario(100) || seed_scenario(65535);
	if (strcmp(name, "seed100") == 0)
		return seed_scenario(100);
	if (strcmp(name, "grow") == 0)
		return scenario_grow();
	if (strcmp(name, "fill") == 0)
		return scenario_fill();
	if (strcmp(name, "overflow") == 0)
		return scenario_overflow();
	if (strcmp(name, "fifo") == 0)
		return scenario_fifo();
	if (strcmp(name, "lifo") == 0)
		return scenario_lifo();
	if (strcmp(name, "interleaved") == 0)
		return scenario_interleaved();
	if (strcmp(name, "prodcons") == 0)
		return scenario_prodcons();
	if (strcmp(name, "orphans") == 0)
		return scenario_orphans();
	if (strcmp(name, "cycle") == 0)
		return scenario_cycle();
	if (strcmp(name, "malloc_stats") == 0)
		return scenario_malloc_stats();
	if (strcmp(name, "fallback_realloc") == 0)
		return scenario_fallback_realloc();
	if (strcmp(name, "policy") == 0)
		return scenario_policy();
	return run_scenario_issue18(name);
}

START_TEST(exhaust_null)
{
	struct child c;

	run_child(&c, "fill", "BUMP_ALLOC_SIZE", "4M", "BUMP_ALLOC_ON_EXHAUST",
	    "null", (char *)NULL);
	assert_child_ok(&c);
	/* 4 MiB of 100 KiB blocks, less chunk tails and the thread state. */
	unsigned blocks = 0;
	ck_assert_int_eq(sscanf(c.out, "blocks %u", &blocks), 1);
	ck_assert_uint_ge(blocks, 25);
	ck_assert_uint_le(blocks, 41);
	ck_assert_ptr_nonnull(strstr(c.out, "errno ENOMEM"));
	ck_assert_int_eq(count_lines(c.out, "bump_alloc:"), 0);
}
END_TEST

START_TEST(exhaust_system)
{
	struct child c;

	run_child(&c, "overflow", "BUMP_ALLOC_SIZE", "4M", "BUMP_ALLOC_STATS",
	    "yes", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_ptr_nonnull(strstr(c.out, "overflow ok"));
	ck_assert_ptr_null(strstr(c.out, "fallbacks to the system allocator 0"));
	ck_assert_ptr_nonnull(strstr(c.out, "fallbacks to the system allocator"));
}
END_TEST

START_TEST(exhaust_abort)
{
	struct child c;

	run_child(&c, "fill", "BUMP_ALLOC_SIZE", "4M", "BUMP_ALLOC_ON_EXHAUST",
	    "abort", (char *)NULL);
	ck_assert(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGABRT);
	ck_assert_int_eq(count_lines(c.out, "bump_alloc:"), 1);
	ck_assert_ptr_nonnull(strstr(c.out,
	    "bump_alloc: the 4 MiB reserve is exhausted"));
	ck_assert_ptr_nonnull(strstr(c.out, "BUMP_ALLOC_SIZE"));
}
END_TEST

START_TEST(program_default_reserve)
{
	struct child c;
	unsigned blocks = 0;

	/* bump_alloc_global_size above says 256 MiB; the environment wins. */
	run_child(&c, "fill", "BUMP_ALLOC_ON_EXHAUST", "null", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(sscanf(c.out, "blocks %u", &blocks), 1);
	ck_assert_uint_ge(blocks, 2200);
	ck_assert_uint_le(blocks, 2622);
	run_child(&c, "fill", "BUMP_ALLOC_ON_EXHAUST", "null",
	    "BUMP_ALLOC_SIZE", "16MiB", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(sscanf(c.out, "blocks %u", &blocks), 1);
	ck_assert_uint_ge(blocks, 120);
	ck_assert_uint_le(blocks, 164);
}
END_TEST

START_TEST(malformed_settings)
{
	static const char *const cases[][3] = {
		{ "BUMP_ALLOC_SIZE", "12Q", "a size in bytes" },
		{ "BUMP_ALLOC_SIZE", "0", "a size in bytes" },
		{ "BUMP_ALLOC_SIZE", "99999999999999999999999", "a size in bytes" },
		{ "BUMP_ALLOC_FREE", "sometimes", "none, lifo or recycle" },
		{ "BUMP_ALLOC_ON_EXHAUST", "explode", "system, null or abort" },
		{ "BUMP_ALLOC_STATS", "maybe", "1 or 0" },
		{ "BUMP_ALLOC_BAD_FREE", "sometimes", "abort or ignore" },
	};
	struct child c;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run_child(&c, "seed", cases[i][0], cases[i][1], (char *)NULL);
		assert_child_ok(&c);
		ck_assert_msg(count_lines(c.out, "bump_alloc:") == 1 &&
		    strstr(c.out, cases[i][0]) != NULL &&
		    strstr(c.out, cases[i][1]) != NULL &&
		    strstr(c.out, cases[i][2]) != NULL,
		    "%s=%s gave:\n%s", cases[i][0], cases[i][1], c.out);
	}
	/* More than the address space: one line, and glibc does the work. */
	run_child(&c, "seed", "BUMP_ALLOC_SIZE", "200T", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(count_lines(c.out, "bump_alloc:"), 1);
	ck_assert_ptr_nonnull(strstr(c.out,
	    "bump_alloc: cannot reserve 200 TiB of address space"));
	/* Well-formed spellings print nothing. */
	static const char *const sizes[] = { "64M", "64MiB", "64mb", "65536K",
	    "67108864", "1G", "1 GiB" };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		run_child(&c, "seed", "BUMP_ALLOC_SIZE", sizes[i], (char *)NULL);
		assert_child_ok(&c);
		ck_assert_msg(c.len == 0, "%s gave: %s", sizes[i], c.out);
	}
}
END_TEST

START_TEST(stats_report_and_verdict)
{
	struct child c;

	run_child(&c, "lifo", "BUMP_ALLOC_STATS", "1", "BUMP_ALLOC_FREE", "lifo",
	    (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(count_lines(c.out, "bump_alloc:"), 4);
	ck_assert_ptr_nonnull(strstr(c.out, "reserve 256 MiB, free=lifo"));
	ck_assert_ptr_nonnull(strstr(c.out, "malloc "));
	ck_assert_ptr_nonnull(strstr(c.out, "(100%)"));
	ck_assert_ptr_null(strstr(c.out, "verdict"));

	/* Under 4 MiB allocated: too little for a verdict. */
	run_child(&c, "fifo", "BUMP_ALLOC_STATS", "1", "BUMP_ALLOC_FREE", "lifo",
	    (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(count_lines(c.out, "bump_alloc:"), 4);
	ck_assert_ptr_null(strstr(c.out, "verdict"));

	run_child(&c, "interleaved", "BUMP_ALLOC_STATS", "1", "BUMP_ALLOC_FREE",
	    "lifo", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(count_lines(c.out, "bump_alloc:"), 5);
	ck_assert_ptr_nonnull(strstr(c.out, "bump_alloc: verdict:"));
	ck_assert_ptr_nonnull(strstr(c.out, "BUMP_ALLOC_FREE=recycle"));

	run_child(&c, "fifo", (char *)NULL);	/* no stats: silence */
	assert_child_ok(&c);
	ck_assert_uint_eq(c.len, 0);
}
END_TEST

START_TEST(exited_threads_leave_their_chunks)
{
	struct child c;

	run_child(&c, "thread_churn", "BUMP_ALLOC_SIZE", "32M",
	    "BUMP_ALLOC_ON_EXHAUST", "null", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_str_eq(c.out, "threads ok\n");
}
END_TEST

START_TEST(free_policies)
{
	struct child c;

	run_child(&c, "policy", "BUMP_ALLOC_FREE", "none", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_str_eq(c.out, "reuse no\nrollback no\n");
	run_child(&c, "policy", "BUMP_ALLOC_FREE", "lifo", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_str_eq(c.out, "reuse no\nrollback yes\n");
	run_child(&c, "policy", "BUMP_ALLOC_FREE", "recycle", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_str_eq(c.out, "reuse yes\nrollback yes\n");
	run_child(&c, "policy", (char *)NULL);	/* the default */
	assert_child_ok(&c);
	ck_assert_str_eq(c.out, "reuse yes\nrollback yes\n");
}
END_TEST

START_TEST(producer_consumer_bounded)
{
	struct child c;
	unsigned long long remote, fallbacks;
	size_t peak;
	long rss;

	/* A million blocks of 16..128 bytes: 100 MiB if frees were lost. */
	run_child(&c, "prodcons", "BUMP_ALLOC_SIZE", "64M",
	    "BUMP_ALLOC_ON_EXHAUST", "null", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(sscanf(c.out, "remote %llu fallbacks %llu "
	    "chunks_peak_kib %zu rss_kib %ld", &remote, &fallbacks, &peak,
	    &rss), 4);
	ck_assert_uint_eq(remote, 1000000);
	ck_assert_uint_eq(fallbacks, 0);
	ck_assert_uint_le(peak, 8 * 1024);
	ck_assert_int_le(rss, 40 * 1024);
}
END_TEST

START_TEST(consumer_frees_are_counted)
{
	struct child c;
	const char *line;
	unsigned long long mallocs, frees;

	run_child(&c, "prodcons", "BUMP_ALLOC_STATS", "1", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_ptr_nonnull(strstr(c.out, "frees from other threads 1000000"));
	line = strstr(c.out, "bump_alloc:   malloc ");
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(sscanf(line, "bump_alloc:   malloc %llu, free %llu",
	    &mallocs, &frees), 2);
	ck_assert_uint_ge(frees, 1000000);
	ck_assert_uint_ge(mallocs, frees);
	ck_assert_ptr_null(strstr(c.out, "verdict"));
}
END_TEST

START_TEST(exited_threads_chunks_go_back)
{
	struct child c;
	unsigned kib = 0;

	run_child(&c, "orphans", "BUMP_ALLOC_SIZE", "16M",
	    "BUMP_ALLOC_ON_EXHAUST", "null", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(sscanf(c.out, "orphans ok, chunks in use %u KiB", &kib), 1);
	ck_assert_uint_le(kib, 4096);
}
END_TEST

START_TEST(emptied_chunks_are_reused)
{
	static const char *const policies[] = { "lifo", "recycle" };
	struct child c;

	/* 100 rounds of 6 MiB through an 8 MiB reserve, under each policy
	 * that frees: emptied chunks must come back to be handed out again. */
	for (int i = 0; i < 2; i++) {
		run_child(&c, "cycle", "BUMP_ALLOC_SIZE", "8M",
		    "BUMP_ALLOC_ON_EXHAUST", "null", "BUMP_ALLOC_FREE",
		    policies[i], (char *)NULL);
		assert_child_ok(&c);
		ck_assert_str_eq(c.out, "cycle ok\n");
	}
}
END_TEST

START_TEST(reserve_below_one_chunk)
{
	static const char *const sizes[] = { "4096", "1", "4KB", "65535" };
	struct child c;

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		run_child(&c, "seed100", "BUMP_ALLOC_SIZE", sizes[i],
		    "BUMP_ALLOC_STATS", "1", (char *)NULL);
		assert_child_ok(&c);
		ck_assert_msg(count_lines(c.out, "bump_alloc: ignoring") == 1 &&
		    strstr(c.out, "at least 64 KiB") != NULL &&
		    strstr(c.out, "reserve 256 MiB") != NULL &&
		    strstr(c.out, "fallbacks to the system allocator 0") != NULL,
		    "BUMP_ALLOC_SIZE=%s gave:\n%s", sizes[i], c.out);
	}
	run_child(&c, "seed100", "BUMP_ALLOC_SIZE", "64K", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_uint_eq(c.len, 0);
}
END_TEST

START_TEST(stats_at_any_time)
{
	struct bump_malloc_stats a, b;
	char *p, buf[4096];
	size_t usable;
	FILE *f;

	errno = 0;
	ck_assert_int_eq(bump_malloc_stats(NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* No Check macro in between: they allocate. */
	int ra = bump_malloc_stats(&a);
	p = opaque_malloc(100);
	usable = malloc_usable_size(p);
	free(p);
	p = opaque_malloc(MiB);
	free(p);
	int rb = bump_malloc_stats(&b);
	ck_assert_int_eq(ra, 0);
	ck_assert_int_eq(rb, 0);
	ck_assert_uint_eq(b.mallocs - a.mallocs, 2);
	ck_assert_uint_eq(b.frees - a.frees, 2);
	ck_assert_uint_eq(b.large - a.large, 1);
	ck_assert_uint_eq(b.bytes_allocated - a.bytes_allocated, usable + MiB);
	ck_assert_uint_eq(b.bytes_freed - a.bytes_freed, usable + MiB);
	ck_assert_uint_le(b.bytes_freed, b.bytes_allocated);
	ck_assert_uint_eq(b.reserve, 256 * MiB);
	ck_assert_uint_eq(b.chunk_size, 2 * MiB);
	ck_assert_uint_eq(b.large_threshold, 256 * KiB);
	ck_assert_uint_ge(b.chunks_in_use, 2 * MiB);
	ck_assert_uint_ge(b.large_cached, MiB);
	ck_assert_uint_ge(b.threads, 1);
	/* malloc_info(3): the same figures, as XML. */
	f = fmemopen(buf, sizeof buf, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(malloc_info(0, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "<malloc version=\"bump_alloc-1\""));
	ck_assert_ptr_nonnull(strstr(buf, "<total type=\"mallocs\" size=\""));
	ck_assert_ptr_nonnull(strstr(buf, "</malloc>"));
	errno = 0;
	ck_assert_int_eq(malloc_info(1, stdout), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(fallback_frees_counted_once)
{
	struct child c;

	run_child(&c, "fallback_realloc", "BUMP_ALLOC_SIZE", "4M", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_str_eq(c.out, "fallbacks yes, freed <= allocated\n");
}
END_TEST

START_TEST(malloc_stats_prints_ours)
{
	struct child c;

	run_child(&c, "malloc_stats", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(count_lines(c.out, "bump_alloc: pid "), 1);
	ck_assert_int_eq(count_lines(c.out, "bump_alloc:   malloc "), 1);
}
END_TEST

/* ---- Issue 18: churn, idle owners, double frees ------------------------- */

START_TEST(thread_churn_is_bounded)
{
	struct child c;
	unsigned long nulls;
	unsigned states;
	size_t live, chunks, peak;

	/* 100,000 threads, at most 4 alive, in a 16 MiB reserve (8 chunks). */
	run_child(&c, "churn", "CHURN_THREADS", "100000", "BUMP_ALLOC_SIZE", "16M",
	    "BUMP_ALLOC_ON_EXHAUST", "null", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(sscanf(c.out, "nulls %lu states %u live_kib %zu "
	    "chunks_kib %zu peak_kib %zu", &nulls, &states, &live, &chunks,
	    &peak), 5);
	ck_assert_uint_eq(nulls, 0);
	/* States follow the threads alive (4, main, the orphans between). */
	ck_assert_uint_le(states, 2 * CHURN_ALIVE + 2);
	ck_assert_uint_ge(live, 700);
	/* What stays held: the live blocks' chunks, a few at most. */
	ck_assert_uint_le(chunks, 6 * 2048);
	ck_assert_uint_le(peak, 16 * 1024);
}
END_TEST

START_TEST(orphans_chunks_reused_without_new_threads)
{
	struct child c;
	unsigned long nulls;
	size_t chunks;

	run_child(&c, "absorb", "BUMP_ALLOC_SIZE", "16M", "BUMP_ALLOC_ON_EXHAUST",
	    "null", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(sscanf(c.out, "nulls %lu chunks_kib %zu", &nulls,
	    &chunks), 2);
	ck_assert_uint_eq(nulls, 0);
	ck_assert_uint_le(chunks, 16 * 1024);
}
END_TEST

START_TEST(idle_owner_gets_remote_frees_back)
{
	struct child c;
	size_t grown, held, chunk;
	long rss_full, rss_after;

	run_child(&c, "idle_owner", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(sscanf(c.out, "grown_kib %zu held_kib %zu chunk_kib %zu "
	    "rss_full %ld rss_after %ld", &grown, &held, &chunk, &rss_full,
	    &rss_after), 5);
	ck_assert_uint_ge(grown, 24 * 1024);	/* 400,000 blocks of 24..136 */
	/* The producer never called malloc again, yet its chunks came back:
	 * it holds its current chunk, a spare and what waits to be taken. */
	ck_assert_msg(held <= 3 * chunk, "held %zu KiB of %zu", held, grown);
	if (rss_full >= 0)	/* pages beyond the pool's 8 MiB go back, a
				 * second after, as the program allocates */
		ck_assert_int_le(rss_after, rss_full - (long)grown / 2);
}
END_TEST

START_TEST(freed_chunks_come_back_warm_then_go)
{
	struct child c;
	long refaults, pages, rss_freed, rss_later;

	run_child(&c, "refault", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_int_eq(sscanf(c.out, "refaults %ld pages %ld rss_freed %ld "
	    "rss_later %ld", &refaults, &pages, &rss_freed, &rss_later), 4);
	ck_assert_int_ge(pages, 16000);
	/* Used again at once: no page faulted in again (0.3.0: every one). */
	ck_assert_msg(refaults < pages / 8, "%ld page faults for %ld pages",
	    refaults, pages);
	/* A second later: all but the pool's 8 MiB went back. */
	if (rss_freed >= 0)
		ck_assert_msg(rss_later <= rss_freed - 40 * 1024,
		    "RSS %ld KiB after the frees, %ld KiB a second later",
		    rss_freed, rss_later);
}
END_TEST

/* The bad-free scenarios, each under both settings and the default. */
static const char *const bad_free_scenarios[] = {
	"df_newest", "df_older", "df_remote", "df_remote_after_local",
	"df_realloc", "df_realloc_older", "bad_misaligned", "bad_past_top",
	"bad_free_chunk",
};

START_TEST(bad_free_aborts_with_one_line)
{
	const char *name = bad_free_scenarios[_i];
	struct child c;
	char addr[64], want[128];

	for (int setting = 0; setting < 2; setting++) {
		if (setting == 0)
			run_child(&c, name, (char *)NULL);
		else
			run_child(&c, name, "BUMP_ALLOC_BAD_FREE", "abort",
			    (char *)NULL);
		ck_assert_msg(WIFSIGNALED(c.status) &&
		    WTERMSIG(c.status) == SIGABRT, "%s: status %d:\n%s", name,
		    c.status, c.out);
		ck_assert_int_eq(sscanf(c.out, "bad %63s", addr), 1);
		snprintf(want, sizeof want, "double free or invalid pointer %s;",
		    addr);
		ck_assert_msg(count_lines(c.out, "bump_alloc:") == 1 &&
		    strstr(c.out, want) != NULL &&
		    strstr(c.out, "BUMP_ALLOC_BAD_FREE=ignore") != NULL,
		    "%s gave:\n%s", name, c.out);
		ck_assert_ptr_null(strstr(c.out, "distinct"));
	}
}
END_TEST

START_TEST(bad_free_ignored_never_aliases)
{
	const char *name = bad_free_scenarios[_i];
	struct child c;

	run_child(&c, name, "BUMP_ALLOC_BAD_FREE", "ignore", (char *)NULL);
	assert_child_ok(&c);
	ck_assert_msg(count_lines(c.out, "bump_alloc:") == 0 &&
	    strstr(c.out, "\ndistinct\n") != NULL, "%s gave:\n%s", name, c.out);
}
END_TEST

static Suite *
malloc_suite(void)
{
	Suite *s = suite_create("global allocator");
	TCase *tc = tcase_new("contract");

	tcase_add_test(tc, malloc_zero_is_unique);
	tcase_add_test(tc, realloc_null_and_zero);
	tcase_add_test(tc, posix_memalign_rules);
	tcase_add_test(tc, overflow_is_enomem);
	tcase_add_test(tc, alignments_up_to_1mib);
	tcase_add_test(tc, free_keeps_errno);
	tcase_add_test(tc, usable_size_is_exact);
	tcase_add_test(tc, realloc_grows_in_place);
	tcase_add_test(tc, lifo_cascade_reclaims);
	tcase_add_test(tc, recycle_reuses_out_of_order);
	tcase_add_test(tc, large_blocks_cached_then_unmapped);
	tcase_add_test(tc, calloc_clears_reused_memory);
	tcase_add_test(tc, foreign_pointers_are_routed);
	tcase_add_test(tc, fork_child_allocates);
	tcase_add_test(tc, threads_do_not_overlap);
	tcase_add_test(tc, stats_at_any_time);
	suite_add_tcase(s, tc);

	tc = tcase_new("threads");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, producer_consumer_bounded);
	tcase_add_test(tc, consumer_frees_are_counted);
	tcase_add_test(tc, exited_threads_chunks_go_back);
	tcase_add_test(tc, emptied_chunks_are_reused);
	tcase_add_test(tc, thread_churn_is_bounded);
	tcase_add_test(tc, orphans_chunks_reused_without_new_threads);
	tcase_add_test(tc, idle_owner_gets_remote_frees_back);
	tcase_add_test(tc, freed_chunks_come_back_warm_then_go);
	suite_add_tcase(s, tc);

	tc = tcase_new("bad frees");
	tcase_add_loop_test(tc, bad_free_aborts_with_one_line, 0,
	    (int)(sizeof bad_free_scenarios / sizeof bad_free_scenarios[0]));
	tcase_add_loop_test(tc, bad_free_ignored_never_aliases, 0,
	    (int)(sizeof bad_free_scenarios / sizeof bad_free_scenarios[0]));
	suite_add_tcase(s, tc);

	tc = tcase_new("seed");
	tcase_add_test(tc, seed_100_and_65535_items);
	tcase_add_test(tc, seed_at_4mib);
	suite_add_tcase(s, tc);

	tc = tcase_new("settings");
	tcase_add_test(tc, exhaust_null);
	tcase_add_test(tc, exhaust_system);
	tcase_add_test(tc, exhaust_abort);
	tcase_add_test(tc, program_default_reserve);
	tcase_add_test(tc, malformed_settings);
	tcase_add_test(tc, stats_report_and_verdict);
	tcase_add_test(tc, free_policies);
	tcase_add_test(tc, exited_threads_leave_their_chunks);
	tcase_add_test(tc, reserve_below_one_chunk);
	tcase_add_test(tc, malloc_stats_prints_ours);
	tcase_add_test(tc, fallback_frees_counted_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	if (argc == 3 && strcmp(argv[1], "--child") == 0)
		return run_scenario(argv[2]);
	sr = srunner_create(malloc_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
