/*
 * tool_victim.c - a program with one memory bug, chosen by argv[1], for
 * check_tools.sh to prove that AddressSanitizer and memcheck see inside
 * arenas.  Each bug reads or writes memory the arena has not handed out;
 * without a tool the program runs to the end and exits 0.  Without an
 * argument it runs the bug-free scenario (make check runs it that way).
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <bump_alloc.h>

/*
 * Reads and writes the optimiser may not drop, move or flag: the offset
 * passes through a volatile so that the compiler cannot see the bug.
 */
static int
peek(const char *p, size_t off)
{
	volatile size_t at = off;

	return ((const volatile unsigned char *)p)[at];
}

static void
poke(char *p, size_t off)
{
	volatile size_t at = off;

	((volatile unsigned char *)p)[at] = 0x5a;
}

static int
bug(bump_t *b, const char *name)
{
	char *p, *q;
	bump_mark_t m;

	if (strcmp(name, "reset") == 0) {	/* use after bump_reset */
		p = bump_malloc(b, 64);
		memset(p, 'x', 64);
		bump_reset(b);
		return peek(p, 10);
	}
	if (strcmp(name, "rewind") == 0) {	/* use after bump_rewind */
		m = bump_mark(b);
		p = bump_malloc(b, 64);
		memset(p, 'x', 64);
		bump_rewind(b, m);
		return peek(p, 63);
	}
	if (strcmp(name, "free") == 0) {	/* use after freeing the newest */
		p = bump_malloc(b, 32);
		memset(p, 'x', 32);
		bump_free(b, p);
		return peek(p, 0);
	}
	if (strcmp(name, "shrink") == 0) {	/* past a block shrunk in place */
		p = bump_malloc(b, 100);
		memset(p, 'x', 100);
		q = bump_realloc(b, p, 10);
		return q == p ? peek(q, 50) : 0;
	}
	if (strcmp(name, "beyond") == 0) {	/* past the top of the arena */
		p = bump_malloc(b, 24);
		memset(p, 'x', 24);
		return peek(p, 24);
	}
	if (strcmp(name, "overrun") == 0) {	/* into the next block's red zone */
		p = bump_malloc(b, 16);
		q = bump_malloc(b, 16);
		memset(q, 'y', 16);
		poke(p, 16);
		return peek(q, 0);
	}
	if (strcmp(name, "uninit") == 0) {	/* branch on never-written bytes */
		p = bump_malloc(b, 16);
		if (p[3] == 7)
			puts("seven");
		return 0;
	}
	if (strcmp(name, "clean") == 0) {	/* no bug: the tools stay quiet */
		p = bump_calloc(b, 10, 10);
		p = bump_realloc(b, p, 5000);
		q = bump_strdup(b, "hello");
		p = bump_realloc(b, p, 100000);	/* moves: copies across q */
		bump_free(b, p);
		bump_reset(b);
		p = bump_calloc(b, 1, 4096);
		return peek(p, 4095) + peek(p, 0);
	}
	fprintf(stderr, "tool_victim: unknown bug %s\n", name);
	return -1;
}

int
main(int argc, char **argv)
{
	bump_t *b;
	int r;

	if (argc > 2) {
		fprintf(stderr, "usage: tool_victim [tools | BUG]\n");
		return 2;
	}
	if (argc == 1)		/* as a test of its own: correct use is clean */
		argv[1] = (char *)"clean";
	if (strcmp(argv[1], "tools") == 0) {	/* what this build can show */
#if defined(__SANITIZE_ADDRESS__)
		puts("asan");
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
		puts("asan");
# endif
#endif
#if defined(HAVE_VALGRIND_MEMCHECK_H) && defined(HAVE_VALGRIND_VALGRIND_H)
		puts("valgrind");
#endif
		return 0;
	}
	if ((b = bump_create(1 << 20, 0)) == NULL) {
		perror("bump_create");
		return 2;
	}
	r = bug(b, argv[1]);
	bump_destroy(b);
	return r < 0 ? 2 : 0;
}
