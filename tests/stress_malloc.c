/*
 * stress_malloc.c - a seeded stress test of libbump_alloc_malloc.
 *
 * Several threads call malloc, calloc, realloc, aligned_alloc,
 * posix_memalign, memalign, free and malloc_usable_size at random, and
 * pass blocks to each other through exchange slots (so blocks are freed
 * and resized by other threads than the one that made them); threads exit
 * and new ones start, adopting what the old ones left.  Beside them,
 * short-lived threads come and go by the thousands (thread churn): each
 * allocates a few hundred blocks, hands a quarter of them to a shared
 * table (freeing what it finds there, often blocks of threads that have
 * exited) and exits.  Every block is filled with a pattern over its whole
 * usable size and checked before it is freed or resized: a block that
 * overlaps another, loses its contents, is misaligned or smaller than
 * asked fails the run with one line.  What is live at any time is bounded
 * (the threads' slots and the tables), so memory must stay flat after a
 * warm-up: tests/soak_malloc.sh runs it for a given time and watches RSS.
 *
 * Usage: stress_malloc [-c CHURNERS] [SECONDS [SEED [THREADS]]]
 *   With no argument (make check) it runs itself for a second each under
 *   the default settings, BUMP_ALLOC_FREE=lifo, and a 4 MiB reserve (so
 *   that allocations fall back to the C library and come back); with
 *   arguments it runs once under the environment it was given
 *   (.ci/harden.sh: a minute each).  CHURNERS short-lived threads are
 *   alive at any time (default 2; 0: no churn).
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <bump_alloc_malloc.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { SLOTS = 256, EXCHANGE = 512, MAX_THREADS = 4, OPS_PER_LIFE = 20000 };
/* Thread churn: at most MAX_CHURNERS alive, each with CHURN_BLOCKS. */
enum { MAX_CHURNERS = 8, CHURN_BLOCKS = 64, HANDOFF = 1024 };

struct block {
	unsigned char *p;
	size_t n;		/* asked for */
	unsigned tag;		/* pattern seed */
};

static struct block exchange[EXCHANGE];
static int exchange_lock[EXCHANGE];
static struct block handoff[HANDOFF];	/* the churners' table */
static int handoff_lock[HANDOFF];
static volatile int stop;
static unsigned long long total_ops;

static void
fail(const char *what, const struct block *b)
{
	fprintf(stderr, "stress_malloc: FAIL: %s (block %p, %zu bytes, tag %u)\n",
	    what, (void *)b->p, b->n, b->tag);
	fflush(stderr);
	abort();
}

static unsigned
next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (unsigned)(*x >> 11);
}

static unsigned char
pattern(unsigned tag, size_t i)
{
	return (unsigned char)(tag + i * 31 + (i >> 8));
}

/* Fill from byte `from` to the end of the usable size. */
static void
fill(struct block *b, size_t from)
{
	size_t usable = malloc_usable_size(b->p);

	if (usable < b->n)
		fail("malloc_usable_size below the size asked", b);
	for (size_t i = from; i < usable; i++)
		b->p[i] = pattern(b->tag, i);
}

/* Check the first n bytes (the whole block if short, else ends and a
 * sample of the middle, so that big blocks stay cheap). */
static void
check(const struct block *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b->p[i] != pattern(b->tag, i))
			fail("contents changed", b);
		if (i == 4096 && n > 8192)
			i = n - 4096;
	}
}

static size_t
random_size(uint64_t *x)
{
	unsigned r = next(x);

	switch (r % 256) {
	case 0:
		return 256 * 1024 + next(x) % (3 * 1024 * 1024);	/* large */
	case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8:
		return 4096 + next(x) % (250 * 1024);
	case 9: case 10: case 11: case 12: case 13: case 14: case 15: case 16:
	case 17: case 18: case 19: case 20: case 21: case 22: case 23: case 24:
		return 512 + next(x) % 4096;
	default:
		return next(x) % 512;
	}
}

/* A block of n bytes in b, by a function picked at random. */
static void
make(struct block *b, uint64_t *x, size_t n)
{
	size_t align = (size_t)1 << (next(x) % 13);
	void *p = NULL;

	b->tag = next(x);
	switch (next(x) % 8) {
	case 0: {
		unsigned char *q = calloc(1, n);

		align = 16;
		if (q == NULL)
			break;
		for (size_t i = 0; i < n; i++)
			if (q[i] != 0) {
				b->p = q;
				b->n = n;
				fail("calloc gave memory that is not zero", b);
			}
		p = q;
		break;
	}
	case 1:
		p = aligned_alloc(align, n);
		break;
	case 2:
		if (align < sizeof(void *))
			align = sizeof(void *);
		if (posix_memalign(&p, align, n) != 0)
			p = NULL;
		break;
	case 3:
		p = memalign(align, n);
		break;
	default:
		align = 16;
		p = malloc(n);
		break;
	}
	if (p == NULL) {
		fprintf(stderr, "stress_malloc: FAIL: allocation of %zu bytes: %s\n",
		    n, strerror(errno));
		abort();
	}
	b->p = p;
	b->n = n;
	if ((uintptr_t)p % align != 0)
		fail("misaligned", b);
	fill(b, 0);
}

