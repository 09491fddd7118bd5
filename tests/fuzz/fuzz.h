/*
 * fuzz.h - what the libFuzzer targets share: a failed check (one line
 * naming the target, then abort, which libFuzzer reports with the input),
 * FUZZ_TRACE=1 to print every call, and the input read as numbers.
 * FUZZ_NAME, the target's name, is defined before this is included.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef BUMP_FUZZ_H
#define BUMP_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, FUZZ_NAME ": %s:%d: %s: ", __FILE__,	\
		    __LINE__, #cond);					\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* FUZZ_TRACE=1 prints every call (to read a crash input). */
static int
tracing(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FUZZ_TRACE") != NULL;
	return on;
}

/* The input, consumed from the front. */
struct input { const uint8_t *p; size_t n; };

/* The next bytes (1 to 8) as a big-endian number; 0s past the end. */
static uint64_t
take(struct input *in, int bytes)
{
	uint64_t v = 0;

	while (bytes-- > 0 && in->n > 0) {
		v = v << 8 | *in->p++;
		in->n--;
	}
	return v;
}

#endif /* BUMP_FUZZ_H */
