/*
 * debug.c - what a failed BUMP_ASSERT does in a debug build
 * (./configure --enable-debug): one line on stderr, then abort.
 *
 * It may run inside malloc: no stdio, no malloc, the OS layer only.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "os.h"

#ifdef BUMP_DEBUG
void
bump__assert_failed(const char *file, int line, const char *cond)
{
	char digits[16], *d = digits + sizeof digits;
	const char *parts[] = { "bump_alloc: ", file, ":", NULL,
	    ": assertion failed: ", cond, "\n" };

	*--d = '\0';
	do
		*--d = (char)('0' + line % 10);
	while ((line /= 10) > 0 && d > digits);
	parts[3] = d;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		bump__os_write(2, parts[i], strlen(parts[i]));
	abort();
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int bump__debug_unused;
#endif
