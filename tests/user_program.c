/*
 * user_program.c - what a user writes with <bump_alloc.h>: typed
 * allocation, a growing string, a cleanup, a child arena and scratch
 * memory.  tests/check_compilers.sh builds it
 * with every C compiler found, at C99, C11 and C17, with -Wall -Wextra
 * -Wpedantic -Werror, and runs it.  Exit status 0 when all went right.
 */
#include <bump_alloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct item {
	int key;
	struct item *next;
};

static int closed;

static void
close_it(void *arg)
{
	closed += *(int *)arg;
}

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
struct line {
	_Alignas(64) unsigned char bytes[64];
};
#endif

int
main(void)
{
	bump_t *b = bump_create(0, 0);
	struct item *items, *one;
	bump_grow_t g;
	size_t i, n = 1000, len;
	char *s;

	if (b == NULL)
		return 1;
	items = BUMP_NEW_ARRAY(b, struct item, n);
	one = BUMP_NEW_ZEROED(b, struct item);
	if (items == NULL || one == NULL || one->key != 0 || one->next != NULL)
		return 2;
	for (i = 0; i < n; i++) {
		items[i].key = (int)i;
		items[i].next = i > 0 ? &items[i - 1] : one;
	}
	if (items[n - 1].next->key != (int)n - 2)
		return 3;
	if (BUMP_NEW_ARRAY(b, struct item, SIZE_MAX / 2) != NULL)
		return 4;
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
	{
		struct line *l = BUMP_NEW_ARRAY_ZEROED(b, struct line, 3);

		if (l == NULL || (uintptr_t)l % 64 != 0 || l[2].bytes[63] != 0)
			return 5;
	}
#endif
	bump_grow_init(&g, b);
	for (i = 0; i < 100; i++)
		if (bump_grow_printf(&g, "%zu,", i) != 0)
			return 6;
	if (bump_grow_append_str(&g, "end") != 0)
		return 7;
	if ((s = bump_grow_finish(&g, &len)) == NULL || len != strlen(s) ||
	    strncmp(s, "0,1,2,", 6) != 0 || strcmp(s + len - 6, "99,end") != 0)
		return 8;
	puts(s + len - 6);
	{
		bump_t *child = bump_create_child(b, 0, 0), *scratch;
		int *fd;

		if (child == NULL || (fd = BUMP_NEW(child, int)) == NULL)
			return 9;
		*fd = 3;
		if (bump_cleanup_add(child, close_it, fd) == NULL ||
		    (scratch = bump_scratch(&b, 1)) == NULL || scratch == b ||
		    bump_flags(child) != 0)
			return 10;
		bump_destroy(b);	/* the child, and its cleanup, too */
		if (closed != 3)
			return 11;
	}
	return 0;
}
