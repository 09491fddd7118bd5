/*
 * malloc_libc.c - finding the C library's own allocator, for the `system`
 * fallback and for pointers this library did not make.
 *
 * Runs inside malloc, possibly before the C library is fully set up: the
 * OS layer reads the C library's symbol table with no malloc and no dlsym.
 */
#include <config.h>

#include "malloc_internal.h"
#include "os.h"

void
bump__find_libc(struct bump_libc *libc)
{
	static const char *const names[] = { "__libc_malloc", "__libc_free",
	    "__libc_calloc", "__libc_realloc", "__libc_memalign",
	    "malloc_usable_size" };
	enum { COUNT = sizeof names / sizeof names[0] };
	void *found[COUNT];

	bump__os_find_libc(names, found, COUNT);
	/* All or nothing: a half-found allocator would mix two heaps. */
	for (size_t i = 0; i < COUNT; i++)
		if (found[i] == NULL)
			return;
	libc->malloc = (void *(*)(size_t))found[0];
	libc->free = (void (*)(void *))found[1];
	libc->calloc = (void *(*)(size_t, size_t))found[2];
	libc->realloc = (void *(*)(void *, size_t))found[3];
	libc->memalign = (void *(*)(size_t, size_t))found[4];
	libc->usable_size = (size_t (*)(void *))found[5];
}
