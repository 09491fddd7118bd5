/*
 * malloc_env.c - settings, messages, the report and malloc_info's text.
 *
 * Runs inside malloc, possibly before the C library is fully set up:
 * through lib/os.h only, no stdio, no malloc.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_internal.h"
#include "os.h"

/* ---- Messages ---------------------------------------------------------- */

/* Write the NULL-terminated list of strings as one line on fd. */
void
bump__write_message(int fd, const char *const *parts)
{
	char line[512];
	size_t len = 0;

	for (; *parts != NULL; parts++)
		for (const char *s = *parts; *s != '\0' && len < sizeof line - 1; s++)
			line[len++] = *s;
	line[len++] = '\n';
	bump__os_write(fd, line, len);
}

/* Decimal text of v in buf (at least 24 bytes); returns buf. */
static char *
format_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

/* "1 GiB", "640 KiB", "3.5 MiB", "100 bytes" in buf (at least 32 bytes). */
static char *
format_bytes(char *buf, uint64_t v)
{
	static const char *const units[] = { " KiB", " MiB", " GiB", " TiB" };
	int unit = -1;
	uint64_t whole = v, tenths = 0;
	size_t len;

	while (whole >= 1024 && unit < 3) {
		tenths = (whole % 1024) * 10 / 1024;
		whole /= 1024;
		unit++;
	}
	format_u64(buf, whole);
	len = strlen(buf);
	if (unit >= 0 && tenths != 0 && whole < 100) {
		buf[len++] = '.';
		buf[len++] = (char)('0' + tenths);
		buf[len] = '\0';
	}
	strcpy(buf + len, unit < 0 ? " bytes" : units[unit]);
	return buf;
}

/* ---- Configuration ----------------------------------------------------- */

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
int
bump__parse_size(const char *s, size_t *out)
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