static void
drop(struct block *b)
{
	if (b->p != NULL) {
		check(b, b->n);
		free(b->p);
		b->p = NULL;
	}
}

static void
resize(struct block *b, uint64_t *x)
{
	size_t n = next(x) % 2 ? b->n + random_size(x) / 4 : b->n / 2;
	unsigned char *q;

	check(b, b->n);
	if ((q = realloc(b->p, n)) == NULL && n != 0)
		fail("realloc failed", b);
	if (n == 0) {		/* glibc: freed, NULL */
		b->p = NULL;
		return;
	}
	b->p = q;
	check(b, b->n < n ? b->n : n);
	if (n > b->n) {
		b->n = n;
		fill(b, 0);
	} else {
		b->n = n;
		fill(b, n);
	}
}

/* Swap a block with slot i of a table (under its lock); the block now
 * ours, checked. */
static void
swap_slot(struct block *table, int *locks, unsigned i, struct block *b)
{
	struct block mine = *b;

	while (__atomic_exchange_n(&locks[i], 1, __ATOMIC_ACQUIRE))
		sched_yield();
	*b = table[i];
	table[i] = mine;
	__atomic_store_n(&locks[i], 0, __ATOMIC_RELEASE);
	if (b->p != NULL)
		check(b, b->n);
}

/* Swap a block with a slot of the exchange; the block now ours. */
static void
trade(struct block *b, uint64_t *x)
{
	swap_slot(exchange, exchange_lock, next(x) % EXCHANGE, b);
}

struct life {
	pthread_t tid;
	uint64_t seed;
	int done;
};

