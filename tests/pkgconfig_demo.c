/* Built against the installed library by tests/check_pkgconfig.sh. */
#include <bump_alloc.h>
#include <stdio.h>
#include <string.h>

int
main(void)
{
	bump_t *arena = bump_create(0, 0);
	char *s;

	if (arena == NULL)
		return 1;
	s = bump_asprintf(arena, "bump_alloc %s (0x%06x)", BUMP_ALLOC_VERSION,
	    (unsigned)BUMP_ALLOC_VERSION_HEX);
	if (s == NULL || strncmp(s, "bump_alloc ", 11) != 0)
		return 1;
	puts(s);
	bump_destroy(arena);
	return 0;
}
