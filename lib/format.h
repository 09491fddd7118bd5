/*
 * format.h - printf into arena memory, shared by the string helpers and
 * growing objects.
 */
#ifndef BUMP_FORMAT_H
#define BUMP_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#include "bump_alloc.h"

/*
 * vsnprintf(buf, size, fmt, ap): the length of the whole output, or -1
 * with errno set when vsnprintf fails (mingw's printf skips a wide string
 * it cannot convert and only sets EILSEQ).  errno is untouched on success.
 */
int bump__vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	BUMP_PRINTF_(3, 0);

#endif /* BUMP_FORMAT_H */