void
bump__read_config(struct bump_config *config, size_t default_reserve,
    size_t min_reserve)
{
	static const char *const policies[] = { "none", "lifo", "recycle", NULL };
	static const char *const modes[] = { "system", "null", "abort", NULL };
	const char *size = bump__os_getenv("BUMP_ALLOC_SIZE");
	char buf[32], least[32], expected[128];

	config->reserve = default_reserve;
	if (size != NULL && *size != '\0' &&
	    (bump__parse_size(size, &config->reserve) != 0 ||
	    config->reserve < min_reserve)) {
		const char *parts[] = { "a size in bytes with an optional K, M, G "
		    "or T suffix, at least ", format_bytes(least, min_reserve),
		    " (e.g. 512M)", NULL };
		size_t len = 0;

		for (const char *const *p = parts; *p != NULL; p++)
			for (const char *c = *p; *c != '\0'; c++)
				expected[len++] = *c;
		expected[len] = '\0';
		config->reserve = default_reserve;
		malformed("BUMP_ALLOC_SIZE", size, expected,
		    format_bytes(buf, default_reserve));
	}
	config->free_policy = (enum bump_free_policy)read_choice(
	    "BUMP_ALLOC_FREE", policies, "none, lifo or recycle", FREE_RECYCLE);
	config->on_exhaust = (enum bump_exhaust)read_choice(
	    "BUMP_ALLOC_ON_EXHAUST", modes, "system, null or abort",
	    EXHAUST_SYSTEM);
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

/* ---- Reports ----------------------------------------------------------- */

void
bump__print_exhausted(size_t reserve, size_t request)
{
	char r[32], n[32];
	const char *parts[] = { "bump_alloc: the ", format_bytes(r, reserve),
	    " reserve is exhausted (request of ", format_bytes(n, request),
	    "); raise BUMP_ALLOC_SIZE (bump-run -s) or set "
	    "BUMP_ALLOC_ON_EXHAUST=system", NULL };

	bump__write_message(2, parts);
}

void
bump__print_no_reserve(size_t reserve)
{
	char r[32];
	const char *parts[] = { "bump_alloc: cannot reserve ",
	    format_bytes(r, reserve), " of address space (BUMP_ALLOC_SIZE); "
	    "every allocation goes to BUMP_ALLOC_ON_EXHAUST", NULL };

	bump__write_message(2, parts);
}

static unsigned
percent(uint64_t part, uint64_t whole)
{
	return whole == 0 ? 0 : (unsigned)(part * 100 / whole);
}

/* Programs that allocated less than this get no verdict: too little to tell. */
#define VERDICT_MIN_BYTES ((uint64_t)4 << 20)

void
bump__print_report(const struct bump_config *config,
    const struct bump_malloc_stats *st)
{
	static const char *const policies[] = { "none", "lifo", "recycle" };
	static const char *const modes[] = { "system", "null", "abort" };
	int fd = config->stats_fd;
	char a[32], b[32], d[32], e[32], f[32], g[32], h[32];

	{
		const char *line[] = { "bump_alloc: pid ",
		    format_u64(a, bump__os_pid()), ": reserve ",
		    format_bytes(b, config->reserve), ", free=",
		    policies[config->free_policy], ", on-exhaust=",
		    modes[config->on_exhaust], ", threads ",
		    format_u64(d, st->threads), NULL };
		bump__write_message(fd, line);
	}
	{
		const char *line[] = { "bump_alloc:   chunks in use ",
		    format_bytes(a, st->chunks_in_use), ", peak ",
		    format_bytes(b, st->chunks_peak), " (chunks of ",
		    format_bytes(d, st->chunk_size), "); blocks of ",
		    format_bytes(e, st->large_threshold),
		    " and more get their own pages: peak ",
		    format_bytes(f, st->large_peak), ", cached ",
		    format_bytes(g, st->large_cached), NULL };
		bump__write_message(fd, line);
	}
	{
		const char *line[] = { "bump_alloc:   malloc ",
		    format_u64(a, st->mallocs), ", free ", format_u64(b, st->frees),
		    ", realloc ", format_u64(d, st->reallocs), " (",
		    format_u64(e, st->reallocs_in_place), " in place), large ",
		    format_u64(f, st->large), ", fallbacks to the system allocator ",
		    format_u64(g, st->fallbacks), NULL };
		bump__write_message(fd, line);
	}
	{
		const char *line[] = { "bump_alloc:   allocated ",
		    format_bytes(a, st->bytes_allocated), ", freed ",
		    format_bytes(b, st->bytes_freed), ", given back by free ",
		    format_bytes(d, st->bytes_reclaimed), " (",
		    format_u64(e, percent(st->bytes_reclaimed, st->bytes_freed)),
		    "%), recycled blocks ", format_u64(f, st->recycled),
		    ", frees from other threads ", format_u64(h, st->remote_frees),
		    NULL };
		bump__write_message(fd, line);
	}
	if (st->bytes_allocated >= VERDICT_MIN_BYTES &&
	    st->bytes_reclaimed * 2 < st->bytes_freed) {
		const char *line[] = { "bump_alloc: verdict: ",
		    format_u64(a, 100 - percent(st->bytes_reclaimed, st->bytes_freed)),
		    "% of the bytes freed could not be given back (",
		    config->free_policy == FREE_NONE ? "BUMP_ALLOC_FREE=none" :
		    "frees out of allocation order",
		    "): this program does not suit a bump allocator",
		    config->free_policy == FREE_RECYCLE ? "" :
		    "; try BUMP_ALLOC_FREE=recycle", NULL };
		bump__write_message(fd, line);
	}
}

/* malloc_info(3)'s XML, in the shape of glibc's, into buf; its length. */
size_t
bump__format_report(const struct bump_config *config,
    const struct bump_malloc_stats *st, char *buf, size_t size)
{
	static const char *const policies[] = { "none", "lifo", "recycle" };
	const struct { const char *name; uint64_t value; } rows[] = {
		{ "reserve", st->reserve }, { "chunk_size", st->chunk_size },
		{ "large_threshold", st->large_threshold },
		{ "chunks_in_use", st->chunks_in_use },
		{ "chunks_peak", st->chunks_peak },
		{ "large_in_use", st->large_in_use },
		{ "large_peak", st->large_peak },
		{ "large_cached", st->large_cached },
		{ "mallocs", st->mallocs }, { "frees", st->frees },
		{ "reallocs", st->reallocs },
		{ "reallocs_in_place", st->reallocs_in_place },
		{ "large", st->large }, { "fallbacks", st->fallbacks },
		{ "remote_frees", st->remote_frees },
		{ "recycled", st->recycled },
		{ "bytes_allocated", st->bytes_allocated },
		{ "bytes_freed", st->bytes_freed },
		{ "bytes_reclaimed", st->bytes_reclaimed },
		{ "threads", st->threads },
	};
	size_t len = 0;
	char num[32];

#define PUT(s) do {							\
	for (const char *c_ = (s); *c_ != '\0' && len + 1 < size; c_++)	\
		buf[len++] = *c_;					\
} while (0)
	PUT("<malloc version=\"bump_alloc-1\" free=\"");
	PUT(policies[config->free_policy]);
	PUT("\">\n");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		PUT("<total type=\"");
		PUT(rows[i].name);
		PUT("\" size=\"");
		PUT(format_u64(num, rows[i].value));
		PUT("\"/>\n");
	}
	PUT("</malloc>\n");
#undef PUT
	buf[len] = '\0';
	return len;
}

/* BUMP_ALLOC_STATS=1: the report, once, at exit. */
__attribute__((destructor)) static void
report_at_exit(void)
{
	struct bump_malloc_stats st;

	if (!bump__ready() || !bump__g.config.stats)
		return;
	bump__collect(&st);
	bump__print_report(&bump__g.config, &st);
}
