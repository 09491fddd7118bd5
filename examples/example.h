/*
 * example.h - what the examples share, apart from their adapters: the
 * command line, a clock, the peak RSS and a generator of test data.
 *
 * Every example runs one workload two ways: with the library's default
 * allocator (malloc and free, or operator new and delete) and with an
 * arena.  Run without arguments, it checks that both ways give the same
 * results and exits 0 (make check).  Run as
 *
 *     EXAMPLE --bench default|arena
 *
 * it runs the full workload the one way and prints "MODE SECONDS PEAK_KIB":
 * the workload's wall time and the process's peak resident set size.  One
 * way per process, so that the peak belongs to it (examples/bench.sh runs
 * both, round after round, and takes medians).
 *
 * Written in 2026 by the bump_alloc authors; CC0 1.0 (public domain).
 */
#ifndef EXAMPLE_H
#define EXAMPLE_H

/* clock_gettime and getrusage, whatever -std the compiler is given. */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
# define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum example_mode {
	EXAMPLE_CHECK,		/* both ways, small, results compared */
	EXAMPLE_DEFAULT,	/* the library's default allocator, timed */
	EXAMPLE_ARENA		/* the arena, timed */
};

/* The mode the command line asks for; exits with a usage message if wrong. */
static inline enum example_mode
example_mode(int argc, char **argv)
{
	if (argc == 1)
		return EXAMPLE_CHECK;
	if (argc == 3 && strcmp(argv[1], "--bench") == 0) {
		if (strcmp(argv[2], "default") == 0)
			return EXAMPLE_DEFAULT;
		if (strcmp(argv[2], "arena") == 0)
			return EXAMPLE_ARENA;
	}
	fprintf(stderr, "usage: %s [--bench default|arena]\n", argv[0]);
	exit(2);
}

static inline double
example_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The bench line: mode, seconds of work, the process's peak RSS in KiB. */
static inline void
example_report(enum example_mode mode, double seconds)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("%s %.6f %ld\n", mode == EXAMPLE_ARENA ? "arena" : "default",
	    seconds, (long)ru.ru_maxrss);
}

/* A small deterministic generator (xorshift32) for the test data. */
static inline uint32_t
example_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* Words the generated documents, messages and scripts are made of. */
static const char *const example_words[] = {
	"arena", "bump", "pointer", "memory", "allocation", "request",
	"connection", "the", "a", "of", "and", "to", "in", "is", "for",
	"message", "stream", "parser", "document", "international",
	"configuration", "performance", "lifetime", "reset", "chunk", "page",
	"object", "free", "malloc", "zlib", "lua", "expat", "protobuf",
	"container", "vector", "string", "map", "token", "count", "workload",
};
#define EXAMPLE_NWORDS (sizeof example_words / sizeof example_words[0])

static inline const char *
example_word(uint32_t *state)
{
	return example_words[example_random(state) % EXAMPLE_NWORDS];
}

/* Exit 1 with a message when a check fails. */
#define EXAMPLE_CHECK_THAT(cond) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		exit(1);						\
	}								\
} while (0)

#endif
