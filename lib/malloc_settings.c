/*
 * malloc_settings.c - what start-up decides once: the environment's
 * settings (BUMP_ALLOC_*), the chunks' geometry, the page size and the C
 * library's own allocator.  Nothing writes bump__settings afterwards.
 *
 * Runs inside malloc, possibly before the C library is fully set up:
 * through lib/os.h only, no stdio, no malloc, no dlsym.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "malloc_internal.h"

struct bump_settings bump__settings;

/* The reserve when neither BUMP_ALLOC_SIZE nor the program says. */
#define DEFAULT_MALLOC_RESERVE ((size_t)1 << 30)

/* A program linked with the library may choose its own default reserve. */
extern const size_t bump_alloc_global_size __attribute__((weak));

/* ---- Words and sizes --------------------------------------------------- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
same_word(const char *a, const char *b)
{
	while (*a != '\0' && lower((unsigned char)*a) == *b)
		a++, b++;
	return *a == '\0' && *b == '\0';
}

/*
 * Bytes with an optional K/M/G/T suffix (powers of 1024), spelled also
 * KiB, KB, k...; 0 and overflow are refused.  0 on success, -1 if malformed.
 */
static int
parse_size(const char *s, size_t *out)
{
	static const char suffixes[] = "kmgt";
	size_t value = 0;
	int shift = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (value > (SIZE_MAX - 9) / 10)
			return -1;
		value = value * 10 + (size_t)(*p - '0');
	}
	if (*p == ' ')
		p++;
	if (*p != '\0') {
		const char *unit = strchr(suffixes, lower((unsigned char)*p));

		if (unit == NULL || *unit == '\0') {
			if (!same_word(p, "b"))
				return -1;
		} else {
			shift = 10 * (int)(unit - suffixes + 1);
			p++;
			if (!same_word(p, "") && !same_word(p, "b") &&
			    !same_word(p, "ib"))
				return -1;
		}
	}
	if (value == 0 || (shift != 0 && value > (SIZE_MAX >> shift)))
		return -1;
	*out = value << shift;
	return 0;
}

static void
malformed(const char *name, const char *value, const char *accepted,
    const char *fallback)
{
	const char *parts[] = { "bump_alloc: ignoring ", name, "='", value,
	    "': expected ", accepted, "; using ", fallback, NULL };

	bump__write_message(2, parts);
}

/* Index of value in the NULL-terminated words (any case), or -1. */
static int
pick_word(const char *value, const char *const *words)
{
	for (int i = 0; words[i] != NULL; i++)
		if (same_word(value, words[i]))
			return i;
	return -1;
}

/* ---- The environment --------------------------------------------------- */

static int
read_choice(const char *name, const char *const *words, const char *accepted,
    int fallback)
{
	const char *value = bump__os_getenv(name);
	int i;

	if (value == NULL || *value == '\0')
		return fallback;
	i = pick_word(value, words);
	if (i < 0) {
		malformed(name, value, accepted, words[fallback]);
		return fallback;
	}
	return i;
}

static int
read_flag(const char *name)
{
	static const char *const words[] = { "0", "1", "no", "yes", "off", "on",
	    "false", "true", NULL };

	return read_choice(name, words, "1 or 0 (yes/no, on/off)", 0) % 2;
}

/* BUMP_ALLOC_SIZE, or default_reserve when it is unset or malformed. */
static size_t
read_reserve(size_t default_reserve, size_t min_reserve)
{
	const char *size = bump__os_getenv("BUMP_ALLOC_SIZE");
	char buf[32], least[32], expected[128];
	size_t reserve;

	if (size == NULL || *size == '\0')
		return default_reserve;
	if (parse_size(size, &reserve) != 0 || reserve < min_reserve) {
		const char *parts[] = { "a size in bytes with an optional K, M, G "
		    "or T suffix, at least ", bump__format_bytes(least, min_reserve),
		    " (e.g. 512M)", NULL };
		size_t len = 0;

		for (const char *const *p = parts; *p != NULL; p++)
			for (const char *c = *p; *c != '\0'; c++)
				expected[len++] = *c;
		expected[len] = '\0';
		malformed("BUMP_ALLOC_SIZE", size, expected,
		    bump__format_bytes(buf, default_reserve));
		return default_reserve;
	}
	return reserve;
}

static void
read_config(struct bump_config *config, size_t default_reserve,
    size_t min_reserve)
{
	static const char *const policies[] = { "none", "lifo", "recycle", NULL };
	static const char *const modes[] = { "system", "null", "abort", NULL };
	static const char *const bad_frees[] = { "abort", "ignore", NULL };

	config->reserve = read_reserve(default_reserve, min_reserve);
	config->free_policy = (enum bump_free_policy)read_choice(
	    "BUMP_ALLOC_FREE", policies, "none, lifo or recycle", FREE_RECYCLE);
	config->on_exhaust = (enum bump_exhaust)read_choice(
	    "BUMP_ALLOC_ON_EXHAUST", modes, "system, null or abort",
	    EXHAUST_SYSTEM);
	config->bad_free = (enum bump_bad_free)read_choice(
	    "BUMP_ALLOC_BAD_FREE", bad_frees, "abort or ignore", BAD_FREE_ABORT);
	config->stats = read_flag("BUMP_ALLOC_STATS");
	/* coreutils close stderr in an atexit handler, before the report. */
	config->stats_fd = 2;
	if (config->stats) {
		int fd = bump__os_dup_stderr();
		if (fd >= 0)
			config->stats_fd = fd;
	}
	config->hugepages = read_flag("BUMP_ALLOC_HUGEPAGES");
}

/* ---- Geometry and the C library ---------------------------------------- */

static void
choose_geometry(struct bump_settings *s)
{
	unsigned shift = MALLOC_CHUNK_SHIFT_MAX;

	/* Small reserves get small chunks, so that a few threads fit. */
	while (shift > MALLOC_CHUNK_SHIFT_MIN &&
	    ((size_t)8 << shift) > s->config.reserve)
		shift--;
	s->chunk_shift = shift;
	s->chunk_size = (size_t)1 << shift;
	s->chunk_mask = ~(uintptr_t)(s->chunk_size - 1);
	s->small_max = bump__min_size(s->chunk_size / 4, LARGE_THRESHOLD);
	/* so that malloc_block_bytes stays below the threshold */
	s->small_max -= 16;
}

/* The C library's allocator, all of it or nothing: a half-found one would
 * mix two heaps. */
static void
find_libc(struct bump_libc *libc)
{
	static const char *const names[] = { "__libc_malloc", "__libc_free",
	    "__libc_calloc", "__libc_realloc", "__libc_memalign",
	    "malloc_usable_size" };
	enum { COUNT = sizeof names / sizeof names[0] };
	void *found[COUNT];

	bump__os_find_libc(names, found, COUNT);
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

/* Once, from start-up, before any chunk is handed out. */
void
bump__settings_init(void)
{
	size_t default_reserve = DEFAULT_MALLOC_RESERVE;

	if (&bump_alloc_global_size != NULL && bump_alloc_global_size != 0)
		default_reserve = bump_alloc_global_size;
	find_libc(&bump__settings.libc);
	read_config(&bump__settings.config, default_reserve,
	    (size_t)1 << MALLOC_CHUNK_SHIFT_MIN);
	bump__settings.page = bump__os_page_size();
	choose_geometry(&bump__settings);
}
