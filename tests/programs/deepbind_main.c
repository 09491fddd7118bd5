/*
 * deepbind_main.c - pointers made by a library opened with RTLD_DEEPBIND
 * (bound to glibc's malloc) are freed and resized by the program, which
 * runs under the global allocator: they must be routed to glibc.
 * Usage: deepbind_main path/to/deepbind_lib.so
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	void *lib;
	char *(*deep_strdup)(const char *);
	char *s;

	if (argc != 2 || (lib = dlopen(argv[1], RTLD_NOW | RTLD_DEEPBIND)) == NULL)
		return 2;
	deep_strdup = (char *(*)(const char *))dlsym(lib, "deep_strdup");
	if (deep_strdup == NULL)
		return 3;
	for (int i = 0; i < 1000; i++) {
		s = deep_strdup("made by glibc's malloc");
		if (malloc_usable_size(s) < 23)
			return 4;
		s = realloc(s, 100000);		/* glibc's realloc */
		if (s == NULL || strcmp(s, "made by glibc's malloc") != 0)
			return 5;
		free(s);			/* glibc's free */
	}
	puts("deepbind ok");
	dlclose(lib);
	return 0;
}