static void *
worker(void *arg)
{
	struct life *life = arg;
	uint64_t x = life->seed * 0x9E3779B97F4A7C15u + 1;
	struct block slots[SLOTS];
	unsigned long long ops = 0;

	memset(slots, 0, sizeof slots);
	for (; ops < OPS_PER_LIFE && !stop; ops++) {
		struct block *b = &slots[next(&x) % SLOTS];

		switch (next(&x) % 10) {
		case 0: case 1: case 2:
			drop(b);
			make(b, &x, random_size(&x));
			break;
		case 3: case 4:
			drop(b);
			break;
		case 5:
			if (b->p != NULL)
				resize(b, &x);
			break;
		case 6: case 7:
			trade(b, &x);
			break;
		default:
			if (b->p != NULL && malloc_usable_size(b->p) < b->n)
				fail("malloc_usable_size shrank", b);
			if (b->p != NULL)
				check(b, b->n);
			break;
		}
	}
	/* Half the time leave blocks to the exchange, to be freed elsewhere. */
	for (int i = 0; i < SLOTS; i++) {
		if (next(&x) % 2)
			trade(&slots[i], &x);
		drop(&slots[i]);
	}
	__atomic_add_fetch(&total_ops, ops, __ATOMIC_RELAXED);
	__atomic_store_n(&life->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int
start(struct life *life, uint64_t seed)
{
	life->seed = seed;
	life->done = 0;
	return pthread_create(&life->tid, NULL, worker, life);
}

/* ---- Thread churn ---------------------------------------------------- */

/* A short life: a few hundred allocations and frees of small blocks (up
 * to 1 KiB: what it costs is the thread, not the bytes); at
 * exit a quarter of what is live goes to the handoff table (whatever was
 * there is freed here), the rest is freed. */
static void *
churner(void *arg)
{
	uint64_t x = (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15u + 3;
	struct block mine[CHURN_BLOCKS];
	unsigned ops = 100 + next(&x) % 400;

	memset(mine, 0, sizeof mine);
	for (unsigned i = 0; i < ops; i++) {
		struct block *b = &mine[next(&x) % CHURN_BLOCKS];

		drop(b);
		if (next(&x) % 4 != 0)
			make(b, &x, next(&x) % 1024);
	}
	for (int i = 0; i < CHURN_BLOCKS; i++) {
		if (mine[i].p != NULL && next(&x) % 4 == 0)
			swap_slot(handoff, handoff_lock, next(&x) % HANDOFF,
			    &mine[i]);
		drop(&mine[i]);
	}
	__atomic_add_fetch(&total_ops, ops, __ATOMIC_RELAXED);
	return NULL;
}

struct churn {
	pthread_t tid;
	int churners;
	uint64_t seed;
	unsigned long long lives;
};

/* Keep `churners` short-lived threads alive until the run stops: join
 * the oldest, start another. */
static void *
churn_driver(void *arg)
{
	struct churn *ch = arg;
	pthread_t alive[MAX_CHURNERS];
	uint64_t seed = ch->seed * 7919;
	int n = 0;

	for (; n < ch->churners; n++)
		if (pthread_create(&alive[n], NULL, churner,
		    (void *)(uintptr_t)(seed + ch->lives++)) != 0)
			break;
	for (int k = 0; n > 0 && !stop; k = (k + 1) % n) {
		pthread_join(alive[k], NULL);
		if (pthread_create(&alive[k], NULL, churner,
		    (void *)(uintptr_t)(seed + ch->lives++)) != 0) {
			fprintf(stderr, "stress_malloc: FAIL: pthread_create\n");
			abort();
		}
	}
	for (int k = 0; k < n; k++)
		pthread_join(alive[k], NULL);
	return NULL;
}

static int
run(double seconds, uint64_t seed, int threads, int churners)
{
	struct timespec t0, t;
	static struct life lives_of[MAX_THREADS];
	struct bump_malloc_stats st;
	unsigned long long lives = 0;
	struct churn churn = { .churners = churners, .seed = seed };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < threads; i++)
		if (start(&lives_of[i], seed * 1000 + lives++) != 0)
			return 1;
	if (churners > 0 &&
	    pthread_create(&churn.tid, NULL, churn_driver, &churn) != 0)
		return 1;
	/* Threads end after a while; new ones take their place. */
	do {
		struct timespec nap = { 0, 5000000 };

		nanosleep(&nap, NULL);
		for (int i = 0; i < threads; i++) {
			if (!__atomic_load_n(&lives_of[i].done, __ATOMIC_ACQUIRE))
				continue;
			pthread_join(lives_of[i].tid, NULL);
			if (start(&lives_of[i], seed * 1000 + lives++) != 0)
				return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
	stop = 1;
	for (int i = 0; i < threads; i++)
		pthread_join(lives_of[i].tid, NULL);
	if (churners > 0)
		pthread_join(churn.tid, NULL);
	for (int i = 0; i < EXCHANGE; i++)
		drop(&exchange[i]);
	for (int i = 0; i < HANDOFF; i++)
		drop(&handoff[i]);
	if (bump_malloc_stats(&st) != 0)
		return 1;
	if (st.bytes_freed > st.bytes_allocated || st.frees > st.mallocs) {
		fprintf(stderr, "stress_malloc: FAIL: freed %llu bytes (%llu frees) "
		    "of %llu allocated (%llu mallocs)\n", st.bytes_freed, st.frees,
		    st.bytes_allocated, st.mallocs);
		return 1;
	}
	printf("stress_malloc: %llu operations by %llu threads and %llu "
	    "short-lived ones, seed %llu: ok (%llu remote frees, %llu fallbacks, "
	    "%u thread states, %zu KiB of chunks in use at the end)\n",
	    total_ops, lives, churn.lives, (unsigned long long)seed,
	    st.remote_frees, st.fallbacks, st.threads, st.chunks_in_use >> 10);
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const settings[][2] = {
		{ "BUMP_ALLOC_FREE", "recycle" },
		{ "BUMP_ALLOC_FREE", "lifo" },
		{ "BUMP_ALLOC_SIZE", "4M" },
	};
	int churners = 2, opt;

	while ((opt = getopt(argc, argv, "c:")) != -1) {
		if (opt != 'c') {
			fprintf(stderr, "usage: stress_malloc [-c CHURNERS] "
			    "[SECONDS [SEED [THREADS]]]\n");
			return 2;
		}
		churners = atoi(optarg);
		churners = churners < 0 ? 0 :
		    churners > MAX_CHURNERS ? MAX_CHURNERS : churners;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc > 1) {
		int threads = argc > 3 ? atoi(argv[3]) : MAX_THREADS;

		return run(atof(argv[1]), argc > 2 ? strtoull(argv[2], NULL, 0) :
		    (uint64_t)time(NULL), threads < 1 ? 1 :
		    threads > MAX_THREADS ? MAX_THREADS : threads, churners);
	}
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			setenv(settings[i][0], settings[i][1], 1);
			execl("/proc/self/exe", argv[0], "1", "12345", (char *)NULL);
			_exit(126);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "stress_malloc: FAIL under %s=%s\n",
			    settings[i][0], settings[i][1]);
			return 1;
		}
	}
	return 0;
}
