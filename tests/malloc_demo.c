/*
 * Linked with the malloc replacement (pkg-config --libs bump_alloc_malloc,
 * or the CMake target bump_alloc::malloc) by tests/check_pkgconfig.sh and
 * tests/check_cmake.sh, which run it with BUMP_ALLOC_STATS=1: the report
 * on stderr proves whose malloc ran, and names the reserve set below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const size_t bump_alloc_global_size = (size_t)64 << 20;

int
main(void)
{
	char *s = malloc(32);
	char *t;

	if (s == NULL)
		return 1;
	strcpy(s, "linked");
	t = realloc(s, 4096);
	if (t == NULL)
		return 1;
	printf("%s with the malloc replacement\n", t);
	free(t);
	return 0;
}
