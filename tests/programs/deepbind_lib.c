/*
 * deepbind_lib.c - loaded with RTLD_DEEPBIND, so its own calls to malloc
 * bind to glibc's (the C library's internal calls, as in strdup, do not).
 */
#include <stdlib.h>
#include <string.h>

char *
deep_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	return p != NULL ? memcpy(p, s, n) : NULL;
}
