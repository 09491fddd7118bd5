/*
 * bits.h - sizes, alignment and powers of two, once for the whole library;
 * branch hints and the debug build's assertions.
 *
 * Everything here is pure arithmetic on integers and pointers: no OS, no
 * memory, no errno.  Alignments are powers of two (asserted in debug
 * builds); rounding that would wrap is the caller's to rule out first.
 */
#ifndef BUMP_BITS_H
#define BUMP_BITS_H

#include <stddef.h>
#include <stdint.h>

/* The line size that separates data written by different threads. */
#define BUMP_CACHE_LINE 64

#define bump_likely(x) __builtin_expect(!!(x), 1)
#define bump_unlikely(x) __builtin_expect(!!(x), 0)

/*
 * BUMP_ASSERT(cond): an invariant.  `./configure --enable-debug` defines
 * BUMP_DEBUG and the assertion is checked (a failure prints one line
 * naming the file, line and condition, then aborts); release builds
 * compile it out, condition and all, so it may be as slow as it needs.
 */
#ifdef BUMP_DEBUG
void bump__assert_failed(const char *file, int line, const char *cond)
    __attribute__((noreturn, cold));
# define BUMP_ASSERT(cond) \
	(bump_likely(cond) ? (void)0 : bump__assert_failed(__FILE__, __LINE__, #cond))
#else
# define BUMP_ASSERT(cond) ((void)0)
#endif

/* 1 when n is a power of two (0 is not). */
static inline int
bump__is_pow2(size_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* n rounded up to a multiple of align (a power of two). */
static inline size_t
bump__round_up(size_t n, size_t align)
{
	BUMP_ASSERT(bump__is_pow2(align));
	return (n + align - 1) & ~(align - 1);
}

/* n rounded down to a multiple of align (a power of two). */
static inline size_t
bump__round_down(size_t n, size_t align)
{
	BUMP_ASSERT(bump__is_pow2(align));
	return n & ~(align - 1);
}

/* The same for addresses. */
static inline uintptr_t
bump__align_up(uintptr_t p, size_t align)
{
	BUMP_ASSERT(bump__is_pow2(align));
	return (p + align - 1) & ~(uintptr_t)(align - 1);
}

static inline uintptr_t
bump__align_down(uintptr_t p, size_t align)
{
	BUMP_ASSERT(bump__is_pow2(align));
	return p & ~(uintptr_t)(align - 1);
}

/* The largest k with 2^k <= n (n > 0). */
static inline unsigned
bump__log2_floor(size_t n)
{
	BUMP_ASSERT(n != 0);
	return (unsigned)(sizeof(unsigned long long) * 8 - 1) -
	    (unsigned)__builtin_clzll((unsigned long long)n);
}

/* The smallest k with 2^k >= n (0 for n <= 1). */
static inline unsigned
bump__log2_ceil(size_t n)
{
	return n <= 1 ? 0 : bump__log2_floor(n - 1) + 1;
}

static inline char *
bump__max_ptr(char *a, char *b)
{
	return a > b ? a : b;
}

static inline size_t
bump__min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static inline size_t
bump__max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

#endif /* BUMP_BITS_H */
