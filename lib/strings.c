/*
 * strings.c - copying strings and memory into an arena.
 *
 * Every copy is allocated through a public entry (bump_aligned_alloc with
 * alignment 1 for strings, bump_malloc for memory), which refuses a NULL
 * or destroyed arena with EINVAL: the helpers only check their own
 * arguments.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "format.h"

/* Every helper refuses a NULL source the same way (the arena: see above). */
static int
invalid(const void *src)
{
	if (src == NULL) {
		errno = EINVAL;
		return 1;
	}
	return 0;
}

static char *
copy_string(bump_t *b, const char *s, size_t len)
{
	char *copy = bump_aligned_alloc(b, 1, len + 1);

	if (copy != NULL) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

char *
bump_strdup(bump_t *b, const char *s)
{
	return invalid(s) ? NULL : copy_string(b, s, strlen(s));
}

char *
bump_strndup(bump_t *b, const char *s, size_t n)
{
	size_t len = 0;

	if (invalid(s))
		return NULL;
	while (len < n && s[len] != '\0')
		len++;
	return copy_string(b, s, len);
}

void *
bump_memdup(bump_t *b, const void *p, size_t n)
{
	void *copy;

	if (p == NULL && n != 0) {
		errno = EINVAL;
		return NULL;
	}
	copy = bump_malloc(b, n);
	if (copy != NULL && n != 0)
		memcpy(copy, p, n);
	return copy;
}

int
bump__vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int len, saved_errno = errno;

	errno = 0;
	len = vsnprintf(buf, size, fmt, ap);
	/* mingw's printf skips a wide string it cannot convert, with EILSEQ. */
	if (len < 0 || errno == EILSEQ)
		return -1;	/* vsnprintf has set errno */
	errno = saved_errno;
	return len;
}

char *
bump_vasprintf(bump_t *b, const char *fmt, va_list ap)
{
	va_list measure;
	char *s;
	int len;

	if (invalid(fmt))
		return NULL;
	va_copy(measure, ap);
	len = bump__vsnprintf(NULL, 0, fmt, measure);
	va_end(measure);
	if (len < 0)
		return NULL;
	if ((s = bump_aligned_alloc(b, 1, (size_t)len + 1)) != NULL)
		vsnprintf(s, (size_t)len + 1, fmt, ap);
	return s;
}

char *
bump_asprintf(bump_t *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = bump_vasprintf(b, fmt, ap);
	va_end(ap);
	return s;
}
